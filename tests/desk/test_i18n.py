"""The desk and the storefront in the browser's language (LocaleMiddleware): a browser that prefers
Chinese gets the pages and the desk's JavaScript catalogue (/jsi18n/) in Simplified Chinese, an
English one gets them in English; what the customer is told follows the conversation's language.

Needs the compiled catalogues (locale/zh_Hans/LC_MESSAGES/django.mo and djangojs.mo,
`manage.py compilemessages`)."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from chatbot import services as chat_services
from chatbot.models import Conversation, MessageRole
from desk import services
from orders.models import Customer

pytestmark = pytest.mark.django_db

CHINESE = "zh-CN,zh;q=0.9,en;q=0.5"
ENGLISH = "en-US,en;q=0.9"
CATALOGUE = "/jsi18n/"


def _js(text: str) -> str:
    """`text` as the catalogue writes it (JSON, non-ASCII escaped)."""
    return json.dumps(text)[1:-1]


def _scripts(body: str) -> list[str]:
    return re.findall(r'<script[^>]*\bsrc="([^"]+)"', body)


def test_a_chinese_browser_gets_the_desk_in_chinese(client: Client, sam: User) -> None:
    client.force_login(sam)

    response = client.get("/desk/", HTTP_ACCEPT_LANGUAGE=CHINESE)

    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in body
    assert "<title>客服工作台</title>" in body
    assert "我的会话" in body and "排队中" in body and "交还智能助手" in body
    assert "Agent desk" not in body and "Hand back to bot" not in body
    # The catalogue is a plain script from this origin, before desk.js (CSP: script-src 'self').
    scripts = _scripts(body)
    assert CATALOGUE in scripts
    assert scripts.index(CATALOGUE) < next(i for i, s in enumerate(scripts) if "desk/desk.js" in s)


def test_the_javascript_catalogue_is_chinese_for_a_chinese_browser(client: Client) -> None:
    response = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE=CHINESE)

    body = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "Accept-Language" in response.get("Vary", "")
    for english, chinese in [
        ("Connected", "已连接"),
        ("With the assistant", "智能助手接待中"),
        ("%(name)s is typing…", "%(name)s 正在输入…"),
    ]:
        assert f'"{_js(english)}": "{_js(chinese)}"' in body, english
    # Only the project's catalogue, not the admin's.
    assert _js("Choose all") not in body


def test_an_english_browser_gets_the_desk_and_the_catalogue_in_english(
    client: Client, sam: User
) -> None:
    client.force_login(sam)

    page = client.get("/desk/", HTTP_ACCEPT_LANGUAGE=ENGLISH).content.decode()
    catalogue = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE=ENGLISH).content.decode()

    assert '<html lang="en">' in page
    assert "<title>Desk</title>" in page
    assert "Agent desk" in page and "Hand back to bot" in page and "My chats" in page
    assert not re.search(r"[\u4e00-\u9fff]", page)
    assert _js("已连接") not in catalogue and _js("客服工作台") not in catalogue


def test_the_storefront_and_its_widget_follow_the_browser(client: Client) -> None:
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE=CHINESE).content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE=ENGLISH).content.decode()

    assert '<html lang="zh-hans">' in chinese and "帮助中心" in chinese
    assert 'data-lang="zh-hans"' in chinese  # the widget maps it to its zh-Hans
    assert '<html lang="en">' in english and "Help center" in english
    assert 'data-lang="en"' in english


def test_the_customer_is_told_in_the_conversations_language(
    alice: Customer, sam: User, no_replies: list[int]
) -> None:
    chinese = chat_services.conversation_start_or_resume(
        customer=alice, resume=None, language="zh-Hans"
    )
    english = chat_services.conversation_start_or_resume(customer=None, resume=None)
    for conversation in (chinese, english):
        services.conversation_handoff(conversation_id=conversation.pk, reason="requested")
        services.conversation_claim(conversation_id=conversation.pk, user=sam)

    def said(conversation: Conversation) -> list[str]:
        system = conversation.messages.filter(role=MessageRole.SYSTEM).order_by("seq")
        return list(system.values_list("text", flat=True))

    assert said(chinese) == [
        "我已请我们的客服同事加入对话，但目前没有客服在线。"
        "请留下您的邮箱和留言，我们会通过邮件回复您。",
        "我们的客服Sam已加入对话。",
    ]
    assert said(english) == [
        chat_services.HANDOFF_OFFLINE_TEXT,
        "Sam from our team has joined the chat.",
    ]
