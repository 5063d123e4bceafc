"""The flows on a shop shaped unlike the demo (orders/demo/second_shop.py), end to end through
the reply service: several items per request, money that follows each change, facts from the
payment records, addresses by reference, the identity checks a shop chooses, and a guest who
buys."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from orders.models import Customer, Order, Payment, PaymentMethod, ReturnRequest
from tests.assistant.chat import chat, drafts_only, say, state, types, yes

pytestmark = pytest.mark.usefixtures("second_shop")


@pytest.fixture(autouse=True)
def _drafts(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    drafts_only(settings, monkeypatch)


def _customer(email: str) -> Customer:
    return Customer.objects.get(email=email)


def _new_payments(number: str) -> list[tuple[str, Decimal, str]]:
    return [
        (p.kind, p.amount, p.method.label if p.method else "")
        for p in Payment.objects.filter(order__number=number).order_by("id")
    ][1:]


def test_two_items_exchange_with_the_difference_charged_to_the_card_named() -> None:
    conversation = chat(_customer("omar.haddad@example.net"))
    reply = say(
        conversation,
        "exchange the keyboard in #W2001004 for the tactile full size one with white backlight, "
        "and the black earbuds for white ones. charge any difference to my mastercard",
    )
    assert "confirm" in types(reply)
    for fact in ("Mechanical Keyboard", "Wireless Earbuds", "$30.00", "Mastercard ending 5520"):
        assert fact in reply.text, (fact, reply.text)
    assert ReturnRequest.objects.count() == 0  # nothing before the yes
    done = yes(conversation)
    assert "RMA-" in done.text
    rma = ReturnRequest.objects.get(order__number="#W2001004")
    assert rma.items.count() == 2 and rma.charge_amount == Decimal("30.00")
    assert _new_payments("#W2001004") == [("charge", Decimal("30.00"), "Mastercard ending 5520")]


def test_only_one_of_two_items_after_the_summary_rebuilds_it() -> None:
    conversation = chat(_customer("kenji.ito@example.net"))
    first = say(
        conversation,
        "i want to exchange the black silicone watch from #W2001015 for the brown leather one and "
        "the blue earbuds for black ones, paypal for any difference",
    )
    assert "$10.00" in first.text  # +30 for the watch, -20 for the earbuds
    second = say(conversation, "actually leave the earbuds. just the watch")
    assert "confirm" in types(second) and "Wireless Earbuds" not in second.text
    assert "$30.00" in second.text
    yes(conversation)
    rma = ReturnRequest.objects.get(order__number="#W2001015")
    assert [i.order_item.product_name for i in rma.items.all()] == ["Smart Watch"]


def test_everything_except_one_item_is_returned_to_the_gift_card() -> None:
    conversation = chat(_customer("mei.chen@example.net"))
    reply = say(
        conversation,
        "return everything from #W2001001 except the tablet, changed my mind, refund to my gift "
        "card please",
    )
    assert "confirm" in types(reply), reply.text
    assert "Tablet" not in reply.text and "$73.00" in reply.text
    yes(conversation)
    rma = ReturnRequest.objects.get(order__number="#W2001001")
    assert sorted(i.order_item.product_name for i in rma.items.all()) == [
        "Desk Lamp",
        "Water Bottle",
    ]
    assert rma.payment_method == PaymentMethod.objects.get(gift_card_last4="7731")


def test_changing_items_of_a_paid_order_settles_on_the_gift_card_chosen() -> None:
    conversation = chat(_customer("liam.walsh@example.net"))
    asked = say(
        conversation,
        "on #W2001010 change the tablet to the 256GB gold one and the backpack to the 30L "
        "black one",
    )
    assert "$160.00" in asked.text and "Which payment method" in asked.text
    proposal = say(conversation, "the gift card")
    assert "confirm" in types(proposal) and "$160.00" in proposal.text
    yes(conversation)
    assert PaymentMethod.objects.get(gift_card_last4="9902").gift_card_balance == Decimal("90.00")
    assert Order.objects.get(number="#W2001010").grand_total == Decimal("578.00")


def test_part_of_an_order_is_never_cancelled() -> None:
    conversation = chat(_customer("mei.chen@example.net"))
    reply = say(conversation, "cancel just the sunglasses on #W2001002, i still want the tank tops")
    assert "confirm" not in types(reply)
    assert "only part" in reply.text and "whole" in reply.text
    assert Order.objects.get(number="#W2001002").status == "pending"


def test_a_cancel_reason_is_stored_as_said() -> None:
    conversation = chat(_customer("kenji.ito@example.net"))
    say(conversation, "please cancel #W2001016, I ordered it by mistake")
    yes(conversation)
    order = Order.objects.get(number="#W2001016")
    assert (order.status, order.cancel_reason) == ("cancelled", "ordered by mistake")
    assert _new_payments("#W2001016") == [
        ("refund", Decimal("121.00"), "PayPal (kenji.ito@example.net)")
    ]


def test_a_paid_pending_order_is_said_to_be_paid_with_its_item_prices() -> None:
    conversation = chat(_customer("ana.silva@example.net"))
    paid = say(conversation, "is #W2001014 paid?")
    assert "is paid" in paid.text and "Visa ending 6204" in paid.text, paid.text
    status = say(conversation, "what's the status of #W2001014?")
    assert "paid with Visa ending 6204" in status.text
    assert "haven't received the payment" not in status.text
    assert "at $169.00" in status.text
    unpaid = say(chat(_customer("grace.okafor@example.net")), "is #W2001020 paid?")
    assert "hasn't been paid" in unpaid.text and "links" in types(unpaid)


def test_the_cheapest_option_in_stock_is_found_and_out_of_stock_ones_are_not() -> None:
    reply = say(chat(_customer("noah.berg@example.net")), "what's the cheapest water bottle?")
    assert "$15.00" in reply.text and "$12.00" not in reply.text


def test_an_address_is_taken_from_another_order() -> None:
    conversation = chat(_customer("mei.chen@example.net"))
    reply = say(
        conversation,
        "change the shipping address of #W2001002 to the same address as my backpack order",
    )
    assert "confirm" in types(reply) and "2 Ocean Ave" in reply.text
    yes(conversation)
    assert Order.objects.get(number="#W2001002").shipping_address["line1"] == "2 Ocean Ave"


def test_a_guest_verifies_with_email_and_full_name() -> None:
    conversation = chat(None)
    say(conversation, "where is my order")
    reply = say(conversation, "kenji.ito@example.net, Kenji Ito")
    assert "verified" in reply.text
    conversation.refresh_from_db()
    assert conversation.verified_customer == _customer("kenji.ito@example.net")


def test_a_shop_can_turn_email_and_name_off(settings: Any) -> None:
    settings.BOT_IDENTITY_CHECKS = ("email+order", "name+zip")
    conversation = chat(None)
    say(conversation, "where is my order")
    reply = say(conversation, "kenji.ito@example.net, Kenji Ito")
    assert "verified" not in reply.text
    assert "order" in reply.text
    conversation.refresh_from_db()
    assert conversation.verified_customer is None
    assert state(conversation).verify_failures == 0  # no check was tried, so none failed


def test_a_new_guest_buys_and_becomes_a_customer() -> None:
    conversation = chat(None)
    say(conversation, "i'd like to buy the blue 6mm TPE yoga mat")
    say(conversation, "I'm new. Priya Nair, priya.nair@example.org")
    proposal = say(conversation, "21 Quay St, Brooklyn, NY 11201")
    assert "confirm" in types(proposal) and "$40.99" in proposal.text
    done = yes(conversation)
    assert "links" in types(done)
    customer = Customer.objects.get(email="priya.nair@example.org")
    order = customer.orders.get()
    assert order.status == "pending" and order.items.get().sku == "YM-6-TPE-BLU"
    assert customer.addresses.get(is_default=True).line1 == "21 Quay St"


def test_a_guest_cannot_register_an_email_that_has_an_account() -> None:
    conversation = chat(None)
    say(conversation, "i'd like to buy the blue 6mm TPE yoga mat")
    reply = say(conversation, "Someone Else, mei.chen@example.net")
    conversation.refresh_from_db()
    assert conversation.verified_customer is None
    assert "set one up" not in reply.text
    assert Customer.objects.filter(email="mei.chen@example.net").count() == 1


def test_an_address_over_two_messages_is_put_together() -> None:
    conversation = chat(_customer("noah.berg@example.net"))
    say(conversation, "i need to change the shipping address on #W2001022")
    asked = say(conversation, "55 River Rd")
    assert "city" in asked.text and "confirm" not in types(asked)
    proposal = say(conversation, "Eugene, OR 97401")
    assert "confirm" in types(proposal) and "55 River Rd, Eugene, OR, 97401" in proposal.text


def test_thanks_while_asked_for_an_address_keeps_the_question() -> None:
    conversation = chat(_customer("noah.berg@example.net"))
    say(conversation, "i need to change the shipping address on #W2001022")
    thanks = say(conversation, "thanks")
    assert "couldn't read" not in thanks.text and "address" in thanks.text
    proposal = say(conversation, "55 River Rd, Eugene, OR 97401")
    assert "confirm" in types(proposal)


def test_how_many_options_are_in_stock_is_counted() -> None:
    reply = say(
        chat(_customer("noah.berg@example.net")), "how many options of the desk lamp are in stock?"
    )
    assert "4 options, 3 of them in stock" in reply.text, reply.text
    assert "brass" not in reply.text  # out of stock


def test_an_address_and_a_payment_change_in_one_message_are_both_done() -> None:
    conversation = chat(_customer("omar.haddad@example.net"))
    first = say(
        conversation,
        "for #W2001005 please ship it to my default address and pay with my mastercard instead",
    )
    assert "confirm" in types(first) and "77 Elm Ave" in first.text, first.text
    second = yes(conversation)
    assert "Mastercard ending 5520" in second.text and "confirm" in types(second), second.text
    yes(conversation)
    order = Order.objects.get(number="#W2001005")
    assert order.shipping_address["line1"] == "77 Elm Ave"
    assert order.payment_method is not None and order.payment_method.card_last4 == "5520"
    assert _new_payments("#W2001005") == [
        ("refund", Decimal("104.00"), "PayPal (omar.haddad@example.net)"),
        ("charge", Decimal("104.00"), "Mastercard ending 5520"),
    ]


def test_the_item_that_names_the_order_is_not_returned_and_a_correction_narrows() -> None:
    conversation = chat(_customer("sofia.rossi@example.net"))
    asked = say(conversation, "can I return the desk lamp from my office chair order?")
    assert "Desk Lamp" in asked.text and "Office Chair" not in asked.text, asked.text
    liam = chat(_customer("liam.walsh@example.net"))
    say(liam, "return the 2 water bottles and the sunglasses from #W2001011")
    narrowed = say(liam, "actually not the sunglasses. changed my mind")
    assert "Sunglasses" not in narrowed.text


def test_a_return_is_never_refunded_to_a_method_that_did_not_pay() -> None:
    conversation = chat(_customer("sofia.rossi@example.net"))
    reply = say(
        conversation,
        "return the desk lamp from #W2001007, not as described, refund to my paypal please",
    )
    assert "confirm" not in types(reply)
    assert "can't be refunded to PayPal" in reply.text and "Amex ending 3005" in reply.text
    proposal = say(conversation, "original card then")
    assert "confirm" in types(proposal) and "Amex ending 3005" in proposal.text
    yes(conversation)
    rma = ReturnRequest.objects.get(order__number="#W2001007")
    assert rma.refund_method == "original" and rma.payment_method is not None
    assert rma.payment_method.card_last4 == "3005"


def test_which_card_and_which_address_are_answered_not_changed() -> None:
    conversation = chat(_customer("grace.okafor@example.net"))
    card = say(conversation, "which card is #W2001020 on?")
    assert "set to be paid with Visa ending 2290" in card.text, card.text
    address = say(conversation, "and whats the shiping adress on it?")
    assert "19 Cedar Ct" in address.text and "confirm" not in types(address)
    assert state(conversation).task is None


def test_a_new_customer_with_everything_in_one_message_is_not_a_failed_check() -> None:
    conversation = chat(None)
    reply = say(
        conversation,
        "hi im new here, i want to buy the blue 6mm TPE yoga mat. my name is Priya Nair, email "
        "priya.nair@example.org, address 45 River St, Albany NY 12207",
    )
    assert "don't match" not in reply.text
    assert "confirm" in types(reply) and "45 River St" in reply.text, reply.text
