"""The assistant stops talking the moment an agent has the chat (assistant.replies.pipeline)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

from assistant.replies import pipeline as replies
from chatbot import events
from chatbot import services as chat_services
from chatbot.models import Conversation, ConversationStatus, MessageState
from orders.models import Customer


@pytest.mark.django_db(transaction=True)
def test_a_streaming_reply_stops_when_an_agent_takes_the_chat(
    alice: Customer, sam: User, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    settings.BOT_LLM_MODE = "off"  # the draft streams a sentence a chunk
    monkeypatch.setattr(chat_services, "_enqueue_reply", lambda message_id: None)
    monkeypatch.setattr(events, "publish", lambda conversation, event: None)
    conversation = chat_services.conversation_start_or_resume(customer=alice, resume=None)
    question, _ = chat_services.message_post_customer(conversation_id=conversation.pk, text="hi")
    appended: list[str] = []
    real_append = chat_services.reply_append

    def append_then_agent_joins(*, reply: Any, text: str) -> None:
        real_append(reply=reply, text=text)
        appended.append(text)
        # An agent takes over right after the first chunk went out.
        Conversation.objects.filter(pk=conversation.pk).update(
            status=ConversationStatus.AGENT, assigned_agent=sam
        )

    monkeypatch.setattr(chat_services, "reply_append", append_then_agent_joins)

    reply = replies.reply_generate(customer_message_id=question.pk)

    assert reply is not None
    reply.refresh_from_db()
    assert len(appended) == 1
    assert reply.text == appended[0].strip()
    assert (reply.state, reply.metadata["interrupted"]) == (MessageState.FINAL, True)
