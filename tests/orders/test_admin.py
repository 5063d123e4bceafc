"""The staff console: pages render, and actions go through the services, showing policy errors
as messages rather than failing."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from orders import services
from orders.actors import Actor
from orders.models import AuditEvent, Customer, Order, OrderStatus, ReturnRequest, ReturnStatus
from tests.conftest import OrderMaker
from tests.factories import CustomerFactory, ProductFactory


@pytest.fixture
def console(client: Client, staff: User) -> Client:
    client.force_login(staff)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _action(console: Client, model: str, action: str, pks: list[int], **data: str):
    return console.post(
        reverse(f"admin:orders_{model}_changelist"),
        {"action": action, "_selected_action": [str(pk) for pk in pks], **data},
        follow=True,
    )


@pytest.mark.parametrize(
    "model",
    [
        "category",
        "product",
        "productvariant",
        "customer",
        "order",
        "shipment",
        "payment",
        "returnrequest",
        "auditevent",
        "helparticle",
    ],
)
def test_each_changelist_renders(
    console: Client, alice: Customer, order_in_status: OrderMaker, model: str
) -> None:
    order_in_status(alice, OrderStatus.SHIPPED)

    response = console.get(reverse(f"admin:orders_{model}_changelist"))

    assert response.status_code == 200


def test_the_order_page_shows_items_shipments_payments_and_audit_trail(
    console: Client, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.SHIPPED)

    response = console.get(reverse("admin:orders_order_change", args=[order.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    for text in (
        "TEE-NAVY-M",
        f"1ZTEST{order.pk:010d}",
        "Audit trail",
        "order.status",
        "45.99",
        "Alice Martin, 12 Harbor St, Portland, OR, 97205, US",
    ):
        assert text in body


@pytest.mark.parametrize("model", ["order", "customer", "product", "returnrequest", "payment"])
def test_lists_take_the_same_number_of_queries_for_more_rows(
    console: Client,
    alice: Customer,
    bob: Customer,
    order_in_status: OrderMaker,
    django_assert_num_queries,
    model: str,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse(f"admin:orders_{model}_changelist")
    order_in_status(alice, OrderStatus.PROCESSING)
    with CaptureQueriesContext(connection) as few:
        console.get(url)
    for customer in (alice, bob, bob):
        order_in_status(customer, OrderStatus.PROCESSING)
    ProductFactory.create_batch(3)
    CustomerFactory.create_batch(3)

    with django_assert_num_queries(len(few.captured_queries)):
        console.get(url)


def test_mark_shipped_asks_for_a_tracking_number_then_ships(
    console: Client, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.PROCESSING)

    form = _action(console, "order", "mark_shipped", [order.pk])
    assert form.status_code == 200
    assert b"tracking_number" in form.content
    order.refresh_from_db()
    assert order.status == OrderStatus.PROCESSING

    done = _action(
        console,
        "order",
        "mark_shipped",
        [order.pk],
        apply="1",
        carrier="FedEx",
        tracking_number="771234567890",
        estimated_delivery="2030-01-05",
    )

    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    shipment = order.shipments.get()
    assert (shipment.carrier, shipment.tracking_number) == ("FedEx", "771234567890")
    assert "Orders marked shipped: 1." in _messages(done)
    event = AuditEvent.objects.get(order=order, to_value="shipped")
    assert (event.actor_kind, event.actor_label) == ("staff", "staff")


def test_a_forbidden_transition_shows_the_policy_error(
    console: Client, alice: Customer, order_in_status: OrderMaker
) -> None:
    shipped = order_in_status(alice, OrderStatus.SHIPPED)
    pending = order_in_status(alice, OrderStatus.PENDING)

    response = _action(
        console,
        "order",
        "cancel_orders",
        [shipped.pk, pending.pk],
        apply="1",
        reason="Out of stock",
    )

    assert response.status_code == 200
    messages = _messages(response)
    assert (
        f"{shipped.number}: Order {shipped.number} has already shipped, so it can't be "
        "cancelled. Once it arrives you can return it instead." in messages
    )
    assert "Orders cancelled: 1." in messages
    assert Order.objects.get(pk=shipped.pk).status == OrderStatus.SHIPPED
    assert Order.objects.get(pk=pending.pk).status == OrderStatus.CANCELLED


def test_marking_a_pending_order_shipped_is_refused(
    console: Client, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice, OrderStatus.PENDING)

    response = _action(
        console,
        "order",
        "mark_shipped",
        [order.pk],
        apply="1",
        carrier="UPS",
        tracking_number="1Z1",
    )

    assert response.status_code == 200
    assert any("pending and can't become shipped" in m for m in _messages(response))
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING
    assert not order.shipments.exists()


def test_returns_are_approved_completed_or_rejected_from_the_console(
    console: Client, alice: Customer, order_in_status: OrderMaker
) -> None:
    first, second = (order_in_status(alice, OrderStatus.DELIVERED) for _ in range(2))
    rmas = [
        services.return_request_create(
            order_number=o.number,
            lines=[services.ReturnLine(order_item_id=o.items.get().pk, quantity=1)],
            reason="too_small",
            actor=Actor.customer(alice),
        )
        for o in (first, second)
    ]

    _action(console, "returnrequest", "approve", [rmas[0].pk])
    early = _action(console, "returnrequest", "complete", [rmas[1].pk])
    _action(console, "returnrequest", "complete", [rmas[0].pk])
    _action(console, "returnrequest", "reject", [rmas[1].pk], apply="1", reason="Item was worn")

    assert any("approve it first" in m for m in _messages(early))
    assert ReturnRequest.objects.get(pk=rmas[0].pk).status == ReturnStatus.REFUNDED
    assert Order.objects.get(pk=first.pk).status == OrderStatus.RETURNED
    assert ReturnRequest.objects.get(pk=rmas[1].pk).status == ReturnStatus.REJECTED
    assert Order.objects.get(pk=second.pk).status == OrderStatus.DELIVERED


def test_agents_without_permission_cannot_use_the_console(client: Client, sam: User) -> None:
    client.force_login(sam)

    response = client.get(reverse("admin:orders_order_changelist"))

    assert response.status_code == 403


CUSTOMER_DATA = ["customer", "order", "shipment", "payment", "returnrequest", "auditevent"]


@pytest.mark.parametrize("model", CUSTOMER_DATA)
@pytest.mark.parametrize(("username", "allowed"), [("sam", False), ("sue", True), ("admin", True)])
def test_customer_data_in_the_console_is_for_supervisors_and_admins(
    demo_shop: None, db: None, model: str, username: str, allowed: bool
) -> None:
    """Agents see customers only through the desk, scoped to their chats: the seeded roles keep
    them out of the console's customer data (lists and pages), supervisors and admins in."""
    from django.apps import apps

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    listing = client.get(reverse(f"admin:orders_{model}_changelist"))
    assert listing.status_code == (200 if allowed else 403), (username, model)
    row = apps.get_model("orders", model).objects.order_by("pk").first()
    assert row is not None
    page = client.get(reverse(f"admin:orders_{model}_change", args=[row.pk]))
    assert page.status_code == (200 if allowed else 403), (username, model)
    assert user.has_perm(f"orders.view_{model}") is allowed


def test_agents_may_read_the_catalog_and_help_center_in_the_console(
    demo_shop: None, db: None
) -> None:
    client = Client()
    client.force_login(User.objects.get(username="sam"))
    assert client.get(reverse("admin:orders_product_changelist")).status_code == 200
    assert client.get(reverse("admin:orders_helparticle_changelist")).status_code == 200
