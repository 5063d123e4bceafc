"""`manage.py eval_wording`: let the model that words replies now (the live trained version, or
the base model) word the held-out drafts of the training data, and print how many pass the
faithfulness gate, per kind of turn. `--write` stores the base model's figures as the shipped
default the wording policy uses when no version is live (`assistant/wording/data/`)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assistant.wording import policy, training


class Command(BaseCommand):
    help = "Measure the wording model's gate pass rate on the held-out drafts, per kind of turn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--drafts", type=int, default=60, help="how many held-out drafts")
        parser.add_argument(
            "--write", action="store_true", help="store as the base model's shipped figures"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from assistant.llm.transformers_backend import TransformersBackend

        held = [e for e in training.all_examples() if e.held_out()]
        drafts = list({e.draft: e for e in held}.values())[: options["drafts"]]
        if not drafts:
            raise CommandError(
                "no held-out drafts: is assistant/wording/data/rewrites.jsonl there?"
            )
        backend = TransformersBackend()
        if options["write"] and backend.adapter:
            raise CommandError(f"{backend.adapter} is live: --write is for the base model")
        self.stdout.write(f"Wording {len(drafts)} held-out drafts with {backend.name}")

        def progress(n: int, total: int) -> None:
            if n % 10 == 0 or n == total:
                self.stdout.write(f"  {n}/{total}")

        score = training.score_wording(backend.model, backend.tokenizer, drafts, progress=progress)
        figures = score.as_dict()
        self.stdout.write(
            f"gate pass rate {score.pass_rate:.1%}, values kept {score.kept_rate:.1%} "
            f"({score.passed}/{score.drafts})"
        )
        for kind, tally in sorted(figures["by_kind"].items()):
            self.stdout.write(f"  {kind:<12} {tally['passed']}/{tally['total']}")
        self.stdout.write("reasons: " + json.dumps(figures["reasons"]))
        if options["write"]:
            policy.BASE_FILE.write_text(json.dumps(figures, indent=2) + "\n")
            self.stdout.write(f"wrote {policy.BASE_FILE}")
