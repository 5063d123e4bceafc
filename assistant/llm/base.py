"""The language-model interface: what a backend takes, what it yields, how it fails, and which one
the settings choose. Backends are imported only when chosen, so a deployment that talks to an
OpenAI-compatible server never imports torch."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ChatMessage:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class GenerationSettings:
    max_new_tokens: int
    timeout_s: float  # for the whole reply, not per token
    stop: tuple[str, ...]  # generation ends before any of these; they are never yielded
    temperature: float  # 0 means greedy
    # Above 1 discourages repeating tokens already written: small models loop without it.
    repetition_penalty: float = 1.0


class LLMError(Exception):
    """The model could not produce a reply."""


class LLMTimeout(LLMError):
    """The reply took longer than `GenerationSettings.timeout_s`."""


class LLMBackend(Protocol):
    name: str  # stored with each reply, e.g. "transformers:SmolLM2-135M-Instruct (bfloat16)"

    def stream(
        self, messages: Sequence[ChatMessage], settings: GenerationSettings
    ) -> Iterator[str]:
        """Yield the reply as non-empty text deltas while the model writes it. Raise LLMTimeout
        when the whole reply takes longer than `settings.timeout_s`, LLMError for any other
        failure. Closing the iterator early stops the generation."""
        ...


class StopFilter:
    """Cuts a streamed reply at the first stop string. A stop string can arrive split over several
    deltas, so text that could be the start of one is held back until the next delta shows whether
    it is; the stop string and everything after it are never released."""

    def __init__(self, stops: Iterable[str]) -> None:
        self._stops = tuple(stop for stop in stops if stop)
        self._held = ""
        self.stopped = False

    def feed(self, text: str) -> str:
        """Take the next delta; return the text that is now safe to show (possibly empty)."""
        if self.stopped:
            return ""
        text = self._held + text
        hits = [i for stop in self._stops if (i := text.find(stop)) != -1]
        if hits:
            self.stopped = True
            self._held = ""
            return text[: min(hits)]
        keep = self._partial_stop_length(text)
        self._held = text[len(text) - keep :]
        return text[: len(text) - keep]

    def flush(self) -> str:
        """The held-back tail, once the model has ended without writing a stop string."""
        rest, self._held = self._held, ""
        return "" if self.stopped else rest

    def _partial_stop_length(self, text: str) -> int:
        """The length of the longest end of `text` that begins some stop string."""
        longest = 0
        for stop in self._stops:
            for length in range(min(len(stop) - 1, len(text)), longest, -1):
                if text.endswith(stop[:length]):
                    longest = length
                    break
        return longest


def generation_settings() -> GenerationSettings:
    result = GenerationSettings(
        max_new_tokens=settings.LLM_MAX_NEW_TOKENS,
        timeout_s=float(settings.LLM_TIMEOUT),
        stop=tuple(settings.LLM_STOP),
        temperature=settings.LLM_TEMPERATURE,
        repetition_penalty=settings.LLM_REPETITION_PENALTY,
    )
    if result.max_new_tokens < 1:
        raise ImproperlyConfigured("LLM_MAX_NEW_TOKENS must be at least 1")
    if result.timeout_s <= 0:
        raise ImproperlyConfigured("LLM_TIMEOUT must be above 0")
    if result.repetition_penalty <= 0:
        raise ImproperlyConfigured("LLM_REPETITION_PENALTY must be above 0")
    if result.temperature < 0:
        raise ImproperlyConfigured("LLM_TEMPERATURE must not be negative")
    return result


BACKENDS = {
    "transformers": "assistant.llm.transformers_backend.TransformersBackend",
    "openai": "assistant.llm.openai_backend.OpenAIBackend",
    "fake": "assistant.llm.fake.FakeBackend",
}

# Loading a local model takes seconds and hundreds of MB, so each process holds one instance; the
# lock keeps two threads asking at once from loading it twice.
_lock = threading.Lock()
_cached: tuple[str, LLMBackend] | None = None


def get_backend() -> LLMBackend:
    """The process-wide backend chosen by `settings.LLM_BACKEND`, built on first use."""
    global _cached
    choice = settings.LLM_BACKEND
    with _lock:
        # Keyed on the choice, so a test that overrides LLM_BACKEND never gets the other backend.
        if _cached is None or _cached[0] != choice:
            if choice not in BACKENDS:
                raise ImproperlyConfigured(
                    f"LLM_BACKEND must be one of {', '.join(BACKENDS)}, got {choice!r}"
                )
            backend_class: type[LLMBackend] = import_string(BACKENDS[choice])
            _cached = (choice, backend_class())
        return _cached[1]


def reset_backend() -> None:
    """Forget the cached backend, so the next `get_backend()` builds one from current settings."""
    global _cached
    with _lock:
        _cached = None
