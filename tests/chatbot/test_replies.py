"""The reply service with the scripted model: the grounded draft, the model's checked wording,
streaming, failure, redelivery and handoff."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.llm import LLMError, LLMTimeout
from assistant.llm.fake import FakeBackend
from assistant.replies import pipeline as replies
from assistant.wording import gate
from chatbot import services
from chatbot.models import Conversation, ConversationStatus, Message, MessageRole, MessageState
from orders.models import AuditEvent, Customer, Order, OrderStatus
from tests.conftest import OrderMaker


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


def _ask(conversation: Conversation, text: str, **action: str) -> Message:
    message, _ = services.message_post_customer(
        conversation_id=conversation.pk, text=text, action=action or None
    )
    return message


def _reply(conversation: Conversation, text: str, **action: str) -> Message:
    question = _ask(conversation, text, **action)
    reply = replies.reply_generate(customer_message_id=question.pk)
    assert reply is not None
    reply.refresh_from_db()
    return reply


@pytest.mark.django_db(transaction=True)
def test_an_order_question_streams_a_grounded_draft(
    conversation: Conversation,
    order_in_status: OrderMaker,
    alice: Customer,
    model: FakeBackend,
    published: list[dict[str, Any]],
    settings: Any,
) -> None:
    settings.BOT_LLM_MODE = "off"
    order = order_in_status(alice, OrderStatus.PROCESSING)

    reply = _reply(conversation, f"what's the status of {order.number}?")

    assert reply.state == MessageState.FINAL
    assert f"Order {order.number}" in reply.text and "is processing" in reply.text
    assert f"${order.grand_total}" in reply.text
    assert reply.metadata["intent"] == "order_status"
    assert reply.metadata["written_by"] == "draft"
    assert "order_lookup" in reply.metadata["tools"]
    assert model.calls == []  # no model in the loop
    deltas = [e for e in published if e["type"] == "delta"]
    assert len(deltas) >= 2  # a sentence a frame
    assert "".join(d["text"] for d in deltas) == reply.text
    assert [d["offset"] for d in deltas] == [
        sum(len(x["text"]) for x in deltas[:i]) for i in range(len(deltas))
    ]
    assert [e["on"] for e in published if e["type"] == "typing"] == [True, False]
    assert published[-1]["type"] == "end"


@pytest.mark.django_db(transaction=True)
def test_the_model_words_a_reply_that_passes_the_check(
    conversation: Conversation, model: FakeBackend, published: list[dict[str, Any]]
) -> None:
    reply = _reply(conversation, "hi")

    assert reply.metadata["written_by"] == "model"
    assert reply.text.startswith("Hi, Alice!")
    # The model was asked to reword the draft, with the customer's words as data.
    prompt = model.calls[0]
    assert prompt[0].role == "system" and "Do not add any fact" in prompt[0].content
    assert prompt[-1].content.startswith("Customer message: hi\n\nDraft reply: Hi, Alice!")


@pytest.mark.django_db(transaction=True)
def test_a_model_sentence_with_an_invented_figure_never_reaches_the_customer(
    conversation: Conversation,
    order_in_status: OrderMaker,
    alice: Customer,
    monkeypatch: pytest.MonkeyPatch,
    published: list[dict[str, Any]],
) -> None:
    order = order_in_status(alice, OrderStatus.SHIPPED)
    backend = FakeBackend(
        script=[f"Order {order.number} is on its way. ", "It ", "arrives ", "on ", "May ", "3."]
    )
    monkeypatch.setattr(replies, "get_backend", lambda: backend)

    reply = _reply(conversation, f"where is {order.number}")

    # The first sentence passed and went out; the second failed, so the model's part ended there
    # and the draft's sentences it had not said followed, in the same attempt: nothing sent was
    # taken back.
    assert reply.metadata["written_by"] == "model+draft"
    assert "unsupported" in reply.metadata["rejected"]
    assert "May" not in reply.text and "1ZTEST" in reply.text
    assert reply.text.startswith(f"Order {order.number} is on its way.")
    attempts = {e["attempt"] for e in published if e["type"] == "delta"}
    assert len(attempts) == 1
    end = next(e for e in published if e["type"] == "end")
    assert end["message"]["text"] == reply.text and end["message"]["attempt"] == reply.attempt
    assert "".join(e["text"] for e in published if e["type"] == "delta") == reply.text


@pytest.mark.django_db(transaction=True)
def test_what_the_model_leaves_out_is_taken_from_the_draft(
    conversation: Conversation,
    order_in_status: OrderMaker,
    alice: Customer,
    monkeypatch: pytest.MonkeyPatch,
    published: list[dict[str, Any]],
) -> None:
    order = order_in_status(alice, OrderStatus.PROCESSING)
    # A faithful first sentence that leaves out the order date, then nothing about the items.
    backend = FakeBackend(script=["Your ", "order ", f"{order.number} ", "is ", "processing."])
    monkeypatch.setattr(replies, "get_backend", lambda: backend)

    reply = _reply(conversation, f"status of {order.number}")

    assert reply.metadata["written_by"] == "model+draft"
    assert reply.text.startswith(f"Your order {order.number} is processing. Order {order.number},")
    assert f"${order.grand_total}" in reply.text  # the draft's total, which the model left out
    assert f"{order.placed_at.year}" in reply.text


@pytest.mark.django_db(transaction=True)
def test_a_first_sentence_that_fails_the_gate_sends_the_draft_alone(
    conversation: Conversation,
    order_in_status: OrderMaker,
    alice: Customer,
    monkeypatch: pytest.MonkeyPatch,
    published: list[dict[str, Any]],
) -> None:
    order = order_in_status(alice, OrderStatus.PROCESSING)
    backend = FakeBackend(script=["Your ", "order ", "is ", "being ", "prepared."])
    monkeypatch.setattr(replies, "get_backend", lambda: backend)

    reply = _reply(conversation, f"status of {order.number}")

    assert reply.metadata["written_by"] == "draft"
    assert "not in the draft" in reply.metadata["rejected"]
    assert reply.text.startswith(f"Order {order.number}") and "prepared" not in reply.text
    assert len({e["attempt"] for e in published if e["type"] == "delta"}) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failure", [LLMTimeout, LLMError])
def test_a_failing_model_still_leaves_the_customer_the_draft(
    conversation: Conversation,
    monkeypatch: pytest.MonkeyPatch,
    published: list[dict[str, Any]],
    failure: type[LLMError],
) -> None:
    backend = FakeBackend(fail_with=failure, fail_after=2)
    monkeypatch.setattr(replies, "get_backend", lambda: backend)

    # (A bare "hello?" is "anyone there?" to the classifier now and then: a plain greeting.)
    reply = _reply(conversation, "hello there")

    assert reply.state == MessageState.FINAL
    assert reply.text.startswith("Hi, Alice!")
    assert reply.metadata["written_by"] == "draft"
    assert "model error" in reply.metadata["rejected"]


@pytest.mark.django_db(transaction=True)
def test_a_broken_turn_ends_with_an_apology_and_a_human_offer(
    conversation: Conversation,
    model: FakeBackend,
    monkeypatch: pytest.MonkeyPatch,
    published: list[dict[str, Any]],
) -> None:
    def explode(**_: Any) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(replies, "respond", explode)

    reply = _reply(conversation, "hello?")

    assert reply.state == MessageState.FAILED
    assert reply.text.startswith("Sorry, I couldn't finish my answer")
    assert reply.metadata["attachments"][0]["options"][0] == "Talk to a human"
    assert published[-1]["type"] == "typing" and published[-1]["on"] is False


@pytest.mark.django_db(transaction=True)
def test_coalescing_keeps_model_frames_to_a_few_a_second(
    conversation: Conversation,
    monkeypatch: pytest.MonkeyPatch,
    published: list[dict[str, Any]],
    settings: Any,
) -> None:
    settings.CHAT_STREAM_INTERVAL_MS = 200
    # Only the framing is under test here: every sentence passes.
    monkeypatch.setattr(gate, "check", lambda *a, **k: gate.Verdict(True))
    monkeypatch.setattr(gate, "remaining", lambda *a, **k: [])
    backend = FakeBackend(script=["Sure", ". "] * 30, delay_s=0.01)
    monkeypatch.setattr(replies, "get_backend", lambda: backend)

    reply = _reply(conversation, "hi")

    deltas = [e for e in published if e["type"] == "delta"]
    # 60 tokens over ~0.6 s at 5 frames a second: a handful of frames, not 30 sentences.
    assert 1 <= len(deltas) <= 6
    assert reply.text == " ".join(["Sure."] * 30)


@pytest.mark.django_db(transaction=True)
def test_a_redelivered_task_does_not_answer_or_act_twice(
    conversation: Conversation,
    order_in_status: OrderMaker,
    alice: Customer,
    model: FakeBackend,
    published: list[dict[str, Any]],
) -> None:
    order = order_in_status(alice, OrderStatus.PROCESSING)
    _reply(conversation, f"cancel {order.number} because I ordered by mistake")
    question = _ask(conversation, "yes")
    # The first attempt decided, cancelled the order, started streaming, then its worker died.
    first = replies.reply_generate(customer_message_id=question.pk)
    assert first is not None
    Message.objects.filter(pk=first.pk).update(state=MessageState.STREAMING, text="Done: ord")

    again = replies.reply_generate(customer_message_id=question.pk)

    assert again is not None
    again.refresh_from_db()
    assert again.state == MessageState.FINAL
    assert again.text.startswith(f"Done: order {order.number} is cancelled.")
    assert AuditEvent.objects.filter(action="order.cancel").count() <= 1
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    published.clear()
    # Finished: redelivered once more, it only publishes the same `end` again.
    resent = replies.reply_generate(customer_message_id=question.pk)
    assert resent is not None and (resent.pk, resent.text) == (again.pk, again.text)
    assert [e["type"] for e in published] == ["end"]
    assert Message.objects.filter(reply_to=question).count() == 1
    assert AuditEvent.objects.filter(action="order.cancel").count() <= 1


@pytest.mark.django_db(transaction=True)
def test_the_bot_stays_silent_once_an_agent_has_the_chat(
    conversation: Conversation, model: FakeBackend, published: list[dict[str, Any]]
) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(status=ConversationStatus.AGENT)
    question = _ask(conversation, "hello?")

    assert replies.reply_generate(customer_message_id=question.pk) is None
    assert not Message.objects.filter(role=MessageRole.BOT).exists()


@pytest.mark.django_db(transaction=True)
def test_asking_for_a_human_queues_the_chat_with_a_reason(
    conversation: Conversation, model: FakeBackend, published: list[dict[str, Any]]
) -> None:
    reply = _reply(conversation, "can I talk to a real person please")

    conversation.refresh_from_db()
    assert (conversation.status, conversation.handoff_reason) == ("queued", "requested")
    assert reply.metadata["handoff"] == "requested"
    last = Message.objects.filter(conversation=conversation).order_by("-seq").first()
    assert last is not None and last.role == MessageRole.SYSTEM
    assert {"type": "status", "status": "queued"} in published


@pytest.mark.django_db(transaction=True)
def test_an_agent_who_takes_a_queued_chat_mid_reply_is_never_overtaken(
    conversation: Conversation,
    model: FakeBackend,
    order_in_status: OrderMaker,
    alice: Customer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While queued the assistant answers; if an agent claims the chat while the reply waits for
    the conversation's lock, nothing is decided (no cancellation) and the agent answers."""
    order = order_in_status(alice)
    services.conversation_request_handoff(conversation_id=conversation.pk)
    question = _ask(conversation, f"cancel {order.number}, changed my mind")
    real_lock = services.conversation_lock

    def claimed_meanwhile(conversation_id: Any) -> Conversation:
        Conversation.objects.filter(pk=conversation_id).update(status="agent")
        return real_lock(conversation_id)

    monkeypatch.setattr(services, "conversation_lock", claimed_meanwhile)

    replies.reply_generate(customer_message_id=question.pk)

    order.refresh_from_db()
    conversation.refresh_from_db()
    assert order.status == OrderStatus.PENDING
    assert conversation.bot_state.get("pending") is None
    assert not Message.objects.filter(conversation=conversation, role="bot").exclude(text="")
