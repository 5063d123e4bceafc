"""Named personas and shop fixtures. alice and bob are customers; sam and kim are support agents,
sue a supervisor, and staff is a shop admin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from orders import services
from orders.actors import Actor
from orders.models import Customer, Order, OrderStatus, ProductVariant
from tests.factories import (
    AddressFactory,
    CardFactory,
    CategoryFactory,
    CustomerFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
)


def _customer(first: str, last: str, email: str) -> Customer:
    customer = CustomerFactory(first_name=first, last_name=last, email=email)
    AddressFactory(customer=customer, full_name=f"{first} {last}")
    CardFactory(customer=customer)
    return customer


@pytest.fixture(scope="session", autouse=True)
def _assistant_warm(django_db_setup: None, django_db_blocker: Any) -> None:
    """Load the sentence encoder and train the intent classifier once per session, so the first
    test that gets a bot reply doesn't spend ~10 s on them inside its own timeouts."""
    from assistant.understanding import encoder, intents

    with django_db_blocker.unblock():
        intents.get_classifier()
    # A classifier read from its disk cache needs no encoder until the first message it reads:
    # load it now too (~10-20 s on two busy cores), not inside a test's frame timeout.
    encoder.get_model()


@pytest.fixture
def alice(db: None) -> Customer:
    return _customer("Alice", "Martin", "alice@example.com")


@pytest.fixture
def bob(db: None) -> Customer:
    return _customer("Bob", "Nguyen", "bob@example.com")


@pytest.fixture
def staff(db: None) -> User:
    return UserFactory(username="staff", is_staff=True, is_superuser=True)


def _desk_user(username: str, first: str, group: str) -> User:
    # The groups come from desk's data migration, which a transactional test's flush removes.
    user = UserFactory(username=username, first_name=first, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def sam(db: None) -> User:
    """An agent (group Agents): no model permissions in the admin console."""
    return _desk_user("sam", "Sam", "Agents")


@pytest.fixture
def kim(db: None) -> User:
    """Another agent."""
    return _desk_user("kim", "Kim", "Agents")


@pytest.fixture
def sue(db: None) -> User:
    """A supervisor (group Supervisors)."""
    return _desk_user("sue", "Sue", "Supervisors")


@pytest.fixture
def system() -> Actor:
    return Actor.system("tests")


@pytest.fixture
def tee(db: None) -> dict[str, ProductVariant]:
    """A T-shirt in three options, keyed "navy-m", "navy-l", "red-m"."""
    product = ProductFactory(
        slug="harbor-tee", name="Harbor Tee", category=CategoryFactory(slug="tops", name="Tops")
    )
    return {
        "navy-m": VariantFactory(
            product=product, sku="TEE-NAVY-M", options={"colour": "Navy", "size": "M"}
        ),
        "navy-l": VariantFactory(
            product=product, sku="TEE-NAVY-L", options={"colour": "Navy", "size": "L"}, stock=1
        ),
        "red-m": VariantFactory(
            product=product,
            sku="TEE-RED-M",
            options={"colour": "Red", "size": "M"},
            price=Decimal("24.00"),
            stock=0,
        ),
    }


@pytest.fixture
def mug(db: None) -> ProductVariant:
    return VariantFactory(
        product=ProductFactory(slug="camp-mug", name="Camp Mug"),
        sku="MUG-1",
        price=Decimal("12.50"),
    )


OrderMaker = Callable[..., Order]


@pytest.fixture
def order_in_status(tee: dict[str, ProductVariant], system: Actor) -> OrderMaker:
    """Place an order of two navy-M tees for `customer` and walk it through the real services to
    `status`. `delivered_days_ago` backdates delivery, for return-window tests."""

    def make(
        customer: Customer,
        status: str = OrderStatus.PENDING,
        delivered_days_ago: int = 1,
    ) -> Order:
        order = services.order_create(
            customer=customer,
            lines=[services.OrderLine(variant_id=tee["navy-m"].pk, quantity=2)],
            payment_method=customer.payment_methods.first(),
            actor=Actor.customer(customer),
        )
        steps = {
            OrderStatus.PROCESSING: lambda: services.order_capture_payment(
                order_number=order.number, actor=system
            ),
            OrderStatus.SHIPPED: lambda: services.order_mark_shipped(
                order_number=order.number,
                carrier="UPS",
                tracking_number=f"1ZTEST{order.pk:010d}",
                actor=system,
            ),
            OrderStatus.DELIVERED: lambda: services.order_mark_delivered(
                order_number=order.number, actor=system
            ),
        }
        path = {
            OrderStatus.PENDING: [],
            OrderStatus.PROCESSING: [OrderStatus.PROCESSING],
            OrderStatus.SHIPPED: [OrderStatus.PROCESSING, OrderStatus.SHIPPED],
            OrderStatus.DELIVERED: [
                OrderStatus.PROCESSING,
                OrderStatus.SHIPPED,
                OrderStatus.DELIVERED,
            ],
        }[OrderStatus(status)]
        for step in path:
            steps[step]()
        order.refresh_from_db()
        if order.delivered_at is not None:
            order.delivered_at = timezone.now() - dt.timedelta(days=delivered_days_ago)
            order.save(update_fields=["delivered_at"])
        return order

    return make


@pytest.fixture(scope="module")
def demo_shop(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo shop, seeded once for a test module inside a transaction rolled back at its end;
    each test's `db` fixture runs in a savepoint within it."""
    from django.db import transaction

    from assistant.flows import engine, knowledge
    from orders.demo.seed import seed_demo

    with django_db_blocker.unblock(), transaction.atomic():
        seed_demo()
        knowledge.index_reset()
        engine.catalog_reset()
        yield
        transaction.set_rollback(True)
    knowledge.index_reset()
    engine.catalog_reset()


@pytest.fixture
def second_shop(db: None) -> Iterator[dict[str, Any]]:
    """The second test shop (orders/demo/second_shop.py), imported as any shop is. The
    assistant's cached catalog and product index are dropped before and after, so no test reads
    another test's products."""
    from assistant.flows import engine, knowledge
    from orders.demo import second_shop as shop
    from orders.shop_io import shop_import

    document = shop.document()
    shop_import(data=document)
    knowledge.index_reset()
    engine.catalog_reset()
    yield document
    knowledge.index_reset()
    engine.catalog_reset()
