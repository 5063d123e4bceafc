"""Build what the assistant needs before the first customer arrives: the intent classifier and
the help-center and catalog indexes, cached under DATA_DIR/nlu so the worker loads them in about a
second. `make run` runs it after seeding; it is safe to run again (unchanged data is not
re-encoded)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Train the intent classifier and index the help center and the catalog (cached)."

    def handle(self, *args: Any, **options: Any) -> None:
        from assistant.flows import knowledge
        from assistant.understanding import encoder, intents
        from orders.models import HelpArticle, Product

        def load_encoder() -> None:
            encoder.encode(["hi"])

        steps: list[tuple[str, Callable[[], object]]] = [
            ("Loading the sentence encoder (all-MiniLM-L6-v2)", load_encoder),
            ("Training the intent classifier", intents.get_classifier),
            (
                f"Indexing the help center ({HelpArticle.objects.filter(published=True).count()} "
                "articles) and the catalog "
                f"({Product.objects.filter(is_active=True).count()} products)",
                knowledge.index_warm,
            ),
        ]
        for n, (label, step) in enumerate(steps, start=1):
            self.stdout.write(f"[{n}/{len(steps)}] {label}…", ending="")
            self.stdout.flush()
            started = time.monotonic()
            step()
            self.stdout.write(f" done in {time.monotonic() - started:.1f} s")
        self.stdout.write(self.style.SUCCESS("The assistant is ready."))
