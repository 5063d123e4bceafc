from django.urls import path

from desk import views

app_name = "desk"

urlpatterns = [
    path("", views.index, name="index"),
    path("reports/", views.reports, name="reports"),
    path("api/agents/", views.agents, name="agents"),
    path("api/canned/", views.canned, name="canned"),
    path("api/tickets/", views.tickets, name="tickets"),
    path("api/tickets/<int:ticket_id>/answer/", views.ticket_answer, name="ticket_answer"),
    path(
        "api/conversations/<uuid:conversation_id>/orders/<str:number>/<str:action>/",
        views.order_action,
        name="order_action",
    ),
]
