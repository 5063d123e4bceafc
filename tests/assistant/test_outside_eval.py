"""The frozen outside evaluation set (`tests/eval/`, written by someone who had seen neither the
training data nor the scenarios) as a regression guard: understanding must not fall back below
what it measured when the set was frozen, and no conversation may end with the assistant
proposing a change the customer refused.

The floors sit a little under the measured figures (docs/assistant.md, "Outside language"), so
a real regression fails and noise does not. Conversations that name a month ("the one from
June") depend on the day the demo shop is seeded and are left to `eval_bot --file`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from assistant.evaluation import scenarios_load, suite_run
from assistant.understanding import intents
from assistant.understanding.acts import intents_read

EVAL = Path(__file__).resolve().parents[1] / "eval"
MONTHS = re.compile(
    r"\b(january|february|march|april|june|july|august|september|october|november|december)\b",
    re.IGNORECASE,
)


@pytest.mark.django_db
def test_outside_messages_are_understood() -> None:
    lines = [json.loads(line) for line in (EVAL / "outside_messages.jsonl").open()]
    assert len(lines) >= 400
    classifier = intents.get_classifier()
    predictions = intents_read([line["text"] for line in lines], classifier.predict_many)
    right = sum(p.label == line["label"] for p, line in zip(predictions, lines, strict=True))
    accuracy = right / len(lines)
    print(f"outside messages: {accuracy:.1%} of {len(lines)}")
    assert accuracy >= 0.88


def test_outside_conversations_hold(demo_shop: None, db: None, settings: Any) -> None:
    settings.BOT_LLM_MODE = "off"
    scenarios = [
        s
        for s in scenarios_load(EVAL / "outside_conversations.yaml")
        if not any(MONTHS.search(step.say or "") for step in s.turns)
    ]
    assert len(scenarios) >= 40
    summary = suite_run(scenarios)
    failed = {r.name: r.failures[0] for r in summary.results if not r.passed}
    print(f"outside conversations: {summary.passed}/{len(scenarios)}", failed)
    proposed = [f for r in summary.results for f in r.failures if "unexpected 'confirm'" in f]
    assert not proposed, proposed  # a change proposed after the customer said not to
    assert summary.task_success >= 0.85, failed


def test_the_held_out_second_shop_conversations_hold(demo_shop: None, db: None) -> None:
    """Written by a helper who saw only the second shop's data and the scenario format, after
    the multi-item and money work: every database state it expects, within a floor."""
    scenarios = scenarios_load(EVAL / "second_shop_heldout.yaml")
    assert len(scenarios) >= 15 and all(s.shop == "second" for s in scenarios)
    summary = suite_run(scenarios)
    failed = [f"{r.name}: {r.failures[0]}" for r in summary.results if not r.passed]
    print(f"held-out second shop: {summary.task_success:.1%}", *failed, sep="\n")
    assert summary.task_success >= 0.85, failed


@pytest.mark.django_db
def test_outside_chinese_messages_are_understood() -> None:
    """The frozen Chinese set (320 messages, mixed Chinese/English among them), written before
    the assistant read Chinese (17.5% then)."""
    lines = [json.loads(line) for line in (EVAL / "outside_messages_zh.jsonl").open()]
    assert len(lines) >= 300
    classifier = intents.get_classifier()
    predictions = intents_read([line["text"] for line in lines], classifier.predict_many)
    right = sum(p.label == line["label"] for p, line in zip(predictions, lines, strict=True))
    accuracy = right / len(lines)
    print(f"outside Chinese messages: {accuracy:.1%} of {len(lines)}")
    assert accuracy >= ZH_MESSAGES_FLOOR


@pytest.mark.django_db
def test_chinese_is_understood_within_three_points_of_english() -> None:
    """Issue 13's goal on the frozen sets: Chinese intent accuracy within 3 points of English
    (measured 90.6% and 93.2%). One classifier reads both, so data for either moves both."""
    classifier = intents.get_classifier()
    accuracy = {}
    for name in ("outside_messages.jsonl", "outside_messages_zh.jsonl"):
        lines = [json.loads(line) for line in (EVAL / name).open()]
        predictions = intents_read([line["text"] for line in lines], classifier.predict_many)
        right = sum(p.label == line["label"] for p, line in zip(predictions, lines, strict=True))
        accuracy[name] = right / len(lines)
    print(accuracy)
    gap = accuracy["outside_messages.jsonl"] - accuracy["outside_messages_zh.jsonl"]
    assert gap <= 0.03, accuracy


def test_outside_chinese_conversations_hold(demo_shop: None, db: None, settings: Any) -> None:
    """The frozen Chinese conversations (0 of 24 before): none may end with a change proposed
    after a refusal, and every reply to a Chinese customer must be Chinese in most of them."""
    settings.BOT_LLM_MODE = "off"
    scenarios = scenarios_load(EVAL / "outside_conversations_zh.yaml")
    assert len(scenarios) >= 20
    summary = suite_run(scenarios)
    failed = {r.name: r.failures[0] for r in summary.results if not r.passed}
    print(f"outside Chinese conversations: {summary.passed}/{len(scenarios)}", failed)
    proposed = [f for r in summary.results for f in r.failures if "unexpected 'confirm'" in f]
    assert not proposed, proposed
    assert summary.task_success >= ZH_CONVERSATIONS_FLOOR, failed


def test_the_frozen_follow_up_conversations_hold(demo_shop: None, db: None, settings: Any) -> None:
    """The frozen follow-up set (tests/eval/followups.yaml, a fresh helper's, 19 of 39 before
    this work): follow-ups on the order or product in focus, returns with everything said at
    once, exchanges by size alone, quantities, the recipient's name, product facts, searches for
    an audience, in English and Chinese."""
    settings.BOT_LLM_MODE = "off"
    scenarios = scenarios_load(EVAL / "followups.yaml")
    assert len(scenarios) >= 35
    summary = suite_run(scenarios)
    failed = {r.name: r.failures[0] for r in summary.results if not r.passed}
    print(f"follow-up conversations: {summary.passed}/{len(scenarios)}", failed)
    assert summary.task_success >= FOLLOW_UPS_FLOOR, failed


def test_the_frozen_record_questions_hold(demo_shop: None, db: None, settings: Any) -> None:
    """The frozen set on the customer's own records and on memory inside a flow
    (tests/eval/record_questions.yaml, a fresh helper's, 19 of 33 before this work): why an
    order was cancelled and where its money went, which card paid how much, whether a
    replacement went out, corrections, a question while a confirmation waits, a person asked
    for mid-flow, in English and Chinese. No change may happen without its yes."""
    settings.BOT_LLM_MODE = "off"
    scenarios = scenarios_load(EVAL / "record_questions.yaml")
    assert len(scenarios) >= 30
    summary = suite_run(scenarios)
    failed = {r.name: r.failures[0] for r in summary.results if not r.passed}
    print(f"record questions: {summary.passed}/{len(scenarios)}", failed)
    assert summary.task_success >= RECORD_QUESTIONS_FLOOR, failed


RECORD_QUESTIONS_FLOOR = 0.9  # measured 31 of 33
FOLLOW_UPS_FLOOR = 0.9  # measured 39 of 39
ZH_MESSAGES_FLOOR = 0.88  # measured 90.6% (docs/i18n.md)
ZH_CONVERSATIONS_FLOOR = 0.9  # measured 24 of 24
