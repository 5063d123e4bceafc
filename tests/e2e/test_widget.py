"""The chat widget in Debian's Chromium against the real stack: daphne, a Celery worker with the
bundled model, Redis. A shopper opens the widget, watches a reply stream in, reloads, and still
has the conversation; markup in a message stays text."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.db import connections, transaction

from chatbot import events
from chatbot.models import Conversation, Message, MessageRole
from orders.models import Customer, ProductVariant
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
    page.get_by_test_id("sd-input").fill("Hi! How much is the Harbor Tee?")
    page.get_by_test_id("sd-send").click()

    # The reply arrives and ends final. (An answer from the database is ready at once, so the
    # streaming state may last only milliseconds here; tests/e2e/test_chat.py checks the deltas
    # of a reply the model writes.)
    page.wait_for_selector(
        '[data-testid="sd-message"][data-role="bot"][data-state="final"]', timeout=REPLY_MS
    )
    shown = _bubbles(page, "bot").last.inner_text()
    stored = Message.objects.get(role="bot")
    assert stored.text and stored.text[:40] in shown
    # The price comes from the database, however the model worded the rest.
    prices = {f"${v.price}" for v in ProductVariant.objects.filter(product__slug="harbor-tee")}
    assert any(price in shown for price in prices), shown
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
    assert _bubbles(page, "customer").first.inner_text().endswith("Hi! How much is the Harbor Tee?")
    assert _bubbles(page, "bot").count() >= 1
    page.wait_for_timeout(500)
    assert dialogs == []

    phone = browser.new_page(viewport={"width": 390, "height": 844})
    phone.goto(f"{daphne}/")
    phone.get_by_test_id("sd-launcher").click()
    phone.wait_for_timeout(300)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(shots / "widget-phone.png"))


def _bot_asks(conversation_id: str, text: str, attachment: dict[str, str]) -> None:
    """Store a bot message with `attachment` and push it to the widget, as the reply task does.
    In a thread of its own: async_to_sync refuses Playwright's thread, which runs an event loop."""

    def post() -> None:
        try:
            with transaction.atomic():
                conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
                conversation.last_seq += 1
                conversation.save(update_fields=["last_seq", "updated_at"])
                message = Message.objects.create(
                    conversation=conversation,
                    seq=conversation.last_seq,
                    role=MessageRole.BOT,
                    text=text,
                    metadata={"attachments": [attachment]},
                )
            events.publish(conversation.pk, events.message_event(message))
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(post).result()


def test_a_confirm_question_is_answered_with_a_button(
    daphne: str, browser: Any, stack_env: dict[str, str]
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.goto(f"{daphne}/")
    page.get_by_test_id("sd-launcher").click()
    # Not wait_for_function: its predicate is eval'd in the page, which the CSP refuses.
    page.wait_for_selector(
        '[data-servicedesk][data-connection="online"]', state="attached", timeout=30_000
    )
    conversation = page.evaluate("window.ServiceDesk.state().conversation")

    _bot_asks(
        conversation,
        "Shall I cancel order SD-100001?",
        {"type": "confirm", "id": "cancel-SD-100001", "yes": "Yes, cancel it", "no": "No, keep it"},
    )
    yes, no = page.get_by_test_id("sd-confirm-yes"), page.get_by_test_id("sd-confirm-no")
    yes.wait_for(timeout=10_000)
    assert (yes.inner_text(), no.inner_text()) == ("Yes, cancel it", "No, keep it")
    assert yes.is_enabled() and no.is_enabled()

    try:
        yes.click()
        page.wait_for_selector(
            '[data-testid="sd-message"][data-role="customer"][data-seq="2"]', timeout=30_000
        )
    finally:
        # No worker consumes this test's queue: drop the reply task daphne enqueued (through
        # Celery's connection, which knows the installation's key prefix).
        from servicedesk.celery import app

        with app.connection_for_write() as connection:
            channel: Any = connection.default_channel
            channel.queue_purge(stack_env["CELERY_QUEUE"])

    answer = Message.objects.get(conversation_id=conversation, seq=2)
    assert (answer.role, answer.text) == ("customer", "Yes, cancel it")
    assert answer.metadata == {"action": {"confirm": "cancel-SD-100001", "answer": "yes"}}
    assert yes.is_disabled() and no.is_disabled()
    no.click(force=True)  # a disabled button sends nothing
    page.wait_for_timeout(500)
    assert Message.objects.filter(conversation_id=conversation).count() == 2
