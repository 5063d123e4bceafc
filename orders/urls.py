from django.contrib.auth import views as auth_views
from django.urls import path

from orders import views

app_name = "shop"

urlpatterns = [
    path("", views.product_list, name="product_list"),
    path("products/<slug:slug>/", views.product_detail, name="product_detail"),
    path("products/<slug:slug>/image.svg", views.product_image, name="product_image"),
    path(
        "account/login/",
        auth_views.LoginView.as_view(template_name="orders/login.html"),
        name="login",
    ),
    path("account/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/orders/", views.my_orders, name="my_orders"),
    path("account/orders/<str:number>/", views.order_detail, name="order_detail"),
    path("account/orders/<str:number>/cancel/", views.order_cancel, name="order_cancel"),
    path("pay/<str:token>/", views.pay, name="pay"),
    path("help/", views.help_center, name="help_center"),
    path("help/<slug:slug>/", views.help_article, name="help_article"),
]
