"""The chat websocket (docs/protocol.md). Thin: it checks frames, calls services, and forwards
the conversation's events. It never runs the model; the reply task does."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import uuid
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from chatbot import events, selectors, services, staff
from chatbot.models import Conversation
from chatbot.tokens import ws_token_check

log = logging.getLogger(__name__)

HELLO_TIMEOUT_S = 10
# `sync` requests a connection may make: a few at once, then one every 2 s (a client asks at most
# once per two heartbeats, or on a gap).
SYNC_BURST, SYNC_PER_MINUTE = 5, 30
MAX_REFUSED_IN_A_ROW = 20
# Servers may only close with 1000 or 3000-4999 (RFC 6455 §7.4.2; autobahn enforces it), so the
# standard meanings of 1003/1008/1009 get application codes of their own.
CLOSE_NO_HELLO = 4001
CLOSE_BAD_TOKEN = 4003
CLOSE_FLOOD = 4008  # as 1008, policy violation
CLOSE_TOO_BIG = 4009  # as 1009, message too big
CLOSE_UNSUPPORTED = 4010  # as 1003, binary data


def frame_decode(
    text_data: str | None, bytes_data: bytes | None
) -> tuple[int | None, dict[str, Any] | None]:
    """A websocket frame as (close code, frame), shared by the customer and staff sockets:
    binary or oversized frames close the socket; text that isn't a JSON object gives no frame
    (the caller answers `bad_json`) and the socket carries on."""
    if bytes_data is not None or text_data is None:
        return CLOSE_UNSUPPORTED, None
    if len(text_data.encode()) > settings.CHAT_MAX_FRAME_BYTES:
        return CLOSE_TOO_BIG, None
    try:
        frame = json.loads(text_data)
    except ValueError:
        return None, None
    return None, frame if isinstance(frame, dict) else None


CLIENT_TYPES = {"hello", "message", "handoff", "ping", "sync", "typing", "rate"}
# A `confirm` attachment's id as the bot writes it (docs/protocol.md §2.1).
CONFIRM_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
ANSWERS = ("yes", "no")


def action_validate(value: object) -> dict[str, str] | None:
    """The customer's answer to a `confirm` attachment, or None when it is malformed."""
    if not isinstance(value, dict) or set(value) != {"confirm", "answer"}:
        return None
    confirm, answer = value["confirm"], value["answer"]
    if not isinstance(confirm, str) or not CONFIRM_ID.fullmatch(confirm):
        return None
    if answer not in ANSWERS:
        return None
    return {"confirm": confirm, "answer": answer}


def _seq_or_zero(frame: dict[str, Any]) -> int:
    """A frame's `last_seq`: a non-negative int, else 0 (replay everything)."""
    last_seq = frame.get("last_seq", 0)
    if isinstance(last_seq, bool) or not isinstance(last_seq, int) or last_seq < 0:
        return 0
    return int(last_seq)


class TokenBucket:
    """`burst` messages at once, refilled at `per_minute`."""

    def __init__(self, burst: int, per_minute: int) -> None:
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.rate = per_minute / 60.0
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class ChatConsumer(AsyncWebsocketConsumer):
    conversation_id: uuid.UUID | None = None
    group: str | None = None

    async def connect(self) -> None:
        self.bucket = TokenBucket(settings.CHAT_RATE_BURST, settings.CHAT_RATE_PER_MINUTE)
        self.syncs = TokenBucket(SYNC_BURST, SYNC_PER_MINUTE)
        self.refused = 0
        await self.accept()
        self.hello_deadline = asyncio.get_running_loop().call_later(
            HELLO_TIMEOUT_S, lambda: asyncio.ensure_future(self._no_hello())
        )

    async def _no_hello(self) -> None:
        if self.conversation_id is None:
            await self.close(code=CLOSE_NO_HELLO)

    async def disconnect(self, code: int) -> None:
        self.hello_deadline.cancel()
        if self.group is not None and self.channel_layer is not None:
            try:
                await self.channel_layer.group_discard(self.group, self.channel_name)
            except Exception as error:  # Redis gone: the group forgets it (group expiry)
                log.warning("leaving %s failed: %r", self.group, error)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        close, frame = frame_decode(text_data, bytes_data)
        if close is not None:
            await self.close(code=close)
            return
        if frame is None:
            await self._refuse("bad_json", "frames must be JSON objects")
            return
        kind = frame.get("type")
        if self.conversation_id is None:
            if kind != "hello":
                await self.close(code=CLOSE_NO_HELLO)
                return
            await self._hello(frame)
            return
        if kind == "message":
            await self._message(frame)
        elif kind == "handoff":
            self.refused = 0
            await database_sync_to_async(services.conversation_request_handoff)(
                conversation_id=self.conversation_id
            )
        elif kind == "leave_queue":
            # The customer stops waiting for a person and carries on with the assistant.
            self.refused = 0
            left = await database_sync_to_async(services.conversation_leave_queue)(
                conversation_id=self.conversation_id
            )
            if not left:
                await self._refuse("not_queued", "this chat is not waiting for a person")
        elif kind == "ping":
            self.refused = 0
            await self._send(await self._heartbeat())
        elif kind == "sync":
            # The client saw a gap (a seq it skipped, or a pong newer than what it holds): send it
            # everything past what it holds settled, then a heartbeat (docs/protocol.md §3).
            if not self.syncs.take():  # each one may replay the whole conversation
                await self._refuse("rate_limited", "too many sync requests, slow down")
                return
            self.refused = 0
            replay, _ = await database_sync_to_async(self._replay)(_seq_or_zero(frame))
            for event in replay:
                await self._send(event)
            await self._send(await self._heartbeat())
        elif kind == "typing":
            # To the staff watching the chat only (chatbot.staff): never back to the customer.
            await database_sync_to_async(staff.side().publish_to_watchers)(
                self.conversation_id, events.typing_event(frame.get("on") is True, "customer")
            )
        elif kind == "rate":
            await self._rate(frame)
        else:
            await self._refuse("unknown_type", f"unknown frame type {kind!r}")

    async def _hello(self, frame: dict[str, Any]) -> None:
        token = frame.get("token")
        grant = ws_token_check(token) if isinstance(token, str) else None
        conversation = (
            await database_sync_to_async(selectors.conversation_for_grant)(grant)
            if grant is not None
            else None
        )
        if conversation is None:
            await self.close(code=CLOSE_BAD_TOKEN)
            return
        last_seq = _seq_or_zero(frame)
        self.hello_deadline.cancel()
        self.conversation_id = conversation.pk
        self.group = events.group_name(conversation.pk)
        # Subscribe before reading what was missed, so no event falls between the two; the
        # client drops anything it receives twice (docs/protocol.md §3).
        assert self.channel_layer is not None
        await self.channel_layer.group_add(self.group, self.channel_name)
        lang = frame.get("lang")
        if lang in services.LANGUAGES and lang != conversation.language:
            await database_sync_to_async(services.conversation_set_language)(
                conversation_id=conversation.pk, language=lang
            )
        replay, welcome = await database_sync_to_async(self._replay)(last_seq)
        await self._send(welcome)
        for event in replay:
            await self._send(event)

    async def _heartbeat(self) -> dict[str, Any]:
        """The answer to `ping`: the newest and the settled seq on the server. Live frames are
        best effort; this is how a client learns it missed one (an `end` above all)."""
        assert self.conversation_id is not None
        last, settled = await database_sync_to_async(selectors.conversation_heartbeat)(
            conversation_id=self.conversation_id
        )
        return {"type": "pong", "last_seq": last, "settled_seq": settled}

    def _replay(self, last_seq: int) -> tuple[list[events.MessageEvent], dict[str, Any]]:
        assert self.conversation_id is not None
        conversation = Conversation.objects.select_related("customer").get(pk=self.conversation_id)
        missed = [
            events.message_event(m)
            for m in selectors.messages_after(conversation_id=conversation.pk, seq=last_seq)
        ]
        customer = conversation.customer
        welcome = {
            "type": "welcome",
            "conversation": str(conversation.pk),
            "status": conversation.status,
            "last_seq": conversation.last_seq,
            "customer": {"name": customer.first_name} if customer else None,
        }
        return missed, welcome

    async def _message(self, frame: dict[str, Any]) -> None:
        assert self.conversation_id is not None
        client_id = frame.get("client_id")
        client_id = client_id if isinstance(client_id, str) else ""
        try:
            text = services.text_validate(frame.get("text"))
        except services.ChatInputError as error:
            await self._refuse(error.code, error.message, client_id)
            return
        action = None
        if "action" in frame:
            action = action_validate(frame["action"])
            if action is None:
                await self._refuse(
                    "bad_action",
                    'action must be {"confirm": "<id>", "answer": "yes" or "no"}',
                    client_id,
                )
                return
        if not self.bucket.take():
            await self._refuse("rate_limited", "too many messages, slow down", client_id)
            return
        try:
            message, _ = await database_sync_to_async(services.message_post_customer)(
                conversation_id=self.conversation_id,
                text=text,
                client_id=client_id,
                action=action,
            )
        except services.ChatInputError as error:
            await self._refuse(error.code, error.message, client_id)
            return
        self.refused = 0
        if client_id:
            await self._send({"type": "ack", "client_id": client_id, "seq": message.seq})

    async def _rate(self, frame: dict[str, Any]) -> None:
        """The customer's rating of a resolved chat (docs/desk.md, "Satisfaction")."""
        assert self.conversation_id is not None
        score, comment = frame.get("score"), frame.get("comment", "")
        rated = await database_sync_to_async(services.conversation_rate)(
            conversation_id=self.conversation_id,
            score=score if isinstance(score, int) and not isinstance(score, bool) else 0,
            comment=comment if isinstance(comment, str) else "",
        )
        if not rated:
            await self._refuse("cannot_rate", "rate a resolved chat from 1 to 5")
            return
        self.refused = 0
        await self._send({"type": "rated", "score": score})

    async def _refuse(self, code: str, message: str, client_id: str = "") -> None:
        self.refused += 1
        await self._send(events.error_event(code, message, client_id))
        if self.refused >= MAX_REFUSED_IN_A_ROW:
            await self.close(code=CLOSE_FLOOD)

    async def _send(self, payload: Any) -> None:
        await self.send(text_data=json.dumps(payload, ensure_ascii=False))

    async def chat_event(self, message: dict[str, Any]) -> None:
        """A conversation event from the channel layer (chatbot.events.publish)."""
        await self._send(message["event"])
