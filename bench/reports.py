"""Benchmark: the reports page over a month of 10,000 conversations.

    make bench-reports        # or: .venv/bin/python bench/reports.py [--conversations 10000]

Fills a scratch SQLite database (or the one DATABASE_URL names, for PostgreSQL) with
conversations spread over 30 days, shaped like a shop's: about a quarter handed to an agent
(queued, taken, answered, resolved), a third rated, some questions the assistant could not
answer, replies worded by the model or sent as drafts. Then times `desk.reports.report` and the
whole page (the view, with its template) for the 30 days, and prints the median of several runs
and the number of queries. Goal: the page under 300 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        scratch = Path(tempfile.mkdtemp(prefix="bench-reports-"))
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicedesk.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test import Client
    from django.utils import timezone

    from desk import reports
    from desk.history import fill

    call_command("migrate", verbosity=0)
    print(f"Filling {args.conversations:,} conversations over 30 days…", flush=True)
    started = time.perf_counter()
    fill(args.conversations)
    print(f"  filled in {time.perf_counter() - started:.1f} s ({connection.vendor})", flush=True)
    with connection.cursor() as cursor:
        # The planner's statistics, as autovacuum keeps them on a live database.
        cursor.execute("ANALYZE")

    end = timezone.localdate()
    start = end - dt.timedelta(days=29)
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        report = reports.report(start=start, end=end)
        times.append((time.perf_counter() - t) * 1000)
    print(f"\ndesk.reports.report, 30 days ({args.runs} runs):")
    print(f"  median {statistics.median(times):.0f} ms   max {max(times):.0f} ms")
    figure = report.figure
    print(f"  {figure('conversations').value} conversations, {figure('handed_over').value} "
          f"handed over, {len(report.gaps)} knowledge gaps")  # fmt: skip

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = True  # to count the queries
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(admin)
    page_times = []
    queries = 0
    for _ in range(args.runs):
        reset_queries()
        t = time.perf_counter()
        response = client.get(
            "/desk/reports/", {"start": start.isoformat(), "end": end.isoformat()}
        )
        page_times.append((time.perf_counter() - t) * 1000)
        queries = len(connection.queries)
        assert response.status_code == 200, response.status_code
    median = statistics.median(page_times)
    print(f"\nthe reports page, 30 days ({args.runs} runs): median {median:.0f} ms, "
          f"max {max(page_times):.0f} ms, {queries} queries")  # fmt: skip
    print(f"  goal: under 300 ms -> {'met' if median < 300 else 'MISSED'}")


if __name__ == "__main__":
    main()
