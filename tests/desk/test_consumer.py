"""The staff socket /ws/desk/ on the real ASGI app (origin check, session auth, routing) with the
real Redis channel layer: who gets in, what each role may open, and that nothing staff-only ever
reaches a customer's socket."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connections
from django.test import Client

from chatbot import services as chat_services
from chatbot.models import Conversation
from chatbot.tokens import ws_token
from desk import events as desk_events
from desk import services
from orders.models import Customer
from servicedesk.asgi import application

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]
ORIGIN = (b"origin", b"http://127.0.0.1:8000")


@pytest_asyncio.fixture
async def ws() -> AsyncIterator[list[WebsocketCommunicator]]:
    opened: list[WebsocketCommunicator] = []
    yield opened
    for communicator in opened:
        await communicator.disconnect()
    await database_sync_to_async(connections.close_all)()


def _cookie(user: User | None) -> list[tuple[bytes, bytes]]:
    if user is None:
        return [ORIGIN]
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return [ORIGIN, (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session}".encode())]


async def desk(opened: list[WebsocketCommunicator], user: User | None) -> WebsocketCommunicator:
    headers = await database_sync_to_async(_cookie)(user)
    communicator = WebsocketCommunicator(application, "/ws/desk/", headers=headers)
    opened.append(communicator)
    await communicator.connect()
    return communicator


async def until(communicator: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    while True:
        frame: dict[str, Any] = await communicator.receive_json_from(timeout=5)
        if frame["type"] == kind:
            return frame


def _queued(customer: Customer | None, agent: User | None = None) -> Conversation:
    conversation = chat_services.conversation_start_or_resume(customer=customer, resume=None)
    services.conversation_handoff(conversation_id=conversation.pk, reason="requested")
    if agent is not None:
        services.conversation_claim(conversation_id=conversation.pk, user=agent)
    return conversation


async def customer_socket(
    opened: list[WebsocketCommunicator], conversation: Conversation
) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, "/ws/chat/", headers=[ORIGIN])
    opened.append(communicator)
    await communicator.connect()
    token = ws_token(chat_services.conversation_grant(conversation))
    await database_sync_to_async(conversation.refresh_from_db)()
    # From the newest message on: what came before is replayed only to a fresh widget.
    await communicator.send_json_to(
        {"type": "hello", "token": token, "last_seq": conversation.last_seq}
    )
    assert (await communicator.receive_json_from(timeout=5))["type"] == "welcome"
    return communicator


@pytest.fixture(autouse=True)
def _manual_claims(settings: Any) -> None:
    settings.DESK_AUTO_ASSIGN = False


async def test_anonymous_users_are_refused_with_4003(ws: list[WebsocketCommunicator]) -> None:
    communicator = await desk(ws, None)

    assert (await communicator.receive_output(timeout=5))["code"] == 4003


async def test_staff_outside_the_desk_groups_and_customers_are_refused(
    ws: list[WebsocketCommunicator], alice: Customer
) -> None:
    outsider = await database_sync_to_async(User.objects.create_user)("ops", is_staff=True)
    assert alice.user is not None

    for user in (outsider, alice.user):
        communicator = await desk(ws, user)
        assert (await communicator.receive_output(timeout=5))["code"] == 4003


async def test_a_foreign_origin_cannot_open_the_desk(
    ws: list[WebsocketCommunicator], sam: User
) -> None:
    headers = await database_sync_to_async(_cookie)(sam)
    headers = [(b"origin", b"https://evil.example"), headers[1]]
    communicator = WebsocketCommunicator(application, "/ws/desk/", headers=headers)
    ws.append(communicator)

    connected, _ = await communicator.connect()

    assert not connected


async def test_an_agent_gets_hello_with_the_queue_and_stays_offline_until_they_choose(
    ws: list[WebsocketCommunicator], sam: User, alice: Customer
) -> None:
    conversation = await database_sync_to_async(_queued)(alice)

    communicator = await desk(ws, sam)
    hello = await communicator.receive_json_from(timeout=5)

    assert hello["type"] == "hello"
    # Signing in is not a choice to take chats: the queued chat stays queued.
    assert (hello["me"]["username"], hello["me"]["role"], hello["presence"]) == (
        "sam",
        "agent",
        "offline",
    )
    assert [q["conversation"] for q in hello["queue"]] == [str(conversation.pk)]
    assert hello["queue"][0]["customer"]["name"] == "Alice Martin"
    assert (hello["mine"], hello["active"]) == ([], [])
    await database_sync_to_async(conversation.refresh_from_db)()
    assert conversation.status == "queued"

    await communicator.send_json_to({"type": "presence", "state": "online"})
    chosen = await until(communicator, "presence")
    while chosen["reason"] == "connected":  # the sign-in's own (offline) frame comes first
        chosen = await until(communicator, "presence")
    assert chosen["state"] == "online"


async def test_a_desk_that_reconnects_soon_gets_back_the_presence_the_agent_chose(
    ws: list[WebsocketCommunicator], sam: User
) -> None:
    first = await desk(ws, sam)
    await until(first, "hello")
    await first.send_json_to({"type": "presence", "state": "online"})
    await until(first, "presence")
    await first.disconnect()  # a reload

    again = await desk(ws, sam)

    assert (await until(again, "hello"))["presence"] == "online"


async def test_an_agent_cannot_open_another_agents_chat_but_a_supervisor_can(
    ws: list[WebsocketCommunicator], sam: User, kim: User, sue: User, alice: Customer
) -> None:
    kims = await database_sync_to_async(_queued)(alice, kim)
    agent = await desk(ws, sam)
    await until(agent, "hello")
    supervisor = await desk(ws, sue)
    await until(supervisor, "hello")

    await agent.send_json_to({"type": "open", "conversation": str(kims.pk)})
    await supervisor.send_json_to({"type": "open", "conversation": str(kims.pk)})

    refused = await until(agent, "error")
    assert (refused["code"], refused["conversation"]) == ("forbidden", str(kims.pk))
    opened = await until(supervisor, "conversation")
    assert opened["conversation"]["conversation"] == str(kims.pk)
    assert opened["summary"]["reason"] == "requested"


async def test_an_agent_cannot_use_a_supervisor_only_action(
    ws: list[WebsocketCommunicator], sam: User, kim: User, alice: Customer
) -> None:
    kims = await database_sync_to_async(_queued)(alice, kim)
    agent = await desk(ws, sam)
    await until(agent, "hello")

    await agent.send_json_to({"type": "transfer", "conversation": str(kims.pk), "agent": sam.pk})

    assert (await until(agent, "error"))["code"] == "forbidden"
    await database_sync_to_async(kims.refresh_from_db)()
    assert kims.assigned_agent_id == kim.pk


async def test_claim_send_and_note_reach_the_right_sockets(
    ws: list[WebsocketCommunicator], sam: User, alice: Customer
) -> None:
    conversation = await database_sync_to_async(_queued)(alice)
    customer = await customer_socket(ws, conversation)
    agent = await desk(ws, sam)
    await until(agent, "hello")

    await agent.send_json_to({"type": "claim", "conversation": str(conversation.pk)})
    opened = await until(agent, "conversation")
    await agent.send_json_to(
        {"type": "send", "conversation": str(conversation.pk), "text": "Hi!", "client_id": "s1"}
    )
    ack = await until(agent, "ack")
    await agent.send_json_to({"type": "note", "conversation": str(conversation.pk), "text": "shh"})
    note = await until(agent, "note")

    assert opened["conversation"]["status"] == "agent"
    assert (ack["client_id"], ack["conversation"]) == ("s1", str(conversation.pk))
    assert (note["conversation"], note["note"]["text"]) == (str(conversation.pk), "shh")
    frames = []
    while not await customer.receive_nothing(timeout=0.5):
        frames.append(await customer.receive_json_from(timeout=5))
    texts = [f["message"]["text"] for f in frames if f["type"] == "message"]
    assert texts == ["Sam from our team has joined the chat.", "Hi!"]
    assert {"type": "status", "status": "agent"} in frames
    assert not any("shh" in str(f) for f in frames)


async def test_a_customer_socket_never_receives_staff_groups(
    ws: list[WebsocketCommunicator], alice: Customer, sam: User
) -> None:
    conversation = await database_sync_to_async(_queued)(alice)
    customer = await customer_socket(ws, conversation)
    while not await customer.receive_nothing(timeout=0.3):
        await customer.receive_json_from(timeout=5)

    # Whatever the customer sends, their socket stays in its one chat group.
    await customer.send_json_to({"type": "hello", "token": "x", "group": "desk.queue"})
    await database_sync_to_async(desk_events.notify)(conversation_id=conversation.pk, reason="x")
    await database_sync_to_async(desk_events.publish)(
        desk_events.agent_group(sam.pk), {"type": "mine", "mine": []}
    )
    await database_sync_to_async(desk_events.staff_publish)(
        conversation.pk, {"type": "note", "note": {"text": "internal"}}
    )

    frames = []
    while not await customer.receive_nothing(timeout=0.5):
        frames.append(await customer.receive_json_from(timeout=5))
    assert [f["type"] for f in frames] == ["error"]  # the stray hello, refused
    assert frames[0]["code"] == "unknown_type"


async def test_the_customer_typing_reaches_the_agent_only(
    ws: list[WebsocketCommunicator], alice: Customer, sam: User
) -> None:
    conversation = await database_sync_to_async(_queued)(alice, sam)
    customer = await customer_socket(ws, conversation)
    agent = await desk(ws, sam)
    await until(agent, "hello")

    await customer.send_json_to({"type": "typing", "on": True})

    typing = await until(agent, "typing")
    assert (typing["role"], typing["on"], typing["conversation"]) == (
        "customer",
        True,
        str(conversation.pk),
    )
    assert await customer.receive_nothing(timeout=0.3)
