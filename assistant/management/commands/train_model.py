"""`manage.py train_model` (`make train`): fine-tune the bundled model's wording on this shop's
own data (docs/model.md), measure it before and after on a held-out split, and save it as a new
version under `DATA_DIR/models/wording/`. The new version goes live when its held-out gate pass
rate is at least the live one's (or `--live`); the staff console can switch or roll back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm  # type: ignore[import-untyped]

from assistant.models import ModelVersion
from assistant.wording import training, versions


class Command(BaseCommand):
    help = "Train the wording model on this shop's data and save it as a new version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--epochs", type=float, default=1.0)
        parser.add_argument("--batch-size", type=int, default=8)
        parser.add_argument("--learning-rate", type=float, default=3e-4)
        parser.add_argument("--rank", type=int, default=16, help="LoRA rank")
        parser.add_argument(
            "--max-examples", type=int, default=0, help="train on at most this many (0: all)"
        )
        parser.add_argument(
            "--eval-drafts", type=int, default=40, help="held-out drafts worded before and after"
        )
        parser.add_argument("--name", help="the version's name (default: v<N>)")
        live = parser.add_mutually_exclusive_group()
        live.add_argument("--live", action="store_true", help="make the new version live")
        live.add_argument("--no-live", action="store_true", help="never make it live")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"] or versions.next_name()
        if ModelVersion.objects.filter(name=name).exists():
            raise CommandError(f"a version named {name} exists already")
        out = Path(settings.LLM_CACHE_DIR) / "wording" / name
        if out.exists():
            raise CommandError(f"{out} exists already: choose another --name")
        try:
            result = training.train(
                out=out,
                epochs=options["epochs"],
                batch_size=options["batch_size"],
                learning_rate=options["learning_rate"],
                rank=options["rank"],
                max_examples=options["max_examples"],
                eval_drafts=options["eval_drafts"],
                say=lambda text: self.stdout.write(text),
                bar=lambda **kw: tqdm(**kw, file=self.stderr, mininterval=2.0),
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        after = result.metrics.get("after", {}).get("pass_rate", 0.0)
        live = ModelVersion.objects.filter(is_live=True).first()
        live_rate = (live.metrics.get("after", {}).get("pass_rate", 0.0)) if live else None
        before = result.metrics.get("before", {}).get("pass_rate", 0.0)
        better = after >= (live_rate if live_rate is not None else before)
        make_live = options["live"] or (better and not options["no_live"])
        version = versions.version_register(
            name=name,
            path=out,
            base_model=str(training_base()),
            examples=result.examples,
            steps=result.steps,
            seconds=result.seconds,
            metrics=result.metrics,
            make_live=make_live,
        )
        self.stdout.write(
            f"Saved {version.name} in {out} ({result.steps} steps, {result.seconds / 60:.1f} min)"
            + (
                "; it is live now"
                if make_live
                else "; not live (--no-live)"
                if options["no_live"]
                else "; not live: it does no better than the live one"
            )
        )
        self.stdout.write(
            json.dumps({k: result.metrics[k] for k in ("before", "after")}, ensure_ascii=False)
        )


def training_base() -> str:
    from assistant.llm.transformers_backend import model_source

    return model_source().name
