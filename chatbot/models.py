"""Conversations between a customer and the shop (the assistant, then maybe an agent)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from orders.models import Customer


class ConversationStatus(models.TextChoices):
    BOT = "bot", "With the assistant"
    QUEUED = "queued", "Waiting for an agent"
    AGENT = "agent", "With an agent"
    RESOLVED = "resolved", "Resolved"


# The one transition map (docs/desk.md), enforced in desk.services.conversation_transition.
# agent -> agent is a transfer to another agent.
CONVERSATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ConversationStatus.BOT: frozenset({ConversationStatus.QUEUED}),
    ConversationStatus.QUEUED: frozenset(
        {ConversationStatus.AGENT, ConversationStatus.BOT, ConversationStatus.RESOLVED}
    ),
    ConversationStatus.AGENT: frozenset(
        {
            ConversationStatus.QUEUED,
            ConversationStatus.AGENT,
            ConversationStatus.BOT,
            ConversationStatus.RESOLVED,
        }
    ),
    ConversationStatus.RESOLVED: frozenset({ConversationStatus.BOT}),
}


class Conversation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Who was signed in when the conversation started; None for a guest.
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="conversations"
    )
    # Set by the bot once a guest proved who they are (the bot's brain issue); equals `customer`
    # for a signed-in customer.
    verified_customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ConversationStatus.choices, default=ConversationStatus.BOT
    )
    started_on = models.CharField(max_length=500, blank=True)  # the page the chat began on
    language = models.CharField(max_length=10, default="en")
    last_seq = models.PositiveIntegerField(default=0)  # the newest Message.seq handed out
    # What the assistant remembers between turns (assistant.flows.state.DialogueState).
    bot_state = models.JSONField(default=dict, blank=True)
    # Why the conversation went to a human: "requested", "complaint", "not_sure", "legal", ...
    handoff_reason = models.CharField(max_length=40, blank=True)
    # The agent desk (docs/desk.md). `status` changes only in desk.services.conversation_transition.
    assigned_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="desk_conversations",
    )
    priority = models.IntegerField(default=0)  # in the queue: higher first, then queued_at
    queued_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # The seq of the customer message that began the current bot episode (0: the first one).
    episode_start_seq = models.PositiveIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)  # 1-5, after resolve
    rating_comment = models.TextField(blank=True)
    last_agent_message_at = models.DateTimeField(null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="conversation_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-priority", "queued_at"], name="conversation_queue"),
        ]

    def __str__(self) -> str:
        who = self.customer.email if self.customer else "guest"
        return f"{who} · {self.created_at:%Y-%m-%d %H:%M}"


class MessageRole(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    BOT = "bot", "Assistant"
    AGENT = "agent", "Agent"
    SYSTEM = "system", "System"


class MessageState(models.TextChoices):
    STREAMING = "streaming", "Streaming"
    FINAL = "final", "Final"
    FAILED = "failed", "Failed"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    seq = models.PositiveIntegerField()
    role = models.CharField(max_length=10, choices=MessageRole.choices)
    text = models.TextField(blank=True)
    state = models.CharField(
        max_length=10, choices=MessageState.choices, default=MessageState.FINAL
    )
    reply_to = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    client_id = models.CharField(max_length=64, blank=True)  # the widget's id, for idempotent sends
    attempt = models.CharField(max_length=32, blank=True)  # the generation attempt that wrote it
    # intent, tools used, sources, model name, error, attachments...
    metadata = models.JSONField(default=dict, blank=True)
    # A customer message the assistant owes an answer: set when its reply task is queued, cleared
    # when the reply ends (final or failed) or the chat leaves the assistant. The reply sweep
    # (`assistant.replies.pipeline.reply_sweep`) answers whatever stays owed, whatever the cause.
    needs_reply = models.BooleanField(default=False)
    # Times the sweep queued the reply again.
    reply_requeues = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["conversation", "seq"]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(needs_reply=True), name="message_owed_reply"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "seq"], name="message_seq_unique"),
            # One bot reply row per customer message: a redelivered reply task reuses it, so a
            # customer message can never get two final answers.
            models.UniqueConstraint(
                fields=["reply_to"], condition=Q(role="bot"), name="one_bot_reply_per_message"
            ),
            models.UniqueConstraint(
                fields=["conversation", "client_id"],
                condition=~Q(client_id=""),
                name="message_client_id_unique",
            ),
            models.CheckConstraint(condition=Q(seq__gte=1), name="message_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.role}: {self.text[:60]}"


class Intent(models.TextChoices):
    """What a customer's message asks for; the labels of
    assistant/understanding/data/intents.jsonl."""

    ORDER_STATUS = "order_status", "Order status"
    TRACK_SHIPMENT = "track_shipment", "Track shipment"
    CANCEL_ORDER = "cancel_order", "Cancel order"
    CHANGE_ORDER = "change_order", "Change order"
    RETURN_REFUND = "return_refund", "Return or refund"
    PAYMENT_ISSUE = "payment_issue", "Payment issue"
    SHIPPING_INFO = "shipping_info", "Shipping info"
    PRODUCT_QUESTION = "product_question", "Product question"
    PRODUCT_RECOMMENDATION = "product_recommendation", "Product recommendation"
    PLACE_ORDER = "place_order", "Place order"
    ACCOUNT = "account", "Account"
    COMPLAINT = "complaint", "Complaint"
    HUMAN_AGENT = "human_agent", "Human agent"
    GREETING = "greeting", "Greeting"
    THANKS = "thanks", "Thanks"
    GOODBYE = "goodbye", "Goodbye"
    SMALL_TALK = "small_talk", "Small talk"  # "are you a bot?", "how are you", "what's your name"
    OUT_OF_SCOPE = "out_of_scope", "Out of scope"


class IntentExample(models.Model):
    """A phrasing staff taught the assistant, trained on together with the project's data file
    (`assistant.understanding.intents`). Inactive rows are kept, not deleted, so a bad example
    can be switched off and back on."""

    text = models.CharField(max_length=500)
    label = models.CharField(max_length=32, choices=Intent.choices)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["label", "text"]
        constraints = [
            # One text, one label: the same words taught as two intents would only blur both.
            models.UniqueConstraint(fields=["text"], name="intent_example_text_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.text[:60]}"
