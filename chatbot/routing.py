"""Websocket routes, mounted by servicedesk/asgi.py behind the origin check and auth stack."""

from django.urls import URLPattern, URLResolver

websocket_urlpatterns: list[URLPattern | URLResolver] = []
