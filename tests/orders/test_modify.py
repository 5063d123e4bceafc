from __future__ import annotations

from decimal import Decimal

import pytest

from orders import services
from orders.actors import Actor
from orders.errors import (
    AddressInvalid,
    OrderNotFound,
    OrderNotModifiable,
    OrderPolicyError,
    OutOfStock,
    PaymentMethodNotAllowed,
    VariantSwapNotAllowed,
)
from orders.models import Address, AuditEvent, Customer, OrderStatus, ProductVariant
from tests.conftest import OrderMaker
from tests.factories import CardFactory, GiftCardFactory

NEW_ADDRESS: services.AddressInput = {
    "full_name": "Alice Martin",
    "line1": "9 Dock Rd",
    "city": "Seattle",
    "region": "WA",
    "postal_code": "98101",
    "country": "us",
}


def test_it_swaps_a_variant_of_the_same_product(
    alice: Customer, order_in_status: OrderMaker, tee: dict[str, ProductVariant]
) -> None:
    tee["red-m"].stock = 5
    tee["red-m"].save()
    order = order_in_status(alice)
    item = order.items.get()

    services.order_swap_variant(
        order_number=order.number,
        order_item_id=item.pk,
        new_variant_id=tee["red-m"].pk,
        actor=Actor.customer(alice),
    )

    item.refresh_from_db()
    order.refresh_from_db()
    assert (item.sku, item.variant_label, item.unit_price) == (
        "TEE-RED-M",
        "Red / M",
        Decimal("24.00"),
    )
    # 2 × 24.00 + 5.99 shipping (under the free-shipping threshold).
    assert (order.subtotal, order.grand_total) == (Decimal("48.00"), Decimal("53.99"))
    assert ProductVariant.objects.get(pk=tee["red-m"].pk).stock == 3
    assert ProductVariant.objects.get(pk=tee["navy-m"].pk).stock == 10
    event = AuditEvent.objects.get(order=order, action="order.swap_variant")
    assert (event.from_value, event.to_value) == ("TEE-NAVY-M (Navy / M)", "TEE-RED-M (Red / M)")


def test_it_refuses_a_swap_across_products(
    alice: Customer, order_in_status: OrderMaker, mug: ProductVariant
) -> None:
    order = order_in_status(alice)

    with pytest.raises(VariantSwapNotAllowed, match="same product"):
        services.order_swap_variant(
            order_number=order.number,
            order_item_id=order.items.get().pk,
            new_variant_id=mug.pk,
            actor=Actor.customer(alice),
        )

    assert order.items.get().sku == "TEE-NAVY-M"
    assert not AuditEvent.objects.filter(action="order.swap_variant").exists()


def test_it_refuses_a_swap_to_an_option_without_stock(
    alice: Customer, order_in_status: OrderMaker, tee: dict[str, ProductVariant]
) -> None:
    order = order_in_status(alice)

    with pytest.raises(OutOfStock):
        # navy-l has 1 in stock; the line is for 2.
        services.order_swap_variant(
            order_number=order.number,
            order_item_id=order.items.get().pk,
            new_variant_id=tee["navy-l"].pk,
            actor=Actor.customer(alice),
        )

    assert ProductVariant.objects.get(pk=tee["navy-l"].pk).stock == 1
    assert ProductVariant.objects.get(pk=tee["navy-m"].pk).stock == 8


@pytest.mark.parametrize("status", [OrderStatus.PROCESSING, OrderStatus.SHIPPED])
def test_it_refuses_changes_once_processing(
    alice: Customer, order_in_status: OrderMaker, tee: dict[str, ProductVariant], status: str
) -> None:
    order = order_in_status(alice, status)
    actor = Actor.customer(alice)

    with pytest.raises(OrderNotModifiable):
        services.order_swap_variant(
            order_number=order.number,
            order_item_id=order.items.get().pk,
            new_variant_id=tee["navy-l"].pk,
            actor=actor,
        )
    with pytest.raises(OrderNotModifiable):
        services.order_change_shipping_address(
            order_number=order.number, address=NEW_ADDRESS, actor=actor
        )
    with pytest.raises(OrderNotModifiable):
        services.order_change_payment_method(
            order_number=order.number,
            payment_method_id=alice.payment_methods.get().pk,
            actor=actor,
        )


def test_it_changes_the_shipping_address_and_reprices_shipping(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)

    services.order_change_shipping_address(
        order_number=order.number,
        address={**NEW_ADDRESS, "city": "London", "postal_code": "SW1A 1AA", "country": "GB"},
        actor=Actor.customer(alice),
    )

    order.refresh_from_db()
    assert order.shipping_address["city"] == "London"
    assert order.shipping_address["country"] == "GB"
    # International flat rate.
    assert order.shipping_total == Decimal("19.99")
    assert order.grand_total == Decimal("59.99")
    # The customer's address book is untouched.
    assert alice.addresses.get().city == "Portland"


def test_it_rejects_an_incomplete_address(alice: Customer, order_in_status: OrderMaker) -> None:
    order = order_in_status(alice)

    with pytest.raises(AddressInvalid, match="postal_code"):
        services.order_change_shipping_address(
            order_number=order.number,
            address={**NEW_ADDRESS, "postal_code": ""},
            actor=Actor.customer(alice),
        )


def test_it_changes_the_payment_method_to_one_of_the_customers_own(
    alice: Customer, bob: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)
    mastercard = CardFactory(
        customer=alice, card_brand="Mastercard", card_last4="5555", is_default=False
    )
    actor = Actor.customer(alice)

    with pytest.raises(PaymentMethodNotAllowed):
        services.order_change_payment_method(
            order_number=order.number,
            payment_method_id=bob.payment_methods.get().pk,
            actor=actor,
        )
    services.order_change_payment_method(
        order_number=order.number, payment_method_id=mastercard.pk, actor=actor
    )

    order.refresh_from_db()
    assert order.payment_method == mastercard


def test_it_refuses_a_gift_card_that_does_not_cover_the_total(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)
    card = GiftCardFactory(customer=alice, gift_card_balance=Decimal("10.00"))

    with pytest.raises(PaymentMethodNotAllowed, match="doesn't cover"):
        services.order_change_payment_method(
            order_number=order.number, payment_method_id=card.pk, actor=Actor.customer(alice)
        )


def test_bob_cannot_change_alices_order(
    alice: Customer, bob: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)

    with pytest.raises(OrderNotFound):
        services.order_change_shipping_address(
            order_number=order.number, address=NEW_ADDRESS, actor=Actor.bot(bob)
        )

    order.refresh_from_db()
    assert order.shipping_address["city"] == "Portland"


def test_it_sets_a_new_default_address(alice: Customer) -> None:
    old = alice.addresses.get()

    new = services.customer_set_default_address(
        customer=alice, address=NEW_ADDRESS, actor=Actor.customer(alice)
    )

    assert list(Address.objects.filter(customer=alice, is_default=True)) == [new]
    assert (new.city, new.country) == ("Seattle", "US")
    old.refresh_from_db()
    assert old.is_default is False
    event = AuditEvent.objects.get(action="customer.default_address")
    assert event.customer == alice


def test_it_reuses_a_saved_address_as_default(alice: Customer) -> None:
    saved = Address.objects.create(
        customer=alice,
        full_name="Alice Martin",
        line1="9 Dock Rd",
        city="Seattle",
        region="WA",
        postal_code="98101",
        country="US",
    )

    result = services.customer_set_default_address(
        customer=alice, address=NEW_ADDRESS, actor=Actor.customer(alice)
    )

    assert result == saved
    assert alice.addresses.count() == 2
    assert alice.addresses.get(is_default=True) == saved


def test_bob_cannot_change_alices_default_address(alice: Customer, bob: Customer) -> None:
    with pytest.raises(Exception, match="your own"):
        services.customer_set_default_address(
            customer=alice, address=NEW_ADDRESS, actor=Actor.bot(bob)
        )

    assert alice.addresses.get(is_default=True).city == "Portland"


def test_an_order_takes_stock_and_refuses_what_is_not_there(
    alice: Customer, tee: dict[str, ProductVariant]
) -> None:
    actor = Actor.customer(alice)

    with pytest.raises(OutOfStock, match="only 1 left"):
        services.order_create(
            customer=alice,
            lines=[services.OrderLine(variant_id=tee["navy-l"].pk, quantity=2)],
            actor=actor,
        )
    order = services.order_create(
        customer=alice,
        lines=[services.OrderLine(variant_id=tee["navy-l"].pk, quantity=1)],
        actor=actor,
    )

    assert order.number.startswith("SD-1")
    assert order.status == OrderStatus.PENDING
    assert order.shipping_address["city"] == "Portland"
    assert (order.subtotal, order.shipping_total, order.grand_total) == (
        Decimal("20.00"),
        Decimal("5.99"),
        Decimal("25.99"),
    )
    assert ProductVariant.objects.get(pk=tee["navy-l"].pk).stock == 0
    # The failed attempt left nothing behind.
    assert list(alice.orders.all()) == [order]


def test_bob_cannot_place_an_order_for_alice(
    alice: Customer, bob: Customer, tee: dict[str, ProductVariant]
) -> None:
    with pytest.raises(OrderPolicyError, match="only place orders for yourself"):
        services.order_create(
            customer=alice,
            lines=[services.OrderLine(variant_id=tee["navy-m"].pk, quantity=1)],
            actor=Actor.bot(bob),
        )

    assert not alice.orders.exists()


def test_order_numbers_skip_numbers_taken_by_imported_orders(
    alice: Customer, tee: dict[str, ProductVariant]
) -> None:
    from orders.models import Order

    line = [services.OrderLine(variant_id=tee["navy-m"].pk, quantity=1)]
    first = services.order_create(customer=alice, lines=line, actor=Actor.customer(alice))
    taken = f"SD-{int(first.number[3:]) + 1}"
    Order.objects.create(number=taken, customer=alice)

    second = services.order_create(customer=alice, lines=line, actor=Actor.customer(alice))

    assert second.number not in (first.number, taken)
