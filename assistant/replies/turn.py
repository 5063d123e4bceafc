"""One reply of the assistant as the dialogue manager builds it: the grounded draft, the facts it
came from, the widget attachments, and whether the conversation must go to a human."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}


def money(amount: Decimal, currency: str = "USD") -> str:
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}"


def day(value: dt.date | dt.datetime) -> str:
    return f"{value:%B} {value.day}, {value.year}"


@dataclass
class Turn:
    intent: str = ""
    # The dialogue acts understood in the customer's message ("deny", "request:order_status").
    acts: list[str] = field(default_factory=list)
    confidence: float = 0.0
    parts: list[str] = field(default_factory=list)  # the draft, a sentence or a few at a time
    # Every value the draft states came from one of these: database fields and help-center
    # passages. The grounding check accepts a model sentence only if its numbers and names are in
    # here (or in the draft).
    sources: list[str] = field(default_factory=list)
    # Values the model's wording must keep (order numbers, amounts, tracking numbers...).
    must_keep: list[str] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    handoff: str | None = None  # why the conversation goes to a human, when it does
    tools: list[str] = field(default_factory=list)
    llm_ok: bool = False  # whether the language model may reword this draft
    links: list[dict[str, str]] = field(default_factory=list)

    def say(self, text: str, *, keep: tuple[str, ...] = ()) -> None:
        self.parts.append(text)
        self.must_keep.extend(k for k in keep if k)

    def source(self, *texts: str) -> None:
        self.sources.extend(t for t in texts if t)

    def chips(self, *options: str) -> None:
        self.attachments = [a for a in self.attachments if a.get("type") != "quick_replies"]
        opts = [o for o in options if o][:6]
        if opts:
            self.attachments.append({"type": "quick_replies", "options": opts})

    def confirm(self, pending_id: str, yes: str, no: str) -> None:
        self.attachments.append({"type": "confirm", "id": pending_id, "yes": yes, "no": no})

    def link(self, title: str, url: str) -> None:
        if url and all(existing["url"] != url for existing in self.links):
            self.links.append({"title": title, "url": url})

    @property
    def text(self) -> str:
        return " ".join(p.strip() for p in self.parts if p.strip())

    def all_attachments(self) -> list[dict[str, Any]]:
        out = list(self.attachments)
        if self.links:
            out.append({"type": "links", "items": self.links[:3]})
        return out
