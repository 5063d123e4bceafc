"""python manage.py apply_retention [--days N] [--mode anonymise|delete] [--dry-run]"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desk import conversations


class Command(BaseCommand):
    help = (
        "Apply the conversation retention rule now (CHAT_RETENTION_DAYS, CHAT_RETENTION_MODE): "
        "anonymise or delete conversations last active more than N days ago."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help="instead of CHAT_RETENTION_DAYS")
        parser.add_argument("--mode", choices=conversations.RETENTION_MODES)
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = conversations.retention_apply(
                days=options["days"], mode=options["mode"], dry_run=options["dry_run"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if result.days <= 0:
            self.stdout.write("Retention is off (CHAT_RETENTION_DAYS=0): nothing changed.")
            return
        verb = "would be" if options["dry_run"] else "were"
        self.stdout.write(
            f"{result.conversations} conversations last active more than {result.days} days "
            f"ago {verb} {'anonymised' if result.mode == 'anonymise' else 'deleted'}."
        )
