"""Signed tokens for the chat. The websocket token is short-lived and names one conversation and
the customer (or guest) it belongs to; the resume token lets the same visitor continue that
conversation after a page reload. Both are signed with SECRET_KEY; clients cannot forge them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

WS_SALT = "servicedesk.chat.ws"
RESUME_SALT = "servicedesk.chat.resume"


@dataclass(frozen=True)
class ChatGrant:
    conversation_id: uuid.UUID
    customer_id: int | None


def _dump(grant: ChatGrant, salt: str) -> str:
    return signing.dumps({"c": str(grant.conversation_id), "u": grant.customer_id}, salt=salt)


def _load(token: str, salt: str, max_age: int) -> ChatGrant | None:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
        customer = data["u"]
        if customer is not None and not isinstance(customer, int):
            return None
        return ChatGrant(conversation_id=uuid.UUID(str(data["c"])), customer_id=customer)
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def ws_token(grant: ChatGrant) -> str:
    return _dump(grant, WS_SALT)


def ws_token_check(token: str) -> ChatGrant | None:
    """The grant in a websocket token, or None if it is forged, malformed or expired."""
    return _load(token, WS_SALT, settings.CHAT_TOKEN_MAX_AGE)


def resume_token(grant: ChatGrant) -> str:
    return _dump(grant, RESUME_SALT)


def resume_token_check(token: str) -> ChatGrant | None:
    return _load(token, RESUME_SALT, settings.CHAT_RESUME_MAX_AGE)
