"""A Chinese shopper and a Chinese-speaking agent in Debian's Chromium (zh-CN), against the real
stack: the storefront and the widget in Chinese, a Chinese question answered in Chinese from the
database, a handoff, and the desk in Chinese with the chat in its queue. Saves
docs/images/widget-zh.png and desk-zh.png under SAVE_SCREENSHOTS=1 (`make screenshots`)."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from assistant.understanding import chinese
from chatbot.models import Conversation, Message, MessageRole
from orders.demo.credentials import STAFF_PASSWORD
from orders.models import Customer, OrderStatus
from tests.conftest import OrderMaker
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e
REPLY_MS = 120_000
ZH = {"locale": "zh-CN", "extra_http_headers": {"Accept-Language": "zh-CN,zh;q=0.9"}}


@pytest.fixture
def stack_env(stack_env: dict[str, str]) -> dict[str, str]:
    return {
        **stack_env,
        "BOT_LLM_MODE": "off",
        "LLM_BACKEND": "fake",
        "DESK_AUTO_ASSIGN": "false",
        "DESK_HOURS": "",
    }


@pytest.fixture
def agent_sam(transactional_db: None) -> User:
    agents, _ = Group.objects.get_or_create(name="Agents")
    sam = UserFactory(username="sam", first_name="Sam", last_name="Rivera", is_staff=True)
    sam.set_password(STAFF_PASSWORD)
    sam.save()
    sam.groups.add(agents)
    return sam


def _bot(page: Any) -> Any:
    return page.locator('[data-testid="sd-message"][data-role="bot"][data-state="final"]')


def test_a_chinese_shopper_is_answered_in_chinese_and_the_desk_speaks_chinese(
    daphne: str,
    celery_worker: str,
    browser: Any,
    shots: Path,
    alice: Customer,
    agent_sam: User,
    order_in_status: OrderMaker,
) -> None:
    errors: list[str] = []
    order = order_in_status(alice, OrderStatus.SHIPPED)

    desk_ctx = browser.new_context(viewport={"width": 1440, "height": 900}, **ZH)
    desk = desk_ctx.new_page()
    desk.on("pageerror", lambda e: errors.append(str(e)))
    desk.goto(f"{daphne}/admin/login/?next=/desk/")
    desk.fill("input[name=username]", "sam")
    desk.fill("input[name=password]", STAFF_PASSWORD)
    with desk.expect_navigation():
        desk.click("input[type=submit]")
    desk.wait_for_selector('[data-testid="desk-connection"][data-state="online"]', timeout=15_000)
    assert desk.title() == "客服工作台"
    desk.get_by_test_id("desk-presence-online").click()
    desk.wait_for_selector('[data-testid="desk-presence-online"][aria-pressed="true"]')
    shop_ctx = browser.new_context(viewport={"width": 1280, "height": 860}, **ZH)
    shop = shop_ctx.new_page()
    shop.on("pageerror", lambda e: errors.append(str(e)))
    shop.goto(f"{daphne}/account/login/")
    assert shop.locator("html").get_attribute("lang") == "zh-hans"
    shop.fill("input[name=username]", alice.email)
    shop.fill("input[name=password]", PASSWORD)
    with shop.expect_navigation():
        shop.locator("main form button[type=submit]").click()
    shop.goto(f"{daphne}/")
    shop.get_by_test_id("sd-launcher").click()
    shop.get_by_test_id("sd-input").fill(f"{order.number}到哪了？")
    shop.get_by_test_id("sd-send").click()
    _bot(shop).first.wait_for(timeout=REPLY_MS)
    # The greeting (if any) and the answer: the last final bot message answers the question.
    deadline = time.monotonic() + 30
    while order.number not in _bot(shop).last.inner_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    shown = _bot(shop).last.inner_text()
    assert order.number in shown, shown
    assert chinese.reply_language(shown) == "zh-Hans", shown
    assert "已发货" in shown, shown
    shop.screenshot(path=str(shots / "widget-zh.png"))

    shop.get_by_test_id("sd-input").fill("转人工")
    shop.get_by_test_id("sd-send").click()
    shop.get_by_test_id("sd-queue").wait_for(timeout=REPLY_MS)
    assert re.search(r"[\u4e00-\u9fff]", shop.get_by_test_id("sd-queue").inner_text())
    conversation = Conversation.objects.get(customer=alice)
    assert conversation.status == "queued"
    assert conversation.language == "zh-Hans"
    assert all(
        chinese.reply_language(text) == "zh-Hans"
        for text in Message.objects.filter(
            conversation=conversation, role=MessageRole.BOT
        ).values_list("text", flat=True)
        if text
    )

    row = desk.locator(f'[data-testid="desk-queue-item"][data-conversation="{conversation.pk}"]')
    row.wait_for(timeout=15_000)
    row.click()
    desk.get_by_test_id("desk-claim").click()
    desk.wait_for_selector('[data-testid="desk-chat-status"]:text("人工接待中")', timeout=10_000)
    desk.screenshot(path=str(shots / "desk-zh.png"))
    assert not errors, errors
