"""servicedesk: a self-hosted AI customer-service platform for online shops."""

from servicedesk.celery import app as celery_app

__all__ = ("celery_app",)
