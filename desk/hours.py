"""Opening hours of the desk: `DESK_HOURS` such as "mon-fri 09:00-17:00; sat 10:00-14:00" in
`DESK_TIMEZONE`. Empty means always open."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RULE = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
    r"(?P<start>\d{1,2}:\d{2})-(?P<end>\d{1,2}:\d{2})$"
)


@dataclass(frozen=True)
class Rule:
    days: frozenset[int]  # 0 = Monday
    start: dt.time
    end: dt.time


def _time(value: str) -> dt.time:
    hours, minutes = (int(part) for part in value.split(":"))
    if hours == 24 and minutes == 0:
        return dt.time.max
    return dt.time(hours, minutes)


def hours_parse(spec: str) -> list[Rule]:
    """The rules in a DESK_HOURS value; ValueError for one that can't be read."""
    rules = []
    for part in re.split(r"[;,]", spec.lower()):
        part = " ".join(part.split())
        if not part:
            continue
        match = _RULE.match(part)
        if match is None or match["first"] not in DAYS or (match["last"] or "mon") not in DAYS:
            raise ValueError(f"can't read opening hours {part!r} (e.g. 'mon-fri 09:00-17:00')")
        first = DAYS.index(match["first"])
        last = DAYS.index(match["last"]) if match["last"] else first
        days = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
        start, end = _time(match["start"]), _time(match["end"])
        if end <= start:
            raise ValueError(f"opening hours {part!r} end before they start")
        rules.append(Rule(days=frozenset(days), start=start, end=end))
    return rules


def hours_open(*, spec: str, timezone: str, now: dt.datetime) -> bool:
    rules = hours_parse(spec)
    if not rules:
        return True
    local = now.astimezone(ZoneInfo(timezone))
    moment = local.time()
    return any(local.weekday() in r.days and r.start <= moment < r.end for r in rules)
