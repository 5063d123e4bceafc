from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from orders import services
from orders.actors import Actor
from orders.errors import CancelNotAllowed, OrderNotFound
from orders.models import AuditEvent, Customer, OrderStatus, Payment, ProductVariant
from tests.conftest import OrderMaker


def test_it_cancels_a_pending_order_and_restocks(
    alice: Customer, order_in_status: OrderMaker, tee: dict[str, ProductVariant]
) -> None:
    order = order_in_status(alice, OrderStatus.PENDING)
    assert ProductVariant.objects.get(pk=tee["navy-m"].pk).stock == 8

    services.order_cancel(
        order_number=order.number, reason="Changed my mind", actor=Actor.customer(alice)
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.cancel_reason == "Changed my mind"
    assert order.cancelled_at is not None
    assert ProductVariant.objects.get(pk=tee["navy-m"].pk).stock == 10
    # Nothing was paid, so nothing is refunded.
    assert not Payment.objects.filter(order=order, kind="refund").exists()
    event = AuditEvent.objects.get(order=order, to_value="cancelled")
    assert (event.actor_kind, event.actor_label, event.note) == (
        "customer",
        "alice@example.com",
        "Changed my mind",
    )


def test_it_refunds_a_paid_order_when_cancelled(
    alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.PROCESSING)

    services.order_cancel(order_number=order.number, reason="Too late", actor=Actor.bot(alice))

    refund = Payment.objects.get(order=order, kind="refund")
    assert refund.amount == order.grand_total == Decimal("45.99")
    assert refund.status == "succeeded"
    assert AuditEvent.objects.get(order=order, to_value="cancelled").actor_kind == "bot"


@pytest.mark.parametrize("status", [OrderStatus.SHIPPED, OrderStatus.DELIVERED])
def test_it_refuses_to_cancel_after_shipment(
    alice: Customer, order_in_status: OrderMaker, status: str
) -> None:
    order = order_in_status(alice, status)

    with pytest.raises(CancelNotAllowed, match="already shipped"):
        services.order_cancel(order_number=order.number, reason="x", actor=Actor.customer(alice))

    order.refresh_from_db()
    assert order.status == status
    assert not AuditEvent.objects.filter(order=order, to_value="cancelled").exists()


def test_it_requires_a_reason(alice: Customer, order_in_status: OrderMaker) -> None:
    order = order_in_status(alice)

    with pytest.raises(CancelNotAllowed, match="reason"):
        services.order_cancel(order_number=order.number, reason="  ", actor=Actor.customer(alice))


def test_bob_cannot_cancel_alices_order(
    alice: Customer, bob: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)

    with pytest.raises(OrderNotFound) as caught:
        services.order_cancel(order_number=order.number, reason="x", actor=Actor.bot(bob))

    # The same answer as for an order that does not exist at all.
    with pytest.raises(OrderNotFound) as missing:
        services.order_cancel(order_number="SD-999999", reason="x", actor=Actor.bot(bob))
    assert str(caught.value).replace(order.number, "N") == str(missing.value).replace(
        "SD-999999", "N"
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_cancels_change_the_order_once(
    alice: Customer, order_in_status: OrderMaker, tee: dict[str, ProductVariant]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (CI runs this on PostgreSQL)")
    order = order_in_status(alice, OrderStatus.PROCESSING)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def cancel(actor: Actor) -> None:
        barrier.wait()
        try:
            services.order_cancel(order_number=order.number, reason="race", actor=actor)
            outcomes.append("cancelled")
        except CancelNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=cancel, args=(Actor.customer(alice),)),
        threading.Thread(target=cancel, args=(Actor.system("admin"),)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["cancelled", "refused"]
    assert AuditEvent.objects.filter(order=order, to_value="cancelled").count() == 1
    assert Payment.objects.filter(order=order, kind="refund").count() == 1
    assert ProductVariant.objects.get(pk=tee["navy-m"].pk).stock == 10


def test_unpaid_orders_expire_after_48_hours(
    alice: Customer, order_in_status: OrderMaker, tee: dict[str, ProductVariant]
) -> None:
    import datetime as dt

    from django.utils import timezone

    stale, fresh, unfailed = (order_in_status(alice) for _ in range(3))
    Order = type(stale)
    Order.objects.filter(pk__in=[stale.pk, unfailed.pk]).update(
        placed_at=timezone.now() - dt.timedelta(hours=49)
    )
    for order in (stale, fresh):
        Payment.objects.create(
            order=order,
            kind="charge",
            status="failed",
            amount=order.grand_total,
            reference=f"ch_fail_{order.pk}",
            failure_reason="Card declined: insufficient funds",
        )

    assert services.order_expire_unpaid() == [stale.number]
    assert services.order_expire_unpaid() == []

    stale.refresh_from_db()
    assert (stale.status, stale.cancel_reason) == (
        "cancelled",
        "Payment not completed within 48 hours",
    )
    assert Order.objects.get(pk=fresh.pk).status == "pending"
    assert Order.objects.get(pk=unfailed.pk).status == "pending"
    event = AuditEvent.objects.get(order=stale, to_value="cancelled")
    assert (event.actor_kind, event.actor_label) == ("system", "unpaid order expiry")
