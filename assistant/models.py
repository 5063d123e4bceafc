"""The assistant's own records: the versions of the trained wording model."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelVersion(models.Model):
    """One training run of the wording model (`manage.py train_model`): a LoRA adapter on the
    bundled model, saved under `DATA_DIR/models/wording/<name>/`, with its before/after figures.
    At most one is live; the worker words replies with it (none live: the base model)."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    path = models.CharField(_("adapter folder"), max_length=500)
    base_model = models.CharField(_("base model"), max_length=200)
    created_at = models.DateTimeField(_("trained at"), auto_now_add=True)
    examples = models.PositiveIntegerField(_("training examples"), default=0)
    steps = models.PositiveIntegerField(_("training steps"), default=0)
    seconds = models.FloatField(_("training time (s)"), default=0)
    metrics = models.JSONField(_("figures"), default=dict, blank=True)
    is_live = models.BooleanField(_("live"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("wording model version")
        verbose_name_plural = _("wording model versions")
        constraints = [
            models.UniqueConstraint(
                fields=["is_live"], condition=models.Q(is_live=True), name="one_live_model_version"
            )
        ]

    def __str__(self) -> str:
        return self.name
