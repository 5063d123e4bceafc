"""Reads of conversations."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from chatbot.models import Conversation, Message, MessageRole, MessageState
from chatbot.tokens import ChatGrant


def conversation_for_grant(grant: ChatGrant) -> Conversation | None:
    """The conversation a token names, only if it still belongs to the token's customer (or is
    still a guest's, for a guest token)."""
    qs = Conversation.objects.filter(pk=grant.conversation_id).select_related("customer")
    if grant.customer_id is None:
        return qs.filter(customer__isnull=True).first()
    return qs.filter(customer_id=grant.customer_id).first()


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
