"""The staff websocket route, merged into the chat's routes by servicedesk/asgi.py.

Besides the chat's origin check (which may admit other shops' storefronts embedding the widget),
the desk admits only this site's own hosts: a staff session must not be usable from a page on
another origin."""

from channels.security.websocket import AllowedHostsOriginValidator
from django.urls import path

from desk.consumers import DeskConsumer

websocket_urlpatterns = [path("ws/desk/", AllowedHostsOriginValidator(DeskConsumer.as_asgi()))]
