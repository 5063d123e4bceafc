"""The assistant in the widget, in Debian's Chromium, against the real stack (daphne, a Celery
worker with the bundled models, Redis) and the seeded demo shop: a guest verifies, tracks an
order, cancels another with the confirm button, asks a policy question and gets product cards.
Every figure on screen is checked against the database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from orders.demo.seed import seed_demo
from orders.models import Order, OrderStatus, Shipment

pytestmark = pytest.mark.e2e
REPLY_MS = 120_000


@pytest.fixture
def demo_shop(transactional_db: None) -> None:
    seed_demo()


def _last_bot(page: Any, count: int) -> str:
    """Wait for the `count`-th bot reply to be final and return its text."""
    bots = page.locator('[data-testid="sd-message"][data-role="bot"]')
    # A locator, not wait_for_function: its predicate is eval'd in the page, which the CSP refuses.
    page.locator('[data-testid="sd-message"][data-role="bot"][data-state="final"]').nth(
        count - 1
    ).wait_for(timeout=REPLY_MS)
    return str(bots.nth(count - 1).inner_text())


def _say(page: Any, text: str) -> None:
    page.get_by_test_id("sd-input").fill(text)
    page.get_by_test_id("sd-send").click()


def test_a_guest_verifies_tracks_cancels_and_shops_in_the_widget(
    demo_shop: None, daphne: str, celery_worker: str, browser: Any, shots: Path
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{daphne}/")
    page.get_by_test_id("sd-launcher").click()

    _say(page, "hi, where's my parcel?")
    assert "check who you are" in _last_bot(page, 1)

    _say(page, "alice@example.com, order SD-100003")
    shipment = Shipment.objects.filter(order__number="SD-100003").latest("shipped_at")
    tracked = _last_bot(page, 2)
    assert "verified" in tracked and shipment.tracking_number in tracked
    assert page.get_by_test_id("sd-links").last.is_visible()

    cancellable = Order.objects.get(number="SD-100002")
    assert cancellable.status == OrderStatus.PROCESSING
    _say(page, "please cancel SD-100002, I ordered the wrong size")
    proposal = _last_bot(page, 3)
    assert "SD-100002" in proposal and f"${cancellable.grand_total}" in proposal
    page.get_by_test_id("sd-confirm-yes").last.wait_for(timeout=REPLY_MS)
    page.screenshot(path=str(shots / "widget-confirm.png"))
    page.get_by_test_id("sd-confirm-yes").last.click()
    assert "is cancelled" in _last_bot(page, 4)
    cancellable.refresh_from_db()
    assert cancellable.status == OrderStatus.CANCELLED

    _say(page, "how much is shipping to canada?")
    assert "$19.99" in _last_bot(page, 5)  # the help center's international rate

    _say(page, "recommend a waterproof jacket under $170")
    _last_bot(page, 6)
    cards = page.locator(".sd-product")
    cards.first.wait_for(timeout=REPLY_MS)
    assert cards.count() >= 1
    page.screenshot(path=str(shots / "widget-assistant.png"))

    # Someone else's order: the same answer as one that doesn't exist.
    _say(page, "what's the status of SD-100008")
    other = _last_bot(page, 7)
    assert "couldn't find an order SD-100008" in other
    assert "Bob" not in page.inner_text("body")
