"""A human handoff end to end, in two Chromium contexts against the real stack (daphne, a Celery
worker, Redis): alice asks the assistant for a human and sees her place in the queue; sam, an
agent, signs in to the desk, is notified, claims the chat, reads the handoff summary and replies;
alice sees the reply live while the assistant stays silent; sam resolves the chat and alice rates
it. Screenshots go to docs/images/ with SAVE_SCREENSHOTS=1."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import expect

from chatbot.models import Conversation, Message, MessageRole
from desk.models import OfflineTicket
from orders.demo.credentials import STAFF_PASSWORD
from orders.models import Customer, OrderStatus
from tests.conftest import OrderMaker
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e
REPLY_MS = 120_000


@pytest.fixture
def stack_env(stack_env: dict[str, str]) -> dict[str, str]:
    return {
        **stack_env,
        # The handoff is the assistant's grounded draft; no language model rewording is needed
        # for it, so the worker starts fast and the test measures the desk, not the model.
        "BOT_LLM_MODE": "off",
        "LLM_BACKEND": "fake",
        # Agents claim from the queue (with auto-assignment the chat would go straight to sam).
        "DESK_AUTO_ASSIGN": "false",
        "DESK_HOURS": "",
    }


@pytest.fixture
def agent_sam(transactional_db: None) -> User:
    # The roles' groups come from a data migration, which a transactional test's flush removes.
    agents, _ = Group.objects.get_or_create(name="Agents")
    sam = UserFactory(username="sam", first_name="Sam", last_name="Rivera", is_staff=True)
    sam.set_password(STAFF_PASSWORD)
    sam.save()
    sam.groups.add(agents)
    return sam


def _bubbles(page: Any, role: str) -> Any:
    return page.locator(f'[data-testid="sd-message"][data-role="{role}"]')


def _poll(check: Any, timeout_s: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def test_a_customer_is_handed_to_an_agent_who_answers_and_resolves(
    daphne: str,
    celery_worker: str,
    browser: Any,
    shots: Path,
    alice: Customer,
    agent_sam: User,
    order_in_status: OrderMaker,
) -> None:
    order_in_status(alice, OrderStatus.PROCESSING)
    order_in_status(alice, OrderStatus.DELIVERED)
    errors: list[str] = []

    # Given sam at the desk, online.
    desk_ctx = browser.new_context(viewport={"width": 1440, "height": 900})
    desk = desk_ctx.new_page()
    desk.on("pageerror", lambda e: errors.append(str(e)))
    desk.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    desk.goto(f"{daphne}/admin/login/?next=/desk/")
    desk.fill("input[name=username]", "sam")
    desk.fill("input[name=password]", STAFF_PASSWORD)
    with desk.expect_navigation():
        desk.click("input[type=submit]")
    assert desk.url.endswith("/desk/")
    desk.wait_for_selector('[data-testid="desk-connection"][data-state="online"]', timeout=15_000)
    desk.get_by_test_id("desk-presence-online").click()
    desk.wait_for_selector('[data-testid="desk-presence-online"][aria-pressed="true"]')
    assert desk.title() == "Desk"

    # And alice, signed in on the storefront, chatting with the assistant.
    shop_ctx = browser.new_context(viewport={"width": 1280, "height": 860})
    shop = shop_ctx.new_page()
    shop.on("pageerror", lambda e: errors.append(str(e)))
    shop.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    shop.goto(f"{daphne}/account/login/")
    shop.fill("input[name=username]", alice.email)
    shop.fill("input[name=password]", PASSWORD)
    with shop.expect_navigation():
        shop.locator("main form button[type=submit]").click()
    shop.goto(f"{daphne}/")
    shop.get_by_test_id("sd-launcher").click()

    # When she asks for a human.
    shop.get_by_test_id("sd-input").fill("I want to talk to a human")
    shop.get_by_test_id("sd-send").click()

    # Then she sees her place in the queue...
    queue = shop.get_by_test_id("sd-queue")
    queue.wait_for(timeout=REPLY_MS)
    assert queue.inner_text().startswith("You're number 1 in the queue · about ")
    conversation = Conversation.objects.get(customer=alice)
    assert conversation.status == "queued"
    bots_at_handoff = Message.objects.filter(
        conversation=conversation, role=MessageRole.BOT
    ).count()
    shop.screenshot(path=str(shots / "widget-queue.png"))

    # ...and sam is notified at once: a badge in the tab title and a highlighted queue row.
    # (Polled from Python: a wait_for_function predicate is eval'd in the page, which the CSP
    # refuses.)
    expect(desk).to_have_title("(1) Desk", timeout=2_000)
    row = desk.locator(f'[data-testid="desk-queue-item"][data-conversation="{conversation.pk}"]')
    row.wait_for(timeout=2_000)
    assert "Alice Martin" in row.inner_text() and "Asked for a human" in row.inner_text()
    assert "is-new" in (row.get_attribute("class") or "")
    desk.wait_for_selector('[data-testid="desk-toast"]:has-text("New chat: Alice Martin")')
    desk.screenshot(path=str(shots / "desk.png"))

    # When sam opens and claims it.
    row.locator("button").click()
    desk.get_by_test_id("desk-claim").click()
    desk.wait_for_selector('[data-testid="desk-chat-status"]:text("With an agent")', timeout=10_000)
    assert desk.title() == "Desk"

    # Then the handoff summary says who it is and why the assistant handed over.
    summary = desk.get_by_test_id("desk-summary").inner_text()
    assert "Alice Martin" in summary and "alice@example.com" in summary
    assert "Verified" in summary and "Asked for a human" in summary
    # In the customer's own words, and it folds away.
    said = desk.get_by_test_id("desk-summary-said")
    assert said.inner_text().endswith("I want to talk to a human")
    desk.get_by_test_id("desk-summary-toggle").click()
    expect(said).to_be_hidden()
    desk.get_by_test_id("desk-summary-toggle").click()
    expect(said).to_be_visible()
    sidebar = desk.get_by_test_id("desk-customer")
    assert sidebar.locator('[data-testid="desk-order"]').count() == 2
    # The transcript holds the customer's request.
    transcript = desk.get_by_test_id("desk-transcript")
    assert "I want to talk to a human" in transcript.inner_text()

    # When sam writes an internal note and a reply.
    desk.get_by_test_id("desk-note-toggle").check()
    desk.get_by_test_id("desk-input").fill("Alice has an order in processing; check it first.")
    desk.get_by_test_id("desk-send").click()
    desk.wait_for_selector(
        '[data-testid="desk-message"][data-role="note"][data-state="final"]', timeout=10_000
    )
    # The box is for one note: the next message is a reply again.
    expect(desk.get_by_test_id("desk-note-toggle")).not_to_be_checked()
    reply = "Hi Alice, this is Sam from the support team. How can I help?"
    desk.get_by_test_id("desk-input").fill(reply)
    desk.get_by_test_id("desk-send").click()

    # Then alice sees it live, under sam's name; the note never reaches her.
    agent_bubble = _bubbles(shop, "agent").last
    agent_bubble.wait_for(timeout=10_000)
    assert agent_bubble.inner_text() == reply
    assert shop.locator(".sd-msg--agent .sd-sender").last.inner_text() == "Sam"
    assert "check it first" not in shop.get_by_test_id("sd-messages").inner_text()

    # When she answers, sam sees it live and the assistant stays silent.
    shop.get_by_test_id("sd-input").fill("My order hasn't shipped yet, can you check?")
    shop.get_by_test_id("sd-send").click()
    desk.wait_for_selector(
        '[data-testid="desk-message"][data-role="customer"]:has-text("hasn\'t shipped yet")',
        timeout=10_000,
    )
    desk.wait_for_timeout(3_000)  # time enough for a reply task, had one been queued
    assert (
        Message.objects.filter(conversation=conversation, role=MessageRole.BOT).count()
        == bots_at_handoff
    )
    assert _bubbles(shop, "bot").count() == bots_at_handoff
    desk.screenshot(path=str(shots / "desk-chat.png"))

    # When sam cancels her processing order from the sidebar, giving the reason.
    card = sidebar.locator('[data-testid="desk-order"]', has_text="Processing")
    card.get_by_test_id("desk-order-cancel").click()
    card.get_by_test_id("desk-cancel-reason").fill("Customer asked in chat")
    card.get_by_test_id("desk-cancel-submit").click()
    # Then alice is told in the chat what was done.
    notice = shop.locator('[data-testid="sd-message"][data-role="system"]', has_text="cancelled")
    notice.wait_for(timeout=10_000)
    assert notice.inner_text().startswith("Sam cancelled order SD-")

    # When sam resolves the chat, alice is asked to rate it, and does.
    desk.get_by_test_id("desk-resolve").click()
    rating = shop.get_by_test_id("sd-rating")
    rating.wait_for(timeout=10_000)
    shop.locator('[data-testid="sd-rating-star"][data-score="5"]').click()
    shop.get_by_test_id("sd-rating-comment").fill("Quick and friendly, thanks Sam!")
    shop.screenshot(path=str(shots / "widget-rating.png"))
    shop.get_by_test_id("sd-rating-send").click()
    shop.get_by_test_id("sd-rating-thanks").wait_for(timeout=5_000)

    # Then the rating is stored on the conversation.
    def rated() -> bool:
        conversation.refresh_from_db()
        return conversation.rating is not None

    assert _poll(rated)
    assert (conversation.status, conversation.rating, conversation.rating_comment) == (
        "resolved",
        5,
        "Quick and friendly, thanks Sam!",
    )
    assert errors == []


def _desk_login(browser: Any, daphne: str, errors: list[str]) -> Any:
    desk = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    desk.on("pageerror", lambda e: errors.append(str(e)))
    desk.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    desk.goto(f"{daphne}/admin/login/?next=/desk/")
    desk.fill("input[name=username]", "sam")
    desk.fill("input[name=password]", STAFF_PASSWORD)
    with desk.expect_navigation():
        desk.click("input[type=submit]")
    desk.wait_for_selector('[data-testid="desk-connection"][data-state="online"]', timeout=15_000)
    return desk


def test_with_nobody_at_the_desk_a_guest_leaves_a_message_an_agent_answers(
    daphne: str,
    daphne_server: Any,
    celery_worker: str,
    browser: Any,
    shots: Path,
    agent_sam: User,
) -> None:
    errors: list[str] = []
    # Given sam at the desk but offline (as signing in leaves an agent until they choose).
    desk = _desk_login(browser, daphne, errors)
    desk.get_by_test_id("desk-presence-offline").click()
    desk.wait_for_selector('[data-testid="desk-presence-offline"][aria-pressed="true"]')
    expect(desk.get_by_test_id("desk-tickets-count")).to_have_text("0")

    page = browser.new_page(viewport={"width": 1280, "height": 860})
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{daphne}/")
    page.get_by_test_id("sd-launcher").click()

    # When a guest asks for a human while no agent is online.
    page.get_by_test_id("sd-input").fill("I want to talk to a human")
    page.get_by_test_id("sd-send").click()

    # Then the widget offers a form instead of a place in the queue.
    form = page.get_by_test_id("sd-offline-form")
    form.wait_for(timeout=REPLY_MS)
    assert not page.get_by_test_id("sd-queue").is_visible()
    # It says plainly that nobody is online and what happens next...
    assert "Nobody from our team is online" in page.locator(".sd-banner").inner_text()
    expect(page.get_by_test_id("sd-leave-queue")).to_be_visible()
    # ...and the assistant still answers while the guest waits.
    answered = page.locator('[data-testid="sd-message"][data-role="bot"][data-state="final"]')
    before = answered.count()
    page.get_by_test_id("sd-input").fill("thanks. are you a bot?")
    page.get_by_test_id("sd-send").click()
    expect(answered).to_have_count(before + 1, timeout=REPLY_MS)
    assert answered.last.inner_text().strip()
    assert "already waiting" not in answered.last.inner_text()
    page.get_by_test_id("sd-offline-email").fill("not an email")
    page.get_by_test_id("sd-offline-text").fill("Can I change the size of my order SD-100001?")
    page.get_by_test_id("sd-offline-send").click()
    assert "valid email" in form.inner_text()
    assert OfflineTicket.objects.count() == 0

    page.get_by_test_id("sd-offline-email").fill("guest@example.com")
    page.get_by_test_id("sd-offline-send").click()
    thanks = page.get_by_test_id("sd-offline-thanks")
    thanks.wait_for(timeout=10_000)
    assert "guest@example.com" in thanks.inner_text()
    ticket = OfflineTicket.objects.get()
    assert (ticket.email, ticket.text) == (
        "guest@example.com",
        "Can I change the size of my order SD-100001?",
    )
    # Leaving a message closes the queued chat; the customer is not asked to rate it.
    page.wait_for_timeout(500)
    assert not page.get_by_test_id("sd-rating").is_visible()

    # And the desk learns of it at once (the staff socket's `ticket` frame), without a reload.
    row = desk.locator(f'[data-testid="desk-ticket-item"][data-ticket="{ticket.pk}"]')
    row.wait_for(timeout=5_000)
    expect(desk.get_by_test_id("desk-tickets-count")).to_have_text("1")
    assert "guest@example.com" in row.inner_text()
    assert "Can I change the size" in row.inner_text() and "just now" in row.inner_text()

    # When sam opens it, an empty answer is refused in the page...
    row.locator("button").click()
    panel = desk.get_by_test_id("desk-ticket")
    expect(desk.get_by_test_id("desk-ticket-email")).to_have_text("guest@example.com")
    expect(desk.get_by_test_id("desk-ticket-text")).to_have_text(
        "Can I change the size of my order SD-100001?"
    )
    assert "Received" in desk.get_by_test_id("desk-ticket-when").inner_text()
    desk.get_by_test_id("desk-ticket-send").click()
    expect(desk.get_by_test_id("desk-ticket-result")).to_have_text("Write an answer first.")

    # ...and an answer is emailed, and shown as answered by him.
    answer = "Yes: reply with the size you'd like and we'll swap it before it ships.\n— Sam"
    desk.get_by_test_id("desk-ticket-input").fill(answer)
    assert not desk.get_by_test_id("desk-ticket-result").is_visible()
    desk.locator(".desk-toast-close").click()  # "New message from …" covers the heading
    desk.screenshot(path=str(shots / "desk-ticket.png"))
    desk.get_by_test_id("desk-ticket-send").click()
    desk.get_by_test_id("desk-ticket-answer").wait_for(timeout=10_000)
    assert panel.get_attribute("data-status") == "answered"
    assert desk.get_by_test_id("desk-ticket-answer-text").inner_text() == answer
    assert desk.get_by_test_id("desk-ticket-answered-by").inner_text().startswith("Sam Rivera · ")
    assert not desk.get_by_test_id("desk-ticket-form").is_visible()
    expect(desk.get_by_test_id("desk-tickets-count")).to_have_text("0")
    expect(row).to_have_count(0)
    answered = desk.locator(f'[data-testid="desk-answered-item"][data-ticket="{ticket.pk}"]')
    assert answered.count() == 1
    desk.screenshot(path=str(shots / "desk-ticket-answered.png"))
    ticket.refresh_from_db()
    assert (ticket.status, ticket.answer, ticket.answered_by) == ("answered", answer, agent_sam)
    # The stack's console email backend prints the one email to daphne's log.
    log = daphne_server.log
    assert _poll(lambda: "To: guest@example.com" in log.read_text(errors="replace"))
    assert log.read_text(errors="replace").count("To: guest@example.com") == 1
    assert errors == []
