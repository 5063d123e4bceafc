from __future__ import annotations

from decimal import Decimal

import pytest

from orders import services
from orders.actors import Actor
from orders.errors import (
    OrderNotFound,
    OrderPolicyError,
    ReturnNotAllowed,
    ReturnWindowClosed,
    TransitionNotAllowed,
    VariantSwapNotAllowed,
)
from orders.models import (
    AuditEvent,
    Customer,
    Order,
    OrderStatus,
    Payment,
    ProductVariant,
    ReturnStatus,
)
from tests.conftest import OrderMaker
from tests.factories import GiftCardFactory


def _return(order: Order, customer: Customer, quantity: int = 1, **kwargs: object):
    return services.return_request_create(
        order_number=order.number,
        lines=[
            services.ReturnLine(
                order_item_id=order.items.get().pk,
                quantity=quantity,
                exchange_variant_id=kwargs.pop("exchange_variant_id", None),  # type: ignore[arg-type]
            )
        ],
        reason=kwargs.pop("reason", "too_small"),  # type: ignore[arg-type]
        actor=Actor.customer(customer),
        **kwargs,  # type: ignore[arg-type]
    )


def test_it_opens_a_return_within_the_window(alice: Customer, order_in_status: OrderMaker) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED, delivered_days_ago=29)

    rma = _return(order, alice, quantity=1)

    order.refresh_from_db()
    assert order.status == OrderStatus.RETURN_REQUESTED
    assert rma.rma_number.startswith("RMA-")
    assert rma.status == ReturnStatus.REQUESTED
    # One tee at 20.00; shipping is not refunded for a fit problem.
    assert rma.refund_amount == Decimal("20.00")
    assert AuditEvent.objects.filter(subject_id=rma.rma_number, action="return.create").count() == 1


def test_it_refunds_shipping_when_the_item_arrived_damaged(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED)

    rma = _return(order, alice, quantity=2, reason="damaged")

    assert rma.refund_amount == Decimal("45.99")


def test_it_refuses_a_return_after_the_window(alice: Customer, order_in_status: OrderMaker) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED, delivered_days_ago=31)

    with pytest.raises(ReturnWindowClosed, match="30-day return window"):
        _return(order, alice)

    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    assert not order.returns.exists()


@pytest.mark.parametrize(
    "status", [OrderStatus.PENDING, OrderStatus.PROCESSING, OrderStatus.SHIPPED]
)
def test_it_refuses_a_return_before_delivery(
    alice: Customer, order_in_status: OrderMaker, status: str
) -> None:
    order = order_in_status(alice, status)

    with pytest.raises(ReturnNotAllowed, match="only delivered orders"):
        _return(order, alice)


def test_it_refuses_more_than_was_bought(alice: Customer, order_in_status: OrderMaker) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED)

    with pytest.raises(ReturnNotAllowed, match="between 1 and 2"):
        _return(order, alice, quantity=3)


def test_it_exchanges_for_another_option_of_the_same_product(
    alice: Customer,
    order_in_status: OrderMaker,
    tee: dict[str, ProductVariant],
    mug: ProductVariant,
) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED)

    with pytest.raises(VariantSwapNotAllowed):
        _return(order, alice, kind="exchange", exchange_variant_id=mug.pk)
    rma = _return(order, alice, kind="exchange", exchange_variant_id=tee["navy-l"].pk)

    assert rma.kind == "exchange"
    assert rma.refund_amount == Decimal("0")
    assert rma.items.get().exchange_variant == tee["navy-l"]


def test_staff_approve_then_complete_a_return_with_a_refund(
    alice: Customer, order_in_status: OrderMaker, system: Actor, tee: dict[str, ProductVariant]
) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED)
    rma = _return(order, alice, quantity=2)

    services.return_request_approve(rma_number=rma.rma_number, actor=system)
    services.return_request_complete(rma_number=rma.rma_number, actor=system)

    order.refresh_from_db()
    rma.refresh_from_db()
    assert order.status == OrderStatus.RETURNED
    assert rma.status == ReturnStatus.REFUNDED
    assert Payment.objects.get(order=order, kind="refund").amount == Decimal("40.00")
    assert ProductVariant.objects.get(pk=tee["navy-m"].pk).stock == 10


def test_a_gift_card_refund_credits_the_balance(
    alice: Customer, order_in_status: OrderMaker, system: Actor
) -> None:
    card = GiftCardFactory(customer=alice, gift_card_balance=Decimal("5.00"))
    order = order_in_status(alice, OrderStatus.DELIVERED)
    rma = _return(order, alice, quantity=1, refund_method="gift_card")

    services.return_request_approve(rma_number=rma.rma_number, actor=system)
    services.return_request_complete(rma_number=rma.rma_number, actor=system)

    card.refresh_from_db()
    assert card.gift_card_balance == Decimal("25.00")


def test_completing_an_unapproved_return_is_refused(
    alice: Customer, order_in_status: OrderMaker, system: Actor
) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED)
    rma = _return(order, alice)

    with pytest.raises(TransitionNotAllowed, match="approve it first"):
        services.return_request_complete(rma_number=rma.rma_number, actor=system)


def test_rejecting_a_return_makes_the_order_delivered_again(
    alice: Customer, order_in_status: OrderMaker, system: Actor
) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED)
    rma = _return(order, alice)

    services.return_request_reject(rma_number=rma.rma_number, reason="Worn item", actor=system)

    order.refresh_from_db()
    rma.refresh_from_db()
    assert (order.status, rma.status, rma.resolution_note) == ("delivered", "rejected", "Worn item")
    # The rejected quantity can be asked for again while the window is open.
    assert _return(order, alice, quantity=2).status == ReturnStatus.REQUESTED


def test_customers_cannot_approve_returns(alice: Customer, order_in_status: OrderMaker) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED)
    rma = _return(order, alice)

    with pytest.raises(OrderPolicyError, match="Only shop staff"):
        services.return_request_approve(rma_number=rma.rma_number, actor=Actor.customer(alice))


def test_bob_cannot_return_alices_order(
    alice: Customer, bob: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.DELIVERED)

    with pytest.raises(OrderNotFound):
        _return(order, bob)
