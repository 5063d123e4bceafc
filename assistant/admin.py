"""Intent examples in the staff console: phrasings staff teach the assistant.

Every change resets this process's cached classifier once the transaction commits, so the next
message it classifies trains on the examples as saved. Other processes (the Celery workers that
answer customers) keep their classifier until they restart or reset it themselves.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from chatbot.models import IntentExample


def _reset_classifier_after_commit() -> None:
    # Imported here: the classifier pulls in scikit-learn, which the admin doesn't need to start.
    from assistant.understanding.intents import classifier_reset

    transaction.on_commit(classifier_reset)


@admin.register(IntentExample)
class IntentExampleAdmin(admin.ModelAdmin[IntentExample]):
    list_display = ["text", "label", "active", "created_by", "created_at"]
    list_filter = ["label", "active"]
    search_fields = ["text"]
    list_select_related = ["created_by"]
    readonly_fields = ["created_by", "created_at"]
    fields = ["text", "label", "active", "created_by", "created_at"]
    actions = ["retrain_now"]

    def save_model(
        self,
        request: HttpRequest,
        obj: IntentExample,
        form: ModelForm[IntentExample],
        change: bool,
    ) -> None:
        if not change and request.user.is_authenticated:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        _reset_classifier_after_commit()

    def delete_model(self, request: HttpRequest, obj: IntentExample) -> None:
        super().delete_model(request, obj)
        _reset_classifier_after_commit()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[IntentExample]) -> None:
        super().delete_queryset(request, queryset)
        _reset_classifier_after_commit()

    @admin.action(description="Retrain now")
    def retrain_now(self, request: HttpRequest, queryset: QuerySet[IntentExample]) -> None:
        """Whatever rows are selected: the classifier always trains on every active example."""
        _reset_classifier_after_commit()
        messages.success(
            request,
            "The classifier will retrain on all active examples when it next classifies a message.",
        )
