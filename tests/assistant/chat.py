"""Chatting with the assistant in a test: post a customer message and get the reply the reply
service writes (database, classifier and encoder real; the model off, nothing queued)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.flows.state import DialogueState
from assistant.replies import pipeline as replies
from chatbot import services
from chatbot.models import Conversation, Message
from orders.models import Customer


def drafts_only(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.BOT_LLM_MODE = "off"
    monkeypatch.setattr(services, "_enqueue_reply", lambda message_id: None)


def chat(customer: Customer | None, language: str = "en") -> Conversation:
    return services.conversation_start_or_resume(customer=customer, resume=None, language=language)


def say(conversation: Conversation, text: str, action: dict[str, str] | None = None) -> Message:
    question, _ = services.message_post_customer(
        conversation_id=conversation.pk, text=text, action=action
    )
    reply = replies.reply_generate(customer_message_id=question.pk)
    assert reply is not None
    reply.refresh_from_db()
    return reply


def yes(conversation: Conversation) -> Message:
    """Press the Yes button of the confirmation waiting in the conversation."""
    pending = state(conversation).pending
    assert pending is not None, "no confirmation is waiting"
    return say(conversation, "yes", action={"confirm": pending.id, "answer": "yes"})


def types(reply: Message) -> list[str]:
    return [a.get("type") for a in reply.metadata.get("attachments") or []]


def state(conversation: Conversation) -> DialogueState:
    conversation.refresh_from_db()
    return DialogueState.load(conversation.bot_state)
