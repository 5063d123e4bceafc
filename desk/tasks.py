"""Celery tasks for the desk: thin and idempotent."""

from __future__ import annotations

from celery import shared_task

from desk import conversations, services


@shared_task(name="desk.requeue_stale_task")
def requeue_stale_task() -> list[str]:
    """Every minute (CELERY_BEAT_SCHEDULE): chats whose agent didn't answer go back to the queue."""
    return [str(pk) for pk in services.requeue_stale()]


@shared_task(name="desk.retention_task")
def retention_task() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): the retention rule, CHAT_RETENTION_DAYS and _MODE."""
    return conversations.retention_apply().conversations
