"""No customer message is left unanswered: the reply sweep, redelivered and duplicated reply
tasks, and live delivery that fails without losing the reply."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from assistant.llm.fake import FakeBackend
from assistant.replies import pipeline as replies
from assistant.replies.turn import Turn
from chatbot import events, services
from chatbot.models import Conversation, ConversationStatus, Message, MessageRole, MessageState
from orders.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Reply tasks queued (and not run): the question stays owed until a test answers it."""
    ids: list[int] = []
    monkeypatch.setattr(services, "_enqueue_reply", ids.append)
    return ids


@pytest.fixture(autouse=True)
def model(monkeypatch: pytest.MonkeyPatch, settings: Any) -> FakeBackend:
    settings.BOT_LLM_MODE = "off"
    backend = FakeBackend()
    monkeypatch.setattr(replies, "get_backend", lambda: backend)
    return backend


@pytest.fixture
def conversation(alice: Customer) -> Conversation:
    return services.conversation_start_or_resume(customer=alice, resume=None)


def _ask(conversation: Conversation, text: str = "Hi! What can you help me with?") -> Message:
    message, _ = services.message_post_customer(conversation_id=conversation.pk, text=text)
    return message


def _age(message: Message, seconds: float) -> None:
    """Pretend the message (and any reply to it) was written `seconds` ago."""
    then = timezone.now() - timedelta(seconds=seconds)
    Message.objects.filter(pk=message.pk).update(created_at=then, updated_at=then)
    Message.objects.filter(reply_to=message).update(updated_at=then)


def _replies(question: Message) -> list[Message]:
    return list(Message.objects.filter(reply_to=question, role=MessageRole.BOT))


def test_a_customer_message_is_owed_a_reply_until_its_reply_ends(
    conversation: Conversation, queued: list[int]
) -> None:
    question = _ask(conversation)
    assert queued == [question.pk]
    question.refresh_from_db()
    assert question.needs_reply is True

    replies.reply_generate(customer_message_id=question.pk)

    question.refresh_from_db()
    assert question.needs_reply is False
    [reply] = _replies(question)
    assert reply.state == MessageState.FINAL


def test_a_lost_reply_task_is_queued_again_after_the_retry_delay(
    conversation: Conversation, queued: list[int], settings: Any
) -> None:
    question = _ask(conversation)
    queued.clear()  # the broker lost it

    assert replies.reply_sweep(queue_waiting=0).requeued == 0  # too early: it may still come
    _age(question, settings.CHAT_REPLY_RETRY_S + 1)
    result = replies.reply_sweep(queue_waiting=0)

    assert (result.owed, result.requeued) == (1, 1)
    assert queued == [question.pk]
    question.refresh_from_db()
    assert question.reply_requeues == 1
    # Queued again just now: the next sweep waits for it instead of queueing a third copy.
    assert replies.reply_sweep(queue_waiting=0).requeued == 0
    assert queued == [question.pk]


def test_nothing_is_queued_again_while_the_queue_still_holds_tasks(
    conversation: Conversation, queued: list[int], settings: Any
) -> None:
    question = _ask(conversation)
    queued.clear()
    _age(question, settings.CHAT_REPLY_RETRY_S + 1)

    result = replies.reply_sweep(queue_waiting=3)

    assert (result.requeued, result.waiting) == (0, 1)
    assert queued == []


def test_a_message_never_answered_gets_the_apology_and_a_human_exactly_once(
    conversation: Conversation, queued: list[int], settings: Any, published: list[dict[str, Any]]
) -> None:
    question = _ask(conversation)
    _age(question, settings.CHAT_REPLY_GIVE_UP_S + 1)

    assert replies.reply_sweep(queue_waiting=0).answered == 1
    assert replies.reply_sweep(queue_waiting=0).answered == 0  # once

    [reply] = _replies(question)
    assert reply.state == MessageState.FAILED
    assert reply.text == replies.APOLOGY["en"]
    assert reply.metadata["swept"] is True
    assert {"type": "quick_replies", "options": ["Talk to a human", "Try again"]} in (
        reply.metadata["attachments"]
    )
    assert [e["type"] for e in published if e["type"] in ("message", "end")][-2:] == [
        "message",
        "end",
    ]
    # The task turning up late changes nothing and writes no second reply.
    replies.reply_generate(customer_message_id=question.pk)
    assert [(r.pk, r.state, r.text) for r in _replies(question)] == [
        (reply.pk, MessageState.FAILED, replies.APOLOGY["en"])
    ]


def test_a_reply_whose_turn_was_decided_is_finished_with_its_draft(
    conversation: Conversation, queued: list[int], settings: Any
) -> None:
    question = _ask(conversation)
    reply = services.reply_start(customer_message_id=question.pk, model_name="fake")
    assert reply is not None
    turn = Turn(parts=["Your order SD-100001 shipped on May 2."], intent="order_status")
    Message.objects.filter(pk=reply.pk).update(metadata={**reply.metadata, "turn": asdict(turn)})
    services.reply_append(reply=reply, text="Your order")  # then the worker died
    _age(question, settings.CHAT_REPLY_GIVE_UP_S + 1)

    assert replies.reply_sweep(queue_waiting=0).answered == 1

    reply.refresh_from_db()
    assert (reply.state, reply.text) == (MessageState.FINAL, turn.text)
    assert reply.metadata["swept"] is True


def test_a_reply_still_being_written_is_left_alone(
    conversation: Conversation, queued: list[int], settings: Any
) -> None:
    question = _ask(conversation)
    reply = services.reply_start(customer_message_id=question.pk, model_name="fake")
    assert reply is not None
    _age(question, settings.CHAT_REPLY_GIVE_UP_S + 1)
    services.reply_append(reply=reply, text="Still going")  # progress just now

    result = replies.reply_sweep(queue_waiting=0)

    assert (result.answered, result.requeued, result.waiting) == (0, 0, 1)
    reply.refresh_from_db()
    assert reply.state == MessageState.STREAMING


def test_a_chat_a_person_took_is_no_longer_owed_a_bot_reply(
    conversation: Conversation, queued: list[int], settings: Any
) -> None:
    question = _ask(conversation)
    Conversation.objects.filter(pk=conversation.pk).update(status=ConversationStatus.AGENT)
    _age(question, settings.CHAT_REPLY_GIVE_UP_S + 1)

    result = replies.reply_sweep(queue_waiting=0)

    assert (result.released, result.answered) == (1, 0)
    assert _replies(question) == []
    question.refresh_from_db()
    assert question.needs_reply is False


def test_a_redelivered_task_for_a_finished_reply_publishes_its_end_again(
    conversation: Conversation, queued: list[int], published: list[dict[str, Any]]
) -> None:
    question = _ask(conversation)
    first = replies.reply_generate(customer_message_id=question.pk)
    assert first is not None
    published.clear()

    # The worker stored the final text and died before its `end` reached anyone.
    again = replies.reply_generate(customer_message_id=question.pk, take_over=True)

    assert again is not None and again.pk == first.pk
    assert [(e["type"], e["message"]["seq"], e["message"]["state"]) for e in published] == [
        ("end", first.seq, "final")
    ]
    assert len(_replies(question)) == 1


def test_a_second_copy_of_a_task_leaves_a_live_attempt_alone(
    conversation: Conversation, queued: list[int], published: list[dict[str, Any]]
) -> None:
    question = _ask(conversation)
    live = services.reply_start(customer_message_id=question.pk, model_name="fake")
    assert live is not None
    services.reply_append(reply=live, text="Hello")
    published.clear()

    assert replies.reply_generate(customer_message_id=question.pk, take_over=False) is None

    assert published == []
    live.refresh_from_db()
    assert (live.state, live.text) == (MessageState.STREAMING, "Hello")
    # The live attempt carries on and finishes.
    services.reply_append(reply=live, text=" there")


def test_an_attempt_that_was_taken_over_stops_writing(
    conversation: Conversation, queued: list[int], published: list[dict[str, Any]]
) -> None:
    question = _ask(conversation)
    old = services.reply_start(customer_message_id=question.pk, model_name="fake")
    assert old is not None
    new = services.reply_start(customer_message_id=question.pk, model_name="fake")
    assert new is not None and new.attempt != old.attempt
    published.clear()

    with pytest.raises(services.ReplySuperseded):
        services.reply_append(reply=old, text="stale words")

    assert published == []
    assert not services.reply_finish(reply=old, text="stale", metadata={})
    new.refresh_from_db()
    assert new.text == ""


def test_a_broker_that_is_down_loses_no_message(
    conversation: Conversation, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    def down(_message_id: int) -> None:
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(services, "_enqueue_reply", down)

    question = _ask(conversation)  # stored and acknowledged although nothing was queued

    question.refresh_from_db()
    assert question.needs_reply is True
    monkeypatch.setattr(services, "_enqueue_reply", lambda message_id: None)
    _age(question, settings.CHAT_REPLY_RETRY_S + 1)
    assert replies.reply_sweep(queue_waiting=None).requeued == 1


def test_a_reply_finishes_while_live_delivery_fails(
    conversation: Conversation,
    queued: list[int],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError

    class DownLayer:
        async def group_send(self, group: str, message: dict[str, Any]) -> None:
            raise RedisConnectionError("Connection closed by server.")

    monkeypatch.setattr(events, "get_channel_layer", lambda: DownLayer())
    question = _ask(conversation)

    reply = replies.reply_generate(customer_message_id=question.pk)

    assert reply is not None
    reply.refresh_from_db()
    assert reply.state == MessageState.FINAL and reply.text
    assert "clients catch up from the database" in caplog.text


def test_resending_a_message_whose_task_was_lost_queues_it_again(
    conversation: Conversation, queued: list[int]
) -> None:
    first, created = services.message_post_customer(
        conversation_id=conversation.pk, text="where is my order?", client_id="c-7"
    )
    assert created and queued == [first.pk]
    queued.clear()  # lost with the broker

    again, created = services.message_post_customer(
        conversation_id=conversation.pk, text="where is my order?", client_id="c-7"
    )

    assert (again.pk, created) == (first.pk, False)
    assert queued == [first.pk]
    # Once its reply exists, a resend queues nothing more.
    replies.reply_generate(customer_message_id=first.pk)
    queued.clear()
    services.message_post_customer(
        conversation_id=conversation.pk, text="where is my order?", client_id="c-7"
    )
    assert queued == []


def test_a_task_that_starts_after_the_sweep_answered_does_not_act(
    conversation: Conversation, queued: list[int], settings: Any, published: list[dict[str, Any]]
) -> None:
    question = _ask(conversation)
    late = services.reply_start(customer_message_id=question.pk, model_name="fake")
    assert late is not None
    _age(question, settings.CHAT_REPLY_GIVE_UP_S + 1)
    assert replies.reply_sweep(queue_waiting=0).answered == 1  # the apology went out

    # The late attempt gets as far as deciding its turn: it must not (it could cancel an order).
    with pytest.raises(services.ReplySuperseded):
        replies._turn_for(question=question, reply=late)

    [reply] = _replies(question)
    assert reply.state == MessageState.FAILED and "turn" not in reply.metadata


def test_behind_a_backlog_a_task_not_yet_started_gets_longer(
    conversation: Conversation, queued: list[int], settings: Any
) -> None:
    question = _ask(conversation)
    _age(question, settings.CHAT_REPLY_GIVE_UP_S + 1)

    assert replies.reply_sweep(queue_waiting=40).answered == 0  # most likely still queued
    _age(question, settings.CHAT_REPLY_GIVE_UP_S * replies.BACKLOG_GRACE + 1)
    assert replies.reply_sweep(queue_waiting=40).answered == 1  # lost after all
