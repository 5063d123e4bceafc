"""Changing how many of an item a pending order has: "I only need 1 pair of the jeans, not 2",
"make the mugs 3", "remove one of the shirts", "add another one of the socks".

The message is read against the order's own items (orders.services.order_change_quantity makes
the change, confirmed first like every change).
"""

from __future__ import annotations

import re
from typing import Any

from assistant.flows import items as items_mod

_NUMBER_WORDS = {
    "a single": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "none": 0, "zero": 0,
}  # fmt: skip
_N = r"(\d{1,2}|a single|one|two|three|four|five|six|seven|eight|nine|ten|zero|none)"
_UNIT = r"(?:\s+(?:pairs?|pieces?|pcs|units?|of\s+(?:them|those|these|the\s+\w+(?:\s+\w+)?)))?"
# A new quantity stated outright.
_TO = re.compile(
    r"\b(?:only|just)\s+(?:need|want|needed|wanted|keep)\s+" + _N + _UNIT + r"\b"
    r"|\b(?:make|change|set|reduce|lower|drop|cut|bring)\s+(?:it|that|them|the\s+\w+(?:\s+\w+)?|"
    r"the\s+(?:quantity|qty|amount|number)(?:\s+of\s+\w+(?:\s+\w+)?)?)\s+(?:down\s+|up\s+)?"
    r"(?:to\s+)?"
    + _N
    + _UNIT
    + r"(?:\s+[a-z]+)?(?=\s*(?:$|[.,!?]|please|pls|instead|thanks|not\b))"
    r"|\b" + _N + _UNIT + r"\s+instead\s+of\s+\d{1,2}\b"
    r"|\b(?:quantity|qty)\s+(?:to|of|=|:)?\s*" + _N + r"\b",
    re.I,
)
# One fewer or one more than the order has.
_LESS = re.compile(
    r"\b(?:remove|drop|take\s+(?:off|out)|delete|cancel|don'?t\s+(?:want|need))\s+(?:one|1)\s+"
    r"(?:of\s+(?:the|them|those|these|my)(?!\s+orders?\b)|pair|piece)\b|\bone\s+(?:less|fewer)\b|"
    r"\btake\s+(?:one|1)\s+(?:of\s+(?:the\s+|my\s+)?\w+(?:\s+\w+)?\s+)?off\b|"
    r"\b(?:another|the\s+other)\s+(?:one|1)\s+(?:pieces?\s+)?(?:i\s+)?don'?t\s+want\b",
    re.I,
)
_MORE = re.compile(
    r"\b(?:add|want|need|get)\s+(?:another|one\s+more|an\s+extra|1\s+more)\b|\bone\s+more\s+of\b",
    re.I,
)
# A return or exchange of some of the items is a return, never a quantity change.
_NOT_QUANTITY = re.compile(
    r"\b(return|refund|send\w* back|exchange|swap|size|colou?r|track|where)\b", re.I
)


def _number(word: str) -> int | None:
    word = word.lower().strip()
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


def asks_quantity(text: str) -> bool:
    """Whether the message asks for another quantity of an item (not a return of some)."""
    if _NOT_QUANTITY.search(text):
        return False
    return bool(_TO.search(text) or _LESS.search(text) or _MORE.search(text))


def wanted_quantity(text: str, current: int) -> int | None:
    """The quantity the customer wants instead of `current`, or None when none is said."""
    found = _TO.search(text)
    if found is not None:
        word = next(g for g in found.groups() if g)
        return _number(word)
    if _LESS.search(text):
        return max(current - 1, 0)
    if _MORE.search(text):
        return current + 1
    return None


def quantity_target(text: str, order: Any) -> tuple[Any, int] | None:
    """(the order item, its new quantity) the message asks for: the item it names, else the
    only item with more than one, else the only item."""
    items = list(order.items.all())
    named = items_mod.named_items(text, items)
    if len(named) == 1:
        item = named[0]
    else:
        several = [i for i in items if i.quantity > 1]
        if len(several) == 1 and not named:
            item = several[0]
        elif len(items) == 1:
            item = items[0]
        else:
            return None
    quantity = wanted_quantity(text, item.quantity)
    if quantity is None or _names_an_option(text, item, quantity):
        return None
    return item, quantity


def _names_an_option(text: str, item: Any, quantity: int) -> bool:
    """ "change the shoes to 10", "the jeans to 32", "to 9.5": a size of the product, not a
    quantity (the change flow reads it as an option)."""
    if re.search(rf"\b{quantity}\.\d", text):
        return True
    from chatbot import selectors

    values = {
        str(value).strip().lower()
        for variant in selectors.product_variants_for_bot(product_id=item.variant.product_id)
        for value in variant.options.values()
    }
    return str(quantity) in values and not re.search(
        r"\b(pairs?|pieces?|units?|of them|of those|instead of|only|just|quantity|qty)\b",
        text,
        re.I,
    )
