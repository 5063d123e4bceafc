"""Live chat on the real stack: daphne and a Celery worker in their own processes, Redis, the
database, and the bundled SmolLM2 model generating every reply."""

from __future__ import annotations

import json
import os
import signal
import time
from typing import Any

import psutil
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

from chatbot import services
from chatbot.models import Conversation, Message, MessageRole, MessageState
from chatbot.tokens import ChatGrant, ws_token
from orders.models import Customer
from tests.e2e.conftest import Daphne, Worker

pytestmark = pytest.mark.e2e
REPLY_TIMEOUT = 180  # the first reply may wait for the worker to load the model


def _ws_url(http_url: str) -> str:
    return http_url.replace("http://", "ws://") + "/ws/chat/"


def _connect(server: Daphne, origin: str | None = None) -> ClientConnection:
    return connect(_ws_url(server.url), origin=Origin(origin or server.url), open_timeout=10)


def _open(
    server: Daphne, conversation: Conversation, last_seq: int = 0
) -> tuple[ClientConnection, dict[str, Any]]:
    ws = _connect(server)
    ws.send(json.dumps({"type": "hello", "token": _token(conversation), "last_seq": last_seq}))
    welcome = json.loads(ws.recv(timeout=10))
    assert welcome["type"] == "welcome", welcome
    return ws, welcome


def _token(conversation: Conversation) -> str:
    return ws_token(services.conversation_grant(conversation))


def _recv(ws: ClientConnection, timeout: float = REPLY_TIMEOUT) -> dict[str, Any]:
    return dict(json.loads(ws.recv(timeout=timeout)))


def _until(ws: ClientConnection, kind: str) -> list[dict[str, Any]]:
    frames = []
    while True:
        frame = _recv(ws)
        frames.append(frame)
        if frame["type"] == kind:
            return frames


class Assembler:
    """The client-side assembly rule of docs/protocol.md §2.3."""

    def __init__(self) -> None:
        self.text: dict[int, str] = {}
        self.attempt: dict[int, str] = {}
        self.final: dict[int, str] = {}

    def feed(self, frame: dict[str, Any]) -> None:
        if frame["type"] in ("message", "end"):
            m = frame["message"]
            self.text[m["seq"]], self.attempt[m["seq"]] = m["text"], m["attempt"]
            if m["state"] != "streaming":
                self.final[m["seq"]] = m["text"]
        elif frame["type"] == "delta":
            seq = frame["seq"]
            if self.attempt.get(seq) != frame["attempt"]:
                self.text[seq], self.attempt[seq] = "", frame["attempt"]
            held = self.text.get(seq, "")
            if frame["offset"] <= len(held):
                self.text[seq] = held + frame["text"][len(held) - frame["offset"] :]


@pytest.fixture
def conversation(alice: Customer, stack_env: dict[str, str]) -> Conversation:
    return services.conversation_start_or_resume(customer=alice, resume=None)


def _bot_replies(conversation: Conversation) -> list[Message]:
    return list(conversation.messages.filter(role=MessageRole.BOT).order_by("seq"))


def test_a_reply_streams_from_the_real_model_and_matches_what_is_stored(
    daphne_server: Daphne, celery_worker: str, conversation: Conversation
) -> None:
    ws, _ = _open(daphne_server, conversation)
    ws.send(json.dumps({"type": "message", "text": "Hi! What do you sell?", "client_id": "c1"}))

    frames = _until(ws, "end")
    ws.close()

    deltas = [f for f in frames if f["type"] == "delta"]
    end = frames[-1]["message"]
    assert deltas, "the reply was not streamed"
    assert "".join(d["text"] for d in deltas).strip() == end["text"]
    assert end["state"] == "final" and end["text"]
    [stored] = _bot_replies(conversation)
    assert (stored.seq, stored.text, stored.state) == (end["seq"], end["text"], "final")
    assert stored.metadata["model"].startswith("transformers:SmolLM2-135M-Instruct")
    typing = [f["on"] for f in frames if f["type"] == "typing"]
    assert typing[0] is True and typing[-1] is False
    # Coalesced: far fewer frames than tokens.
    assert len(deltas) < max(4, len(end["text"].split()))


def _kill_pool(worker: Worker) -> None:
    """Kill the pool process that runs the tasks, the way an OOM kill would."""
    assert worker.process is not None
    for child in psutil.Process(worker.process.pid).children():
        os.kill(child.pid, signal.SIGKILL)


def _until_delta(ws: ClientConnection, assembler: Assembler) -> dict[str, Any]:
    while True:
        frame = _recv(ws)
        assembler.feed(frame)
        if frame["type"] == "delta":
            return frame


def _until_end(ws: ClientConnection, assembler: Assembler) -> dict[str, Any]:
    while True:
        frame = _recv(ws)
        assembler.feed(frame)
        if frame["type"] == "end":
            return dict(frame["message"])


def test_a_worker_killed_mid_reply_still_gives_exactly_one_complete_reply(
    daphne_server: Daphne, worker_factory: Any, conversation: Conversation
) -> None:
    # A model that streams the draft back a word every 0.2 s: the reply is surely still being
    # written when the kill lands, so this checks the redelivery itself, every run. (With the
    # real model the kill may land after the reply ended; the next test covers any moment.)
    worker = worker_factory(LLM_BACKEND="fake", LLM_FAKE_DELAY_S="0.2", BOT_LLM_MODE="rewrite")
    ws, _ = _open(daphne_server, conversation)
    ws.send(
        json.dumps({"type": "message", "text": "Hi! What can you help me with?", "client_id": "k1"})
    )
    assembler = Assembler()
    first_delta = _until_delta(ws, assembler)
    _kill_pool(worker)

    end = _until_end(ws, assembler)
    ws.close()

    assert end["attempt"] != first_delta["attempt"], "the reply was not regenerated"
    assert end["state"] == "final"
    assert assembler.text[end["seq"]].strip() == end["text"]
    replies = _bot_replies(conversation)
    assert [(r.seq, r.state) for r in replies] == [(end["seq"], MessageState.FINAL)]
    assert replies[0].metadata.get("retried") is True
    assert not Message.objects.filter(conversation=conversation, needs_reply=True).exists()


@pytest.mark.parametrize("after_s", [0.0, 1.0])
def test_a_worker_killed_at_any_moment_of_a_real_reply_gives_one_complete_reply(
    daphne_server: Daphne, worker_factory: Any, conversation: Conversation, after_s: float
) -> None:
    """The real model; the kill lands before, during or after the reply was written, published
    and acknowledged. Whatever the moment, the socket ends with the stored reply, once."""
    worker = worker_factory()
    ws, _ = _open(daphne_server, conversation)
    ws.send(json.dumps({"type": "message", "text": "Hi! What do you sell?", "client_id": "a1"}))
    assembler = Assembler()
    while True:  # the reply task has started: its typing indicator or its first frame
        frame = _recv(ws)
        assembler.feed(frame)
        if (
            frame["type"] in ("typing", "delta", "end")
            or frame.get("message", {}).get("role") == "bot"
        ):
            break
    time.sleep(after_s)
    _kill_pool(worker)

    end = frame["message"] if frame["type"] == "end" else _until_end(ws, assembler)
    ws.close()

    [stored] = _bot_replies(conversation)
    assert (stored.seq, stored.state, stored.text) == (end["seq"], MessageState.FINAL, end["text"])
    assert assembler.final[end["seq"]] == stored.text


# The sweep on small delays, so a test sees it act within seconds.
SWEEP = {"CHAT_REPLY_SWEEP_S": "1", "CHAT_REPLY_RETRY_S": "3", "CHAT_REPLY_GIVE_UP_S": "120"}


def test_a_reply_task_the_broker_lost_is_answered_by_the_sweep(
    daphne_server: Daphne,
    worker_factory: Any,
    conversation: Conversation,
    stack_env: dict[str, str],
) -> None:
    from servicedesk.celery import app

    ws, _ = _open(daphne_server, conversation)
    ws.send(json.dumps({"type": "message", "text": "Hi! What do you sell?", "client_id": "l1"}))
    _until(ws, "ack")
    # Lost: a broker that restarted without its data, before any worker took the task.
    with app.connection_for_write() as connection:
        channel: Any = connection.default_channel
        assert channel.queue_purge(stack_env["CELERY_QUEUE"]) == 1

    worker_factory(beat=True, LLM_BACKEND="fake", **SWEEP)
    end = _until_end(ws, Assembler())
    ws.close()

    [stored] = _bot_replies(conversation)
    assert (stored.seq, stored.state, stored.text) == (end["seq"], MessageState.FINAL, end["text"])
    question = Message.objects.get(conversation=conversation, role=MessageRole.CUSTOMER)
    assert (question.needs_reply, question.reply_requeues) == (False, 1)


def test_a_reply_whose_whole_worker_died_finishes_on_another_worker(
    daphne_server: Daphne, worker_factory: Any, conversation: Conversation
) -> None:
    slow = {"LLM_BACKEND": "fake", "LLM_FAKE_DELAY_S": "0.2", **SWEEP}
    first = worker_factory(**slow)
    ws, _ = _open(daphne_server, conversation)
    ws.send(
        json.dumps({"type": "message", "text": "Hi! What can you help me with?", "client_id": "w1"})
    )
    assembler = Assembler()
    frame = _until_delta(ws, assembler)
    # The machine went away: main process and pool at once, nothing acknowledged or requeued.
    assert first.process is not None
    main = psutil.Process(first.process.pid)
    for process in [*main.children(), main]:
        process.kill()
    first.process.wait()
    first.process = None

    worker_factory(beat=True, **slow)
    end = _until_end(ws, assembler)
    ws.close()

    assert end["attempt"] != frame["attempt"] and end["state"] == "final"
    assert assembler.text[end["seq"]].strip() == end["text"]
    [stored] = _bot_replies(conversation)
    assert (stored.seq, stored.state, stored.text) == (end["seq"], MessageState.FINAL, end["text"])


def test_a_client_that_drops_mid_reply_resumes_without_gaps_or_doubles(
    daphne_server: Daphne, celery_worker: str, conversation: Conversation
) -> None:
    ws, _ = _open(daphne_server, conversation)
    ws.send(json.dumps({"type": "message", "text": "Tell me about your shop.", "client_id": "r1"}))
    assembler = Assembler()
    frame = _until_delta(ws, assembler)
    ws.close()  # the phone went into a tunnel

    # The widget resumes from the newest final message it holds: the question, seq 1.
    again, _ = _open(daphne_server, conversation, last_seq=1)
    seen = []
    while True:
        frame = _recv(again)
        seen.append(frame)
        assembler.feed(frame)
        # The reply ends live (`end`), or had already ended and comes back whole in the replay.
        replayed_whole = frame["type"] == "message" and frame["message"]["state"] == "final"
        if frame["type"] == "end" or (replayed_whole and frame["message"]["role"] == "bot"):
            break
    again.close()

    end = seen[-1]["message"]
    assert seen[0]["type"] == "message" and seen[0]["message"]["seq"] == end["seq"]
    assert [f["message"]["seq"] for f in seen if f["type"] == "message"] == [end["seq"]]
    assert assembler.text[end["seq"]].strip() == end["text"]
    assert Message.objects.filter(conversation=conversation).count() == 2


def test_no_message_is_lost_across_a_daphne_restart(
    daphne_server: Daphne, celery_worker: str, conversation: Conversation
) -> None:
    ws, _ = _open(daphne_server, conversation)
    ws.send(json.dumps({"type": "message", "text": "Do you ship to Canada?", "client_id": "d1"}))
    _until(ws, "ack")
    daphne_server.stop()
    with pytest.raises(ConnectionClosed):
        while True:
            ws.recv(timeout=30)

    # The worker finishes the reply while the web server is down.
    deadline = time.monotonic() + REPLY_TIMEOUT
    while not conversation.messages.filter(role="bot", state="final").exists():
        assert time.monotonic() < deadline, "the reply was never finished"
        time.sleep(0.5)
    daphne_server.start()
    again, welcome = _open(daphne_server, conversation, last_seq=0)
    replay = [_recv(again, 10) for _ in range(2)]
    again.close()

    assert welcome["last_seq"] == 2
    assert [(f["message"]["seq"], f["message"]["role"]) for f in replay] == [
        (1, "customer"),
        (2, "bot"),
    ]
    assert replay[1]["message"]["state"] == "final"
    assert replay[0]["message"]["text"] == "Do you ship to Canada?"


def test_bad_input_gets_its_documented_answer_while_another_chat_carries_on(
    daphne_server: Daphne, celery_worker: str, conversation: Conversation, bob: Customer
) -> None:
    bobs = services.conversation_start_or_resume(customer=bob, resume=None)
    calm, _ = _open(daphne_server, bobs)
    calm.send(
        json.dumps({"type": "message", "text": "What are your opening hours?", "client_id": "b1"})
    )

    with pytest.raises(InvalidStatus) as refused:
        _connect(daphne_server, origin="https://evil.example")
    assert refused.value.response.status_code == 403

    noisy, _ = _open(daphne_server, conversation)
    cases = [
        ("{oops", "bad_json"),
        ("", "bad_json"),
        (json.dumps({"type": "explode"}), "unknown_type"),
        (json.dumps({"type": "message", "text": ""}), "empty_text"),
        (json.dumps({"type": "message", "text": "z" * 2001}), "text_too_long"),
    ]
    for raw, code in cases:
        noisy.send(raw)
        answer = _recv(noisy, 10)
        assert (answer["type"], answer["code"]) == ("error", code), raw[:20]

    noisy.send(b"\x00binary")
    with pytest.raises(ConnectionClosed) as closed:
        noisy.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4010

    big, _ = _open(daphne_server, conversation)
    big.send("x" * (64 * 1024 + 1))
    with pytest.raises(ConnectionClosed) as closed:
        big.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4009

    flood, _ = _open(daphne_server, conversation)
    codes = []
    with pytest.raises(ConnectionClosed) as closed:
        for n in range(40):
            flood.send(json.dumps({"type": "message", "text": f"spam {n}", "client_id": f"s{n}"}))
            frame = _recv(flood, 10)
            while frame["type"] != "error" and frame["type"] != "ack":
                frame = _recv(flood, 10)
            codes.append(frame.get("code", "ack"))
    assert "rate_limited" in codes
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4008

    stranger = _connect(daphne_server)
    forged = ws_token(ChatGrant(conversation_id=conversation.pk, customer_id=bob.pk))
    stranger.send(json.dumps({"type": "hello", "token": forged}))
    with pytest.raises(ConnectionClosed) as closed:
        stranger.recv(timeout=10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4003

    # Meanwhile bob's conversation was answered as usual.
    frames = _until(calm, "end")
    calm.close()
    assert frames[-1]["message"]["state"] == "final"
    assert (
        not Message.objects.filter(conversation=bobs, role="customer")
        .exclude(client_id="b1")
        .exists()
    )
