"""Which of the customer's orders a message means, read against the shop's own data.

- Order numbers: any token that, once normalised, is one of the shop's order numbers, whatever
  the shop's format: `#W8665881`, `W8665881`, `order 8665881`, `sd100003`, `SD-100003` and the
  assistant's own chips all name the same order. Nothing is assumed about prefixes or lengths.
- References: by item ("the order with the jeans", "the sunglasses order", "the blue one"), by
  date ("the one I got in August"), by status ("the pending one"), by position in the list the
  assistant showed last ("the second one"), and by recency ("my latest order").

Pure functions over `OrderFacts` (built by the flows from the verified customer's orders), so
they are tested without a database. Several orders may fit: the caller asks which, with chips.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.understanding.entities import normalize


@dataclass(frozen=True)
class OrderFacts:
    number: str
    status: str  # OrderStatus value
    placed: dt.date
    items: tuple[str, ...]  # "Round Polarized Sunglasses (Black)", one per line item


# --- order numbers -----------------------------------------------------------------------------

# A run of 4+ digits, maybe after up to four letters, "#" and a separator: "#W8665881",
# "sd-100003", "ORD_5521", "order no. 100261". Grouped digits ("100 261") are joined.
# Letters must touch the digits or a separator ("W8665881", "sd-100003"): "zip 98101" is no
# order number.
_TOKEN = re.compile(
    r"(?<![A-Za-z0-9@.$])#?\s*([A-Za-z]{1,4}[-#:._]?)?(\d{3}[ -]?\d{3,9}|\d{4,12})"
    r"(?![\d@]|\.\d)"
)


def number_key(number: str) -> str:
    """An order number folded for comparison: letters and digits only, upper case."""
    return re.sub(r"[^0-9A-Z]", "", normalize(number).upper())


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def number_candidates(text: str) -> list[tuple[str, str]]:
    """(letters+digits key, digits) for every token of `text` that may be an order number."""
    out = []
    for m in _TOKEN.finditer(normalize(text)):
        letters = re.sub(r"[^A-Z]", "", (m.group(1) or "").upper())
        digits = _digits(m.group(2))
        out.append((letters + digits, digits))
    return out


def match_numbers(text: str, numbers: Iterable[str]) -> list[str]:
    """The shop's order numbers `text` names, in the order it names them. A token matches a
    number when their letters and digits are equal, or when it has no letters and its digits
    are the number's digits (unique among `numbers`)."""
    by_key: dict[str, str] = {}
    by_digits: dict[str, list[str]] = {}
    for number in numbers:
        by_key[number_key(number)] = number
        by_digits.setdefault(_digits(number), []).append(number)
    found: list[str] = []
    for key, digits in number_candidates(text):
        hit = by_key.get(key)
        if hit is None and key == digits and len(by_digits.get(digits, [])) == 1:
            hit = by_digits[digits][0]
        if hit is not None and hit not in found:
            found.append(hit)
    return found


# --- references --------------------------------------------------------------------------------

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH = re.compile(
    r"\b(?:in|from|of|on|back in|during|since|last)\s+(" + "|".join(_MONTHS) + r")\b", re.I
)
_STATUS_WORDS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (re.compile(r"\b(pending|unpaid|not paid)\b", re.I), frozenset(["pending"])),
    (re.compile(r"\b(processing|being processed)\b", re.I), frozenset(["processing"])),
    (re.compile(r"\b(shipped|on its way|in transit)\b", re.I), frozenset(["shipped"])),
    (re.compile(r"\b(delivered|arrived|received)\b", re.I), frozenset(["delivered"])),
    (re.compile(r"\bcancel+ed\b", re.I), frozenset(["cancelled"])),
)
_ONE = r"(?:one|order|1)"
_STATUS_REF = re.compile(
    r"\b(the|my)\s+(pending|unpaid|processing|shipped|delivered|cancel+ed)\s+" + _ONE + r"\b",
    re.I,
)
_POSITIONS = {
    "first": 0,
    "1st": 0,
    "top": 0,
    "second": 1,
    "2nd": 1,
    "third": 2,
    "3rd": 2,
    "fourth": 3,
    "4th": 3,
    "fifth": 4,
    "5th": 4,
    "last": -1,
    "bottom": -1,
}
# "the last one" is the bottom of the list; "my last order" is the newest (`_RECENT`).
_POSITION = re.compile(
    r"\b(?:the\s+)?(?:(first|1st|top|second|2nd|third|3rd|fourth|4th|fifth|5th)\s+"
    r"(?:one|order|on\s+(?:the|your)\s+list)|(last|bottom)\s+(?:one|on\s+(?:the|your)\s+list))\b",
    re.I,
)
_RECENT = re.compile(r"\b(latest|newest|most recent|last|recent)\s+(order|one|purchase)\b", re.I)

# Words of product names that say nothing about which item: "order", sizes, filler.
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "for",
        "with",
        "in",
        "on",
        "at",
        "to",
        "my",
        "me",
        "i",
        "it",
        "its",
        "is",
        "was",
        "order",
        "orders",
        # verbs of asking that a product or option name may also hold ("Green Check")
        "check",
        "list",
        "show",
        "look",
        "see",
        "item",
        "items",
        "one",
        "ones",
        "thing",
        "stuff",
        "that",
        "this",
        "those",
        "these",
        "from",
        "got",
        "get",
        "bought",
        "buy",
        "purchase",
        "purchased",
        "size",
        "colour",
        "color",
        "pair",
        "pack",
        "set",
        "new",
        "old",
        "please",
        "pls",
        "want",
        "need",
        "return",
        "cancel",
        "change",
        "track",
        "where",
        "when",
        "what",
        "which",
        "how",
        "did",
        "does",
        "do",
        "can",
        "could",
        "would",
        "about",
        "refund",
        "exchange",
        "still",
        "yet",
        "arrive",
        "arrived",
        "deliver",
        "delivered",
        "ship",
        "shipped",
        "status",
        "tracking",
        "just",
        "your",
        "you",
        "any",
        "other",
        "mens",
        "men",
        "womens",
        "women",
        "kids",
        "s",
        "m",
        "l",
        "xl",
        "xs",
        "xxl",
        "address",
        "adress",
        "addres",
        "adres",
        "street",
        "st",
        "ave",
        "avenue",
        "rd",
        "road",
        "city",
        "apt",
        "suite",
        "shipping",
        "delivery",
        "payment",
        "method",
        "card",
        "paypal",
        "gift",
        "reason",
        "instead",
        "wrong",
        "small",
        "big",
        "large",
        "bigger",
        "smaller",
        "coming",
        "come",
        "going",
    ]
)


def _stem(word: str) -> str:
    word = word.lower().strip("'")
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _words(text: str) -> set[str]:
    return {
        _stem(w) for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text) if w.lower() not in _STOP
    } - _STOP


ITEM_MATCH_MIN = 0.5  # what `refer` needs of an item: a near match of any word still reaches it


def item_score(text: str, item: str) -> float:
    """How well `text` names `item` (its product name and options): matched words, each word a
    fuzzy match (typos), longer words weighing more."""
    said = _words(text)
    if not said:
        return 0.0
    score = 0.0
    for word in _words(item):
        if len(word) < 3:
            continue
        if word in said:
            score += min(len(word), 8) / 8
            continue
        near = [
            w
            for w in said
            if len(w) >= 4
            and (
                difflib.SequenceMatcher(None, w, word).ratio() >= 0.85
                # "coat" names the topcoat and the raincoat, "shoe" the snowshoe.
                or (word.endswith(w) and len(word) - len(w) <= 5)
            )
        ]
        if near:
            # A near match weighs what the customer wrote, a little less than the word itself:
            # "shirt" names the Camp-Collar Shirt before the Overshirt.
            score += max(ITEM_MATCH_MIN, 0.9 * min(max(len(w) for w in near), 8) / 8)
    return score


@dataclass(frozen=True)
class Reference:
    numbers: tuple[str, ...]  # the orders that fit, best first; empty when none is referred to
    how: str  # "number", "item", "date", "status", "position", "recent" or ""

    @property
    def unique(self) -> str | None:
        return self.numbers[0] if len(self.numbers) == 1 else None


NONE = Reference((), "")


def refer(
    text: str,
    orders: Sequence[OrderFacts],
    *,
    listed: Sequence[str] = (),
    today: dt.date | None = None,
) -> Reference:
    """Which of `orders` (the customer's, newest first) the message refers to, and how."""
    numbers = match_numbers(text, [o.number for o in orders])
    if numbers:
        return Reference(tuple(numbers), "number")
    pool = list(orders)
    how = ""
    # By position in the list shown last.
    m = _POSITION.search(text)
    if m and listed:
        index = _POSITIONS[(m.group(1) or m.group(2)).lower()]
        if -len(listed) <= index < len(listed):
            return Reference((listed[index],), "position")
    # By month placed.
    month = _MONTH.search(text)
    if month:
        wanted = _MONTHS[month.group(1).lower()]
        pool = [o for o in pool if o.placed.month == wanted]
        how = "date"
    # By status ("the pending one").
    status = _STATUS_REF.search(text)
    if status:
        word = status.group(2).lower()
        for pattern, statuses in _STATUS_WORDS:
            if pattern.search(word):
                pool = [o for o in pool if o.status in statuses]
                how = "status"
    # By item.
    scored = [(max((item_score(text, i) for i in o.items), default=0.0), o) for o in pool]
    best = max((s for s, _ in scored), default=0.0)
    if best >= ITEM_MATCH_MIN:
        pool = [o for s, o in scored if s >= best - 1e-9]
        how = "item"
    if not how:
        if _RECENT.search(text) and orders:
            return Reference((orders[0].number,), "recent")
        return NONE
    return Reference(tuple(o.number for o in pool), how)
