"""The reply service with the scripted model: streaming, coalescing, failure, redelivery."""

from __future__ import annotations

from typing import Any

import pytest

from chatbot import events, replies, services
from chatbot.llm import LLMError, LLMTimeout
from chatbot.llm.fake import FakeBackend
from chatbot.models import Conversation, Message, MessageState
from orders.models import Customer


@pytest.fixture
def published(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(events, "publish", lambda _conversation, event: sent.append(dict(event)))
    return sent


@pytest.fixture
def model(monkeypatch: pytest.MonkeyPatch) -> FakeBackend:
    backend = FakeBackend()
    monkeypatch.setattr(replies, "get_backend", lambda: backend)
    return backend


@pytest.fixture
def conversation(alice: Customer, monkeypatch: pytest.MonkeyPatch) -> Conversation:
    # These tests call the reply service by hand: don't also run the task when a question commits.
    monkeypatch.setattr(services, "_enqueue_reply", lambda message_id: None)
    return services.conversation_start_or_resume(customer=alice, resume=None)


def _ask(conversation: Conversation, text: str) -> Message:
    message, _ = services.message_post_customer(conversation_id=conversation.pk, text=text)
    return message


@pytest.mark.django_db(transaction=True)
def test_it_streams_a_reply_and_stores_it(
    conversation: Conversation,
    model: FakeBackend,
    published: list[dict[str, Any]],
    settings: Any,
) -> None:
    question = _ask(conversation, "where is my parcel?")

    reply = replies.reply_generate(customer_message_id=question.pk)

    assert reply is not None
    reply.refresh_from_db()
    assert reply.state == MessageState.FINAL
    assert reply.text == "Thanks for your message! You said: where is my parcel?"
    assert (reply.seq, reply.reply_to_id) == (2, question.pk)
    assert reply.metadata["model"] == "fake"
    kinds = [e["type"] for e in published]
    assert kinds[:3] == ["message", "typing", "message"]  # the question, typing, the empty reply
    assert kinds[-1] == "end"
    deltas = [e for e in published if e["type"] == "delta"]
    assert "".join(d["text"] for d in deltas) == reply.text
    assert all(d["attempt"] == reply.attempt for d in deltas)
    assert [d["offset"] for d in deltas] == [
        sum(len(x["text"]) for x in deltas[:i]) for i in range(len(deltas))
    ]
    typing = [e["on"] for e in published if e["type"] == "typing"]
    assert typing == [True, False]
    # The model saw the system prompt and the question.
    assert model.calls[0][0].role == "system"
    assert model.calls[0][-1].content == "where is my parcel?"


@pytest.mark.django_db(transaction=True)
def test_it_coalesces_tokens_into_a_few_frames_a_second(
    conversation: Conversation,
    monkeypatch: pytest.MonkeyPatch,
    published: list[dict[str, Any]],
    settings: Any,
) -> None:
    settings.CHAT_STREAM_INTERVAL_MS = 200
    backend = FakeBackend(script=[f"w{i} " for i in range(60)], delay_s=0.01)
    monkeypatch.setattr(replies, "get_backend", lambda: backend)
    question = _ask(conversation, "tell me a story")

    replies.reply_generate(customer_message_id=question.pk)

    deltas = [e for e in published if e["type"] == "delta"]
    # 60 tokens over ~0.6 s at 5 frames a second: a handful of frames, not 60.
    assert 1 <= len(deltas) <= 5
    final = next(e for e in published if e["type"] == "end")
    assert final["message"]["text"] == "".join(f"w{i} " for i in range(60)).strip()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failure", [LLMTimeout, LLMError])
def test_a_failing_model_ends_with_an_apology_and_a_human_offer(
    conversation: Conversation,
    monkeypatch: pytest.MonkeyPatch,
    published: list[dict[str, Any]],
    settings: Any,
    failure: type[LLMError],
) -> None:
    backend = FakeBackend(fail_with=failure)
    monkeypatch.setattr(replies, "get_backend", lambda: backend)
    question = _ask(conversation, "hello?")

    reply = replies.reply_generate(customer_message_id=question.pk)

    assert reply is not None
    reply.refresh_from_db()
    assert reply.state == MessageState.FAILED
    assert reply.text.startswith("Sorry, I couldn't finish my answer")
    assert reply.metadata["error"] == ("timeout" if failure is LLMTimeout else "error")
    assert reply.metadata["attachments"][0]["options"][0] == "Talk to a human"
    assert published[-1]["type"] == "typing" and published[-1]["on"] is False
    assert any(e["type"] == "end" and e["message"]["state"] == "failed" for e in published)


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_task_does_not_answer_twice(
    conversation: Conversation,
    model: FakeBackend,
    published: list[dict[str, Any]],
    settings: Any,
) -> None:
    question = _ask(conversation, "hi")
    replies.reply_generate(customer_message_id=question.pk)

    again = replies.reply_generate(customer_message_id=question.pk)

    assert again is None
    assert Message.objects.filter(reply_to=question).count() == 1
    assert len(model.calls) == 1


@pytest.mark.django_db(transaction=True)
def test_a_reply_cut_off_by_a_dead_worker_is_rewritten_under_a_new_attempt(
    conversation: Conversation,
    model: FakeBackend,
    published: list[dict[str, Any]],
    settings: Any,
) -> None:
    question = _ask(conversation, "hi")
    # The first attempt started streaming, then its worker died.
    dead = services.reply_start(customer_message_id=question.pk, model_name="fake")
    assert dead is not None
    services.reply_append(reply=dead, text="Half a sent")

    reply = replies.reply_generate(customer_message_id=question.pk)

    assert reply is not None
    reply.refresh_from_db()
    assert reply.seq == dead.seq
    assert reply.attempt != dead.attempt
    assert reply.text == "Thanks for your message! You said: hi"
    assert reply.metadata["retried"] is True
    # The dead attempt can no longer finish over the new one.
    assert not services.reply_finish(reply=dead, text="stale", metadata={})
    assert Message.objects.get(pk=reply.pk).text == reply.text


@pytest.mark.django_db(transaction=True)
def test_the_prompt_carries_recent_history_in_order(
    conversation: Conversation, model: FakeBackend, settings: Any
) -> None:
    first = _ask(conversation, "first question")
    replies.reply_generate(customer_message_id=first.pk)
    second = _ask(conversation, "second question")

    replies.reply_generate(customer_message_id=second.pk)

    roles = [(m.role, m.content) for m in model.calls[-1][1:]]
    assert roles == [
        ("user", "first question"),
        ("assistant", "Thanks for your message! You said: first question"),
        ("user", "second question"),
    ]
