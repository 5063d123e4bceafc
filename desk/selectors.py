"""Reads for the agent desk: roles, the queue, chats, the handoff summary and the payloads the
staff socket sends (docs/desk.md)."""

from __future__ import annotations

import datetime as dt
import statistics
import uuid
from typing import Any, Literal, TypedDict

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db import transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from chatbot import events as chat_events
from chatbot import services as chat_services
from chatbot.models import Conversation, ConversationStatus, Message, MessageRole
from desk import summary
from desk.hours import hours_open
from desk.models import (
    AGENTS_GROUP,
    SUPERVISORS_GROUP,
    AgentProfile,
    CannedResponse,
    Note,
    OfflineTicket,
    Presence,
    TicketStatus,
)
from orders.models import Customer, Order, OrderStatus

Role = Literal["agent", "supervisor"]
DEFAULT_HANDLE_TIME_S = 180
HANDLE_TIME_SAMPLE = 50


class CustomerBrief(TypedDict):
    name: str
    email: str
    verified: bool


class AgentBrief(TypedDict):
    id: int
    name: str


class QueueItem(TypedDict):
    conversation: str
    position: int
    eta_s: int
    priority: int
    reason: str
    queued_at: str | None
    language: str
    customer: CustomerBrief | None
    preview: str
    other_open: int  # the same customer's other chats waiting or with an agent


class ChatItem(TypedDict):
    conversation: str
    status: str
    agent: AgentBrief | None
    customer: CustomerBrief | None
    reason: str
    priority: int
    assigned_at: str | None
    last_customer_message_at: str | None
    last_agent_message_at: str | None
    preview: str
    other_open: int


class TicketItem(TypedDict):
    id: int
    email: str
    text: str
    status: str
    answer: str
    answered_by: AgentBrief | None
    answered_at: str | None
    conversation: str | None
    created_at: str


class Summary(TypedDict):
    customer: CustomerBrief | None
    said: list[str]
    deadline: list[str]
    threats: list[str]
    wants: list[str]
    orders: list[str]
    bot_did: list[str]
    reason: str


# --- roles ---------------------------------------------------------------------------------------


def user_role(user: AbstractBaseUser | AnonymousUser | None) -> Role | None:
    """The user's desk role: superusers and Supervisors are supervisors, Agents are agents; None
    for everyone else (customers, staff outside both groups, anonymous users)."""
    if not isinstance(user, User) or not user.is_active or not user.is_staff:
        return None
    if user.is_superuser:
        return "supervisor"
    names = set(
        user.groups.filter(name__in=(AGENTS_GROUP, SUPERVISORS_GROUP)).values_list(
            "name", flat=True
        )
    )
    if SUPERVISORS_GROUP in names:
        return "supervisor"
    return "agent" if AGENTS_GROUP in names else None


def desk_users() -> QuerySet[User]:
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=(AGENTS_GROUP, SUPERVISORS_GROUP)))
        .distinct()
    )


def may_open(*, user: User, conversation: Conversation) -> bool:
    """Agents open queued chats and their own; supervisors open any."""
    role = user_role(user)
    if role == "supervisor":
        return True
    if role == "agent":
        return (
            conversation.status == ConversationStatus.QUEUED
            or conversation.assigned_agent_id == user.pk
        )
    return False


def may_handle(*, user: User, conversation: Conversation) -> bool:
    """Send, hand back, release, resolve: the assigned agent, or a supervisor."""
    role = user_role(user)
    if role == "supervisor":
        return True
    return (
        role == "agent"
        and conversation.status == ConversationStatus.AGENT
        and conversation.assigned_agent_id == user.pk
    )


# --- load, availability, the queue ---------------------------------------------------------------


def agent_load(*, user_id: int) -> int:
    return Conversation.objects.filter(
        status=ConversationStatus.AGENT, assigned_agent_id=user_id
    ).count()


def online_profiles() -> QuerySet[AgentProfile]:
    return AgentProfile.objects.filter(presence=Presence.ONLINE, user__in=desk_users()).annotate(
        load=Count(
            "user__desk_conversations",
            filter=Q(user__desk_conversations__status=ConversationStatus.AGENT),
        )
    )


def desk_open(*, now: dt.datetime | None = None) -> bool:
    return hours_open(
        spec=settings.DESK_HOURS, timezone=settings.DESK_TIMEZONE, now=now or timezone.now()
    )


def agents_available(*, now: dt.datetime | None = None) -> bool:
    """Someone can take a new chat live: within DESK_HOURS, at least one agent online, and either
    spare capacity or a queue shorter than DESK_MAX_QUEUE."""
    if not desk_open(now=now):
        return False
    profiles = list(online_profiles())
    if not profiles:
        return False
    if any(p.load < p.max_chats for p in profiles):  # type: ignore[attr-defined]
        return True
    return queue_qs().count() < settings.DESK_MAX_QUEUE


def queue_qs() -> QuerySet[Conversation]:
    return (
        Conversation.objects.filter(status=ConversationStatus.QUEUED)
        .select_related("customer", "verified_customer")
        .order_by("-priority", "queued_at", "created_at")
    )


def handle_time_median_s() -> float:
    """The median time from assignment to resolution of the last 50 resolved chats."""
    rows = (
        Conversation.objects.filter(
            status=ConversationStatus.RESOLVED,
            assigned_at__isnull=False,
            resolved_at__isnull=False,
        )
        .order_by("-resolved_at")
        .values_list("assigned_at", "resolved_at")[:HANDLE_TIME_SAMPLE]
    )
    times = [
        (end - start).total_seconds()
        for start, end in rows
        if start is not None and end is not None and end >= start
    ]
    return statistics.median(times) if times else float(DEFAULT_HANDLE_TIME_S)


def _preview_qs() -> Subquery:
    return Subquery(
        Message.objects.filter(conversation=OuterRef("pk"), role=MessageRole.CUSTOMER)
        .order_by("-seq")
        .values("text")[:1]
    )


def _customer_brief(conversation: Conversation) -> CustomerBrief | None:
    customer = conversation.verified_customer or conversation.customer
    if customer is None:
        return None
    return {
        "name": customer.full_name,
        "email": customer.email,
        "verified": conversation.verified_customer_id is not None,
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _customer_key(conversation: Conversation) -> int | None:
    return conversation.customer_id or conversation.verified_customer_id


def _open_by_customer() -> dict[int, int]:
    """How many chats each customer has waiting or with an agent: one customer writing in two
    tabs shows as one customer with another chat, not as two strangers."""
    counts: dict[int, int] = {}
    rows = Conversation.objects.filter(
        status__in=(ConversationStatus.QUEUED, ConversationStatus.AGENT)
    ).values_list("customer_id", "verified_customer_id")
    for signed_in, verified in rows:
        key = signed_in or verified
        if key is not None:
            counts[key] = counts.get(key, 0) + 1
    return counts


def _others(counts: dict[int, int], conversation: Conversation) -> int:
    key = _customer_key(conversation)
    return max(counts.get(key, 0) - 1, 0) if key is not None else 0


def queue_payload() -> list[QueueItem]:
    """The queue, first served first, with each customer's place and estimated wait (eta =
    position × median handle time ÷ online agents)."""
    median = handle_time_median_s()
    online = max(1, online_profiles().count())
    counts = _open_by_customer()
    items: list[QueueItem] = []
    for position, c in enumerate(queue_qs().annotate(preview=_preview_qs()), start=1):
        items.append(
            {
                "conversation": str(c.pk),
                "position": position,
                "eta_s": round(position * median / online),
                "priority": c.priority,
                "reason": c.handoff_reason,
                "queued_at": _iso(c.queued_at),
                "language": c.language,
                "customer": _customer_brief(c),
                "preview": (c.preview or "")[:200],
                "other_open": _others(counts, c),
            }
        )
    return items


def queue_position(*, conversation_id: uuid.UUID) -> tuple[int, int] | None:
    """(position, eta_s) of a queued conversation; None when it isn't queued."""
    for item in queue_payload():
        if item["conversation"] == str(conversation_id):
            return item["position"], item["eta_s"]
    return None


def _chat_items(qs: QuerySet[Conversation]) -> list[ChatItem]:
    rows = (
        qs.select_related("customer", "verified_customer", "assigned_agent")
        .annotate(preview=_preview_qs())
        .order_by("assigned_at", "created_at")
    )
    counts = _open_by_customer()
    return [
        {
            "conversation": str(c.pk),
            "status": c.status,
            "agent": _agent_brief(c.assigned_agent),
            "customer": _customer_brief(c),
            "reason": c.handoff_reason,
            "priority": c.priority,
            "assigned_at": _iso(c.assigned_at),
            "last_customer_message_at": _iso(c.last_customer_message_at),
            "last_agent_message_at": _iso(c.last_agent_message_at),
            "preview": (c.preview or "")[:200],
            "other_open": _others(counts, c),
        }
        for c in rows
    ]


def _agent_brief(user: User | None) -> AgentBrief | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.get_username()}


def mine_payload(user_id: int) -> list[ChatItem]:
    return _chat_items(
        Conversation.objects.filter(status=ConversationStatus.AGENT, assigned_agent_id=user_id)
    )


def active_payload() -> list[ChatItem]:
    """Every chat an agent has now (supervisors' view)."""
    return _chat_items(Conversation.objects.filter(status=ConversationStatus.AGENT))


def agents_payload() -> list[dict[str, Any]]:
    users = (
        desk_users()
        .select_related("agent_profile")
        .annotate(
            load=Count(
                "desk_conversations",
                filter=Q(desk_conversations__status=ConversationStatus.AGENT),
                distinct=True,
            )
        )
        .order_by("username")
    )
    agents = []
    for user in users:
        profile = getattr(user, "agent_profile", None)
        agents.append(
            {
                "id": user.pk,
                "name": user.get_full_name() or user.get_username(),
                "presence": profile.presence if profile else Presence.OFFLINE,
                "load": user.load,
                "max_chats": profile.max_chats if profile else settings.DESK_MAX_CHATS,
            }
        )
    return agents


# --- one conversation ----------------------------------------------------------------------------


def episode_messages(conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.filter(seq__gte=conversation.episode_start_seq).order_by("seq")


def handoff_summary(*, conversation: Conversation) -> Summary:
    """What the agent needs first, built only from stored facts (desk/summary.py): who the
    customer is (and whether they proved it), their own words that matter, the deadline they
    gave and what they threatened, the requests the assistant recognised, the orders that matter
    (named by the customer or in focus, the verified customer's own, at most three), what the
    assistant did and why it handed over."""
    messages = list(episode_messages(conversation))
    wants, did = summary.requests_and_actions(messages)
    words = summary.customer_words(messages)
    state = conversation.bot_state if isinstance(conversation.bot_state, dict) else {}
    focus = state.get("focus_order")
    return {
        "customer": _customer_brief(conversation),
        "said": words["said"],
        "deadline": words["deadline"],
        "threats": words["threats"],
        "wants": wants,
        "orders": summary.orders_that_matter(
            conversation=conversation,
            messages=messages,
            focus=focus if isinstance(focus, str) else None,
        ),
        "bot_did": did,
        "reason": conversation.handoff_reason,
    }


def acting_order(*, conversation: Conversation) -> str:
    """The order an agent's `{order_number}` means: the one the agent last acted on in this chat,
    else the one the chat is about (the summary's latest)."""
    acted = (
        conversation.messages.filter(
            seq__gte=conversation.episode_start_seq,
            role=MessageRole.SYSTEM,
            metadata__has_key="order_action",
        )
        .order_by("-seq")
        .values_list("metadata", flat=True)
        .first()
    )
    if isinstance(acted, dict) and isinstance(acted.get("order_action"), str):
        return str(acted["order_action"])
    orders = handoff_summary(conversation=conversation)["orders"]
    return orders[-1] if orders else ""


def customer_sidebar(customer: Customer | None) -> dict[str, Any] | None:
    """The customer and their latest orders, for the chat's sidebar (verified customers only)."""
    if customer is None:
        return None
    orders = (
        Order.objects.filter(customer=customer)
        .prefetch_related("items")
        .order_by("-placed_at")[:10]
    )
    return {
        "name": customer.full_name,
        "email": customer.email,
        "phone": customer.phone,
        "orders": [
            {
                "number": o.number,
                "status": o.status,
                "status_label": o.get_status_display(),
                "grand_total": str(o.grand_total),
                "currency": o.currency,
                "placed_at": o.placed_at.isoformat(),
                "shipping_address": o.shipping_address,
                "items": [
                    {
                        "id": i.pk,
                        "product_name": i.product_name,
                        "variant_label": i.variant_label,
                        "variant_id": i.variant_id,
                        "sku": i.sku,
                        "quantity": i.quantity,
                    }
                    for i in o.items.all()
                ],
            }
            for o in orders
        ],
    }


def canned_render(*, text: str, conversation: Conversation, agent: User | None = None) -> str:
    """Fill a canned response's placeholders. Only the three known names are replaced (never
    `str.format`, which would evaluate attribute lookups written by an admin)."""
    customer = conversation.verified_customer or conversation.customer
    if customer is not None:
        name = customer.first_name
    else:  # the canned text goes to the customer: their language
        with translation.override(chat_services.django_language(conversation.language)):
            name = pgettext("a canned response's {customer_name} for a guest", "there")
    values = {
        "{customer_name}": name,
        "{order_number}": acting_order(conversation=conversation),
        "{agent_name}": (agent.first_name or agent.get_username()) if agent else "",
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def canned_list(*, conversation: Conversation, agent: User | None) -> list[dict[str, Any]]:
    return [
        {
            "id": c.pk,
            "title": c.title,
            "text": canned_render(text=c.text, conversation=conversation, agent=agent),
        }
        for c in CannedResponse.objects.filter(active=True)
    ]


def note_payload(note: Note) -> dict[str, Any]:
    return {
        "id": note.pk,
        "author": _agent_brief(note.author),
        "text": note.text,
        "created_at": note.created_at.isoformat(),
    }


def conversation_get(*, conversation_id: uuid.UUID | str) -> Conversation | None:
    try:
        pk = uuid.UUID(str(conversation_id))
    except ValueError:
        return None
    return (
        Conversation.objects.select_related("customer", "verified_customer", "assigned_agent")
        .filter(pk=pk)
        .first()
    )


def conversation_payload(*, conversation: Conversation, user: User) -> dict[str, Any]:
    """The `conversation` frame: the chat, its transcript, summary, notes, customer sidebar
    (orders only for a verified customer) and canned responses. The caller checked `may_open`."""
    messages = conversation.messages.select_related("reply_to").order_by("seq")
    item = _chat_items(Conversation.objects.filter(pk=conversation.pk))[0]
    return {
        "type": "conversation",
        "conversation": {
            **item,
            "language": conversation.language,
            "episode_start_seq": conversation.episode_start_seq,
            "last_seq": conversation.last_seq,
            "rating": conversation.rating,
            "rating_comment": conversation.rating_comment,
            "started_on": conversation.started_on,
        },
        "messages": [chat_events.message_payload(m) for m in messages],
        "summary": handoff_summary(conversation=conversation),
        "notes": [note_payload(n) for n in conversation.notes.select_related("author")],
        "customer": customer_sidebar(conversation.verified_customer),
        "canned": canned_list(conversation=conversation, agent=user),
    }


SUGGEST_LOOKBACK = 3


def reply_suggestion(*, conversation: Conversation, agent: User | None = None) -> str:
    """What the assistant would answer the customer's last message, for the agent to edit. The
    dialogue manager runs in a transaction that is rolled back, so nothing it does is kept (no
    dialogue state, no order change). A message the assistant would only hand over ("I want a
    person", a complaint) has no answer of its own: the one before it is answered instead, and
    when every recent one would hand over, the agent gets an opening line in their own name,
    never the assistant's handoff sentence."""
    from assistant.flows.engine import respond  # loads the NLU models: only when asked

    recent = list(
        episode_messages(conversation)
        .filter(role=MessageRole.CUSTOMER)
        .order_by("-seq")[:SUGGEST_LOOKBACK]
    )
    if not recent:
        return ""
    # The agent sends it to the customer: in the conversation's language, as the reply task does.
    with translation.override(chat_services.django_language(conversation.language)):
        for message in recent:
            with transaction.atomic():
                turn = respond(message=message)
                transaction.set_rollback(True)
            if not getattr(turn, "handoff", None) and turn.text.strip():
                return str(turn.text)
        customer = conversation.verified_customer or conversation.customer
        values = {
            "name": customer.first_name if customer is not None else "",
            "agent": (agent.first_name or agent.get_username()) if agent is not None else "",
        }
        if values["name"] and values["agent"]:
            text = _(
                "Hi %(name)s, this is %(agent)s from our team. I've read your messages and "
                "I'm looking into it now."
            )
        elif values["agent"]:
            text = _(
                "Hi, this is %(agent)s from our team. I've read your messages and I'm looking "
                "into it now."
            )
        else:
            text = _("Hi, I've read your messages and I'm looking into it now.")
        return text % values


def stale_candidates(*, now: dt.datetime) -> list[uuid.UUID]:
    """Chats whose agent hasn't written at all within DESK_REPLY_TIMEOUT_MIN of being given them
    (the row is re-checked under its lock before anything changes)."""
    deadline = now - dt.timedelta(minutes=settings.DESK_REPLY_TIMEOUT_MIN)
    rows = Conversation.objects.filter(
        status=ConversationStatus.AGENT, assigned_at__lt=deadline
    ).values_list("pk", "assigned_at", "last_agent_message_at")
    return [pk for pk, *times in rows if unanswered_since(*times, deadline=deadline)]


def unanswered_since(
    assigned_at: dt.datetime | None, last_agent: dt.datetime | None, *, deadline: dt.datetime
) -> bool:
    """True when the agent was given the chat before `deadline` and has not written in it since."""
    if assigned_at is None:
        return False
    answered = last_agent is not None and last_agent >= assigned_at
    return assigned_at < deadline and not answered


def agent_active_since(*, user_id: int, since: dt.datetime) -> bool:
    """The agent has written to a customer since `since`."""
    return Conversation.objects.filter(
        assigned_agent_id=user_id, last_agent_message_at__gte=since
    ).exists()


def open_order_value_high(*, customer_id: int | None) -> bool:
    if customer_id is None:
        return False
    return Order.objects.filter(
        customer_id=customer_id,
        status__in=(OrderStatus.PENDING, OrderStatus.PROCESSING, OrderStatus.SHIPPED),
        grand_total__gte=settings.DESK_LARGE_ORDER,
    ).exists()


def repeated_contact(*, conversation: Conversation, now: dt.datetime) -> bool:
    customer_id = conversation.verified_customer_id or conversation.customer_id
    if customer_id is None:
        return False
    return (
        Conversation.objects.filter(
            Q(customer_id=customer_id) | Q(verified_customer_id=customer_id),
            created_at__gte=now - dt.timedelta(days=7),
        )
        .exclude(pk=conversation.pk)
        .exists()
    )


def hello_payload(*, user: User, role: Role, presence: str) -> dict[str, Any]:
    """The first frame on the staff socket."""
    profile = AgentProfile.objects.filter(user=user).first()
    return {
        "type": "hello",
        "me": {
            "id": user.pk,
            "username": user.get_username(),
            "name": user.get_full_name() or user.get_username(),
            "role": role,
            "max_chats": profile.max_chats if profile else settings.DESK_MAX_CHATS,
        },
        "presence": presence,
        "queue": queue_payload(),
        "mine": mine_payload(user.pk),
        "agents": agents_payload(),
        "active": active_payload() if role == "supervisor" else [],
    }


def canned_raw_list() -> list[dict[str, Any]]:
    """Active canned responses with their placeholders unfilled (no chat given)."""
    return [
        {"id": c.pk, "title": c.title, "text": c.text}
        for c in CannedResponse.objects.filter(active=True)
    ]


# --- messages left while nobody was at the desk --------------------------------------------------

TICKETS_OPEN_MAX = 200
TICKETS_ANSWERED_RECENT = 10


def ticket_payload(ticket: OfflineTicket) -> TicketItem:
    return {
        "id": ticket.pk,
        "email": ticket.email,
        "text": ticket.text,
        "status": ticket.status,
        "answer": ticket.answer,
        "answered_by": _agent_brief(ticket.answered_by),
        "answered_at": _iso(ticket.answered_at),
        "conversation": str(ticket.conversation_id) if ticket.conversation_id else None,
        "created_at": ticket.created_at.isoformat(),
    }


def ticket_list() -> dict[str, Any]:
    """Open tickets, newest first, then the few most recently answered (GET /desk/api/tickets/).
    Two queries for the rows and one for the count, whatever their number."""
    open_qs = OfflineTicket.objects.filter(status=TicketStatus.OPEN).order_by("-created_at")
    answered = (
        OfflineTicket.objects.filter(status=TicketStatus.ANSWERED)
        .select_related("answered_by")
        .order_by("-answered_at")[:TICKETS_ANSWERED_RECENT]
    )
    rows = [*open_qs[:TICKETS_OPEN_MAX], *answered]
    return {"tickets": [ticket_payload(t) for t in rows], "open": open_qs.count()}
