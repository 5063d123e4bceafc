"""The staff side of a chat, as the chat app sees it: handing a conversation to people, the
customer's rating of a resolved chat, a message left for email when nobody is online, and events
for the staff watching a chat.

The agent desk (`desk`) implements this and registers itself when Django loads it
(`desk.apps.DeskConfig.ready`), so `chatbot` never imports `desk`: the apps depend in one
direction (`desk` → `assistant` → `chatbot` → `orders`)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Protocol

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from chatbot.models import Conversation


class Refused(Exception):
    """An action the staff side refuses; `code` is the protocol's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class StaffSide(Protocol):
    def handoff(self, *, conversation_id: uuid.UUID, reason: str) -> Conversation: ...

    def reopen(self, *, conversation: Conversation, seq: int) -> None:
        """resolved → bot when the customer writes again; the caller holds the row lock."""

    def rate(self, *, conversation_id: uuid.UUID, score: int, comment: str) -> bool: ...

    def offline_message(self, *, conversation_id: uuid.UUID, email: Any, text: Any) -> int: ...

    def leave_queue(self, *, conversation_id: uuid.UUID) -> bool:
        """queued → bot at the customer's wish; False when it isn't queued."""

    def publish_to_watchers(self, conversation_id: uuid.UUID | str, event: dict[str, Any]) -> None:
        """To the staff watching one chat only (the customer typing): never to the customer."""


_side: StaffSide | None = None


def register(side: StaffSide) -> None:
    global _side
    _side = side


def side() -> StaffSide:
    if _side is None:
        raise ImproperlyConfigured("No staff side is registered: add 'desk' to INSTALLED_APPS.")
    return _side
