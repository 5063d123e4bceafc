"""Understanding: a customer's message, read against the dialogue state, as typed dialogue acts.

A message carries one or more acts: start a task ("request", with the task and the order it
names), ask a question ("question", with its topic), give identity, affirm, deny, correct a
detail of the task under way, pick one of the options shown ("select"), small talk (with its
kind), ask for a person, complain, or something out of scope. The flows
(`assistant.flows.engine`) execute acts; they never read the raw text to decide what was asked.

Negation is read here, once, for every flow: "don't cancel it", "I didn't ask to change
anything", "not a refund" name a task the customer does *not* want. Such a task is never a
request: `negated` lists it, the intent falls back to what else the message asks, and a pending
confirmation or a task being filled in for it is dropped.

The one seam for a different reader is `Understander`: today's reads the intent classifier and
these rules; one behind `LLM_BACKEND=openai` could return the same `Understanding` from a capable
model (the flows and their guarantees would not change).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from assistant.understanding.entities import Entities, normalize
from assistant.understanding.intents import NOT_SURE, Prediction

# What each intent is, as an act.
REQUESTS = frozenset(
    [
        "order_status",
        "track_shipment",
        "cancel_order",
        "change_order",
        "return_refund",
        "place_order",
        "account",
        "payment_issue",
    ]
)
QUESTIONS = frozenset(["shipping_info", "product_question", "product_recommendation"])
SOCIAL = frozenset(["greeting", "thanks", "goodbye", "small_talk"])


@dataclass(frozen=True)
class Act:
    kind: str  # request, question, identity, affirm, deny, correct, select, small_talk, ...
    sub: str = ""  # the task, the topic or the kind of small talk

    def __str__(self) -> str:
        return f"{self.kind}:{self.sub}" if self.sub else self.kind


@dataclass(frozen=True)
class Understanding:
    acts: tuple[Act, ...]
    intent: str  # the main request's intent after negation, or NOT_SURE
    negated: frozenset[str] = field(default=frozenset())  # intents the customer said not to do
    rest: str = ""  # the message without its negated clauses

    def has(self, kind: str) -> bool:
        return any(a.kind == kind for a in self.acts)

    def labels(self) -> list[str]:
        return [str(a) for a in self.acts]


# --- negation ----------------------------------------------------------------------------------

_NEG = (
    r"(?:don'?t|do\s+not|didn'?t|did\s+not|doesn'?t|never|no\s+need\s+to|not|won'?t|"
    r"wouldn'?t|shouldn'?t|dont|didnt|pls\s+don'?t|no\s+longer\s+want\s+to|stop|without|"
    r"instead\s+of|rather\s+than)"
)
# The verbs of the tasks a customer can refuse, and the intent each names.
_TASK_VERBS: tuple[tuple[str, str], ...] = (
    (r"cancel\w*", "cancel_order"),
    (r"(?:change|chang\w*|modif\w*|edit\w*|swap\w*|updat\w*|alter\w*)", "change_order"),
    (r"(?:return\w*|refund\w*|send(?:ing)?\s+(?:it|them)\s+back)", "return_refund"),
    (r"(?:human|person|agent|someone|representative|operator)", "human_agent"),
    (
        r"(?:payment\s+(?:problem|issue|question)|pay\s+(?:yet|now|today|for\s+it\s+yet))",
        "payment_issue",
    ),
    (r"(?:track\w*)", "track_shipment"),
    (r"(?:recommend\w*|suggest\w*|gift\s+ideas?|ideas?)", "product_recommendation"),
    (r"(?:complain\w*|complaint)", "complaint"),
    (r"(?:buy\w*|purchas\w*|order\s+(?:anything|something|more))", "place_order"),
)
_FILLER = r"(?:(?:want|wanna|need|asking|ask|trying|try|mean|meant|going|gonna|looking|like|"
_FILLER += r"to|for|a|an|the|me|you|it|anything|any|about|be|get|getting|my|order|please|pls|"
_FILLER += r"i|you|u|yet|just|even|actually|really|at|all|talk|speak|chat|with|say|said|tell|"
_FILLER += r"told|dare|ever|ask|asked|wanted|that|this|them)\s+){0,5}"
# "No" negates only what follows it at once ("no cancellation please", "no need for the
# tracking"): "no I want to cancel" is a request.
_NO = r"(?:no+\s+(?:need\s+(?:to|for)\s+(?:a\s+|an\s+|the\s+|any\s+)?)?)"
_NEGATED = [
    (re.compile(rf"\b(?:{_NEG}\s+{_FILLER}|{_NO}){verb}\b", re.IGNORECASE), intent)
    for verb, intent in _TASK_VERBS
]
# "not a refund, an exchange": the task is still a return, only its kind changes.
_EXCHANGE = re.compile(r"\b(exchange|swap|replace(?:ment)?|different size|other size)\b", re.I)


def negated_tasks(text: str) -> tuple[frozenset[str], str]:
    """The intents `text` says not to do, and the text without those clauses."""
    text = normalize(text)
    found: set[str] = set()
    rest = text
    for pattern, intent in _NEGATED:
        for m in pattern.finditer(text):
            if intent == "return_refund" and _EXCHANGE.search(text):
                continue  # "not a refund, just an exchange"
            if intent == "human_agent" and not re.search(
                r"\b(talk\w*|speak\w*|chat\w*|want\w*|need\w*|get|transfer)\b", text, re.I
            ):
                continue
            found.add(intent)
            rest = rest.replace(m.group(0), " ")
    rest = re.sub(r"^\W*(no+|nope|nah|wait|stop)\b\W*", "", rest, flags=re.IGNORECASE)
    return frozenset(found), re.sub(r"\s+", " ", rest).strip(" ,.!?")


# --- small talk --------------------------------------------------------------------------------

_SMALL_TALK: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "bot_identity",
        re.compile(
            r"\b(are\s+(you|u)\s+(a\s+)?(real|human|bot|robot|person|ai|machine|computer|"
            r"chat\s?bot)|(am\s+i|i'?m)\s+(talking|chatting|speaking)\s+(to|with)\s+(a\s+)?"
            r"(bot|robot|human|person|machine|real)|who\s+(are|r)\s+(you|u)|what\s+are\s+(you|u)"
            r"\b(?!\s+(selling|doing))|who\s+(made|built|created|programmed)\s+(you|u))",
            re.IGNORECASE,
        ),
    ),
    (
        "name",
        re.compile(
            r"\b(what'?s|what\s+is|whats)\s+(your|ur|yr)\s+name|(your|ur)\s+name\s*\?|"
            r"do\s+(you|u)\s+have\s+a\s+name",
            re.I,
        ),
    ),
    (
        "how_are_you",
        re.compile(
            r"\b(how\s+(are|r)\s+(you|u|ya)|how'?s\s+it\s+going|how\s+(is|was)\s+your\s+day|"
            r"how\s+you\s+doing|hru|wassup|what'?s\s+up|sup)\b",
            re.IGNORECASE,
        ),
    ),
)


def small_talk_kind(text: str) -> str | None:
    for kind, pattern in _SMALL_TALK:
        if pattern.search(text):
            return kind
    return None


# --- acts --------------------------------------------------------------------------------------

_AFFIRM = re.compile(
    r"^\W*(y(es|ep|eah|up|a)?|sure|ok(ay)?|correct|right|go ahead|do it|confirm(ed)?|"
    r"please do|sounds good|that'?s right|exactly)\b",
    re.IGNORECASE,
)
_DENY = re.compile(
    r"^\W*(no+|nope|nah|never\s?mind|forget\s+it|wait|stop|hold\s+on|wrong)\b", re.IGNORECASE
)
_CORRECT = re.compile(
    r"\b(not\s+(that|this)\s+one|the\s+other\s+one|i\s+meant|actually|instead|rather|"
    r"wrong\s+(order|one|item|size))\b",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^\W*(hi+|hello|hey+|hiya|yo|howdy|good\s+(morning|afternoon|evening|day)|greetings|dear)\b",
    re.IGNORECASE,
)
_CLOSING = (
    ("thanks", re.compile(r"\b(thanks|thank\s+you|thx|ty|cheers|ta)\b", re.IGNORECASE)),
    ("goodbye", re.compile(r"\b(bye+|goodbye|see\s+ya|see\s+you|cya|take\s+care)\b", re.I)),
)
_SELECT = re.compile(
    r"\b(the\s+)?(first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th|top|bottom|"
    r"latest|newest|oldest)(\s+one|\s+order)?\b",
    re.IGNORECASE,
)


_INTENT_ACTS = frozenset(
    ["request", "question", "small_talk", "human", "complaint", "out_of_scope"]
)


def intent_act(label: str, text: str) -> Act | None:
    """The act an intent is: "request:cancel_order", "question:shipping_info", "human"..."""
    if label in REQUESTS:
        return Act("request", label)
    if label in QUESTIONS:
        return Act("question", label)
    if label in SOCIAL:
        return Act(
            "small_talk", label if label != "small_talk" else small_talk_kind(text) or "other"
        )
    if label == "human_agent":
        return Act("human")
    if label in ("complaint", "out_of_scope"):
        return Act(label)
    return None


def understand(
    text: str,
    prediction: Prediction,
    *,
    negated: frozenset[str],
    rest: str,
    confirming: bool,
    asking: str | None,
    identity: bool,
    listed: bool,
    task_intent: str | None = None,
) -> Understanding:
    """The acts of one message, read with what the dialogue is waiting for: a confirmation
    (`confirming`), a detail of a task (`asking`: "reason", "address", ...), a choice among the
    orders or options just listed (`listed`). `prediction` is the classifier's reading of the
    message (negated intents already taken out, `intent_after_negation`)."""
    found: list[Act] = []
    words = len(text.split())
    waiting = confirming or asking is not None
    if _GREETING.search(text) and prediction.label != "greeting":
        found.append(Act("small_talk", "greeting"))  # "hi, where's my order?"
    if negated or _DENY.search(text):
        found.append(Act("deny"))
    elif _AFFIRM.search(text) and (confirming or words <= 3):
        found.append(Act("affirm"))
    if identity:
        found.append(Act("identity"))
    correcting = bool(_CORRECT.search(text)) and (any(a.kind == "deny" for a in found) or waiting)
    if correcting:
        found.append(Act("correct"))
    if listed and _SELECT.search(text):
        found.append(Act("select"))
    act = intent_act(prediction.label, text)
    if act is not None and task_intent is not None and prediction.label == task_intent:
        # The task under way, named again ("the belt, it's too small"): a detail of it.
        act = None if correcting else Act("inform")
    if act is not None and not (waiting and not prediction.is_sure):
        found.append(act)
    elif asking is not None and not any(a.kind in ("inform", "correct") for a in found):
        found.append(Act("inform"))  # the detail the last reply asked for
    for kind, pattern in _CLOSING:
        if pattern.search(text) and Act("small_talk", kind) not in found:
            found.append(Act("small_talk", kind))  # "thanks, bye"
    return Understanding(acts=tuple(found), intent=prediction.label, negated=negated, rest=rest)


def with_intent(understood: Understanding, label: str, text: str, *, first: bool) -> Understanding:
    """The acts once the flows settled what the message (or, `first=False`, a later part of it)
    asks: its intent act replaces the classifier's first reading, or joins it."""
    act = intent_act(label, text)
    kept = list(understood.acts)
    if first:
        # A greeting or a thanks around the request stays ("hi, where's my order?").
        social = label in SOCIAL
        kept = [
            a
            for a in kept
            if a.kind not in _INTENT_ACTS - {"small_talk"}
            and a.kind != "inform"
            and not (social and a.kind == "small_talk")
        ]
    if act is not None and act not in kept:
        kept.append(act)
    return Understanding(
        tuple(kept), label if first else understood.intent, understood.negated, understood.rest
    )


def intent_after_negation(prediction: Prediction, negated: frozenset[str]) -> Prediction:
    """The prediction with every negated intent taken out: the next likely intent when it is
    likely enough, otherwise "not sure"."""
    if not negated or prediction.guess not in negated:
        return prediction
    for label, score in prediction.scores:
        if label not in negated and score >= 0.25:
            return Prediction(label, score, label, prediction.scores)
    return Prediction(NOT_SURE, 0.0, prediction.guess, prediction.scores)


def about_the_shop(prediction: Prediction) -> Prediction:
    """A message that names one of the shop's orders is about the shop, whatever else it says
    ("return the smart plug from SD-100011" is no film quote): out of scope is taken out and the
    next likely intent stands, sure when it is likely enough."""
    if prediction.guess != "out_of_scope":
        return prediction
    rest = [(label, score) for label, score in prediction.scores if label != "out_of_scope"]
    if not rest:
        return Prediction(NOT_SURE, 0.0, prediction.guess, prediction.scores)
    label, score = rest[0]
    total = sum(s for _, s in rest) or 1.0
    confidence = max(score, score / total * 0.6)
    sure = confidence >= 0.3
    return Prediction(label if sure else NOT_SURE, confidence, label, prediction.scores)


def intents_read(
    texts: Sequence[str], predict_many: Callable[[list[str]], list[Prediction]]
) -> list[Prediction]:
    """The intents of many messages as the flows read each one: a message that says not to do
    something is read on the rest of its words, and what it refuses never stands
    (`assistant.flows.engine` does the same one message at a time). For evaluations."""
    predictions = predict_many(list(texts))
    readings = [negated_tasks(text) for text in texts]
    again = [i for i, (negated, rest) in enumerate(readings) if negated and rest]
    for i, prediction in zip(again, predict_many([readings[i][1] for i in again]), strict=True):
        predictions[i] = prediction
    return [
        intent_after_negation(p, negated)
        for p, (negated, _) in zip(predictions, readings, strict=True)
    ]


class Understander(Protocol):
    def __call__(self, text: str, prediction: Prediction, ent: Entities) -> Understanding: ...
