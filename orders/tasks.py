"""Celery tasks: thin wrappers that call one service."""

from celery import shared_task

from orders import services


@shared_task(name="orders.order_expire_unpaid_task")
def order_expire_unpaid_task() -> list[str]:
    """Scheduled every 15 minutes by Celery beat (CELERY_BEAT_SCHEDULE)."""
    return services.order_expire_unpaid()
