from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand

from orders.demo import credentials, seed


class Command(BaseCommand):
    help = "Load the demo shop (catalog, customers, orders, help center, staff). Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        last: dict[str, float] = {}
        tty = sys.stdout.isatty()

        def progress(what: str, done: int, total: int) -> None:
            # Redraw at most ~10 times a second; always print the final line of a phase.
            now = time.monotonic()
            if done < total and now - last.get(what, 0.0) < 0.1:
                return
            last[what] = now
            width = 30
            filled = width * done // max(total, 1)
            line = f"  {what:<14} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
            if tty:
                self.stdout.write("\r" + line, ending="\n" if done >= total else "")
                self.stdout.flush()
            elif done >= total:
                self.stdout.write(line)

        self.stdout.write("Seeding the demo shop…")
        report = seed.seed_demo(progress=progress)
        made = ", ".join(f"{n} {what}" for what, n in report.created.items() if n)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo shop ready in {time.monotonic() - started:.1f}s"
                + (f" (created {made})." if made else " (already seeded, nothing changed).")
            )
        )
        self.stdout.write(credentials.banner())
