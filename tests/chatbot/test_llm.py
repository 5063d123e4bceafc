"""The language-model layer: the scripted model, the stop-string filter, the OpenAI-compatible
client against a local server speaking the real wire format, and the bundled SmolLM2 itself, run
for real (preparing it takes about 20 s, once per test session)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Generator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings

from assistant.llm import (
    ChatMessage,
    GenerationSettings,
    LLMError,
    LLMTimeout,
    generation_settings,
    get_backend,
    reset_backend,
    transformers_backend,
)
from assistant.llm.base import StopFilter
from assistant.llm.fake import FakeBackend
from assistant.llm.openai_backend import OpenAIBackend
from assistant.llm.transformers_backend import TransformersBackend, model_source, prepare

CHAT = [
    ChatMessage(role="system", content="You are the helpful assistant of a small online shop."),
    ChatMessage(role="user", content="Hi! Where is my parcel?"),
]
DEFAULT_STOPS = ("<|im_end|>", "<|endoftext|>")


def options(**changes: Any) -> GenerationSettings:
    values: dict[str, Any] = {
        "max_new_tokens": 20,
        "timeout_s": 30.0,
        "stop": DEFAULT_STOPS,
        "temperature": 0.0,
    }
    return GenerationSettings(**(values | changes))


def generating_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "llm-generate"]


# --- Settings and backend choice ---------------------------------------------------------------


@pytest.fixture
def fresh_backend() -> Iterator[None]:
    reset_backend()
    yield
    reset_backend()


def test_it_reads_generation_settings_from_django_settings(settings: Any) -> None:
    settings.LLM_MAX_NEW_TOKENS = 64
    settings.LLM_TIMEOUT = 9
    settings.LLM_STOP = ["</s>", "\nUser:"]
    settings.LLM_TEMPERATURE = 0.0

    assert generation_settings() == GenerationSettings(
        max_new_tokens=64,
        timeout_s=9.0,
        stop=("</s>", "\nUser:"),
        temperature=0.0,
        repetition_penalty=1.15,
    )


def test_it_refuses_a_timeout_of_zero(settings: Any) -> None:
    settings.LLM_TIMEOUT = 0

    with pytest.raises(ImproperlyConfigured, match="LLM_TIMEOUT must be above 0"):
        generation_settings()


def test_it_builds_the_configured_backend_once_per_process(
    settings: Any, fresh_backend: None
) -> None:
    settings.LLM_BACKEND = "fake"

    first = get_backend()

    assert isinstance(first, FakeBackend)
    assert get_backend() is first


def test_it_rebuilds_the_backend_when_the_setting_changes(
    settings: Any, fresh_backend: None
) -> None:
    settings.LLM_BACKEND = "fake"
    fake = get_backend()
    settings.LLM_BACKEND = "openai"
    settings.OPENAI_MODEL = "tiny"

    backend = get_backend()

    assert backend is not fake
    assert backend.name == "openai:tiny"


def test_it_refuses_an_unknown_backend(settings: Any, fresh_backend: None) -> None:
    settings.LLM_BACKEND = "gpt-in-a-box"

    with pytest.raises(ImproperlyConfigured, match="LLM_BACKEND must be one of"):
        get_backend()


# --- The scripted model --------------------------------------------------------------------------


def test_it_echoes_the_last_customer_message_word_by_word() -> None:
    model = FakeBackend()
    chat = [*CHAT, ChatMessage(role="assistant", content="Hello!"), CHAT[1]]

    deltas = list(model.stream(chat, options()))

    assert deltas == [
        "Thanks",
        " for",
        " your",
        " message!",
        " You",
        " said:",
        " Hi!",
        " Where",
        " is",
        " my",
        " parcel?",
    ]
    assert model.calls == [chat]
    assert model.name == "fake"


def test_it_plays_a_script_up_to_a_stop_string() -> None:
    model = FakeBackend(script=["Sure", ", one", " moment", "<|im", "_end|>", "junk"])

    deltas = list(model.stream(CHAT, options()))

    assert deltas == ["Sure", ", one", " moment"]


def test_it_fails_as_told_after_some_deltas() -> None:
    model = FakeBackend(script=["a", "b", "c"], fail_with=LLMError, fail_after=2)
    seen: list[str] = []

    with pytest.raises(LLMError, match="told to fail"):
        seen.extend(model.stream(CHAT, options()))

    assert seen == ["a", "b"]


def test_it_times_out_when_slower_than_the_deadline() -> None:
    model = FakeBackend(script=["a", "b", "c"], delay_s=0.05)

    with pytest.raises(LLMTimeout):
        list(model.stream(CHAT, options(timeout_s=0.08)))


def test_it_takes_its_configuration_from_the_class_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FakeBackend, "script", ["scripted"])

    assert list(FakeBackend().stream(CHAT, options())) == ["scripted"]


# --- Stop strings ---------------------------------------------------------------------------------


def run_filter(stops: tuple[str, ...], deltas: list[str]) -> list[str]:
    """What a backend would yield for these deltas: each feed's output, then the flush."""
    stop_filter = StopFilter(stops)
    out = [stop_filter.feed(delta) for delta in deltas]
    return [*out, stop_filter.flush()]


def test_it_passes_text_without_stop_strings_through_unchanged() -> None:
    assert run_filter(("END",), ["Hello", " there"]) == ["Hello", " there", ""]


def test_it_cuts_the_text_at_a_stop_string_and_drops_the_rest() -> None:
    assert run_filter(("END",), ["Bye ENDxyz", " more"]) == ["Bye ", "", ""]


def test_it_holds_back_the_start_of_a_stop_string_split_over_deltas() -> None:
    assert run_filter(("<|im_end|>",), ["Done.<|im", "_e", "nd|>after"]) == ["Done.", "", "", ""]


def test_it_releases_held_back_text_that_turns_out_not_to_be_a_stop() -> None:
    assert run_filter(("\nUser:",), ["Yes\n", "Use", "ful"]) == ["Yes", "", "\nUseful", ""]


def test_it_releases_a_held_back_tail_when_the_model_ends() -> None:
    assert run_filter(("\nUser:",), ["Yes\nUs"]) == ["Yes", "\nUs"]


def test_it_cuts_at_the_earliest_of_several_stop_strings() -> None:
    assert run_filter(("STOP", "xx", ""), ["a STOP b xx c"]) == ["a ", ""]


def test_it_finds_a_stop_string_inside_a_longer_held_back_candidate() -> None:
    # "ab" could begin "abcd" and is held; then "c!" rules that out but completes "bc".
    assert run_filter(("abcd", "bc"), ["xab", "c!"]) == ["x", "a", ""]


# --- OpenAI-compatible servers ------------------------------------------------------------------


class StubServer:
    """A local HTTP/1.1 server that answers each POST with `respond(handler)` and records the
    requests it got."""

    def __init__(self, respond: Callable[[BaseHTTPRequestHandler], None]) -> None:
        self.requests: list[tuple[str, dict[str, str], Any]] = []
        self.release = threading.Event()  # lets a stalling handler finish at teardown
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stub.requests.append((self.path, dict(self.headers), json.loads(body)))
                respond(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        # A short poll interval, or shutdown() takes half a second a test.
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def openai_server(settings: Any) -> Iterator[Callable[..., StubServer]]:
    started: list[StubServer] = []

    def serve(respond: Callable[[BaseHTTPRequestHandler], None]) -> StubServer:
        server = StubServer(respond)
        started.append(server)
        settings.OPENAI_BASE_URL = server.url
        settings.OPENAI_MODEL = "smollm2:135m"
        settings.OPENAI_API_KEY = "sk-test"
        return server

    yield serve
    for server in started:
        server.close()


def completion_chunk(
    content: str | None = None, role: str | None = None, finish: str | None = None
) -> str:
    delta = {"role": role} if role else {}
    if content is not None:
        delta["content"] = content
    return json.dumps(
        {
            "id": "chatcmpl-1",
            "object": "chat.completion.chunk",
            "created": 1767225600,
            "model": "smollm2:135m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
    )


def send_chunk(handler: BaseHTTPRequestHandler, data: bytes) -> None:
    handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
    handler.wfile.flush()


def send_events(handler: BaseHTTPRequestHandler, events: list[str]) -> None:
    """Server-Sent Events over chunked transfer encoding, as OpenAI, vLLM and Ollama send them."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    for event in events:
        send_chunk(handler, f"data: {event}\n\n".encode())
    send_chunk(handler, b"")


def test_it_streams_a_reply_from_an_openai_compatible_server(
    openai_server: Callable[..., StubServer],
) -> None:
    server = openai_server(
        lambda handler: send_events(
            handler,
            [
                completion_chunk(role="assistant", content=""),
                completion_chunk("Your parcel"),
                completion_chunk(" left on Monday."),
                completion_chunk(finish="stop"),
                "[DONE]",
            ],
        )
    )
    backend = OpenAIBackend()

    deltas = list(backend.stream(CHAT, options(max_new_tokens=50, temperature=0.3)))

    assert deltas == ["Your parcel", " left on Monday."]
    assert backend.name == "openai:smollm2:135m"
    [(path, headers, body)] = server.requests
    assert path == "/v1/chat/completions"
    assert headers["Authorization"] == "Bearer sk-test"
    assert headers["Content-Type"] == "application/json"
    assert body == {
        "model": "smollm2:135m",
        "messages": [
            {"role": "system", "content": "You are the helpful assistant of a small online shop."},
            {"role": "user", "content": "Hi! Where is my parcel?"},
        ],
        "max_tokens": 50,
        "temperature": 0.3,
        "stream": True,
        "stop": ["<|im_end|>", "<|endoftext|>"],
    }


def test_it_sends_no_key_when_none_is_set(
    openai_server: Callable[..., StubServer], settings: Any
) -> None:
    server = openai_server(lambda handler: send_events(handler, ["[DONE]"]))
    settings.OPENAI_API_KEY = ""

    assert list(OpenAIBackend().stream(CHAT, options())) == []

    [(_, headers, _)] = server.requests
    assert "Authorization" not in headers


def test_it_sends_at_most_four_stops_and_applies_the_rest_itself(
    openai_server: Callable[..., StubServer],
) -> None:
    # A server that ignores stop strings altogether: the client still cuts the reply.
    server = openai_server(
        lambda handler: send_events(
            handler, [completion_chunk("Done. #"), completion_chunk("#5 more"), "[DONE]"]
        )
    )

    deltas = list(OpenAIBackend().stream(CHAT, options(stop=("a1", "a2", "a3", "a4", "##5"))))

    assert deltas == ["Done. "]
    assert server.requests[0][2]["stop"] == ["a1", "a2", "a3", "a4"]


def test_it_reports_the_servers_error_message(
    openai_server: Callable[..., StubServer],
) -> None:
    def fail(handler: BaseHTTPRequestHandler) -> None:
        body = json.dumps(
            {
                "error": {
                    "message": "The server had an error while processing your request.",
                    "type": "server_error",
                    "code": None,
                }
            }
        ).encode()
        handler.send_response(500)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    openai_server(fail)

    with pytest.raises(LLMError) as caught:
        list(OpenAIBackend().stream(CHAT, options()))

    assert not isinstance(caught.value, LLMTimeout)
    assert str(caught.value) == (
        "openai:smollm2:135m answered HTTP 500: "
        "The server had an error while processing your request."
    )


def test_it_times_out_when_the_server_stalls_mid_reply(
    openai_server: Callable[..., StubServer],
) -> None:
    def stall(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        send_chunk(handler, f"data: {completion_chunk('Let me')}\n\n".encode())
        server.release.wait(10)

    server = openai_server(stall)
    seen: list[str] = []
    started = time.monotonic()

    with pytest.raises(LLMTimeout):
        seen.extend(OpenAIBackend().stream(CHAT, options(timeout_s=0.3)))

    assert seen == ["Let me"]
    assert time.monotonic() - started < 2


def test_it_rejects_a_malformed_event(openai_server: Callable[..., StubServer]) -> None:
    openai_server(lambda handler: send_events(handler, ["{not json", "[DONE]"]))

    with pytest.raises(LLMError, match="malformed event from the model server"):
        list(OpenAIBackend().stream(CHAT, options()))


def test_it_rejects_a_stream_cut_off_before_the_end(
    openai_server: Callable[..., StubServer],
) -> None:
    openai_server(lambda handler: send_events(handler, [completion_chunk("Half")]))
    seen: list[str] = []

    with pytest.raises(LLMError, match="the stream ended before the reply was complete"):
        seen.extend(OpenAIBackend().stream(CHAT, options()))

    assert seen == ["Half"]


def test_it_reports_a_server_that_is_not_there(settings: Any) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.OPENAI_BASE_URL = f"http://127.0.0.1:{port}/v1"
    settings.OPENAI_MODEL = "tiny"

    with pytest.raises(LLMError, match="request to openai:tiny failed: ConnectionRefusedError"):
        list(OpenAIBackend().stream(CHAT, options()))


# --- The bundled model, for real ------------------------------------------------------------------


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def smollm2(model_cache: Path) -> TransformersBackend:
    with override_settings(LLM_CACHE_DIR=model_cache, LLM_MODEL_PATH="", LLM_DTYPE="bfloat16"):
        return TransformersBackend()


def test_it_streams_a_reply_from_the_bundled_model(smollm2: TransformersBackend) -> None:
    deltas = list(smollm2.stream(CHAT, options(max_new_tokens=20)))

    assert smollm2.name == "transformers:SmolLM2-135M-Instruct (bfloat16)"
    assert len(deltas) >= 1
    assert all(isinstance(delta, str) and delta for delta in deltas)
    text = "".join(deltas)
    assert text.strip()
    assert not any(stop in text for stop in DEFAULT_STOPS)
    assert generating_threads() == []


def test_it_writes_no_more_than_max_new_tokens(smollm2: TransformersBackend) -> None:
    text = "".join(smollm2.stream(CHAT, options(max_new_tokens=1)))

    assert len(smollm2.tokenizer(text, add_special_tokens=False)["input_ids"]) == 1


def test_it_ends_the_real_reply_before_a_stop_string(smollm2: TransformersBackend) -> None:
    # Greedy decoding is deterministic, so a word from a first reply is a stop string that the
    # second reply is sure to reach.
    full = "".join(smollm2.stream(CHAT, options(max_new_tokens=20, stop=())))
    stop = full.split()[3]

    cut = "".join(smollm2.stream(CHAT, options(max_new_tokens=20, stop=(stop,))))

    assert cut == full[: full.index(stop)]


def test_it_times_out_and_stops_the_generation_thread(smollm2: TransformersBackend) -> None:
    with pytest.raises(LLMTimeout, match=r"took longer than 0\.05 s"):
        list(smollm2.stream(CHAT, options(max_new_tokens=200, timeout_s=0.05)))

    assert generating_threads() == []


def test_it_stops_generating_when_the_caller_gives_up(smollm2: TransformersBackend) -> None:
    reply = smollm2.stream(CHAT, options(max_new_tokens=200))
    assert isinstance(reply, Generator)
    first = next(reply)

    reply.close()

    assert first
    assert generating_threads() == []


def test_it_keeps_a_prepared_cache_of_plain_weights(
    smollm2: TransformersBackend, model_cache: Path, settings: Any
) -> None:
    settings.LLM_CACHE_DIR = model_cache
    said: list[str] = []

    folder = prepare(progress=said.append)

    assert folder == model_cache / "SmolLM2-135M-Instruct"
    assert said[-1] == f"SmolLM2-135M-Instruct is already prepared in {folder}"
    record = json.loads((folder / "servicedesk-source.json").read_text())
    assert record == {
        "source": "SmolLM2-135M-Instruct.Q4_1.gguf",
        "sha256": transformers_backend.BUNDLED_SHA256,
    }
    assert "quantization_config" not in json.loads((folder / "config.json").read_text())
    assert sorted(p.name for p in model_cache.iterdir()) == [
        ".SmolLM2-135M-Instruct.lock",
        "SmolLM2-135M-Instruct",
    ]


def test_it_refuses_a_bundled_file_with_the_wrong_sha256(
    monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path
) -> None:
    settings.LLM_CACHE_DIR = tmp_path
    monkeypatch.setattr(transformers_backend, "BUNDLED_SHA256", "0" * 64)

    with pytest.raises(LLMError, match=r"has SHA-256 b179c952\w+, expected 0{64}"):
        TransformersBackend()

    assert list(tmp_path.iterdir()) == []


def test_it_replaces_a_cache_made_from_another_file_in_one_step(
    monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path
) -> None:
    settings.LLM_CACHE_DIR = tmp_path
    old = tmp_path / "SmolLM2-135M-Instruct"
    old.mkdir()
    (old / "servicedesk-source.json").write_text('{"sha256": "an older file"}')
    converted: list[Path] = []

    def convert(source: Any, into: Path, say: Any) -> None:
        converted.append(into)
        (into / "model.safetensors").write_text("weights")

    monkeypatch.setattr(transformers_backend, "_convert", convert)

    folder = prepare()

    assert folder == old
    assert converted[0] != old  # written elsewhere, then renamed into place
    assert (folder / "model.safetensors").read_text() == "weights"
    record = json.loads((folder / "servicedesk-source.json").read_text())
    assert record["sha256"] == transformers_backend.BUNDLED_SHA256
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".SmolLM2-135M-Instruct.lock",
        "SmolLM2-135M-Instruct",
    ]


def test_it_leaves_no_half_written_cache_when_preparing_fails(
    monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path
) -> None:
    settings.LLM_CACHE_DIR = tmp_path

    def convert(source: Any, into: Path, say: Any) -> None:
        (into / "model.safetensors").write_text("half")
        raise LLMError("disk full")

    monkeypatch.setattr(transformers_backend, "_convert", convert)

    with pytest.raises(LLMError, match="disk full"):
        prepare()

    assert [p.name for p in tmp_path.iterdir()] == [".SmolLM2-135M-Instruct.lock"]


def test_it_names_a_configured_gguf_file_without_its_quantization(
    settings: Any, tmp_path: Path
) -> None:
    path = tmp_path / "Qwen2.5-0.5B-Instruct.Q4_K_M.gguf"
    path.write_bytes(b"GGUF")
    settings.LLM_MODEL_PATH = str(path)

    source = model_source()

    assert (source.path, source.name, source.sha256) == (path, "Qwen2.5-0.5B-Instruct", None)


def test_it_refuses_a_model_path_that_is_neither_folder_nor_gguf(
    settings: Any, tmp_path: Path
) -> None:
    settings.LLM_MODEL_PATH = str(tmp_path / "missing.bin")

    with pytest.raises(ImproperlyConfigured, match=r"must be a model folder or a \.gguf file"):
        model_source()


def test_it_refuses_an_unsupported_dtype(settings: Any) -> None:
    settings.LLM_DTYPE = "float16"

    with pytest.raises(ImproperlyConfigured, match="LLM_DTYPE must be one of"):
        TransformersBackend()


# --- manage.py prepare_model ----------------------------------------------------------------------


def test_it_says_a_prepared_model_is_ready_and_loads_it(
    smollm2: TransformersBackend, model_cache: Path, settings: Any
) -> None:
    settings.LLM_BACKEND = "transformers"
    settings.LLM_CACHE_DIR = model_cache
    out = StringIO()

    call_command("prepare_model", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[1] == (
        f"SmolLM2-135M-Instruct is already prepared in {model_cache / 'SmolLM2-135M-Instruct'}"
    )
    assert lines[-1].startswith("Loaded transformers:SmolLM2-135M-Instruct (bfloat16) in ")


def test_it_has_nothing_to_prepare_for_a_remote_model(settings: Any) -> None:
    settings.LLM_BACKEND = "openai"
    out = StringIO()

    call_command("prepare_model", stdout=out)

    assert out.getvalue() == "LLM_BACKEND is 'openai': nothing to prepare.\n"
