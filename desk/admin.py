"""The desk in the staff console: agents' profiles, canned responses, notes, offline tickets and
the audit trail of conversation state changes (read-only)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chatbot.admin import ConversationAdmin, MessageInline
from chatbot.models import Conversation, Intent, Message, MessageRole
from desk import conversations
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


# --- conversations for the people who run support ---------------------------------------------
# chatbot.admin registers the read-only transcript; here it gains what the desk knows (handoffs,
# agents, the audit trail), the filters supervisors need, and export.


def _reads_conversations(request: HttpRequest) -> bool:
    """Supervisors (and superusers) read every conversation in the console, whatever model
    permissions the shop gave their group; agents work chats in the desk only."""
    from desk.selectors import user_role

    return bool(request.user.is_superuser) or user_role(request.user) == "supervisor"


class _ReadOnlyForSupervisors:
    """An inline supervisors can read and nobody can change."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _reads_conversations(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _MessageInline(_ReadOnlyForSupervisors, MessageInline):
    pass


class _EventInline(_ReadOnlyForSupervisors, admin.TabularInline[ConversationEvent, Conversation]):
    model = ConversationEvent
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "created_at", "kind", "from_status", "to_status", "actor_label", "agent", "reason",
    )  # fmt: skip
    verbose_name_plural = _("Handoffs, assignments and status changes")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _NoteInline(_ReadOnlyForSupervisors, admin.TabularInline[Note, Conversation]):
    model = Note
    extra = 0
    can_delete = False
    fields = readonly_fields = ("created_at", "author", "text")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class IntentFilter(admin.SimpleListFilter):
    """Conversations in which the assistant read this intent in a customer message."""

    title = _("intent")
    parameter_name = "intent"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in Intent.choices] + [
            ("not_sure", gettext("not sure"))
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.value():
            return queryset
        return queryset.filter(
            Exists(
                Message.objects.filter(
                    conversation=OuterRef("pk"), role=MessageRole.BOT, metadata__intent=self.value()
                )
            )
        )


class HandedOverFilter(admin.SimpleListFilter):
    title = _("handed over")
    parameter_name = "handed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", gettext("Yes")), ("no", gettext("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() not in ("yes", "no"):
            return queryset
        queued = Exists(
            ConversationEvent.objects.filter(conversation=OuterRef("pk"), to_status="queued")
        )
        return queryset.filter(queued if self.value() == "yes" else ~queued)


admin.site.unregister(Conversation)


@admin.register(Conversation)
class StaffConversationAdmin(ConversationAdmin):
    list_display = [
        "__str__", "who", "status", "handoff_reason", "assigned_agent", "rating",
        "message_count", "language",
    ]  # fmt: skip
    list_display_links = ["__str__"]
    list_filter = [
        "status", HandedOverFilter, "handoff_reason", IntentFilter,
        ("assigned_agent", admin.RelatedOnlyFieldListFilter), "rating", "language", "created_at",
    ]  # fmt: skip
    # An order number is found in what was said; a customer by either email.
    search_fields = [
        "=id", "customer__email", "verified_customer__email", "customer__last_name",
        "verified_customer__last_name", "messages__text",
    ]  # fmt: skip
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    list_select_related = ["customer", "verified_customer", "assigned_agent"]
    inlines = [_MessageInline, _EventInline, _NoteInline]
    actions = ["export_json", "export_csv"]
    exclude = ["bot_state"]  # the assistant's working memory, not a record for people

    # A conversation is a record: supervisors read and export it, nobody edits it here, and only
    # a superuser deletes one (the retention setting deletes or anonymises old ones).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _reads_conversations(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _reads_conversations(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    @admin.display(description=_("customer"), ordering="verified_customer__email")
    def who(self, obj: Conversation) -> str:
        """The signed-in customer, or the customer a guest verified as."""
        if obj.customer:
            return str(obj.customer.email)
        if obj.verified_customer:
            return gettext("guest, verified as %(email)s") % {"email": obj.verified_customer.email}
        return gettext("guest")

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Conversation], search_term: str
    ) -> tuple[QuerySet[Conversation], bool]:
        # Searching messages joins them: one row per conversation, however many match.
        found, _duplicates = super().get_search_results(request, queryset, search_term)
        return found.distinct(), False

    def _export(self, request: HttpRequest, queryset: QuerySet[Conversation], kind: str) -> Any:
        rows = conversations.export_rows(queryset)
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        if kind == "json":
            response = HttpResponse(
                json.dumps(rows, ensure_ascii=False, indent=2),
                content_type="application/json; charset=utf-8",
            )
        else:
            response = HttpResponse(
                "\ufeff" + conversations.export_csv(rows), content_type="text/csv; charset=utf-8"
            )
        response["Content-Disposition"] = f'attachment; filename="conversations-{stamp}.{kind}"'
        return response

    @admin.action(description=_("Export the selected conversations as JSON"))
    def export_json(self, request: HttpRequest, queryset: QuerySet[Conversation]) -> Any:
        return self._export(request, queryset, "json")

    @admin.action(description=_("Export the selected conversations as CSV (a line a message)"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Conversation]) -> Any:
        return self._export(request, queryset, "csv")
