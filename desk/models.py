"""The agent desk (docs/desk.md): agents' presence, the audit trail of every conversation state
change, canned responses, internal notes and messages left while nobody was at the desk.

A separate app from `chatbot` because it grows its own models, screens and staff socket; the
conversation itself (and its status) stays in `chatbot`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from chatbot.models import Conversation
from orders.models import Customer

AGENTS_GROUP = "Agents"
SUPERVISORS_GROUP = "Supervisors"


def default_max_chats() -> int:
    return int(settings.DESK_MAX_CHATS)


class Presence(models.TextChoices):
    ONLINE = "online", "Online"
    AWAY = "away", "Away"
    OFFLINE = "offline", "Offline"


class AgentProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile"
    )
    presence = models.CharField(max_length=10, choices=Presence.choices, default=Presence.OFFLINE)
    # What the agent last picked: restored when the desk reconnects within
    # DESK_RECONNECT_GRACE_S (a reload, a network blip); a fresh sign-in starts offline.
    chosen_presence = models.CharField(
        max_length=10, choices=Presence.choices, default=Presence.OFFLINE
    )
    max_chats = models.PositiveSmallIntegerField(default=default_max_chats)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    # Ties in auto-assignment go to whoever has waited longest since their last chat.
    last_assigned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"{self.user} ({self.presence})"


class EventKind(models.TextChoices):
    TRANSITION = "transition", "Status change"
    CLAIM = "claim", "Claimed"
    ASSIGN = "assign", "Auto-assigned"
    TRANSFER = "transfer", "Transferred"
    RATING = "rating", "Rated"


class ConversationEvent(models.Model):
    """One change of a conversation's status (or of its agent): who, when, from, to, why."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=EventKind.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    # Who did it; None for the assistant, the customer or a periodic task (see `actor_label`).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    # The agent who has the conversation after the change, if any.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["conversation", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.from_status} → {self.to_status} by {self.actor_label}"


class CannedResponse(models.Model):
    """A ready answer for agents. `text` may use {customer_name}, {order_number} and
    {agent_name}; anything else in braces is left as written."""

    title = models.CharField(max_length=100)
    text = models.TextField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Note(models.Model):
    """An internal note on a conversation: staff only, never sent to the customer's socket."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["conversation", "created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class TicketStatus(models.TextChoices):
    OPEN = "open", "Open"
    ANSWERED = "answered", "Answered"


class OfflineTicket(models.Model):
    """A message left in the chat while no agent was available; answered by email."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.EmailField()
    text = models.TextField()
    status = models.CharField(
        max_length=10, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email}: {self.text[:60]}"
