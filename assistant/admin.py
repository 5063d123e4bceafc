"""The assistant in the staff console: intent examples (phrasings staff teach the assistant) and
the versions of the trained wording model (which is live, rolling back).

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
from django.utils.translation import gettext_lazy as _

from assistant.models import ModelVersion
from assistant.wording import versions
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


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin[ModelVersion]):
    """The wording model's versions: which is live, their held-out figures, switching back."""

    list_display = [
        "name",
        "is_live",
        "created_at",
        "examples",
        "steps",
        "pass_before",
        "pass_after",
        "kept_after",
    ]
    readonly_fields = [
        "name",
        "path",
        "base_model",
        "created_at",
        "examples",
        "steps",
        "seconds",
        "metrics",
        "is_live",
    ]
    actions = ["make_live", "use_base_model"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions come from `manage.py train_model`

    @admin.display(description=_("gate pass rate before"))
    def pass_before(self, obj: ModelVersion) -> str:
        return _rate(obj.metrics.get("before", {}).get("pass_rate"))

    @admin.display(description=_("gate pass rate after"))
    def pass_after(self, obj: ModelVersion) -> str:
        return _rate(obj.metrics.get("after", {}).get("pass_rate"))

    @admin.display(description=_("values kept after"))
    def kept_after(self, obj: ModelVersion) -> str:
        return _rate(obj.metrics.get("after", {}).get("kept_rate"))

    @admin.action(description=_("Make the selected version live (or roll back to it)"))
    def make_live(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one version."), messages.ERROR)
            return
        version = queryset.get()
        versions.version_make_live(version=version)
        self.message_user(
            request,
            _("%(name)s is live: replies are worded with it from the next one on.")
            % {"name": version.name},
        )

    @admin.action(description=_("Word replies with the base model (no version live)"))
    def use_base_model(self, request: HttpRequest, queryset: QuerySet[ModelVersion]) -> None:
        versions.version_make_live(version=None)
        self.message_user(request, _("No version is live: the base model words replies."))


def _rate(value: object) -> str:
    return f"{value:.0%}" if isinstance(value, (int, float)) else "—"
