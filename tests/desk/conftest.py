"""Fixtures for the desk: chats in each state, reached through the real services, and a record of
what would have been pushed to sockets."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User

from chatbot import events as chat_events
from chatbot import services as chat_services
from chatbot.models import Conversation
from desk import events as desk_events
from desk import services
from desk.models import AgentProfile, Presence
from orders.models import Customer


@pytest.fixture(autouse=True)
def _no_auto_assign(settings: Any) -> None:
    """Chats stay in the queue unless a test turns auto-assignment on."""
    settings.DESK_AUTO_ASSIGN = False
    settings.DESK_HOURS = ""


@pytest.fixture
def pushed(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """(group, event) for every push, instead of the channel layer."""
    sent: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        chat_events,
        "publish",
        lambda conversation, event: sent.append((chat_events.group_name(conversation), event)),
    )
    monkeypatch.setattr(desk_events, "publish", lambda group, event: sent.append((group, event)))
    return sent


@pytest.fixture
def no_replies(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Reply tasks that would have been enqueued (the bot's brain doesn't run)."""
    enqueued: list[int] = []
    monkeypatch.setattr(chat_services, "_enqueue_reply", enqueued.append)
    return enqueued


def online(user: User, max_chats: int = 3) -> AgentProfile:
    profile, _ = AgentProfile.objects.get_or_create(user=user)
    profile.presence = Presence.ONLINE
    profile.max_chats = max_chats
    profile.save()
    return profile


ChatMaker = Callable[..., Conversation]


@pytest.fixture
def chat(no_replies: list[int]) -> ChatMaker:
    """A conversation of `customer` (None: a guest) handed over with `reason`, then claimed by
    `agent` if given."""

    def make(
        customer: Customer | None, reason: str = "requested", agent: User | None = None
    ) -> Conversation:
        conversation = chat_services.conversation_start_or_resume(customer=customer, resume=None)
        chat_services.message_post_customer(conversation_id=conversation.pk, text="I need help")
        services.conversation_handoff(conversation_id=conversation.pk, reason=reason)
        if agent is not None:
            services.conversation_claim(conversation_id=conversation.pk, user=agent)
        conversation.refresh_from_db()
        return conversation

    return make
