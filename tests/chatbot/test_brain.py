"""The dialogue manager's rules that scenarios don't pin down well: confirmations bound to their
conversation and expiry, identity, one customer per conversation, address parsing."""

from __future__ import annotations

import time
from typing import Any

import pytest

from assistant.flows.engine import MAX_VERIFY_ATTEMPTS, parse_address
from assistant.flows.state import DialogueState, Pending, Task
from assistant.replies import pipeline as replies
from chatbot import services
from chatbot.models import Conversation, ConversationStatus, Message
from orders.models import Customer, Order, OrderStatus
from tests.conftest import OrderMaker


@pytest.fixture(autouse=True)
def _drafts(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.BOT_LLM_MODE = "off"
    monkeypatch.setattr(services, "_enqueue_reply", lambda message_id: None)


def _chat(customer: Customer | None) -> Conversation:
    return services.conversation_start_or_resume(customer=customer, resume=None)


def _say(conversation: Conversation, text: str, **action: str) -> Message:
    question, _ = services.message_post_customer(
        conversation_id=conversation.pk, text=text, action=action or None
    )
    reply = replies.reply_generate(customer_message_id=question.pk)
    assert reply is not None
    reply.refresh_from_db()
    return reply


def _pending(conversation: Conversation) -> Pending:
    conversation.refresh_from_db()
    pending = DialogueState.load(conversation.bot_state).pending
    assert pending is not None
    return pending


@pytest.mark.django_db
def test_the_state_round_trips_through_json() -> None:
    state = DialogueState(focus_order="SD-1", task=Task(name="cancel", order="SD-1"))
    state.pending = Pending(action="cancel", order="SD-1", params={"reason": "x"})
    again = DialogueState.load(state.dump())
    assert again == state


@pytest.mark.django_db
def test_a_confirmation_button_or_a_typed_yes_does_the_action(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    first = order_in_status(alice, OrderStatus.PROCESSING)
    second = order_in_status(alice, OrderStatus.PROCESSING)
    chat = _chat(alice)

    proposal = _say(chat, f"cancel {first.number} because it takes too long")
    assert [a["type"] for a in proposal.metadata["attachments"]] == ["confirm"], proposal.text
    done = _say(chat, "Yes, cancel it", confirm=_pending(chat).id, answer="yes")
    assert "is cancelled" in done.text

    _say(chat, f"cancel {second.number} because it takes too long")
    typed = _say(chat, "yes please")
    assert "is cancelled" in typed.text
    assert set(Order.objects.values_list("status", flat=True)) == {OrderStatus.CANCELLED}


@pytest.mark.django_db
def test_a_stale_button_or_an_expired_confirmation_changes_nothing(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.PROCESSING)
    chat = _chat(alice)
    _say(chat, f"cancel {order.number} because I changed my mind")
    stale = _say(chat, "Yes, cancel it", confirm="an-old-question", answer="yes")
    assert "haven't changed anything" in stale.text

    pending = _pending(chat)
    state = DialogueState.load(chat.bot_state)
    assert state.pending is not None
    state.pending.expires_at = time.time() - 1
    Conversation.objects.filter(pk=chat.pk).update(bot_state=state.dump())
    expired = _say(chat, "Yes, cancel it", confirm=pending.id, answer="yes")

    assert "expired" in expired.text
    order.refresh_from_db()
    assert order.status == OrderStatus.PROCESSING
    # ...and the assistant asks again, under a new confirmation.
    assert _pending(chat).id != pending.id


@pytest.mark.django_db
def test_no_leaves_the_order_alone(alice: Customer, order_in_status: OrderMaker) -> None:
    order = order_in_status(alice, OrderStatus.PENDING)
    chat = _chat(alice)
    _say(chat, f"cancel {order.number}, I found it cheaper elsewhere")

    answer = _say(chat, "no")

    assert "haven't changed anything" in answer.text
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


@pytest.mark.django_db
def test_a_guest_verifies_with_email_and_order_number_over_two_messages(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.SHIPPED)
    chat = _chat(None)

    ask = _say(chat, "where is my package")
    assert "check who you are" in ask.text
    _say(chat, "it's alice@example.com")
    tracked = _say(chat, order.number)

    chat.refresh_from_db()
    assert chat.verified_customer == alice
    assert "verified" in tracked.text and "1ZTEST" in tracked.text


@pytest.mark.django_db
def test_a_guest_verifies_with_full_name_and_zip(alice: Customer) -> None:
    chat = _chat(None)
    _say(chat, "show me my orders")
    zip_code = alice.addresses.get().postal_code

    _say(chat, f"my name is Alice Martin, zip {zip_code}")

    chat.refresh_from_db()
    assert chat.verified_customer == alice


@pytest.mark.django_db
def test_five_wrong_tries_lock_verification_and_hand_over(
    alice: Customer, bob: Customer, order_in_status: OrderMaker
) -> None:
    bobs = order_in_status(bob)
    chat = _chat(None)
    _say(chat, "where is my order")
    answers = [
        _say(chat, f"alice@example.com {bobs.number}").text for _ in range(MAX_VERIFY_ATTEMPTS)
    ]

    chat.refresh_from_db()
    assert chat.verified_customer is None
    assert (chat.status, chat.handoff_reason) == (ConversationStatus.QUEUED, "verification_locked")
    assert all("don't match our records" in a for a in answers)
    assert "1 try left" in answers[-2]


@pytest.mark.django_db
def test_one_customer_per_conversation(
    alice: Customer, bob: Customer, order_in_status: OrderMaker
) -> None:
    bobs = order_in_status(bob)
    chat = _chat(alice)

    answer = _say(chat, f"I'm bob@example.com, order {bobs.number}, where is it?")

    chat.refresh_from_db()
    assert chat.verified_customer == alice
    assert "already verified for one account" in answer.text
    assert bobs.number not in answer.text


@pytest.mark.django_db
def test_two_requests_in_one_message_are_handled_in_turn(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    shipped = order_in_status(alice, OrderStatus.SHIPPED)
    chat = _chat(alice)

    answer = _say(chat, f"where is {shipped.number}? and how much is shipping to canada?")

    assert "1ZTEST" in answer.text
    assert "other question" in answer.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("55 Pine Rd, Austin, TX 78701, US", ("55 Pine Rd", "Austin", "TX", "78701", "US")),
        (
            "1 Queen St W, Toronto, ON M5H 2N2, Canada",
            ("1 Queen St W", "Toronto", "ON", "M5H 2N2", "CA"),
        ),
        ("10 Downing St, London, SW1A 2AA, UK", ("10 Downing St", "London", "", "SW1A 2AA", "GB")),
        ("12 Harbor St, Portland, OR 97205", ("12 Harbor St", "Portland", "OR", "97205", "US")),
    ],
)
def test_addresses_are_read_from_one_line(text: str, expected: tuple[str, ...]) -> None:
    address = parse_address(text, "Alice Martin")
    assert address is not None
    got = (address["line1"], address["city"], address["region"], address["postal_code"])
    assert (*got, address["country"]) == expected


@pytest.mark.parametrize("text", ["hello there", "my house, the blue one", "Austin TX"])
def test_text_that_is_not_an_address_is_not_read_as_one(text: str) -> None:
    assert parse_address(text, "Alice Martin") is None
