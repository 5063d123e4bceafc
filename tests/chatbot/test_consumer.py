"""The chat websocket on the real ASGI app (origin check, auth stack, routing) with the real Redis
channel layer; replies run in-process with the scripted model."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.test import override_settings

from chatbot import services
from chatbot.models import Conversation, Message
from chatbot.tokens import ChatGrant, ws_token
from orders.models import Customer
from servicedesk.asgi import application

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]
ORIGIN = [(b"origin", b"http://127.0.0.1:8000")]


@pytest.fixture
def conversation(alice: Customer) -> Conversation:
    return services.conversation_start_or_resume(customer=alice, resume=None)


def token_for(conversation: Conversation) -> str:
    return ws_token(services.conversation_grant(conversation))


@pytest_asyncio.fixture
async def ws() -> AsyncIterator[list[WebsocketCommunicator]]:
    opened: list[WebsocketCommunicator] = []
    yield opened
    for communicator in opened:
        await communicator.disconnect()
    # The consumer's database work ran on asgiref's sync thread, which keeps its connection open:
    # close it there, or PostgreSQL can't drop the test database at the end.
    await database_sync_to_async(connections.close_all)()


async def open_socket(
    opened: list[WebsocketCommunicator], headers: list[tuple[bytes, bytes]] = ORIGIN
) -> tuple[WebsocketCommunicator, bool]:
    communicator = WebsocketCommunicator(application, "/ws/chat/", headers=headers)
    opened.append(communicator)
    connected, _ = await communicator.connect()
    return communicator, connected


async def hello(
    opened: list[WebsocketCommunicator], conversation: Conversation, last_seq: int = 0
) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    communicator, connected = await open_socket(opened)
    assert connected
    await communicator.send_json_to(
        {"type": "hello", "token": token_for(conversation), "last_seq": last_seq}
    )
    welcome = await communicator.receive_json_from(timeout=5)
    assert welcome["type"] == "welcome"
    return communicator, welcome


async def frames_until_end(communicator: WebsocketCommunicator) -> list[dict[str, Any]]:
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=10)
        frames.append(frame)
        if frame["type"] == "end":
            return frames


async def test_a_foreign_origin_is_refused_at_the_handshake(
    ws: list[WebsocketCommunicator], db: None
) -> None:
    _, connected = await open_socket(ws, headers=[(b"origin", b"https://evil.example")])

    assert not connected


async def test_a_frame_before_hello_closes_with_4001(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    communicator, _ = await open_socket(ws)

    await communicator.send_json_to({"type": "message", "text": "hi"})

    assert (await communicator.receive_output(timeout=5))["code"] == 4001


@pytest.mark.parametrize("token", ["garbage", None, 42])
async def test_a_bad_token_closes_with_4003(
    ws: list[WebsocketCommunicator], conversation: Conversation, token: Any
) -> None:
    communicator, _ = await open_socket(ws)

    await communicator.send_json_to({"type": "hello", "token": token})

    assert (await communicator.receive_output(timeout=5))["code"] == 4003


async def test_an_expired_token_closes_with_4003(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    communicator, _ = await open_socket(ws)

    with override_settings(CHAT_TOKEN_MAX_AGE=-1):
        await communicator.send_json_to({"type": "hello", "token": token_for(conversation)})
        assert (await communicator.receive_output(timeout=5))["code"] == 4003


async def test_a_token_opens_only_its_own_conversation(
    ws: list[WebsocketCommunicator], conversation: Conversation, bob: Customer
) -> None:
    bobs = await database_sync_to_async(services.conversation_start_or_resume)(
        customer=bob, resume=None
    )
    # A token naming alice's conversation but bob as its customer (as if forged) opens nothing.
    mixed = ws_token(ChatGrant(conversation_id=conversation.pk, customer_id=bob.pk))
    communicator, _ = await open_socket(ws)
    await communicator.send_json_to({"type": "hello", "token": mixed})
    assert (await communicator.receive_output(timeout=5))["code"] == 4003

    _, welcome = await hello(ws, bobs)

    assert welcome["conversation"] == str(bobs.pk)
    assert welcome["customer"] == {"name": "Bob"}


async def test_a_message_is_stored_acknowledged_and_answered_in_a_stream(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    communicator, welcome = await hello(ws, conversation)
    assert (welcome["status"], welcome["last_seq"]) == ("bot", 0)

    await communicator.send_json_to(
        {"type": "message", "text": "  hello\u0000 there ", "client_id": "c1"}
    )
    frames = await frames_until_end(communicator)

    kinds = [f["type"] for f in frames]
    mine = next(f["message"] for f in frames if f["type"] == "message")
    assert (mine["seq"], mine["role"], mine["text"]) == (1, "customer", "hello there")
    assert {"type": "ack", "client_id": "c1", "seq": 1} in frames
    assert kinds.index("typing") < kinds.index("delta"), frames
    end = frames[-1]["message"]
    deltas = "".join(f["text"] for f in frames if f["type"] == "delta")
    assert deltas == end["text"]
    assert end["text"].startswith("Hi, Alice! I'm the Harbor Lane assistant.")  # the greeting
    assert (end["seq"], end["role"], end["state"], end["reply_to"]) == (2, "bot", "final", 1)
    stored = await database_sync_to_async(list)(
        Message.objects.filter(conversation=conversation).values_list("seq", "role", "text")
    )
    assert stored == [(1, "customer", "hello there"), (2, "bot", end["text"])]


async def test_resending_a_client_id_stores_nothing_twice(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    communicator, _ = await hello(ws, conversation)
    await communicator.send_json_to({"type": "message", "text": "hi", "client_id": "same"})
    await frames_until_end(communicator)

    await communicator.send_json_to({"type": "message", "text": "hi", "client_id": "same"})

    assert await communicator.receive_json_from(timeout=5) == {
        "type": "ack",
        "client_id": "same",
        "seq": 1,
    }
    assert await database_sync_to_async(Message.objects.count)() == 2


async def test_resume_replays_exactly_what_was_missed(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    first, _ = await hello(ws, conversation)
    await first.send_json_to({"type": "message", "text": "one", "client_id": "a"})
    await frames_until_end(first)
    await first.disconnect()

    again, welcome = await hello(ws, conversation, last_seq=1)
    replay = [await again.receive_json_from(timeout=5)]

    assert welcome["last_seq"] == 2
    assert [f["message"]["seq"] for f in replay] == [2]
    stored = await database_sync_to_async(Message.objects.get)(seq=2)
    assert replay[0]["message"]["text"] == stored.text and stored.role == "bot" and stored.text
    assert await again.receive_nothing(timeout=0.3)

    fresh, _ = await hello(ws, conversation, last_seq=0)
    seqs = [(await fresh.receive_json_from(timeout=5))["message"]["seq"] for _ in range(2)]
    assert seqs == [1, 2]


async def _half_written_reply(conversation: Conversation) -> None:
    """A question (seq 1) whose reply (seq 2) is still streaming "Half of it", its task never
    run here."""

    def half_written() -> None:
        question, _ = services.message_post_customer(
            conversation_id=conversation.pk, text="q", client_id="q"
        )
        Message.objects.filter(reply_to=question).delete()
        reply = services.reply_start(customer_message_id=question.pk, model_name="fake")
        assert reply is not None
        services.reply_append(reply=reply, text="Half of it")

    from servicedesk.celery import app

    app.conf.task_always_eager = False
    try:
        with override_settings(CELERY_TASK_ALWAYS_EAGER=False):
            await database_sync_to_async(half_written)()
    finally:
        app.conf.task_always_eager = True


async def test_a_streaming_reply_is_replayed_with_its_text_so_far(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    await _half_written_reply(conversation)

    communicator, _ = await hello(ws, conversation, last_seq=1)
    frame = await communicator.receive_json_from(timeout=5)

    assert frame["message"]["state"] == "streaming"
    assert frame["message"]["text"] == "Half of it"
    assert frame["message"]["attempt"]


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "bad_json"),
        ("[1, 2]", "bad_json"),
        (json.dumps({"type": "shout"}), "unknown_type"),
        (json.dumps({"text": "no type"}), "unknown_type"),
        (json.dumps({"type": "message", "text": "   "}), "empty_text"),
        (json.dumps({"type": "message", "text": 5}), "empty_text"),
        (json.dumps({"type": "message", "text": "x" * 2001}), "text_too_long"),
    ],
)
async def test_bad_frames_get_an_error_and_the_connection_carries_on(
    ws: list[WebsocketCommunicator], conversation: Conversation, frame: str, code: str
) -> None:
    communicator, _ = await hello(ws, conversation)

    await communicator.send_to(text_data=frame)
    error = await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"type": "ping"})

    assert (error["type"], error["code"]) == ("error", code)
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"
    assert await database_sync_to_async(Message.objects.count)() == 0


async def test_2000_characters_are_accepted(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    communicator, _ = await hello(ws, conversation)

    await communicator.send_json_to({"type": "message", "text": "y" * 2000, "client_id": "long"})

    frames = await frames_until_end(communicator)
    assert next(f for f in frames if f["type"] == "message")["message"]["text"] == "y" * 2000


@pytest.mark.parametrize(
    ("send", "code"),
    [
        ({"bytes_data": b"\x00\x01"}, 4010),
        ({"text_data": "x" * (64 * 1024 + 1)}, 4009),
    ],
)
async def test_binary_and_oversized_frames_close_the_connection(
    ws: list[WebsocketCommunicator], conversation: Conversation, send: dict[str, Any], code: int
) -> None:
    communicator, _ = await hello(ws, conversation)

    await communicator.send_to(**send)

    assert (await communicator.receive_output(timeout=5))["code"] == code


@override_settings(CHAT_RATE_BURST=2, CHAT_RATE_PER_MINUTE=1)
async def test_a_burst_past_the_rate_limit_is_refused_and_not_stored(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    communicator, _ = await hello(ws, conversation)
    for n in range(2):
        await communicator.send_json_to({"type": "message", "text": f"m{n}", "client_id": f"m{n}"})
        await frames_until_end(communicator)

    await communicator.send_json_to({"type": "message", "text": "m2", "client_id": "m2"})

    error = await communicator.receive_json_from(timeout=5)
    assert (error["code"], error["client_id"]) == ("rate_limited", "m2")
    assert not await database_sync_to_async(Message.objects.filter(client_id="m2").exists)()


async def test_a_flood_of_bad_frames_closes_with_4008(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    communicator, _ = await hello(ws, conversation)

    for _ in range(20):
        await communicator.send_to(text_data="nope")
        output = await communicator.receive_output(timeout=5)

    assert (await communicator.receive_output(timeout=5))["code"] == 4008
    assert output["type"] == "websocket.send"


async def test_hello_sets_the_language_the_assistant_answers_in(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    communicator, _ = await open_socket(ws)

    await communicator.send_json_to(
        {"type": "hello", "token": token_for(conversation), "lang": "zh-Hans"}
    )
    await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"type": "handoff"})
    await communicator.receive_json_from(timeout=5)
    note = await communicator.receive_json_from(timeout=5)

    await database_sync_to_async(conversation.refresh_from_db)()
    assert conversation.language == "zh-Hans"
    assert note["message"]["text"].startswith("我已请我们的客服同事加入对话")


async def test_asking_for_a_human_queues_the_conversation(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    communicator, _ = await hello(ws, conversation)

    await communicator.send_json_to({"type": "handoff"})

    assert await communicator.receive_json_from(timeout=5) == {"type": "status", "status": "queued"}
    note = await communicator.receive_json_from(timeout=5)
    assert note["message"]["role"] == "system"
    assert "member of our team" in note["message"]["text"]
    await database_sync_to_async(conversation.refresh_from_db)()
    assert conversation.status == "queued"


async def test_a_second_client_sees_the_conversation_live(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    phone, _ = await hello(ws, conversation)
    laptop, _ = await hello(ws, conversation)

    await phone.send_json_to({"type": "message", "text": "from my phone", "client_id": "p"})

    frames = await frames_until_end(laptop)
    assert frames[0]["message"]["text"] == "from my phone"  # no ack first: it is not the sender
    assert not any(f["type"] == "ack" for f in frames)  # acks go to the sender only


async def test_an_answer_to_a_confirm_question_is_stored_with_its_action(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    communicator, _ = await hello(ws, conversation)

    await communicator.send_json_to(
        {
            "type": "message",
            "text": "Yes, cancel it",
            "client_id": "c1",
            "action": {"confirm": "cancel-SD_100123", "answer": "yes"},
        }
    )
    frames = await frames_until_end(communicator)

    assert {"type": "ack", "client_id": "c1", "seq": 1} in frames
    stored = await database_sync_to_async(Message.objects.get)(conversation=conversation, seq=1)
    assert (stored.role, stored.text) == ("customer", "Yes, cancel it")
    assert stored.metadata == {"action": {"confirm": "cancel-SD_100123", "answer": "yes"}}


async def test_a_message_without_an_action_stores_none(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    communicator, _ = await hello(ws, conversation)

    await communicator.send_json_to({"type": "message", "text": "hi", "client_id": "c1"})
    await frames_until_end(communicator)

    stored = await database_sync_to_async(Message.objects.get)(conversation=conversation, seq=1)
    assert stored.metadata == {}


@pytest.mark.parametrize(
    "action",
    [
        None,
        "yes",
        ["cancel-1", "yes"],
        {},
        {"confirm": "cancel-1"},
        {"answer": "yes"},
        {"confirm": "cancel-1", "answer": "maybe"},
        {"confirm": "cancel-1", "answer": True},
        {"confirm": "cancel-1", "answer": "YES"},
        {"confirm": "", "answer": "no"},
        {"confirm": "x" * 65, "answer": "no"},
        {"confirm": "cancel 1", "answer": "no"},
        {"confirm": "cancel/1", "answer": "no"},
        {"confirm": "取消", "answer": "no"},
        {"confirm": "cancel-1\n", "answer": "no"},
        {"confirm": 42, "answer": "no"},
        {"confirm": "cancel-1", "answer": "yes", "extra": 1},
    ],
)
async def test_a_malformed_action_is_refused_and_nothing_is_stored(
    ws: list[WebsocketCommunicator], conversation: Conversation, action: Any
) -> None:
    communicator, _ = await hello(ws, conversation)

    await communicator.send_json_to(
        {"type": "message", "text": "Yes, cancel it", "client_id": "c1", "action": action}
    )
    error = await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to({"type": "ping"})

    assert (error["type"], error["code"], error["client_id"]) == ("error", "bad_action", "c1")
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"
    assert await database_sync_to_async(Message.objects.count)() == 0


async def test_the_longest_confirm_id_is_accepted(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    communicator, _ = await hello(ws, conversation)
    action = {"confirm": "a" * 64, "answer": "no"}

    await communicator.send_json_to(
        {"type": "message", "text": "No, keep it", "client_id": "c1", "action": action}
    )
    await frames_until_end(communicator)

    stored = await database_sync_to_async(Message.objects.get)(conversation=conversation, seq=1)
    assert stored.metadata == {"action": action}


async def test_a_ping_is_answered_with_the_newest_and_the_settled_seq(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    communicator, _ = await hello(ws, conversation)
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "pong",
        "last_seq": 0,
        "settled_seq": 0,
    }

    await _half_written_reply(conversation)
    await communicator.send_json_to({"type": "ping"})
    pong = await _frame_of(communicator, "pong")

    # Question 1 is final, reply 2 still streaming: settled up to 1.
    assert (pong["last_seq"], pong["settled_seq"]) == (2, 1)


async def test_sync_sends_what_the_client_missed_then_a_heartbeat(
    ws: list[WebsocketCommunicator], conversation: Conversation
) -> None:
    communicator, _ = await hello(ws, conversation)
    await communicator.send_json_to({"type": "message", "text": "Hi!", "client_id": "s1"})
    live = await frames_until_end(communicator)
    end = live[-1]["message"]

    # The client held the question (seq 1) but its reply's frames never arrived.
    await communicator.send_json_to({"type": "sync", "last_seq": 1})
    replayed = await communicator.receive_json_from(timeout=5)
    heartbeat = await communicator.receive_json_from(timeout=5)

    assert replayed == {"type": "message", "message": end}
    assert heartbeat == {"type": "pong", "last_seq": end["seq"], "settled_seq": end["seq"]}
    # A bad last_seq replays everything, it does not close the socket.
    await communicator.send_json_to({"type": "sync", "last_seq": "x"})
    seqs = [(await communicator.receive_json_from(timeout=5))["message"]["seq"] for _ in range(2)]
    assert seqs == [1, end["seq"]]
    assert (await communicator.receive_json_from(timeout=5))["type"] == "pong"


async def _frame_of(communicator: WebsocketCommunicator, kind: str) -> dict[str, Any]:
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        if frame["type"] == kind:
            return dict(frame)
