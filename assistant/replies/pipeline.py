"""Generating the bot's reply to one customer message: the service the reply task calls.

The dialogue manager (`assistant.flows.engine.respond`) decides what to say and does what was asked,
producing a grounded draft. Where the language model is enabled (`BOT_LLM_MODE=rewrite`) and the
draft allows it, the model rewords the draft; every sentence it writes passes the faithfulness
gate (`assistant.wording.gate`) before it reaches the customer. If the first fails, the customer
gets the draft; if a later one fails, the draft's remaining sentences follow what was sent.
Either way the reply streams, and nothing sent is ever taken back."""

from __future__ import annotations

import logging
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from assistant.flows.engine import respond
from assistant.llm import LLMError, LLMTimeout, generation_settings, get_backend
from assistant.replies import grounding
from assistant.replies.prompts import rewrite_prompt
from assistant.replies.turn import Turn, django_language
from assistant.understanding import chinese
from assistant.understanding import intents as nlu_intents
from assistant.wording import gate, policy
from assistant.wording.kinds import turn_kind
from chatbot import events, services
from chatbot.models import Conversation, ConversationStatus, Message, MessageRole, MessageState

log = logging.getLogger(__name__)

APOLOGY = {
    "en": "Sorry, I couldn't finish my answer just now. Would you like to talk to a member of our "
    "team?",
    "zh-Hans": "抱歉，我刚才没能完成回答。需要为您转接人工客服吗？",
}
HUMAN_CHIP = {"en": "Talk to a human", "zh-Hans": "转人工客服"}
RETRY_CHIP = {"en": "Try again", "zh-Hans": "再试一次"}


# While the model writes without a sentence to send, the attempt says it is alive this often.
ALIVE_EVERY_S = 5.0


class _Rejected(Exception):
    """The model's first sentence failed the gate: nothing of its wording was sent."""


class _Silenced(Exception):
    """The conversation left the assistant mid-reply (an agent took it, docs/desk.md)."""


def _append(*, reply: Message, text: str) -> None:
    """Stream a chunk, unless the conversation is no longer the assistant's: the status is re-read
    before every chunk (one indexed single-column query)."""
    status = (
        Conversation.objects.filter(pk=reply.conversation_id)
        .values_list("status", flat=True)
        .first()
    )
    if status not in services.ASSISTANT_ANSWERS:
        raise _Silenced
    services.reply_append(reply=reply, text=text)


def reply_generate(*, customer_message_id: int, take_over: bool = True) -> Message | None:
    """Answer a customer message, streaming the reply to the conversation. Idempotent: a message
    that already has a finished reply gets its `end` published again (the worker that wrote it
    may have died before publishing it) and nothing else; a retried reply reuses the turn the
    first attempt decided on (so an action is never done twice). `take_over`: this task is the
    reply's owner even if another attempt looks alive (its worker died: the task was
    redelivered); without it a live attempt is left alone (`services.ReplyBusy`)."""
    question = Message.objects.select_related("conversation").filter(pk=customer_message_id).first()
    if question is None:
        # A task for a message this database doesn't have (deleted, or left in the queue by
        # another installation sharing the broker): nothing to answer.
        log.warning("reply task for message %s: no such message", customer_message_id)
        return None
    if question.role != MessageRole.CUSTOMER:
        return None
    conversation = question.conversation
    if conversation.status not in services.ASSISTANT_ANSWERS:
        services.reply_not_owed(customer_message_id=question.pk)
        return None  # an agent has the conversation: the bot stays silent
    backend = get_backend()
    try:
        reply = services.reply_start(
            customer_message_id=question.pk, model_name=backend.name, take_over=take_over
        )
    except services.ReplyBusy:
        return None
    if reply is None:
        return services.reply_resend_end(customer_message_id=question.pk)
    events.publish(conversation.pk, events.typing_event(True))
    started = time.monotonic()
    typing = True
    # The reply follows the customer's language: the widget's, or the message's when the
    # customer switches ("我想退货" in an English widget is answered in Chinese).
    said = chinese.message_language(question.text)
    if said is not None and said != conversation.language:
        services.conversation_set_language(conversation_id=conversation.pk, language=said)
        conversation.language = said
    lang = conversation.language if conversation.language in APOLOGY else "en"
    try:
        turn = _turn_for(question=question, reply=reply)
        written_by, rejected = "draft", ""
        if _model_may_write(turn):
            # Nothing reaches the customer before the model's first sentence passes the gate,
            # so a rejection here has sent nothing: the draft follows in full.
            try:
                rejected = _stream_model(reply=reply, question=question, turn=turn, backend=backend)
                written_by = "model+draft" if rejected else "model"
            except _Rejected as why:
                rejected = str(why)
            except LLMError as error:
                rejected = f"model error: {error}"
        if typing:
            events.publish(conversation.pk, events.typing_event(False))
            typing = False
        if written_by == "draft":
            _stream_text(reply=reply, text=turn.text)
        metadata: dict[str, Any] = {
            "intent": turn.intent,
            "kind": turn_kind(turn),
            "acts": turn.acts,
            "confidence": turn.confidence,
            "tools": turn.tools,
            "written_by": written_by,
            "attachments": turn.all_attachments(),
            "duration_s": round(time.monotonic() - started, 3),
        }
        if rejected:
            metadata["rejected"] = rejected[:300]
        if turn.handoff:
            metadata["handoff"] = turn.handoff
        if turn.intent == nlu_intents.NOT_SURE or "help_center:none" in turn.tools:
            # A question the assistant was not sure about or could not answer (the reports'
            # knowledge gaps): a top-level flag, so a query finds it on any database.
            metadata["unanswered"] = True
        services.reply_finish(reply=reply, text=reply.text.strip() or turn.text, metadata=metadata)
        if turn.handoff:
            services.conversation_request_handoff(
                conversation_id=conversation.pk, reason=turn.handoff
            )
    except _Silenced:
        # Finish with what was sent; the agent's words follow it.
        services.reply_finish(reply=reply, text=reply.text.strip(), metadata={"interrupted": True})
    except services.ReplySuperseded:
        log.info("reply to message %s: a newer attempt took over", question.pk)
    except Exception as error:
        reason = "timeout" if isinstance(error, (LLMTimeout, SoftTimeLimitExceeded)) else "error"
        log.exception("reply to message %s failed", question.pk)
        services.reply_finish(
            reply=reply,
            text=APOLOGY[lang],
            state=MessageState.FAILED,
            metadata={
                "error": reason,
                "partial": reply.text,
                "attachments": [
                    {"type": "quick_replies", "options": [HUMAN_CHIP[lang], RETRY_CHIP[lang]]}
                ],
            },
        )
    finally:
        if typing:
            events.publish(conversation.pk, events.typing_event(False))
    return reply


def _already_waiting(turn: Turn) -> None:
    """The customer waiting in the queue asks for a person again (or says something the
    assistant would hand over): no second handoff, and no handoff sentence as if it were new."""
    turn.handoff = None
    turn.parts = [
        _(
            "You're already waiting for our team, and they'll see this whole chat when they "
            "join. Meanwhile I'm still here for orders, returns and questions."
        )
    ]
    turn.llm_ok = False


def _turn_for(*, question: Message, reply: Message) -> Turn:
    """The turn the dialogue manager decided on; a retried reply reuses the stored one. The turn
    (and every change it made) commits together with its record on the reply, under the
    conversation's lock: a worker killed in between leaves neither, and two attempts can never
    both decide, so an action happens exactly once."""
    with transaction.atomic():
        locked = services.conversation_lock(question.conversation_id)
        if locked.status not in services.ASSISTANT_ANSWERS:
            # An agent took the chat while this reply waited for the lock: deciding now could
            # act (cancel an order) behind the agent's back. The agent answers.
            raise _Silenced
        row = (
            Message.objects.filter(pk=reply.pk).values_list("metadata", "attempt", "state").first()
        )
        if row is None or row[1] != reply.attempt or row[2] != MessageState.STREAMING:
            # The sweep answered (or another attempt took over) while this one waited: deciding
            # now could act (cancel an order) behind an answer the customer already has.
            raise services.ReplySuperseded(f"reply {reply.seq} is no longer this attempt's")
        metadata = row[0]
        stored = metadata.get("turn") if isinstance(metadata, dict) else None
        if isinstance(stored, dict):
            turn = Turn(**stored)
        else:
            with translation.override(django_language(question.conversation.language)):
                turn = respond(message=question)
                if turn.handoff and locked.status == ConversationStatus.QUEUED:
                    _already_waiting(turn)
            metadata = {**(metadata if isinstance(metadata, dict) else {}), "turn": asdict(turn)}
            Message.objects.filter(pk=reply.pk).update(metadata=metadata, updated_at=timezone.now())
    reply.metadata = {**reply.metadata, "turn": asdict(turn)}
    return turn


def _model_may_write(turn: Turn) -> bool:
    """Confirmations must list exactly what will happen, so the model never words them; a kind
    of turn whose measured wording mostly fails the gate doesn't wait for the model at all
    (`assistant.wording.policy`)."""
    confirming = any(a.get("type") == "confirm" for a in turn.attachments)
    if settings.BOT_LLM_MODE != "rewrite" or not turn.llm_ok or not turn.text or confirming:
        return False
    return policy.may_word(turn_kind(turn))


def _stream_text(*, reply: Message, text: str) -> None:
    """Stream a finished draft: the first sentence at once, the rest in a second frame. (The
    draft is ready whole; more frames would only cost time, each one a round trip to Redis.)"""
    sentences = grounding.split_sentences(text) or [text]
    _append(reply=reply, text=sentences[0])
    if len(sentences) > 1:
        _append(reply=reply, text=" " + " ".join(sentences[1:]))


def _sources(turn: Turn, question: Message) -> list[str]:
    conversation = question.conversation
    customer = conversation.verified_customer
    extra = [settings.SHOP_NAME]
    if customer is not None:
        extra.append(customer.full_name)
    return [turn.text, *turn.sources, *extra]


def _stream_model(*, reply: Message, question: Message, turn: Turn, backend: Any) -> str:
    """Let the model word the reply, one gated sentence at a time (`assistant.wording.gate`).
    Nothing is sent until the first sentence passes; if none does, `_Rejected` is raised and the
    caller streams the draft, so the customer never sees text that is later replaced. Once a
    sentence has gone out, a later one that fails (or a model that fails) ends the model's part:
    the draft's sentences the model had not yet said follow, and so do any the model left out, so
    the reply says everything the draft says. Returns why the model's wording was cut short
    ("" when it wasn't)."""
    language = question.conversation.language or "en"
    draft = gate.Draft(text=turn.text, language=language, sources=_sources(turn, question))
    buffer = ""  # model text not yet split into whole sentences, exactly as streamed
    accepted: list[str] = []
    checked = ""  # accepted sentences not yet sent
    sent = ""
    interval = settings.CHAT_STREAM_INTERVAL_MS / 1000
    last_flush = 0.0
    stopped = ""

    def take(sentence: str, *, final: bool = False) -> bool:
        nonlocal checked, stopped
        verdict = gate.check(sentence, draft, final=final)
        if not verdict.ok:
            stopped = f"{verdict.reason} in {sentence[:120]!r}"
            return False
        accepted.append(sentence)
        checked += (" " if sent or checked else "") + sentence
        return True

    def flush() -> None:
        nonlocal sent, checked, last_flush
        if checked:
            _append(reply=reply, text=checked)
            sent, checked = sent + checked, ""
            last_flush = time.monotonic()

    prompt = rewrite_prompt(question=question.text, draft=turn.text, language=language)
    alive_at = time.monotonic()
    stream = backend.stream(prompt, generation_settings())
    try:
        for delta in stream:
            if time.monotonic() - max(alive_at, last_flush) >= ALIVE_EVERY_S:
                services.reply_touch(reply=reply)
                alive_at = time.monotonic()
            buffer += delta
            whole, buffer = gate.split_stream(buffer)
            if not all(take(sentence) for sentence in whole):
                break
            # The first sentence goes out at once; after that, one frame per interval.
            if checked and (not sent or time.monotonic() - last_flush >= interval):
                flush()
        else:
            tail = gate.split(buffer)
            for n, sentence in enumerate(tail):
                if not take(sentence, final=n == len(tail) - 1):
                    break
    except LLMError as error:
        if not accepted:
            raise
        stopped = f"model error: {error}"
    finally:
        close = getattr(stream, "close", None)
        if close is not None:
            close()  # stops a generation cut short by the gate
    if not accepted:
        raise _Rejected(stopped or "empty")
    rest = gate.remaining(accepted, draft)
    wording = " ".join([*accepted, *rest])
    missing = set(grounding.keeps(wording, turn.must_keep))
    rest += [s for s in draft.sentences if s not in rest and any(v in s for v in missing)]
    if rest:
        checked += (" " if sent or checked else "") + " ".join(rest)
        stopped = stopped or f"the draft said more: {len(rest)} sentence(s) added"
    flush()
    return stopped


# --- the sweep: no customer message is left unanswered ------------------------------------------


# How many times CHAT_REPLY_GIVE_UP_S a message whose task has not started may wait while the
# reply queue still holds tasks.
BACKLOG_GRACE = 4


@dataclass
class SweepResult:
    owed: int = 0  # customer messages owed a reply for longer than CHAT_REPLY_RETRY_S
    requeued: int = 0
    answered: int = 0  # given up on: finished with the decided turn's draft, or the apology
    released: int = 0  # the chat left the assistant, or the reply had ended: nothing owed
    waiting: int = 0  # still in progress or in the queue: looked at again next time


def reply_sweep(*, queue_waiting: int | None = None) -> SweepResult:
    """Answer every customer message still owed a reply, whatever the cause (a lost task, a
    broker that restarted empty, a worker killed outright, a hung model): a reply with no
    progress for `CHAT_REPLY_RETRY_S` is queued again (at most `CHAT_REPLY_MAX_REQUEUES`
    times, and only while the queue is empty: a waiting task will still come); once the message
    is `CHAT_REPLY_GIVE_UP_S` old it is answered here, exactly once. `queue_waiting`: the reply
    queue's length (the task passes it; None: not known, requeue anyway)."""
    now = timezone.now()
    retry_before = now - timedelta(seconds=settings.CHAT_REPLY_RETRY_S)
    give_up_before = now - timedelta(seconds=settings.CHAT_REPLY_GIVE_UP_S)
    result = SweepResult()
    owed = list(
        Message.objects.filter(needs_reply=True, created_at__lt=retry_before)
        .select_related("conversation")
        .order_by("created_at")[: settings.CHAT_REPLY_SWEEP_BATCH]
    )
    result.owed = len(owed)
    for question in owed:
        try:
            _sweep_one(question, result, retry_before, give_up_before, queue_waiting, now)
        except Exception:  # one bad message must not keep the sweep from the others
            log.exception("reply sweep: message %s", question.pk)
    if result.owed:
        log.warning(
            "reply sweep: %s owed, %s queued again, %s answered by the sweep, %s released, "
            "%s waiting",
            result.owed,
            result.requeued,
            result.answered,
            result.released,
            result.waiting,
        )
    return result


def _sweep_one(
    question: Message,
    result: SweepResult,
    retry_before: datetime,
    give_up_before: datetime,
    queue_waiting: int | None,
    now: datetime,
) -> None:
    reply = services.reply_for(customer_message_id=question.pk)
    if question.conversation.status not in services.ASSISTANT_ANSWERS or (
        reply is not None and reply.state != MessageState.STREAMING
    ):
        services.reply_not_owed(customer_message_id=question.pk)
        result.released += 1
        return
    if reply is not None and not services.reply_is_stale(reply):
        result.waiting += 1  # someone is writing it
        return
    # Behind a backlog, a task that has not started is most likely still in the queue: give it
    # longer before answering for it (one lost for good is answered all the same, later).
    if queue_waiting and reply is None:
        give_up_before = now - timedelta(seconds=settings.CHAT_REPLY_GIVE_UP_S * BACKLOG_GRACE)
    if question.created_at < give_up_before:
        result.answered += int(reply_give_up(customer_message_id=question.pk))
        return
    may_requeue = (
        question.reply_requeues < settings.CHAT_REPLY_MAX_REQUEUES
        and question.updated_at < retry_before
        and not queue_waiting
    )
    if not may_requeue:
        result.waiting += 1
        return
    touched = Message.objects.filter(pk=question.pk, needs_reply=True).update(
        reply_requeues=F("reply_requeues") + 1, updated_at=now
    )
    if touched and services.reply_enqueue(message_id=question.pk):
        result.requeued += 1


def reply_give_up(*, customer_message_id: int) -> bool:
    """Answer a customer message its reply task never finished: with the draft of the turn the
    assistant had decided on (its actions are done, so its words are true), else the apology and
    the offer of a human. Exactly once: under the conversation's lock, only while the message is
    still owed; a late attempt then finds the reply finished (or superseded) and stops."""
    handoff = ""
    with transaction.atomic():
        question = (
            Message.objects.select_related("conversation").filter(pk=customer_message_id).first()
        )
        if question is None:
            return False
        services.conversation_lock(question.conversation_id)
        if not Message.objects.filter(pk=question.pk, needs_reply=True).exists():
            return False
        started = services.reply_for(customer_message_id=question.pk)
        if started is not None and not services.reply_is_stale(started):
            return False  # a task started on it after the sweep looked: let it finish
        reply = services.reply_start(
            customer_message_id=question.pk, model_name="sweep", take_over=True
        )
        if reply is None:
            services.reply_not_owed(customer_message_id=question.pk)
            return False
        lang = question.conversation.language if question.conversation.language in APOLOGY else "en"
        stored = reply.metadata.get("turn") if isinstance(reply.metadata, dict) else None
        turn = Turn(**stored) if isinstance(stored, dict) else None
        if turn is not None and turn.text:
            text, state = turn.text, MessageState.FINAL
            metadata: dict[str, Any] = {
                "intent": turn.intent,
                "written_by": "draft",
                "attachments": turn.all_attachments(),
                "swept": True,
            }
            handoff = turn.handoff or ""
        else:
            text, state = APOLOGY[lang], MessageState.FAILED
            metadata = {
                "error": "unanswered",
                "swept": True,
                "attachments": [
                    {"type": "quick_replies", "options": [HUMAN_CHIP[lang], RETRY_CHIP[lang]]}
                ],
            }
        finished = services.reply_finish(reply=reply, text=text, state=state, metadata=metadata)
    if finished and handoff:
        services.conversation_request_handoff(
            conversation_id=question.conversation_id, reason=handoff
        )
    return finished
