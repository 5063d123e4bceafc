"""The check between the language model and the customer: a sentence may state a number, an
identifier or a name only if the turn's sources (database values, help-center passages, the
grounded draft) contain it. Everything else about the wording is the model's to choose."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

# Numbers in any form: 12, 12.50, 1,299.00, 2026-03-05, 5-7, 10%.
_NUMBER = re.compile(r"\d+(?:[.,:/-]\d+)*")
# Identifiers: order and RMA numbers, tracking numbers, SKUs (letters and digits together).
_IDENT = re.compile(
    r"\b(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b"
)
# Capitalised words that are not at the start of a sentence: names of people, products, carriers.
_CAPITALISED = re.compile(r"(?<![.!?:]\s)(?<!^)\b[A-Z][a-zA-Z'’]+")
_URL = re.compile(r"https?://\S+|www\.\S+|/[a-z0-9/_-]+/", re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Markup a browser or a markdown renderer would act on: tags, comments, inline handlers, links.
_MARKUP = re.compile(
    r"<\s*/?\s*[a-z!?][^>]*>?|\bjavascript\s*:|\bon[a-z]+\s*=|!?\[[^\]]*\]\([^)]*\)", re.I
)
# Words that promise money or exceptions: a model talked into "every order is free" states no
# number or name, so these words too must come from the sources.
_POLICY = re.compile(
    r"\b(?<!feel )(free|discount\w*|compensat\w*|guarantee\w*|promise\w*|coupon\w*|voucher\w*|"
    r"waive\w*|goodwill|exception\w*|binding|legally|no charge|costs? nothing|credit|refund\w*|"
    r"reimburs\w*|on the house|price match\w*)\b",
    re.IGNORECASE,
)

# Words that may be capitalised without being a claim.
COMMON = frozenset(
    [
        "i",
        "i'm",
        "i'll",
        "i've",
        "i'd",
        "ok",
        "okay",
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "sorry",
        "yes",
        "no",
        "please",
        "sure",
        "great",
        "happy",
        "glad",
        "welcome",
        "you",
        "your",
        "we",
        "our",
        "us",
        "let",
        "here",
        "there",
        "is",
        "it",
        "this",
        "that",
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "if",
        "so",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "tomorrow",
        "customer",
        "service",
        "support",
        "team",
        "assistant",
        "order",
        "orders",
    ]
)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def claims(sentence: str) -> list[str]:
    """The checkable statements of a sentence: its numbers, identifiers, emails, links and names."""
    sentence = unicodedata.normalize("NFKC", sentence)
    found: list[str] = []
    found += _MARKUP.findall(sentence)
    sentence = _MARKUP.sub(" ", sentence)
    found += _URL.findall(sentence)
    found += _EMAIL.findall(sentence)
    found += [m.group(0) for m in _POLICY.finditer(sentence)]
    rest = _EMAIL.sub(" ", _URL.sub(" ", sentence))
    found += _IDENT.findall(rest)
    rest = _IDENT.sub(" ", rest)
    found += [n.rstrip(".,") for n in _NUMBER.findall(rest)]
    found += [w for w in _CAPITALISED.findall(rest.strip()) if _fold(w) not in COMMON]
    return [c for c in found if c]


def _digits(text: str) -> str:
    return re.sub(r"[^\d.]", "", text)


def supported(claim: str, haystack: str, numbers: set[str]) -> bool:
    folded = _fold(claim)
    if folded in haystack:
        return True
    if any(ch.isdigit() for ch in claim) and not any(ch.isalpha() for ch in claim):
        # "1299.00" is "1,299.00"; "$45" is "45.00".
        value = _digits(claim).rstrip(".")
        return value in numbers or value.removesuffix(".00") in numbers
    return False


def _numbers(haystack: str) -> set[str]:
    out: set[str] = set()
    for n in _NUMBER.findall(haystack):
        value = _digits(n).rstrip(".")
        out.add(value)
        out.add(value.removesuffix(".00"))
        out.update(part for part in re.split(r"[^\d]", n) if part)
    return out


def unsupported(sentence: str, sources: Iterable[str]) -> list[str]:
    """The claims of `sentence` the sources do not contain (empty: the sentence may be sent)."""
    haystack = _fold(" ".join(sources))
    numbers = _numbers(haystack)
    return [c for c in claims(sentence) if not supported(c, haystack, numbers)]


def keeps(text: str, must_keep: Iterable[str]) -> list[str]:
    """The required values `text` dropped."""
    folded = _fold(text)
    return [value for value in must_keep if _fold(value) not in folded]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n+")


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
