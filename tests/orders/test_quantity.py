"""Changing how many of an item a pending order has (orders.services.order_change_quantity)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders import services
from orders.actors import Actor
from orders.errors import OrderNotFound, OrderNotModifiable, OutOfStock, VariantSwapNotAllowed
from orders.models import AuditEvent, Customer, OrderStatus, ProductVariant
from tests.conftest import OrderMaker

pytestmark = pytest.mark.django_db


def test_fewer_of_an_item_lowers_the_total_and_puts_the_stock_back(
    alice: Customer, order_in_status: OrderMaker, tee: dict[str, ProductVariant]
) -> None:
    order = order_in_status(alice)  # 2 × navy M tee at 20.00
    item = order.items.get()
    stock = ProductVariant.objects.get(pk=tee["navy-m"].pk).stock

    result = services.order_change_quantity(
        order_number=order.number, order_item_id=item.pk, quantity=1, actor=Actor.customer(alice)
    )

    item.refresh_from_db()
    assert item.quantity == 1
    assert result.order.subtotal == item.unit_price
    assert result.order.grand_total < order.grand_total
    assert ProductVariant.objects.get(pk=tee["navy-m"].pk).stock == stock + 1
    event = AuditEvent.objects.get(order=order, action="order.change_quantity")
    assert (event.from_value, event.to_value) == (
        "2 × TEE-NAVY-M (Navy / M)",
        "1 × TEE-NAVY-M (Navy / M)",
    )


def test_more_of_an_item_takes_stock_and_refuses_what_is_not_there(
    alice: Customer, order_in_status: OrderMaker, tee: dict[str, ProductVariant]
) -> None:
    order = order_in_status(alice)
    item = order.items.get()
    left = ProductVariant.objects.get(pk=tee["navy-m"].pk).stock

    with pytest.raises(OutOfStock):
        services.order_change_quantity(
            order_number=order.number,
            order_item_id=item.pk,
            quantity=2 + left + 1,
            actor=Actor.customer(alice),
        )
    services.order_change_quantity(
        order_number=order.number, order_item_id=item.pk, quantity=3, actor=Actor.customer(alice)
    )

    item.refresh_from_db()
    assert item.quantity == 3
    assert ProductVariant.objects.get(pk=tee["navy-m"].pk).stock == left - 1


def test_the_only_item_cannot_be_removed_and_a_started_order_cannot_change(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    pending = order_in_status(alice)
    processing = order_in_status(alice, OrderStatus.PROCESSING)

    with pytest.raises(VariantSwapNotAllowed, match="cancel the order"):
        services.order_change_quantity(
            order_number=pending.number,
            order_item_id=pending.items.get().pk,
            quantity=0,
            actor=Actor.customer(alice),
        )
    with pytest.raises(VariantSwapNotAllowed, match="already has 2"):
        services.order_change_quantity(
            order_number=pending.number,
            order_item_id=pending.items.get().pk,
            quantity=2,
            actor=Actor.customer(alice),
        )
    with pytest.raises(OrderNotModifiable):
        services.order_change_quantity(
            order_number=processing.number,
            order_item_id=processing.items.get().pk,
            quantity=1,
            actor=Actor.customer(alice),
        )
    assert pending.items.get().quantity == 2


def test_a_customer_cannot_change_anothers_order(
    alice: Customer, bob: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)

    with pytest.raises(OrderNotFound):
        services.order_change_quantity(
            order_number=order.number,
            order_item_id=order.items.get().pk,
            quantity=1,
            actor=Actor.customer(bob),
        )

    assert order.items.get().quantity == 2
    assert Decimal(order.grand_total) > 0
