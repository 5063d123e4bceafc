"""Celery tasks for the desk: thin and idempotent."""

from __future__ import annotations

from celery import shared_task

from desk import services


@shared_task(name="desk.requeue_stale_task")
def requeue_stale_task() -> list[str]:
    """Every minute (CELERY_BEAT_SCHEDULE): chats whose agent didn't answer go back to the queue."""
    return [str(pk) for pk in services.requeue_stale()]
