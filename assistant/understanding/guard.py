"""Messages the assistant must not act on as ordinary requests: attempts to change its
instructions, topics only a person may handle (legal threats, chargebacks, safety), and requests
for promises only staff can make (compensation, refunds beyond policy, legally binding terms).
Plain patterns, checked before intent recognition: they must not depend on a classifier's mood."""

from __future__ import annotations

import base64
import binascii
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
    r"polic|system|programming|restriction"
    # "ignore all previous", "disregard the above": not "ignore my previous message".
    r"|(previous|above|prior)\b(?! (message|msg|question|one|order|email|reply|text|comment|typo)))"
    r"|\bforget (everything|all)\b.{0,30}\b(told|said|know|learn|taught)|\byou work for me\b"
    r"|\b(repeat|print|output|recite|copy)\b.{0,40}\b(above|verbatim|word for word)\b"
    # The same in the other languages customers write in (accents are folded away).
    r"|\b(ignor\w*|oubli\w*|olvid\w*|vergiss\w*|dimentic\w*|esquec\w*|ignorier\w*)\b.{0,60}"
    r"\b(instruc\w*|istruzion\w*|anweisung\w*|regl\w*|regel\w*|regol\w*|consign\w*|prompt\w*)"
    r"|(忽略|无视|忘记|忘掉|不要理会).{0,20}(指令|指示|规则|提示|设定|要求)|系统提示|提示词"
    r"|\b(system|hidden|initial|original|developer)\s*(prompt|message|instruction)"
    r"|\b(print|show|reveal|repeat|output|tell me|what (are|is)|give me|dump|leak)\b.{0,30}"
    r"\b(your )?(instructions|prompt|rules|configuration|guidelines)\b"
    r"|\byou are (now|no longer)\b|\bact as\b|\bpretend (to be|you)\b|\bjailbreak|\bdan mode"
    r"|\bdeveloper mode\b|\bsudo\b|\badmin (mode|access|override|permissions?|rights|privileges)\b"
    r"|\bi am (the|an?|your|one of your|a member of your)( shop'?s?| store'?s?)? "
    r"(admin|administrator|developer|owner|manager|staff|employee)\b"
    r"|\bsystem (notice|notification|message|announcement)\b|\bauthori[sz]ation code\b"
    r"|\bnew (instructions|rules)\b|<\s*\|?\s*/?\s*(system|assistant|im_start|im_end)|\[/?inst\]"
    r"|\|im_(start|end)\||\bsystem override\b|\bsystem:"
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
        r"(bank|card issuer|credit card company|paypal) (dispute|claim)|"
        r"reverse the (charge|payment)|"
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
    r"give me (a )?(discount|refund|credit)|free (item|product)|"
    r"(give|send|owe|deserve|want|get) (me |us )?(a )?free shipping|refund (me )?(more|extra|"
    r"double|twice)|full refund (even|after|outside)|beyond the (return )?window|"
    r"past (the )?(return )?window|guarantee that|(you|can you|will you|could you) guarantee|"
    r"after the "
    r"(return )?window|make an exception|exception to the policy|goodwill)\b"
)


# Letters from other scripts that look like Latin ones ("іgnоrе" in Cyrillic), for the injection
# check only: elsewhere a Cyrillic letter is a Cyrillic letter.
_CONFUSABLES = str.maketrans("аеорсухіјѕԁһкмтвпιοαεκνρτυ", "aeopcyxijsdhkmtbnioaekvptu")
# Spelled out to dodge a pattern: "i g n o r e", "i.g.n.o.r.e", "s-y-s-t-e-m".
_SPELLED = re.compile(r"(?:\b\w\b\W+){4,}\b\w\b")
_COMPACT_INJECTION = re.compile(
    r"(ignore|disregard|forget|bypass)\w{0,12}(instructions|rules|prompt|previous)|systemprompt|"
    r"(reveal|print|show|repeat)\w{0,8}(prompt|instructions)"
)
_BASE64 = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")


def _decoded(text: str) -> list[str]:
    """The readable texts of base64-looking words ("aWdub3Jl..." is "ignore...")."""
    out: list[str] = []
    for token in _BASE64.findall(text):
        try:
            raw = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
        except (binascii.Error, ValueError):
            continue
        decoded = raw.decode("utf-8", errors="replace")
        if decoded and sum(ch.isprintable() for ch in decoded) / len(decoded) > 0.9:
            out.append(decoded)
    return out


def is_injection(text: str, *, _depth: int = 0) -> bool:
    folded = fold(text)
    variants = [folded, _deleet(folded), folded.translate(_CONFUSABLES), folded[::-1]]
    if any(INJECTION.search(v) for v in variants):
        return True
    if _SPELLED.search(folded):
        compact = re.sub(r"[^a-z]", "", _deleet(folded.translate(_CONFUSABLES)))
        if _COMPACT_INJECTION.search(compact):
            return True
    return _depth == 0 and any(is_injection(d, _depth=1) for d in _decoded(text))


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
    r"^(y|ya|yes+|yeah|yea|yep|yup|sure|ok(ay)?|k|confirm(ed)?|correct|right|go ahead|do it|"
    r"al+ ?right|aight|cool|great|perfect|fine|let'?s do it|let'?s go|please proceed|"
    r"please do|yes please|that'?s (right|correct|it)|sounds good|proceed|affirmative|absolutely|"
    r"definitely|of course|go for it|是|好|好的|确认)\b"
)
NO = re.compile(
    r"^(n|no+|nope|nah|cancel that|stop|don'?t|do not|never ?mind|nevermind|forget it|"
    r"not now|wait|hold on|changed? my mind|no thanks|no thank you|keep it|不|不要|取消)\b"
)


# After a yes word, what makes it no plain yes: a but, a limit, a pause or a question ("fine,
# but only 1", "cool, never mind", "ok, how long do refunds take?", "好的，不过只要一个").
_YES_BUT = re.compile(
    r"\?|\b(but|(only|just) (\d+|one|two|three|a|an|the|half|some)|never ?mind|forget it|wait|"
    r"hold on|hang on|don'?t|do not|stop|cancel that|instead|rather)\b|"
    r"\b(not|no)\b(?! (problem|worries|rush|doubt))|[不别只但？]"
)


def yes_or_no(text: str) -> str | None:
    folded = fold(text).strip(" .!,")
    if NO.search(folded):
        return "no"
    found = YES.search(folded)
    if found:
        return None if _YES_BUT.search(folded[found.end() :]) else "yes"
    return None
