"""The gate on its labelled pairs (assistant/wording/data/gate_pairs.jsonl), written and labelled
by a reader who had not seen the gate. The floors are the figures measured when the thresholds
were set on the calibration half; the held-out half was not looked at pair by pair."""

from __future__ import annotations

import json

import pytest

from assistant.wording.labelled import GATE_FILE, load_pairs, score_gate, verdict


@pytest.fixture(scope="module")
def pairs() -> list:  # type: ignore[type-arg]
    return load_pairs()


def test_the_labelled_set_is_big_enough_and_holds_the_models_real_failures(pairs: list) -> None:  # type: ignore[type-arg]
    rows = [json.loads(line) for line in GATE_FILE.read_text().splitlines() if line.strip()]
    assert len(pairs) >= 300
    assert sum(r["origin"] == "model" for r in rows) >= 100
    assert sum(r["origin"] == "trial" for r in rows) >= 5
    assert sum(p.language == "zh-Hans" for p in pairs) >= 40
    assert {p.split for p in pairs} == {"calibration", "held_out"}


def test_no_real_model_failure_and_none_of_the_trials_nonsense_gets_through() -> None:
    rows = [json.loads(line) for line in GATE_FILE.read_text().splitlines() if line.strip()]
    real = [p for p, r in zip(load_pairs(), rows, strict=True) if r["origin"] in ("model", "trial")]
    let_through = [p.rewording[:80] for p in real if p.label == "unfaithful" and not verdict(p)]
    assert let_through == []


def test_the_held_out_half_stays_within_the_measured_rates(pairs: list) -> None:  # type: ignore[type-arg]
    score = score_gate([p for p in pairs if p.split == "held_out"])
    assert score.false_accept_rate <= FALSE_ACCEPTS
    assert score.false_reject_rate <= FALSE_REJECTS


FALSE_ACCEPTS = 0.05
FALSE_REJECTS = 0.2
