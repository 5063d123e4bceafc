"""Writes for the agent desk (docs/desk.md). Every change of `Conversation.status` goes through
`conversation_transition`, under the conversation's row lock, and is audited as a
`ConversationEvent`. Pushes to sockets happen after commit (chatbot.events, desk.events).

Lock order, to rule out deadlocks: an agent's `AgentProfile` row before any conversation row."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from chatbot import events as chat_events
from chatbot import services as chat_services
from chatbot import staff as chat_staff
from chatbot.models import (
    CONVERSATION_TRANSITIONS,
    Conversation,
    ConversationStatus,
    Message,
    MessageRole,
)
from desk import events, selectors
from desk.models import (
    AgentProfile,
    ConversationEvent,
    EventKind,
    Note,
    OfflineTicket,
    Presence,
    TicketStatus,
)
from orders.actors import Actor

Status = ConversationStatus
# Handoff reasons that move a chat up the queue (+2).
URGENT_REASONS = ("complaint", "angry", "legal", "chargeback", "safety")


class DeskError(chat_staff.Refused):
    """An action the desk refuses; `code` is the staff protocol's error code."""


class ClaimError(DeskError):
    """`already_claimed` (another agent was first), `not_queued` or `at_capacity`."""


def _text(code: str, lang: str, **values: str) -> str:
    """A system message to the customer, in the conversation's language `lang`."""
    with translation.override(chat_services.django_language(lang)):
        return SYSTEM_TEXTS[code]() % values


# Translated when called (the customer's language is only known then).
SYSTEM_TEXTS: dict[str, Callable[[], str]] = {
    "joined": lambda: _("%(name)s from our team has joined the chat."),
    "transferred": lambda: _("%(name)s from our team has taken over the chat."),
    "handed_back": lambda: _("You're chatting with our assistant again."),
    "resolved": lambda: _(
        "This chat has been marked as resolved. Write again any time if you need more help."
    ),
    "ticket": lambda: _("Thanks! We've got your message and will answer you at %(email)s."),
    # What an agent did to an order from the chat's sidebar, told to the customer in the chat.
    "order_cancel": lambda: _("%(name)s cancelled order %(number)s."),
    "order_swap": lambda: _("%(name)s changed %(product)s on order %(number)s to %(variant)s."),
    "order_address": lambda: _("%(name)s changed the shipping address of order %(number)s."),
    "order_return": lambda: _("%(name)s opened return %(rma)s for order %(number)s."),
}


def _name(user: User) -> str:
    return user.first_name or user.get_username()


def _require_role(user: User) -> selectors.Role:
    role = selectors.user_role(user)
    if role is None:
        raise DeskError("forbidden", _("only agents and supervisors can use the desk"))
    return role


def _refresh_on_commit(*agent_ids: int | None) -> None:
    ids = frozenset(i for i in agent_ids if i is not None)
    transaction.on_commit(lambda: events.queue_changed(agent_ids=ids))


def _dispatch_on_commit(avoid: dict[uuid.UUID, int] | None = None) -> None:
    if settings.DESK_AUTO_ASSIGN:
        transaction.on_commit(lambda: queue_dispatch(avoid=avoid))


def _lock(conversation_id: uuid.UUID | str) -> Conversation:
    try:
        pk = uuid.UUID(str(conversation_id))
    except ValueError:
        raise DeskError("not_found", _("no such conversation")) from None
    try:
        return chat_services.conversation_lock(pk)
    except Conversation.DoesNotExist:
        raise DeskError("not_found", _("no such conversation")) from None


def _profile_lock(user: User) -> AgentProfile:
    AgentProfile.objects.get_or_create(user=user)
    return AgentProfile.objects.select_for_update().get(user=user)


# --- the state machine ---------------------------------------------------------------------------


def conversation_transition(
    *,
    conversation: Conversation,
    to_status: str,
    actor: User | None,
    actor_label: str = "",
    reason: str = "",
    agent: User | None = None,
    kind: str = EventKind.TRANSITION,
) -> ConversationEvent:
    """Move a locked conversation along CONVERSATION_TRANSITIONS: the only place its status
    changes. Sets the desk's timestamps and assignment, audits the change and tells the customer
    the new status after commit."""
    from_status = conversation.status
    if to_status not in CONVERSATION_TRANSITIONS[from_status]:
        raise DeskError(
            "transition_not_allowed",
            _("a %(from)s conversation can't become %(to)s")
            % {"from": from_status, "to": to_status},
        )
    now = timezone.now()
    if to_status == Status.QUEUED:
        # A chat put back from an agent keeps its place: the customer has waited already.
        if from_status == Status.BOT or conversation.queued_at is None:
            conversation.queued_at = now
        conversation.assigned_agent = None
        conversation.assigned_at = None
    elif to_status == Status.AGENT:
        if agent is None:
            raise ValueError("an agent takes the conversation")
        conversation.assigned_agent = agent
        conversation.assigned_at = now
    elif to_status == Status.BOT:
        conversation.assigned_agent = None
        conversation.assigned_at = None
        conversation.queued_at = None
    elif to_status == Status.RESOLVED:
        conversation.resolved_at = now  # the agent stays recorded, for handle times
    conversation.status = to_status
    conversation.save(
        update_fields=[
            "status",
            "assigned_agent",
            "assigned_at",
            "queued_at",
            "resolved_at",
            "updated_at",
        ]
    )
    event = ConversationEvent.objects.create(
        conversation=conversation,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_label=(actor.get_username() if actor is not None else actor_label)[:150],
        agent=conversation.assigned_agent,
        reason=reason[:200],
        created_at=now,
    )
    transaction.on_commit(
        lambda: chat_events.publish(conversation.pk, chat_events.status_event(to_status))
    )
    return event


# --- handoff, the queue and assignment -----------------------------------------------------------


def handoff_priority(*, conversation: Conversation, reason: str, now: dt.datetime) -> int:
    priority = 0
    if any(word in reason.lower() for word in URGENT_REASONS):
        priority += 2
    customer_id = conversation.verified_customer_id or conversation.customer_id
    if selectors.open_order_value_high(customer_id=customer_id):
        priority += 1
    if selectors.repeated_contact(conversation=conversation, now=now):
        priority += 1
    return priority


def conversation_handoff(*, conversation_id: uuid.UUID, reason: str = "requested") -> Conversation:
    """bot → queued (`chatbot.services.conversation_request_handoff` calls this): compute the
    priority, tell the customer (and, when nobody can answer live, offer to leave a message),
    notify the desk and auto-assign."""
    with transaction.atomic():
        conversation = _lock(conversation_id)
        if conversation.status != Status.BOT:
            return conversation
        conversation.handoff_reason = reason[:40]
        conversation.priority = handoff_priority(
            conversation=conversation, reason=reason, now=timezone.now()
        )
        conversation.save(update_fields=["handoff_reason", "priority", "updated_at"])
        conversation_transition(
            conversation=conversation,
            to_status=Status.QUEUED,
            actor=None,
            actor_label="assistant",
            reason=reason,
        )
        lang = conversation.language
        if selectors.agents_available():
            text = chat_services.handoff_text(language=lang)
            metadata = {}
        else:
            text = chat_services.handoff_text(language=lang, offline=True)
            metadata = {"attachments": [{"type": "offline_form"}]}
        chat_services.message_add(
            conversation=conversation, role=MessageRole.SYSTEM, text=text, metadata=metadata
        )
        pk = conversation.pk
        transaction.on_commit(lambda: events.notify(conversation_id=pk, reason=reason))
        _refresh_on_commit()
        _dispatch_on_commit()
    return conversation


def queue_dispatch(*, avoid: dict[uuid.UUID, int] | None = None) -> list[tuple[uuid.UUID, int]]:
    """Auto-assignment: give each queued chat, first served first, to the least-loaded online
    agent with capacity (ties: who has waited longest since their last assignment). `avoid`
    keeps a chat from the agent who just let it go. Returns (conversation, agent) pairs."""
    if not settings.DESK_AUTO_ASSIGN:
        return []
    avoid = avoid or {}
    assigned: list[tuple[uuid.UUID, int]] = []
    with transaction.atomic():
        profiles = list(
            AgentProfile.objects.select_for_update()
            .filter(presence=Presence.ONLINE, user__in=selectors.desk_users().values("pk"))
            .order_by("pk")
        )
        if not profiles:
            return []
        loads = dict(
            Conversation.objects.filter(
                status=Status.AGENT, assigned_agent_id__in=[p.user_id for p in profiles]
            )
            .values("assigned_agent_id")
            .annotate(n=Count("pk"))
            .values_list("assigned_agent_id", "n")
        )
        # Chats another transaction holds (being claimed right now) are left to it.
        queued = list(
            Conversation.objects.select_for_update(skip_locked=True)
            .filter(status=Status.QUEUED)
            .order_by("-priority", "queued_at", "created_at")
        )
        oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
        for conversation in queued:
            free = [
                p
                for p in profiles
                if loads.get(p.user_id, 0) < p.max_chats and avoid.get(conversation.pk) != p.user_id
            ]
            if not free:
                continue
            best = min(
                free,
                key=lambda p: (loads.get(p.user_id, 0), p.last_assigned_at or oldest, p.pk),
            )
            _assign(conversation=conversation, profile=best, actor=None, kind=EventKind.ASSIGN)
            loads[best.user_id] = loads.get(best.user_id, 0) + 1
            assigned.append((conversation.pk, best.user_id))
        if assigned:
            _refresh_on_commit(*(agent for _, agent in assigned))
    return assigned


def _assign(
    *,
    conversation: Conversation,
    profile: AgentProfile,
    actor: User | None,
    kind: str,
    reason: str = "",
) -> None:
    """queued|agent → agent for `profile`'s user (both rows locked by the caller)."""
    transferred = conversation.status == Status.AGENT
    conversation_transition(
        conversation=conversation,
        to_status=Status.AGENT,
        actor=actor,
        actor_label="auto-assign",
        reason=reason,
        agent=profile.user,
        kind=kind,
    )
    profile.last_assigned_at = timezone.now()
    profile.save(update_fields=["last_assigned_at"])
    if _last_joined(conversation) == profile.user_id:
        return  # the same agent again (after a timeout or a release): no second "joined" line
    chat_services.message_add(
        conversation=conversation,
        role=MessageRole.SYSTEM,
        text=_text(
            "transferred" if transferred else "joined",
            conversation.language,
            name=_name(profile.user),
        ),
        metadata={"joined": profile.user_id},
    )


def _last_joined(conversation: Conversation) -> int | None:
    """The agent the customer was last told had joined this episode's chat, unless the
    assistant has had the chat back since."""
    lines = (
        conversation.messages.filter(
            seq__gte=conversation.episode_start_seq, role=MessageRole.SYSTEM
        )
        .order_by("-seq")
        .values_list("metadata", flat=True)[:20]
    )
    for metadata in lines:
        if not isinstance(metadata, dict):
            continue
        if metadata.get("handed_back"):
            return None
        joined = metadata.get("joined")
        if isinstance(joined, int):
            return joined
    return None


def conversation_claim(*, conversation_id: uuid.UUID | str, user: User) -> Conversation:
    """An agent takes a queued chat. Row-locked: of two agents claiming at once, exactly one gets
    it and the other gets ClaimError("already_claimed")."""
    _require_role(user)
    with transaction.atomic():
        profile = _profile_lock(user)
        conversation = _lock(conversation_id)
        if conversation.status == Status.AGENT and conversation.assigned_agent_id == user.pk:
            return conversation  # a double click
        if conversation.status == Status.AGENT:
            raise ClaimError("already_claimed", _("another agent has already taken this chat"))
        if conversation.status != Status.QUEUED:
            raise ClaimError("not_queued", _("this chat is not waiting in the queue"))
        if selectors.agent_load(user_id=user.pk) >= profile.max_chats:
            raise ClaimError(
                "at_capacity",
                _("you already have %(n)s chats") % {"n": profile.max_chats},
            )
        _assign(conversation=conversation, profile=profile, actor=user, kind=EventKind.CLAIM)
        _refresh_on_commit(user.pk)
    return conversation


def _handled(conversation_id: uuid.UUID | str, user: User) -> Conversation:
    """The locked conversation, if `user` may act on it as its agent (or as a supervisor)."""
    _require_role(user)
    conversation = _lock(conversation_id)
    if conversation.status == Status.QUEUED:
        return conversation  # any agent may act on a waiting chat
    if not selectors.may_handle(user=user, conversation=conversation):
        raise DeskError("forbidden", _("this chat is assigned to another agent"))
    return conversation


def conversation_release(*, conversation_id: uuid.UUID | str, user: User) -> Conversation:
    """agent → queued: the agent lets the chat go (it keeps its place in the queue)."""
    with transaction.atomic():
        conversation = _handled(conversation_id, user)
        if conversation.status != Status.AGENT:
            raise DeskError("not_active", _("only a chat an agent has can be released"))
        previous = conversation.assigned_agent_id
        conversation_transition(
            conversation=conversation, to_status=Status.QUEUED, actor=user, reason="released"
        )
        _refresh_on_commit(previous)
        _dispatch_on_commit({conversation.pk: user.pk})
    return conversation


def conversation_transfer(
    *, conversation_id: uuid.UUID | str, user: User, to_user_id: int
) -> Conversation:
    """agent → agent (a transfer), or queued → agent chosen by a supervisor. An agent transfers
    only their own chats; supervisors any."""
    role = _require_role(user)
    target = User.objects.filter(pk=to_user_id).first() if isinstance(to_user_id, int) else None
    if target is None or selectors.user_role(target) is None:
        raise DeskError("bad_agent", _("transfer to an agent or a supervisor"))
    with transaction.atomic():
        profile = _profile_lock(target)
        conversation = _lock(conversation_id)
        if conversation.status == Status.QUEUED:
            if role != "supervisor":
                raise DeskError("forbidden", _("only supervisors assign chats from the queue"))
        elif conversation.status != Status.AGENT:
            raise DeskError("not_active", _("only an active chat can be transferred"))
        elif not selectors.may_handle(user=user, conversation=conversation):
            raise DeskError("forbidden", _("this chat is assigned to another agent"))
        if conversation.assigned_agent_id == target.pk:
            return conversation
        if profile.presence == Presence.OFFLINE:
            raise ClaimError(
                "agent_offline",
                _("%(name)s is offline: the customer would wait for nobody")
                % {"name": _name(target)},
            )
        if selectors.agent_load(user_id=target.pk) >= profile.max_chats:
            raise ClaimError(
                "at_capacity",
                _("%(name)s has no room for another chat") % {"name": _name(target)},
            )
        previous = conversation.assigned_agent_id
        kind = EventKind.TRANSFER if conversation.status == Status.AGENT else EventKind.ASSIGN
        _assign(
            conversation=conversation,
            profile=profile,
            actor=user,
            kind=kind,
            reason=f"to {target.get_username()}",
        )
        _refresh_on_commit(previous, target.pk)
    return conversation


def conversation_hand_back(*, conversation_id: uuid.UUID | str, user: User) -> Conversation:
    """agent|queued → bot: the assistant answers the customer's next message."""
    with transaction.atomic():
        conversation = _handled(conversation_id, user)
        previous = conversation.assigned_agent_id
        conversation_transition(
            conversation=conversation, to_status=Status.BOT, actor=user, reason="hand_back"
        )
        chat_services.message_add(
            conversation=conversation,
            role=MessageRole.SYSTEM,
            text=_text("handed_back", conversation.language),
            metadata={"handed_back": True},
        )
        _refresh_on_commit(previous)
        _dispatch_on_commit()
    return conversation


def conversation_leave_queue(*, conversation_id: uuid.UUID | str) -> bool:
    """queued → bot at the customer's wish ("I'll carry on with the assistant"): the chat leaves
    the queue and the assistant goes on. False when the chat isn't waiting in the queue."""
    with transaction.atomic():
        conversation = _lock(conversation_id)
        if conversation.status != Status.QUEUED:
            return False
        conversation_transition(
            conversation=conversation,
            to_status=Status.BOT,
            actor=None,
            actor_label="customer",
            reason="left_queue",
        )
        chat_services.message_add(
            conversation=conversation,
            role=MessageRole.SYSTEM,
            text=_text("handed_back", conversation.language),
            metadata={"handed_back": True},
        )
        _refresh_on_commit()
    return True


def conversation_resolve(*, conversation_id: uuid.UUID | str, user: User) -> Conversation:
    """agent|queued → resolved. The widget then asks for a rating."""
    with transaction.atomic():
        conversation = _handled(conversation_id, user)
        previous = conversation.assigned_agent_id
        conversation_transition(
            conversation=conversation, to_status=Status.RESOLVED, actor=user, reason="resolved"
        )
        chat_services.message_add(
            conversation=conversation,
            role=MessageRole.SYSTEM,
            text=_text("resolved", conversation.language),
        )
        _refresh_on_commit(previous)
        _dispatch_on_commit()
    return conversation


def conversation_reopen(*, conversation: Conversation, seq: int) -> None:
    """resolved → bot when the customer writes again: a new episode starting at the message
    `seq`, with a fresh dialogue state. The caller holds the row lock (message_post_customer)."""
    conversation_transition(
        conversation=conversation,
        to_status=Status.BOT,
        actor=None,
        actor_label="customer",
        reason="new episode",
    )
    conversation.episode_start_seq = seq
    conversation.bot_state = {}
    conversation.handoff_reason = ""
    conversation.priority = 0
    conversation.save(
        update_fields=["episode_start_seq", "bot_state", "handoff_reason", "priority", "updated_at"]
    )


def conversation_rate(*, conversation_id: uuid.UUID | str, score: object, comment: str) -> bool:
    """The customer's rating of a resolved chat (1-5, optional comment). False, and nothing
    stored, for a bad score or a chat that isn't resolved."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        return False
    comment = chat_services.text_normalize(comment)[:1000] if isinstance(comment, str) else ""
    with transaction.atomic():
        conversation = _lock(conversation_id)
        if conversation.status != Status.RESOLVED:
            return False
        conversation.rating = score
        conversation.rating_comment = comment
        conversation.save(update_fields=["rating", "rating_comment", "updated_at"])
        ConversationEvent.objects.create(
            conversation=conversation,
            kind=EventKind.RATING,
            from_status=conversation.status,
            to_status=conversation.status,
            actor_label="customer",
            agent=conversation.assigned_agent,
            reason=f"{score}/5",
        )
    return True


def requeue_stale(*, now: dt.datetime | None = None) -> list[uuid.UUID]:
    """Put back in the queue every chat its agent has not answered at all within
    DESK_REPLY_TIMEOUT_MIN of being given it, and tell the agent. A chat the agent has answered
    stays theirs. The agent is marked away only when they have answered nobody in that time (an
    agent at work is never set away), so the queue doesn't hand the chat straight back.
    Idempotent."""
    now = now or timezone.now()
    deadline = now - dt.timedelta(minutes=settings.DESK_REPLY_TIMEOUT_MIN)
    requeued: list[uuid.UUID] = []
    agents: dict[int, list[uuid.UUID]] = {}
    for pk in selectors.stale_candidates(now=now):
        with transaction.atomic():
            conversation = _lock(pk)
            if conversation.status != Status.AGENT or not selectors.unanswered_since(
                conversation.assigned_at, conversation.last_agent_message_at, deadline=deadline
            ):
                continue
            agent_id = conversation.assigned_agent_id
            conversation_transition(
                conversation=conversation,
                to_status=Status.QUEUED,
                actor=None,
                actor_label="reply timeout",
                reason="reply_timeout",
            )
            _refresh_on_commit(agent_id)
        requeued.append(pk)
        if agent_id is not None:
            agents.setdefault(agent_id, []).append(pk)
    for user in User.objects.filter(pk__in=agents):  # after the chats' locks (lock order)
        if selectors.user_role(user) is None:
            continue
        events.requeued(user_id=user.pk, conversation_ids=agents[user.pk])
        if not selectors.agent_active_since(user_id=user.pk, since=deadline):
            presence_set(user=user, state=Presence.AWAY, why="reply_timeout")
    if requeued:
        # Never straight back to the agent who left it unanswered.
        queue_dispatch(avoid={pk: agent for agent, pks in agents.items() for pk in pks})
    return requeued


# --- agents' actions in a chat -------------------------------------------------------------------


def agent_message_post(
    *, conversation_id: uuid.UUID | str, user: User, text: object, client_id: str = ""
) -> tuple[Message, bool]:
    """An agent's message to the customer (role agent), broadcast to the chat after commit.
    A resent `client_id` returns the original message."""
    _require_role(user)
    try:
        clean = chat_services.text_validate(text)
    except chat_services.ChatInputError as error:
        raise DeskError(error.code, error.message) from None
    client_id = client_id[:64] if isinstance(client_id, str) else ""
    with transaction.atomic():
        conversation = _lock(conversation_id)
        if client_id:
            existing = conversation.messages.filter(client_id=client_id).first()
            if existing is not None:
                return existing, False
        if not selectors.may_handle(user=user, conversation=conversation):
            raise DeskError("forbidden", _("claim the chat before writing in it"))
        if conversation.status != Status.AGENT:
            raise DeskError("not_active", _("this chat isn't with an agent"))
        message = chat_services.message_add(
            conversation=conversation,
            role=MessageRole.AGENT,
            text=clean,
            client_id=client_id,
            metadata={"author": _name(user), "agent_id": user.pk},
        )
        conversation.last_agent_message_at = message.created_at
        conversation.save(update_fields=["last_agent_message_at", "updated_at"])
        _refresh_on_commit(conversation.assigned_agent_id)
    return message, True


def agent_typing(*, conversation_id: uuid.UUID | str, user: User, on: bool) -> None:
    """Show the customer that the agent is typing."""
    conversation = selectors.conversation_get(conversation_id=conversation_id)
    if conversation is None or not selectors.may_handle(user=user, conversation=conversation):
        raise DeskError("forbidden", _("this chat is assigned to another agent"))
    chat_events.publish(conversation.pk, chat_events.typing_event(on, role="agent"))


def note_add(*, conversation_id: uuid.UUID | str, user: User, text: object) -> Note:
    """An internal note: pushed to the staff watching the chat, never to the customer."""
    _require_role(user)
    try:
        clean = chat_services.text_validate(text)
    except chat_services.ChatInputError as error:
        raise DeskError(error.code, error.message) from None
    with transaction.atomic():
        conversation = _lock(conversation_id)
        if not selectors.may_open(user=user, conversation=conversation):
            raise DeskError("forbidden", _("this chat is assigned to another agent"))
        note = Note.objects.create(conversation=conversation, author=user, text=clean)
        payload = {"type": "note", "note": selectors.note_payload(note)}
        transaction.on_commit(lambda: events.staff_publish(conversation.pk, payload))
    return note


def presence_set(*, user: User, state: str, why: str = "", chosen: bool = True) -> AgentProfile:
    """online, away or offline. Going online takes chats waiting in the queue. `chosen`: the
    agent picked it (kept, and restored when the desk reconnects soon after a drop)."""
    _require_role(user)
    if state not in Presence.values:
        raise DeskError("bad_presence", _("presence is online, away or offline"))
    with transaction.atomic():
        profile = _profile_lock(user)
        profile.presence = state
        profile.last_seen_at = timezone.now()
        fields = ["presence", "last_seen_at"]
        if chosen:
            profile.chosen_presence = state
            fields.append("chosen_presence")
        profile.save(update_fields=fields)
        transaction.on_commit(
            lambda: events.presence_changed(user_id=user.pk, presence=state, reason=why)
        )
        if state == Presence.ONLINE:
            _dispatch_on_commit()
    return profile


def presence_connect(*, user: User, now: dt.datetime | None = None) -> str:
    """The presence of an agent whose desk has just connected. Signing in never puts an agent
    online by itself: a desk that reconnects within DESK_RECONNECT_GRACE_S of its last drop (a
    reload) gets back what the agent chose; otherwise the agent starts offline and picks."""
    now = now or timezone.now()
    _require_role(user)
    with transaction.atomic():
        profile = _profile_lock(user)
        if profile.presence != Presence.OFFLINE:
            # Another desk of this agent is open (a second tab): it keeps what they chose.
            return str(profile.presence)
        recent = profile.last_seen_at is not None and (now - profile.last_seen_at) <= dt.timedelta(
            seconds=settings.DESK_RECONNECT_GRACE_S
        )
        state = profile.chosen_presence if recent else Presence.OFFLINE
    presence_set(user=user, state=state, why="connected", chosen=False)
    return state


def presence_disconnect(*, user: User) -> None:
    """The desk's last connection closed: offline for assignment, the agent's choice kept."""
    presence_set(user=user, state=Presence.OFFLINE, why="disconnected", chosen=False)


# --- messages left while nobody was at the desk --------------------------------------------------


def offline_ticket_create(
    *, conversation_id: uuid.UUID | str, email: object, text: object
) -> OfflineTicket:
    """The customer's message and email address (POST /chat/offline/). A chat waiting in the
    queue is resolved: the ticket is now the way it gets answered."""
    email = email.strip() if isinstance(email, str) else ""
    try:
        validate_email(email)
    except ValidationError:
        raise DeskError("bad_email", _("enter a valid email address")) from None
    try:
        clean = chat_services.text_validate(text)
    except chat_services.ChatInputError as error:
        raise DeskError(error.code, error.message) from None
    with transaction.atomic():
        conversation = _lock(conversation_id)
        ticket = OfflineTicket.objects.create(
            conversation=conversation, customer=conversation.customer, email=email, text=clean
        )
        chat_services.message_add(
            conversation=conversation,
            role=MessageRole.SYSTEM,
            text=_text("ticket", conversation.language, email=email),
        )
        if conversation.status == Status.QUEUED:
            conversation_transition(
                conversation=conversation,
                to_status=Status.RESOLVED,
                actor=None,
                actor_label="customer",
                reason="offline_ticket",
            )
            _refresh_on_commit()
        payload = {
            "type": "ticket",
            "ticket": {"id": ticket.pk, "status": ticket.status, "email": email, "text": clean},
        }
        transaction.on_commit(lambda: events.publish(events.QUEUE_GROUP, payload))
    return ticket


def offline_ticket_answer(*, ticket_id: int, user: User, text: object) -> OfflineTicket:
    """Email the agent's answer to the address the customer left. Sent inside the transaction:
    if the mail server refuses it, the ticket stays open to try again."""
    _require_role(user)
    try:
        clean = chat_services.text_validate(text)
    except chat_services.ChatInputError as error:
        raise DeskError(error.code, error.message) from None
    with transaction.atomic():
        ticket = OfflineTicket.objects.select_for_update().filter(pk=ticket_id).first()
        if ticket is None:
            raise DeskError("not_found", _("no such ticket"))
        if ticket.status == TicketStatus.ANSWERED:
            raise DeskError("already_answered", _("this message has been answered"))
        ticket.answer = clean
        ticket.answered_by = user
        ticket.answered_at = timezone.now()
        ticket.status = TicketStatus.ANSWERED
        ticket.save(update_fields=["answer", "answered_by", "answered_at", "status"])
        # In the language of the chat the message was left from.
        conversation = ticket.conversation
        language = conversation.language if conversation is not None else "en"
        with translation.override(chat_services.django_language(language)):
            subject = _("Re: your message to %(shop)s") % {"shop": settings.SHOP_NAME}
        send_mail(
            subject=subject,
            message=f"{clean}\n\n— {_name(user)}, {settings.SHOP_NAME}\n\n"
            f"> {ticket.text.replace(chr(10), chr(10) + '> ')}",
            from_email=None,
            recipient_list=[ticket.email],
        )
        # Other desks drop it from their open list without waiting for their next poll.
        answered = {"type": "ticket", "ticket": {"id": ticket.pk, "status": ticket.status}}
        transaction.on_commit(lambda: events.publish(events.QUEUE_GROUP, answered))
    return ticket


# --- orders, from the customer sidebar -----------------------------------------------------------


def order_action_announce(
    *, conversation_id: uuid.UUID | str, user: User, code: str, number: str, **values: str
) -> None:
    """Tell the customer in the chat what the agent just did to one of their orders (and mark
    it: the agent's `{order_number}` placeholders mean this order from now on)."""
    with transaction.atomic():
        conversation = _lock(conversation_id)
        chat_services.message_add(
            conversation=conversation,
            role=MessageRole.SYSTEM,
            text=_text(code, conversation.language, name=_name(user), number=number, **values),
            metadata={"order_action": number},
        )


def order_actor(*, conversation_id: uuid.UUID | str, user: User) -> Actor:
    """The actor for an order action from a chat: the agent, limited to the chat's verified
    customer (the order services then refuse anyone else's orders as `OrderNotFound`)."""
    _require_role(user)
    conversation = selectors.conversation_get(conversation_id=conversation_id)
    if conversation is None:
        raise DeskError("not_found", _("no such conversation"))
    if not selectors.may_handle(user=user, conversation=conversation):
        raise DeskError("forbidden", _("this chat is assigned to another agent"))
    if conversation.verified_customer is None:
        raise DeskError("not_verified", _("the customer in this chat hasn't been verified"))
    return dataclasses.replace(Actor.agent(user), on_behalf_of=conversation.verified_customer)


class StaffDesk:
    """The desk as the chat's staff side (`chatbot.staff`), registered by `desk.apps`."""

    def handoff(self, *, conversation_id: uuid.UUID, reason: str) -> Conversation:
        return conversation_handoff(conversation_id=conversation_id, reason=reason)

    def reopen(self, *, conversation: Conversation, seq: int) -> None:
        conversation_reopen(conversation=conversation, seq=seq)

    def rate(self, *, conversation_id: uuid.UUID, score: int, comment: str) -> bool:
        return conversation_rate(conversation_id=conversation_id, score=score, comment=comment)

    def leave_queue(self, *, conversation_id: uuid.UUID) -> bool:
        return conversation_leave_queue(conversation_id=conversation_id)

    def offline_message(self, *, conversation_id: uuid.UUID, email: Any, text: Any) -> int:
        return offline_ticket_create(conversation_id=conversation_id, email=email, text=text).pk

    def publish_to_watchers(self, conversation_id: uuid.UUID | str, event: dict[str, Any]) -> None:
        events.staff_publish(conversation_id, event)
