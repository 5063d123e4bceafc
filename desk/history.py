"""A synthetic support history: conversations spread over past days, shaped like a shop's
(about a quarter handed to an agent who takes, answers and resolves them, a third rated, some
questions the assistant could not answer, replies worded by the model or sent as drafts). For the
reports benchmark (`bench/reports.py`) and the reports page's browser test and screenshot; never
part of a shop's own data."""

from __future__ import annotations

import datetime as dt
import itertools
import random

QUESTIONS = [
    "do you ship to iceland",
    "can I pay with crypto",
    "is there a student discount",
    "do you have a store in Berlin",
    "can you gift wrap",
    "是否有实体店",
]
INTENTS = ["order_status", "track_shipment", "return_refund", "shipping_info", "cancel_order"]


def fill(count: int, *, days: int = 30, seed: int = 7) -> None:
    """`count` conversations over the last `days` days, the same for the same `seed`."""
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from chatbot.models import Conversation, ConversationStatus, Message, MessageRole
    from desk.models import ConversationEvent, EventKind

    rng = random.Random(seed)
    agents = []
    for name in ("ana", "ben", "cho", "dev"):
        user, _ = User.objects.get_or_create(username=f"bench-{name}", defaults={"is_staff": True})
        user.groups.add(Group.objects.get_or_create(name="Agents")[0])
        agents.append(user)
    now = timezone.now()
    conversations, messages, events = [], [], []
    for _ in range(count):
        at = now - dt.timedelta(seconds=rng.randrange(days * 86400))
        handed = rng.random() < 0.25
        agent = rng.choice(agents) if handed else None
        rated = rng.random() < 0.35
        c = Conversation(
            created_at=at,
            status=ConversationStatus.RESOLVED if handed else ConversationStatus.BOT,
            assigned_agent=agent,
            resolved_at=at + dt.timedelta(minutes=rng.randint(5, 90)) if handed else None,
            rating=rng.choice([1, 2, 3, 4, 4, 5, 5, 5]) if rated else None,
            rating_comment=rng.choice(["", "", "thanks!", "slow"]) if rated else "",
            last_seq=4,
        )
        conversations.append(c)
    Conversation.objects.bulk_create(conversations, batch_size=2000)
    for c in conversations:
        seq = 0
        for turn in range(2):
            seq += 1
            asked_at = c.created_at + dt.timedelta(seconds=30 * turn)
            unanswered = rng.random() < 0.08
            text = (
                rng.choice(QUESTIONS)
                if unanswered
                else f"where is SD-{rng.randint(100000, 199999)}"
            )
            asked = Message(
                conversation=c, seq=seq, role=MessageRole.CUSTOMER, text=text, created_at=asked_at
            )
            messages.append(asked)
            seq += 1
            meta: dict[str, object] = {
                "intent": "not_sure" if unanswered else rng.choice(INTENTS),
                "written_by": rng.choice(["model", "draft", "draft"]),
            }
            if unanswered:
                meta["unanswered"] = True
            if meta["written_by"] == "draft" and rng.random() < 0.3:
                meta["rejected"] = "meaning: a sentence the draft does not say"
            messages.append(
                Message(
                    conversation=c,
                    seq=seq,
                    role=MessageRole.BOT,
                    text="…",
                    created_at=asked_at + dt.timedelta(milliseconds=rng.randint(30, 900)),
                    metadata=meta,
                )
            )
    Message.objects.bulk_create(messages, batch_size=5000)
    # reply_to: each bot message answers the customer message before it.
    by_conversation: dict[object, list[Message]] = {}
    for m in Message.objects.order_by("conversation", "seq").only("id", "conversation", "role"):
        by_conversation.setdefault(m.conversation_id, []).append(m)
    updates = []
    for rows in by_conversation.values():
        for before, m in itertools.pairwise(rows):
            if m.role == MessageRole.BOT and before.role == MessageRole.CUSTOMER:
                m.reply_to_id = before.id
                updates.append(m)
    Message.objects.bulk_update(updates, ["reply_to"], batch_size=5000)
    agent_messages = []
    for c in conversations:
        if c.assigned_agent is None:
            continue
        queued = c.created_at + dt.timedelta(seconds=40)
        taken = queued + dt.timedelta(seconds=rng.randint(10, 900))
        events += [
            ConversationEvent(
                conversation=c, kind=EventKind.TRANSITION, from_status="bot", to_status="queued",
                actor_label="assistant", reason=rng.choice(["requested", "complaint", "not_sure"]),
                created_at=queued,
            ),
            ConversationEvent(
                conversation=c, kind=EventKind.ASSIGN, from_status="queued", to_status="agent",
                actor_label="dispatch", agent=c.assigned_agent, created_at=taken,
            ),
            ConversationEvent(
                conversation=c, kind=EventKind.TRANSITION, from_status="agent",
                to_status="resolved", actor_label="agent", agent=c.assigned_agent,
                created_at=c.resolved_at or taken,
            ),
        ]  # fmt: skip
        agent_messages.append(
            Message(
                conversation=c,
                seq=5,
                role=MessageRole.AGENT,
                text="Hi!",
                created_at=taken + dt.timedelta(seconds=rng.randint(5, 120)),
            )
        )
    ConversationEvent.objects.bulk_create(events, batch_size=5000)
    Message.objects.bulk_create(agent_messages, batch_size=5000)
