"""What a customer's message names: order numbers, emails, zip codes, their name, quantities,
sizes, colours and products from the catalog.

Everything here is a pure function of the text (and of the catalog, passed in), so it can be
tested without a database; `catalog_for_matching()` is the one read of the shop's products.

The text is first folded with NFKC, which turns full-width characters (`ＳＤ－１００１２３`, from
Japanese and Chinese keyboards) into their ASCII forms, and every kind of dash into "-". Spans
taken by one kind of entity are blanked before looking for the next, so the digits of an order
number never come back as a zip code or a quantity.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings


@dataclass(frozen=True)
class CatalogVariant:
    id: int
    options: tuple[str, ...]  # the option values, e.g. ("Navy", "M")


@dataclass(frozen=True)
class CatalogProduct:
    id: int
    name: str
    variants: tuple[CatalogVariant, ...] = ()


@dataclass(frozen=True)
class ProductMatch:
    product_id: int
    name: str
    score: float  # 0..1: how much of the product's name the message covers, rarer words weigh more
    # The variants whose option values the message names, best first; empty when it names none.
    variant_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Entities:
    order_numbers: tuple[str, ...] = ()  # in the shop's format: "SD-100123"
    emails: tuple[str, ...] = ()  # lower-cased
    zip_codes: tuple[str, ...] = ()  # "94107" or "94107-1234"
    name: str | None = None  # "Jane Doe", when the customer introduces themselves
    quantity: int | None = None
    sizes: tuple[str, ...] = ()  # as the catalog writes them: "M", "XXL", "9", "9.5", "32"
    colours: tuple[str, ...] = ()  # lower case, British spelling: "navy blue", "grey"
    products: tuple[ProductMatch, ...] = field(default=())


# Dashes and minus signs that NFKC leaves alone.
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63", "-"))


def normalize(text: str) -> str:
    """Full-width characters to ASCII, every dash to "-", curly apostrophes to straight ones."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).replace("\u2019", "'")


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with `spans` blanked out: later patterns can't see them, positions stay put."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


# --- order numbers ---------------------------------------------------------------------------

# Six digits, maybe written as two groups of three ("100 123", "100-123"), never part of a longer
# run of digits.
_SIX_DIGITS = r"(\d{3}[ -]?\d{3})(?![ -]?\d)"
_MENTIONS_ORDER = re.compile(r"\b(?:orders?|ordered|purchases?|purchased)\b", re.IGNORECASE)


@lru_cache(maxsize=4)
def _order_patterns(prefix: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    letters = re.sub(r"[^A-Za-z0-9]", "", prefix)
    with_prefix = re.compile(
        rf"(?<![A-Za-z0-9])#?\s*{re.escape(letters)}\s*[-#:._]?\s*{_SIX_DIGITS}", re.IGNORECASE
    )
    bare = re.compile(rf"(?<![\w$.,-])(?<!\d )(#\s*)?{_SIX_DIGITS}")
    return with_prefix, bare


def _order_numbers(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    prefix = settings.ORDER_NUMBER_PREFIX
    with_prefix, bare = _order_patterns(prefix)
    numbers: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in with_prefix.finditer(text):
        numbers.append(prefix + re.sub(r"\D", "", m.group(1)))
        spans.append(m.span())
    rest = _blank(text, spans)
    mentions_order = bool(_MENTIONS_ORDER.search(text))
    for m in bare.finditer(rest):
        if m.group(1) or mentions_order:
            numbers.append(prefix + re.sub(r"\D", "", m.group(2)))
            spans.append(m.span())
    return _unique(numbers), spans


# --- emails, zip codes -----------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# Not after a letter, "-", "#", "$" or a digit group: "SD-12345" is a mistyped order number,
# "$12345" a price.
_ZIP = re.compile(r"(?<![\w#$.,-])(?<!\d )(\d{5}(?:-\d{4})?)(?![\w.,]\d|[ -]?\d|\w)")


# --- names -----------------------------------------------------------------------------------

_NAME_WORD = r"[A-Za-z][A-Za-z'-]*"
# Said on purpose: the words after these are a name whatever their case.
_NAME_EXPLICIT = re.compile(
    rf"\b(?:my\s+(?:full\s+)?name\s+is|my\s+name's|name\s*[:=]|name\s+is)\s+"
    rf"({_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}})",
    re.IGNORECASE,
)
# Said in passing ("this is Jane Doe"): only capitalised words, and at least two of them, since
# "this is ridiculous" and "I am waiting" are far more common than a lower-case name.
_PARTICLES = frozenset(
    ["van", "von", "de", "der", "den", "del", "della", "da", "di", "du", "le", "la"]
)
_NAME_CASUAL = re.compile(
    r"\b(?:[Tt]his\s+is|[Ii]\s+am|[Ii]'m|[Ii]t's|[Hh]ere\s+is|[Hh]ere's)\s+"
    r"([A-Z][a-z'-]+(?:\s+(?:(?:" + "|".join(_PARTICLES) + r")\s+)?[A-Z][A-Za-z'-]+){1,2})\b"
)
# Words that end a name: "my name is jane doe and my order..." stops at "and".
_NOT_NAME = frozenset([
    "a", "an", "the", "and", "or", "but", "not", "no", "yes", "so", "to", "from", "for", "with",
    "in", "on", "at", "of", "by", "about", "as", "is", "am", "are", "was", "were", "be", "been",
    "here", "there", "this", "that", "it", "its", "my", "your", "our", "their", "his", "her",
    "me", "we", "you", "they", "i", "order", "orders", "number", "email", "mail", "phone",
    "please", "thanks", "thank", "hi", "hello", "hey", "sorry", "again", "still", "also",
    "just", "ok", "okay", "sure", "waiting", "trying", "looking", "calling", "writing",
    "asking", "customer"
])  # fmt: skip


def _name(text: str) -> str | None:
    for pattern in (_NAME_EXPLICIT, _NAME_CASUAL):
        for m in pattern.finditer(text):
            words: list[str] = []
            for word in m.group(1).split():
                if word.lower() in _NOT_NAME:
                    break
                words.append(word)
            if words and (pattern is _NAME_EXPLICIT or len(words) >= 2):
                return " ".join(
                    w if any(c.isupper() for c in w) or w in _PARTICLES else w.title()
                    for w in words
                )
    return None


# --- quantities ------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a dozen": 12,
}  # fmt: skip
_N = r"(\d{1,3}|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + ")"
# Numbers that count days, money, lengths... rather than items.
_UNITS = (
    r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?|times?|dollars?|"
    r"bucks|usd|cents?|euros?|pounds?|percent|am|pm|inch(?:es)?|ft|feet|foot|oz|ounces?|lbs?|"
    r"gb|tb|mb|kg|g|cm|mm|stars?|people|persons?|business|working)\b"
)
_VERBS = r"was|is|has|had|were|are|never|did|didn't|does|doesn't|arrived|came|shipped|got|still"
_NOT_PLURAL = r"(?:this|does|plus|always|these|those|thus|yours|ours|perhaps|whereas)\b"
_QUANTITY = [
    re.compile(r"(?<![\w.])(\d{1,3})\s*x\b(?![.,]?\d)", re.IGNORECASE),  # 2x, 2 x
    re.compile(r"\bx\s?(\d{1,3})\b(?![.,]?\d)", re.IGNORECASE),  # x2
    re.compile(rf"\b(?:qty|quantity)\s*(?:of\s*)?[:=]?\s*{_N}\b", re.IGNORECASE),
    # "change the quantity to 1", "quantity should be 2", "only 1", "just one"
    re.compile(rf"\b(?:qty|quantity)\s+(?:[a-z]+\s+){{0,2}}?(?:to|be|is)\s+{_N}\b", re.IGNORECASE),
    re.compile(
        rf"\b(?:only|just)\s+{_N}\b(?!\s*(?:[.,:]\d|{_UNITS}|%|more\b|question|thing|sec))",
        re.IGNORECASE,
    ),
    # 3 of them, two pieces, 4 more
    re.compile(
        rf"(?<![\w.$#-]){_N}\s+(?:of\s+(?:them|these|those|it|each|the)\b|pieces?\b|pcs\b|"
        r"units?\b|items?\b|pairs?\b|packs?\b|more\b|sets?\b|boxes\b|bottles?\b)",
        re.IGNORECASE,
    ),
    # buy 2, I want three, add two; but "order 2 was late" names an order, not a quantity.
    re.compile(
        rf"\b(?:buy|order|want|need|get|add|take|purchase|send|ship|return|refund|exchange)"
        rf"\s+(?:me\s+|back\s+|off\s+)?{_N}"
        rf"\b(?!\s*(?:[.,]\d|{_UNITS}|%))(?!\s+(?:{_VERBS})\b)",
        re.IGNORECASE,
    ),
    # two shirts, 3 navy mugs: a number before a plural noun (up to two words on) that isn't a
    # unit; "order 2 was late" is not a quantity, hence the words that merely end in s.
    re.compile(
        rf"(?<![\w.$#-]){_N}\s+(?:(?!{_UNITS})[a-z]+\s+){{0,2}}"
        rf"(?!{_UNITS}|{_NOT_PLURAL})[a-z]{{2,}}[a-rt-z]s\b",
        re.IGNORECASE,
    ),
]


def _quantity(text: str) -> int | None:
    for pattern in _QUANTITY:
        for m in pattern.finditer(text):
            word = m.group(1).lower()
            n = int(word) if word.isdigit() else _NUMBER_WORDS[re.sub(r"\s+", " ", word)]
            if 0 < n < 1000:
                return n
    return None


# --- sizes -----------------------------------------------------------------------------------

_LETTER_SIZES = {
    "extra extra large": "XXL",
    "xxs": "XXS",
    "xs": "XS",
    "s": "S",
    "m": "M",
    "l": "L",
    "xl": "XL",
    "xxl": "XXL",
    "2xl": "XXL",
    "xxxl": "XXXL",
    "3xl": "XXXL",
    "x small": "XS",
    "x large": "XL",
    "xx large": "XXL",
    "extra small": "XS",
    "extra large": "XL",
    "small": "S",
    "medium": "M",
    "large": "L",
}
_LETTER_ALT = "|".join(
    re.escape(s).replace(r"\ ", r"[\s-]") for s in sorted(_LETTER_SIZES, key=len, reverse=True)
)
_SIZE_PATTERNS = [
    # size 9, size: 9.5, sz M, size extra large, in size 32
    re.compile(
        rf"\b(?:size|sz)\s*[:=]?\s*(?:an?\s+)?({_LETTER_ALT}|\d{{1,2}}(?:\.5)?)(?!\w|\.\d|-\w)",
        re.IGNORECASE,
    ),
    # XS, XL, XXL, 2XL written as such anywhere; S, M and L only in capitals, standing alone
    # (not the M of "I'M", the S of "U.S.").
    re.compile(r"(?<![\w'.-])(XXS|XS|XXXL|XXL|XL|[23]XL|S|M|L)(?![\w'-]|\.\w)"),
    re.compile(r"(?<![\w'-])(xxs|xs|xxxl|xxl|xl|[23]xl)(?![\w'-])", re.IGNORECASE),
    # "in (a) medium", "in extra large": the words need that context, as "a small problem" or
    # "a large order" is not a size.
    re.compile(rf"\bin\s+(?:an?\s+|the\s+)?({_LETTER_ALT})(?![\w'-])", re.IGNORECASE),
    # half sizes: 9.5, 10.5
    re.compile(r"(?<![\w.$#,-])(\d{1,2}\.5)(?![\w.,]|\s*(?:%|" + _UNITS + "))", re.IGNORECASE),
    # waist (checked to be 24-48 below): 32 waist, waist 32, 32W, W32, 32x30, 32/30
    re.compile(r"\b(\d{2})\s*(?:inch\s+|in\s+)?(?:waist|w\b)", re.IGNORECASE),
    re.compile(r"\b(?:waist|w)\s*(?:size\s*)?[:=]?\s*(\d{2})\b", re.IGNORECASE),
    re.compile(r"(?<![\w.$#/-])(\d{2})\s*[x/]\s*\d{2}(?![\w./])", re.IGNORECASE),
]
_WAIST_PATTERNS = frozenset(_SIZE_PATTERNS[-3:])


def _sizes(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for pattern in _SIZE_PATTERNS:
        for m in pattern.finditer(text):
            raw = re.sub(r"[\s-]+", " ", m.group(1).lower())
            if pattern in _WAIST_PATTERNS and not 24 <= int(raw) <= 48:
                continue
            found.append((m.start(1), _LETTER_SIZES.get(raw, raw.upper())))
            spans.append(m.span())
    return _unique(size for _, size in sorted(found)), spans


# --- colours ---------------------------------------------------------------------------------

# Common colour words, and the multiword ones shoppers use, longest first so "navy blue" wins over
# "navy". Words that more often mean something else in a shop ("natural", "cream" as in night
# cream, "light") are left out.
_COLOUR_WORDS = [
    "black", "white", "grey", "gray", "silver", "gold", "red", "maroon", "burgundy", "wine",
    "pink", "rose", "blush", "coral", "orange", "peach", "yellow", "mustard", "beige", "tan",
    "camel", "khaki", "brown", "chocolate", "chestnut", "taupe", "olive", "green", "sage",
    "mint", "teal", "turquoise", "aqua", "blue", "navy", "cobalt", "indigo", "denim", "purple",
    "violet", "lilac", "lavender", "plum", "magenta", "ivory", "charcoal", "graphite", "slate",
    "stone", "sand", "rust", "bronze", "copper", "champagne"
]  # fmt: skip
_COLOUR_PHRASES = [
    "navy blue", "royal blue", "sky blue", "baby blue", "light blue", "dark blue", "ocean blue",
    "midnight blue", "light grey", "light gray", "dark grey", "dark gray", "space grey",
    "space gray", "heather grey", "heather gray", "charcoal grey", "forest green", "olive green",
    "dark green", "light green", "bottle green", "emerald green", "mint green", "sage green",
    "hot pink", "light pink", "pale pink", "dusty pink", "dusty rose", "off white", "off-white",
    "dark brown", "light brown", "rose gold", "wine red", "dark red", "bright red", "washed red",
    "mid wash", "dark wash", "light wash",
]  # fmt: skip
_COLOUR = re.compile(
    r"(?<![\w-])("
    + "|".join(
        re.escape(c).replace(r"\ ", r"\s+").replace(r"\-", r"[\s-]")
        for c in sorted([*_COLOUR_PHRASES, *_COLOUR_WORDS], key=len, reverse=True)
    )
    + r")(?![\w-])",
    re.IGNORECASE,
)


def _colours(text: str) -> list[str]:
    words = (re.sub(r"[\s-]+", " ", m.group(1).lower()) for m in _COLOUR.finditer(text))
    return _unique(w.replace("gray", "grey") for w in words)


# --- products --------------------------------------------------------------------------------

# Words that say nothing about which product: "a set of 4", "the leather one & the blue one".
_NAME_STOPWORDS = frozenset(["a", "an", "the", "of", "and", "for", "with", "in", "on", "by", "to"])
# Words that end names without saying what the thing is: "Packing Cubes Set of 4".
_NOT_HEAD = frozenset(["set", "pack", "kit", "pair", "bundle"])
_FUZZY_MIN = 0.8  # difflib ratio for one word to count as another with a typo
MIN_PRODUCT_SCORE = 0.45
HEAD_WEIGHT = 0.4
MAX_PRODUCTS = 5


def singular(word: str) -> str:
    """A plural English noun's singular, by its ending ("boxes" -> "box", "berries" -> "berry")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    return [singular(w) for w in re.findall(r"[a-z0-9]+", text.lower().replace("'s", ""))]


def _word_similarity(word: str, candidates: Sequence[str]) -> float:
    """1 for an exact match; difflib's ratio for a likely typo; else 0. A typo needs words of 4+
    letters with the same first letter (people rarely mistype that one), else "have" would name
    the shave set and "dress" the French press."""
    if word in candidates:
        return 1.0
    if len(word) < 4:
        return 0.0
    best = max(
        (
            _ratio(word, c)
            for c in candidates
            if len(c) >= 4 and c[0] == word[0] and abs(len(c) - len(word)) <= 2
        ),
        default=0.0,
    )
    return best if best >= _FUZZY_MIN else 0.0


@lru_cache(maxsize=4096)
def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _head(name: str) -> str | None:
    """The word of a product's name that says what it is: its last word that is neither a number,
    an acronym ("SPF", "LED") nor a count ("Set", "Pack")."""
    words = [
        w
        for w in re.findall(r"[A-Za-z]+", name.replace("'s", ""))
        if not (w.isupper() and len(w) > 1) and w.lower() not in _NOT_HEAD | _NAME_STOPWORDS
    ]
    return singular(words[-1].lower()) if words else None


def _option_named(value: str, words: Sequence[str], sizes: Sequence[str]) -> bool:
    """Whether an option value ("Navy", "M", "Space Grey", "32") is named in the message. Sizes
    only count when `sizes` found them: a bare "m" or "32" in a message is not enough."""
    if value.upper() in sizes:
        return True
    value_words = _words(value)
    if not value_words or value.upper() in _LETTER_SIZES.values():
        return False
    if value[0].isdigit():  # "1 TB", "16 in": the words in a row; "32" alone only as a size
        n = len(value_words)
        return n > 1 and any(words[i : i + n] == value_words for i in range(len(words)))
    return all(_word_similarity(w, words) > 0 for w in value_words)


def match_products(
    text: str, catalog: Sequence[CatalogProduct], *, sizes: Sequence[str] = ()
) -> list[ProductMatch]:
    """Products whose names the message mentions, best first.

    A product's score mixes how much of its name the message contains, each word weighted by how
    rare it is in the catalog, with whether it names the kind of thing (the name's last word):
    "chelsea boots" and "my wallet" name products, "leather" alone names nothing. A typo of a word
    of 4+ letters counts by its similarity."""
    words = _words(normalize(text))
    if not words or not catalog:
        return []
    names = {p.id: [w for w in _words(p.name) if w not in _NAME_STOPWORDS] for p in catalog}
    df = Counter(w for ws in names.values() for w in set(ws))
    n = len(catalog)
    matches: list[ProductMatch] = []
    for product in catalog:
        name_words = names[product.id]
        if not name_words:
            continue
        weights = [math.log(1 + n / df[w]) for w in name_words]
        found = [_word_similarity(w, words) for w in name_words]
        coverage = sum(wt * f for wt, f in zip(weights, found, strict=True)) / sum(weights)
        head_word = _head(product.name)
        head = _word_similarity(head_word, words) if head_word else 0.0
        score = HEAD_WEIGHT * head + (1 - HEAD_WEIGHT) * coverage
        if score < MIN_PRODUCT_SCORE:
            continue
        variant_hits = [
            (sum(_option_named(v, words, sizes) for v in variant.options), variant.id)
            for variant in product.variants
        ]
        best = max((hits for hits, _ in variant_hits), default=0)
        variant_ids = tuple(vid for hits, vid in variant_hits if best and hits == best)
        matches.append(ProductMatch(product.id, product.name, round(score, 3), variant_ids))
    return sorted(matches, key=lambda m: (-m.score, m.name))[:MAX_PRODUCTS]


def catalog_for_matching() -> list[CatalogProduct]:
    """The active products and variants, in the shape `match_products` wants."""
    from django.db.models import Prefetch

    from orders.models import Product, ProductVariant

    products = Product.objects.filter(is_active=True).prefetch_related(
        Prefetch("variants", queryset=ProductVariant.objects.filter(is_active=True))
    )
    return [
        CatalogProduct(
            id=product.pk,
            name=product.name,
            variants=tuple(
                CatalogVariant(id=v.pk, options=tuple(value for _, value in v.ordered_options()))
                for v in product.variants.all()
            ),
        )
        for product in products
    ]


# --- all together ----------------------------------------------------------------------------


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def extract(text: str, *, catalog: Sequence[CatalogProduct] = ()) -> Entities:
    """Everything `text` names. Products are matched against `catalog` (see
    `catalog_for_matching()`); without one, `products` is empty."""
    text = normalize(text)
    emails = [(m.group(0).lower().rstrip("."), m.span()) for m in _EMAIL.finditer(text)]
    rest = _blank(text, (span for _, span in emails))
    order_numbers, order_spans = _order_numbers(rest)
    rest = _blank(rest, order_spans)
    zips = [(m.group(1), m.span()) for m in _ZIP.finditer(rest)]
    rest = _blank(rest, (span for _, span in zips))
    sizes, size_spans = _sizes(rest)
    return Entities(
        order_numbers=tuple(order_numbers),
        emails=tuple(_unique(e for e, _ in emails)),
        zip_codes=tuple(_unique(z for z, _ in zips)),
        name=_name(rest),
        quantity=_quantity(_blank(rest, size_spans)),
        sizes=tuple(sizes),
        colours=tuple(_colours(rest)),
        products=tuple(match_products(rest, catalog, sizes=sizes)),
    )
