"""The real stack for end-to-end tests: daphne and a Celery worker in their own processes, on the
test database, with Redis from `make test`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def stack_env(transactional_db: None) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "SERVICEDESK_E2E_DATABASE": str(connection.settings_dict["NAME"]),
        "CELERY_QUEUE": f"e2e-{uuid.uuid4().hex[:8]}",
        # This process sends tasks too: every process of the test's stack in one namespace.
        "SERVICEDESK_INSTANCE": settings.SERVICEDESK_INSTANCE,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LLM_BACKEND": "transformers",
        "CHAT_STREAM_INTERVAL_MS": "200",
        "PYTHONUNBUFFERED": "1",
    }


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Daphne:
    """A daphne process on a fixed port that a test can stop and start again."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env, self.log, self.port = env, log, _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                str(BIN / "daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "servicedesk.asgi:application",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/help/", timeout=2)
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(self.log.read_text()) from None
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None


@pytest.fixture
def daphne_server(stack_env: dict[str, str], tmp_path: Path) -> Iterator[Daphne]:
    server = Daphne(stack_env, tmp_path / "daphne.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def daphne(daphne_server: Daphne) -> str:
    return daphne_server.url


class Worker:
    """A real Celery worker process on the test's queue (`--concurrency=1`)."""

    def __init__(self, env: dict[str, str], log: Path, name: str, beat: Path | None = None) -> None:
        self.env, self.log, self.name, self.beat = env, log, name, beat
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        queue = self.env["CELERY_QUEUE"]
        self.process = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "servicedesk",
                "worker",
                "--concurrency=1",
                "--loglevel=INFO",
                f"--hostname={self.name}@%h",
                "-Q",
                f"{queue},{queue}.upkeep",
                *(["--beat", f"--schedule={self.beat}"] if self.beat else []),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while b"ready." not in self.log.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(self.log.read_text())
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)
            self.process = None


@pytest.fixture
def worker_factory(
    stack_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    """Start workers consuming the test's own queue, each with extra environment; tasks sent
    from this test process go to them too (not run in-process as in unit tests)."""
    from servicedesk.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "task_default_queue", stack_env["CELERY_QUEUE"])
    started: list[Worker] = []

    def start(beat: bool = False, **extra: str) -> Worker:
        n = len(started)
        name = f"e2e-{stack_env['CELERY_QUEUE']}-{n}"
        schedule = tmp_path / f"beat-{n}" if beat else None
        worker = Worker({**stack_env, **extra}, tmp_path / f"celery-{n}.log", name, schedule)
        started.append(worker)
        worker.start()
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.stop()


@pytest.fixture
def celery_worker(stack_env: dict[str, str], worker_factory: Any) -> str:
    """A real worker process with the bundled model; yields the queue name."""
    worker_factory()
    return stack_env["CELERY_QUEUE"]


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make test installs it as root)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM reads are
    # still plain synchronous calls, so Django's async-safety guard would be a false alarm.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        try:
            yield browser
        finally:
            # The test's ORM calls ran inside Playwright's greenlet, which has database
            # connections of its own: close them, or the test database can't be dropped.
            connections.close_all()
            browser.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    if os.environ.get("SAVE_SCREENSHOTS"):
        return ROOT / "docs" / "images"
    return tmp_path
