"""Versions of the trained wording model: which one is live, switching, rolling back. The worker
reads the live version before each model-worded reply (one indexed query) and loads its adapter
when it changed, so a version made live (or rolled back) in the staff console takes effect on the
next reply, without a restart."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction

from assistant.models import ModelVersion

log = logging.getLogger(__name__)


def live_adapter(*, base_model: str) -> tuple[str, Path] | None:
    """(name, adapter folder) of the live version, or None: the base model words replies. A
    live version trained on another base model, or whose folder is gone, is skipped with a
    warning rather than breaking replies."""
    try:
        row = (
            ModelVersion.objects.filter(is_live=True)
            .values_list("name", "path", "base_model")
            .first()
        )
    except (DatabaseError, RuntimeError):
        # A worker started before `migrate`, a database out of reach, or no database access at
        # all (a process that only generates): the base model words replies.
        return None
    if row is None:
        return None
    name, path, trained_on = row
    if trained_on != base_model:
        log.warning("live wording model %s was trained on %s, not %s", name, trained_on, base_model)
        return None
    folder = Path(path)
    if not (folder / "adapter_config.json").is_file():
        log.warning("live wording model %s: no adapter in %s; using the base model", name, folder)
        return None
    return name, folder


def version_register(
    *,
    name: str,
    path: Path,
    base_model: str,
    examples: int,
    steps: int,
    seconds: float,
    metrics: dict[str, Any],
    make_live: bool,
) -> ModelVersion:
    with transaction.atomic():
        version = ModelVersion.objects.create(
            name=name,
            path=str(path),
            base_model=base_model,
            examples=examples,
            steps=steps,
            seconds=round(seconds, 1),
            metrics=metrics,
        )
        if make_live:
            version_make_live(version=version)
    return version


def version_make_live(*, version: ModelVersion | None) -> None:
    """Make `version` the live one (None: back to the base model)."""
    with transaction.atomic():
        ModelVersion.objects.filter(is_live=True).update(is_live=False)
        if version is not None:
            ModelVersion.objects.filter(pk=version.pk).update(is_live=True)
            version.is_live = True


def next_name() -> str:
    return f"v{ModelVersion.objects.count() + 1}"
