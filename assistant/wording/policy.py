"""Where the model may word a reply: per kind of turn, from measured gate pass rates. The live
version's held-out figures decide (`manage.py train_model` stores them); with no version live,
the base model's figures shipped in `data/base_metrics.json` (`manage.py eval_wording --write`).
A kind with too few measured drafts falls back to the overall rate."""

from __future__ import annotations

import json
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError

from assistant.models import ModelVersion

BASE_FILE = Path(__file__).resolve().parent / "data" / "base_metrics.json"
MIN_DRAFTS = 3  # a kind's own rate counts from this many measured drafts
CACHE_S = 10.0

_lock = threading.Lock()
_cached: tuple[float, dict[str, Any]] | None = None


@lru_cache(maxsize=1)
def base_figures() -> dict[str, Any]:
    try:
        data = json.loads(BASE_FILE.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def figures() -> dict[str, Any]:
    """The held-out figures of the model that words replies now (cached for a few seconds)."""
    global _cached
    with _lock:
        if _cached is not None and time.monotonic() - _cached[0] < CACHE_S:
            return _cached[1]
    try:
        metrics = (
            ModelVersion.objects.filter(is_live=True).values_list("metrics", flat=True).first()
        )
    except DatabaseError:
        metrics = None
    found = (metrics or {}).get("after") if isinstance(metrics, dict) else None
    result = found if isinstance(found, dict) else base_figures()
    with _lock:
        _cached = (time.monotonic(), result)
    return result


def reset() -> None:
    global _cached
    with _lock:
        _cached = None


def pass_rate(kind: str) -> float | None:
    """The measured share of drafts of this kind whose wording passed the gate (None: never
    measured)."""
    data = figures()
    tally = (data.get("by_kind") or {}).get(kind)
    if isinstance(tally, dict) and tally.get("total", 0) >= MIN_DRAFTS:
        return float(tally["passed"]) / float(tally["total"])
    overall = data.get("pass_rate")
    return float(overall) if isinstance(overall, (int, float)) else None


def may_word(kind: str) -> bool:
    floor = settings.BOT_LLM_MIN_PASS_RATE
    if floor <= 0:
        return True
    rate = pass_rate(kind)
    return rate is not None and rate >= floor
