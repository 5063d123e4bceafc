"""Group names and pushes for staff sockets (docs/desk.md, "Staff websocket"). Chat events (the
customer's conversation) stay in `chatbot.events`; this module owns the staff-only groups:

- `desk.queue`: every desk socket (the queue, agents' presence, new handoffs);
- `desk.supervisors`: supervisors' sockets (every active chat);
- `desk.agent.<user id>`: one staff user's sockets (their chats, their presence);
- `desk.conversation.<id>`: staff watching one chat (notes, the customer typing). The customer's
  socket never joins it, so nothing sent here reaches the customer.

Services call these after their transaction commits."""

from __future__ import annotations

import uuid
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from chatbot import events as chat_events

HANDLER = "desk.event"  # DeskConsumer.desk_event
QUEUE_GROUP = "desk.queue"
SUPERVISORS_GROUP = "desk.supervisors"


def agent_group(user_id: int) -> str:
    return f"desk.agent.{user_id}"


def conversation_group(conversation_id: uuid.UUID | str) -> str:
    return f"desk.conversation.{conversation_id}"


def publish(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:  # pragma: no cover - settings always configure one
        return
    async_to_sync(layer.group_send)(group, {"type": HANDLER, "event": event})


def queue_changed(*, agent_ids: set[int] | frozenset[int] = frozenset()) -> None:
    """After any change of the queue or of who has which chat: the queue and the agents to every
    desk, the active chats to supervisors, `mine` to the agents concerned, and each queued
    customer their new place and wait."""
    from desk import selectors  # selectors import the models; keep this module light

    queue = selectors.queue_payload()
    publish(QUEUE_GROUP, {"type": "queue", "queue": queue})
    publish(QUEUE_GROUP, {"type": "agents", "agents": selectors.agents_payload()})
    publish(SUPERVISORS_GROUP, {"type": "active", "active": selectors.active_payload()})
    for user_id in agent_ids:
        publish(agent_group(user_id), {"type": "mine", "mine": selectors.mine_payload(user_id)})
    for item in queue:
        chat_events.publish(
            item["conversation"],
            chat_events.status_event("queued", position=item["position"], eta_s=item["eta_s"]),
        )


def notify(*, conversation_id: uuid.UUID, reason: str) -> None:
    """A new handoff: the desk shows a badge and plays a sound."""
    publish(QUEUE_GROUP, {"type": "notify", "conversation": str(conversation_id), "reason": reason})


def presence_changed(*, user_id: int, presence: str, reason: str = "") -> None:
    from desk import selectors

    publish(agent_group(user_id), {"type": "presence", "state": presence, "reason": reason})
    publish(QUEUE_GROUP, {"type": "agents", "agents": selectors.agents_payload()})


def canned_changed_signal(**_: Any) -> None:
    """post_save/post_delete of a CannedResponse: every desk reloads its canned responses."""
    from django.db import transaction

    transaction.on_commit(lambda: publish(QUEUE_GROUP, {"type": "canned_changed"}))


def requeued(*, user_id: int, conversation_ids: list[uuid.UUID]) -> None:
    """Tell the agent which of their chats the reply timeout put back in the queue."""
    from django.conf import settings

    publish(
        agent_group(user_id),
        {
            "type": "requeued",
            "conversations": [str(pk) for pk in conversation_ids],
            "minutes": settings.DESK_REPLY_TIMEOUT_MIN,
        },
    )


def staff_publish(conversation_id: uuid.UUID | str, event: dict[str, Any]) -> None:
    """To the staff watching one chat only (notes, the customer typing)."""
    event = {**event, "conversation": str(conversation_id)}
    publish(conversation_group(conversation_id), event)
