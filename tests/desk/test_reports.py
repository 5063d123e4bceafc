"""The reports page (desk.reports): every figure on a fixture with known answers, checked both
against those answers and against the same figure computed another way (Python over the rows);
access, CSV, the date range, the strict CSP and the number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import statistics
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from chatbot.models import Conversation, ConversationStatus, Message, MessageRole
from desk import reports
from desk.models import ConversationEvent, EventKind
from orders.models import Customer

DAY = dt.date(2026, 11, 10)


def _at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(hour, minute, second), tzinfo=timezone.get_current_timezone()
    )


class Chat:
    """A conversation written row by row with the times given."""

    def __init__(self, customer: Customer | None, at: dt.datetime, **fields: Any) -> None:
        self.conversation = Conversation.objects.create(customer=customer, created_at=at, **fields)
        self.seq = 0

    def message(
        self, role: str, text: str, at: dt.datetime, reply_to: Message | None = None, **meta: Any
    ) -> Message:
        self.seq += 1
        return Message.objects.create(
            conversation=self.conversation,
            seq=self.seq,
            role=role,
            text=text,
            created_at=at,
            reply_to=reply_to,
            metadata=meta,
        )

    def event(
        self, to: str, at: dt.datetime, *, frm: str, agent: User | None = None, **kw: Any
    ) -> None:
        ConversationEvent.objects.create(
            conversation=self.conversation,
            kind=kw.pop("kind", EventKind.TRANSITION),
            from_status=frm,
            to_status=to,
            actor_label="test",
            agent=agent,
            created_at=at,
            **kw,
        )


@pytest.fixture
def shop(alice: Customer, bob: Customer, sam: User, kim: User) -> dict[str, Any]:
    # 1. alice, the assistant alone: answered in 2 s, worded by the model, rated 5.
    one = Chat(alice, _at(DAY, 10), rating=5)
    asked = one.message(MessageRole.CUSTOMER, "where is SD-100003", _at(DAY, 10))
    one.message(
        MessageRole.BOT, "It shipped.", _at(DAY, 10, 0, 2), asked,
        intent="order_status", written_by="model",
    )  # fmt: skip
    # 2. bob, handed to sam: queued at 11:00:01, taken 2 min later, first agent message 1 min
    # after that, resolved at 11:20; rated 2 with a comment.
    two = Chat(
        bob, _at(DAY, 11), status=ConversationStatus.RESOLVED, assigned_agent=sam,
        resolved_at=_at(DAY, 11, 20), rating=2, rating_comment="=took too long",
    )  # fmt: skip
    asked = two.message(MessageRole.CUSTOMER, "I want a person", _at(DAY, 11))
    two.message(
        MessageRole.BOT, "Of course.", _at(DAY, 11, 0, 1), asked,
        intent="human_agent", written_by="draft",
    )  # fmt: skip
    two.event(ConversationStatus.QUEUED, _at(DAY, 11, 0, 1), frm="bot", reason="requested")
    two.event(
        ConversationStatus.AGENT, _at(DAY, 11, 2, 1), frm="queued", agent=sam, kind=EventKind.CLAIM
    )
    two.message(MessageRole.AGENT, "Hi, Sam here.", _at(DAY, 11, 3, 1))
    two.event(ConversationStatus.RESOLVED, _at(DAY, 11, 20), frm="agent", agent=sam)
    # 3. a guest the next day, twice not answered (the model tried once and failed), handed
    # over as a complaint; kim takes it after 10 min and writes after 15 min.
    three = Chat(None, _at(DAY + dt.timedelta(days=1), 9))
    for minute, text in ((0, "do you ship to mars?"), (1, "do you even ship to Mars")):
        asked = three.message(
            MessageRole.CUSTOMER, text, _at(DAY + dt.timedelta(days=1), 9, minute)
        )
        three.message(
            MessageRole.BOT, "I'm not sure.", _at(DAY + dt.timedelta(days=1), 9, minute, 4), asked,
            intent="not_sure", written_by="draft", unanswered=True,
            **({"rejected": "meaning: not in the draft"} if minute else {}),
        )  # fmt: skip
    next_day = DAY + dt.timedelta(days=1)
    three.event(ConversationStatus.QUEUED, _at(next_day, 9, 2), frm="bot", reason="complaint")
    three.event(
        ConversationStatus.AGENT, _at(DAY + dt.timedelta(days=1), 9, 12), frm="queued", agent=kim
    )
    three.message(MessageRole.AGENT, "Sorry, we don't.", _at(DAY + dt.timedelta(days=1), 9, 17))
    # 4. a chat opened and never written in; 5. a conversation before the range.
    Chat(None, _at(DAY + dt.timedelta(days=1), 12))
    early = Chat(alice, _at(DAY - dt.timedelta(days=5), 8), rating=1)
    early.message(MessageRole.CUSTOMER, "hello", _at(DAY - dt.timedelta(days=5), 8))
    return {"sam": sam, "kim": kim}


def _report() -> reports.Report:
    return reports.report(start=DAY, end=DAY + dt.timedelta(days=2))


def _in_range() -> list[Conversation]:
    since = _at(DAY, 0)
    until = _at(DAY + dt.timedelta(days=3), 0)
    return [
        c
        for c in Conversation.objects.all()
        if since <= c.created_at < until and c.messages.filter(role=MessageRole.CUSTOMER).exists()
    ]


@pytest.mark.django_db
def test_conversations_containment_and_handoffs(shop: dict[str, Any]) -> None:
    report = _report()
    started = _in_range()
    handed = [c for c in started if c.events.filter(to_status=ConversationStatus.QUEUED).exists()]
    assert (len(started), len(handed)) == (3, 2)
    assert report.figure("conversations").value == str(len(started))
    assert report.figure("handed_over").value == f"{len(handed)} (66.7%)"
    assert report.figure("contained").value == f"{len(started) - len(handed)} (33.3%)"
    reasons = {row[0]: row[1] for row in report.table("handoff_reasons").rows}
    assert reasons == {"Asked for a human": 1, "Complaint": 1}


@pytest.mark.django_db
def test_satisfaction(shop: dict[str, Any]) -> None:
    report = _report()
    ratings = [c.rating for c in _in_range() if c.rating is not None]
    assert ratings and statistics.mean(ratings) == 3.5
    assert report.figure("satisfaction").value == f"{statistics.mean(ratings):.2f} / 5"
    distribution = {row[0]: row[1] for row in report.table("ratings").rows}
    assert distribution == {5: 1, 4: 0, 3: 0, 2: 1, 1: 0}  # the early 1 is outside the range
    assert [row[2] for row in report.table("comments").rows] == ["=took too long"]
    chart = next(c for c in report.charts if c.key == "satisfaction")
    assert [b.value for b in chart.bars] == [3.5, 0, 0]


@pytest.mark.django_db
def test_response_and_resolution_times(shop: dict[str, Any]) -> None:
    report = _report()
    bot = Message.objects.filter(role=MessageRole.BOT, conversation__in=_in_range())
    waits = [(m.created_at - m.reply_to.created_at).total_seconds() for m in bot if m.reply_to]
    assert statistics.mean(waits) == 2.75  # 2, 1, 4 and 4 s
    assert report.figure("assistant_first_response").value == reports.duration(2.75)
    # Handoffs: 2 min and 10 min in the queue; first agent message 3 and 15 min after it.
    assert report.figure("queue_wait").value == reports.duration(statistics.median([120, 600]))
    assert report.figure("agent_first_response").value == reports.duration(
        statistics.median([180, 900])
    )
    spans = [(c.resolved_at - c.created_at).total_seconds() for c in _in_range() if c.resolved_at]
    assert report.figure("resolution").value == reports.duration(statistics.mean(spans))
    assert report.figure("resolution").value == "20 min 0 s"


@pytest.mark.django_db
def test_per_agent(shop: dict[str, Any]) -> None:
    rows = {row[0]: row for row in _report().table("agents").rows}
    assert rows["Sam"][1:] == [1, reports.duration(60), "2.00", 1]  # taken 11:02:01, wrote 11:03:01
    assert rows["Kim"][1:] == [1, reports.duration(300), "–", 0]


@pytest.mark.django_db
def test_intents_wording_and_knowledge_gaps(shop: dict[str, Any]) -> None:
    report = _report()
    intents = {row[0]: row[1] for row in report.table("intents").rows}
    assert intents == {"not_sure": 2, "order_status": 1, "human_agent": 1}
    # The model tried twice (one passed, one rejected); three replies went out as drafts.
    assert report.figure("model_wording").value == "1 / 2 (50.0%)"
    assert report.figure("drafts").value == "3 (75.0%)"
    assert len(report.gaps) == 1 and report.gaps[0]["count"] == 2
    assert set(report.gaps[0]["examples"]) == {"do you ship to mars?", "do you even ship to Mars"}


@pytest.mark.django_db
def test_per_day_chart(shop: dict[str, Any]) -> None:
    chart = next(c for c in _report().charts if c.key == "per_day")
    assert [(b.value, b.second) for b in chart.bars] == [(2, 1), (1, 1), (0, 0)]
    assert chart.bars[0].height == 100 and chart.bars[1].height == 50


@pytest.mark.django_db
def test_an_empty_range_says_so() -> None:
    report = reports.report(start=DAY, end=DAY)
    assert report.figure("conversations").value == "0"
    assert report.figure("satisfaction").value == "–"
    assert report.gaps == []


def test_the_date_range() -> None:
    today = dt.date(2026, 12, 3)
    assert reports.date_range(None, None, today=today) == (dt.date(2026, 11, 4), today)
    with pytest.raises(reports.RangeError):
        reports.date_range("2026-12-05", "2026-12-01", today=today)
    with pytest.raises(reports.RangeError):
        reports.date_range("yesterday", None, today=today)


# --- the page --------------------------------------------------------------------------------


def _get(client: Client, user: User, **params: str) -> Any:
    client.force_login(user)
    return client.get("/desk/reports/", params)


@pytest.mark.django_db
def test_supervisors_see_the_page_agents_do_not(
    client: Client, shop: dict[str, Any], sue: User, sam: User
) -> None:
    page = _get(client, sue, start="2026-11-10", end="2026-11-12")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-figure="contained"' in html and "Handoff reasons" in html
    assert "<script" not in html and "style=" not in html  # nothing the CSP would block
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert _get(client, sam).status_code == 403


@pytest.mark.django_db
def test_a_table_exports_as_csv(client: Client, shop: dict[str, Any], sue: User) -> None:
    response = _get(client, sue, start="2026-11-10", end="2026-11-12", csv="comments")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Date", "Rating", "Comment", "Customer"]
    assert rows[1] == ["2026-11-10", "2", "'=took too long", "bob@example.com"]  # not a formula
    gaps = _get(client, sue, start="2026-11-10", end="2026-11-12", csv="knowledge_gaps")
    assert "mars" in gaps.content.decode("utf-8-sig").lower()
    assert _get(client, sue, csv="nope").status_code == 404


@pytest.mark.django_db
def test_bad_dates_get_a_clear_error(client: Client, sue: User) -> None:
    response = _get(client, sue, start="2026-13-01")
    assert response.status_code == 400 and "YYYY-MM-DD" in response.content.decode()


@pytest.mark.django_db
def test_the_page_is_a_bounded_number_of_queries(
    client: Client, shop: dict[str, Any], sue: User, django_assert_max_num_queries: Any
) -> None:
    client.force_login(sue)
    with django_assert_max_num_queries(25):
        assert client.get("/desk/reports/", {"start": "2026-11-10"}).status_code == 200


@pytest.mark.django_db
def test_a_question_the_assistant_cannot_answer_is_marked_for_the_gaps(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.assistant.chat import chat, drafts_only, say

    drafts_only(settings, monkeypatch)
    conversation = chat(None)
    unsure = say(conversation, "blorp zindle quaxx?")
    assert unsure.metadata.get("intent") == "not_sure", unsure.metadata
    assert unsure.metadata.get("unanswered") is True
    answered = say(conversation, "hi")
    assert "unanswered" not in answered.metadata
