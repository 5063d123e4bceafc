"""Generating the bot's reply to one customer message: the service the reply task calls."""

from __future__ import annotations

import logging
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from chatbot import events, selectors, services
from chatbot.llm import LLMError, LLMTimeout, generation_settings, get_backend
from chatbot.models import Message, MessageRole, MessageState
from chatbot.prompts import build_prompt

log = logging.getLogger(__name__)

APOLOGY = {
    "en": "Sorry, I couldn't finish my answer just now. Would you like to talk to a member of our "
    "team?",
    "zh-Hans": "抱歉，我刚才没能完成回答。需要为您转接人工客服吗？",
}
HUMAN_CHIP = {"en": "Talk to a human", "zh-Hans": "转人工客服"}
RETRY_CHIP = {"en": "Try again", "zh-Hans": "再试一次"}


def reply_generate(*, customer_message_id: int) -> Message | None:
    """Write (or rewrite, after a crash) the bot's reply, streaming it to the conversation.
    Idempotent: a message that already has a finished reply is left alone."""
    question = Message.objects.select_related("conversation").get(pk=customer_message_id)
    if question.role != MessageRole.CUSTOMER:
        return None
    conversation = question.conversation
    backend = get_backend()
    events.publish(conversation.pk, events.typing_event(True))
    reply = services.reply_start(customer_message_id=question.pk, model_name=backend.name)
    if reply is None:
        events.publish(conversation.pk, events.typing_event(False))
        return None
    history = selectors.history_for_prompt(question=question, limit=settings.CHAT_HISTORY_MESSAGES)
    prompt = build_prompt(history=history, language=conversation.language)
    interval = settings.CHAT_STREAM_INTERVAL_MS / 1000
    started = time.monotonic()
    first_token: float | None = None
    pending = ""
    last_flush = started
    typing = True
    try:
        for delta in backend.stream(prompt, generation_settings()):
            if first_token is None:
                first_token = time.monotonic() - started
            pending += delta
            now = time.monotonic()
            # Coalesce: one frame per interval (about 5 a second), never one per token; but the
            # first words go out at once, so coalescing adds nothing to the time to first token.
            if typing or now - last_flush >= interval:
                if typing:
                    events.publish(conversation.pk, events.typing_event(False))
                    typing = False
                services.reply_append(reply=reply, text=pending)
                pending, last_flush = "", now
        services.reply_append(reply=reply, text=pending)  # the tail, so the stream is whole
        pending = ""
        text = reply.text.strip()
        if not text:
            raise LLMError("the model returned an empty reply")
        services.reply_finish(
            reply=reply,
            text=text,
            metadata={
                "first_token_s": round(first_token or 0.0, 3),
                "duration_s": round(time.monotonic() - started, 3),
            },
        )
    except (LLMError, SoftTimeLimitExceeded) as error:
        reason = "timeout" if isinstance(error, (LLMTimeout, SoftTimeLimitExceeded)) else "error"
        log.warning("reply to message %s failed: %s", question.pk, error)
        lang = conversation.language if conversation.language in APOLOGY else "en"
        services.reply_finish(
            reply=reply,
            text=APOLOGY[lang],
            state=MessageState.FAILED,
            metadata={
                "error": reason,
                "partial": reply.text + pending,
                "attachments": [
                    {"type": "quick_replies", "options": [HUMAN_CHIP[lang], RETRY_CHIP[lang]]}
                ],
            },
        )
    finally:
        if typing:
            events.publish(conversation.pk, events.typing_event(False))
    return reply
