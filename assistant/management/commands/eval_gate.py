"""`manage.py eval_gate`: the faithfulness gate on labelled (draft, rewording) pairs
(`assistant/wording/data/gate_pairs.jsonl`): false accepts (an unfaithful rewording let
through) and false rejects (a faithful one refused) on each split. `--calibrate` sweeps the
similarity threshold on the calibration split; the held-out split is for reporting only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assistant.wording import gate
from assistant.wording.labelled import GATE_FILE, GateScore, load_pairs, score_gate


class Command(BaseCommand):
    help = "Score the faithfulness gate on labelled pairs (false accepts and false rejects)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=GATE_FILE)
        parser.add_argument("--calibrate", action="store_true")
        parser.add_argument("--show", action="store_true", help="print every wrong verdict")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            pairs = load_pairs(options["file"])
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error
        if options["calibrate"]:
            calibration = [p for p in pairs if p.split == "calibration"]
            for name in ("THRESHOLD", "CONTAINED", "CONTAINED_ZH", "COVERED", "COVERED_ZH"):
                original = getattr(gate, name)
                for value in (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8):
                    setattr(gate, name, value)
                    s = score_gate(calibration)
                    self.stdout.write(
                        f"{name} {value:.2f}: false accepts {s.false_accepts}/{s.unfaithful}, "
                        f"false rejects {s.false_rejects}/{s.faithful}"
                    )
                setattr(gate, name, original)
        for split in ("calibration", "held_out"):
            part = [p for p in pairs if p.split == split]
            s = score_gate(part)
            self._report(split, s, show=options["show"])

    def _report(self, split: str, s: GateScore, *, show: bool) -> None:
        self.stdout.write(
            f"{split:<12} {s.total} pairs: false accepts {s.false_accepts}/{s.unfaithful} "
            f"({s.false_accept_rate:.1%}), false rejects {s.false_rejects}/{s.faithful} "
            f"({s.false_reject_rate:.1%}); nonsense accepted {s.nonsense_accepted}"
        )
        if show:
            for pair, reasons in s.wrong:
                verdict = "REJECTED " + "; ".join(reasons) if reasons else "ACCEPTED"
                self.stdout.write(f"  [{pair.label}/{pair.category}] {verdict}")
                self.stdout.write(f"    draft: {pair.draft[:160]}")
                self.stdout.write(f"    words: {pair.rewording[:160]}")
