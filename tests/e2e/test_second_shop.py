"""The second example shop on the real stack: imported as any shop is, then a signed-in
customer exchanges two items over the websocket, daphne and a Celery worker in their own
processes, and the difference is charged to the card she named."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from chatbot import services
from orders.demo import second_shop
from orders.models import Customer, Payment, ReturnRequest
from orders.shop_io import shop_import
from tests.e2e.conftest import Daphne
from tests.e2e.test_chat import _open, _until

pytestmark = pytest.mark.e2e


def _attachments(end: dict[str, Any]) -> list[dict[str, Any]]:
    return list((end.get("metadata") or {}).get("attachments") or end.get("attachments") or [])


def test_a_two_item_exchange_with_money_over_the_websocket(
    daphne_server: Daphne, celery_worker: str, stack_env: dict[str, str]
) -> None:
    shop_import(data=second_shop.document())
    omar = Customer.objects.get(email="omar.haddad@example.net")
    conversation = services.conversation_start_or_resume(customer=omar, resume=None)
    ws, _ = _open(daphne_server, conversation)
    ws.send(
        json.dumps(
            {
                "type": "message",
                "client_id": "c1",
                "text": "exchange the keyboard in #W2001004 for the tactile full size one with "
                "white backlight and the black earbuds for white ones, charge the difference "
                "to my mastercard",
            }
        )
    )
    proposal = _until(ws, "end")[-1]["message"]
    assert "$30.00" in proposal["text"] and "Mastercard ending 5520" in proposal["text"]
    confirm = next(a for a in _attachments(proposal) if a.get("type") == "confirm")
    ws.send(
        json.dumps(
            {
                "type": "message",
                "client_id": "c2",
                "text": confirm["yes"],
                "action": {"confirm": confirm["id"], "answer": "yes"},
            }
        )
    )
    done = _until(ws, "end")[-1]["message"]
    ws.close()

    assert "RMA-" in done["text"]
    rma = ReturnRequest.objects.get(order__number="#W2001004")
    assert rma.kind == "exchange" and rma.items.count() == 2
    charges = Payment.objects.filter(order__number="#W2001004", kind="charge").order_by("id")
    assert [(p.amount, p.method.label if p.method else "") for p in charges][-1] == (
        Decimal("30.00"),
        "Mastercard ending 5520",
    )
