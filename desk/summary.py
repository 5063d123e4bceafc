"""The handoff summary in plain words (docs/desk.md, "The handoff summary").

Built only from what is stored: the customer's own words (quoted, never paraphrased by a model),
the requests the assistant recognised (as codes the desk shows in the agent's language), what
the customer said about a deadline or threatened, the orders that matter (those the customer
named or that the chat was about, never every number a list showed) and the real reason for the
handoff. Internal labels (`confirm:yes`, `swap:variant`) never reach it.
"""

from __future__ import annotations

import re
from typing import TypedDict

from chatbot.models import Conversation, Message, MessageRole
from orders.models import Order

# The requests an agent wants to know about; anything else (yes/no, small talk) is left out.
REQUEST_INTENTS = (
    "order_status",
    "track_shipment",
    "cancel_order",
    "change_order",
    "return_refund",
    "payment_issue",
    "shipping_info",
    "product_question",
    "product_recommendation",
    "place_order",
    "account",
    "complaint",
)
# What the assistant did, as the desk names it; other tool names are internal.
DID_CODES = (
    "order_lookup",
    "tracking",
    "return_status",
    "catalog",
    "recommend",
    "product_lookup",
    "help_center",
    "help_center:none",
    "late_parcel",
)
MAX_ORDERS = 3
MAX_QUOTES = 3
QUOTE_CHARS = 200

_NUMBER = re.compile(r"[A-Z]{1,4}-?\d{4,}|#?[A-Z]?\d{6,}", re.I)
_CLAUSE = re.compile(r"[^.!?。！？；;\n]+[.!?。！？；;]?")
# Threats a team must see first, by kind (English and Chinese).
THREATS: dict[str, re.Pattern[str]] = {
    "chargeback": re.compile(
        r"charge\s*-?\s*back|dispute (?:the|this|it|with)|(?:call|contact|tell) my bank|"
        r"拒付|银行.{0,6}(?:争议|申诉|退单)|信用卡.{0,4}(?:争议|申诉)",
        re.I,
    ),
    "legal": re.compile(r"\blawyer|\bsue\b|legal action|\bcourt\b|律师|起诉|法院|打官司", re.I),
    "review": re.compile(
        r"(?:bad|negative|1[- ]star|one[- ]star) review|trustpilot|post (?:this|it) online|"
        r"tell everyone|social media|差评|曝光|发到网上",
        re.I,
    ),
    "regulator": re.compile(
        r"consumer (?:protection|rights)|trading standards|\bBBB\b|\bFTC\b|12315|消协|消费者协会|"
        r"工商局|市场监管|投诉到",
        re.I,
    ),
    "leave": re.compile(
        r"never (?:order|buy|shop)\w* (?:from you|here)? ?again|close my account|"
        r"delete my account|再也不(?:买|来)|注销",
        re.I,
    ),
}
# A date the customer needs something by.
DEADLINE = re.compile(
    r"\b(?:by|before|until|no later than)\s+(?:the\s+|this\s+|next\s+|my\s+|our\s+|his\s+|her\s+)?"
    r"(?:mon|tue|wed|thu|fri|sat|sun)\w*|\b(?:by|before)\s+(?:tomorrow|tonight|the weekend|"
    r"christmas|\d{1,2}(?:st|nd|rd|th)?\b|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*)|"
    r"\b(?:birthday|wedding|anniversary|party|trip|holiday|vacation|flight)\b|"
    r"\bin time for\b|\bneed (?:it|them|this) (?:by|before|for)\b|"
    r"(?:周|星期|礼拜)[一二三四五六日天]|明天|后天|这周|下周|月底|生日|婚礼|出差|旅行|"
    r"(?:号|日|天|周|月|点)(?:之前|以前|前)|赶得上|来得及",
    re.I,
)


class SummaryWords(TypedDict):
    said: list[str]
    deadline: list[str]
    threats: list[str]


def _clauses(text: str, pattern: re.Pattern[str]) -> list[str]:
    return [c.strip() for c in _CLAUSE.findall(text) if pattern.search(c) and c.strip()]


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def customer_words(messages: list[Message]) -> SummaryWords:
    """The customer's words that matter: the message that asked for something the assistant
    recognised as a request, any that name a deadline or a threat, and the last one before the
    handoff; plus the deadline clauses and the kinds of threat."""
    said: list[int] = []
    deadline: list[str] = []
    threats: list[str] = []
    customer = [m for m in messages if m.role == MessageRole.CUSTOMER]
    replies = {m.seq: m for m in messages if m.role == MessageRole.BOT}
    for message in customer:
        text = message.text or ""
        reply = next((replies[s] for s in sorted(replies) if s > message.seq), None)
        meta = reply.metadata if reply is not None and isinstance(reply.metadata, dict) else {}
        weighty = meta.get("intent") in REQUEST_INTENTS
        for kind, pattern in THREATS.items():
            if pattern.search(text):
                weighty = True
                if kind not in threats:
                    threats.append(kind)
        for clause in _clauses(text, DEADLINE):
            weighty = True
            if _quote(clause) not in deadline:
                deadline.append(_quote(clause))
        if weighty and len(text.strip()) > 3:
            said.append(message.seq)
    if customer:
        said.append(customer[-1].seq)  # what they said last, before the handoff
    picked: list[int] = []
    for seq in said:
        if seq not in picked:
            picked.append(seq)
    if len(picked) > MAX_QUOTES:  # the first request and the latest words
        picked = [picked[0], *picked[-(MAX_QUOTES - 1) :]]
    by_seq = {m.seq: m for m in customer}
    return {
        "said": [_quote(by_seq[s].text) for s in sorted(picked)],
        "deadline": deadline[:3],
        "threats": threats,
    }


def orders_that_matter(
    *, conversation: Conversation, messages: list[Message], focus: str | None
) -> list[str]:
    """The verified customer's orders the customer named (latest last) and the one the chat is
    about, at most MAX_ORDERS; never a number only a list in a bot reply showed."""
    if conversation.verified_customer_id is None:
        return []
    own = {
        n.upper(): n
        for n in Order.objects.filter(customer_id=conversation.verified_customer_id).values_list(
            "number", flat=True
        )
    }
    named: list[str] = []
    for message in messages:
        if message.role != MessageRole.CUSTOMER:
            continue
        for match in _NUMBER.finditer(message.text or ""):
            number = own.get(match.group(0).lstrip("#").upper())
            if number is not None:
                if number in named:
                    named.remove(number)
                named.append(number)
    if focus and focus.upper() in own and own[focus.upper()] not in named:
        named.append(own[focus.upper()])
    return named[-MAX_ORDERS:]


def requests_and_actions(messages: list[Message]) -> tuple[list[str], list[str]]:
    """The requests the assistant recognised and what it did, as codes the desk knows."""
    wants: list[str] = []
    did: list[str] = []
    for message in messages:
        meta = message.metadata if isinstance(message.metadata, dict) else {}
        if message.role != MessageRole.BOT:
            continue
        intent = meta.get("intent")
        if intent in REQUEST_INTENTS and intent not in wants:
            wants.append(str(intent))
        tools = meta.get("tools")
        for tool in tools if isinstance(tools, list) else []:
            if not isinstance(tool, str):
                continue
            code = tool if tool in DID_CODES else ""
            if tool.startswith("execute:"):
                code = tool  # a change the customer confirmed
            if code and code not in did:
                did.append(code)
    return wants, did
