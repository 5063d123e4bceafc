"""The flows on outside language, end to end through the reply service (database, classifier,
encoder): another shop's order numbers, refusals, orders named by their items, small talk, and
guests who verify the way people write."""

from __future__ import annotations

from typing import Any

import pytest

from orders.models import Customer, Order, OrderItem, OrderStatus
from tests.assistant.chat import chat, drafts_only, say, state, types
from tests.conftest import OrderMaker


@pytest.fixture(autouse=True)
def _drafts(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    drafts_only(settings, monkeypatch)


_chat, _say, _types, _state = chat, say, types, state


def _renamed(order: Order, *, number: str | None = None, item: str | None = None) -> Order:
    if number is not None:
        Order.objects.filter(pk=order.pk).update(number=number)
    if item is not None:
        OrderItem.objects.filter(order_id=order.pk).update(product_name=item)
    order.refresh_from_db()
    return order


@pytest.mark.django_db
def test_another_shops_order_numbers_are_read_in_any_form(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    _renamed(order_in_status(alice, OrderStatus.PROCESSING), number="#W8665881")
    _renamed(order_in_status(alice, OrderStatus.PENDING), number="#W1000001")
    chat = _chat(alice)
    for said in ("where is w8665881?", "status of order 8665881", "#W8665881"):
        reply = _say(chat, said)
        assert "#W8665881" in reply.text, (said, reply.text)
        assert "#W1000001" not in reply.text


@pytest.mark.django_db
def test_dont_cancel_is_never_a_cancellation(alice: Customer, order_in_status: OrderMaker) -> None:
    order = order_in_status(alice, OrderStatus.PROCESSING)
    chat = _chat(alice)
    _say(chat, f"cancel {order.number}")  # asks why
    reply = _say(chat, f"NO dont cancel anything!! i was asking about {order.number}")
    assert "won't cancel" in reply.text
    assert "confirm" not in _types(reply)
    assert order.number in reply.text
    state = _state(chat)
    assert state.pending is None and (state.task is None or state.task.name != "cancel")
    assert "deny" in reply.metadata["acts"]
    assert "request:cancel_order" not in reply.metadata["acts"]
    order.refresh_from_db()
    assert order.status == OrderStatus.PROCESSING


@pytest.mark.django_db
def test_an_order_named_by_its_item_is_that_order_and_two_that_fit_are_asked_about(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    shades = _renamed(order_in_status(alice, OrderStatus.PROCESSING), item="Polarized Sunglasses")
    vest = _renamed(order_in_status(alice, OrderStatus.PROCESSING), item="Quilted Puffer Vest")
    chat = _chat(alice)
    reply = _say(chat, "pls cancel the sunglasses order, found them cheaper somewhere else")
    assert shades.number in reply.text and vest.number not in reply.text
    assert "confirm" in _types(reply)
    pending = _state(chat).pending
    assert pending is not None and pending.order == shades.number
    # "no, not that one: the one with the vest" moves the same request to the other order.
    reply = _say(chat, "no not that one!! the one with the vest")
    pending = _state(chat).pending
    assert pending is not None and pending.order == vest.number, reply.text
    # Two orders with the same item: the assistant asks, with both as chips.
    _renamed(shades, item="Quilted Puffer Vest")
    other = _chat(alice)
    reply = _say(other, "cancel the vest order")
    assert "confirm" not in _types(reply)
    chips = next(a for a in reply.metadata["attachments"] if a["type"] == "quick_replies")
    assert set(chips["options"]) == {shades.number, vest.number}


@pytest.mark.django_db
def test_small_talk_is_answered() -> None:
    chat = _chat(None)
    reply = _say(chat, "are you a bot?")
    assert reply.metadata["intent"] == "small_talk"
    assert "virtual assistant" in reply.text
    assert "small_talk:bot_identity" in reply.metadata["acts"]


@pytest.mark.django_db
def test_a_guest_verifies_with_a_lead_in_and_a_request_in_the_same_message(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.PROCESSING)
    zip_code = alice.addresses.get().postal_code
    chat = _chat(None)
    _say(chat, "where is my order?")
    reply = _say(chat, f"fine. alice martin, {zip_code}")
    assert "you're verified" in reply.text, reply.text
    chat2 = _chat(None)
    reply = _say(chat2, f"hi its alice@example.com and the order is {order.number}, where is it?")
    assert "you're verified" in reply.text
    assert order.number in reply.text and "processing" in reply.text.lower(), reply.text


@pytest.mark.django_db
def test_a_postcode_prefix_or_a_list_of_codes_never_verifies(alice: Customer) -> None:
    zip_code = alice.addresses.get().postal_code
    chat = _chat(None)
    _say(chat, "where is my order?")
    reply = _say(chat, f"alice martin zip {zip_code[:2]}")
    assert "verified" not in reply.text
    # Only the first code of a message is tried: a list can't be guessed through.
    reply = _say(chat, f"alice martin 11111, 22222, {zip_code}")
    assert "you're verified" not in reply.text
    assert _state(chat).verify_failures == 1
    chat.refresh_from_db()
    assert chat.verified_customer_id is None


@pytest.mark.django_db
def test_refusals_reached_another_way_are_refusals_too(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    first = order_in_status(alice, OrderStatus.PROCESSING)
    second = order_in_status(alice, OrderStatus.PROCESSING)
    chat = _chat(alice)
    _say(chat, "I want to cancel an order")  # lists both
    reply = _say(chat, "don't cancel the first one")
    assert "confirm" not in _types(reply)
    state = _state(chat)
    assert state.pending is None and (state.task is None or state.task.name != "cancel")
    # While a cancel asks for its reason, "I didn't say to cancel" is no reason.
    _say(chat, f"cancel {second.number}")
    reply = _say(chat, f"I didn't say to cancel {second.number}")
    assert "confirm" not in _types(reply)
    assert _state(chat).pending is None
    for order in (first, second):
        order.refresh_from_db()
        assert order.status == OrderStatus.PROCESSING


@pytest.mark.django_db
def test_a_yes_that_names_another_order_is_no_yes_and_a_moved_proposal_checks_the_order(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    vest = _renamed(order_in_status(alice, OrderStatus.PROCESSING), item="Quilted Puffer Vest")
    pack = _renamed(order_in_status(alice, OrderStatus.SHIPPED), item="Hiking Daypack")
    shades = _renamed(order_in_status(alice, OrderStatus.PROCESSING), item="Polarized Sunglasses")
    chat = _chat(alice)
    _say(chat, f"cancel {vest.number}, ordered it by mistake")
    assert _state(chat).pending is not None
    reply = _say(chat, "ok actually the one with the hiking pack")
    # Not executed on the vest, and the shipped daypack can't be cancelled: no proposal.
    vest.refresh_from_db()
    assert vest.status == OrderStatus.PROCESSING
    assert "confirm" not in _types(reply)
    assert pack.number in reply.text
    _say(chat, f"cancel {vest.number}, ordered it by mistake")
    reply = _say(chat, "no, the sunglasses one")
    pending = _state(chat).pending
    assert pending is not None and pending.order == shades.number, reply.text
