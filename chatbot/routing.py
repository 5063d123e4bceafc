"""Websocket routes, mounted by servicedesk/asgi.py behind the origin check and auth stack."""

from django.urls import path

from chatbot.consumers import ChatConsumer

websocket_urlpatterns = [path("ws/chat/", ChatConsumer.as_asgi())]
