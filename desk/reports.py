"""Reports for the people who run support: how the assistant and the team are doing over a date
range. Reads only (the house's selectors); every figure has a one-line definition shown beside
it, and every table exports as CSV.

The figures come from what the platform records anyway: conversations and their messages (a bot
reply's `reply_to` and metadata: intent, who wrote the words, whether the assistant could
answer), and the desk's audit trail (`ConversationEvent`: every handoff, assignment, transfer
and resolve, with its time and agent). Aggregates run in the database; the per-handoff waits
are a few subqueries, so a range of 10,000 conversations stays a handful of queries
(`bench/reports.py` measures it).
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Avg, Count, Exists, F, FloatField, Func, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chatbot.models import Conversation, ConversationStatus, Message, MessageRole
from desk.models import ConversationEvent

# How many unanswered questions are grouped into knowledge gaps (the newest first).
GAP_SAMPLE = 400
GAP_SIMILARITY = 0.45  # cosine of character n-grams: the same question, worded alike
GAP_GROUPS = 12
COMMENTS = 25  # the newest rating comments listed

# Shown for a handoff reason (the desk's own labels; docs/desk.md).
REASON_LABELS = {
    "requested": gettext_lazy("Asked for a human"),
    "complaint": gettext_lazy("Complaint"),
    "angry": gettext_lazy("Upset customer"),
    "legal": gettext_lazy("Legal"),
    "chargeback": gettext_lazy("Chargeback"),
    "safety": gettext_lazy("Safety"),
    "not_sure": gettext_lazy("Assistant unsure"),
    "failed": gettext_lazy("Assistant failed"),
    "action_failed": gettext_lazy("Assistant failed"),
    "verification_locked": gettext_lazy("Identity not verified"),
    "repeated": gettext_lazy("Repeated contact"),
    "offline": gettext_lazy("Offline message"),
    "reply_timeout": gettext_lazy("Agent did not reply in time"),
    "released": gettext_lazy("Put back by an agent"),
}


@dataclass(frozen=True)
class Started:
    """A conversation of the range, as the figures count it."""

    day: dt.date  # the shop's local date it started
    rating: int | None
    handed: bool


class Seconds(Func):
    """The seconds from one datetime to another, computed by the database (SQLite's julianday
    and PostgreSQL's epoch are native; Django's duration arithmetic runs in Python on SQLite)."""

    output_field = FloatField()

    def __init__(self, later: str, earlier: str) -> None:
        super().__init__(F(later), F(earlier))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(", **extra,
        )  # fmt: skip

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))",
            arg_joiner=" - ", **extra,
        )  # fmt: skip


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: str
    definition: str


@dataclass
class Table:
    key: str
    title: str
    definition: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Bar:
    """One day's bar, in the chart's SVG units (100 high, 10 wide a day)."""

    label: str
    value: float
    height: int  # 0-100, of the chart's scale
    second: float = 0.0  # a second series drawn inside the bar (handed over of all)
    second_height: int = 0
    index: int = 0

    @property
    def x(self) -> int:
        return self.index * 10 + 1

    @property
    def y(self) -> int:
        return 100 - self.height

    @property
    def second_y(self) -> int:
        return 100 - self.second_height


@dataclass
class Chart:
    key: str
    title: str
    definition: str
    bars: list[Bar]
    legend: tuple[str, ...] = ()

    @property
    def width(self) -> int:
        return max(len(self.bars), 1) * 10

    @property
    def label_every(self) -> int:
        """Which bars get a date under them: about eight labels whatever the range."""
        return max(1, round(len(self.bars) / 8))


@dataclass
class Report:
    start: dt.date
    end: dt.date  # inclusive
    figures: list[Figure]
    charts: list[Chart]
    tables: list[Table]
    gaps: list[dict[str, Any]]

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


class RangeError(ValueError):
    """A date range a request can't have; its text is for the user."""


def date_range(
    start: str | None, end: str | None, *, today: dt.date | None = None
) -> tuple[dt.date, dt.date]:
    """The range a request asks for ("2026-11-01", "2026-11-30", inclusive); the last 30 days
    by default. Raises RangeError for a date that is not one or a range that runs backwards."""
    today = today or timezone.localdate()
    try:
        last = dt.date.fromisoformat(end) if end else today
        first = dt.date.fromisoformat(start) if start else last - dt.timedelta(days=29)
    except ValueError as error:
        raise RangeError(_("Dates are written as YYYY-MM-DD, for example 2026-11-30.")) from error
    if first > last:
        raise RangeError(_("The start date is after the end date."))
    if (last - first).days > 366:
        raise RangeError(_("Pick a range of at most a year."))
    return first, last


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return since, until


def duration(seconds: float | None) -> str:
    """ "42 s", "3 min 5 s", "2 h 10 min"; "–" when there is nothing to measure."""
    if seconds is None:
        return "–"
    if seconds < 10:
        return _("%(s)s s") % {"s": f"{seconds:.1f}"}
    s = round(seconds)
    if s < 60:
        return _("%(s)s s") % {"s": s}
    if s < 3600:
        return _("%(m)s min %(s)s s") % {"m": s // 60, "s": s % 60}
    return _("%(h)s h %(m)s min") % {"h": s // 3600, "m": (s % 3600) // 60}


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def report(*, start: dt.date, end: dt.date) -> Report:
    since, until = _bounds(start, end)
    conversations = Conversation.objects.filter(created_at__gte=since, created_at__lt=until)
    spoke = Message.objects.filter(conversation=OuterRef("pk"), role=MessageRole.CUSTOMER)
    handed = ConversationEvent.objects.filter(
        conversation=OuterRef("pk"), to_status=ConversationStatus.QUEUED
    )
    started = conversations.filter(Exists(spoke))
    # One row per conversation, the figures counted here: one query instead of one per figure
    # and chart (and no per-row date functions, which SQLite runs in Python).
    zone = timezone.get_current_timezone()
    rows = [
        Started(created.astimezone(zone).date(), rating, was_handed)
        for created, rating, was_handed in started.annotate(was_handed=Exists(handed)).values_list(
            "created_at", "rating", "was_handed"
        )
    ]
    total = len(rows)
    handed_over = sum(r.handed for r in rows)
    contained = total - handed_over
    ratings = [r.rating for r in rows if r.rating is not None]
    counts = {"rated": len(ratings), "rating": statistics.mean(ratings) if ratings else None}

    # The assistant: from the customer's message to the reply's first text (the reply row is
    # created when its first words stream).
    bot_replies = Message.objects.filter(
        created_at__gte=since, created_at__lt=until, role=MessageRole.BOT, reply_to__isnull=False
    )
    bot_first = bot_replies.aggregate(wait=Avg(Seconds("created_at", "reply_to__created_at")))[
        "wait"
    ]

    # Each handoff from the assistant: how long the customer waited for an agent, and for the
    # agent's first message.
    handoffs = ConversationEvent.objects.filter(
        created_at__gte=since,
        created_at__lt=until,
        to_status=ConversationStatus.QUEUED,
        from_status=ConversationStatus.BOT,
    )
    next_assign = ConversationEvent.objects.filter(
        conversation=OuterRef("conversation"),
        to_status=ConversationStatus.AGENT,
        created_at__gte=OuterRef("created_at"),
    ).order_by("created_at", "id")
    first_agent_message = Message.objects.filter(
        conversation=OuterRef("conversation"),
        role=MessageRole.AGENT,
        created_at__gte=OuterRef("created_at"),
    ).order_by("created_at", "id")
    handoff_rows = list(
        handoffs.annotate(
            assigned_at=Subquery(next_assign.values("created_at")[:1]),
            taken_by=Subquery(next_assign.values("agent")[:1]),
            answered_at=Subquery(first_agent_message.values("created_at")[:1]),
        ).values("reason", "created_at", "assigned_at", "taken_by", "answered_at")
    )
    queue_waits = [
        (r["assigned_at"] - r["created_at"]).total_seconds()
        for r in handoff_rows
        if r["assigned_at"] is not None
    ]
    agent_firsts = [
        (r["answered_at"] - r["created_at"]).total_seconds()
        for r in handoff_rows
        if r["answered_at"] is not None
    ]
    resolution = started.filter(resolved_at__isnull=False).aggregate(
        t=Avg(Seconds("resolved_at", "created_at"))
    )["t"]

    # Who wrote the words the customer read.
    wording = bot_replies.filter(metadata__written_by__isnull=False).aggregate(
        model=Count("pk", filter=Q(metadata__written_by="model")),
        draft=Count("pk", filter=Q(metadata__written_by="draft")),
        rejected=Count(
            "pk", filter=Q(metadata__written_by="draft", metadata__rejected__isnull=False)
        ),
    )
    tried = wording["model"] + wording["rejected"]
    replies_worded = wording["model"] + wording["draft"]

    figures = [
        Figure(
            "conversations",
            _("Conversations"),
            str(total),
            _("Conversations started in the range in which the customer wrote at least once."),
        ),
        Figure(
            "contained",
            _("Resolved by the assistant alone"),
            f"{contained} ({_percent(contained, total)})",
            _("Conversations never handed to a person (containment)."),
        ),
        Figure(
            "handed_over",
            _("Handed over"),
            f"{handed_over} ({_percent(handed_over, total)})",
            _("Conversations queued for a person at least once."),
        ),
        Figure(
            "satisfaction",
            _("Satisfaction"),
            f"{counts['rating']:.2f} / 5" if counts["rating"] is not None else "–",
            _("Average rating (1-5) customers gave, over %(n)s rated conversations.")
            % {"n": counts["rated"]},
        ),
        Figure(
            "assistant_first_response",
            _("Assistant's first response"),
            duration(bot_first),
            _("Average time from a customer's message to the first words of the assistant's "
              "reply."),
        ),
        Figure(
            "queue_wait",
            _("Queue wait"),
            duration(_median(queue_waits)),
            _("Median time from a handoff to an agent taking the chat, over %(n)s handoffs.")
            % {"n": len(queue_waits)},
        ),
        Figure(
            "agent_first_response",
            _("Agents' first response"),
            duration(_median(agent_firsts)),
            _("Median time from a handoff to the agent's first message, over %(n)s handoffs.")
            % {"n": len(agent_firsts)},
        ),
        Figure(
            "resolution",
            _("Resolution time"),
            duration(resolution),
            _("Average time from the start of a conversation to an agent resolving it."),
        ),
        Figure(
            "model_wording",
            _("Model's wording passed its checks"),
            f"{wording['model']} / {tried} ({_percent(wording['model'], tried)})",
            _("Replies the model tried to word whose wording passed the faithfulness checks; "
              "the rest were sent as the grounded draft."),
        ),
        Figure(
            "drafts",
            _("Replies sent as drafts"),
            f"{wording['draft']} ({_percent(wording['draft'], replies_worded)})",
            _("Replies sent in the assistant's grounded draft words (the model off, not tried for "
              "the kind of turn, or rejected)."),
        ),
    ]  # fmt: skip

    tables = [
        _reasons_table(handoff_rows),
        _ratings_table(ratings),
        _comments_table(started),
        _agents_table(since, until, handoff_rows),
        _intents_table(bot_replies),
    ]
    charts = [_per_day_chart(rows, start, end), _rating_chart(rows, start, end)]
    return Report(start, end, figures, charts, tables, knowledge_gaps(since, until))


def _reasons_table(handoff_rows: list[dict[str, Any]]) -> Table:
    counts = Counter(r["reason"] or "requested" for r in handoff_rows)
    total = sum(counts.values())
    return Table(
        "handoff_reasons",
        _("Handoff reasons"),
        _("Why the assistant handed conversations to a person, per handoff."),
        [_("Reason"), _("Handoffs"), _("Share")],
        [
            [str(REASON_LABELS.get(reason, reason.replace("_", " "))), n, _percent(n, total)]
            for reason, n in counts.most_common()
        ],
    )


def _ratings_table(ratings: list[int]) -> Table:
    counts = Counter(ratings)
    total = len(ratings)
    return Table(
        "ratings",
        _("Satisfaction distribution"),
        _("How many rated conversations got each rating."),
        [_("Rating"), _("Conversations"), _("Share")],
        [
            [score, counts.get(score, 0), _percent(counts.get(score, 0), total)]
            for score in range(5, 0, -1)
        ],
    )


def _comments_table(started: Any) -> Table:
    rows = (
        started.filter(rating__isnull=False)
        .exclude(rating_comment="")
        .order_by("-created_at")
        .values_list("created_at", "rating", "rating_comment", "customer__email")[:COMMENTS]
    )
    return Table(
        "comments",
        _("Satisfaction comments"),
        _("What customers wrote with their rating, newest conversation first (at most 25)."),
        [_("Date"), _("Rating"), _("Comment"), _("Customer")],
        [
            [timezone.localdate(when).isoformat(), score, comment, email or _("guest")]
            for when, score, comment, email in rows
        ],
    )


def _agents_table(
    since: dt.datetime, until: dt.datetime, handoff_rows: list[dict[str, Any]]
) -> Table:
    chats = dict(
        ConversationEvent.objects.filter(
            created_at__gte=since,
            created_at__lt=until,
            to_status=ConversationStatus.AGENT,
            agent__isnull=False,
        )
        .values_list("agent")
        .annotate(n=Count("conversation", distinct=True))
    )
    ratings = {
        agent: (avg, n)
        for agent, avg, n in Conversation.objects.filter(
            resolved_at__gte=since,
            resolved_at__lt=until,
            assigned_agent__isnull=False,
            rating__isnull=False,
        )
        .values_list("assigned_agent")
        .annotate(avg=Avg("rating"), n=Count("pk"))
    }
    firsts: dict[int, list[float]] = defaultdict(list)
    for r in handoff_rows:
        if r["taken_by"] is not None and r["answered_at"] is not None and r["assigned_at"]:
            firsts[r["taken_by"]].append((r["answered_at"] - r["assigned_at"]).total_seconds())
    ids = set(chats) | set(ratings) | set(firsts)
    names = {u.pk: u.get_full_name() or u.get_username() for u in User.objects.filter(pk__in=ids)}
    rows = []
    for agent in sorted(ids, key=lambda a: (-chats.get(a, 0), names.get(a, ""))):
        avg, n = ratings.get(agent, (None, 0))
        rows.append(
            [
                names.get(agent, str(agent)),
                chats.get(agent, 0),
                duration(_median(firsts.get(agent, []))),
                f"{avg:.2f}" if avg is not None else "–",
                n,
            ]
        )
    return Table(
        "agents",
        _("Agents"),
        _("Per agent: chats taken in the range, median time from taking a chat to their first "
          "message, and the average rating of the chats they resolved."),
        [_("Agent"), _("Chats"), _("First response"), _("Satisfaction"), _("Rated")],
        rows,
    )  # fmt: skip


def _intents_table(bot_replies: Any) -> Table:
    rows = list(
        bot_replies.filter(metadata__intent__isnull=False)
        .values_list("metadata__intent")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    total = sum(n for _intent, n in rows)
    return Table(
        "intents",
        _("What customers ask"),
        _("The intent the assistant read in each customer message it answered."),
        [_("Intent"), _("Messages"), _("Share")],
        [[str(intent or "–"), n, _percent(n, total)] for intent, n in rows],
    )


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _per_day_chart(rows: list[Started], start: dt.date, end: dt.date) -> Chart:
    everyone = Counter(r.day for r in rows)
    handed_per_day = Counter(r.day for r in rows if r.handed)
    top = max(everyone.values(), default=0)
    bars = []
    for i, day in enumerate(_days(start, end)):
        n, handed = everyone.get(day, 0), handed_per_day.get(day, 0)
        bars.append(
            Bar(
                day.strftime("%m-%d"),
                n,
                round(100 * n / top) if top else 0,
                handed,
                round(100 * handed / top) if top else 0,
                index=i,
            )
        )
    return Chart(
        "per_day",
        _("Conversations per day"),
        _("Conversations started each day; the darker part was handed to a person."),
        bars,
        (_("all"), _("handed over")),
    )


def _rating_chart(rows: list[Started], start: dt.date, end: dt.date) -> Chart:
    per_day: dict[dt.date, list[int]] = defaultdict(list)
    for r in rows:
        if r.rating is not None:
            per_day[r.day].append(r.rating)
    bars = []
    for i, day in enumerate(_days(start, end)):
        average = statistics.mean(per_day[day]) if per_day.get(day) else 0
        bars.append(Bar(day.strftime("%m-%d"), round(average, 2), round(20 * average), index=i))
    return Chart(
        "satisfaction",
        _("Satisfaction over time"),
        _("Average rating of the conversations started each day (empty: none rated)."),
        bars,
    )


# --- knowledge gaps ----------------------------------------------------------------------------


def knowledge_gaps(since: dt.datetime, until: dt.datetime) -> list[dict[str, Any]]:
    """The customer questions the assistant was not sure about or could not answer from the
    help center, grouped by similarity (the same question in other words), biggest group first:
    what to write help articles about."""
    texts = list(
        Message.objects.filter(
            role=MessageRole.BOT,
            created_at__gte=since,
            created_at__lt=until,
            metadata__unanswered=True,
            reply_to__isnull=False,
        )
        .order_by("-created_at")
        .values_list("reply_to__text", flat=True)[:GAP_SAMPLE]
    )
    texts = [t.strip() for t in texts if t and t.strip()]
    if not texts:
        return []
    groups = _group(texts)
    out = []
    for members in groups[:GAP_GROUPS]:
        examples = list(dict.fromkeys(texts[i] for i in members))
        out.append({"count": len(members), "examples": examples[:5], "title": examples[0][:120]})
    return out


def _group(texts: list[str]) -> list[list[int]]:
    """Greedy single pass: each text joins the most similar group whose first text is similar
    enough. Character n-grams, so "do you ship to Mars" and "shipping to mars??" meet and
    Chinese (no spaces) is grouped by its characters; questions worded quite differently stay
    apart (no sentence encoder is loaded in the web process for this)."""
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

    normalized = [re.sub(r"\d", "0", t.lower()) for t in texts]
    try:
        vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4)).fit_transform(normalized)
    except ValueError:  # nothing but punctuation
        return [[i] for i in range(len(texts))]
    similarity = (vectors @ vectors.T).toarray()  # the rows are unit length: cosines
    heads: list[int] = []
    groups: list[list[int]] = []
    for i in range(len(texts)):
        if heads:
            sims = similarity[i, heads]
            best = int(sims.argmax())
            if sims[best] >= GAP_SIMILARITY:
                groups[best].append(i)
                continue
        heads.append(i)
        groups.append([i])
    return sorted(groups, key=len, reverse=True)
