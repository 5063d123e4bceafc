"""Celery tasks for the chat: thin, idempotent, keyed on the customer message they answer."""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import Any

from celery import Task, shared_task
from celery.signals import worker_process_init
from django.conf import settings

from assistant.replies import pipeline as replies

log = logging.getLogger(__name__)


@shared_task(name="chatbot.reply_generate_task", bind=True)
def reply_generate_task(self: Task[Any, Any], customer_message_id: int) -> int | None:
    # Redelivered (its worker died holding it, late acks): this task owns the reply even though
    # the dead attempt looks alive. A copy the sweep queued again waits for a live one instead.
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    reply = replies.reply_generate(customer_message_id=customer_message_id, take_over=redelivered)
    return reply.seq if reply is not None else None


@shared_task(name="chatbot.reply_sweep_task")
def reply_sweep_task() -> dict[str, int]:
    """Every CHAT_REPLY_SWEEP_S (Celery beat): answer customer messages still owed a reply."""
    return asdict(replies.reply_sweep(queue_waiting=queue_length(reply_generate_task)))


def queue_length(task: Task[Any, Any]) -> int | None:
    """Tasks waiting in the reply queue (not those a worker holds); None if the broker can't
    say. (Not `queue_declare(passive=True)`: kombu checks the queue with a Redis EXISTS that its
    key prefix does not cover, so with `global_keyprefix` the queue always looks missing.)"""
    queue = task.app.conf.task_default_queue
    try:
        with task.app.connection_for_read() as connection:
            channel: Any = connection.default_channel
            size = getattr(channel, "_size", None)  # kombu's Redis channel: LLEN per priority
            if size is not None:
                return int(size(queue))
            return int(channel.queue_declare(queue, passive=True).message_count)
    except Exception:  # a broker that is down, or a transport that can't count
        return None


@worker_process_init.connect
def _load_model(**_: Any) -> None:
    """Each worker process loads the model once at start and keeps it warm, so no customer waits
    for a model load."""
    if settings.LLM_BACKEND != "fake":
        from assistant.llm import get_backend

        get_backend()
        # The intent classifier and the help-center and catalog indexes too: built (or read from
        # their disk caches) now, not while the first customer waits.
        from assistant.flows import knowledge
        from assistant.understanding import intents

        try:
            intents.get_classifier()
            knowledge.index_warm()
        except Exception:  # a cold start must not stop the worker
            log.exception("warming the assistant's indexes failed; they load on first use")
