"""Writes to conversations. Every message gets its sequence number here, under a row lock on the
conversation, and every push to clients happens after the transaction commits (chatbot.events)."""

from __future__ import annotations

import logging
import unicodedata
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from chatbot import events, selectors, staff
from chatbot.models import Conversation, ConversationStatus, Message, MessageRole, MessageState
from chatbot.tokens import ChatGrant, resume_token_check
from orders.models import Customer

# The statuses in which the assistant answers the customer (docs/desk.md, "In the queue").
ASSISTANT_ANSWERS = frozenset({ConversationStatus.BOT, ConversationStatus.QUEUED})
log = logging.getLogger(__name__)


class ChatInputError(Exception):
    """A customer message that can't be accepted; `code` is the protocol's error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def text_normalize(text: str) -> str:
    """NFC, no control characters but newline and tab, no surrounding whitespace."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")
    )
    return text.strip()


def text_validate(raw: object) -> str:
    if not isinstance(raw, str):
        raise ChatInputError("empty_text", _("text must be a non-empty string"))
    text = text_normalize(raw)
    if not text:
        raise ChatInputError("empty_text", _("text is empty"))
    if len(text) > settings.CHAT_MAX_TEXT:
        raise ChatInputError(
            "text_too_long",
            _("text is longer than %(max)s characters") % {"max": settings.CHAT_MAX_TEXT},
        )
    return text


def conversation_start_or_resume(
    *, customer: Customer | None, resume: str | None, page: str = "", language: str = "en"
) -> Conversation:
    """The visitor's conversation: the one their resume token names if it is still theirs (same
    signed-in customer, or a guest resuming a guest conversation), else a new one."""
    grant = resume_token_check(resume) if resume else None
    customer_id = customer.pk if customer is not None else None
    if grant is not None and grant.customer_id == customer_id:
        conversation = selectors.conversation_for_grant(grant)
        if conversation is not None:
            return conversation
    return Conversation.objects.create(
        customer=customer,
        verified_customer=customer,
        started_on=page[:500],
        language=language if language in LANGUAGES else "en",
    )


LANGUAGES = ("en", "zh-Hans")


def django_language(language: str) -> str:
    """Django's code for a conversation's language ("zh-Hans" is "zh-hans" in settings.LANGUAGES):
    for `translation.override` around text the customer reads."""
    return "zh-hans" if language == "zh-Hans" else "en"


def conversation_set_language(*, conversation_id: uuid.UUID, language: str) -> None:
    """The language the assistant answers in (the widget's UI language)."""
    if language in LANGUAGES:
        Conversation.objects.filter(pk=conversation_id).update(language=language)


def conversation_grant(conversation: Conversation) -> ChatGrant:
    return ChatGrant(conversation_id=conversation.pk, customer_id=conversation.customer_id)


def _next_seq(conversation: Conversation) -> int:
    """Caller holds the conversation's row lock."""
    conversation.last_seq += 1
    conversation.save(update_fields=["last_seq", "updated_at"])
    return conversation.last_seq


def _lock(conversation_id: uuid.UUID) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation_id)


def conversation_lock(conversation_id: uuid.UUID) -> Conversation:
    """The conversation row, locked until the transaction ends: every message gets its seq, and
    every status change happens, under this lock."""
    return _lock(conversation_id)


def message_add(
    *,
    conversation: Conversation,
    role: str,
    text: str,
    client_id: str = "",
    metadata: dict[str, Any] | None = None,
    needs_reply: bool = False,
) -> Message:
    """Store a message with the next seq and broadcast it after commit. The caller holds the
    conversation's row lock (`conversation_lock`)."""
    message = Message.objects.create(
        conversation=conversation,
        seq=_next_seq(conversation),
        role=role,
        text=text,
        client_id=client_id,
        metadata=metadata or {},
        needs_reply=needs_reply,
    )
    transaction.on_commit(lambda: events.publish(conversation.pk, events.message_event(message)))
    return message


def message_post_customer(
    *,
    conversation_id: uuid.UUID,
    text: str,
    client_id: str = "",
    action: dict[str, str] | None = None,
) -> tuple[Message, bool]:
    """Store a customer message and, after commit, broadcast it and enqueue the reply.
    Returns (message, created); a resent `client_id` returns the original message.
    `action` is the customer's answer to a `confirm` attachment, already validated by the
    consumer ({"confirm": id, "answer": "yes" | "no"}); the reply reads it from the metadata."""
    text = text_validate(text)
    client_id = client_id[:64] if isinstance(client_id, str) else ""
    with transaction.atomic():
        conversation = _lock(conversation_id)
        if client_id:
            existing = conversation.messages.filter(client_id=client_id).first()
            if existing is not None:
                if existing.needs_reply and not existing.replies.exists():
                    # Still owed and nothing has started on it (its task may have been lost
                    # with a broker restart): queue it now rather than wait for the sweep. A
                    # second copy of a task that is still coming does nothing.
                    transaction.on_commit(lambda: reply_enqueue(message_id=existing.pk))
                return existing, False
        if conversation.status == ConversationStatus.RESOLVED:
            # Writing again after a resolved chat starts a new episode with the assistant.
            staff.side().reopen(conversation=conversation, seq=conversation.last_seq + 1)
        conversation.last_customer_message_at = timezone.now()
        conversation.save(update_fields=["last_customer_message_at", "updated_at"])
        # While the chat waits in the queue the assistant keeps answering; once an agent has
        # it, the agent does.
        answer = conversation.status in ASSISTANT_ANSWERS
        message = message_add(
            conversation=conversation,
            role=MessageRole.CUSTOMER,
            text=text,
            client_id=client_id,
            metadata={"action": action} if action else {},
            needs_reply=answer,
        )
        if answer:
            transaction.on_commit(lambda: reply_enqueue(message_id=message.pk))
    return message, True


def reply_enqueue(*, message_id: int) -> bool:
    """Queue the reply task for a stored customer message. The message is stored and owed an
    answer (`needs_reply`) before this runs, so a broker that is down loses nothing: the reply
    sweep queues it again (`assistant.replies.pipeline.reply_sweep`). False when the broker
    refused."""
    try:
        _enqueue_reply(message_id)
    except Exception:  # kombu's OperationalError, redis' ConnectionError, OSError...
        log.warning("could not queue the reply to message %s; the reply sweep will", message_id)
        return False
    return True


# Who answers a stored customer message: the assistant registers its reply task here when Django
# loads it (`assistant.apps`), so this app never imports the assistant.
_reply_starter: Callable[[int], None] | None = None


def reply_starter_register(start: Callable[[int], None]) -> None:
    global _reply_starter
    _reply_starter = start


def _enqueue_reply(message_id: int) -> None:
    if _reply_starter is None:
        raise ImproperlyConfigured("Nothing answers customer messages: add 'assistant' to apps.")
    _reply_starter(message_id)


def message_post_system(
    *, conversation_id: uuid.UUID, text: str, attachments: list[dict[str, Any]] | None = None
) -> Message:
    with transaction.atomic():
        conversation = _lock(conversation_id)
        return message_add(
            conversation=conversation,
            role=MessageRole.SYSTEM,
            text=text,
            metadata={"attachments": attachments} if attachments else {},
        )


def conversation_leave_queue(*, conversation_id: uuid.UUID) -> bool:
    """The customer stops waiting for a person and goes on with the assistant (queued → bot).
    False when the chat isn't waiting in the queue."""
    return staff.side().leave_queue(conversation_id=conversation_id)


HANDOFF_TEXT = gettext_noop(
    "I've asked a member of our team to join this chat. They'll see everything above, so "
    "you won't need to repeat yourself."
)
# When no agent is available (outside DESK_HOURS, or nobody online): the widget shows a form to
# leave an email address and a message (`POST /chat/offline/`) for the `offline_form` attachment.
HANDOFF_OFFLINE_TEXT = gettext_noop(
    "I've asked a member of our team to join this chat, but no one is available right now. "
    "Leave your email address and a message, and we'll answer you by email."
)


def handoff_text(*, language: str, offline: bool = False) -> str:
    """What the customer is told when the chat is handed to a person, in the chat's language."""
    with translation.override(django_language(language)):
        return _(HANDOFF_OFFLINE_TEXT if offline else HANDOFF_TEXT)


def conversation_request_handoff(
    *, conversation_id: uuid.UUID, reason: str = "requested"
) -> Conversation:
    """Hand the conversation to a human (the customer asked, or the assistant decided): queue it
    with its priority, tell the customer, and let the agent desk pick it up
    (the desk's state machine, registered as `chatbot.staff`)."""
    return staff.side().handoff(conversation_id=conversation_id, reason=reason)


def conversation_rate(*, conversation_id: uuid.UUID, score: int, comment: str = "") -> bool:
    """The customer's rating (1-5) of a resolved chat; False when the chat isn't resolved."""
    return staff.side().rate(conversation_id=conversation_id, score=score, comment=comment)


def conversation_verify(*, conversation: Conversation, customer: Customer) -> bool:
    """Record that the guest in this conversation proved to be `customer`. One customer per
    conversation: False (and no change) when it is already verified as someone else. The caller
    holds the conversation's row lock (the assistant's turn does)."""
    if conversation.verified_customer_id not in (None, customer.pk):
        return False
    conversation.verified_customer = customer
    conversation.save(update_fields=["verified_customer", "updated_at"])
    return True


def conversation_save_bot_state(*, conversation: Conversation, state: dict[str, Any]) -> None:
    """Store the assistant's dialogue state; the caller holds the conversation's row lock."""
    conversation.bot_state = state
    conversation.save(update_fields=["bot_state", "updated_at"])


# --- the bot's reply, written by the reply task ---------------------------------------------------


class ReplyBusy(Exception):
    """Another attempt is writing this reply and made progress within `CHAT_REPLY_RETRY_S`: a
    second copy of the task (queued again by the sweep) leaves it alone."""


class ReplySuperseded(Exception):
    """A newer attempt took this reply over: the older one stops writing."""


def reply_for(*, customer_message_id: int) -> Message | None:
    return (
        Message.objects.filter(reply_to_id=customer_message_id, role=MessageRole.BOT)
        .select_related("reply_to")
        .first()
    )


def reply_is_stale(reply: Message) -> bool:
    """No progress (a chunk, the turn, a new attempt) for `CHAT_REPLY_RETRY_S`: whoever was
    writing it is gone."""
    return reply.updated_at < timezone.now() - timedelta(seconds=settings.CHAT_REPLY_RETRY_S)


def reply_start(
    *, customer_message_id: int, model_name: str, take_over: bool = True
) -> Message | None:
    """Open the bot reply to a customer message for a new generation attempt. None when the
    message already has a finished reply (a redelivered task has nothing to write). An attempt
    still making progress is taken over only with `take_over` (the task was redelivered because
    its worker died, or the same task starts over); otherwise `ReplyBusy`."""
    with transaction.atomic():
        question = Message.objects.select_related("conversation").get(pk=customer_message_id)
        conversation = _lock(question.conversation_id)
        reply = reply_for(customer_message_id=question.pk)
        if reply is not None and reply.state != MessageState.STREAMING:
            return None
        if reply is not None and not take_over and not reply_is_stale(reply):
            raise ReplyBusy(f"reply {reply.seq} of message {question.pk} is being written")
        attempt = uuid.uuid4().hex[:12]
        if reply is None:
            reply = Message.objects.create(
                conversation=conversation,
                seq=_next_seq(conversation),
                role=MessageRole.BOT,
                reply_to=question,
                state=MessageState.STREAMING,
                attempt=attempt,
                metadata={"model": model_name},
            )
        else:
            # An earlier attempt died mid-reply: start again on the same seq. Clients drop the
            # superseded partial text when they see the new attempt id.
            reply.text = ""
            reply.attempt = attempt
            reply.metadata = {**reply.metadata, "model": model_name, "retried": True}
            reply.save(update_fields=["text", "attempt", "metadata", "updated_at"])
            reply.reply_to = question  # loaded, for the payload's reply_to seq
        transaction.on_commit(lambda: events.publish(conversation.pk, events.message_event(reply)))
    return reply


def reply_append(*, reply: Message, text: str) -> None:
    """Add streamed text to the reply: stored first (so a reconnecting client gets it), then
    pushed as a delta. Each chunk also marks the attempt alive (`updated_at`) for the sweep.
    Raises `ReplySuperseded` when a newer attempt owns the reply."""
    if not text:
        return
    offset = len(reply.text)
    reply.text += text
    updated = Message.objects.filter(pk=reply.pk, attempt=reply.attempt).update(
        text=reply.text, updated_at=timezone.now()
    )
    if not updated:
        raise ReplySuperseded(f"reply {reply.seq} has a newer attempt")
    events.publish(reply.conversation_id, events.delta_event(reply, offset=offset, text=text))


def reply_touch(*, reply: Message) -> None:
    """Mark the attempt alive while it works without a chunk to send (a long prefill, a slow
    sentence), so the sweep doesn't take it for dead. `ReplySuperseded` if it was taken over."""
    if not Message.objects.filter(pk=reply.pk, attempt=reply.attempt).update(
        updated_at=timezone.now()
    ):
        raise ReplySuperseded(f"reply {reply.seq} has a newer attempt")


def reply_finish(
    *, reply: Message, text: str, state: str = MessageState.FINAL, metadata: dict[str, Any]
) -> bool:
    """Close the reply with its final text; its question is answered. False if a newer attempt
    took the reply over (this attempt's result is dropped)."""
    reply.text = text
    reply.state = state
    reply.metadata = {**reply.metadata, **metadata}
    with transaction.atomic():
        updated = Message.objects.filter(
            pk=reply.pk, attempt=reply.attempt, state=MessageState.STREAMING
        ).update(text=text, state=state, metadata=reply.metadata, updated_at=timezone.now())
        if updated and reply.reply_to_id:
            Message.objects.filter(pk=reply.reply_to_id).update(needs_reply=False)
        if updated:
            # After the outermost commit, and after the events queued before it (the sweep
            # opens and closes a reply in one transaction: `message` first, then `end`).
            end = events.end_event(reply)
            transaction.on_commit(lambda: events.publish(reply.conversation_id, end))
    return bool(updated)


def reply_resend_end(*, customer_message_id: int) -> Message | None:
    """Publish the `end` of a reply that is already finished. A worker that died after storing
    the final text but before (or while) publishing it leaves clients waiting; its redelivered
    task sends it again (clients take a repeated `end` as the same message)."""
    reply = reply_for(customer_message_id=customer_message_id)
    if reply is None or reply.state == MessageState.STREAMING:
        return None
    reply_not_owed(customer_message_id=customer_message_id)
    events.publish(reply.conversation_id, events.end_event(reply))
    return reply


def reply_not_owed(*, customer_message_id: int) -> None:
    """The assistant won't answer this message (a person has the chat)."""
    Message.objects.filter(pk=customer_message_id, needs_reply=True).update(needs_reply=False)
