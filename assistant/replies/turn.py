"""One reply of the assistant as the dialogue manager builds it: the grounded draft, the facts it
came from, the widget attachments, and whether the conversation must go to a human."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import translation

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}
# In Chinese, "$" alone could be any dollar: the US one is written US$, as Chinese shops do; the
# yuan is ¥.
CURRENCY_SYMBOLS_ZH = {**CURRENCY_SYMBOLS, "USD": "US$", "CNY": "¥", "HKD": "HK$"}


def chinese_active() -> bool:
    return (translation.get_language() or "").lower().startswith("zh")


def django_language(language: str) -> str:
    """A conversation's language ("en", "zh-Hans") as Django names it ("en", "zh-hans")."""
    return "zh-hans" if language.lower().startswith("zh") else "en"


def money(amount: Decimal, currency: str = "USD") -> str:
    """An amount as the active language writes it: $1,234.50, or US$1,234.50 in Chinese."""
    symbols = CURRENCY_SYMBOLS_ZH if chinese_active() else CURRENCY_SYMBOLS
    symbol = symbols.get(currency)
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {currency}"


def day(value: dt.date | dt.datetime) -> str:
    """A date as the active language writes it: August 3, 2026, or 2026年8月3日."""
    if chinese_active():
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value:%B} {value.day}, {value.year}"


_CJK_END = ("。", "！", "？", "：", "；", "）", "」", "”")


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
        # Chinese sentences follow each other without a space ("已发货。跟踪号…").
        text = ""
        for part in (p.strip() for p in self.parts):
            if part:
                joined = text and not text.endswith(_CJK_END)
                text = f"{text} {part}" if joined else text + part
        return text

    def all_attachments(self) -> list[dict[str, Any]]:
        out = list(self.attachments)
        if self.links:
            out.append({"type": "links", "items": self.links[:3]})
        return out
