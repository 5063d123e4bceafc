"""`manage.py eval_bot`: play the scripted scenarios against the demo shop and score the assistant.

Runs inside a transaction that is rolled back, so the database is left as it was."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assistant.evaluation import (
    DEMO_FILE,
    Result,
    ScenarioError,
    demo_drift,
    scenarios_load,
    suite_run,
)
from orders.models import Customer


class Command(BaseCommand):
    help = "Run the assistant's scenario suite against the demo shop (changes are rolled back)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DEMO_FILE, help="a scenario file")
        parser.add_argument("--scenario", action="append", help="run only this one (repeatable)")
        parser.add_argument(
            "--llm",
            action="store_true",
            help="leave BOT_LLM_MODE as configured (default: off, for speed and determinism)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scenarios = scenarios_load(options["file"])
        except ScenarioError as error:
            raise CommandError(str(error)) from error
        wanted = options["scenario"]
        if wanted:
            unknown = sorted(set(wanted) - {s.name for s in scenarios})
            if unknown:
                raise CommandError(f"no scenario named {', '.join(unknown)}")
            scenarios = [s for s in scenarios if s.name in wanted]
        if not Customer.objects.exists():
            raise CommandError("the database has no customers: run `manage.py seed_demo` first")

        drift = demo_drift()
        if drift:
            self.stderr.write(
                "warning: the demo shop has changed since it was seeded, so scenarios may fail "
                "for that reason (seed a fresh database): " + "; ".join(drift[:5])
            )
        verbose = options["verbosity"] >= 2

        def report(result: Result) -> None:
            if result.passed:
                self.stdout.write(f"{self.style.SUCCESS('PASS')} {result.name}")
            else:
                more = len(result.failures) - 1
                extra = f" (+{more} more)" if more else ""
                self.stdout.write(
                    f"{self.style.ERROR('FAIL')} {result.name}: {result.failures[0]}{extra}"
                )
            if verbose:
                for said, reply, intent, types in result.transcript:
                    self.stdout.write(f"    > {said}")
                    self.stdout.write(f"    < [{intent} {' '.join(types)}] {reply}")
                for failure in result.failures[1:]:
                    self.stdout.write(f"    also: {failure}")
                for miss in result.act_misses:
                    self.stdout.write(f"    acts: {miss}")

        summary = suite_run(scenarios, llm=options["llm"], report=report)
        total = len(summary.results)
        self.stdout.write("")
        self.stdout.write(
            f"task success     {summary.task_success:6.1%}  ({summary.passed}/{total} scenarios)"
        )
        self.stdout.write(f"fact accuracy    {summary.fact_accuracy:6.1%}")
        if summary.act_accuracy is not None:
            checks = sum(r.act_checks for r in summary.results)
            self.stdout.write(f"act accuracy     {summary.act_accuracy:6.1%}  ({checks} turns)")
        self.stdout.write(f"turns per task   {summary.average_turns:6.1f}")
        self.stdout.write(f"median latency   {summary.median_latency_ms:6.0f} ms (non-LLM turns)")
        if summary.passed != total:
            raise SystemExit(1)
