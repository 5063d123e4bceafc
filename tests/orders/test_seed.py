"""The demo shop: the counts the README promises, every status reached through the map, and a
second run that changes nothing."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from orders.demo.credentials import CUSTOMER_PASSWORD, STAFF_PASSWORD
from orders.demo.seed import seed_demo
from orders.models import (
    ORDER_TRANSITIONS,
    AuditEvent,
    Category,
    Customer,
    HelpArticle,
    Order,
    OrderStatus,
    Payment,
    Product,
    ProductVariant,
    ReturnRequest,
    Shipment,
    TrackingEvent,
)

MODELS = [
    Category,
    Product,
    ProductVariant,
    Customer,
    Order,
    Shipment,
    TrackingEvent,
    Payment,
    ReturnRequest,
    AuditEvent,
    HelpArticle,
    User,
]


def _snapshot() -> dict[str, object]:
    return {
        m.__name__: (
            m._default_manager.count(),
            sorted(m._default_manager.values_list("pk", flat=True))[-1:],
        )
        for m in MODELS
    } | {
        "orders": list(
            Order.objects.order_by("number").values_list("number", "status", "updated_at")
        ),
        "stock": sum(ProductVariant.objects.values_list("stock", flat=True)),
    }


@pytest.mark.django_db
def test_it_seeds_a_realistic_shop_once() -> None:
    report = seed_demo()

    assert Product.objects.count() >= 150
    assert Category.objects.filter(products__isnull=False).distinct().count() >= 8
    assert ProductVariant.objects.count() > Product.objects.count()
    assert Customer.objects.count() == 60
    assert Order.objects.count() == 400
    assert HelpArticle.objects.filter(published=True, language="en").count() == 25
    # Each with its Chinese version.
    assert (
        HelpArticle.objects.filter(
            published=True, language="zh-Hans", translation_of__language="en"
        ).count()
        == 25
    )
    statuses = Counter(Order.objects.values_list("status", flat=True))
    assert set(statuses) == set(OrderStatus.values)
    assert min(statuses.values()) >= 20
    assert Shipment.objects.count() == Order.objects.filter(shipped_at__isnull=False).count()
    assert TrackingEvent.objects.count() > 3 * Shipment.objects.count()
    assert Payment.objects.filter(kind="charge", status="succeeded").count() >= 250
    assert Payment.objects.filter(status="failed").exists()
    assert Payment.objects.filter(kind="refund").exists()
    assert ReturnRequest.objects.count() == statuses["return_requested"] + statuses["returned"]
    assert report.created["orders"] == 400

    # Staff: one admin and three agents, with the documented demo passwords.
    assert User.objects.get(username="admin").is_superuser
    for name in ("sam", "sue", "kim"):
        agent = User.objects.get(username=name)
        assert agent.is_staff and not agent.is_superuser
        assert agent.check_password(STAFF_PASSWORD)
    alice = Customer.objects.get(email="alice@example.com")
    assert alice.user is not None and alice.user.check_password(CUSTOMER_PASSWORD)
    # alice has an order in every status, for the demo stories.
    assert set(alice.orders.values_list("status", flat=True)) == set(OrderStatus.values)
    assert Customer.objects.filter(email="bob@example.com").exists()

    before = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == before


@pytest.mark.django_db
def test_every_seeded_order_reached_its_status_through_the_transition_map() -> None:
    seed_demo()

    for order in Order.objects.prefetch_related("audit_events"):
        steps = [("", "pending")] + [
            (e.from_value, e.to_value) for e in order.audit_events.all() if e.from_value
        ]
        assert steps[-1][1] == order.status, order.number
        for (_, a), (b, c) in itertools.pairwise(steps):
            assert a == b and c in ORDER_TRANSITIONS[b], (order.number, steps)


@pytest.mark.django_db
def test_delivered_orders_span_both_sides_of_the_return_window() -> None:
    seed_demo()

    delivered = Order.objects.filter(status="delivered")
    returnable = [o.is_returnable() for o in delivered]
    assert any(returnable) and not all(returnable)
    late = Shipment.objects.filter(order__status="shipped", events__status="exception")
    assert late.exists()


@pytest.mark.django_db
def test_parcels_still_on_their_way_have_no_delivery_events() -> None:
    seed_demo()

    in_flight = Shipment.objects.filter(order__status="shipped")
    assert in_flight.exists()
    assert not TrackingEvent.objects.filter(
        shipment__in=in_flight, status__in=["delivered", "out_for_delivery"]
    ).exists()
    assert not in_flight.filter(delivered_at__isnull=False).exists()
    delivered = Shipment.objects.filter(order__status="delivered")
    assert delivered.filter(events__status="delivered").distinct().count() == delivered.count()
