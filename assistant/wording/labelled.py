"""Labelled (draft, rewording) pairs for measuring the faithfulness gate: written and labelled by
a reader who had not seen the gate, with the model's real failures among them (docs/model.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from assistant.wording import gate

GATE_FILE = Path(__file__).resolve().parent / "data" / "gate_pairs.jsonl"
# Categories of unfaithful wording that count as nonsense: never to be let through.
NONSENSE = frozenset(
    {"nonsense", "off_topic", "broken", "invented", "contact", "ability", "earlier", "meta"}
)


@dataclass
class Pair:
    draft: str
    rewording: str
    label: str  # faithful | unfaithful
    category: str = ""
    language: str = "en"
    split: str = "held_out"  # calibration | held_out
    must_keep: list[str] = field(default_factory=list)


def load_pairs(path: Path = GATE_FILE) -> list[Pair]:
    pairs = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("label") not in ("faithful", "unfaithful"):
            raise ValueError(f"{path}:{n}: label must be faithful or unfaithful")
        pairs.append(
            Pair(
                draft=row["draft"],
                rewording=row["rewording"],
                label=row["label"],
                category=row.get("category", ""),
                language=row.get("language", "en"),
                split=row.get("split", "held_out"),
                must_keep=list(row.get("must_keep", [])),
            )
        )
    return pairs


@dataclass
class GateScore:
    total: int = 0
    faithful: int = 0
    unfaithful: int = 0
    false_accepts: int = 0
    false_rejects: int = 0
    nonsense_accepted: int = 0
    wrong: list[tuple[Pair, list[str]]] = field(default_factory=list)

    @property
    def false_accept_rate(self) -> float:
        return self.false_accepts / self.unfaithful if self.unfaithful else 0.0

    @property
    def false_reject_rate(self) -> float:
        return self.false_rejects / self.faithful if self.faithful else 0.0


def verdict(pair: Pair) -> list[str]:
    """Why the gate refuses the rewording ([] when every sentence of it passes)."""
    draft = gate.Draft(text=pair.draft, language=pair.language, sources=[pair.draft])
    return gate.reply_check(pair.rewording, draft, pair.must_keep)


def score_gate(pairs: list[Pair]) -> GateScore:
    score = GateScore()
    for pair in pairs:
        reasons = verdict(pair)
        score.total += 1
        if pair.label == "faithful":
            score.faithful += 1
            if reasons:
                score.false_rejects += 1
                score.wrong.append((pair, reasons))
        else:
            score.unfaithful += 1
            if not reasons:
                score.false_accepts += 1
                score.nonsense_accepted += pair.category in NONSENSE
                score.wrong.append((pair, reasons))
    return score
