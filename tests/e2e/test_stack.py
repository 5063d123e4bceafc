"""The platform as `make run` starts it: daphne serving the storefront and admin, and a Celery
worker taking tasks from Redis and writing to the same database."""

from __future__ import annotations

import datetime as dt
import time
import urllib.request

import pytest
from django.utils import timezone

from orders.models import Customer, Order, OrderStatus, Payment
from orders.tasks import order_expire_unpaid_task
from tests.conftest import OrderMaker

pytestmark = pytest.mark.e2e


def test_daphne_serves_the_storefront_and_the_staff_console(
    daphne: str, alice: Customer, order_in_status: OrderMaker
) -> None:
    storefront = urllib.request.urlopen(f"{daphne}/", timeout=10).read().decode()
    product = urllib.request.urlopen(f"{daphne}/products/harbor-tee/", timeout=10).read().decode()
    admin = urllib.request.urlopen(f"{daphne}/admin/login/", timeout=10).read().decode()
    css = urllib.request.urlopen(f"{daphne}/static/shop/shop.css", timeout=10)

    assert "Harbor Tee" in storefront
    assert "TEE-NAVY-M" in product
    assert "servicedesk staff console" in admin
    assert css.headers["Content-Type"].startswith("text/css")


def test_a_celery_worker_runs_a_task_from_redis_against_the_database(
    celery_worker: str, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)
    Order.objects.filter(pk=order.pk).update(placed_at=timezone.now() - dt.timedelta(days=3))
    Payment.objects.create(
        order=order,
        kind="charge",
        status="failed",
        amount=order.grand_total,
        reference="ch_e2e_failed",
    )

    order_expire_unpaid_task.apply_async(queue=celery_worker)

    deadline = time.monotonic() + 60
    while Order.objects.get(pk=order.pk).status != OrderStatus.CANCELLED:
        assert time.monotonic() < deadline, "the worker did not cancel the unpaid order"
        time.sleep(0.3)
    order.refresh_from_db()
    assert order.cancel_reason == "Payment not completed within 48 hours"
