"""Benchmark: does every customer message end with exactly one complete reply, in the database and
on the customer's socket, when parts of the stack fail?

    make bench-reliability         # or: .venv/bin/python bench/reliability.py [options]
    .venv/bin/python bench/reliability.py --only pool-kill --rounds 3 --db sqlite

Each scenario starts its own daphne, Celery worker(s) and `celery beat` (as `make run` does, on a
scratch database: SQLite in a scratch dir, or a scratch PostgreSQL database
`servicedesk_bench_<random>` on 127.0.0.1:5432 that is dropped at the end) against a redis-server
of this script's own (a free port, append-only file in the scratch dir); the shared Redis and
PostgreSQL are never stopped or flushed. Every scenario is its own installation: a fresh
`SERVICEDESK_INSTANCE` and `CELERY_QUEUE` (`bench-<random>`).

1. pool-kill: a customer asks; 0-3 s after the first frame of the reply the worker's pool child
   (the process writing the reply) is SIGKILLed. Real model (LLM_BACKEND=transformers).
2. worker-kill: two workers on one queue; the whole worker running the reply (main process and
   children) is SIGKILLed mid-reply; the reply must finish on the other one (the broker's
   visibility timeout, or the product's reply sweep run by `celery beat`).
3. redis-restart: 8 customers' messages acknowledged, then Redis is stopped for 10 s (`shutdown`,
   which writes the AOF, and/or `kill -9`) and started again on its data.
4. load: 300 customers on open sockets sending ~100 messages/s for 60 s, BOT_LLM_MODE=off; then
   every socket closes at once and the channel layer's group keys left in Redis are counted.

A round (a message) is OK when the database holds exactly one bot reply to it, `final` (or
`failed`, counted apart), and the customer's socket ended holding that same text: from the live
`end` frame, from the replay after a reconnect (`hello.last_seq`), or from a `sync` (below),
within the deadline (120 s).

The socket client follows docs/protocol.md: a token from `POST /chat/session/` (with Origin),
`hello` with `last_seq`, deltas assembled per (seq, attempt), `end` replaces the text, reconnects
with backoff (1, 2, 4 ... 30 s, jittered) and resends unacknowledged messages (same client_id).
While it waits for a reply it pings every 3 s; where the server's `pong` carries
`last_seq`/`settled_seq` and two in a row show the server has more, it sends `{"type": "sync",
"last_seq": K}`.

Figures are printed with PASS/MISS per goal; the exit code is 0 either way (it is a benchmark).
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import atexit
import collections
import contextlib
import functools
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SCENARIOS = ("pool-kill", "worker-kill", "redis-restart", "load")
# Guest questions the assistant answers from the help center (seeded by seed_demo).
QUESTIONS = [
    "What is your return policy?",
    "How much is shipping to Canada?",
    "How long do refunds take?",
    "Do you take PayPal?",
    "How do I exchange an item for a different size?",
    "How long does standard shipping take?",
]
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/postgres"
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# --- cleanup: every process and database this script makes goes away at exit -------------------

_CLEANUPS: list[Callable[[], None]] = []


def on_exit(fn: Callable[[], None]) -> None:
    _CLEANUPS.append(fn)


def run_cleanups() -> None:
    while _CLEANUPS:
        fn = _CLEANUPS.pop()
        try:
            fn()
        except Exception as error:  # cleanup must go on
            print(f"  (cleanup: {error!r})", flush=True)


def _exit_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


atexit.register(run_cleanups)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Proc:
    """A process this script started, logging to a file in the scratch dir."""

    def __init__(self, name: str, cmd: list[str], env: dict[str, str], log: Path) -> None:
        self.name, self.cmd, self.env, self.log = name, cmd, env, log
        self.popen: subprocess.Popen[bytes] | None = None
        self.start()
        on_exit(self.stop)

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.cmd,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C reaches this script only; it stops them
            )

    @property
    def pid(self) -> int:
        assert self.popen is not None
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def descendants(self) -> list[psutil.Process]:
        try:
            return psutil.Process(self.pid).children(recursive=True)
        except psutil.Error:
            return []

    def kill_all(self) -> list[int]:
        """SIGKILL the process and its children at once (an OOM kill of the whole worker)."""
        victims = [psutil.Process(self.pid), *self.descendants()]
        for p in victims:
            with contextlib.suppress(psutil.Error):
                p.send_signal(signal.SIGKILL)
        assert self.popen is not None
        self.popen.wait()
        psutil.wait_procs(victims, timeout=10)
        return [p.pid for p in victims]

    def stop(self) -> None:
        if self.popen is None:
            return
        children = self.descendants()
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        _, left = psutil.wait_procs(children, timeout=5)
        for p in left:
            with contextlib.suppress(psutil.Error):
                p.kill()
        self.popen = None

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def log_text(self, since: int = 0) -> str:
        if not self.log.exists():
            return ""
        with self.log.open("rb") as f:
            f.seek(since)
            return f.read().decode(errors="replace")


class RedisServer:
    """This script's own redis-server: a free port, its data (AOF) in the scratch dir."""

    def __init__(self, scratch: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        assert self.port != 6379, "never the shared Redis"
        self.dir = scratch / "redis"
        self.dir.mkdir()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        cmd = [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(self.dir),
            "--logfile",
            str(self.dir / "redis.log"),
            "--daemonize",
            "no",
            "--appendonly",
            "yes",
            "--appendfsync",
            "everysec",
            "--save",
            "",
        ]
        self.proc = Proc("redis", cmd, env, scratch / "redis-stdout.log")
        self.wait_up()

    def client(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def wait_up(self, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if self.client().ping():
                    return
            except Exception:
                if time.monotonic() > deadline or not self.proc.alive():
                    raise RuntimeError((self.dir / "redis.log").read_text()) from None
            time.sleep(0.1)

    def stop(self, how: str) -> None:
        """`shutdown`: the clean way (writes the AOF); `kill`: SIGKILL, what a crash does."""
        assert self.proc.popen is not None
        if how == "shutdown":
            subprocess.run(
                [shutil.which("redis-cli") or "redis-cli", "-p", str(self.port), "shutdown"],
                capture_output=True,
                timeout=30,
            )
        else:
            self.proc.popen.send_signal(signal.SIGKILL)
        self.proc.popen.wait(timeout=30)

    def start(self) -> None:
        self.proc.start()
        self.wait_up()


# --- the databases ----------------------------------------------------------------------------


def database_create(kind: str, scratch: Path, pg_url: str) -> str:
    """A scratch database; PostgreSQL's is dropped at exit."""
    if kind == "sqlite":
        return f"sqlite:///{scratch / 'bench.sqlite3'}"
    import psycopg

    name = f"servicedesk_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        older = [
            row[0]
            for row in conn.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE 'servicedesk_bench_%'"
            )
        ]
        if older:
            print(f"  (left by earlier runs, not touched: {', '.join(older)})", flush=True)
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"  dropped the scratch database {name}", flush=True)

    on_exit(drop)
    base = pg_url.rsplit("/", 1)[0]
    print(f"  scratch PostgreSQL database {name}", flush=True)
    return f"{base}/{name}"


def db_close() -> None:
    from django.db import connections

    connections.close_all()


@dataclass
class Reply:
    seq: int
    state: str
    text: str
    metadata: dict[str, Any]


def db_replies(conversations: Iterable[str]) -> dict[tuple[str, int], list[Reply]]:
    """Every bot reply of these conversations, by (conversation, seq of the question)."""
    from chatbot.models import Message, MessageRole

    out: dict[tuple[str, int], list[Reply]] = {}
    ids = list(conversations)
    try:
        for start in range(0, len(ids), 500):
            rows = Message.objects.filter(
                conversation_id__in=ids[start : start + 500], role=MessageRole.BOT
            ).values_list("conversation_id", "reply_to__seq", "seq", "state", "text", "metadata")
            for conv, question, seq, state, text, metadata in rows:
                reply = Reply(seq, state, text, metadata if isinstance(metadata, dict) else {})
                out.setdefault((str(conv), question or 0), []).append(reply)
        return out
    finally:
        db_close()


def db_message_id(conversation: str, seq: int) -> int | None:
    from chatbot.models import Message

    try:
        return (
            Message.objects.filter(conversation_id=conversation, seq=seq)
            .values_list("pk", flat=True)
            .first()
        )
    finally:
        db_close()


# --- the socket client (docs/protocol.md) -----------------------------------------------------


@dataclass
class Sent:
    """One customer message and what became of it on this socket."""

    client_id: str
    text: str
    t_sent: float
    t_ack: float | None = None
    seq: int | None = None
    refused: str = ""
    t_started: float | None = None  # the first frame of the reply: typing, message or delta
    reply_seq: int | None = None
    t_done: float | None = None
    how: str = ""  # live (the end frame), resume (replay after hello), sync
    state: str = ""
    final_text: str = ""
    assembled_ok: bool | None = None  # did the deltas add up to the end's text (live ends only)
    late_end: float | None = None  # recovered by sync, then the live end came anyway (s later)


@dataclass
class Held:
    role: str
    text: str
    state: str
    attempt: str
    reply_to: int | None


class Customer:
    """A guest on the chat widget: one conversation, one socket that it keeps open."""

    def __init__(self, base: str, label: str = "") -> None:
        self.base, self.label = base, label
        self.ws_url = base.replace("http://", "ws://") + "/ws/chat/"
        self.token = self.resume = self.conversation = ""
        self.held: dict[int, Held] = {}
        self.attempts: dict[int, set[str]] = {}
        self.reply_of: dict[int, int] = {}  # question seq -> bot reply seq
        self.sent: dict[str, Sent] = {}
        self.by_seq: dict[int, Sent] = {}
        self.ws: Any = None
        self.connected = asyncio.Event()
        self.progress = asyncio.Event()
        self.closing = False
        # What the pongs on their way answer, oldest first: the server answers frames in order.
        self.expect: collections.deque[str] = collections.deque()
        self.server_sync: bool | None = None  # does the server's pong carry last_seq?
        self.behind = 0  # pongs in a row that showed more than this client holds
        self.welcomes = 0
        self.drops: list[str] = []  # why each connection ended (close code or error)
        self.errors: Counter[str] = Counter()
        self.syncs = 0
        self.gaps = 0
        self.dup_ends = 0  # `end` frames for a reply already held final (a resent end)
        self.tasks: list[asyncio.Task[None]] = []

    # The HTTP part: a token for a new or resumed conversation.
    def _session_call(self) -> dict[str, Any]:
        body = json.dumps({"resume": self.resume} if self.resume else {}).encode()
        request = urllib.request.Request(
            f"{self.base}/chat/session/",
            data=body,
            headers={"Origin": self.base, "Content-Type": "application/json"},
            method="POST",
        )
        with NO_PROXY.open(request, timeout=30) as response:
            return dict(json.loads(response.read()))

    async def session(self) -> None:
        data = await asyncio.to_thread(self._session_call)
        self.token, self.resume, self.conversation = (
            data["token"],
            data["resume"],
            data["conversation"],
        )

    async def start(self, timeout: float = 30) -> None:
        await self.session()
        self.tasks = [asyncio.create_task(self._run()), asyncio.create_task(self._pinger())]
        await asyncio.wait_for(self.connected.wait(), timeout)

    async def close(self) -> None:
        self.closing = True
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

    def settled(self) -> int:
        """The end of the unbroken run of finished messages held (docs/protocol.md §3)."""
        seq = 0
        while (held := self.held.get(seq + 1)) is not None and held.state != "streaming":
            seq += 1
        return seq

    def sync_pending(self) -> bool:
        return "sync" in self.expect

    def waiting(self) -> bool:
        return any(s.t_done is None and not s.refused for s in self.sent.values())

    async def _run(self) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed
        from websockets.typing import Origin

        failures = 0
        while not self.closing:
            why = "?"
            try:
                # As a browser: no protocol-level pings, only the widget's own `ping` frames.
                async with connect(
                    self.ws_url,
                    origin=Origin(self.base),
                    open_timeout=10,
                    proxy=None,
                    ping_interval=None,
                ) as ws:
                    self.ws = ws
                    await ws.send(
                        json.dumps(
                            {
                                "type": "hello",
                                "token": self.token,
                                "last_seq": self.settled(),
                                "lang": "en",
                            }
                        )
                    )
                    async for raw in ws:
                        if await self._frame(json.loads(raw)):
                            failures = 0
                    why = str(ws.close_code)
            except ConnectionClosed as closed:
                why = str(closed.rcvd.code) if closed.rcvd is not None else "1006"
            except asyncio.CancelledError:
                raise
            except Exception as error:  # refused, timed out, handshake failed
                why = type(error).__name__
            finally:
                self.ws = None
                self.connected.clear()
                self.expect.clear()
            if self.closing:
                return
            self.drops.append(why)
            if why in ("4009", "4010"):
                return  # the widget stops: a bug in the client
            delay = min(30.0, 2.0**failures) * random.uniform(0.8, 1.2)
            failures += 1
            await asyncio.sleep(delay)
            if why == "4003":
                with contextlib.suppress(Exception):
                    await self.session()

    async def _pinger(self) -> None:
        while not self.closing:
            await asyncio.sleep(3)
            ws = self.ws
            ready = ws is not None and self.connected.is_set()
            if ready and self.waiting() and not self.expect:
                with contextlib.suppress(Exception):
                    self.expect.append("ping")
                    await ws.send('{"type":"ping"}')

    async def send(self, text: str) -> Sent:
        sent = Sent(client_id=uuid.uuid4().hex[:16], text=text, t_sent=time.monotonic())
        self.sent[sent.client_id] = sent
        await self._send_message(sent)
        return sent

    async def _send_message(self, sent: Sent) -> None:
        ws = self.ws
        if ws is None or not self.connected.is_set():
            return  # sent after the next welcome
        frame = {"type": "message", "text": sent.text, "client_id": sent.client_id}
        with contextlib.suppress(Exception):
            await ws.send(json.dumps(frame))

    async def wait(self, cond: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not cond():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.progress.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.progress.wait(), min(left, 1.0))
        return True

    def _done(self, seq: int, how: str) -> None:
        held = self.held[seq]
        if held.reply_to is None:
            return
        self.reply_of[held.reply_to] = seq
        sent = self.by_seq.get(held.reply_to)
        if sent is None or sent.t_done is not None:
            return
        sent.t_done, sent.how, sent.reply_seq = time.monotonic(), how, seq
        sent.state, sent.final_text = held.state, held.text

    def _started(self) -> None:
        now = time.monotonic()
        for sent in self.sent.values():
            if sent.t_started is None and sent.t_done is None:
                sent.t_started = now

    async def _frame(self, frame: dict[str, Any]) -> bool:
        """Handle one server frame; True for a welcome."""
        self.progress.set()
        kind = frame.get("type")
        if kind == "welcome":
            self.welcomes += 1
            self.connected.set()
            for sent in self.sent.values():  # idempotent: the server answers with the first ack
                if sent.seq is None and not sent.refused:
                    await self._send_message(sent)
            return True
        if kind == "ack":
            self._on_ack(frame)
        elif kind in ("message", "end"):
            self._on_message(frame, live=kind == "end")
        elif kind == "delta":
            self._on_delta(frame)
        elif kind == "typing":
            if frame.get("on") and not frame.get("role"):
                self._started()
        elif kind == "pong":
            await self._on_pong(frame)
        elif kind == "error":
            self.errors[str(frame.get("code"))] += 1
            refused = self.sent.get(frame.get("client_id") or "")
            if refused is not None and refused.seq is None:
                refused.refused = str(frame.get("code"))
        return False

    def _on_ack(self, frame: dict[str, Any]) -> None:
        sent = self.sent.get(frame["client_id"])
        if sent is None or sent.seq is not None:
            return
        sent.seq, sent.t_ack = frame["seq"], time.monotonic()
        self.by_seq[frame["seq"]] = sent
        self.held.setdefault(frame["seq"], Held("customer", sent.text, "final", "", None))
        reply = self.reply_of.get(frame["seq"])
        if reply is not None and self.held[reply].state != "streaming":
            self._done(reply, "live")  # the reply beat the ack to this socket

    def _on_message(self, frame: dict[str, Any], *, live: bool) -> None:
        m = frame["message"]
        seq, state = m["seq"], m["state"]
        old = self.held.get(seq)
        if old is not None and old.state != "streaming":
            self.dup_ends += live
            asker = self.by_seq.get(old.reply_to or -1)
            if live and asker is not None and asker.how == "sync" and asker.t_done is not None:
                asker.late_end = time.monotonic() - asker.t_done  # the pong overtook the end
            return  # already final: a replay or a sync overlapped
        if m["role"] == "bot":
            self.attempts.setdefault(seq, set()).add(m["attempt"])
            if m.get("reply_to") is not None:
                self.reply_of[m["reply_to"]] = seq
            if state == "streaming":
                self._started()
        if live and state == "final" and old is not None:
            assembled = old.text.strip() if old.attempt == m["attempt"] else ""
            asker = self.by_seq.get(m.get("reply_to") or -1)
            if asker is not None:
                asker.assembled_ok = assembled == m["text"]
        self.held[seq] = Held(m["role"], m["text"], state, m["attempt"], m.get("reply_to"))
        if m["role"] == "bot" and state != "streaming":
            self._done(seq, "live" if live else "sync" if self.sync_pending() else "resume")

    def _on_delta(self, frame: dict[str, Any]) -> None:
        """docs/protocol.md §2.3: a new attempt resets the text; overlaps are trimmed."""
        self._started()
        seq = frame["seq"]
        self.attempts.setdefault(seq, set()).add(frame["attempt"])
        held = self.held.get(seq)
        if held is None:
            held = self.held[seq] = Held("bot", "", "streaming", frame["attempt"], None)
        if held.state != "streaming":
            return
        if held.attempt != frame["attempt"]:
            held.text, held.attempt = "", frame["attempt"]
        if frame["offset"] <= len(held.text):
            held.text += frame["text"][len(held.text) - frame["offset"] :]
        else:
            self.gaps += 1  # keep waiting: the end frame carries the whole text

    async def _on_pong(self, frame: dict[str, Any]) -> None:
        if "last_seq" not in frame:
            self.server_sync = False  # a server without `sync`
            return
        self.server_sync = True
        answered = self.expect.popleft() if self.expect else "ping"
        if answered == "sync" or self.sync_pending():
            return  # the pong that closes a sync's messages, or one is still coming
        mine = self.settled()
        newest = max(self.held, default=0)
        behind = frame.get("settled_seq", 0) > mine or frame["last_seq"] > newest
        # Behind on two pongs in a row (docs/protocol.md §3.1): the database runs ahead of the
        # live frames by the channel layer's lag, so one pong ahead is usually a frame on its way.
        self.behind = self.behind + 1 if behind else 0
        if self.behind >= 2:
            self.behind = 0
            self.expect.append("sync")
            self.syncs += 1
            with contextlib.suppress(Exception):
                await self.ws.send(json.dumps({"type": "sync", "last_seq": mine}))


# --- checking a message against the database ------------------------------------------------


def reply_note(customer: Customer, sent: Sent, db: dict[tuple[str, int], list[Reply]]) -> str:
    """Who wrote the stored reply: the model, the draft (and why), or the sweep."""
    replies = db.get((customer.conversation, sent.seq or -1), [])
    if not replies:
        return "-"
    meta = replies[0].metadata
    note = str(meta.get("written_by") or meta.get("error") or "?")
    if meta.get("rejected"):
        note += f" (model rejected: {str(meta['rejected']).split(' ', 1)[0]})"
    if meta.get("swept"):
        note += ", by the sweep"
    return note


def sync_note(sents: Iterable[Sent]) -> str:
    """How many sync recoveries saw the live `end` arrive anyway, afterwards."""
    late = [s.late_end for s in sents if s.late_end is not None]
    if not late:
        return ""
    return f" (for {len(late)} of them the live end came anyway, {secs(late)} later)"


def verdict(customer: Customer, sent: Sent, db: dict[tuple[str, int], list[Reply]]) -> str:
    """`ok-final`, `ok-failed`, or what went wrong."""
    if sent.refused:
        return f"refused ({sent.refused})"
    if sent.seq is None:
        return "never acknowledged"
    replies = db.get((customer.conversation, sent.seq), [])
    if not replies:
        return "no reply in the database"
    if len(replies) > 1:
        return f"{len(replies)} replies in the database"
    reply = replies[0]
    if reply.state == "streaming":
        return "reply still streaming in the database"
    if sent.t_done is None:
        return f"{reply.state} in the database, never complete on the socket"
    if sent.final_text != reply.text:
        return "the socket's text differs from the database's"
    return f"ok-{reply.state}"


async def drain(sents: list[Sent], stall: float, cap: float) -> None:
    """Wait until every message is complete on its socket, or until no new one completed for
    `stall` seconds (slow is not lost: a queue may still be draining), or `cap` seconds in all."""
    start = last = time.monotonic()
    count = -1
    while True:
        n = sum(s.t_done is not None or bool(s.refused) for s in sents)
        now = time.monotonic()
        if n == len(sents) or now - last >= stall or now - start >= cap:
            return
        if n != count:
            count, last = n, now
        await asyncio.sleep(0.5)


def done(sent: Sent) -> Callable[[], bool]:
    return lambda: sent.t_done is not None


def reply_started(sent: Sent) -> Callable[[], bool]:
    return lambda: sent.t_started is not None or sent.t_done is not None


def acked(sent: Sent) -> Callable[[], bool]:
    return lambda: sent.seq is not None or bool(sent.refused)


def pct(values: list[float], q: int) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def secs(values: list[float]) -> str:
    if not values:
        return "-"
    return f"p50 {pct(values, 50):.1f} s, max {max(values):.1f} s"


# --- the stack --------------------------------------------------------------------------------


@dataclass
class Result:
    scenario: str
    goals: list[tuple[str, bool, str]] = field(default_factory=list)

    def goal(self, name: str, passed: bool, detail: str) -> None:
        self.goals.append((name, passed, detail))
        print(f"  {'PASS' if passed else 'MISS'}  {name}: {detail}", flush=True)


class Stack:
    """daphne, Celery workers and beat for one scenario: an installation of its own."""

    def __init__(self, run: Run, scenario: str, extra: dict[str, str] | None = None) -> None:
        self.run, self.scenario = run, scenario
        self.instance = f"bench-{uuid.uuid4().hex[:8]}"
        self.dir = run.scratch / scenario
        self.dir.mkdir(exist_ok=True)
        self.env = {
            **run.env,
            "SERVICEDESK_INSTANCE": self.instance,
            "CELERY_QUEUE": self.instance,
            **(extra or {}),
        }
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.procs: list[Proc] = []
        self.workers: dict[str, Proc] = {}

    def _proc(self, name: str, cmd: list[str]) -> Proc:
        proc = Proc(name, cmd, self.env, self.dir / f"{name}.log")
        self.procs.append(proc)
        return proc

    def daphne(self) -> Proc:
        proc = self._proc(
            "daphne",
            [
                str(BIN / "daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "--proxy-headers",
                "servicedesk.asgi:application",
            ],
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                NO_PROXY.open(f"{self.url}/help/", timeout=2)
                return proc
            except OSError:
                if not proc.alive() or time.monotonic() > deadline:
                    raise RuntimeError(f"daphne did not start:\n{proc.log_text()}") from None
                time.sleep(0.2)

    def worker(self, name: str, concurrency: int = 1) -> Proc:
        proc = self._proc(
            f"worker-{name}",
            [
                str(BIN / "celery"),
                "-A",
                "servicedesk",
                "worker",
                f"--concurrency={concurrency}",
                "--loglevel=INFO",
                f"--hostname={self.instance}-{name}@%h",
                "-Q",
                f"{self.instance},{self.instance}.upkeep",  # replies and the sweep
            ],
        )
        self.workers[name] = proc
        self.worker_ready(proc)
        return proc

    def worker_ready(self, proc: Proc, since: int = 0, timeout: float = 180) -> None:
        """`ready.` in the log, then the pool children done loading the model (their CPU idle)."""
        deadline = time.monotonic() + timeout
        while "ready." not in proc.log_text(since):
            if not proc.alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{proc.name} did not start:\n{proc.log_text(since)[-3000:]}")
            time.sleep(0.2)
        quiet = 0
        last = -1.0
        while quiet < 3 and time.monotonic() < deadline:
            used = 0.0
            for child in proc.descendants():
                with contextlib.suppress(psutil.Error):
                    t = child.cpu_times()
                    used += t.user + t.system
            quiet = quiet + 1 if last >= 0 and used - last < 0.15 else 0
            last = used
            time.sleep(0.5)

    def restart_worker(self, name: str) -> None:
        proc = self.workers[name]
        since = proc.log_size()
        proc.start()
        self.worker_ready(proc, since)

    def beat(self) -> Proc:
        return self._proc(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "servicedesk",
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.dir / 'celerybeat-schedule'}",
                f"--pidfile={self.dir / 'beat.pid'}",
            ],
        )

    def pool_children(self, name: str) -> list[psutil.Process]:
        """The worker's pool processes (ForkPoolWorker): its children."""
        children = self.workers[name].descendants()
        named = [p for p in children if "ForkPoolWorker" in _cmdline(p)]
        return named or [p for p in children if "resource_tracker" not in _cmdline(p)]

    def stop(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()

    def logs(self) -> list[Proc]:
        return [p for p in self.procs if p.name != "beat"] + [
            p for p in self.procs if p.name == "beat"
        ]

    async def customer(self, label: str = "") -> Customer:
        customer = Customer(self.url, label)
        await customer.start()
        return customer

    async def warm_up(self, deadline: float) -> None:
        """One reply end to end, so the rounds don't time the first model use."""
        customer = await self.customer("warm-up")
        try:
            sent = await customer.send(QUESTIONS[0])
            ok = await customer.wait(lambda: sent.t_done is not None, deadline)
            print(
                f"  warm-up reply {'in' if ok else 'NOT DONE after'} "
                f"{time.monotonic() - sent.t_sent:.1f} s",
                flush=True,
            )
        finally:
            await customer.close()


def _cmdline(p: psutil.Process) -> str:
    try:
        return " ".join(p.cmdline())
    except psutil.Error:
        return ""


LOG_NOISE = re.compile(
    r'"(GET|POST|HEAD|OPTIONS|WSCONNECTING|WSCONNECT|WSDISCONNECT|WSREJECT) |'
    r"^\s*$|HTTP/\d|WebSocket (HANDSHAKING|CONNECT|DISCONNECT)"
)
WARN = re.compile(
    r"\b(WARNING|ERROR|CRITICAL)\b|Traceback|Exception|over capacity|took too long|"
    r"Error:|killed|exited with|WorkerLost|signal 9",
    re.IGNORECASE,
)


def log_shape(line: str) -> str:
    line = re.sub(r"^\[[^\]]*\]\s*", "", line.strip())
    line = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27,}|[0-9a-f]{12,}", "<id>", line)
    line = re.sub(r"\d+(\.\d+)?", "N", line)
    return line[:160]


SWEPT = re.compile(r"reply_sweep_task\[[^\]]*\] succeeded in [^:]*: (\{.*\})")


def log_report(procs: Iterable[Proc], since: dict[str, int] | None = None, top: int = 6) -> int:
    """Print the counts of warning-like lines per log, and the commonest shapes, and what the
    reply sweep did; returns the number of `over capacity` lines."""
    over = 0
    swept: Counter[str] = Counter()
    for proc in procs:
        text = proc.log_text((since or {}).get(proc.name, 0))
        lines = [
            ln
            for ln in text.splitlines()
            if WARN.search(ln) and not LOG_NOISE.search(ln) and "Loading weights" not in ln
        ]
        lines = [ln for ln in lines if log_shape(ln)]
        over += sum("over capacity" in ln for ln in text.splitlines())
        shapes = Counter(log_shape(ln) for ln in lines)
        tracebacks = text.count("Traceback (most recent call last)")
        print(
            f"    {proc.name} log: {len(lines)} warning/error lines, {tracebacks} tracebacks",
            flush=True,
        )
        for shape, n in shapes.most_common(top):
            print(f"      {n:>5} x {shape}", flush=True)
        for match in SWEPT.finditer(text):
            swept["runs"] += 1
            with contextlib.suppress(ValueError, SyntaxError):
                for key, value in ast.literal_eval(match.group(1)).items():
                    if isinstance(value, int):
                        swept[key] += value
        swept["expired"] += len(re.findall(r"Discarding revoked task: chatbot.reply_sweep", text))
    if swept:
        print(f"    reply sweep (from the worker logs): {dict(swept)}", flush=True)
    return over


# --- the run on one database --------------------------------------------------------------------


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.scratch = Path(tempfile.mkdtemp(prefix=f"bench-reliability-{args.db}-"))
        self.rng = random.Random(args.seed)
        print(f"Scratch dir: {self.scratch}", flush=True)
        self.redis = RedisServer(self.scratch, dict(os.environ))
        print(f"  own redis-server on port {self.redis.port} (appendonly, everysec)", flush=True)
        db_url = database_create(args.db, self.scratch, args.pg_url)
        self.env: dict[str, str] = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
            "DATABASE_URL": db_url,
            "REDIS_URL": self.redis.url,
            "CELERY_BROKER_URL": self.redis.url,
            "LLM_BACKEND": "transformers",
            "LLM_CACHE_DIR": str(ROOT / "data" / "models"),
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "PYTHONUNBUFFERED": "1",
            "LOG_LEVEL": "INFO",
            "CELERY_WORKER_PROC_ALIVE_TIMEOUT": "120",
            "CHAT_REPLY_SWEEP_S": str(args.sweep_s),
            "CHAT_REPLY_RETRY_S": str(args.retry_s),
            "CHAT_REPLY_GIVE_UP_S": str(args.give_up_s),
            "CHAT_RATE_BURST": "1000",
            "CHAT_RATE_PER_MINUTE": "60000",
        }
        self.env.pop("CELERY_TASK_ALWAYS_EAGER", None)
        self.results: list[Result] = []

    def prepare(self) -> None:
        os.environ.update(self.env)
        os.environ["SERVICEDESK_INSTANCE"] = f"bench-{uuid.uuid4().hex[:8]}"
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from orders.demo.seed import seed_demo

        started = time.monotonic()
        call_command("migrate", verbosity=0)
        print(f"  migrated in {time.monotonic() - started:.1f} s", flush=True)
        started = time.monotonic()
        seed_demo()
        print(f"  seeded the demo shop in {time.monotonic() - started:.1f} s", flush=True)
        started = time.monotonic()
        with open(os.devnull, "w") as quiet:
            call_command("prepare_assistant", stdout=quiet)
        print(f"  prepared the assistant in {time.monotonic() - started:.1f} s", flush=True)
        db_close()

        from servicedesk.celery import app

        app.loader.import_default_modules()
        sweep_task = "chatbot.reply_sweep_task" in app.tasks
        scheduled = [
            name
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
            if entry.get("task") == "chatbot.reply_sweep_task"
        ]
        self.sweep = sweep_task and bool(scheduled)
        a = self.args
        print(
            f"  reply sweep: task {'registered' if sweep_task else 'NOT in this checkout'}, "
            f"{'scheduled as ' + ', '.join(scheduled) if scheduled else 'not in the beat schedule'}"
            f"; env CHAT_REPLY_SWEEP_S={a.sweep_s} CHAT_REPLY_RETRY_S={a.retry_s} "
            f"CHAT_REPLY_GIVE_UP_S={a.give_up_s}",
            flush=True,
        )
        print(
            f"  broker visibility timeout {settings.CELERY_VISIBILITY_TIMEOUT} s, "
            f"task time limit {settings.CELERY_TASK_TIME_LIMIT} s, "
            f"proc alive timeout {settings.CELERY_WORKER_PROC_ALIVE_TIMEOUT} s",
            flush=True,
        )

    def scenario(self, name: str, body: Callable[[Run, Result], Coroutine[Any, Any, None]]) -> None:
        result = Result(name)
        self.results.append(result)
        print(f"\n=== {name} on {self.args.db} ===", flush=True)
        print(f"  load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
        started = time.monotonic()
        try:
            asyncio.run(body(self, result))
        except Exception as error:
            import traceback

            traceback.print_exc()
            result.goal(f"{name} ran", False, f"crashed: {error!r}")
        print(f"  ({name} took {time.monotonic() - started:.0f} s)", flush=True)


# --- 1. pool-kill -----------------------------------------------------------------------------


async def pool_kill(run: Run, result: Result) -> None:
    a = run.args
    stack = Stack(run, "pool-kill")
    try:
        stack.daphne()
        stack.worker("a")
        stack.beat()
        await stack.warm_up(a.deadline)
        outcomes: Counter[str] = Counter()
        hows: Counter[str] = Counter()
        waits: list[float] = []
        mid = after = regenerated = bad_stream = dup_ends = 0
        every: list[Sent] = []
        for n in range(a.rounds):
            customer = await stack.customer(f"r{n}")
            try:
                sent = await customer.send(QUESTIONS[n % len(QUESTIONS)])
                every.append(sent)
                await customer.wait(reply_started(sent), a.deadline)
                delay = run.rng.uniform(0, 3)
                await asyncio.sleep(delay)
                ended_before = sent.t_done is not None
                victims = stack.pool_children("a")
                for p in victims:
                    with contextlib.suppress(psutil.Error):
                        p.send_signal(signal.SIGKILL)
                left = a.deadline - (time.monotonic() - sent.t_sent)
                await customer.wait(done(sent), max(left, 0))
            finally:
                await customer.close()
            dup_ends += customer.dup_ends
            db = await asyncio.to_thread(db_replies, [customer.conversation])
            outcome = verdict(customer, sent, db)
            outcomes[outcome] += 1
            after += ended_before
            mid += not ended_before
            attempts = len(customer.attempts.get(sent.reply_seq or -1, set()))
            regenerated += attempts > 1
            bad_stream += sent.assembled_ok is False
            if sent.t_done is not None:
                waits.append(sent.t_done - sent.t_sent)
                hows[sent.how] += 1
            print(
                f"  round {n + 1:>3}/{a.rounds}: killed {[p.pid for p in victims]} "
                f"{delay:.1f} s after the first frame "
                f"({'after the end' if ended_before else 'mid-reply'}); "
                + (
                    f"complete after {sent.t_done - sent.t_sent:.1f} s ({sent.how}), "
                    if sent.t_done
                    else "never complete on the socket, "
                )
                + f"{attempts} attempt(s), {reply_note(customer, sent, db)}; {outcome}",
                flush=True,
            )
        ok = outcomes["ok-final"] + outcomes["ok-failed"]
        print(
            f"  kills mid-reply {mid}, after the reply ended {after}; replies regenerated "
            f"{regenerated}; socket: {dict(hows)}{sync_note(every)}; "
            f"streamed text != end text: {bad_stream}; repeated end frames: {dup_ends}",
            flush=True,
        )
        print(f"  send -> complete: {secs(waits)}", flush=True)
        for outcome, count in outcomes.most_common():
            print(f"    {count:>4} x {outcome}", flush=True)
        log_report(stack.logs())
        result.goal(
            "pool-kill: one complete reply in the DB and on the socket",
            ok == a.rounds,
            f"{ok}/{a.rounds} rounds ({outcomes['ok-final']} final, "
            f"{outcomes['ok-failed']} failed) within {a.deadline:.0f} s",
        )
    finally:
        stack.stop()


# --- 2. worker-kill ---------------------------------------------------------------------------


def celery_probe(stack: Stack) -> Any:
    """A Celery app that talks to the stack's workers: the broker options of this process's
    settings, with this process's installation name swapped for the stack's (the broker keys are
    namespaced per installation)."""
    from celery import Celery
    from django.conf import settings

    mine = str(getattr(settings, "SERVICEDESK_INSTANCE", "") or "")
    options = {
        key: value.replace(mine, stack.instance) if mine and isinstance(value, str) else value
        for key, value in settings.CELERY_BROKER_TRANSPORT_OPTIONS.items()
    }
    app = Celery("bench-probe", broker=stack.env["CELERY_BROKER_URL"])
    app.conf.broker_transport_options = options
    return app


def busy_worker(stack: Stack, probe: Any, message_id: int | None) -> tuple[str | None, str]:
    """The worker running the reply to this message, and how it was found: Celery's `inspect
    active`, else the one whose pool children use the CPU."""
    if message_id is not None:
        with contextlib.suppress(Exception):
            active = probe.control.inspect(timeout=2.0).active() or {}
            for host, tasks in active.items():
                for task in tasks:
                    if task.get("name") == "chatbot.reply_generate_task" and str(message_id) in str(
                        task.get("args")
                    ):
                        for name in stack.workers:
                            if host.startswith(f"{stack.instance}-{name}@"):
                                return name, "inspect"
    before = {name: _cpu(stack.pool_children(name)) for name in stack.workers}
    time.sleep(0.5)
    used = {name: _cpu(stack.pool_children(name)) - before[name] for name in stack.workers}
    name, spent = max(used.items(), key=lambda kv: kv[1])
    return (name, "cpu") if spent > 0.1 else (None, "-")


def _cpu(procs: list[psutil.Process]) -> float:
    total = 0.0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            t = p.cpu_times()
            total += t.user + t.system
    return total


async def worker_kill(run: Run, result: Result) -> None:
    a = run.args
    stack = Stack(run, "worker-kill")
    if not run.sweep:
        print(
            "  NOTE: no reply sweep in this checkout: a dead worker's reply comes back only "
            "after the broker's visibility timeout",
            flush=True,
        )
    try:
        stack.daphne()
        stack.worker("a")
        stack.worker("b")
        stack.beat()
        probe = celery_probe(stack)
        await stack.warm_up(a.deadline)
        outcomes: Counter[str] = Counter()
        waits: list[float] = []
        after_kill: list[float] = []
        for n in range(a.kill_rounds):
            customer = await stack.customer(f"k{n}")
            killed: str | None = None
            t_kill = 0.0
            try:
                sent = await customer.send(QUESTIONS[n % len(QUESTIONS)])
                await customer.wait(reply_started(sent), a.deadline)
                await asyncio.sleep(run.rng.uniform(0, 2))
                message_id = (
                    await asyncio.to_thread(db_message_id, customer.conversation, sent.seq)
                    if sent.seq
                    else None
                )
                found = "-"
                if sent.t_done is None:
                    killed, found = await asyncio.to_thread(busy_worker, stack, probe, message_id)
                if killed is not None and sent.t_done is None:
                    pids = stack.workers[killed].kill_all()
                    t_kill = time.monotonic()
                    print(f"    killed worker {killed} (found by {found}; pids {pids})", flush=True)
                else:
                    killed = None
                left = a.deadline - (time.monotonic() - sent.t_sent)
                await customer.wait(done(sent), max(left, 0))
            finally:
                await customer.close()
            db = await asyncio.to_thread(db_replies, [customer.conversation])
            outcome = verdict(customer, sent, db) if killed else "no kill (reply ended first)"
            outcomes[outcome] += 1
            if sent.t_done is not None and killed:
                waits.append(sent.t_done - sent.t_sent)
                after_kill.append(sent.t_done - t_kill)
            print(
                f"  round {n + 1}/{a.kill_rounds}: "
                + (
                    f"complete {sent.t_done - sent.t_sent:.1f} s after sending "
                    f"({sent.how}, {len(customer.attempts.get(sent.reply_seq or -1, set()))} "
                    f"attempts, {reply_note(customer, sent, db)})"
                    if sent.t_done
                    else f"NOT complete after {a.deadline:.0f} s"
                )
                + f"; {outcome}",
                flush=True,
            )
            if killed is not None:
                started = time.monotonic()
                await asyncio.to_thread(stack.restart_worker, killed)
                print(
                    f"    worker {killed} restarted in {time.monotonic() - started:.1f} s",
                    flush=True,
                )
        ok = outcomes["ok-final"] + outcomes["ok-failed"]
        killed_rounds = a.kill_rounds - outcomes["no kill (reply ended first)"]
        for outcome, count in outcomes.most_common():
            print(f"    {count:>4} x {outcome}", flush=True)
        print(f"  customer waited (send -> complete): {secs(waits)}", flush=True)
        print(f"  kill -> complete: {secs(after_kill)}", flush=True)
        log_report(stack.logs())
        result.goal(
            "worker-kill: the reply finishes on the other worker",
            killed_rounds > 0 and ok == killed_rounds,
            f"{ok}/{killed_rounds} killed rounds OK within {a.deadline:.0f} s "
            f"({outcomes['ok-failed']} failed)",
        )
    finally:
        stack.stop()


# --- 3. redis-restart -------------------------------------------------------------------------


async def redis_restart(run: Run, result: Result) -> None:
    a = run.args
    stack = Stack(run, "redis-restart")
    try:
        stack.daphne()
        stack.worker("a")
        stack.beat()
        await stack.warm_up(a.deadline)
        hows = ["shutdown", "kill"] if a.redis_stop == "both" else [a.redis_stop]
        for how in hows:
            print(f"  -- redis stopped with {how}, down {a.redis_down_s:.0f} s --", flush=True)
            customers = [await stack.customer(f"c{i}") for i in range(a.restart_customers)]
            try:
                sents = await asyncio.gather(
                    *(c.send(QUESTIONS[i % len(QUESTIONS)]) for i, c in enumerate(customers))
                )
                pairs = list(zip(customers, sents, strict=True))
                got_ack = [await c.wait(acked(s), 30) for c, s in pairs]
                done_before = sum(s.t_done is not None for s in sents)
                t_stop = time.monotonic()
                await asyncio.to_thread(run.redis.stop, how)
                await asyncio.sleep(a.redis_down_s)
                await asyncio.to_thread(run.redis.start)
                t_up = time.monotonic()
                print(
                    f"    {sum(got_ack)}/{len(sents)} acknowledged, {done_before} answered before "
                    f"the stop; redis back after {t_up - t_stop:.1f} s",
                    flush=True,
                )
                await drain(sents, a.deadline, a.max_drain)
            finally:
                await asyncio.gather(*(c.close() for c in customers))
            db = await asyncio.to_thread(db_replies, [c.conversation for c in customers])
            outcomes = Counter(verdict(c, s, db) for c, s in zip(customers, sents, strict=True))
            answered = outcomes["ok-final"] + outcomes["ok-failed"]
            times = [s.t_done - t_up for s in sents if s.t_done and s.t_done > t_up]
            in_time = sum(1 for s in sents if s.t_done and s.t_done - t_up <= a.deadline)
            drops = Counter(d for c in customers for d in c.drops)
            print(
                f"    socket: {dict(Counter(s.how for s in sents if s.t_done))}"
                f"{sync_note(sents)}; connections dropped {sum(drops.values())} {dict(drops)}; "
                f"syncs {sum(c.syncs for c in customers)}",
                flush=True,
            )
            for c, s in zip(customers, sents, strict=True):
                when = f"{s.t_done - t_up:+.1f} s after redis was back" if s.t_done else "never"
                print(
                    f"      {c.label}: {verdict(c, s, db)}, {when} ({s.how or '-'}, "
                    f"{reply_note(c, s, db)}, drops {c.drops})",
                    flush=True,
                )
            print(f"    redis up -> answered: {secs(times)}", flush=True)
            for outcome, count in outcomes.most_common():
                print(f"    {count:>4} x {outcome}", flush=True)
            for proc in stack.procs:
                if not proc.alive():
                    print(f"    {proc.name} has EXITED", flush=True)
            result.goal(
                f"redis-restart ({how}): every message answered once, DB and socket",
                answered == len(sents),
                f"{answered}/{len(sents)} ({outcomes['ok-failed']} failed); "
                f"{in_time} complete within {a.deadline:.0f} s of redis coming back, "
                f"the last after {max(times, default=0):.0f} s",
            )
        log_report(stack.logs())
    finally:
        stack.stop()


# --- 4. load ----------------------------------------------------------------------------------


async def load(run: Run, result: Result) -> None:
    a = run.args
    stack = Stack(run, "load", {"BOT_LLM_MODE": "off"})
    try:
        daphne = stack.daphne()
        stack.worker("a", concurrency=a.load_concurrency)
        stack.beat()
        await stack.warm_up(a.deadline)
        started = time.monotonic()
        gate = asyncio.Semaphore(25)

        async def one(i: int) -> Customer:
            async with gate:
                return await stack.customer(f"l{i}")

        customers = list(await asyncio.gather(*(one(i) for i in range(a.customers))))
        print(
            f"  {len(customers)} sockets open in {time.monotonic() - started:.1f} s",
            flush=True,
        )
        since = {p.name: p.log_size() for p in stack.procs}
        every = a.customers / a.rate  # each customer's interval between messages
        t0 = time.monotonic() + 1
        cpu0 = psutil.Process().cpu_times()

        async def talk(i: int, customer: Customer) -> None:
            k = 0
            while True:
                at = t0 + i / a.rate + k * every
                if at - t0 >= a.seconds:
                    return
                await asyncio.sleep(max(0.0, at - time.monotonic()))
                await customer.send(QUESTIONS[(i + k) % len(QUESTIONS)])
                k += 1

        await asyncio.gather(*(talk(i, c) for i, c in enumerate(customers)))
        t_end = time.monotonic()
        sent_all = [(c, s) for c in customers for s in c.sent.values()]
        print(
            f"  sent {len(sent_all)} messages in {t_end - t0:.1f} s "
            f"({len(sent_all) / max(t_end - t0, 0.001):.1f}/s); waiting for the replies…",
            flush=True,
        )

        await drain([s for _, s in sent_all], a.deadline, a.max_drain)
        t_drain = time.monotonic() - t_end
        cpu1 = psutil.Process().cpu_times()
        db = await asyncio.to_thread(db_replies, [c.conversation for c in customers])
        outcomes = Counter(verdict(c, s, db) for c, s in sent_all)
        acked = sum(s.seq is not None for _, s in sent_all)
        in_db_final = sum(
            1
            for c, s in sent_all
            if s.seq is not None
            and any(r.state == "final" for r in db.get((c.conversation, s.seq), []))
        )
        in_db_failed = sum(
            1
            for c, s in sent_all
            if s.seq is not None
            and any(r.state == "failed" for r in db.get((c.conversation, s.seq), []))
        )
        doubles = sum(1 for replies in db.values() if len(replies) > 1)
        hows = Counter(s.how for _, s in sent_all if s.t_done is not None)
        missing = sum(
            1
            for c, s in sent_all
            if s.seq is not None
            and any(r.state != "streaming" for r in db.get((c.conversation, s.seq), []))
            and s.t_done is None
        )
        latencies = [s.t_done - s.t_sent for _, s in sent_all if s.t_done is not None]
        drops = Counter(d for c in customers for d in c.drops)
        errors = sum((c.errors for c in customers), Counter[str]())
        print(f"  messages sent {len(sent_all)}, acknowledged {acked}", flush=True)
        print(
            f"  replies in the DB: final {in_db_final}, failed {in_db_failed}, "
            f"messages with more than one reply {doubles}",
            flush=True,
        )
        print(
            f"  on the sockets: end live {hows['live']}, recovered by sync {hows['sync']}, "
            f"by resume {hows['resume']}, missing {missing} "
            f"(server sync support: {_sync_support(customers)})"
            + sync_note(s for _, s in sent_all),
            flush=True,
        )
        print(
            f"  send -> complete: p50 {pct(latencies, 50):.2f} s, p99 {pct(latencies, 99):.2f} s, "
            f"max {max(latencies, default=float('nan')):.2f} s; drained {t_drain:.1f} s after "
            "the last send",
            flush=True,
        )
        print(
            f"  sockets dropped {sum(drops.values())} {dict(drops)}; error frames {dict(errors)}; "
            f"delta gaps {sum(c.gaps for c in customers)}; repeated end frames "
            f"{sum(c.dup_ends for c in customers)}; bench client CPU "
            f"{cpu1.user + cpu1.system - cpu0.user - cpu0.system:.0f} s",
            flush=True,
        )
        for outcome, count in outcomes.most_common(8):
            print(f"    {count:>6} x {outcome}", flush=True)
        over = log_report(stack.logs(), since)
        print(f"  `over capacity` lines: {over}", flush=True)
        result.goal(
            "load: every acknowledged message's reply on its socket",
            missing == 0 and outcomes["ok-final"] + outcomes["ok-failed"] == acked == len(sent_all),
            f"{outcomes['ok-final'] + outcomes['ok-failed']}/{len(sent_all)} OK, "
            f"{missing} missing on a socket, p99 {pct(latencies, 99):.2f} s",
        )

        # Every socket closes at once: each disconnect discards its channel from the group.
        before = daphne.log_size()
        await asyncio.gather(*(c.close() for c in customers))
        await asyncio.sleep(5)
        text = daphne.log_text(before)
        discard_errors = sum(
            1
            for line in text.splitlines()
            if "group_discard" in line or ("leaving" in line and "failed" in line)
        )
        tracebacks = text.count("Traceback (most recent call last)")
        # The channel layer's group keys (`<prefix>:group:chat.<conversation>`, the prefix
        # namespaced per installation): this redis-server is this script's own, so scan it all.
        r = run.redis.client()
        ours = {f"chat.{c.conversation}" for c in customers}
        stale = members = all_groups = 0
        for key in r.scan_iter(match="*group*", count=1000):
            all_groups += 1
            name = key.decode(errors="replace")
            if name.rsplit(":group:", 1)[-1] in ours:
                stale += 1
                members += int(r.zcard(key))
        print(
            f"  after closing {len(customers)} sockets at once: daphne log lines about "
            f"group_discard {discard_errors}, tracebacks {tracebacks}; stale group keys of "
            f"these chats {stale} ({members} channels); `*group*` keys in this redis "
            f"{all_groups}",
            flush=True,
        )
        for shape, n in Counter(
            log_shape(ln) for ln in text.splitlines() if WARN.search(ln)
        ).most_common(5):
            print(f"      {n:>5} x {shape}", flush=True)
        result.goal(
            "load: closing every socket leaves no group keys and no discard errors",
            stale == 0 and discard_errors == 0 and tracebacks == 0,
            f"{stale} stale keys, {discard_errors} group_discard lines, {tracebacks} tracebacks",
        )
    finally:
        stack.stop()


def _sync_support(customers: list[Customer]) -> str:
    seen = {c.server_sync for c in customers if c.server_sync is not None}
    if not seen:
        return "no pong seen"
    return "yes" if seen == {True} else "no (pong without last_seq)" if seen == {False} else "mixed"


# --- main ---------------------------------------------------------------------------------------


def machine() -> None:
    model = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = psutil.virtual_memory()
    print(
        f"Machine: {model}, {os.cpu_count()} cores, {mem.total / 2**30:.0f} GiB RAM, "
        f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        flush=True,
    )


def run_one(args: argparse.Namespace) -> list[Result]:
    run = Run(args)
    try:
        run.prepare()
        bodies: dict[str, Callable[[Run, Result], Coroutine[Any, Any, None]]] = {
            "pool-kill": pool_kill,
            "worker-kill": worker_kill,
            "redis-restart": redis_restart,
            "load": load,
        }
        for name in args.only:
            run.scenario(name, bodies[name])
    finally:
        run_cleanups()
        missed = any(not passed for r in run.results for _, passed, _ in r.goals)
        if args.keep or missed:
            print(f"Logs kept in {run.scratch}", flush=True)
        else:
            shutil.rmtree(run.scratch, ignore_errors=True)
    return run.results


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--only", default=",".join(SCENARIOS), help=f"scenarios, comma-separated: {SCENARIOS}"
    )
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--pg-url", default=DEFAULT_PG, help="an existing PostgreSQL database")
    parser.add_argument("--deadline", type=float, default=120.0, help="seconds per reply")
    parser.add_argument(
        "--max-drain",
        type=float,
        default=900.0,
        help="redis-restart, load: wait for a draining queue while replies keep coming "
        "(stops after --deadline s without one), at most this long",
    )
    parser.add_argument("--rounds", type=int, default=50, help="pool-kill rounds")
    parser.add_argument("--kill-rounds", type=int, default=5, help="worker-kill rounds")
    parser.add_argument("--restart-customers", type=int, default=8, help="redis-restart")
    parser.add_argument("--redis-down-s", type=float, default=10.0)
    parser.add_argument("--redis-stop", choices=("shutdown", "kill", "both"), default="both")
    parser.add_argument("--customers", type=int, default=300, help="load: open sockets")
    parser.add_argument("--rate", type=float, default=100.0, help="load: messages/s in all")
    parser.add_argument("--seconds", type=float, default=60.0, help="load: how long")
    parser.add_argument("--load-concurrency", type=int, default=2, help="load: pool processes")
    parser.add_argument("--sweep-s", type=int, default=5, help="CHAT_REPLY_SWEEP_S")
    parser.add_argument("--retry-s", type=int, default=15, help="CHAT_REPLY_RETRY_S")
    parser.add_argument("--give-up-s", type=int, default=60, help="CHAT_REPLY_GIVE_UP_S")
    parser.add_argument("--seed", type=int, default=None, help="random seed (kill timings)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch dir and logs")
    parser.add_argument("--summary", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in args.only if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {unknown}; choose from {SCENARIOS}")
    return args


def main() -> None:
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    argv = sys.argv[1:]
    args = parse(argv)
    if args.summary is None:
        machine()
    if args.db != "both":
        results = run_one(args)
        if args.summary:
            Path(args.summary).write_text(
                json.dumps([{"scenario": r.scenario, "goals": r.goals} for r in results])
            )
        return
    # One process per database: each its own Django setup, redis-server and scratch dir.
    rest = [
        x
        for i, x in enumerate(argv)
        if not (x.startswith("--db") or (i > 0 and argv[i - 1] == "--db"))
    ]
    summaries: list[tuple[str, Path]] = []
    for db in ("sqlite", "postgres"):
        print(f"\n##### database: {db} #####", flush=True)
        summary = Path(tempfile.mkstemp(prefix="bench-reliability-", suffix=".json")[1])
        on_exit(functools.partial(summary.unlink, missing_ok=True))
        child = subprocess.Popen(
            [sys.executable, __file__, *rest, "--db", db, "--summary", str(summary)]
        )
        try:
            child.wait()
        finally:
            if child.poll() is None:
                child.terminate()
                child.wait()
        summaries.append((db, summary))
    print("\n##### summary #####")
    for db, summary in summaries:
        try:
            loaded: list[dict[str, Any]] = json.loads(summary.read_text() or "[]")
        except (OSError, ValueError):
            loaded = []
        if not loaded:
            print(f"  {db}: no results (the run failed)")
        for got in loaded:
            for name, passed, detail in got["goals"]:
                print(f"  {db:<9}{'PASS' if passed else 'MISS'}  {name}: {detail}")


if __name__ == "__main__":
    main()
