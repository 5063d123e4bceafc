"""Redis as the set-up starts it, and the channel layer on top of it: data kept across a restart,
the first socket after a restart served, bursts of joins and leaves that wait instead of failing,
drops logged as warnings, and one namespace per installation. Each test runs its own
redis-server on a free port (the shared one is never stopped)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from servicedesk.channel_layer import DropsAsWarnings, RedisChannelLayer

ROOT = Path(__file__).resolve().parents[1]
needs_redis = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="redis-server is not installed"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OwnRedis:
    """A redis-server started the way `scripts/ensure-redis.sh` starts one."""

    def __init__(self, data: Path) -> None:
        self.data, self.port = data, _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        env = {**os.environ, "REDIS_URL": self.url, "DATA_DIR": str(self.data)}
        env["PY"] = sys.executable
        done = subprocess.run(
            [str(ROOT / "scripts" / "ensure-redis.sh")], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        assert "Starting redis-server" in done.stdout

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_connect_timeout=1)

    def kill(self) -> None:
        """The hard way: no chance to write anything at exit."""
        pid = int(self.client().info("server")["process_id"])
        os.kill(pid, 9)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                self.client().ping()
            except redis.ConnectionError:
                return
            time.sleep(0.05)
        raise AssertionError("redis-server did not die")


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(tmp_path)
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(redis.ConnectionError):
            server.client().shutdown(nosave=True)


@needs_redis
def test_queued_work_survives_a_redis_killed_outright(own_redis: OwnRedis) -> None:
    own_redis.client().lpush("servicedesk:queue", "reply to message 7")
    time.sleep(1.5)  # appendfsync everysec

    own_redis.kill()
    own_redis.start()

    assert own_redis.client().lrange("servicedesk:queue", 0, -1) == [b"reply to message 7"]


@needs_redis
def test_the_first_socket_after_a_redis_restart_joins_its_group(own_redis: OwnRedis) -> None:
    layer = RedisChannelLayer(hosts=[{"address": own_redis.url, "socket_timeout": None}])

    async def scenario() -> None:
        channel = await layer.new_channel()
        await layer.group_add("chat.before", channel)  # the pool now holds a connection
        own_redis.kill()
        own_redis.start()
        # The pooled connection died with the old server: retried on a fresh one.
        await layer.group_add("chat.after", channel)
        await layer.group_send("chat.after", {"type": "chat.event", "n": 1})
        assert (await asyncio.wait_for(layer.receive(channel), 5))["n"] == 1
        await layer.flush()

    asyncio.run(scenario())


@needs_redis
def test_a_mass_disconnect_waits_for_connections_and_leaves_no_member(
    own_redis: OwnRedis,
) -> None:
    layer = RedisChannelLayer(
        hosts=[{"address": own_redis.url, "socket_timeout": None, "max_connections": 10}]
    )

    async def scenario() -> list[BaseException | None]:
        channels = [f"specific.test!{n}" for n in range(300)]
        await asyncio.gather(
            *(layer.group_add(f"chat.{n % 30}", c) for n, c in enumerate(channels))
        )
        results = await asyncio.gather(
            *(layer.group_discard(f"chat.{n % 30}", c) for n, c in enumerate(channels)),
            return_exceptions=True,
        )
        await layer.flush()
        return list(results)

    results = asyncio.run(scenario())

    assert [r for r in results if r is not None] == []  # 300 leaves over a pool of 10
    client = own_redis.client()
    assert sum(client.zcard(key) for key in client.scan_iter("asgi:group:*")) == 0


def test_dropped_events_are_logged_as_warnings() -> None:
    record = logging.LogRecord(
        "channels_redis.core",
        logging.INFO,
        __file__,
        1,
        "%s of %s channels over capacity in group %s",
        (1, 1, "chat.x"),
        None,
    )
    other = logging.LogRecord("channels_redis.core", logging.INFO, __file__, 1, "hello", (), None)

    assert DropsAsWarnings().filter(record) and DropsAsWarnings().filter(other)

    assert (record.levelno, record.levelname) == (logging.WARNING, "WARNING")
    assert other.levelno == logging.INFO


def _settings_of(**env: str) -> list[str]:
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SERVICEDESK_INSTANCE); print(s.CHANNEL_LAYERS['default']['CONFIG']['prefix']); "
        "print(s.CELERY_BROKER_TRANSPORT_OPTIONS['global_keyprefix']); "
        "print(s.CELERY_BEAT_SCHEDULE_FILENAME)"
    )
    clean = {k: v for k, v in os.environ.items() if k != "SERVICEDESK_INSTANCE"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "servicedesk.settings", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return out.stdout.split()


def test_two_installations_sharing_a_redis_get_their_own_names(tmp_path: Path) -> None:
    one = _settings_of(DATABASE_URL=f"sqlite:///{tmp_path / 'one.sqlite3'}")
    two = _settings_of(DATABASE_URL=f"sqlite:///{tmp_path / 'two.sqlite3'}")
    again = _settings_of(DATABASE_URL=f"sqlite:///{tmp_path / 'one.sqlite3'}")
    named = _settings_of(SERVICEDESK_INSTANCE="shop-eu")

    assert one == again  # every process of one installation agrees
    assert all(a != b for a, b in zip(one, two, strict=True))  # queue keys, groups, beat file
    assert named[:3] == ["shop-eu", "asgi.shop-eu:", "shop-eu:"]


@pytest.mark.django_db
def test_the_sweep_counts_the_tasks_waiting_in_the_reply_queue(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The sweep queues nothing again while tasks still wait (a requeue would only duplicate
    them), so the count must be right under the installation's key prefix."""
    from assistant.tasks import queue_length, reply_generate_task
    from servicedesk.celery import app

    queue = f"count-{os.getpid()}-{time.monotonic_ns()}"
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "task_default_queue", queue)
    try:
        assert queue_length(reply_generate_task) == 0
        reply_generate_task.delay(1)
        reply_generate_task.delay(2)
        assert queue_length(reply_generate_task) == 2
    finally:
        with app.connection_for_write() as connection:
            channel: Any = connection.default_channel
            channel.queue_purge(queue)
