"""Which web origins may use the chat: CHAT_ALLOWED_ORIGINS, or else the hosts in ALLOWED_HOSTS.
One rule for the websocket handshake (asgi.py) and the token endpoint (views.py)."""

from __future__ import annotations

from urllib.parse import urlparse

from channels.security.websocket import OriginValidator
from django.conf import settings


def chat_allowed_origins() -> list[str]:
    return list(settings.CHAT_ALLOWED_ORIGINS or settings.ALLOWED_HOSTS)


def origin_allowed(origin: str) -> bool:
    # Channels' own matching (scheme, host patterns like ".example.com", ports), reused as is.
    validator = OriginValidator(None, chat_allowed_origins())
    return bool(validator.valid_origin(urlparse(origin)))
