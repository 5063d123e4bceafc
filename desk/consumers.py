"""The staff websocket `/ws/desk/` (docs/desk.md, "Staff websocket"). Thin: it checks frames,
calls desk services and selectors, and forwards the events of the groups it joined. Session
authenticated: only staff in Agents or Supervisors (or superusers) get past the handshake."""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.contrib.auth.models import User

from chatbot import events as chat_events
from chatbot.consumers import frame_decode
from desk import events, selectors, services

CLOSE_FORBIDDEN = 4003


def _open_payload(conversation_id: object, user: User) -> dict[str, Any] | None:
    """The `conversation` frame, or None when the user may not open the chat."""
    conversation = selectors.conversation_get(conversation_id=str(conversation_id))
    if conversation is None or not selectors.may_open(user=user, conversation=conversation):
        return None
    return selectors.conversation_payload(conversation=conversation, user=user)


def _may_still_open(conversation_id: str, user: User) -> bool:
    conversation = selectors.conversation_get(conversation_id=conversation_id)
    return conversation is not None and selectors.may_open(user=user, conversation=conversation)


def _suggest(conversation_id: object, user: User) -> str:
    conversation = selectors.conversation_get(conversation_id=str(conversation_id))
    if conversation is None or not selectors.may_handle(user=user, conversation=conversation):
        raise services.DeskError("forbidden", "this chat is assigned to another agent")
    return selectors.reply_suggestion(conversation=conversation, agent=user)


class DeskConsumer(AsyncWebsocketConsumer):
    user: User
    role: selectors.Role | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        self.role = await database_sync_to_async(selectors.user_role)(user)
        # Accept, then close with a code the dashboard can read (a refused handshake has none).
        await self.accept()
        if self.role is None or not isinstance(user, User):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.user = user
        self.watching: set[str] = set()
        assert self.channel_layer is not None
        groups = [events.QUEUE_GROUP, events.agent_group(user.pk)]
        if self.role == "supervisor":
            groups.append(events.SUPERVISORS_GROUP)
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.groups_joined = groups
        presence = await database_sync_to_async(services.presence_connect)(user=user)
        hello = await database_sync_to_async(selectors.hello_payload)(
            user=user, role=self.role, presence=presence
        )
        for item in hello["mine"]:
            await self._watch(item["conversation"])
        await self._send(hello)

    async def disconnect(self, code: int) -> None:
        if self.role is None or self.channel_layer is None:
            return
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)
        for conversation_id in list(self.watching):
            await self._unwatch(conversation_id)
        await database_sync_to_async(services.presence_disconnect)(user=self.user)

    async def _watch(self, conversation_id: str) -> None:
        """Join a chat's customer-facing group and its staff-only group. Only called after a
        permission check (or for the user's own chats)."""
        if conversation_id in self.watching:
            return
        assert self.channel_layer is not None
        await self.channel_layer.group_add(
            chat_events.group_name(conversation_id), self.channel_name
        )
        await self.channel_layer.group_add(
            events.conversation_group(conversation_id), self.channel_name
        )
        self.watching.add(conversation_id)

    async def _unwatch(self, conversation_id: str) -> None:
        assert self.channel_layer is not None
        await self.channel_layer.group_discard(
            chat_events.group_name(conversation_id), self.channel_name
        )
        await self.channel_layer.group_discard(
            events.conversation_group(conversation_id), self.channel_name
        )
        self.watching.discard(conversation_id)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        close, frame = frame_decode(text_data, bytes_data)
        if close is not None:
            await self.close(code=close)
            return
        if frame is None:
            await self._error("bad_json", "frames must be JSON objects")
            return
        kind = frame.get("type")
        handler = self.HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is None:
            await self._error("unknown_type", f"unknown frame type {kind!r}")
            return
        try:
            await handler(self, frame)
        except services.DeskError as error:
            await self._error(error.code, error.message, frame.get("conversation"))

    # --- client frames ---------------------------------------------------------------------------

    async def _ping(self, frame: dict[str, Any]) -> None:
        await self._send({"type": "pong"})

    async def _presence(self, frame: dict[str, Any]) -> None:
        await database_sync_to_async(services.presence_set)(
            user=self.user, state=str(frame.get("state"))
        )

    async def _open(self, frame: dict[str, Any]) -> None:
        conversation = await database_sync_to_async(selectors.conversation_get)(
            conversation_id=str(frame.get("conversation"))
        )
        if conversation is None or not await database_sync_to_async(_may_still_open)(
            str(conversation.pk), self.user
        ):
            raise services.DeskError("forbidden", "you can't open this chat")
        # Subscribe before reading the transcript, so no event falls between the two (the
        # dashboard drops a message it already has, by seq).
        await self._watch(str(conversation.pk))
        payload = await database_sync_to_async(_open_payload)(conversation.pk, self.user)
        if payload is None:  # lost between the two reads
            await self._unwatch(str(conversation.pk))
            raise services.DeskError("forbidden", "you can't open this chat")
        await self._send(payload)

    async def _close(self, frame: dict[str, Any]) -> None:
        conversation_id = str(frame.get("conversation"))
        if conversation_id in self.watching:
            await self._unwatch(conversation_id)

    async def _claim(self, frame: dict[str, Any]) -> None:
        await database_sync_to_async(services.conversation_claim)(
            conversation_id=str(frame.get("conversation")), user=self.user
        )
        await self._open(frame)

    async def _send_message(self, frame: dict[str, Any]) -> None:
        client_id = frame.get("client_id")
        client_id = client_id if isinstance(client_id, str) else ""
        message, _ = await database_sync_to_async(services.agent_message_post)(
            conversation_id=str(frame.get("conversation")),
            user=self.user,
            text=frame.get("text"),
            client_id=client_id,
        )
        await self._send(
            {
                "type": "ack",
                "conversation": str(message.conversation_id),
                "client_id": client_id,
                "seq": message.seq,
            }
        )

    async def _note(self, frame: dict[str, Any]) -> None:
        await database_sync_to_async(services.note_add)(
            conversation_id=str(frame.get("conversation")), user=self.user, text=frame.get("text")
        )

    async def _typing(self, frame: dict[str, Any]) -> None:
        await database_sync_to_async(services.agent_typing)(
            conversation_id=str(frame.get("conversation")),
            user=self.user,
            on=frame.get("on") is True,
        )

    async def _transfer(self, frame: dict[str, Any]) -> None:
        agent = frame.get("agent")
        await database_sync_to_async(services.conversation_transfer)(
            conversation_id=str(frame.get("conversation")),
            user=self.user,
            to_user_id=agent if isinstance(agent, int) and not isinstance(agent, bool) else -1,
        )

    async def _hand_back(self, frame: dict[str, Any]) -> None:
        await database_sync_to_async(services.conversation_hand_back)(
            conversation_id=str(frame.get("conversation")), user=self.user
        )

    async def _release(self, frame: dict[str, Any]) -> None:
        await database_sync_to_async(services.conversation_release)(
            conversation_id=str(frame.get("conversation")), user=self.user
        )

    async def _resolve(self, frame: dict[str, Any]) -> None:
        await database_sync_to_async(services.conversation_resolve)(
            conversation_id=str(frame.get("conversation")), user=self.user
        )

    async def _suggest(self, frame: dict[str, Any]) -> None:
        conversation_id = str(frame.get("conversation"))
        text = await database_sync_to_async(_suggest)(conversation_id, self.user)
        await self._send({"type": "suggestion", "conversation": conversation_id, "text": text})

    HANDLERS = {
        "ping": _ping,
        "presence": _presence,
        "open": _open,
        "close": _close,
        "claim": _claim,
        "send": _send_message,
        "note": _note,
        "typing": _typing,
        "transfer": _transfer,
        "hand_back": _hand_back,
        "release": _release,
        "resolve": _resolve,
        "suggest": _suggest,
    }

    # --- events from the channel layer -----------------------------------------------------------

    async def desk_event(self, message: dict[str, Any]) -> None:
        event = message["event"]
        if event.get("type") == "mine":
            for item in event["mine"]:
                await self._watch(item["conversation"])
        if event.get("type") in ("mine", "queue") and self.role != "supervisor":
            await self._drop_lost_chats()
        await self._send(event)

    async def _drop_lost_chats(self) -> None:
        """An agent stops receiving a chat's events once it is no longer theirs (transferred,
        claimed by someone else, requeued away from them...)."""
        for conversation_id in list(self.watching):
            if not await database_sync_to_async(_may_still_open)(conversation_id, self.user):
                await self._unwatch(conversation_id)

    async def chat_event(self, message: dict[str, Any]) -> None:
        """A chat event (chatbot.events.publish) of a conversation this socket watches."""
        await self._send({**message["event"], "conversation": message.get("conversation")})

    async def _error(self, code: str, text: str, conversation: object = None) -> None:
        payload: dict[str, Any] = {"type": "error", "code": code, "message": text}
        if isinstance(conversation, str):
            payload["conversation"] = conversation
        await self._send(payload)

    async def _send(self, payload: Any) -> None:
        await self.send(text_data=json.dumps(payload, ensure_ascii=False))
