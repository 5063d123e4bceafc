"""ASGI entry point for daphne: HTTP through Django, websockets through Channels."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
# Django must be set up before anything imports models, so routing is imported after this.
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402

from chatbot.origins import chat_allowed_origins  # noqa: E402
from chatbot.routing import websocket_urlpatterns as chat_routes  # noqa: E402
from desk.routing import websocket_urlpatterns as desk_routes  # noqa: E402

websocket_urlpatterns = chat_routes + desk_routes

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Foreign origins are refused at the handshake (CHAT_ALLOWED_ORIGINS / ALLOWED_HOSTS).
        "websocket": OriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns)), chat_allowed_origins()
        ),
    }
)
