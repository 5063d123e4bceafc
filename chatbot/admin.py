"""Conversations in the staff console: read-only transcripts."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from chatbot.models import Conversation, Message


class MessageInline(admin.TabularInline[Message, Conversation]):
    model = Message
    extra = 0
    can_delete = False
    fields = readonly_fields = ("seq", "role", "text", "state", "attempt", "metadata", "created_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin[Conversation]):
    list_display = [
        "id",
        "customer",
        "status",
        "assigned_agent",
        "rating",
        "message_count",
        "language",
        "updated_at",
    ]
    list_filter = ["status", "language", "rating"]
    search_fields = ["id", "customer__email", "messages__text"]
    readonly_fields = [
        "id",
        "customer",
        "verified_customer",
        "status",
        "started_on",
        "language",
        "last_seq",
        "handoff_reason",
        "priority",
        "assigned_agent",
        "queued_at",
        "assigned_at",
        "resolved_at",
        "episode_start_seq",
        "rating",
        "rating_comment",
        "created_at",
        "updated_at",
    ]
    inlines = [MessageInline]
    list_select_related = ["customer", "assigned_agent"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Conversation]:
        return super().get_queryset(request).annotate(n_messages=Count("messages"))

    @admin.display(description="messages", ordering="n_messages")
    def message_count(self, obj: Conversation) -> int:
        return int(obj.n_messages)  # type: ignore[attr-defined]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
