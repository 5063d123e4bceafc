"""Reads of conversations."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from chatbot.models import Message, MessageRole, MessageState


def messages_after(*, conversation_id: uuid.UUID, seq: int) -> QuerySet[Message]:
    """What a reconnecting client missed: every message past `seq`, oldest first."""
    return (
        Message.objects.filter(conversation_id=conversation_id, seq__gt=seq)
        .select_related("reply_to")
        .order_by("seq")
    )


def history_for_prompt(*, question: Message, limit: int) -> list[Message]:
    """The conversation's recent finished customer/bot/agent messages up to and including
    `question`, oldest first."""
    rows = (
        Message.objects.filter(
            conversation_id=question.conversation_id,
            seq__lte=question.seq,
            role__in=[MessageRole.CUSTOMER, MessageRole.BOT, MessageRole.AGENT],
            state=MessageState.FINAL,
        )
        .exclude(text="")
        .order_by("-seq")[:limit]
    )
    return list(reversed(rows))
