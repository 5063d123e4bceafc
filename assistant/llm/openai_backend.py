"""Any server that speaks OpenAI's streaming `/v1/chat/completions`: OpenAI itself, vLLM, Ollama,
the llama.cpp server, TGI. Plain `http.client`, so there is no SDK to install or keep up with."""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from assistant.llm.base import ChatMessage, GenerationSettings, LLMError, LLMTimeout, StopFilter

MAX_API_STOPS = 4  # OpenAI's limit; any further stop strings are applied on our side
MAX_ERROR_BODY = 64 * 1024


class OpenAIBackend:
    def __init__(self) -> None:
        self.model = django_settings.OPENAI_MODEL
        if not self.model:
            raise ImproperlyConfigured("OPENAI_MODEL must name a model when LLM_BACKEND is openai")
        url = urlsplit(django_settings.OPENAI_BASE_URL.rstrip("/"))
        if url.scheme not in {"http", "https"} or not url.hostname:
            raise ImproperlyConfigured(
                f"OPENAI_BASE_URL must be an http(s) URL, got {django_settings.OPENAI_BASE_URL!r}"
            )
        self.https = url.scheme == "https"
        self.host = url.hostname
        self.port = url.port
        self.path = f"{url.path}/chat/completions"
        self.api_key = django_settings.OPENAI_API_KEY
        self.name = f"openai:{self.model}"

    def stream(
        self, messages: Sequence[ChatMessage], settings: GenerationSettings
    ) -> Iterator[str]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "max_tokens": settings.max_new_tokens,
            "temperature": settings.temperature,
            "stream": True,
        }
        if settings.stop:
            body["stop"] = list(settings.stop[:MAX_API_STOPS])
        return self._stream(json.dumps(body).encode(), settings)

    def _stream(self, body: bytes, settings: GenerationSettings) -> Iterator[str]:
        deadline = time.monotonic() + settings.timeout_s
        connection_class = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        connection = connection_class(self.host, self.port, timeout=settings.timeout_s)
        headers = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream",
        }
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        stops = StopFilter(settings.stop)
        try:
            try:
                connection.request("POST", self.path, body=body, headers=headers)
                response = connection.getresponse()
                if response.status != 200:
                    raise LLMError(
                        f"{self.name} answered HTTP {response.status}: "
                        f"{_error_message(response.read(MAX_ERROR_BODY))}"
                    )
                for event in _events(response, connection, deadline):
                    text = stops.feed(_delta(event))
                    if text:
                        yield text
                    if stops.stopped:
                        return
            except TimeoutError:
                raise LLMTimeout(
                    f"{self.name} took longer than {settings.timeout_s} s to reply"
                ) from None
            except (OSError, http.client.HTTPException) as error:
                raise LLMError(f"request to {self.name} failed: {error!r}") from error
            if text := stops.flush():
                yield text
        finally:
            # Also on an early close by the caller: dropping the connection tells the server to
            # stop generating.
            connection.close()


def _events(
    response: http.client.HTTPResponse, connection: http.client.HTTPConnection, deadline: float
) -> Iterator[dict[str, Any]]:
    """The JSON payloads of a Server-Sent Events stream, up to `data: [DONE]`."""
    data: list[str] = []
    finished = False
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        # The deadline is for the whole reply, so each read may only wait for what is left of it.
        if connection.sock is not None:
            connection.sock.settimeout(remaining)
        raw = response.readline()
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
        # A blank line ends an event; the end of the stream ends the last one too. Other lines are
        # SSE comments (": keep-alive") or fields we have no use for (event:, id:, retry:).
        if raw and (line or not data):
            continue
        if data:
            payload, data = "\n".join(data), []
            if payload == "[DONE]":
                return
            event = _parse_event(payload)
            choices = event.get("choices")
            if isinstance(choices, list) and choices and isinstance(choices[0], dict):
                finished = finished or choices[0].get("finish_reason") is not None
            yield event
        if not raw:
            if finished:
                return  # a server that closes after the last chunk without [DONE]
            raise LLMError("the stream ended before the reply was complete")


def _parse_event(payload: str) -> dict[str, Any]:
    try:
        event = json.loads(payload)
    except ValueError:
        event = None
    if not isinstance(event, dict):
        raise LLMError(f"malformed event from the model server: {payload[:200]!r}")
    if "error" in event:
        raise LLMError(f"the model server failed mid-reply: {_error_text(event)}")
    return event


def _delta(event: dict[str, Any]) -> str:
    choices = event.get("choices")
    if not isinstance(choices, list):
        raise LLMError(f"malformed event from the model server: {json.dumps(event)[:200]}")
    if not choices:
        return ""  # the closing usage chunk some servers send
    delta = choices[0].get("delta") if isinstance(choices[0], dict) else None
    if not isinstance(delta, dict):
        raise LLMError(f"malformed event from the model server: {json.dumps(event)[:200]}")
    content = delta.get("content")
    return content if isinstance(content, str) else ""  # the first chunk carries only the role


def _error_message(body: bytes) -> str:
    text = body.decode("utf-8", errors="replace").strip()
    try:
        parsed = json.loads(text)
    except ValueError:
        return text[:500] or "(no message)"
    return _error_text(parsed) if isinstance(parsed, dict) else text[:500]


def _error_text(payload: dict[str, Any]) -> str:
    """The message from the error shapes in use: OpenAI and vLLM `{"error": {"message"}}`,
    Ollama and TGI `{"error": "..."}`, FastAPI `{"detail": ...}`."""
    error = payload.get("error", payload.get("detail", payload))
    if isinstance(error, dict):
        error = error.get("message", error)
    return str(error)[:500]
