"""The faithfulness gate: the check every sentence the model writes passes before a customer sees
it. A sentence passes only if it

1. states no figure, identifier, name, link or money word the sources don't hold
   (`assistant.replies.grounding`);
2. adds no kind of claim the draft doesn't make: abilities and inabilities, contact channels,
   an earlier conversation, apologies, instructions to the customer, talk about the prompt
   itself, promises of timing (`ADDITIONS`);
3. is whole, readable text in the conversation's language: no words run together, no
   placeholders, no loops, no cut-off ending;
4. says something the draft says: its similarity to the closest draft sentence reaches
   `THRESHOLD`, calibrated on labelled (draft, rewording) pairs (`manage.py eval_gate`).

Over the whole reply, every draft sentence must be covered by some sentence the model wrote, and
every value the draft must keep must be there; what the model left out is taken from the draft
(`remaining`), so nothing the draft says is lost and nothing is sent twice over."""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.replies import grounding

# Similarity (0..1) a model sentence needs to the draft sentence it rewords, and a draft
# sentence needs to some accepted model sentence to count as said. Calibrated on the
# calibration half of assistant/wording/data/gate_pairs.jsonl (docs/model.md).
THRESHOLD = 0.62
COVER_THRESHOLD = 0.62

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

# Kinds of claims the model may make only where the draft makes one of the same kind.
ADDITIONS: dict[str, re.Pattern[str]] = {
    "ability": re.compile(
        r"\b(?:i (?:don'?t|do not|can'?t|cannot|am unable|am not able|won'?t be able)|"
        r"(?:the )?(?:ability|access) to|unable to|as an ai|language model|ai assistant|"
        r"i'?m (?:just |only )?(?:a|an) (?:ai|bot|program|computer))|无法|不能|没有能力|人工智能",
        re.I,
    ),
    "contact": re.compile(
        r"\b(?:e-?mail\w*|phone\w*|call (?:us|our)|contact\w*|reach (?:out|us)|website|web site|"
        r"visit (?:our|the)|hotline|live chat|social media)\b|\[[^\]]*\]|联系|致电|邮件|电话|网站",
        re.I,
    ),
    "earlier": re.compile(
        r"\b(?:earlier|previous\w*|before|last time|again|(?:you|i|as) (?:mentioned|said|noted)|"
        r"already|confusion|misunderstand\w*)\b|之前|刚才|上次|再次|已经说",
        re.I,
    ),
    "apology": re.compile(
        r"\b(?:sorry|apolog\w*|my mistake|your mistake|inconvenien\w*|regret\w*|unfortunately)\b"
        r"|抱歉|对不起|不好意思|遗憾",
        re.I,
    ),
    "instruction": re.compile(
        r"\b(?:please|make sure|do not|don'?t|you should|you need|you must|you have to|"
        r"be sure|try|avoid|remember to|feel free|provide)\b|请|务必|不要|需要您|麻烦您",
        re.I,
    ),
    "meta": re.compile(
        r"\b(?:this (?:response|reply|message|draft)|rewrit\w*|reword\w*|draft|requirement\w*|"
        r"the user|the customer'?s message|instruction\w*|as requested|prompt|here is|"
        r"here'?s (?:the|a|your) (?:rewritten|revised|reply|response))\b|草稿|用户|改写",
        re.I,
    ),
    "timing": re.compile(
        r"\b(?:soon|shortly|right away|immediately|as soon as|in no time|within|asap|"
        r"24 hours|today|tomorrow|next week)\b|马上|尽快|立即|很快",
        re.I,
    ),
    "offer": re.compile(
        r"\b(?:anything else|let me know|happy to help|glad to help|hope (?:this|that|it)|"
        r"i hope|have a (?:great|nice|good|wonderful) day|assist you|help you with|"
        r"any (?:other )?questions|don'?t hesitate)\b|还有什么|随时|祝您",
        re.I,
    ),
}

# Function words a run-together pair often starts with ("Pleasedo", "Ifyou", "Thankyou").
_JOIN_HEADS = (
    "please",
    "thank",
    "thanks",
    "you",
    "your",
    "if",
    "i",
    "we",
    "it",
    "is",
    "do",
    "may",
    "can",
    "will",
    "for",
    "to",
    "the",
    "and",
    "of",
    "in",
    "on",
    "let",
    "here",
    "this",
    "that",
    "be",
)
_WORD = re.compile(r"[A-Za-z][a-z]+")
_PLACEHOLDER = re.compile(r"\[[^\]]*\]|\{[^}]*\}|<[^>]*>|\bXXX+\b|\bN/A\b|_{3,}")
_CUTOFF = re.compile(r"(?:\.\.\.|…|,|:|;|-|\b(?:and|or|the|a|to|of|with))\s*$", re.I)


@dataclass
class Verdict:
    ok: bool
    reason: str = ""
    matched: int = -1  # the draft sentence the model sentence rewords
    score: float = 0.0


@dataclass
class Draft:
    """A draft, split and embedded once per reply."""

    text: str
    language: str
    sources: Sequence[str]
    sentences: list[str] = field(default_factory=list)
    additions: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.sentences = split(self.text) or [self.text]
        self.additions = {name for name, cue in ADDITIONS.items() if cue.search(self.text)}
        self.words = {w.casefold() for w in _WORD.findall(" ".join([self.text, *self.sources]))}


def split(text: str) -> list[str]:
    """Sentences, in English and in Chinese (。！？ end a sentence without a space after)."""
    out: list[str] = []
    for piece in grounding.split_sentences(text):
        out += [s.strip() for s in re.split(r"(?<=[。！？])", piece) if s.strip()]
    return out


_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n+|(?<=[。！？])")


def split_stream(buffer: str) -> tuple[list[str], str]:
    """The whole sentences at the start of streamed text, and the rest exactly as it came,
    spaces included: a delta that ends in a space ("Please ") must not lose it before the next
    one ("do"), or the words run together."""
    ends = [m for m in _BOUNDARY.finditer(buffer) if m.start() > 0]
    if not ends:
        return [], buffer
    last = ends[-1]
    return split(buffer[: last.start()]), buffer[last.end() :]


def is_chinese(text: str) -> bool:
    cjk = len(_CJK.findall(text))
    latin = sum(len(w) for w in _LATIN_WORD.findall(text))
    return cjk > 0 and cjk * 2 >= latin


def _language_ok(sentence: str, language: str, draft: Draft) -> bool:
    if language == "zh-Hans":
        return is_chinese(sentence) or not _CJK.search(draft.text)
    return not _CJK.search(sentence) or bool(_CJK.search(draft.text))


def broken(sentence: str, draft: Draft, *, final: bool) -> str:
    """Why the sentence isn't whole, readable text ("" when it is)."""
    if _PLACEHOLDER.search(sentence) and not _PLACEHOLDER.search(draft.text):
        return "placeholder"
    for word in _WORD.findall(sentence):
        low = word.casefold()
        if low in draft.words or len(low) < 5:
            continue
        for head in _JOIN_HEADS:
            tail = low[len(head) :]
            if low.startswith(head) and len(tail) >= 2 and _is_word(tail) and not _is_word(low):
                return f"run-together words {word!r}"
    words = sentence.casefold().split()
    trigrams = [tuple(words[i : i + 3]) for i in range(len(words) - 2)]
    if trigrams and len(trigrams) - len(set(trigrams)) >= 2:
        return "repeats itself"
    unfinished = _CUTOFF.search(sentence) or (
        sentence[-1:].isalnum() and not draft.text.rstrip()[-1:].isalnum()
    )
    if final and unfinished and not _CUTOFF.search(draft.text):
        return "cut off"
    return ""


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Whole English words the bundled sentence encoder's tokenizer knows."""
    from assistant.understanding.encoder import get_model

    tokenizer = get_model().tokenizer
    return frozenset(w for w in tokenizer.get_vocab() if w.isalpha())


def _is_word(text: str) -> bool:
    return text in _vocabulary()


def _bigrams(text: str) -> set[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    chars = [c for c in folded if c.isalnum()]
    return {a + b for a, b in itertools.pairwise(chars)}


def similarities(sentences: Sequence[str], draft: Draft) -> list[list[float]]:
    """sentences × draft sentences: the sentence encoder's cosine for English, character-bigram
    overlap where either side is Chinese (the bundled encoder is English-only)."""
    from assistant.understanding.encoder import encode

    if not sentences:
        return []
    vectors = encode([*sentences, *draft.sentences])
    ours, theirs = vectors[: len(sentences)], vectors[len(sentences) :]
    cosine = ours @ theirs.T
    out: list[list[float]] = []
    for i, sentence in enumerate(sentences):
        row = []
        for j, target in enumerate(draft.sentences):
            if _CJK.search(sentence) or _CJK.search(target):
                a, b = _bigrams(sentence), _bigrams(target)
                row.append(len(a & b) / max(1, min(len(a), len(b))) if a and b else 0.0)
            else:
                row.append(float(cosine[i, j]))
        out.append(row)
    return out


def check(sentence: str, draft: Draft, *, final: bool = False) -> Verdict:
    """Whether one model sentence may be sent (`final`: it is the last the model wrote)."""
    bad = grounding.unsupported(sentence, draft.sources)
    if bad:
        return Verdict(False, f"unsupported {bad[:5]}")
    for name, cue in ADDITIONS.items():
        if name not in draft.additions and cue.search(sentence):
            return Verdict(False, f"adds {name} ({cue.search(sentence).group(0)!r})")  # type: ignore[union-attr]
    if not _language_ok(sentence, draft.language, draft):
        return Verdict(False, "wrong language")
    why = broken(sentence, draft, final=final)
    if why:
        return Verdict(False, why)
    row = similarities([sentence], draft)[0]
    best = max(range(len(row)), key=row.__getitem__)
    if row[best] < THRESHOLD:
        return Verdict(False, f"not in the draft (similarity {row[best]:.2f})", best, row[best])
    return Verdict(True, "", best, row[best])


def remaining(accepted: Sequence[str], draft: Draft) -> list[str]:
    """The draft sentences the accepted model sentences don't say, in the draft's order. A draft
    sentence is said when a model sentence is close enough to it and the model's words hold
    every figure, identifier and name it states."""
    if not accepted:
        return list(draft.sentences)
    grid = similarities(accepted, draft)
    wording = " ".join(accepted)
    out = []
    for j, sentence in enumerate(draft.sentences):
        close = any(row[j] >= COVER_THRESHOLD for row in grid)
        if not close or grounding.unsupported(sentence, [wording]):
            out.append(sentence)
    return out


def reply_check(text: str, draft: Draft, must_keep: Sequence[str]) -> list[str]:
    """A whole reworded reply, sentence by sentence (for evaluation): the reasons it fails."""
    sentences = split(text)
    if not sentences:
        return ["empty"]
    reasons = []
    for i, sentence in enumerate(sentences):
        verdict = check(sentence, draft, final=i == len(sentences) - 1)
        if not verdict.ok:
            reasons.append(verdict.reason)
    missing = grounding.keeps(text, must_keep)
    if missing:
        reasons.append(f"dropped {missing[:5]}")
    return reasons
