"""Several items per request and money that follows every change, on the second test shop:
paid pending orders, cards, PayPal and gift cards (orders/demo/second_shop.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from orders import services
from orders.actors import Actor
from orders.errors import PaymentMethodNotAllowed, ReturnNotAllowed
from orders.models import (
    Customer,
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    ProductVariant,
    ReturnStatus,
)

pytestmark = pytest.mark.usefixtures("second_shop")


def _bot(email: str) -> Actor:
    return Actor.bot(Customer.objects.get(email=email))


def _item(number: str, sku: str) -> int:
    return Order.objects.get(number=number).items.get(sku=sku).pk


def _variant(sku: str) -> int:
    return ProductVariant.objects.get(sku=sku).pk


def _method(email: str, **lookup: Any) -> PaymentMethod:
    return PaymentMethod.objects.get(customer__email=email, **lookup)


def _payments(number: str) -> list[tuple[str, Decimal, str]]:
    return [
        (p.kind, p.amount, p.method.label if p.method else "")
        for p in Payment.objects.filter(order__number=number).order_by("id")
    ][1:]  # the first is the imported charge


def test_several_items_return_in_one_request_and_the_rest_later() -> None:
    actor = _bot("mei.chen@example.net")
    first = services.return_request_create(
        order_number="#W2001001",
        lines=[
            services.ReturnLine(_item("#W2001001", "WB-750-ST-BLU"), 1),
            services.ReturnLine(_item("#W2001001", "DL-MOD-BLK-USB"), 1),
        ],
        reason="changed_mind",
        actor=actor,
    )
    assert first.items.count() == 2
    assert first.refund_amount == Decimal("73.00")
    assert first.payment_method == _method("mei.chen@example.net", card_last4="1142")
    # A second return on the same order, for what is left.
    second = services.return_request_create(
        order_number="#W2001001",
        lines=[services.ReturnLine(_item("#W2001001", "TB-64-WIFI-GRY"), 1)],
        reason="damaged",
        actor=actor,
    )
    assert second.refund_amount == Decimal("299.00")
    with pytest.raises(ReturnNotAllowed, match="already been returned"):
        services.return_request_create(
            order_number="#W2001001",
            lines=[services.ReturnLine(_item("#W2001001", "TB-64-WIFI-GRY"), 1)],
            reason="damaged",
            actor=actor,
        )
    staff = Actor.system("test")
    for rma in (first, second):
        services.return_request_approve(rma_number=rma.rma_number, actor=staff)
    services.return_request_complete(rma_number=first.rma_number, actor=staff)
    assert Order.objects.get(number="#W2001001").status == OrderStatus.RETURN_REQUESTED
    services.return_request_complete(rma_number=second.rma_number, actor=staff)
    assert Order.objects.get(number="#W2001001").status == OrderStatus.RETURNED
    assert _payments("#W2001001") == [
        ("refund", Decimal("73.00"), "Visa ending 1142"),
        ("refund", Decimal("299.00"), "Visa ending 1142"),
    ]


def test_a_return_refunds_onto_a_gift_card_and_moves_its_balance() -> None:
    card = _method("mei.chen@example.net", kind="gift_card")
    rma = services.return_request_create(
        order_number="#W2001001",
        lines=[services.ReturnLine(_item("#W2001001", "DL-MOD-BLK-USB"), 1)],
        reason="changed_mind",
        refund_method="gift_card",
        actor=_bot("mei.chen@example.net"),
    )
    assert (rma.refund_method, rma.payment_method) == ("gift_card", card)
    staff = Actor.system("test")
    services.return_request_approve(rma_number=rma.rma_number, actor=staff)
    services.return_request_complete(rma_number=rma.rma_number, actor=staff)
    card.refresh_from_db()
    assert card.gift_card_balance == Decimal("125.00")  # 80.00 + 45.00


def test_an_exchange_for_dearer_options_charges_the_difference_now() -> None:
    email = "omar.haddad@example.net"
    mastercard = _method(email, card_last4="5520")
    lines = [
        services.ReturnLine(_item("#W2001004", "KB-CLK-NONE-80"), 1, _variant("KB-TAC-WHT-FULL")),
        services.ReturnLine(_item("#W2001004", "EB-BLK-8H"), 1, _variant("EB-WHT-8H")),
    ]
    order = Order.objects.get(number="#W2001004")
    quote = services.return_quote(order=order, lines=lines, kind="exchange")
    assert (quote.charge, quote.refund) == (Decimal("30.00"), Decimal("0"))
    rma = services.return_request_create(
        order_number="#W2001004",
        lines=lines,
        reason="other",
        kind="exchange",
        payment_method_id=mastercard.pk,
        actor=_bot(email),
    )
    assert rma.charge_amount == Decimal("30.00")
    assert _payments("#W2001004") == [("charge", Decimal("30.00"), "Mastercard ending 5520")]
    # Rejected: the difference goes back.
    services.return_request_reject(rma_number=rma.rma_number, reason="no", actor=Actor.system("t"))
    assert _payments("#W2001004")[-1] == ("refund", Decimal("30.00"), "Mastercard ending 5520")
    assert Order.objects.get(number="#W2001004").status == OrderStatus.DELIVERED


def test_an_exchange_for_a_cheaper_option_refunds_to_the_chosen_gift_card() -> None:
    email = "sofia.rossi@example.net"
    gift = _method(email, kind="gift_card")
    rma = services.return_request_create(
        order_number="#W2001007",
        lines=[
            services.ReturnLine(_item("#W2001007", "DL-CLS-SLV-AC"), 1, _variant("DL-MOD-WHT-AC"))
        ],
        reason="other",
        kind="exchange",
        payment_method_id=gift.pk,
        actor=_bot(email),
    )
    assert (rma.refund_amount, rma.charge_amount) == (Decimal("9.00"), Decimal("0"))
    staff = Actor.system("test")
    services.return_request_approve(rma_number=rma.rma_number, actor=staff)
    services.return_request_complete(rma_number=rma.rma_number, actor=staff)
    gift.refresh_from_db()
    assert gift.gift_card_balance == Decimal("24.00")
    exchanged = rma.items.get().exchange_variant
    assert exchanged is not None and exchanged.sku == "DL-MOD-WHT-AC"


def test_changing_items_of_a_paid_order_settles_the_difference_on_the_gift_card() -> None:
    email = "liam.walsh@example.net"
    gift = _method(email, kind="gift_card")
    changes = [
        services.ItemChange(_item("#W2001010", "TB-128-WIFI-GRY"), _variant("TB-256-CELL-GLD")),
        services.ItemChange(_item("#W2001010", "HB-20-NYL-GRN"), _variant("HB-30-NYL-BLK")),
    ]
    result = services.order_modify_items(
        order_number="#W2001010", changes=changes, payment_method_id=gift.pk, actor=_bot(email)
    )
    assert result.quote.charge == Decimal("160.00")
    assert result.order.grand_total == Decimal("578.00")
    gift.refresh_from_db()
    assert gift.gift_card_balance == Decimal("90.00")
    assert sorted(result.order.items.values_list("sku", flat=True)) == [
        "HB-30-NYL-BLK",
        "TB-256-CELL-GLD",
    ]


def test_a_gift_card_that_cannot_cover_the_difference_changes_nothing() -> None:
    email = "kenji.ito@example.net"
    gift = _method(email, kind="gift_card")  # 40.00
    changes = [
        services.ItemChange(_item("#W2001016", "HB-40-NYL-BLU"), _variant("HB-30-CNV-KHK")),
        services.ItemChange(_item("#W2001016", "WB-750-GL-GRN"), _variant("WB-1000-ST-BLK")),
    ]
    # 85 - 95 + 34 - 26 = -2: a refund, fine. A dearer change the card can't pay is refused.
    services.order_modify_items(
        order_number="#W2001016", changes=changes, payment_method_id=gift.pk, actor=_bot(email)
    )
    gift.refresh_from_db()
    assert gift.gift_card_balance == Decimal("42.00")
    with pytest.raises(PaymentMethodNotAllowed, match="doesn't cover"):
        services.order_modify_items(
            order_number="#W2001008",
            changes=[
                services.ItemChange(_item("#W2001008", "SW-41-SIL-BLK"), _variant("SW-45-LTH-BRN"))
            ],
            payment_method_id=_method("sofia.rossi@example.net", kind="gift_card").pk,
            actor=_bot("sofia.rossi@example.net"),
        )
    assert Order.objects.get(number="#W2001008").items.filter(sku="SW-41-SIL-BLK").exists()


def test_changing_items_of_an_unpaid_order_moves_no_money() -> None:
    email = "omar.haddad@example.net"
    result = services.order_modify_items(
        order_number="#W2001006",
        changes=[
            services.ItemChange(_item("#W2001006", "WB-1000-PL-RED"), _variant("WB-750-ST-BLU"))
        ],
        actor=_bot(email),
    )
    assert result.payment is None and not result.quote.paid
    assert result.order.grand_total == Decimal("61.99")  # 2 × 28.00 + 5.99 shipping


def test_paying_a_paid_order_another_way_refunds_the_old_and_charges_the_new() -> None:
    email = "sofia.rossi@example.net"
    paypal = _method(email, kind="paypal")
    services.order_change_payment_method(
        order_number="#W2001008", payment_method_id=paypal.pk, actor=_bot(email)
    )
    assert _payments("#W2001008") == [
        ("refund", Decimal("278.00"), "Amex ending 3005"),
        ("charge", Decimal("278.00"), "PayPal (sofia.r@example.net)"),
    ]


def test_cancelling_an_order_paid_by_gift_card_puts_the_balance_back() -> None:
    email = "noah.berg@example.net"
    gift = _method(email, kind="gift_card")
    services.order_cancel(order_number="#W2001022", reason="no longer needed", actor=_bot(email))
    gift.refresh_from_db()
    assert gift.gift_card_balance == Decimal("324.00")  # 120.00 + 204.00
    assert Order.objects.get(number="#W2001022").cancel_reason == "no longer needed"


def test_a_return_never_refunds_more_than_is_left_to_refund() -> None:
    actor = _bot("ana.silva@example.net")
    items = Order.objects.get(number="#W2001013").items.all()
    rma = services.return_request_create(
        order_number="#W2001013",
        lines=[services.ReturnLine(i.pk, i.quantity) for i in items],
        reason="damaged",
        actor=actor,
    )
    # 18 + 119 + 25 = 162 and free shipping: everything that was paid.
    assert rma.refund_amount == Decimal("162.00")
    assert rma.status == ReturnStatus.REQUESTED


def test_a_pay_link_never_charges_a_paid_pending_order_again() -> None:
    from orders.errors import TransitionNotAllowed

    with pytest.raises(TransitionNotAllowed, match="already paid"):
        services.order_pay_by_link(order_number="#W2001014")
    assert Payment.objects.filter(order__number="#W2001014").count() == 1
    # An unpaid one is charged its total.
    payment = services.order_pay_by_link(order_number="#W2001020")
    assert payment.amount == Decimal("72.99")  # 49.00 + 18.00 + 5.99 shipping
    assert Order.objects.get(number="#W2001020").status == OrderStatus.PROCESSING
