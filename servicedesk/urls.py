from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "servicedesk staff console"
admin.site.site_title = "servicedesk"
admin.site.index_title = "Shop administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("chat/", include("chatbot.urls")),
    path("desk/", include("desk.urls")),
    path("", include("orders.urls")),
]
