"""Benchmark: the bundled model alone vs. the same reply through the whole stack.

    make bench-chat                # or: .venv/bin/python bench/chat.py [--runs 3] [--concurrent 4]

1. Model alone: the transformers backend in this process streams a fixed prompt (greedy, 100 new
   tokens): time to first text, tokens per second.
   The token rate is tokens / (end - first text), both ways; time to first text is its own
   figure.
2. Through the stack: daphne and one Celery worker (as `make run` starts them) on a scratch
   SQLite database; a websocket client sends the same question and times the first `delta`
   and the `end`. The worker generates the same greedy text, so the token counts match.
3. N conversations at once, to show how one worker queues them.

Prints the figures and the ratio against the targets: through the stack at least 90% of the
model-alone token rate, and at most 150 ms added to the time to first token.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# A greeting: the assistant's draft for it is one the model may reword, so both sides of the
# comparison run the model on the same prompt.
QUESTION = "Hi! What can you help me with?"
NEW_TOKENS = 100


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrent", type=int, default=4)
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-chat-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
        "LLM_BACKEND": "transformers",
        "LLM_CACHE_DIR": str(ROOT / "data" / "models"),
        "LLM_MAX_NEW_TOKENS": str(NEW_TOKENS),
        "LLM_TEMPERATURE": "0",
        "LLM_STOP": "<|im_end|>",
        "CELERY_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
        "CHAT_RATE_BURST": "100",
        "HF_HUB_OFFLINE": "1",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    alone = bench_model_alone(args.runs)
    stack = bench_stack(env, scratch, args.runs, args.concurrent)
    report(alone, stack)


def _prompt() -> list[Any]:
    from django.conf import settings

    from assistant.flows.engine import CAPABILITIES
    from assistant.replies.prompts import rewrite_prompt

    draft = f"Hi! I'm the {settings.SHOP_NAME} assistant. {CAPABILITIES}"
    return rewrite_prompt(question=QUESTION, draft=draft, language="en")


def _count_tokens(text: str) -> int:
    from assistant.llm import get_backend

    tokenizer = get_backend().tokenizer  # type: ignore[attr-defined]
    return len(tokenizer(text, add_special_tokens=False)["input_ids"])


def bench_model_alone(runs: int) -> dict[str, float]:
    from assistant.llm import generation_settings, get_backend

    print("Loading the model in this process…", flush=True)
    backend = get_backend()
    settings = generation_settings()
    prompt = _prompt()
    list(backend.stream(prompt, settings))  # warm-up
    ttfts, rates = [], []
    for n in range(runs):
        started = time.monotonic()
        first: float | None = None
        text = ""
        for delta in backend.stream(prompt, settings):
            if first is None:
                first = time.monotonic()
            text += delta
        ended = time.monotonic()
        assert first is not None
        tokens = _count_tokens(text)
        ttfts.append(first - started)
        # The rate of writing, after the first text: time to first token is measured apart.
        rates.append(tokens / (ended - first))
        print(
            f"  model alone, run {n + 1}: first text {1000 * (first - started):.0f} ms, "
            f"{tokens} tokens in {ended - started:.2f} s",
            flush=True,
        )
    return {"ttft": statistics.median(ttfts), "rate": statistics.median(rates)}


def _start(cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def bench_stack(env: dict[str, str], scratch: Path, runs: int, concurrent: int) -> dict[str, float]:
    import socket

    from websockets.sync.client import connect
    from websockets.typing import Origin

    from chatbot import services
    from chatbot.tokens import ws_token

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    bin_dir = Path(sys.executable).parent
    print("Starting daphne and a Celery worker…", flush=True)
    daphne = _start(
        [
            str(bin_dir / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "servicedesk.asgi:application",
        ],
        env,
        scratch / "daphne.log",
    )
    worker = _start(
        [
            str(bin_dir / "celery"),
            "-A",
            "servicedesk",
            "worker",
            "--concurrency=1",
            "-Q",
            env["CELERY_QUEUE"],
            "--loglevel=WARNING",
        ],
        env,
        scratch / "celery.log",
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{url}/help/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)

        def ask(question: str) -> dict[str, float | str]:
            conversation = services.conversation_start_or_resume(customer=None, resume=None)
            token = ws_token(services.conversation_grant(conversation))
            ws = connect(url.replace("http", "ws") + "/ws/chat/", origin=Origin(url), legacy=True)
            ws.send(json.dumps({"type": "hello", "token": token}))
            json.loads(ws.recv(timeout=30))
            sent = time.monotonic()
            ws.send(json.dumps({"type": "message", "text": question, "client_id": "b"}))
            first: float | None = None
            while True:
                frame = json.loads(ws.recv(timeout=300))
                if frame["type"] == "delta" and first is None:
                    first = time.monotonic()
                if frame["type"] == "end":
                    ended = time.monotonic()
                    ws.close()
                    text = frame["message"]["text"]
                    return {
                        "ttft": (first or ended) - sent,
                        "stream": ended - (first or sent),
                        "total": ended - sent,
                        "text": text,
                    }

        ask(QUESTION)  # warm-up: the worker loads the model and runs it once
        ttfts, rates = [], []
        for n in range(runs):
            result = ask(QUESTION)
            tokens = _count_tokens(str(result["text"]))
            ttfts.append(float(result["ttft"]))
            rates.append(tokens / float(result["stream"]))
            print(
                f"  through the stack, run {n + 1}: first delta "
                f"{1000 * float(result['ttft']):.0f} ms, {tokens} tokens in "
                f"{float(result['total']):.2f} s",
                flush=True,
            )

        results: list[dict[str, float | str]] = []
        started = time.monotonic()
        threads = [
            threading.Thread(target=lambda: results.append(ask(QUESTION)))
            for _ in range(concurrent)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - started
        waits = sorted(float(r["ttft"]) for r in results)
        print(
            f"  {concurrent} conversations at once on one worker: all answered in {wall:.1f} s; "
            f"first deltas after {', '.join(f'{w:.1f}' for w in waits)} s",
            flush=True,
        )
        return {
            "ttft": statistics.median(ttfts),
            "rate": statistics.median(rates),
            "concurrent_wall": wall,
            "concurrent": float(concurrent),
        }
    finally:
        for process in (daphne, worker):
            process.terminate()
            process.wait(timeout=30)


def report(alone: dict[str, float], stack: dict[str, float]) -> None:
    ratio = stack["rate"] / alone["rate"]
    added = 1000 * (stack["ttft"] - alone["ttft"])
    print()
    print(f"{'':28}{'first text':>12}{'tokens/s':>10}")
    print(f"{'model alone':28}{1000 * alone['ttft']:>10.0f}ms{alone['rate']:>10.1f}")
    print(f"{'websocket→daphne→Redis→':28}")
    print(f"{'  Celery→websocket':28}{1000 * stack['ttft']:>10.0f}ms{stack['rate']:>10.1f}")
    print()
    print(
        f"token rate through the stack: {100 * ratio:.0f}% of the model alone "
        f"(target ≥ 90%: {'met' if ratio >= 0.9 else 'MISSED'})"
    )
    print(
        f"added to time to first token: {added:.0f} ms "
        f"(target ≤ 150 ms: {'met' if added <= 150 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
