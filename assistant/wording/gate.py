"""The faithfulness gate: the check every sentence the model writes passes before a customer sees
it. A sentence passes only if it

1. states no figure, identifier, name, link or money word the sources don't hold
   (`assistant.replies.grounding`);
2. adds no kind of claim the draft doesn't make: abilities and inabilities, contact channels,
   an earlier conversation, apologies, instructions to the customer, talk about the prompt
   itself, promises of timing (`ADDITIONS`);
3. is whole, readable text in the conversation's language: no words run together, no
   placeholders, no loops, no cut-off ending;
4. says something the draft says: it is close to a draft sentence (`THRESHOLD`), or its content
   words are the draft's (`CONTAINED`), both calibrated on labelled (draft, rewording) pairs
   (`manage.py eval_gate`).

Over the whole reply, every draft sentence must be covered by some sentence the model wrote, and
every value the draft must keep must be there; what the model left out is taken from the draft
(`remaining`), so nothing the draft says is lost and nothing is sent twice over."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.replies import grounding

# A model sentence says something the draft says when the sentence encoder puts it this close
# to a draft sentence (cosine), or when this share of its content words (in Chinese, character
# pairs) are the draft's. A draft sentence counts as said when it is that close to a model
# sentence or the model's words hold COVERED of its own. Calibrated on the calibration half of
# assistant/wording/data/gate_pairs.jsonl (`manage.py eval_gate --calibrate`, docs/model.md).
THRESHOLD = 0.62
CONTAINED = 0.75
COVERED = 0.6
# Chinese: content characters, which a paraphrase shares less of than English words.
CONTAINED_ZH = 0.55
COVERED_ZH = 0.65

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
        r"\b(?:e-?mail\w*|phone\w*|call\w* (?:us|our|the)|support line|contact\w*|reach out|"
        r"website|web site|visit (?:our|the)|hotline|live chat|social media)\b|\[[^\]]*\]"
        r"|联系|致电|邮件|电话|网站|热线",
        re.I,
    ),
    "earlier": re.compile(
        r"\b(?:earlier|previous\w*|before|last time|again|(?:you|i|as) (?:mentioned|said|noted)|"
        r"already|confusion|misunderstand\w*)\b|之前|刚才|上次|再次|已经说",
        re.I,
    ),
    "apology": re.compile(
        r"\b(?:sorry|apolog\w*|my mistake|your mistake|inconvenien\w*|regret\w*)\b"
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
    "negation": re.compile(
        r"\b(?:not(?! a problem)|no(?! problem)|never|none|nothing|cannot)\b|n't\b"
        r"|没有|不是|不会|未",
        re.I,
    ),
    "timing": re.compile(
        r"\b(?:soon|shortly|right away|immediately|as soon as|in no time|within|asap|"
        r"24 hours|today|tomorrow|next week)\b|马上|尽快|立即|很快|明天|今天|预计|小时内|天内",
        re.I,
    ),
    "offer": re.compile(
        r"\b(?:anything else|let me know|hope (?:this|that|it)|i hope|"
        r"have a (?:great|nice|good|wonderful) day|any (?:other )?questions|don'?t hesitate)\b"
        r"|还有什么|随时|祝您",
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


# Order and return statuses: a sentence may state one only where the draft does.
_STATUS = re.compile(
    r"\b(pending|process|ship|deliver|cancel|return|refund|on hold|in transit)"
    r"(?:ing|ed|led|s)?\b|待处理|待付款|处理中|发货|送达|取消|退货|退款",
    re.I,
)


# Values that must be stated whole: a date ("July 2, 2026", "2026年7月2日") and an item's
# options in brackets ("(Grey / 8)"). Their digits alone would be found somewhere in the sources.
_WHOLE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:, \d{4})?"
    r"|\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}月\d{1,2}日|\([^()]*\d[^()]*\)",
    re.I,
)


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
        self.words = {
            w.casefold() for w in _LATIN_WORD.findall(" ".join([self.text, *self.sources]))
        }


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
    """A Chinese conversation gets Chinese sentences (English names from the draft may stay);
    an English one gets no Chinese the draft doesn't have."""
    if language == "zh-Hans":
        if not _CJK.search(draft.text):
            return True
        foreign = [w for w in _LATIN_WORD.findall(sentence) if w.casefold() not in draft.words]
        return len(foreign) <= (2 if _CJK.search(sentence) else 0)
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
    if _loops(sentence, draft.text):
        return "repeats itself"
    unfinished = _CUTOFF.search(sentence) or (
        sentence[-1:].isalnum() and not draft.text.rstrip()[-1:].isalnum()
    )
    if final and unfinished and not _CUTOFF.search(draft.text):
        return "cut off"
    return ""


def _trigrams(text: str) -> Counter[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return Counter(tuple(words[i : i + 3]) for i in range(len(words) - 2))


def _loops(sentence: str, draft: str) -> bool:
    """Three words said three times over, more often than the draft says them."""
    theirs = _trigrams(draft)
    return any(n >= 3 and n > theirs[t] for t, n in _trigrams(sentence).items())


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    """Whole English words the bundled sentence encoder's tokenizer knows."""
    from assistant.understanding.encoder import get_model

    tokenizer = get_model().tokenizer
    return frozenset(w for w in tokenizer.get_vocab() if w.isalpha())


def _is_word(text: str) -> bool:
    return text in _vocabulary()


_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "so",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "it's",
        "this",
        "that",
        "these",
        "those",
        "i",
        "i'm",
        "i'll",
        "i've",
        "you",
        "you're",
        "your",
        "we",
        "we're",
        "we've",
        "our",
        "us",
        "my",
        "me",
        "they",
        "them",
        "their",
        "there",
        "here",
        "as",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "should",
        "just",
        "also",
        "than",
        "then",
        "now",
        "all",
        "any",
        "some",
        "very",
        "really",
        "too",
        "which",
        "what",
        "who",
        "how",
        "when",
        "where",
        "sure",
        "ok",
        "okay",
        "great",
        "thanks",
        "thank",
        "hi",
        "hello",
    ]
)
_TOKEN = re.compile(r"[a-z0-9]+(?:['’.][a-z0-9]+)*")
# Characters that carry grammar or politeness rather than content.
_CJK_STOP = frozenset(
    "的了是在有和就都也还吗呢吧啊哦呀您你我们他她它这那个些把被给对为到于很太更最会能要可以好请让"
)
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def units(text: str) -> set[str]:
    """What a text says, as countable pieces: its content words (stemmed) and, in Chinese, its
    character pairs."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    out = {_stem(w) for w in _TOKEN.findall(folded) if w not in _STOP}
    for run in _CJK_RUN.findall(folded):
        out.update(ch for ch in run if ch not in _CJK_STOP)
    return out


def contained(text: str, support: str) -> float:
    """The share of what `text` says that `support` says too (1.0 for a text of no content)."""
    ours = units(text)
    return len(ours & units(support)) / len(ours) if ours else 1.0


def cosines(sentences: Sequence[str], draft: Draft) -> list[list[float]]:
    """sentences × draft sentences, the bundled sentence encoder's cosine (English; a Chinese
    side scores 0: that encoder is English-only, and `contained` covers Chinese)."""
    from assistant.understanding.encoder import encode

    if not sentences:
        return []
    vectors = encode([*sentences, *draft.sentences])
    ours, theirs = vectors[: len(sentences)], vectors[len(sentences) :]
    grid = ours @ theirs.T
    return [
        [
            0.0 if _CJK.search(sentence) or _CJK.search(target) else float(grid[i, j])
            for j, target in enumerate(draft.sentences)
        ]
        for i, sentence in enumerate(sentences)
    ]


def check(sentence: str, draft: Draft, *, final: bool = False) -> Verdict:
    """Whether one model sentence may be sent (`final`: it is the last the model wrote)."""
    # "$18.00，3 ft" must not read as the number "18.00,3": Chinese punctuation separates.
    bad = grounding.unsupported(re.sub(r"[，、；：（）]", " ", sentence), draft.sources)
    if bad:
        return Verdict(False, f"unsupported {bad[:5]}")
    folded = draft.text.casefold()
    haystack = " ".join([draft.text, *draft.sources]).casefold()
    for whole in _WHOLE.findall(sentence):
        if whole.casefold() not in haystack:
            return Verdict(False, f"{whole!r} not in the sources")
    for match in _STATUS.finditer(sentence):
        stem = (match.group(1) or match.group(0)).casefold()
        if stem not in folded:
            return Verdict(False, f"status {match.group(0)!r} not in the draft")
    for name, cue in ADDITIONS.items():
        if name not in draft.additions and cue.search(sentence):
            return Verdict(False, f"adds {name} ({cue.search(sentence).group(0)!r})")  # type: ignore[union-attr]
    if not _language_ok(sentence, draft.language, draft):
        return Verdict(False, "wrong language")
    why = broken(sentence, draft, final=final)
    if why:
        return Verdict(False, why)
    row = cosines([sentence], draft)[0]
    best = max(range(len(row)), key=row.__getitem__)
    share = contained(sentence, draft.text)
    if row[best] < THRESHOLD and share < (CONTAINED_ZH if _CJK.search(sentence) else CONTAINED):
        return Verdict(
            False, f"not in the draft (similarity {row[best]:.2f}, words {share:.2f})", best
        )
    return Verdict(True, "", best, max(row[best], share))


def remaining(accepted: Sequence[str], draft: Draft) -> list[str]:
    """The draft sentences the accepted model sentences don't say, in the draft's order. A draft
    sentence is said when a model sentence is close enough to it and the model's words hold
    every figure, identifier and name it states."""
    if not accepted:
        return list(draft.sentences)
    grid = cosines(accepted, draft)
    wording = " ".join(accepted)
    out = []
    for j, sentence in enumerate(draft.sentences):
        covered = COVERED_ZH if _CJK.search(sentence) else COVERED
        close = any(row[j] >= THRESHOLD for row in grid) or contained(sentence, wording) >= covered
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
    if not reasons:
        left = remaining(sentences, draft)
        if left:
            # Sent with these draft sentences after it, not as written.
            reasons.append(f"left out {len(left)} of {len(draft.sentences)} draft sentences")
    return reasons
