from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orders.shop_io import ShopImportError, shop_import


class Command(BaseCommand):
    help = (
        "Import products, customers and orders from a JSON file (docs/shop-data.md). "
        "All or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the JSON file, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
            ) from None
        try:
            report = shop_import(data=data)
        except ShopImportError as error:
            lines = "\n".join(f"  {e}" for e in error.errors)
            raise CommandError(
                f"Nothing was imported: {len(error.errors)} problem(s) in {path}:\n{lines}"
            ) from None
        for label, bucket in (
            ("created", report.created),
            ("updated", report.updated),
            ("skipped (already present)", report.skipped),
        ):
            if bucket:
                self.stdout.write(f"{label}: " + ", ".join(f"{n} {k}" for k, n in bucket.items()))
        self.stdout.write(self.style.SUCCESS(f"Imported {path}."))
