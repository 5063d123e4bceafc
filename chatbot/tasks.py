"""Celery tasks for the chat: thin, idempotent, keyed on the customer message they answer."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings

from chatbot import replies

log = logging.getLogger(__name__)


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
        # The intent classifier and the help-center and catalog indexes too: built (or read from
        # their disk caches) now, not while the first customer waits.
        from chatbot.brain import knowledge
        from chatbot.nlu import intents

        try:
            intents.get_classifier()
            knowledge.index_warm()
        except Exception:  # a cold start must not stop the worker
            log.exception("warming the assistant's indexes failed; they load on first use")
