"""Data collection: the assistant's drafts, with what the model's wording of each must keep.

Drafts come from two places: the conversations the shop has had (each reply stores the turn the
dialogue manager decided on, `Message.metadata["turn"]`), and the scenario suites played against
the shop (rolled back, so the database is left as it was). They are the prompts the model is
evaluated on, and the drafts that reviewed rewordings are written for."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.replies.turn import Turn
from assistant.wording.kinds import turn_kind
from chatbot.models import Message, MessageRole


@dataclass
class Draft:
    question: str
    draft: str
    kind: str
    language: str = "en"
    must_keep: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    origin: str = ""  # "conversation:<id>" or "suite:<file>:<scenario>"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def draft_of(
    turn: Turn, *, question: str, language: str, origin: str, any_turn: bool = False
) -> Draft | None:
    """The draft of a turn the model may word (`any_turn`: of any turn but a confirmation), or
    None (confirmations, empty turns)."""
    if not turn.text or not (turn.llm_ok or any_turn):
        return None
    if any(a.get("type") == "confirm" for a in turn.attachments):
        return None
    return Draft(
        question=question,
        draft=turn.text,
        kind=turn_kind(turn),
        language=language,
        must_keep=list(dict.fromkeys(turn.must_keep)),
        sources=list(dict.fromkeys(turn.sources))[:8],
        origin=origin,
    )


def from_conversations(limit: int = 5000) -> Iterator[Draft]:
    """Drafts of the shop's own conversations, newest first."""
    replies = (
        Message.objects.filter(role=MessageRole.BOT)
        .select_related("conversation")
        .order_by("-pk")[:limit]
    )
    for reply in replies:
        stored = reply.metadata.get("turn") if isinstance(reply.metadata, dict) else None
        if not isinstance(stored, dict):
            continue
        question = (
            Message.objects.filter(
                conversation_id=reply.conversation_id, role=MessageRole.CUSTOMER, seq__lt=reply.seq
            )
            .order_by("-seq")
            .values_list("text", flat=True)
            .first()
        )
        draft = draft_of(
            Turn(**stored),
            question=question or "",
            language=reply.conversation.language or "en",
            origin=f"conversation:{reply.conversation_id}",
        )
        if draft is not None:
            yield draft


def from_suite(path: Path, *, any_turn: bool = False) -> list[Draft]:
    """Drafts of every turn of a scenario suite, played with the model off and rolled back."""
    from assistant import evaluation
    from assistant.replies import pipeline

    collected: list[Draft] = []
    current = {"scenario": ""}
    original = pipeline._turn_for

    def recording(*, question: Message, reply: Message) -> Turn:
        turn = original(question=question, reply=reply)
        draft = draft_of(
            turn,
            question=question.text,
            language=question.conversation.language or "en",
            origin=f"suite:{path.name}:{current['scenario']}",
            any_turn=any_turn,
        )
        if draft is not None:
            collected.append(draft)
        return turn

    scenarios = evaluation.scenarios_load(path)
    pipeline._turn_for = recording
    try:
        with evaluation.evaluation(llm=False):
            for scenario in scenarios:
                current["scenario"] = scenario.name
                evaluation.scenario_check(scenario)
    finally:
        pipeline._turn_for = original
    return collected


def _questions_for_shop() -> Iterator[tuple[str | None, str]]:
    """(customer email or None for a guest, message): what customers of this shop ask, built
    from its own data: every customer's orders, every help-center article, every category."""
    from orders.models import Category, HelpArticle, Order, Product

    for greeting in ("hi", "hello there", "thanks!", "bye", "are you a bot?", "how are you?"):
        yield None, greeting
    for article in HelpArticle.objects.filter(published=True):
        yield None, article.title.rstrip("?") + "?"
    for category in Category.objects.all():
        yield None, f"can you recommend something from {category.name.lower()}?"
    for product in Product.objects.filter(is_active=True)[:40]:
        yield None, f"tell me about the {product.name}"
    for order in Order.objects.select_related("customer").order_by("pk")[:80]:
        email = order.customer.email
        yield email, f"what's the status of {order.number}?"
        yield email, f"where is {order.number}?"
    for email in Order.objects.values_list("customer__email", flat=True).distinct()[:20]:
        yield email, "hi"
        yield email, "show me my orders"


def from_shop(*, any_turn: bool = True) -> list[Draft]:
    """Drafts of the questions this shop's customers ask (`_questions_for_shop`), each asked in a
    new conversation, with the model off and everything rolled back."""
    from assistant import evaluation
    from assistant.replies import pipeline
    from chatbot import services
    from orders.models import Customer

    collected: list[Draft] = []
    with evaluation.evaluation(llm=False), evaluation._rolled_back():
        for email, text in _questions_for_shop():
            customer = Customer.objects.filter(email=email).first() if email else None
            conversation = services.conversation_start_or_resume(customer=customer, resume=None)
            question, _ = services.message_post_customer(conversation_id=conversation.pk, text=text)
            reply = pipeline.reply_generate(customer_message_id=question.pk)
            stored = (reply.metadata or {}).get("turn") if reply is not None else None
            if not isinstance(stored, dict):
                continue
            draft = draft_of(
                Turn(**stored),
                question=text,
                language=conversation.language or "en",
                origin="shop",
                any_turn=any_turn,
            )
            if draft is not None:
                collected.append(draft)
    return collected
