"""The desk in the staff console: agents' profiles, canned responses, notes, offline tickets and
the audit trail of conversation state changes (read-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from desk.models import AgentProfile, CannedResponse, ConversationEvent, Note, OfflineTicket


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin[AgentProfile]):
    list_display = ["user", "presence", "max_chats", "last_seen_at", "last_assigned_at"]
    list_filter = ["presence"]
    list_editable = ["max_chats"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    readonly_fields = ["last_seen_at", "last_assigned_at"]
    list_select_related = ["user"]


@admin.register(CannedResponse)
class CannedResponseAdmin(admin.ModelAdmin[CannedResponse]):
    list_display = ["title", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["title", "text"]
    fields = ["title", "text", "active"]
    help_texts = {"text": "Placeholders: {customer_name}, {order_number}, {agent_name}."}

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["text"].help_text = self.help_texts["text"]
        return form


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ConversationEvent)
class ConversationEventAdmin(_ReadOnly):
    list_display = [
        "created_at",
        "conversation",
        "kind",
        "from_status",
        "to_status",
        "actor_label",
        "agent",
        "reason",
    ]
    list_filter = ["kind", "to_status"]
    search_fields = ["conversation__id", "actor_label", "reason"]
    list_select_related = ["conversation", "conversation__customer", "agent"]


@admin.register(Note)
class NoteAdmin(_ReadOnly):
    list_display = ["created_at", "conversation", "author", "text"]
    search_fields = ["text", "conversation__id"]
    list_select_related = ["conversation", "conversation__customer", "author"]


@admin.register(OfflineTicket)
class OfflineTicketAdmin(admin.ModelAdmin[OfflineTicket]):
    list_display = ["created_at", "email", "status", "answered_by", "answered_at"]
    list_filter = ["status"]
    search_fields = ["email", "text", "answer"]
    readonly_fields = [
        "conversation",
        "customer",
        "email",
        "text",
        "status",
        "answer",
        "answered_by",
        "answered_at",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
