"""Which items of an order a message means, and which option each should become.

"the water bottle and the desk lamp", "everything except the tablet", "both", "just one of the
two bottles", "the keyboard for the tactile full-size one and the earbuds for white ones": read
against the order's own items and the catalog's own option values, for any shop."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from assistant.understanding.entities import extract

_ALL = re.compile(
    r"\b(all( of)?( it| them| the items?| my items)?|everything|every (item|thing)|the whole "
    r"(order|thing|lot)|both|entire order)\b",
    re.I,
)
_EXCEPT = re.compile(
    r"\b(except( for)?|but not|other than|apart from|besides|excluding|minus|but (?:i'?ll |i "
    r"will |i want to |i'?m )?keep(?:ing)?|not the|without the|i'?m keeping|i am keeping|"
    r"(?:i'?ll|i will|i want to|i'?d like to|i'?m going to) keep)\b(?P<rest>.*)$",
    re.I,
)
_ONLY = re.compile(r"\b(only|just)\b", re.I)
_ONE_OF = re.compile(r"\b(one|1|a single)\s+(of\s+(the|them|those|my)|\w+\s+of\s+the)\b", re.I)
_STOP = frozenset(
    [
        "the",
        "and",
        "with",
        "for",
        "one",
        "ones",
        "set",
        "pack",
        "pair",
        "item",
        "items",
        "order",
        "size",
        "colour",
        "color",
        "new",
        "old",
    ]
)


def _says_all(text: str) -> bool:
    """ "all of them", "both", "everything", or the "All of them" chip as shown translated."""
    return bool(_ALL.search(text)) or text.strip().casefold() == _("All of them").casefold()


def _stem(word: str) -> str:
    """ "bottles" and "bottle", "watches" and "watch", "glasses" and "glass" meet."""
    word = word.lower()
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def _words(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[a-z]{3,}", text.lower())} - _STOP


_COMMON_OPTION_WORDS = _words(
    "black white blue red green grey gray silver gold brown pink purple yellow orange navy "
    "beige khaki small medium large none size standard regular"
)


def item_words(item: Any) -> set[str]:
    """The words that name an item: its product's name, and its option values that aren't
    colours or sizes ("aviator", "wayfarer", "leather")."""
    return _words(item.product_name) | (_words(item.variant_label) - _COMMON_OPTION_WORDS)


def mentions(text: str, items: Sequence[Any]) -> list[tuple[int, Any]]:
    """(position, item) for each item whose product name a word of the text names."""
    found: list[tuple[int, Any]] = []
    for item in items:
        names = item_words(item)
        for m in re.finditer(r"[A-Za-z]{3,}", text):
            if _stem(m.group()) in names:
                found.append((m.start(), item))
                break
    return sorted(found, key=lambda f: f[0])


def named_items(text: str, items: Sequence[Any]) -> list[Any]:
    found = [item for _, item in mentions(text, items)]
    # Two lines of the same product: the option words tell them apart ("the white one").
    by_product: dict[str, list[Any]] = {}
    for item in found:
        by_product.setdefault(item.product_name, []).append(item)
    result = []
    for item in found:
        same = by_product[item.product_name]
        if len(same) > 1:
            labelled = [i for i in same if _words(i.variant_label) & _words(text)]
            if labelled and item not in labelled:
                continue
        result.append(item)
    return result


@dataclass(frozen=True)
class Picked:
    items: list[Any]
    quantities: dict[int, int]
    how: str  # "all", "except", "named", "only", "single", "none"


# "from my coffee maker order", "on the order with the tablet": an item naming the order.
_ORDER_BY_ITEM = re.compile(
    r"\b(?:from|in|on|of)\s+(?:my|the|that|this)\s+[\w\s'-]{1,40}?\s+order\b|"
    r"\b(?:the\s+)?order\s+(?:with|that has|containing)\s+(?:the\s+|a\s+|my\s+)?"
    r"[\w'-]+(?:\s+[\w'-]+)?",
    re.I,
)


def without_order_names(text: str, items: Sequence[Any]) -> str:
    """The text without the phrases that name the order by an item, when items are still named
    outside them ("the desk lamp from my office chair order" → "the desk lamp")."""
    stripped = _ORDER_BY_ITEM.sub(" ", text)
    return stripped if stripped != text and named_items(stripped, items) else text


def pick(text: str, items: Sequence[Any]) -> Picked:
    """The items of an order a message means (all of a line unless it says "one of")."""
    items = list(items)
    text = without_order_names(text, items)
    quantities: dict[int, int] = {}
    if len(items) == 1:
        chosen, how = items, "single"
    elif (m := _EXCEPT.search(text)) and named_items(m.group("rest"), items):
        excluded = named_items(m.group("rest"), items)
        chosen, how = [i for i in items if i not in excluded], "except"
    elif _says_all(text) and not named_items(text, items):
        chosen, how = items, "all"
    else:
        chosen = named_items(text, items)
        how = "only" if _ONLY.search(text) and chosen else ("named" if chosen else "none")
        if not chosen and _says_all(text):
            chosen, how = items, "all"
    if _ONE_OF.search(text):
        for item in chosen:
            if item.quantity > 1:
                quantities[item.pk] = 1
    elif len(chosen) == 1 and chosen[0].quantity > 1:
        # "return 1 of the chairs", "退一把": a stated number under the line's is that many.
        stated = extract(text).quantity
        if stated is not None and stated < chosen[0].quantity:
            quantities[chosen[0].pk] = stated
    return Picked(items=chosen, quantities=quantities, how=how)


def requantify(
    text: str, lines: list[dict[str, Any]], items: dict[int, Any], left: dict[int, int]
) -> bool:
    """A correction of how many ("only one", "just 2 of them", "数量改成1") applied to the task's
    lines: the line it names, or the only one. True when a quantity changed."""
    stated = extract(text).quantity
    if stated is None or not lines:
        return False
    in_lines = {line["item_id"] for line in lines}
    if any(i.pk not in in_lines for i in named_items(text, list(items.values()))):
        return False  # "no, it's the runners, just 1": another item, not how many of this one
    named = named_items(
        text, [items[line["item_id"]] for line in lines if line["item_id"] in items]
    )
    targets = [line for line in lines if len(lines) == 1 or items.get(line["item_id"]) in named]
    if len(targets) != 1:
        return False
    line = targets[0]
    most = left.get(line["item_id"], int(line["quantity"]))
    if not 0 < stated <= most or stated == int(line["quantity"]):
        return False
    line["quantity"] = stated
    return True


def restrict(text: str, chosen: Sequence[Any]) -> list[Any] | None:
    """ "only exchange the lamp", "just the watch", "leave the earbuds": the subset of what was
    chosen that a correction keeps, or None when the message doesn't narrow the choice."""
    if len(chosen) < 2:
        return None
    m = re.search(
        r"\b(leave|keep|drop|not|skip|forget|without|remove)\b(?:\s+(?:out\s+)?(?:the|my))?(?P<rest>.*)$",
        text,
        re.I,
    )
    rest = (
        re.split(r"[.;!?]|\b(?:just|only|but|and (?:just|only))\b", m.group("rest"))[0] if m else ""
    )
    if m and (dropped := named_items(rest, chosen)):
        kept = [i for i in chosen if i not in dropped]
        return kept or None
    if _ONLY.search(text) or re.search(r"\b(instead|actually|rather|change of plan)\b", text, re.I):
        named = named_items(text, chosen)
        if named and len(named) < len(chosen):
            return named
    return None


# The words after which a message describes what the customer wants instead.
_PIVOT = re.compile(
    r"(?:\b(?:for|to|into|instead|want|prefer|rather|with|as|become|switch|upgrade|change)\b|->|→|=>)",
    re.I,
)


def _fold(text: str) -> str:
    """Lower case, hyphens as spaces, no plural s, units against their number: "12-cup" and
    "12 cups", "1000 ml" and "1000ml", "full-size" and "full size" read the same."""
    text = re.sub(r"[-_]", " ", text.lower())
    text = re.sub(r"(\d)\s+(ml|l|gb|tb|mm|cm|in|oz|w|mah)\b", r"\1\2", text)
    return re.sub(r"\b([a-z]{2,}?)(?:e?s)\b", r"\1", text)


def segment_for(text: str, item: Any, items: Sequence[Any]) -> str:
    """The part of the message about `item`: from its mention to the next other item's."""
    spots = mentions(text, items)
    for n, (pos, found) in enumerate(spots):
        if found.pk == item.pk:
            end = next((p for p, other in spots[n + 1 :] if other.pk != item.pk), len(text))
            return text[pos:end]
    return text


def names_value(text: str, value: str) -> bool:
    from assistant.flows.orders_flow import _names_value  # the one reading of option values

    return _names_value(_fold(text), _fold(value))


# Up to three words after the "not", up to a comma or a word that starts another phrase.
_NOT_OPTION = re.compile(
    r"\b(?:not|rather than|instead of)\s+(?:the\s+|a\s+|an\s+|in\s+)?(?:size\s+)?[\w/.-]+"
    r"(?:\s+(?!(?:but|and|or|for|to|in|please|pls|thanks|one|ones)\b)[\w/.-]+){0,2}",
    re.IGNORECASE,
)


def target_variant(text: str, variants: Sequence[Any], current: Any) -> Any | None:
    """The in-stock variant the text asks for instead of `current`: the values named after a
    pivot word ("for the white one") count most, values kept from `current` break ties."""
    # "make that XL not L", "black rather than the navy": an option named after "not" is the
    # one they don't want.
    text = _NOT_OPTION.sub(" ", text)
    pivot = None
    for m in _PIVOT.finditer(text):
        if any(
            names_value(text[m.end() :], str(v)) for var in variants for v in var.options.values()
        ):
            pivot = m
            break
    if pivot is not None:
        found = _best_variant(text[pivot.end() :], variants, current)
        if found is not None:
            return found
    found = _best_variant(text, variants, current)
    if found is None:
        step = size_step(text)
        if step:
            found = stepped_variant(variants, current, step)
    return found


_SIZE_UP = re.compile(
    r"\b(one|a|1)\s+size\s+(up|bigger|larger)\b|\bsize\s+up\b|\b(a\s+)?(bigger|larger)\s+"
    r"(size|one)\b|\bnext size up\b|\bone size larger\b",
    re.I,
)
_SIZE_DOWN = re.compile(
    r"\b(one|a|1)\s+size\s+(down|smaller)\b|\bsize\s+down\b|\b(a\s+)?smaller\s+(size|one)\b|"
    r"\bnext size down\b|\bone size smaller\b",
    re.I,
)
_SIZE_ORDER = ["xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl"]


def size_step(text: str) -> int:
    """+1 for "one size up" / "a bigger size", -1 for "one size down", 0 for neither."""
    if _SIZE_UP.search(text):
        return 1
    if _SIZE_DOWN.search(text):
        return -1
    return 0


def _size_key(value: str) -> float | None:
    value = value.strip().lower()
    if value in _SIZE_ORDER:
        return float(_SIZE_ORDER.index(value))
    try:
        return float(value)
    except ValueError:
        return None


def stepped_variant(variants: Sequence[Any], current: Any, step: int) -> Any | None:
    """The in-stock variant one size up (`step` 1) or down (-1) from `current`, keeping every
    other option (the colour). None when there is no such size, or it is sold out."""
    key = next((k for k in current.options if "size" in str(k).lower()), None)
    if key is None:
        return None
    here = _size_key(str(current.options[key]))
    if here is None:
        return None
    others = {k: str(v).lower() for k, v in current.options.items() if k != key}
    sized = []
    for variant in variants:
        if {k: str(v).lower() for k, v in variant.options.items() if k != key} != others:
            continue
        rank = _size_key(str(variant.options.get(key, "")))
        if rank is not None:
            sized.append((rank, variant))
    ranks = sorted({r for r, _v in sized})
    if here not in ranks:
        return None
    at = ranks.index(here) + step
    if not 0 <= at < len(ranks):
        return None
    target = next(v for r, v in sized if r == ranks[at])
    return target if target.stock > 0 and target.is_active else None


def _best_variant(wanted: str, variants: Sequence[Any], current: Any) -> Any | None:
    best, best_score = None, 0
    for variant in variants:
        if variant.pk == current.pk or variant.stock <= 0 or not variant.is_active:
            continue
        score, named = 0, False
        for key, value in variant.options.items():
            if names_value(wanted, str(value)):
                same = str(current.options.get(key, "")).lower() == str(value).lower()
                score += 1 if same else 3
                named = named or not same
            elif str(current.options.get(key, "")).lower() == str(value).lower():
                score += 1
        if named and score > best_score:
            best, best_score = variant, score
    if best is not None and _changes_unasked(wanted, variants, current, best):
        return None  # "in L" of a navy sweater whose navy L is sold out: never another colour
    return best


def _changes_unasked(wanted: str, variants: Sequence[Any], current: Any, best: Any) -> bool:
    """Whether `best` differs from `current` in an option the text didn't name although a
    variant keeping it exists (sold out, or else it would have won)."""
    ideal = {
        key: (value if names_value(wanted, str(value)) else current.options.get(key))
        for key, value in best.options.items()
    }
    if ideal == dict(best.options):
        return False
    return any(
        {k: str(v).lower() for k, v in variant.options.items()}
        == {k: str(v).lower() for k, v in ideal.items()}
        for variant in variants
    )


def unavailable_named(text: str, variants: Sequence[Any], current: Any) -> Any | None:
    """An out-of-stock variant the text asks for ("black in L"), to say so by name."""
    for variant in variants:
        if variant.pk == current.pk or variant.stock > 0:
            continue
        values = [str(v) for k, v in variant.options.items() if current.options.get(k) != v]
        if values and all(names_value(text, v) for v in values):
            return variant
    return None
