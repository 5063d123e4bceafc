"""The reports page in Debian's Chromium: a supervisor signs in and reads a month of support
history; an agent is turned away. The screenshot goes to docs/images/reports.png with
SAVE_SCREENSHOTS=1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from desk.history import fill
from orders.demo.credentials import STAFF_PASSWORD
from orders.demo.seed import seed_demo

pytestmark = pytest.mark.e2e


@pytest.fixture
def history(transactional_db: None) -> None:
    seed_demo()
    fill(600)


def _sign_in(page: Any, daphne: str, username: str) -> None:
    page.goto(f"{daphne}/admin/login/?next=/desk/reports/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", STAFF_PASSWORD)
    with page.expect_navigation():
        page.click("input[type=submit]")


def test_a_supervisor_reads_the_reports(
    history: None, daphne: str, browser: Any, shots: Path
) -> None:
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1366, "height": 1000})
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
    _sign_in(page, daphne, "sue")
    assert page.url.endswith("/desk/reports/"), page.url
    errors.clear()  # the admin's login page asks for a /favicon.ico it doesn't have
    page.reload()
    figures = page.locator(".rep-figure")
    assert figures.count() >= 8
    conversations = page.locator('[data-figure="conversations"] .rep-figure-value').inner_text()
    assert int(conversations) >= 500
    assert page.locator('[data-chart="per_day"] rect.rep-bar').count() == 30
    assert page.locator('[data-table="agents"] tbody tr').count() >= 1
    assert page.locator(".rep-gap").count() >= 1
    assert not errors, errors  # nothing the CSP blocked
    page.screenshot(path=str(shots / "reports.png"), full_page=True)

    with page.expect_download() as download:
        page.locator('[data-table="handoff_reasons"] a.rep-csv').click()
    assert download.value.suggested_filename.startswith("handoff_reasons-")


def test_an_agent_does_not_get_the_reports(history: None, daphne: str, browser: Any) -> None:
    page = browser.new_page()
    _sign_in(page, daphne, "sam")
    assert "supervisors" in page.inner_text("body").lower()


def test_a_supervisor_finds_a_handed_over_conversation_and_reads_it(
    history: None, daphne: str, browser: Any, shots: Path
) -> None:
    from chatbot.models import Conversation

    handed = (
        Conversation.objects.filter(events__to_status="queued", messages__role="agent")
        .distinct()
        .first()
    )
    assert handed is not None
    page = browser.new_page(viewport={"width": 1366, "height": 1000})
    _sign_in(page, daphne, "sue")

    # The list is filtered by handoff and shows customers, not ids.
    page.goto(f"{daphne}/admin/chatbot/conversation/?handed=yes")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() >= 1
    assert "@" in rows.first.inner_text() or "guest" in rows.first.inner_text()

    page.goto(f"{daphne}/admin/chatbot/conversation/{handed.pk}/change/")
    body = page.inner_text("body").lower()  # the admin's headings are styled upper case
    # The transcript with roles, and the handoff in the audit trail; nothing to save.
    assert "handoffs, assignments and status changes" in body
    assert "queued" in body and "customer" in body
    assert page.locator("input[name=_save]").count() == 0
    page.screenshot(path=str(shots / "conversation.png"), full_page=True)
