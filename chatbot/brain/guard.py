"""Messages the assistant must not act on as ordinary requests: attempts to change its
instructions, topics only a person may handle (legal threats, chargebacks, safety), and requests
for promises only staff can make (compensation, refunds beyond policy, legally binding terms).
Plain patterns, checked before intent recognition: they must not depend on a classifier's mood."""

from __future__ import annotations

import re
import unicodedata

# Zero-width and bidi control characters customers (or attackers) paste in to split words.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")


def fold(text: str) -> str:
    """NFKC (full-width and styled letters to plain), no invisible characters, lower case, with
    common letter-for-digit swaps undone so "1gn0re" reads "ignore"."""
    text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text)).casefold()
    # Combining marks stacked on letters ("ḯģñőŕé") are dropped.
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    return re.sub(r"\s+", " ", text)


def _deleet(text: str) -> str:
    return text.translate(str.maketrans("013457@$", "oieastas"))


INJECTION = re.compile(
    r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instruction|prompt|rule|guideline|"
    r"polic|previous|above|system|programming|restriction)"
    r"|\b(system|hidden|initial|original|developer)\s*(prompt|message|instruction)"
    r"|\b(print|show|reveal|repeat|output|tell me|what (are|is)|give me|dump|leak)\b.{0,30}"
    r"\b(your )?(instructions|prompt|rules|configuration|guidelines)\b"
    r"|\byou are (now|no longer)\b|\bact as\b|\bpretend (to be|you)\b|\bjailbreak|\bdan mode"
    r"|\bdeveloper mode\b|\bsudo\b|\badmin (mode|access|override)\b|\bi am (the|an?) "
    r"(admin|administrator|developer|owner|manager|staff|employee)\b"
    r"|\bnew (instructions|rules)\b|<\s*/?\s*(system|assistant|im_start|im_end)|\[/?inst\]"
    r"|\b(list|show|give|tell|read|what are|access)\b.{0,30}\b(all|every|other|another)\b.{0,20}"
    r"\b(customers?|users?|orders?|emails?|accounts?|people)\b"
    r"|\b(list|show|give|tell|read|get|access|display)\b.{0,40}\b\S+@\S+\.\w+'?s?\b.{0,10}"
    r"\b(orders?|account|address|details|info)",
    re.IGNORECASE,
)

SENSITIVE = {
    "legal": re.compile(
        r"\b(lawyers?|attorneys?|solicitors?|sue|suing|lawsuit|legal action|small claims|court|"
        r"consumer protection|trading standards|ftc|bbb|ombudsman|report you)\b"
    ),
    "chargeback": re.compile(
        r"\b(charge ?back|dispute (the|this|a)? ?(charge|payment|transaction)|call my bank|"
        r"(bank|card issuer|credit card company|paypal) (dispute|claim)|reverse the (charge|payment)|"
        r"fraud(ulent)?|unauthori[sz]ed (charge|payment|transaction)|stolen card|scam(med)?)\b"
    ),
    "safety": re.compile(
        r"\b(injur(y|ed|ies)|hurt (me|my|him|her|them)|burn(ed|t|s)?|caught fire|on fire|"
        r"exploded?|smoke|electric shock|shocked me|allergic|rash|hospital|choking|"
        r"poison(ed|ous)?|unsafe|dangerous|recall)\b"
    ),
}

# Things only a person may grant: the bot never agrees, it hands over.
PROMISE = re.compile(
    r"\b(legally binding|binding (agreement|contract|promise)|in writing|guarantee (me|that)|"
    r"promise (me|that)|compensat\w*|discount code|coupon|voucher|price match|price adjustment|"
    r"give me (a )?(discount|refund|credit)|free (shipping|item|product)|refund (me )?(more|extra|"
    r"double|twice)|full refund (even|after|outside)|beyond the (return )?window|after the "
    r"(return )?window|make an exception|exception to the policy|goodwill)\b"
)


def is_injection(text: str) -> bool:
    folded = fold(text)
    return bool(INJECTION.search(folded) or INJECTION.search(_deleet(folded)))


def sensitive_topic(text: str) -> str | None:
    folded = fold(text)
    for topic, pattern in SENSITIVE.items():
        if pattern.search(folded):
            return topic
    return None


def asks_for_promise(text: str) -> bool:
    return bool(PROMISE.search(fold(text)))


ANGRY = re.compile(
    r"\b(ridiculous|unacceptable|furious|worst|disgusting|pathetic|useless|incompetent|"
    r"scam|terrible service|awful|horrible|fed up|sick of|wtf|f+u+c+k\w*|shit\w*|crap|damn|"
    r"never (again|ordering)|rip ?off)\b"
)


def is_angry(text: str) -> bool:
    folded = fold(text)
    if ANGRY.search(folded):
        return True
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) >= 12 and sum(c.isupper() for c in letters) / len(letters) > 0.8
    return shouting or text.count("!") >= 3


YES = re.compile(
    r"^(y|ya|yes+|yeah|yep|yup|sure|ok(ay)?|k|confirm(ed)?|correct|right|go ahead|do it|"
    r"please do|yes please|that'?s (right|correct|it)|sounds good|proceed|affirmative|absolutely|"
    r"definitely|of course|go for it|是|好|好的|确认)\b"
)
NO = re.compile(
    r"^(n|no+|nope|nah|cancel that|stop|don'?t|do not|never ?mind|nevermind|forget it|"
    r"not now|wait|hold on|changed? my mind|no thanks|no thank you|keep it|不|不要|取消)\b"
)


def yes_or_no(text: str) -> str | None:
    folded = fold(text).strip(" .!,")
    if NO.search(folded):
        return "no"
    if YES.search(folded):
        return "yes"
    return None
