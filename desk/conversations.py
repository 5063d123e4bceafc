"""Conversations for the people who run support: export (JSON and CSV) and the retention rule
(the shop's privacy policy: old conversations deleted or anonymised on a schedule, with an
audit entry). Staff read them in the admin (chatbot.admin), filtered and searched."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from chatbot.models import Conversation, ConversationStatus, Message
from desk.models import ConversationEvent, Note, OfflineTicket
from orders.models import ActorKind, AuditEvent

log = logging.getLogger(__name__)

REMOVED = "[removed]"  # what an anonymised message says
RETENTION_MODES = ("anonymise", "delete")
# What an anonymised reply keeps in its metadata: what the reports count, nothing the customer said.
REPORTED = ("intent", "written_by", "unanswered", "kind", "rejected")


# --- export --------------------------------------------------------------------------------------


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_rows(conversations: QuerySet[Conversation]) -> list[dict[str, Any]]:
    """One dict per conversation: who, when, status, handoff, rating, and the transcript with
    roles, the intent and actions of each assistant reply, and the desk's audit trail. A fixed
    number of queries whatever the count."""
    qs = conversations.select_related(
        "customer", "verified_customer", "assigned_agent"
    ).prefetch_related(
        Prefetch("messages", queryset=Message.objects.order_by("seq")),
        Prefetch("events", queryset=ConversationEvent.objects.order_by("created_at", "id")),
    )
    out = []
    for c in qs.order_by("created_at"):
        out.append(
            {
                "id": str(c.pk),
                "started": _iso(c.created_at),
                "customer": c.customer.email if c.customer else None,
                "verified_customer": c.verified_customer.email if c.verified_customer else None,
                "language": c.language,
                "status": c.status,
                "handoff_reason": c.handoff_reason,
                "agent": c.assigned_agent.get_username() if c.assigned_agent else None,
                "resolved": _iso(c.resolved_at),
                "rating": c.rating,
                "rating_comment": c.rating_comment,
                "messages": [
                    {
                        "seq": m.seq,
                        "at": _iso(m.created_at),
                        "role": m.role,
                        "text": m.text,
                        "intent": (m.metadata or {}).get("intent"),
                        "actions": (m.metadata or {}).get("tools") or [],
                    }
                    for m in c.messages.all()
                ],
                "events": [
                    {
                        "at": _iso(e.created_at),
                        "kind": e.kind,
                        "from": e.from_status,
                        "to": e.to_status,
                        "by": e.actor_label,
                        "reason": e.reason,
                    }
                    for e in c.events.all()
                ],
            }
        )
    return out


def csv_row(cells: Iterable[Any]) -> list[Any]:
    """Cells for a CSV a spreadsheet will open: one that starts like a formula ("=", "+", "-",
    "@") is written as text, so a customer's message can't run in the reader's spreadsheet."""
    return [f"'{v}" if str(v)[:1] in "=+-@" else v for v in cells]


CSV_COLUMNS = [
    "conversation", "started", "customer", "status", "handoff_reason", "agent", "rating",
    "seq", "at", "role", "text", "intent", "actions",
]  # fmt: skip


def export_csv(rows: Iterable[dict[str, Any]]) -> str:
    """One line per message, with its conversation's columns repeated (what a spreadsheet
    filters well). Cells that start like a formula are written as text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for c in rows:
        head = [
            c["id"], c["started"], c["verified_customer"] or c["customer"] or "", c["status"],
            c["handoff_reason"], c["agent"] or "", c["rating"] or "",
        ]  # fmt: skip
        for m in c["messages"]:
            cells = [*head, m["seq"], m["at"], m["role"], m["text"], m["intent"] or "",
                     " ".join(m["actions"])]  # fmt: skip
            writer.writerow(csv_row(cells))
    return buffer.getvalue()


# --- retention -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionResult:
    mode: str
    days: int
    conversations: int


def retention_candidates(*, days: int, now: dt.datetime | None = None) -> QuerySet[Conversation]:
    """Conversations last active more than `days` ago and not with a person or in the queue
    (a conversation someone is working on is never touched)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return Conversation.objects.filter(updated_at__lt=cutoff).exclude(
        status__in=(ConversationStatus.QUEUED, ConversationStatus.AGENT)
    )


def retention_apply(
    *,
    days: int | None = None,
    mode: str | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> RetentionResult:
    """Apply the retention rule (settings CHAT_RETENTION_DAYS, CHAT_RETENTION_MODE): delete the
    old conversations, or anonymise them (message texts, comments, notes and tickets removed;
    the customer unlinked; counts, intents, times and ratings kept for the reports). Writes one
    audit entry. Days 0 keeps everything."""
    days = settings.CHAT_RETENTION_DAYS if days is None else days
    mode = mode or settings.CHAT_RETENTION_MODE
    if mode not in RETENTION_MODES:
        raise ValueError(f"retention mode must be one of {RETENTION_MODES}, not {mode!r}")
    if days <= 0:
        return RetentionResult(mode, days, 0)
    with transaction.atomic():
        candidates = retention_candidates(days=days, now=now)
        if mode == "anonymise":  # those not anonymised yet
            readable = (
                Message.objects.filter(conversation=OuterRef("pk")).exclude(text="").exclude(text=REMOVED)
            )  # fmt: skip
            candidates = candidates.filter(
                Q(customer__isnull=False)
                | Q(verified_customer__isnull=False)
                | ~Q(rating_comment="")
                | Exists(readable)
            )
        ids = list(candidates.values_list("pk", flat=True))
        if dry_run or not ids:
            return RetentionResult(mode, days, len(ids))
        if mode == "delete":
            OfflineTicket.objects.filter(conversation_id__in=ids).delete()
            Conversation.objects.filter(pk__in=ids).delete()
        else:
            Message.objects.filter(conversation_id__in=ids).exclude(text="").update(text=REMOVED)
            for message in Message.objects.filter(conversation_id__in=ids).only("metadata"):
                # Keep what the reports count (intent, who wrote it, whether it was answered).
                kept = {k: v for k, v in (message.metadata or {}).items() if k in REPORTED}
                if "rejected" in kept:
                    kept["rejected"] = "removed"  # counted, but its text may quote the chat
                if kept != message.metadata:
                    Message.objects.filter(pk=message.pk).update(metadata=kept)
            Note.objects.filter(conversation_id__in=ids).delete()
            OfflineTicket.objects.filter(conversation_id__in=ids).delete()
            Conversation.objects.filter(pk__in=ids).update(
                customer=None, verified_customer=None, rating_comment="", bot_state={},
                started_on="",
            )  # fmt: skip
        AuditEvent.objects.create(
            subject_type="conversation",
            subject_id="retention",
            action=f"conversation.retention_{mode}",
            note=f"{len(ids)} conversations last active more than {days} days ago",
            actor_kind=ActorKind.SYSTEM,
            actor_label="retention",
        )
    log.info("retention: %s %d conversations older than %d days", mode, len(ids), days)
    return RetentionResult(mode, days, len(ids))
