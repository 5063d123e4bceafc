"""The one transition map: every allowed move succeeds and is audited; every other is refused."""

from __future__ import annotations

import itertools

import pytest

from orders.actors import Actor
from orders.errors import TransitionNotAllowed
from orders.models import ORDER_TRANSITIONS, AuditEvent, Order, OrderStatus, order_status_path
from orders.services import order_transition
from tests.factories import CustomerFactory

ALL_PAIRS = list(itertools.product(OrderStatus.values, OrderStatus.values))
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in ORDER_TRANSITIONS[a]]
FORBIDDEN = [(a, b) for a, b in ALL_PAIRS if b not in ORDER_TRANSITIONS[a]]


def test_it_has_exactly_the_documented_map() -> None:
    assert sorted(ALLOWED) == sorted(
        [
            ("pending", "processing"),
            ("pending", "cancelled"),
            ("processing", "shipped"),
            ("processing", "cancelled"),
            ("shipped", "delivered"),
            ("delivered", "return_requested"),
            ("return_requested", "returned"),
            ("return_requested", "delivered"),
            ("returned", "return_requested"),
        ]
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), ALLOWED)
def test_it_makes_each_allowed_transition(from_status: str, to_status: str) -> None:
    order = Order.objects.create(number="SD-1", customer=CustomerFactory(), status=from_status)

    order_transition(order=order, to_status=to_status, actor=Actor.system("t"))

    order.refresh_from_db()
    assert order.status == to_status
    event = AuditEvent.objects.get(order=order)
    assert (event.action, event.from_value, event.to_value) == (
        "order.status",
        from_status,
        to_status,
    )
    assert (event.actor_kind, event.actor_label) == ("system", "t")


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), FORBIDDEN)
def test_it_refuses_each_forbidden_transition(from_status: str, to_status: str) -> None:
    order = Order.objects.create(number="SD-1", customer=CustomerFactory(), status=from_status)

    with pytest.raises(TransitionNotAllowed):
        order_transition(order=order, to_status=to_status, actor=Actor.system("t"))

    order.refresh_from_db()
    assert order.status == from_status
    assert not AuditEvent.objects.filter(order=order).exists()


@pytest.mark.parametrize("status", OrderStatus.values)
def test_status_path_walks_the_map(status: str) -> None:
    path = order_status_path(status)

    assert path[0] == "pending" and path[-1] == status
    for before, after in itertools.pairwise(path):
        assert after in ORDER_TRANSITIONS[before]
