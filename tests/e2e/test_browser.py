"""A shopper and a staff user in Debian's Chromium, driven by Playwright, against daphne serving
the seeded demo shop. Screenshots go to docs/images/ with SAVE_SCREENSHOTS=1, else to tmp."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orders.demo.credentials import CUSTOMER_PASSWORD, STAFF_PASSWORD
from orders.demo.seed import seed_demo
from orders.models import Order

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_shop(transactional_db: None) -> None:
    seed_demo()


def test_a_shopper_browses_signs_in_and_reads_an_order(
    demo_shop: None, daphne: str, browser: Any, shots: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})

    page.goto(f"{daphne}/")
    assert page.locator(".product-card").count() == 24
    page.screenshot(path=str(shots / "storefront.png"))

    page.get_by_role("searchbox").fill("merino")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    names = page.locator(".product-card").all_inner_texts()
    assert names and all("merino" in n.lower() for n in names)

    with page.expect_navigation():
        page.locator(".product-card a").first.click()
    assert page.locator("table").first.inner_text().count("HL-") >= 1
    page.screenshot(path=str(shots / "product.png"), full_page=True)

    page.goto(f"{daphne}/account/login/")
    page.fill("input[name=username]", "alice@example.com")
    page.fill("input[name=password]", CUSTOMER_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith("/account/orders/")
    alice_numbers = set(
        Order.objects.filter(customer__email="alice@example.com").values_list("number", flat=True)
    )
    body = page.inner_text("main")
    assert all(n in body for n in alice_numbers)
    assert not any(
        n in body
        for n in Order.objects.exclude(customer__email="alice@example.com").values_list(
            "number", flat=True
        )[:50]
    )
    page.screenshot(path=str(shots / "my-orders.png"), full_page=True)

    shipped = Order.objects.get(
        customer__email="alice@example.com", status="shipped", shipments__isnull=False
    )
    page.goto(f"{daphne}/account/orders/{shipped.number}/")
    assert shipped.shipments.get().tracking_number in page.inner_text("main")
    page.screenshot(path=str(shots / "order.png"), full_page=True)

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{daphne}/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the storefront scrolls sideways on a phone"
    phone.screenshot(path=str(shots / "storefront-phone.png"))


def test_staff_sign_in_to_the_console_and_see_the_order_history(
    demo_shop: None, daphne: str, browser: Any, shots: Path
) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})

    page.goto(f"{daphne}/admin/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", STAFF_PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.goto(f"{daphne}/admin/orders/order/")
    assert "400 orders" in page.inner_text("#changelist")
    page.screenshot(path=str(shots / "admin-orders.png"))

    order = Order.objects.filter(status="returned").first()
    assert order is not None
    page.goto(f"{daphne}/admin/orders/order/{order.pk}/change/")
    text = page.inner_text("#content")
    assert order.number in text and "return_requested" in text and "audit trail" in text.lower()
    page.screenshot(path=str(shots / "admin-order.png"), full_page=True)
