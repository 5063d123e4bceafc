"""A scripted model for fast unit tests: no weights, no network, and it answers instantly unless
told to dawdle. Never use it in production."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator, Sequence

from django.conf import settings

from assistant.llm.base import ChatMessage, GenerationSettings, LLMError, LLMTimeout, StopFilter


class FakeBackend:
    """Replies "Thanks for your message! You said: <last user message>", one word a delta; asked
    to reword a draft (`assistant.replies.prompts.rewrite_prompt`), it returns the draft as is.

    Configure per instance or, for code that builds its own through `get_backend()`, on the class:
    `script` replaces the reply's deltas; `delay_s` is slept before each delta; `fail_with` is
    raised after `fail_after` deltas. Every conversation it was given lands in `calls`."""

    name = "fake"
    script: list[str] | None = None
    delay_s: float = 0.0
    fail_with: type[LLMError] | None = None
    fail_after: int = 0

    def __init__(
        self,
        *,
        script: list[str] | None = None,
        delay_s: float | None = None,
        fail_with: type[LLMError] | None = None,
        fail_after: int | None = None,
    ) -> None:
        cls = type(self)
        self.script = script if script is not None else cls.script
        # LLM_FAKE_DELAY_S: a slow stream for a worker process started by a test (a reply that
        # is surely still being written when the test kills the worker).
        self.delay_s = delay_s if delay_s is not None else cls.delay_s or settings.LLM_FAKE_DELAY_S
        self.fail_with = fail_with if fail_with is not None else cls.fail_with
        self.fail_after = fail_after if fail_after is not None else cls.fail_after
        self.calls: list[list[ChatMessage]] = []

    def stream(
        self, messages: Sequence[ChatMessage], settings: GenerationSettings
    ) -> Iterator[str]:
        self.calls.append(list(messages))
        return self._generate(messages, settings)

    def _generate(
        self, messages: Sequence[ChatMessage], settings: GenerationSettings
    ) -> Iterator[str]:
        deadline = time.monotonic() + settings.timeout_s
        stops = StopFilter(settings.stop)
        for count, delta in enumerate(self._deltas(messages)[: settings.max_new_tokens]):
            if self.fail_with is not None and count == self.fail_after:
                raise self.fail_with("the fake model was told to fail")
            if self.delay_s:
                time.sleep(self.delay_s)
            if time.monotonic() > deadline:
                raise LLMTimeout(f"the fake model took longer than {settings.timeout_s} s")
            if text := stops.feed(delta):
                yield text
            if stops.stopped:
                return
        if self.fail_with is not None:
            raise self.fail_with("the fake model was told to fail")
        if text := stops.flush():
            yield text

    def _deltas(self, messages: Sequence[ChatMessage]) -> list[str]:
        if self.script is not None:
            return [delta for delta in self.script if delta]
        said = next((m.content for m in reversed(messages) if m.role == "user"), "")
        if "Draft reply: " in said:
            # Asked to reword the assistant's draft: a perfect rewriter returns it unchanged.
            return re.findall(r"\s*\S+", said.split("Draft reply: ", 1)[1])
        # Word-sized pieces with their leading space, the way a tokenizer splits English.
        return re.findall(r"\s*\S+", f"Thanks for your message! You said: {said}")
