"""What every part of the dialogue manager shares: the turn's context (`Ctx`), entities read
against a cached catalog, handing the chat to a person, asking a guest to verify, which order the
customer means, starting a task, and the help-center answers and links several handlers give.

This module imports no other part of the brain's dialogue manager; see `assistant.flows.engine`
for how the parts import each other."""

from __future__ import annotations

import dataclasses
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from assistant.flows.state import DialogueState, Task
from assistant.replies import facts
from assistant.replies.turn import Turn, money
from assistant.understanding import chinese, references
from assistant.understanding import entities as nlu_entities
from assistant.understanding.acts import Understanding
from assistant.understanding.entities import Entities
from chatbot import selectors
from chatbot.models import Conversation, Message
from orders.models import Customer, Order

# --- the turn's context ------------------------------------------------------------------------


@dataclass
class Ctx:
    conversation: Conversation
    state: DialogueState
    message: Message
    text: str
    turn: Turn
    ent: Entities
    action: dict[str, str] | None
    # What the message means as dialogue acts (`assistant.understanding.acts`), once read.
    understood: Understanding | None = None
    # The intents the customer said not to do in this message ("don't cancel it").
    negated: frozenset[str] = frozenset()
    resuming: bool = False  # handling a request an earlier message made (after verifying)
    # The verified customer's orders as references read them, read once per turn (`order_facts`).
    known_orders: list[references.OrderFacts] | None = None
    # The reply before asked which of the listed orders was meant: "it" is one of them.
    asked_which: bool = False
    asked_text: str | None = None  # the request the reply before asked "which order?" about

    @property
    def customer(self) -> Customer | None:
        return self.conversation.verified_customer


_catalog: tuple[float, list[nlu_entities.CatalogProduct]] = (0.0, [])
CATALOG_TTL_S = 30.0


def _catalog_cached() -> list[nlu_entities.CatalogProduct]:
    global _catalog
    loaded_at, catalog = _catalog
    if time.monotonic() - loaded_at > CATALOG_TTL_S or not catalog:
        catalog = nlu_entities.catalog_for_matching()
        _catalog = (time.monotonic(), catalog)
    return catalog


def catalog_reset() -> None:
    global _catalog
    _catalog = (0.0, [])


def entities(text: str, customer: Customer | None = None) -> Entities:
    """What `text` names. Order numbers are read against the shop's own numbers: for a verified
    customer, their orders in whatever form the shop numbers them (`#W8665881`, `order 8665881`,
    `sd100003`); numbers that are not theirs stay as written, so the reply can say so."""
    text = chinese.reading(text)
    ent = nlu_entities.extract(text, catalog=_catalog_cached())
    named = list(ent.order_numbers)
    if customer is not None:
        theirs = references.match_numbers(text, selectors.order_numbers_for_bot(customer=customer))
        keys = {references.number_key(n) for n in theirs}
        digits = {re.sub(r"\D", "", n) for n in theirs}
        named = theirs + [
            n
            for n in named
            if references.number_key(n) not in keys and re.sub(r"\D", "", n) not in digits
        ]
    # Tokens in another shop's format ("#W8665881"): letters, then five or more digits.
    for key, digits_ in references.number_candidates(text):
        new = all(references.number_key(n) != key for n in named) and all(
            re.sub(r"\D", "", n) != digits_ for n in named
        )
        if key != digits_ and len(digits_) >= 5 and new:
            named.append(key)
    if named == list(ent.order_numbers):
        return ent
    return dataclasses.replace(ent, order_numbers=tuple(named))


def order_facts(ctx: Ctx) -> list[references.OrderFacts]:
    """The verified customer's orders as references read them, newest first; read once a turn,
    however many steps of it resolve a reference."""
    assert ctx.customer is not None
    if ctx.known_orders is None:
        ctx.known_orders = _order_facts(ctx.customer)
    return ctx.known_orders


def _order_facts(customer: Customer, limit: int = 50) -> list[references.OrderFacts]:
    return [
        references.OrderFacts(
            number=o.number,
            status=o.status,
            placed=o.placed_at.date(),
            items=tuple(f"{i.product_name} ({i.variant_label})" for i in o.items.all()),
        )
        for o in selectors.orders_for_bot(customer=customer, limit=limit)
    ]


def handoff(ctx: Ctx, reason: str, text: str) -> None:
    ctx.turn.intent = ctx.turn.intent or "handoff"
    ctx.turn.say(text)
    ctx.turn.handoff = reason
    ctx.state.task = None
    ctx.state.pending = None
    ctx.state.agenda = []


def identity_request() -> str:
    """How a guest is asked to prove who they are, from the shop's identity checks
    (settings.BOT_IDENTITY_CHECKS)."""
    from django.conf import settings

    pairs = [check.split("+") for check in settings.BOT_IDENTITY_CHECKS]
    details = {
        "order": _("one of your order numbers"),
        "name": _("your full name"),
        "zip": _("your zip code"),
    }
    with_email = [details[b] for a, b in pairs if a == "email"]
    options = []
    if with_email:
        listed = (
            with_email[0]
            if len(with_email) == 1
            else facts.comma_list(with_email[:-1])
            # Translators: before the last of several alternatives ("a, b or c").
            + pgettext("list separator", " or ")
            + with_email[-1]
        )
        options.append(
            _("the email address you ordered with, together with %(details)s") % {"details": listed}
        )
    if ["name", "zip"] in pairs:
        options.append(_("your full name and zip code"))
    return _(
        "Before I can look at orders I need to check who you are. Please send %(options)s."
    ) % {
        # Translators: between the ways a guest can prove who they are.
        "options": pgettext("list separator", "; or ").join(options)
    }


# Said translated (`_(ONE_AT_A_TIME)`); the English text is the message id.
ONE_AT_A_TIME = gettext_noop("I'll take those one at a time.")


def names_owned(ctx: Ctx, text: str) -> bool:
    """Whether the text names an item of one of the customer's orders."""
    from assistant.flows import items as items_mod

    if ctx.customer is None:
        return False
    return any(
        items_mod.named_items(text, list(order.items.all()))
        for order in selectors.orders_for_bot(customer=ctx.customer, limit=10)
    )


def need_customer(ctx: Ctx) -> Customer | None:
    """The verified customer; otherwise asks the guest to verify, remembering the request."""
    if ctx.customer is not None:
        return ctx.customer
    if ctx.state.verify_locked:
        handoff(
            ctx, "verification_locked", _("A member of our team will help you with your order.")
        )
        return None
    # The whole message waits, not just the part being handled: once verified, it is read
    # again with the customer's orders ("swap the watch from #W…, use my gift card for it").
    if ctx.state.agenda:
        ctx.state.resume_text = chinese.reading(ctx.message.text)
        one_at_a_time = {ONE_AT_A_TIME, _(ONE_AT_A_TIME)}
        ctx.turn.parts[:] = [p for p in ctx.turn.parts if p not in one_at_a_time]
    else:
        ctx.state.resume_text = ctx.text
    ctx.state.agenda = []
    ctx.state.task = Task(name="identify", asking="identity")
    said = re.search(
        r"\border\s*(?:number|no\.?|#)?\s*:?\s*(#?[A-Za-z]{0,4}[-#]?\d{4,})",
        chinese.reading(ctx.message.text),
        re.I,
    )
    number = ctx.ent.order_numbers[0] if ctx.ent.order_numbers else (said.group(1) if said else "")
    if number:
        # "where's my refund for order 100007": the number is one of the identity facts.
        ctx.state.verify_given.setdefault("order", number)
    ctx.turn.say(identity_request())
    return None


# --- orders: which one -------------------------------------------------------------------------

OTHER = re.compile(r"\b(other|another|second|2nd|the rest|different)\b", re.IGNORECASE)
FIRST = re.compile(r"\b(first|1st|top|latest|last|most recent|newest)\b", re.IGNORECASE)


ORDERISH = re.compile(r"[#]?\b[A-Za-z]{0,4}-?\s?\d{5,}\b")


def refers_to_order(ctx: Ctx, customer: Customer) -> bool:
    """Whether the message describes one or more of the customer's orders (by item, date,
    status, position or recency), so a handler resolves it instead of listing every order."""
    ref = references.refer(ctx.text, order_facts(ctx), listed=ctx.state.listed_orders)
    return bool(ref.numbers)


def resolve_order(
    ctx: Ctx,
    customer: Customer,
    *,
    want: Callable[[Order], bool] | None,
    purpose: str,
    none_text: str,
) -> Order | None:
    """The order the customer means: a number they gave, "the other one", the order in focus, or
    the only one that fits; otherwise asks which (and returns None)."""
    state = ctx.state
    for number in ctx.ent.order_numbers:
        order = selectors.order_for_bot(customer=customer, number=number)
        if order is None:
            # Someone else's order gets the same words as one that doesn't exist.
            ctx.turn.say(
                _("I couldn't find an order %(number)s on your account. Please check the number.")
                % {"number": number}
            )
            offer_orders(ctx, customer, want)
            return None
        state.focus_order = order.number
        return order
    ref = references.refer(ctx.text, order_facts(ctx), listed=state.listed_orders)
    if ref.numbers:
        fits = [selectors.order_for_bot(customer=customer, number=n) for n in ref.numbers]
        found = [o for o in fits if o is not None]
        if len(found) > 1 and want is not None and any(want(o) for o in found):
            found = [o for o in found if want(o)]
        if len(found) == 1:
            # The one order the message describes, whatever its status: the handler says what
            # can and can't be done with it rather than picking another.
            state.focus_order = found[0].number
            return found[0]
        if found:
            ctx.turn.say(
                _("More than one of your orders fits. %(question)s")
                % {"question": _which_order(purpose)}
            )
            for order in found[:5]:
                ctx.turn.say(_order_line(order))
            state.listed_orders = [o.number for o in found[:5]]
            state.asked_which = True
            state.asked_text = ctx.text[-400:]
            ctx.turn.chips(*[o.number for o in found[:5]])
            return None
    if OTHER.search(ctx.text) and state.listed_orders:
        others = [n for n in state.listed_orders if n != state.focus_order]
        if len(others) == 1:
            order = selectors.order_for_bot(customer=customer, number=others[0])
            if order is not None:
                state.focus_order = order.number
                return order
    listed = _meant_among_listed(ctx, customer, want)
    if listed is not None and len(listed) == 1:
        state.focus_order = listed[0].number
        return listed[0]
    if listed is None and state.focus_order and not OTHER.search(ctx.text):
        order = selectors.order_for_bot(customer=customer, number=state.focus_order)
        if order is not None and (want is None or want(order)):
            return order
    orders = selectors.orders_for_bot(customer=customer)
    candidates = listed or [o for o in orders if want is None or want(o)]
    if not candidates:
        ctx.turn.say(none_text)
        return None
    if len(candidates) == 1 or (want is None and FIRST.search(ctx.text)):
        state.focus_order = candidates[0].number
        return candidates[0]
    ctx.turn.say(_which_order(purpose))
    for order in candidates[:5]:
        ctx.turn.say(_order_line(order))
    state.listed_orders = [o.number for o in candidates[:5]]
    state.asked_which = True
    state.asked_text = ctx.text[-400:]
    ctx.turn.chips(*[o.number for o in candidates[:5]])
    return None


_IT = re.compile(r"\b(it|its|it's|that|this|them|they|those|these|that one|this one)\b", re.I)


def _meant_among_listed(
    ctx: Ctx, customer: Customer, want: Callable[[Order], bool] | None
) -> list[Order] | None:
    """Right after the assistant asked which of some orders the customer meant, "can I still
    change it to an L?" is about one of those orders, never another: the listed orders that fit
    the request, or all of them when none does (the handler then says why not). None when the
    reply before asked nothing, or the message points elsewhere."""
    if not (ctx.asked_which and ctx.state.listed_orders and _IT.search(ctx.text)):
        return None
    if OTHER.search(ctx.text):
        return None
    listed = [
        o
        for o in (
            selectors.order_for_bot(customer=customer, number=n) for n in ctx.state.listed_orders
        )
        if o is not None
    ]
    if not listed:
        return None
    fitting = [o for o in listed if want is None or want(o)]
    return fitting or listed


# "Which order would you like to {purpose}?", a whole sentence for each purpose a handler passes.
_WHICH_ORDER = {
    "check": gettext_noop("Which order would you like to check?"),
    "track": gettext_noop("Which order would you like to track?"),
    "cancel": gettext_noop("Which order would you like to cancel?"),
    "change": gettext_noop("Which order would you like to change?"),
    "return": gettext_noop("Which order would you like to return?"),
}


def _which_order(purpose: str) -> str:
    known = _WHICH_ORDER.get(purpose)
    if known is not None:
        return _(known)
    # Translators: %(purpose)s is an English verb ("check"); only used for a purpose not above.
    return _("Which order would you like to %(purpose)s?") % {"purpose": purpose}


def _order_line(order: Order) -> str:
    """ "SD-100123: 1 × Harbor Tee (white / M) (Shipped)."."""
    return _("%(number)s: %(items)s (%(status)s).") % {
        "number": order.number,
        "items": facts.items_line(order),
        "status": order.get_status_display(),
    }


def offer_orders(ctx: Ctx, customer: Customer, want: Callable[[Order], bool] | None) -> None:
    orders = [
        o for o in selectors.orders_for_bot(customer=customer, limit=5) if not want or want(o)
    ]
    if orders:
        ctx.state.listed_orders = [o.number for o in orders]
        listed = facts.semicolon_list(
            _("%(number)s (%(status)s)")
            % {"number": o.number, "status": o.get_status_display().lower()}
            for o in orders
        )
        ctx.turn.say(_("Your recent orders: %(orders)s.") % {"orders": listed})
        ctx.turn.chips(*[o.number for o in orders[:5]])


def start_task(ctx: Ctx, name: str, order: Order | None, **slots: Any) -> Task:
    task = Task(name=name, order=order.number if order else None, slots=dict(slots))
    if name in ("return", "swap"):
        task.slots.setdefault("first_text", ctx.text)  # read again once the items are known
    ctx.state.task = task
    return task


# --- help center and links ---------------------------------------------------------------------


def help_link(ctx: Ctx, slug: str) -> None:
    from django.urls import reverse

    found = help_article_in_reply_language(slug)
    if found:
        title, slug = found
        ctx.turn.link(title, reverse("shop:help_article", args=[slug]))


def help_article_in_reply_language(slug: str) -> tuple[str, str] | None:
    """(title, slug) of the article `slug`, or of its published translation into the language
    the reply is written in: a Chinese reply links the Chinese page, under its Chinese title."""
    from django.utils import translation

    from orders.selectors import help_article_list

    article = help_article_list().filter(slug=slug).first()
    if article is None:
        return None
    if (translation.get_language() or "").lower().startswith("zh"):
        translated = (
            help_article_list()
            .filter(translation_of=article, language__istartswith="zh")
            .values_list("title", "slug")
            .first()
        )
        if translated:
            return translated
    return article.title, article.slug


def answer_from_help(
    ctx: Ctx,
    *,
    category: str | None = None,
    fallback: bool = True,
    prefer: re.Pattern[str] | None = None,
    query: str | None = None,
) -> bool:
    """Answer from the help center: the passages closest to `query` (by default what the
    customer wrote). True when something was said."""
    from assistant.flows import knowledge

    query = query or ctx.text
    # "how much", "how long": the question wants figures.
    figures = bool(
        re.search(r"\b(how (much|long|many)|cost|price|fee|days?|calculated)\b", query, re.I)
    )
    passages = knowledge.help_search(query, k=5 if prefer or figures else 2, category=category)
    if prefer is not None:
        # Among the close matches, the passage about what the question names answers it best:
        # one under a title that names it first ("International shipping", not the rates
        # page's "shipping outside the US? see International shipping"), and for "how much" /
        # "how long", one that states figures.
        preferred = sorted(
            (
                p
                for p in passages
                if prefer.search(p.original) and (not figures or re.search(r"\d", p.text))
            ),
            key=lambda p: not prefer.search(p.original_title),
        )
        passages = preferred[:1] + [p for p in passages if p not in preferred[:1]]
    elif figures and passages and not re.search(r"\d", passages[0].text):
        # A pointer ("see International shipping") scored as high as the figures it points to.
        close = [
            p
            for p in passages[1:]
            if p.score >= passages[0].score - 0.02 and re.search(r"\d", p.text)
        ]
        passages = close[:1] + [p for p in passages if p not in close[:1]]
    pool = passages
    passages = passages[:2] if prefer is None else passages
    if not passages:
        if fallback:
            ctx.turn.tools.append("help_center:none")  # a knowledge gap, for the reports
            ctx.turn.say(
                _("I couldn't find that in our help center. A member of our team can answer it.")
            )
            ctx.turn.chips(_("Talk to a human"))
        return False
    best = passages[0]
    ctx.turn.tools.append("help_center")
    quoted = _quote(best.text)
    if len(best.original) < 200 and _DEFERS.search(best.original):
        # "Who pays depends on where it was delivered…": a lead that only says it depends is
        # followed by the closest passage of the same article that says on what.
        after = next((p for p in pool[1:] if p.article_slug == best.article_slug), None)
        if after is not None:
            quoted = f"{quoted} {_quote(after.text)}"
    # The model may reword the passage but not drop what the customer asked for: its figures.
    ctx.turn.say(quoted, keep=tuple(dict.fromkeys(re.findall(r"\$\d[\d,]*(?:\.\d\d)?", quoted))))
    ctx.turn.source(*(p.text for p in passages))
    ctx.turn.link(best.title, best.url)
    ctx.turn.llm_ok = True
    return True


_DEFERS = re.compile(r"\b(depends?|varies|vary|differs?)\b", re.I)


def _quote(text: str, limit: int = 420) -> str:
    """A passage, its list items joined into a sentence, cut at a sentence end near `limit`
    characters."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # A short heading line ("Saved cards") reads as the lead-in of what follows it.
    lines = [
        (f"{line}：" if chinese.han_count(line[-2:]) else f"{line}:")
        if i < len(lines) - 1
        and not line.startswith("-")
        and len(line.split()) <= 10
        and line[-1] not in ".:!?。：！？;；"
        else line
        for i, line in enumerate(lines)
    ]
    text = " ".join(lines)
    text = re.sub(r"：\s+-\s+", "：", text)
    text = re.sub(r"(?<=[\u4e00-\u9fff。])\s+-\s+", "；", text)
    text = re.sub(r":\s+-\s+", ": ", text)
    text = re.sub(r"(?<=[^.:])\s+-\s+", "；" if chinese.han_count(text) else "; ", text)
    text = re.sub(r"\.\s+-\s+", ". ", text)
    text = re.sub(r"([；。：])[；;]+", r"\1", text)  # a Chinese list item that ended in 。 or ；
    text = re.sub(r";\s*;", ";", text)  # an English list item that ended in ";"
    if text and text[-1] not in ".!?。！？":
        text += "。" if chinese.han_count(text[-3:]) else "."
    if len(text) <= limit:
        return text
    cut = max(text.rfind(". ", 0, limit), text.rfind("\n", 0, limit), text.rfind("。", 0, limit))
    return text[: cut + 1] if cut > 80 else text[:limit].rsplit(" ", 1)[0] + "…"


def pay_link(ctx: Ctx, order: Order, *, intro: str) -> None:
    from orders.payment_links import payment_url

    ctx.turn.say(
        # Translators: %(intro)s is a sentence of its own ("Order SD-100123 hasn't been paid yet.").
        _("%(intro)s You can pay %(amount)s with the link below.")
        % {"intro": intro, "amount": money(order.grand_total, order.currency)},
        keep=(order.number,),
    )
    ctx.turn.link(
        _("Pay for order %(number)s") % {"number": order.number}, payment_url(order.number)
    )


# A help-center passage this close to a message the classifier wasn't sure about answers it
# (the retrieval's own floor is lower: it keeps passages to quote for sure intents too).
HELP_SURE_SCORE = 0.5


def help_is_sure(text: str) -> bool:
    from assistant.flows import knowledge

    passages = knowledge.help_search(text, k=1)
    return bool(passages) and passages[0].score >= HELP_SURE_SCORE
