"""Conversations for the people who run support: the staff view in the admin (search, filters,
verified guests shown as their customer), export as JSON and CSV, and the retention rule."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from chatbot.models import Conversation, ConversationStatus, Message, MessageRole
from desk import conversations
from desk.models import ConversationEvent, Note
from orders.models import AuditEvent, Customer


def _conversation(
    customer: Customer | None, texts: list[tuple[str, str]], *, days_ago: int = 0, **fields: Any
) -> Conversation:
    conversation = Conversation.objects.create(customer=customer, **fields)
    for seq, (role, text) in enumerate(texts, start=1):
        meta = {"intent": "order_status", "tools": ["order_status"]} if role == "bot" else {}
        Message.objects.create(
            conversation=conversation, seq=seq, role=role, text=text, metadata=meta
        )
    if days_ago:
        then = timezone.now() - dt.timedelta(days=days_ago)
        Conversation.objects.filter(pk=conversation.pk).update(created_at=then, updated_at=then)
        conversation.refresh_from_db()
    return conversation


@pytest.fixture
def chats(alice: Customer, bob: Customer) -> dict[str, Conversation]:
    signed_in = _conversation(
        alice, [("customer", "where is SD-100003?"), ("bot", "It shipped with UPS.")],
        rating=4, rating_comment="=quick",
    )  # fmt: skip
    guest = _conversation(
        None, [("customer", "I want a person about SD-100777"), ("bot", "Of course.")],
        verified_customer=bob,
    )  # fmt: skip
    ConversationEvent.objects.create(
        conversation=guest, kind="transition", from_status="bot", to_status="queued",
        actor_label="assistant", reason="requested",
    )  # fmt: skip
    return {"signed_in": signed_in, "guest": guest}


@pytest.mark.django_db
def test_export_rows_have_the_transcript_roles_actions_and_trail(
    chats: dict[str, Conversation], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):
        rows = conversations.export_rows(Conversation.objects.all())
    by_id = {r["id"]: r for r in rows}
    guest = by_id[str(chats["guest"].pk)]
    assert guest["customer"] is None and guest["verified_customer"] == "bob@example.com"
    assert [m["role"] for m in guest["messages"]] == ["customer", "bot"]
    assert guest["events"][0]["to"] == "queued" and guest["events"][0]["reason"] == "requested"
    signed_in = by_id[str(chats["signed_in"].pk)]
    assert signed_in["messages"][1]["actions"] == ["order_status"]
    lines = list(csv.reader(io.StringIO(conversations.export_csv(rows))))
    assert lines[0] == conversations.CSV_COLUMNS
    assert len(lines) == 1 + 4  # a line a message
    assert any(line[2] == "bob@example.com" for line in lines[1:])


def _results(html: str) -> str:
    """The change list's table of results, without the filters beside it."""
    start = html.index('id="result_list"')
    return html[start : html.index("</table>", start)]


@pytest.mark.django_db
def test_staff_find_a_conversation_by_order_number_and_filter_handed_over(
    client: Client, chats: dict[str, Conversation], staff: User
) -> None:
    client.force_login(staff)
    page = client.get("/admin/chatbot/conversation/", {"q": "SD-100777"})
    assert page.status_code == 200
    body = _results(page.content.decode())
    assert "guest, verified as bob@example.com" in body
    assert "alice@example.com" not in body
    handed = _results(
        client.get("/admin/chatbot/conversation/", {"handed": "yes"}).content.decode()
    )
    assert "bob@example.com" in handed and "alice@example.com" not in handed
    one = client.get(f"/admin/chatbot/conversation/{chats['guest'].pk}/change/")
    assert one.status_code == 200 and "requested" in one.content.decode()


@pytest.mark.django_db
def test_the_export_action_downloads_json_and_csv(
    client: Client, chats: dict[str, Conversation], staff: User
) -> None:
    client.force_login(staff)
    for action, kind in (("export_json", "application/json"), ("export_csv", "text/csv")):
        response = client.post(
            "/admin/chatbot/conversation/",
            {"action": action, "_selected_action": [str(chats["signed_in"].pk)]},
        )
        assert response.status_code == 200 and response["Content-Type"].startswith(kind)
    data = json.loads(
        client.post(
            "/admin/chatbot/conversation/",
            {"action": "export_json", "_selected_action": [str(chats["signed_in"].pk)]},
        ).content
    )
    assert [r["customer"] for r in data] == ["alice@example.com"]
    assert data[0]["rating_comment"] == "=quick"


@pytest.mark.django_db
def test_retention_anonymises_old_conversations_only(
    alice: Customer, bob: Customer, sam: User
) -> None:
    old = _conversation(
        alice, [("customer", "my address is 12 Harbor St"), ("bot", "Thanks.")], days_ago=200,
        rating=5, rating_comment="lovely", status=ConversationStatus.RESOLVED,
    )  # fmt: skip
    Note.objects.create(conversation=old, author=sam, text="called her back")
    recent = _conversation(bob, [("customer", "hi")], days_ago=3)
    with_agent = _conversation(
        bob, [("customer", "still there?")], days_ago=200, status=ConversationStatus.AGENT
    )
    assert conversations.retention_apply(days=90, mode="anonymise", dry_run=True).conversations == 1
    assert Message.objects.filter(conversation=old, text__contains="Harbor").exists()

    result = conversations.retention_apply(days=90, mode="anonymise")
    assert result.conversations == 1
    old.refresh_from_db()
    assert old.customer is None and old.rating_comment == "" and old.rating == 5
    texts = set(Message.objects.filter(conversation=old).values_list("text", flat=True))
    assert texts == {conversations.REMOVED}
    bot = Message.objects.get(conversation=old, role=MessageRole.BOT)
    assert bot.metadata == {"intent": "order_status"}  # counted by the reports, nothing said
    assert not Note.objects.filter(conversation=old).exists()
    assert Message.objects.get(conversation=recent).text == "hi"
    assert Message.objects.get(conversation=with_agent).text == "still there?"
    audit = AuditEvent.objects.get(action="conversation.retention_anonymise")
    assert "1 conversations" in audit.note
    # Run again: nothing left to anonymise, and a second audit entry says so.
    assert conversations.retention_apply(days=90, mode="anonymise").conversations == 0


@pytest.mark.django_db
def test_retention_delete_and_off(alice: Customer) -> None:
    old = _conversation(alice, [("customer", "hello")], days_ago=400)
    assert conversations.retention_apply(days=0, mode="delete").conversations == 0
    assert Conversation.objects.filter(pk=old.pk).exists()  # 0 keeps everything
    assert conversations.retention_apply(days=365, mode="delete").conversations == 1
    assert not Conversation.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(action="conversation.retention_delete").count() == 1
    with pytest.raises(ValueError):
        conversations.retention_apply(days=30, mode="shred")


@pytest.mark.django_db
def test_the_retention_command(alice: Customer, settings: Any) -> None:
    _conversation(alice, [("customer", "hello")], days_ago=100)
    out = io.StringIO()
    settings.CHAT_RETENTION_DAYS = 0
    call_command("apply_retention", stdout=out)
    assert "off" in out.getvalue()
    out = io.StringIO()
    call_command("apply_retention", "--days", "30", "--dry-run", stdout=out)
    assert "1 conversations" in out.getvalue() and "would be anonymised" in out.getvalue()


@pytest.mark.django_db
def test_supervisors_read_conversations_agents_do_not_and_nobody_edits_them(
    client: Client, chats: dict[str, Conversation], sue: User, sam: User
) -> None:
    url = f"/admin/chatbot/conversation/{chats['guest'].pk}/change/"
    client.force_login(sue)
    listing = client.get("/admin/chatbot/conversation/")
    page = client.get(url)
    assert listing.status_code == 200 and "bob@example.com" in _results(listing.content.decode())
    body = page.content.decode()
    assert page.status_code == 200
    assert "I want a person about SD-100777" in body  # the transcript
    assert 'name="_save"' not in body and "bot_state" not in body
    refused = client.post(url, {"status": "resolved"})
    assert refused.status_code == 403
    chats["guest"].refresh_from_db()
    assert chats["guest"].status != "resolved"

    client.force_login(sam)
    assert client.get(url).status_code == 403
    assert client.get("/admin/chatbot/conversation/").status_code == 403
