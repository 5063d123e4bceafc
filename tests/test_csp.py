"""The Content-Security-Policy (servicedesk/csp.py): the storefront pages that carry the chat
widget and the agent desk are served without 'unsafe-inline', and still carry no inline script
or style that the policy would block; the Django admin, which needs inline code, is left out."""

from __future__ import annotations

import re

from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from orders.models import Customer, ProductVariant
from servicedesk.csp import POLICY
from tests.conftest import OrderMaker

# An inline <script> (one without src=, other than a JSON data block) or a style attribute or
# <style> element: all refused by a policy without 'unsafe-inline'.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def _directives(header: str) -> dict[str, str]:
    return {part.split()[0]: part for part in (p.strip() for p in header.split(";")) if part}


def _assert_strict(header: str, body: str) -> None:
    directives = _directives(header)
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    assert directives["script-src"] == "script-src 'self'"
    assert directives["style-src"] == "style-src 'self'"
    assert directives["frame-ancestors"] == "frame-ancestors 'none'"
    assert INLINE_SCRIPT.findall(body) == []
    assert INLINE_STYLE.findall(body) == []
    assert EVENT_HANDLER.findall(body) == []


def test_it_sends_the_policy_on_the_storefront_pages_with_the_widget(
    client: Client, tee: dict[str, ProductVariant]
) -> None:
    paths = [
        reverse("shop:product_list"),
        reverse("shop:product_detail", args=["harbor-tee"]),
        reverse("shop:help_center"),
        reverse("shop:login"),
    ]

    for path in paths:
        response = client.get(path)

        assert response.status_code == 200, path
        assert response["Content-Security-Policy"] == POLICY
        assert "chatbot/widget.js" in response.content.decode()
        _assert_strict(response["Content-Security-Policy"], response.content.decode())


def test_it_sends_the_policy_on_a_customers_order_pages(
    client: Client, alice: Customer, order_in_status: OrderMaker
) -> None:
    order = order_in_status(alice)
    assert alice.user is not None
    client.force_login(alice.user)

    for path in [reverse("shop:my_orders"), reverse("shop:order_detail", args=[order.number])]:
        response = client.get(path)

        assert response.status_code == 200, path
        _assert_strict(response["Content-Security-Policy"], response.content.decode())


def test_it_sends_the_policy_on_the_agent_desk(client: Client, sam: User) -> None:
    agents, _ = Group.objects.get_or_create(name="Agents")
    sam.groups.add(agents)
    client.force_login(sam)

    response = client.get("/desk/")

    body = response.content.decode()
    assert response.status_code == 200
    assert "desk/desk.js" in body and "desk/desk.css" in body
    _assert_strict(response["Content-Security-Policy"], body)


def test_it_leaves_the_admin_and_json_alone(client: Client, staff: User) -> None:
    client.force_login(staff)

    admin = client.get("/admin/")
    session = client.post("/chat/session/", "{}", content_type="application/json")

    assert admin.status_code == 200
    assert "Content-Security-Policy" not in admin
    assert session.status_code == 200
    assert "Content-Security-Policy" not in session
