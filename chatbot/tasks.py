"""Celery tasks for the chat: thin, idempotent, keyed on the customer message they answer."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings

from chatbot import replies


@shared_task(name="chatbot.reply_generate_task")
def reply_generate_task(customer_message_id: int) -> int | None:
    reply = replies.reply_generate(customer_message_id=customer_message_id)
    return reply.seq if reply is not None else None


@worker_process_init.connect
def _load_model(**_: Any) -> None:
    """Each worker process loads the model once at start and keeps it warm, so no customer waits
    for a model load."""
    if settings.LLM_BACKEND != "fake":
        from chatbot.llm import get_backend

        get_backend()
