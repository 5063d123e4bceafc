"""The one place that knows group names and the shapes of events pushed to clients.

Services call `publish()` after their transaction commits; the consumer forwards each event to
its websocket unchanged (docs/protocol.md §2.2). Payloads are TypedDicts so both sides agree."""

from __future__ import annotations

import logging
import uuid
from typing import Any, Literal, NotRequired, TypedDict

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from redis.exceptions import RedisError

from chatbot.models import Message

log = logging.getLogger(__name__)

# The consumer's handler for every event: Channels maps "chat.event" to `chat_event`.
HANDLER = "chat.event"


class MessagePayload(TypedDict):
    seq: int
    role: str
    text: str
    state: str
    reply_to: int | None
    attempt: str
    created_at: str
    client_id: str
    attachments: list[dict[str, Any]]
    # Agent messages only: the agent's first name, for the widget's "Sam (Harbor Lane)" label.
    author: NotRequired[str]


class MessageEvent(TypedDict):
    type: Literal["message"]
    message: MessagePayload


class EndEvent(TypedDict):
    type: Literal["end"]
    message: MessagePayload


class DeltaEvent(TypedDict):
    type: Literal["delta"]
    seq: int
    attempt: str
    offset: int
    text: str


class TypingEvent(TypedDict):
    type: Literal["typing"]
    on: bool
    # Who is typing when it isn't the assistant: "agent" (to the customer) or "customer" (sent to
    # the staff watching the chat only, never to the customer's socket).
    role: NotRequired[str]


class StatusEvent(TypedDict):
    type: Literal["status"]
    status: str
    # While queued (docs/desk.md): the place in the queue (1 = next) and the estimated wait.
    position: NotRequired[int]
    eta_s: NotRequired[int]


class AckEvent(TypedDict):
    type: Literal["ack"]
    client_id: str
    seq: int


class ErrorEvent(TypedDict):
    type: Literal["error"]
    code: str
    message: str
    client_id: NotRequired[str]


Event = MessageEvent | EndEvent | DeltaEvent | TypingEvent | StatusEvent


def group_name(conversation_id: uuid.UUID | str) -> str:
    return f"chat.{conversation_id}"


def message_payload(message: Message) -> MessagePayload:
    payload: MessagePayload = {
        "seq": message.seq,
        "role": message.role,
        "text": message.text,
        "state": message.state,
        "reply_to": message.reply_to.seq if message.reply_to_id and message.reply_to else None,
        "attempt": message.attempt,
        "created_at": message.created_at.isoformat(),
        "client_id": message.client_id,
        "attachments": list(message.metadata.get("attachments", [])),
    }
    author = message.metadata.get("author") if isinstance(message.metadata, dict) else None
    if message.role == "agent" and isinstance(author, str):
        payload["author"] = author
    return payload


def message_event(message: Message) -> MessageEvent:
    return {"type": "message", "message": message_payload(message)}


def end_event(message: Message) -> EndEvent:
    return {"type": "end", "message": message_payload(message)}


def delta_event(message: Message, *, offset: int, text: str) -> DeltaEvent:
    return {
        "type": "delta",
        "seq": message.seq,
        "attempt": message.attempt,
        "offset": offset,
        "text": text,
    }


def typing_event(on: bool, role: str = "") -> TypingEvent:
    event: TypingEvent = {"type": "typing", "on": on}
    if role:
        event["role"] = role
    return event


def status_event(status: str, position: int | None = None, eta_s: int | None = None) -> StatusEvent:
    event: StatusEvent = {"type": "status", "status": status}
    if position is not None:
        event["position"] = position
    if eta_s is not None:
        event["eta_s"] = eta_s
    return event


def error_event(code: str, message: str, client_id: str = "") -> ErrorEvent:
    event: ErrorEvent = {"type": "error", "code": code, "message": message}
    if client_id:
        event["client_id"] = client_id
    return event


def publish(conversation_id: uuid.UUID | str, event: Event) -> None:
    """Send an event to every connection of the conversation (from sync code: tasks, services)."""
    layer = get_channel_layer()
    if layer is None:  # pragma: no cover - settings always configure one
        return
    # Live delivery is best effort: the database is the truth, and a client that misses a frame
    # learns it from the next heartbeat and asks for the rest (docs/protocol.md §3). So a Redis
    # that is down or restarting costs a frame, never the reply being written.
    try:
        # `conversation` lets a staff socket watching several chats tell them apart
        # (desk.consumers).
        async_to_sync(layer.group_send)(
            group_name(conversation_id),
            {"type": HANDLER, "conversation": str(conversation_id), "event": event},
        )
    except (RedisError, OSError) as error:
        log.warning(
            "publishing %s to chat %s failed (%s); clients catch up from the database",
            event.get("type"),
            conversation_id,
            error,
        )
