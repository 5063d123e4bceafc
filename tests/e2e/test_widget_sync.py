"""Live frames are best effort; the database is the truth. In Debian's Chromium against the real
daphne: when the `end` of a reply (or the whole reply, or one `delta`) is lost on the way, the
widget's heartbeat notices within seconds, asks for a `sync` and shows the stored reply, once.

No Celery worker: the test writes the bot reply itself with chatbot.services, and "loses" a
frame by not publishing it (chatbot.events.publish is a no-op in this process for that call).
Nothing consumes this test's queue, so the reply task daphne enqueues never runs."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections

from chatbot import events, services
from chatbot.models import Message

pytestmark = pytest.mark.e2e
# The widget pings every 3 s while it waits for a reply and syncs when two pongs in a row show
# more than it holds (docs/protocol.md §3.1): ~6 s, and a round trip more.
SYNCED_MS = 12_000
TEXT = "Your order SD-100001 is on its way and should arrive on Thursday."
HEAD, MIDDLE, TAIL = TEXT[:11], TEXT[11:21], TEXT[21:]


def _in_thread(work: Callable[[], object]) -> None:
    """Run ORM writes and publishes off Playwright's thread: async_to_sync refuses a thread that
    runs an event loop."""

    def run() -> None:
        try:
            work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(run).result()


def _bot(page: Any, state: str = "") -> Any:
    extra = f'[data-state="{state}"]' if state else ""
    return page.locator(f'[data-testid="sd-message"][data-role="bot"]{extra}')


class Chat:
    """The widget open on the shop's front page, a conversation started, and every frame the
    page sends on its websocket."""

    def __init__(self, page: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.page, self.monkeypatch = page, monkeypatch
        self.sent: list[dict[str, Any]] = []
        self.log: list[str] = []  # every frame both ways, printed when a test fails
        self.question = Message()
        self.reply: Message | None = None
        page.on("websocket", self._watch)

    def _watch(self, ws: Any) -> None:
        start = time.monotonic()

        def sent(payload: str | bytes) -> None:
            if isinstance(payload, str):
                self.sent.append(json.loads(payload))
                self.log.append(f"{time.monotonic() - start:7.3f} → {payload[:160]}")

        def received(payload: str | bytes) -> None:
            if isinstance(payload, str):
                self.log.append(f"{time.monotonic() - start:7.3f} ← {payload[:160]}")

        ws.on("framesent", sent)
        ws.on("framereceived", received)

    def syncs(self) -> list[dict[str, Any]]:
        return [f for f in self.sent if f.get("type") == "sync"]

    def ask(self, daphne: str, text: str) -> str:
        page = self.page
        page.goto(f"{daphne}/")
        page.get_by_test_id("sd-launcher").click()
        # Not wait_for_function: its predicate is eval'd in the page, which the CSP refuses.
        page.wait_for_selector(
            '[data-servicedesk][data-connection="online"]', state="attached", timeout=30_000
        )
        conversation: str = page.evaluate("window.ServiceDesk.state().conversation")
        page.get_by_test_id("sd-input").fill(text)
        page.get_by_test_id("sd-send").click()
        page.wait_for_selector(
            '[data-testid="sd-message"][data-role="customer"][data-seq="1"]', timeout=30_000
        )
        self.question = Message.objects.get(conversation_id=conversation, seq=1)
        return conversation

    def write(self, step: Callable[[], object], *, lost: bool = False) -> None:
        """One step of the reply task; `lost`: its frames never reach the widget."""
        with self.monkeypatch.context() as patch:
            if lost:
                patch.setattr(events, "publish", lambda *args, **kwargs: None)
            _in_thread(step)

    def start(self, *, lost: bool = False) -> None:
        question = self.question

        def start() -> None:
            self.reply = services.reply_start(customer_message_id=question.pk, model_name="t")

        self.write(start, lost=lost)

    def append(self, text: str, *, lost: bool = False) -> None:
        assert self.reply is not None
        reply = self.reply
        self.write(lambda: services.reply_append(reply=reply, text=text), lost=lost)

    def finish(self, *, lost: bool = False) -> None:
        assert self.reply is not None
        reply = self.reply
        self.write(lambda: services.reply_finish(reply=reply, text=TEXT, metadata={}), lost=lost)

    def shows_once(self) -> None:
        """One bubble per stored message: the sync's copy merged into what the widget held."""
        page = self.page
        assert _bot(page).count() == 1
        assert TEXT in _bot(page).first.inner_text()
        assert page.locator('[data-testid="sd-message"][data-role="customer"]').count() == 1
        held = page.evaluate("window.ServiceDesk.state().messages")
        assert [(m["seq"], m["role"], m["state"]) for m in held] == [
            (1, "customer", "final"),
            (2, "bot", "final"),
        ]
        assert held[1]["text"] == TEXT


@pytest.fixture
def chat(
    daphne: str, browser: Any, stack_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Chat]:
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    chat = Chat(page, monkeypatch)
    try:
        yield chat
    finally:
        print("\n".join(chat.log))  # shown only when the test fails
        # No worker consumes this test's queue: drop the reply task daphne enqueued (the broker
        # keys carry the installation's prefix: let Celery's own transport name them).
        from servicedesk.celery import app

        with app.connection_for_write() as connection:
            channel: Any = connection.default_channel  # kombu's Redis channel
            channel.queue_purge(stack_env["CELERY_QUEUE"])


def test_a_lost_end_costs_seconds(daphne: str, chat: Chat) -> None:
    chat.ask(daphne, "Where is my order SD-100001?")
    chat.start()
    chat.append(HEAD)
    streaming = _bot(chat.page, "streaming")
    streaming.wait_for(timeout=10_000)
    assert HEAD.strip() in streaming.inner_text()

    chat.append(MIDDLE + TAIL, lost=True)
    chat.finish(lost=True)  # stored final; its `end` never arrives

    _bot(chat.page, "final").wait_for(timeout=SYNCED_MS)
    chat.shows_once()
    # Found by the heartbeat: two pongs' settled_seq (2) past what the widget held settled.
    assert chat.syncs() and chat.syncs()[0]["last_seq"] == 1


def test_a_reply_lost_whole_is_fetched(daphne: str, chat: Chat) -> None:
    chat.ask(daphne, "Where is my order SD-100001?")
    # Stored, and not one frame of it arrives: not the message, no delta, no end.
    chat.start(lost=True)
    chat.append(TEXT, lost=True)
    chat.finish(lost=True)

    _bot(chat.page, "final").wait_for(timeout=SYNCED_MS)
    chat.shows_once()
    assert chat.syncs()


def test_a_lost_delta_is_filled_in_and_the_reply_still_shows_once(daphne: str, chat: Chat) -> None:
    chat.ask(daphne, "Where is my order SD-100001?")
    chat.start()
    chat.append(HEAD)
    _bot(chat.page, "streaming").wait_for(timeout=10_000)
    # Streaming normally: a heartbeat or two (every 3 s now) and nothing to fetch. (A pong read
    # just as the reply started may have asked once: the reply's message was still on its way.)
    before = len(chat.syncs())
    chat.page.wait_for_timeout(3_500)
    assert len(chat.syncs()) == before

    chat.append(MIDDLE, lost=True)
    chat.append(TAIL)  # its offset is past the text the widget holds: a gap
    # The sync's copy of the reply (still streaming, all its text so far) fills the gap now,
    # not at the `end`.
    chat.page.wait_for_selector(
        '[data-testid="sd-message"][data-role="bot"][data-state="streaming"]'
        f":has-text({json.dumps(TAIL[-20:])})",
        timeout=SYNCED_MS,
    )
    # Asked for at once, from the delta's offset: the heartbeat can't see a gap inside a reply.
    assert [f["last_seq"] for f in chat.syncs()[before:]] == [1]
    assert TEXT in _bot(chat.page).first.inner_text()

    chat.finish()  # the live `end` after the sync's copy: the same bubble, final
    _bot(chat.page, "final").wait_for(timeout=10_000)
    chat.page.wait_for_timeout(500)  # a late duplicate would show up by now
    chat.shows_once()
