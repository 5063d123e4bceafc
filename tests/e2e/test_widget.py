"""The chat widget in Debian's Chromium against the real stack: daphne, a Celery worker with the
bundled model, Redis. A shopper opens the widget, watches a reply stream in, reloads, and still
has the conversation; markup in a message stays text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chatbot.models import Message
from orders.models import Customer
from tests.conftest import OrderMaker

pytestmark = pytest.mark.e2e
REPLY_MS = 180_000


def _bubbles(page: Any, role: str) -> Any:
    return page.locator(f'[data-testid="sd-message"][data-role="{role}"]')


def test_a_shopper_chats_and_the_history_survives_a_reload(
    daphne: str,
    celery_worker: str,
    browser: Any,
    shots: Path,
    alice: Customer,
    order_in_status: OrderMaker,
) -> None:
    dialogs: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 860})

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(f"{daphne}/")

    page.get_by_test_id("sd-launcher").click()
    page.get_by_test_id("sd-input").fill("Hi! Do you sell rain jackets?")
    page.get_by_test_id("sd-send").click()

    # The reply streams: it is seen while still streaming, then final.
    page.wait_for_selector(
        '[data-testid="sd-message"][data-role="bot"][data-state="streaming"]', timeout=REPLY_MS
    )
    page.wait_for_selector(
        '[data-testid="sd-message"][data-role="bot"][data-state="final"]', timeout=REPLY_MS
    )
    shown = _bubbles(page, "bot").last.inner_text()
    stored = Message.objects.get(role="bot")
    assert stored.text and stored.text[:40] in shown
    page.screenshot(path=str(shots / "widget.png"))

    page.get_by_test_id("sd-input").fill("<img src=x onerror=alert(1)>")
    page.get_by_test_id("sd-send").click()
    page.wait_for_selector(
        '[data-testid="sd-message"][data-role="customer"][data-seq="3"]', timeout=30_000
    )
    assert "<img src=x onerror=alert(1)>" in _bubbles(page, "customer").last.inner_text()
    assert page.get_by_test_id("sd-messages").locator("img[src='x']").count() == 0

    page.reload()
    page.get_by_test_id("sd-launcher").click()
    assert _bubbles(page, "customer").first.inner_text().endswith("Hi! Do you sell rain jackets?")
    assert _bubbles(page, "bot").count() >= 1
    page.wait_for_timeout(500)
    assert dialogs == []

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{daphne}/")
    phone.get_by_test_id("sd-launcher").click()
    phone.wait_for_timeout(300)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(shots / "widget-phone.png"))
