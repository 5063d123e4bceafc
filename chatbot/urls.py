from django.urls import path

from chatbot import views

app_name = "chat"

urlpatterns = [
    path("session/", views.chat_session, name="session"),
    path("offline/", views.chat_offline, name="offline"),
]
