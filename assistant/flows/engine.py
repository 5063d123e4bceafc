"""The dialogue manager: one customer message in, one grounded reply out.

`respond()` runs under the conversation's row lock: it reads the dialogue state, understands the
message (guards, intent, entities), fills in the task at hand, calls the order tools, and saves
the state. It never calls the language model: the reply it returns is a complete, correct draft
that `assistant.replies.pipeline` may let the model reword (and check) or send as is.

The customer the assistant acts for is `Conversation.verified_customer`, set by the server (a
signed-in customer, or a guest who proved who they are); no text the customer or the model writes
can change it.

This module is the turn pipeline: confirmations, guards, identity, the task being filled in,
understanding (several requests in one message, follow-ups, rescuing a not-sure message), the
agenda of requests still to answer, and `HANDLERS`, which maps an intent to its handler. The rest
lives beside it, each module importing only those after it in this list:
`slots` (filling in a task), `shop_flow` (help center, products, placing an order),
`orders_flow` (status, tracking, cancel, change, returns), `confirm` (propose, yes/no, execute),
`identity` (guest verification) and `context` (`Ctx` and the helpers every handler uses).
The few calls that go back up the list (verification resuming the remembered request, a slot
answer handing over to a handler, a correction re-filling the task being confirmed) import what
they call inside the function, so no import cycle exists when the modules load."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assistant.flows import quantity as quantity_mod
from assistant.flows.confirm import answer_pending
from assistant.flows.context import (
    ONE_AT_A_TIME,
    ORDERISH,
    Ctx,
    entities,
    handoff,
    help_is_sure,
    names_owned,
    order_facts,
    refers_to_order,
)
from assistant.flows.context import catalog_reset as catalog_reset
from assistant.flows.identity import MAX_VERIFY_ATTEMPTS as MAX_VERIFY_ATTEMPTS
from assistant.flows.identity import postal_codes, verification_step
from assistant.flows.orders_flow import (
    ADDRESS_WORDS,
    ITEM_WORDS,
    PAYMENT_WORDS,
    account,
    cancel,
    change,
    order_status,
    returns,
    track,
)
from assistant.flows.orders_flow import parse_address as parse_address
from assistant.flows.shop_flow import (
    help_center,
    payment_issue,
    place_order,
    price_question,
    product_question,
    recommend,
    refine,
    shipping_info,
)
from assistant.flows.slots import fill_task
from assistant.flows.state import DialogueState, Task
from assistant.replies.turn import Turn
from assistant.understanding import acts, chinese, guard, references
from assistant.understanding import intents as nlu_intents
from assistant.understanding.entities import ProductMatch
from assistant.understanding.entities import normalize as nlu_entities_normalize
from chatbot import selectors, services
from chatbot.models import Conversation, ConversationStatus, Message

MAX_NOT_SURE = 2

# English message ids: said through `_()` (`capabilities()`, `menu()`), in the active language.
CAPABILITIES = gettext_noop(
    "I can track your orders, cancel or change them, start returns and exchanges, answer "
    "questions about shipping, returns and payments, and help you find and buy products."
)
MENU = (
    gettext_noop("Track my order"),
    gettext_noop("Start a return"),
    gettext_noop("Shipping costs"),
    gettext_noop("Product ideas"),
    gettext_noop("Talk to a human"),
)


def capabilities() -> str:
    return _(CAPABILITIES)


def menu() -> tuple[str, ...]:
    """The menu's chips in the active language. A chip pressed comes back as the customer's
    message, which the understanding reads in either language."""
    return tuple(_(option) for option in MENU)


# --- entry point -------------------------------------------------------------------------------


def respond(*, message: Message) -> Turn:
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("verified_customer")
            .get(pk=message.conversation_id)
        )
        state = DialogueState.load(conversation.bot_state)
        action = message.metadata.get("action") if isinstance(message.metadata, dict) else None
        ctx = Ctx(
            conversation=conversation,
            state=state,
            message=message,
            # A Chinese message is read through its English reading, so every rule below holds
            # for it too (assistant/understanding/chinese.py); English is read as written.
            text=chinese.reading(message.text),
            turn=Turn(),
            ent=entities(chinese.reading(message.text), conversation.verified_customer),
            action=action if isinstance(action, dict) else None,
        )
        # Whether the reply before asked "which order?": read once, then cleared for this turn.
        ctx.asked_which, state.asked_which = state.asked_which, False
        ctx.asked_text, state.asked_text = state.asked_text, None
        _turn(ctx)
        services.conversation_save_bot_state(conversation=conversation, state=state.dump())
    return ctx.turn


def _turn(ctx: Ctx) -> None:
    state = ctx.state
    if ctx.action is None:
        _understand(ctx)
        # A message that also asks for what only staff may grant, or tries to instruct the
        # assistant, meets the guards below first ("give me a discount code or I won't buy").
        guarded = (
            guard.is_injection(ctx.text)
            or guard.sensitive_topic(ctx.text) is not None
            or guard.asks_for_promise(ctx.text)
        )
        if (
            ctx.negated
            and not guarded
            and _refuse_negated(ctx, ctx.understood.rest if ctx.understood else "")
        ):
            return
    if (state.pending is not None or ctx.action) and answer_pending(ctx):
        _continue_agenda(ctx)
        return
    if guard.is_injection(ctx.text):
        ctx.turn.intent = "injection"
        ctx.turn.say(
            _(
                "I can't change how I work or share my instructions, and I can only ever show the "
                "orders of the person I'm chatting with. %(capabilities)s"
            )
            % {"capabilities": capabilities()}
        )
        ctx.turn.chips(*menu())
        return
    topic = guard.sensitive_topic(ctx.text)
    if topic is not None:
        handoff(
            ctx,
            topic,
            _("I'm sorry to hear that. This needs a person, so I'm passing your chat to our team."),
        )
        return
    if guard.asks_for_promise(ctx.text):
        handoff(
            ctx,
            "promise",
            _(
                "I can't promise compensation, discounts, exceptions to our policies or anything "
                "legally binding. A member of our team can look at your request."
            ),
        )
        return
    if verification_step(ctx):
        return
    if state.task is not None and state.task.asking and fill_task(ctx):
        _continue_agenda(ctx)
        return
    understand_and_handle(ctx, ctx.text, first=True)
    _continue_agenda(ctx)


# --- understanding -----------------------------------------------------------------------------

# The intent of each action a confirmation or a task carries out.
ACTION_INTENT = {
    "cancel": "cancel_order",
    "swap": "change_order",
    "quantity": "change_order",
    "address": "change_order",
    "payment": "change_order",
    "return": "return_refund",
    "place_order": "place_order",
}
_NEGATED_SAY = {
    "cancel_order": gettext_noop("OK, I won't cancel anything."),
    "change_order": gettext_noop("OK, I won't change anything."),
    "return_refund": gettext_noop("OK, no return or refund."),
    "human_agent": gettext_noop("OK, I'll keep helping you here."),
}


def _refuse_negated(ctx: Ctx, rest: str) -> bool:
    """The customer said not to do something ("NO don't cancel anything!!"): drop a confirmation
    or task for it, say so, and answer whatever else the message asks. Never the request itself.
    True when this turn is done."""
    state = ctx.state
    dropped = False
    for held in (state.pending, state.task):
        if (
            held is not None
            and ACTION_INTENT.get(held.name if isinstance(held, Task) else held.action)
            in ctx.negated
        ):
            dropped = True
    if dropped:
        state.pending = None
        state.task = None
        state.agenda = []
    said = [_(_NEGATED_SAY[i]) for i in sorted(ctx.negated) if i in _NEGATED_SAY]
    if dropped or said:
        ctx.turn.say(said[0] if said else _("OK, I've left everything as it was."))
        ctx.turn.intent = "deny"
    if len(rest.split()) >= 2 or ctx.ent.order_numbers:
        if verification_step(ctx):
            return True
        understand_and_handle(ctx, rest or ctx.text, first=True)
        _continue_agenda(ctx)
        return True
    ctx.turn.say(_("What would you like me to do instead?"))
    ctx.turn.chips(*menu())
    return True


_SPLIT = re.compile(
    r"(?<=[.?!])\s+|\s*;\s*|\s+(?:and also|also|and then|plus|and)\s+(?=(?:can|could|what|where|"
    r"how|when|is|are|do|does|will|has|have|did|was|were|whats|what's|wheres|where's|why|which|"
    r"i|i'd|i'm|my|please|cancel|track|return|change|refund|tell)\b)",
    re.IGNORECASE,
)
_SMALL_TALK = {"greeting", "thanks", "goodbye", "small_talk"}
# A second piece of a message is a request of its own only when it asks for one of these.
_SEPARATE = {
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
    "human_agent",
}


def _split_requests(ctx: Ctx, text: str) -> list[tuple[str, nlu_intents.Prediction]]:
    """The separate requests of a message ("where is my order and can I return the mug?"), each
    with its intent; one entry when the message asks one thing."""
    pieces = [p.strip() for p in _SPLIT.split(text) if p and len(p.strip().split()) >= 2]
    if len(pieces) < 2:
        return [(text, acts.intent_after_negation(nlu_intents.classify(text), ctx.negated))]
    predictions = nlu_intents.get_classifier().predict_many(pieces)
    pieces, predictions = _one_task(ctx, pieces, list(predictions))
    requests: list[tuple[str, nlu_intents.Prediction]] = []
    seen: set[tuple[str, tuple[str, ...]]] = set()
    for piece, prediction in zip(pieces, predictions, strict=True):
        if not prediction.is_sure and prediction.guess in _ORDER_INTENTS and ORDERISH.search(piece):
            # "where is SD-100123?" is short enough to leave the classifier unsure.
            prediction = dataclasses.replace(prediction, label=prediction.guess)
        prediction = acts.intent_after_negation(prediction, ctx.negated)
        # The same request twice is one request, unless it is about another order ("the
        # tracking for SD-100003, and has SD-100221 shipped?").
        key = (prediction.label, tuple(entities(piece, ctx.customer).order_numbers))
        if prediction.label == "place_order" and _OWNS.search(piece) and not _BUYS.search(piece):
            continue  # "I've got your black bottle.": what they have, not a purchase
        if prediction.is_sure and prediction.label in _SEPARATE and key not in seen:
            seen.add(key)
            requests.append((piece, prediction))
    if len(requests) < 2:
        whole = acts.intent_after_negation(nlu_intents.classify(text), ctx.negated)
        if requests and requests[0][1].label in _TASKS and whole.label not in _TASKS:
            # The pieces read as one task ("I got a lamp… I'd rather have the white one"):
            # the task, on the whole message.
            return [(text, requests[0][1])]
        return [(text, whole)]
    first_orders = set(entities(requests[0][0], ctx.customer).order_numbers)
    other_task = any(
        (set(entities(p, ctx.customer).order_numbers) - first_orders)
        or (pred.label in _TASKS and pred.label != "cancel_order")
        for p, pred in requests[1:]
    )
    if (
        requests[0][1].label == "cancel_order"
        and not other_task
        and not any("?" in p for p, _prediction in requests[1:])
    ):
        # "cancel SD-100002, I ordered the wrong size": the rest is the reason, not a request.
        return [(text, requests[0][1])]
    return requests


_ABOUT_IT = re.compile(
    r"\b(it|they|them|this|that|these|those|this one|that one|the (?:cheaper|cheapest|more "
    r"expensive|most expensive|first|second|third|last) one)\b",
    re.I,
)
_SIZE_ASKED = re.compile(
    r"\b(which size|what size|size (?:up|down)|(?:xxs|xs|s|m|l|xl|xxl|\d{1,2}) or (?:an? )?"
    r"(?:xxs|xs|s|m|l|xl|xxl|\d{1,2})|between (?:an? )?(?:xxs|xs|s|m|l|xl|xxl|\d{1,2}) and)\b",
    re.I,
)
# A question about one product ("is it waterproof?", "can I swim with it?", "does it come in
# XS?", "what colours does the cheaper one have?"), as opposed to a request for suggestions.
_PRODUCT_FACT_ASKED = re.compile(
    r"\b(is|are|does|do|can|could|will|would|how)\b.{0,60}\b(waterproof|water ?resistant|swim\w*|"
    r"pool|shower|rain|washable|wash\w*|warm|material|made of|battery|fit|fits|run (?:small|large|"
    r"big)|comes? in|available in|have (?:it|them|one|an?|any)|in stock)\b|"
    r"\b(what|which) (colou?rs?|sizes?)\b|\bcolou?rs? (?:are there|does it|do they)\b|"
    r"\b(waterproof|water ?resistant|washable|warm|breathable)\s*\?",
    re.I,
)
_WANTS_SUGGESTIONS = re.compile(
    r"\b(recommend\w*|suggest\w*|looking for|look for|show me|any ideas|ideas for|want to buy|"
    r"i'?d like (?:a|some)|i need (?:a|some)|options for|something for)\b",
    re.I,
)


def _orders_asked(ctx: Ctx, piece: str, label: str) -> str:
    """ "my other orders?", "list my orders" the classifier wasn't sure of: the order list."""
    from assistant.flows.orders_flow import _ORDERS_PLURAL

    if label not in (nlu_intents.NOT_SURE, "out_of_scope", "small_talk"):
        return label
    if ctx.customer is None or not _ORDERS_PLURAL.search(piece) or len(piece.split()) > 10:
        return label
    return "order_status"


def _question_about_a_product(ctx: Ctx, piece: str, label: str) -> str:
    """ "I'm between S and M for the cable-knit cardigan, which should I get?" names a product and
    asks a fact about it: a product question, not a new recommendation. So does "do they come in
    XS?" right after products were shown (the first of them is meant)."""
    if label not in (
        "product_recommendation",
        "product_refine",
        nlu_intents.NOT_SURE,
        "out_of_scope",
    ):
        return label
    if not (_SIZE_ASKED.search(piece) or _PRODUCT_FACT_ASKED.search(piece)):
        return label
    if _WANTS_SUGGESTIONS.search(piece) and not _SIZE_ASKED.search(piece):
        return label  # "recommend a rain jacket": suggestions, not one product's facts
    strong = [m for m in ctx.ent.products if m.score >= 0.6]
    if strong:
        return "product_question"
    if ctx.state.shown_products and _ABOUT_IT.search(piece) and not ctx.ent.products:
        return "product_question"
    return label


def _audience_follow_up(ctx: Ctx, piece: str, label: str) -> str:
    """ "and the men's?" right after one product was shown: the same product for the other
    audience, if the catalog has it ("Women's Waterproof Hiking Boot" → "Men's …")."""
    from assistant.flows import knowledge

    if label not in (nlu_intents.NOT_SURE, "out_of_scope", "small_talk", "product_refine"):
        return label
    if len(ctx.state.shown_products) != 1 or len(piece.split()) > 6 or ctx.ent.products:
        return label
    audience = knowledge.audience_find(piece)
    if audience is None:
        return label
    match = selectors.product_for_audience(
        product_id=ctx.state.shown_products[0], audience=audience
    )
    if match is None:
        return label
    ctx.ent = dataclasses.replace(
        ctx.ent, products=(ProductMatch(product_id=match.pk, name=match.name, score=1.0),)
    )
    return "product_question"


def _quantity_change(ctx: Ctx, piece: str, label: str) -> str:
    """ "on SD-100010 I only need 1 pair of the jeans, not 2", "remove one of the mugs": another
    quantity of an item on an order is a change of the order, not a cancellation, a status
    question or a purchase (a purchase only when no order is meant)."""
    if not quantity_mod.asks_quantity(piece):
        return label
    if (
        label == "cancel_order"
        and re.search(r"\b(orders?)\b", piece, re.I)
        and not (quantity_mod.wanted_quantity(piece, 2) not in (None, 1))
    ):
        return label  # "cancel one of my orders": a cancellation
    if label in ("change_order", "cancel_order", "order_status", "out_of_scope", "small_talk"):
        return "change_order"
    if label in (nlu_intents.NOT_SURE, "product_question", "place_order") and (
        ctx.ent.order_numbers or ctx.state.focus_order
    ):
        return "change_order"
    return label


# "I've got your black bottle", "I already have the lamp": a statement of what the customer
# owns; "I'd like to buy", "can I order", "I'll take": a purchase.
_OWNS = re.compile(r"\b(i'?ve\s+got|i\s+have\s+got|i\s+(already\s+)?(have|own)|i\s+bought)\b", re.I)
_BUYS = re.compile(
    r"\b(buy|order|purchase|take|want|need|like|get\s+(me|one|another)|add|checkout|cart)\b", re.I
)
_TASKS = {"cancel_order", "change_order", "return_refund"}
_PRONOUN = re.compile(
    r"\b(it|they|them|this( order)?|that( order)?|the order|those|these|both)\b", re.I
)


def _one_task(
    ctx: Ctx, pieces: list[str], predictions: list[nlu_intents.Prediction]
) -> tuple[list[str], list[nlu_intents.Prediction]]:
    """Pieces that go on with the task before them are one request: "exchange the keyboard for
    the tactile one. And the black earbuds, swap them for white ones", "#W2001010 hasn't shipped
    yet right? I want to upgrade a couple things in it"."""
    out_pieces: list[str] = []
    out_predictions: list[nlu_intents.Prediction] = []
    for piece, prediction in zip(pieces, predictions, strict=True):
        if not prediction.is_sure and prediction.guess in _ORDER_INTENTS and ORDERISH.search(piece):
            # "return the coffee maker from #W2001011, it's too big" is short enough to leave the
            # classifier unsure: its best guess, with the order number, is the request, and what
            # follows it ("refund to my card") goes on with it.
            prediction = dataclasses.replace(prediction, label=prediction.guess)
        own = entities(piece, ctx.customer).order_numbers
        earlier = entities(out_pieces[-1], ctx.customer).order_numbers if out_pieces else ()
        label = _owned_change(ctx, piece, prediction.label, numbers=own or earlier)
        if _NEW_ADDRESS.search(piece) and _PRONOUN.search(piece) and label not in _TASKS:
            label = "change_order"  # "could it go to a different address?"
        if label != prediction.label:
            prediction = dataclasses.replace(prediction, label=label, confidence=1.0)
        if out_pieces:
            before, previous = out_pieces[-1], out_predictions[-1]
            same_order = not own or set(own) <= set(earlier)
            shopping = ("place_order", "product_question", "product_recommendation")
            bare_number = bool(own) and not re.search(
                r"[^\W\d_]{2,}",
                re.sub(
                    r"\b(order|number|no|num|it'?s|is|the|my)\b",
                    " ",
                    ORDERISH.sub(" ", piece),
                    flags=re.I,
                ),
            )
            fragment = _fragment(ctx, piece, previous.label)
            goes_on = bare_number or fragment or (same_order and (
                (previous.label in _TASKS
                    and (label in (previous.label, *shopping, "change_order", "payment_issue",
                                   "complaint", "small_talk")
                         or not prediction.is_sure
                         or (label in _TASKS and bool(_MONEY_TAIL.search(piece)))))
                or (previous.label in ("order_status", "track_shipment", "payment_issue")
                    and label in _TASKS and not own and not _OTHER_ORDER.search(piece)
                    and (bool(_PRONOUN.search(piece)) or bool(earlier)))
                or (previous.label in shopping and label in _TASKS and names_owned(ctx, before))
                or (previous.label in shopping and label in shopping and not own
                    and bool(_PRONOUN.search(piece))
                    and not entities(piece, ctx.customer).products)
            ))  # fmt: skip
            if goes_on:
                out_pieces[-1] = f"{before} {piece}"
                if previous.label not in _TASKS and not fragment:
                    out_predictions[-1] = prediction
                continue
        out_pieces.append(piece)
        out_predictions.append(prediction)
    return out_pieces, out_predictions


_FRAGMENT_FILLER = re.compile(
    r"\b(and|also|then|so|in total|total|altogether|exactly|roughly|about|was|is|it|that|"
    r"this|were|the|money|please|pls)\b",
    re.IGNORECASE,
)
_ABOUT_BEFORE = frozenset(
    ["charged", "charge", "paid", "pay", "cost", "costs", "did", "do", "you", "i", "in", "for",
     "take", "takes", "refund", "refunded", "back"]
)  # fmt: skip
_FRAGMENT_QUESTION = re.compile(
    r"\b(how (much|many|long)|when|which one|what time|what date)\b", re.I
)


def _fragment(ctx: Ctx, piece: str, previous: str) -> bool:
    """ "…which card was charged? and how much?": a question word or two with nothing of its
    own (no order, no product) asks about what the piece before it is about."""
    if previous in ("greeting", "thanks", "goodbye", "small_talk") or not _FRAGMENT_QUESTION.search(
        piece
    ):
        return False
    # What is left once the question words and filler are gone must be about the piece before
    # ("charged", "paid"): "how much is shipping?" or "when does it arrive?" ask their own.
    rest = _FRAGMENT_QUESTION.sub(" ", _FRAGMENT_FILLER.sub(" ", piece))
    words = re.findall(r"[^\W\d_]+", rest.lower())
    if any(w not in _ABOUT_BEFORE for w in words):
        return False
    return not entities(piece, ctx.customer).order_numbers


def _payment_change(ctx: Ctx, text: str) -> bool:
    """Whether the message asks to pay one of the customer's pending orders another way."""
    if ctx.customer is None or not _PAYMENT_CHANGE.search(text):
        return False
    from assistant.flows.orders_flow import payment_methods_named

    methods = selectors.payment_methods_for_bot(customer=ctx.customer)
    if not payment_methods_named(text, methods):
        return False
    orders = selectors.orders_for_bot(customer=ctx.customer, limit=10)
    wanted = set(ctx.ent.order_numbers)
    return any(o.status == "pending" and (not wanted or o.number in wanted) for o in orders)


_FACT_ASKED = re.compile(
    r"\b(what|which|whats|what's|tell me)\b.{0,50}\b(?P<what>ad+res+e?|street|card|"
    r"payment method|pay(ing|ed)? (it )?with|paid with)\b|"
    r"\bwhere\b.{0,50}\b(?P<where>(shipp?|deliver|go|sen[dt])\w* to)\b",
    re.I,
)
_CHANGING = re.compile(r"\b(change|update|switch|use|instead|new|different|move|correct)\b", re.I)


def _order_fact_question(ctx: Ctx) -> bool:
    """ "which card is #W2001020 on?", "what's the shipping address on it?": the order's own
    facts, said; not a change. True when answered."""
    from assistant.replies import facts as reply_facts

    m = _FACT_ASKED.search(ctx.text)
    customer = ctx.customer
    if m is None or customer is None or _CHANGING.search(ctx.text):
        return False
    number = (ctx.ent.order_numbers or (ctx.state.focus_order,))[0]
    order = selectors.order_for_bot(customer=customer, number=str(number)) if number else None
    if order is None:
        return False
    what = (m.group("what") or m.group("where") or "").lower()
    ctx.turn.intent = "order_status"
    ctx.turn.tools.append("order_lookup")
    if re.search(r"card|pay", what):
        paid = reply_facts.is_paid(order)
        if order.payment_method is None:
            said = (
                _("Order %(number)s is paid with no payment method.")
                if paid
                else _("Order %(number)s is set to be paid with no payment method.")
            )
        else:
            said = (
                _("Order %(number)s is paid with %(method)s.")
                if paid
                else _("Order %(number)s is set to be paid with %(method)s.")
            )
        method = order.payment_method.label if order.payment_method else ""
        ctx.turn.say(said % {"number": order.number, "method": method}, keep=(order.number,))
        reply_facts.money_record(ctx.turn, order)  # "which card was charged, and how much?"
    else:
        reply_facts.shipping_address(ctx.turn, order)
    ctx.state.focus_order = order.number
    return True


# "Refund the difference to my Visa", "put the extra on my gift card": the money of the task.
_MONEY_TAIL = re.compile(
    r"\b(difference|the extra|refund (it|them|the|that|to)|charge (it|them|the|my|that)|"
    r"pay (it|the|with|for the)|put (it|the|that))\b",
    re.I,
)
_PAYMENT_CHANGE = re.compile(
    r"\b(pay|payment|paying|charge|card|paypal)\b.{0,50}\b(change|switch|move|use|onto|instead|"
    r"rather|swap|to my|with my)\b|\b(change|switch|move|swap)\b.{0,30}\b(pay|payment|card|"
    r"paypal)\b",
    re.I,
)
_OTHER_ORDER = re.compile(r"\b(other|another|second|different|2nd)\s+(order|one|purchase)\b", re.I)
_NEW_ADDRESS = re.compile(
    r"\b(different|new|another|other|correct|right)\s+(shipping\s+|delivery\s+)?address\b", re.I
)
_ASKS_STATUS = re.compile(
    r"\b(status|update on|where (is|are)|when (will|does|is)|track\w*|"
    r"has .{0,30} (arrived|shipped))\b",
    re.I,
)
_CHANGE_WORDS = re.compile(
    r"\b(upgrade|downgrade|swap|exchange|switch|change|instead|rather have|trade|replace)\b|"
    r"\b(a|another|different|other)\s+(colou?r|size)\b",
    re.I,
)


# Labels a message about items gets, whoever owns them; the customer's own items make it a task.
_ABOUT_ITEMS = ("place_order", "product_question", "product_recommendation", nlu_intents.NOT_SURE)


def _owned_change(ctx: Ctx, text: str, label: str, *, numbers: tuple[str, ...] = ()) -> str:
    """ "I'd rather have the modern white lamp, can I swap it?", "upgrade a couple things in
    it": a change to something the customer already ordered, not a new purchase. It becomes a
    change of a pending order or an exchange of a delivered one."""
    customer = ctx.customer
    if label not in (*_ABOUT_ITEMS, "order_status"):
        return label
    from assistant.flows import items as items_mod

    asks_other_fit = bool(
        _FITS_BADLY.search(text)
        and (
            ctx.ent.sizes or ctx.ent.colours or items_mod.size_step(text) or _IN_OPTION.search(text)
        )
    ) or bool(items_mod.size_step(text))
    if _ASKS_STATUS.search(text) or not (_CHANGE_WORDS.search(text) or asks_other_fit):
        return label
    if customer is None:
        # A guest's "swap the watch from W2001015 for the brown band one": a change of that
        # order (asked once they are verified), whatever its items turn out to be.
        return "change_order" if ORDERISH.search(text) else label

    facts = order_facts(ctx)
    wanted = set(numbers) | set(ctx.ent.order_numbers)
    candidates = [f for f in facts if f.number in wanted] if wanted else facts
    for fact in candidates:
        order = selectors.order_for_bot(customer=customer, number=fact.number)
        if order is None:
            continue
        named = items_mod.named_items(text, list(order.items.all()))
        if not named and not (wanted and _PRONOUN.search(text)):
            continue
        if order.status == "pending":
            ctx.state.focus_order = order.number
            return "change_order"
        if order.status in ("delivered", "return_requested"):
            # Another option of a delivered item is an exchange (change() opens it); a refund
            # asked with it is a return.
            ctx.state.focus_order = order.number
            return "change_order" if not _REFUND_ASKED.search(text) else "return_refund"
    return label


# "it's a bit tight", "too big", "doesn't fit": with another size asked for, an exchange.
_FITS_BADLY = re.compile(
    r"\b(too|a bit|bit|slightly|way|kinda|rather)\s+(tight|small|big|large|loose|short|long|"
    r"snug|baggy)\b|\bdoesn'?t fit\b|\bdon'?t fit\b|\bdid not fit\b|\bruns? (small|big|large)\b",
    re.I,
)
_IN_OPTION = re.compile(r"\b(in|an?)\s+(?:size\s+)?(xxs|xs|s|m|l|xl|xxl|\d{1,2}(?:\.5)?)\b", re.I)
_REFUND_ASKED = re.compile(r"\b(refund\w*|money back|my money)\b", re.I)


# "send back the lamp and the bottle", "return two things from #W2001001", "refund the mug".
_RETURN_WORDS = re.compile(r"\b(return|returning|send\b.{0,40}\bback|refund)\b", re.I)


def _owned_return(ctx: Ctx, text: str, label: str) -> str:
    """ "I'd like to send back two things from #W2001001, the bottle and the lamp": items the
    customer already has, with a word for sending them back, are a return, not a purchase."""
    customer = ctx.customer
    if label not in _ABOUT_ITEMS:
        return label
    if customer is None or not _RETURN_WORDS.search(text) or _ASKS_STATUS.search(text):
        return label
    from assistant.flows import items as items_mod

    wanted = set(ctx.ent.order_numbers)
    for fact in order_facts(ctx):
        if wanted and fact.number not in wanted:
            continue
        order = selectors.order_for_bot(customer=customer, number=fact.number)
        if order is None or order.status not in ("delivered", "return_requested"):
            continue
        if fact.number in wanted or items_mod.named_items(text, list(order.items.all())):
            return "return_refund"
    return label


def understand_and_handle(ctx: Ctx, text: str, *, first: bool) -> None:
    requests = (
        _split_requests(ctx, text)
        if first
        else [(text, acts.intent_after_negation(nlu_intents.classify(text), ctx.negated))]
    )
    piece, prediction = requests[0]
    if ctx.ent.order_numbers:
        prediction = acts.about_the_shop(prediction)
    if first and len(requests) > 1:
        ctx.state.agenda = [p for p, _prediction in requests[1:]]
        ctx.turn.say(_(ONE_AT_A_TIME))
    ctx.turn.intent = ctx.turn.intent or prediction.label
    ctx.turn.confidence = ctx.turn.confidence or round(prediction.confidence, 3)
    if len(requests) > 1:
        ctx.ent = entities(piece, ctx.customer)
        ctx.text = piece  # each part is handled, and its orders resolved, on its own words
    label = prediction.label
    picked = _pick_from_list(ctx, piece, prediction)
    if picked is not None:
        label = picked
    last = ctx.state.last_intent
    follow_up = _FOLLOW_UP.search(piece) and len(piece.split()) <= 8 and last in _ORDER_INTENTS
    # "and the other one?", "what about SD-100123", "and the payment method?"
    about_change = last == "change_order" and bool(
        PAYMENT_WORDS.search(piece) or ADDRESS_WORDS.search(piece) or ITEM_WORDS.search(piece)
    )
    if (
        follow_up
        and last is not None
        and (
            not prediction.is_sure
            or label in ("out_of_scope", "order_status")
            or about_change
            or (len(piece.split()) <= 5 and prediction.confidence < 0.8)
        )
    ):
        label = last
    elif (
        label in (nlu_intents.NOT_SURE, "out_of_scope")
        and ctx.state.focus_order
        and not ctx.ent.order_numbers
        and _PRONOUN.search(piece)
        and len(piece.split()) <= 8
        and any(name in _ORDER_INTENTS for name, _score in prediction.scores[:3])
    ):
        # "ok, what stage is it at now?" right after an order was shown: about that order. A
        # question, so the look-up, never a change.
        label = "order_status"
    if label in ("product_question", "place_order", "product_recommendation", nlu_intents.NOT_SURE):
        label = _about_my_order(ctx, piece, label)
    label = _owned_change(ctx, piece, label)
    label = _owned_return(ctx, piece, label)
    label = _quantity_change(ctx, piece, label)
    label = _question_about_a_product(ctx, piece, label)
    label = _orders_asked(ctx, piece, label)
    label = _audience_follow_up(ctx, piece, label)
    if label in ("payment_issue", "account", nlu_intents.NOT_SURE, "help_center") and (
        _payment_change(ctx, piece)
    ):
        label = "change_order"  # "move the payment for #W2001005 off PayPal onto my Mastercard"
    if label == nlu_intents.NOT_SURE:
        label = _rescue(ctx, prediction, piece)
    refining = bool(ctx.state.last_query and _REFINE.search(piece)) and len(piece.split()) <= 8
    if label in (nlu_intents.NOT_SURE, "out_of_scope") and refining:
        label = "product_refine"  # "something in red" right after a recommendation
    if label == nlu_intents.NOT_SURE and help_is_sure(piece):
        label = "help_center"  # "do you sell gift cards?": the help center knows
    if label in ctx.negated:
        # However it was reached ("don't cancel the first one" picking from a cancel list, a
        # follow-up of a cancel): what the customer said not to do is never done.
        ctx.turn.say(_("What would you like me to do instead?"))
        ctx.turn.chips(*menu())
        return
    if ctx.ent.order_numbers and not re.search(
        r"[^\W\d_]{2,}", ORDERISH.sub(" ", nlu_entities_normalize(piece))
    ):
        # Just an order number ("ＳＤ－１００３３０", a chip): what about it.
        label = ctx.state.last_intent or "order_status"
    _settle_acts(ctx, piece, label, first=first)
    if label == nlu_intents.NOT_SURE:
        _not_sure(ctx)
        return
    ctx.state.not_sure_streak = 0
    if label in _ORDER_INTENTS and guard.is_angry(piece):
        # An angry customer with a request gets the request done, not a queue.
        ctx.turn.say(_("I'm sorry about the trouble."))
    if label in _ORDER_INTENTS:
        ctx.state.last_intent = label
    if ctx.turn.intent == prediction.label:
        ctx.turn.intent = label
    if label not in ("cancel_order", "return_refund") and _order_fact_question(ctx):
        return
    if label not in _TASKS and price_question(ctx, label):
        return
    HANDLERS.get(label, _out_of_scope)(ctx)


# "where's my skirt", "when will my headphones arrive", "has my coat shipped": about an order.
_WHERE_MY = re.compile(
    r"\b(where'?s|where\s+(is|are)|wheres|when\s+(will|does|do|is|are)|has|have|did|what'?s\s+"
    r"(happening|going\s+on)\s+with|status\s+of|track)\b.{0,40}\bmy\b",
    re.IGNORECASE,
)


# "where are the two bralettes I bought", "the lamp we ordered: when does it come?"
_I_BOUGHT = re.compile(r"\b(i|we)\s+(just\s+)?(bought|ordered|purchased|paid for)\b", re.I)
_WHERE_WHEN = re.compile(
    r"\b(where|when|arriv\w*|ship(ped)?|status|track\w*|come|came|deliver\w*)\b", re.I
)


def _about_my_order(ctx: Ctx, text: str, label: str) -> str:
    """A message read as a product question that asks where the customer's own item is."""
    if not _WHERE_MY.search(text) and not (_I_BOUGHT.search(text) and _WHERE_WHEN.search(text)):
        return label
    if ctx.customer is not None and not refers_to_order(ctx, ctx.customer):
        return label  # "has my size come back in stock?": not one of their orders' items
    return "order_status"


def _pick_from_list(ctx: Ctx, text: str, prediction: nlu_intents.Prediction) -> str | None:
    """Right after the assistant listed orders to choose from, "the indigo pair", "the second
    one" or "the one with the swimsuit" picks one of them: the intent that listed them goes on,
    with that order. None when the message doesn't pick one (or asks for something else)."""
    state = ctx.state
    customer = ctx.customer
    if not state.listed_orders or customer is None:
        return None
    if ctx.ent.order_numbers:
        # "yes, SD-100310, the one with the shirts" right after "which order would you like to
        # return?": the answer, unless it asks for another thing to be done with it.
        named = {n.upper() for n in ctx.ent.order_numbers}
        shown = {n.upper() for n in state.listed_orders}
        asks_other = (
            prediction.is_sure
            and prediction.label in _ORDER_INTENTS - {"order_status", "track_shipment"}
            and prediction.label != state.last_intent
            and prediction.confidence >= 0.6
        )
        if (
            ctx.asked_which
            and len(named) == 1
            and named <= shown
            and state.last_intent in _ORDER_INTENTS
            and not asks_other
        ):
            state.focus_order = next(iter(named))
            _with_request_asked(ctx)
            return state.last_intent
        return None
    if prediction.is_sure and prediction.label in _ORDER_INTENTS and prediction.confidence >= 0.6:
        # "cancel the second one": that request, on the order it picks (resolve_order).
        return None
    listed = [f for f in order_facts(ctx) if f.number in state.listed_orders]
    ref = references.refer(text, listed, listed=state.listed_orders)
    if ref.unique is None or ref.how == "recent":
        return None
    state.focus_order = ref.unique
    if ctx.asked_which:
        _with_request_asked(ctx)
    ctx.ent = dataclasses.replace(ctx.ent, order_numbers=(ref.unique,))
    if ctx.understood is not None:
        # A pick, not a new request: the classifier's reading of "the green one" goes.
        kept = [a for a in ctx.understood.acts if a.kind in ("deny", "correct", "small_talk")]
        ctx.understood = dataclasses.replace(ctx.understood, acts=(*kept, acts.Act("select")))
        ctx.turn.acts = ctx.understood.labels()
    return state.last_intent or "order_status"


def _with_request_asked(ctx: Ctx) -> None:
    """The answer to "which order?" read together with the request that asked it: "I'd like to
    exchange both for an M" then "SD-100310" is an exchange of both for an M on SD-100310."""
    if ctx.asked_text and ctx.asked_text not in ctx.text:
        ctx.text = f"{ctx.asked_text} {ctx.text}"


_FOLLOW_UP = re.compile(
    r"^\W*(and|what about|how about|same (for|with)|also|the other|that one|this one|"
    r"[#]?\s*[A-Za-z]{0,3}-?\s?\d{4,})",
    re.IGNORECASE,
)
_ORDER_INTENTS = {
    "order_status",
    "track_shipment",
    "cancel_order",
    "change_order",
    "return_refund",
}


_MY_ORDER = re.compile(r"\b(my|an?|the|this)\s+(orders?|parcel|package|delivery)\b", re.I)


def _rescue(ctx: Ctx, prediction: nlu_intents.Prediction, text: str) -> str:
    """A not-sure message that still says enough to act on: a bare order number means "what
    about this order", a bare product name means "tell me about it"."""
    if ctx.ent.order_numbers:
        return prediction.guess if prediction.guess in _ORDER_INTENTS else "order_status"
    if _MY_ORDER.search(text):
        # "track my order please" is about their order, not the Pulse Fitness Tracker.
        return prediction.guess if prediction.guess in _ORDER_INTENTS else nlu_intents.NOT_SURE
    if ctx.ent.products and len(text.split()) <= 4:
        return "product_question"
    if ctx.state.last_query and _REFINE.search(text):
        return "product_refine"  # "something in black" after a recommendation
    return nlu_intents.NOT_SURE


# Words that narrow a recommendation just shown.
_REFINE = re.compile(
    r"\b(in (black|white|blue|navy|red|green|grey|gray|brown|pink|beige|size \w+|[a-z]+)|"
    r"cheaper|less expensive|under \$?\d+|below \$?\d+|bigger|smaller|size \w+|another colou?r|"
    r"other colou?rs?|something else|any others?|more options)\b",
    re.IGNORECASE,
)


def _understand(ctx: Ctx) -> None:
    """Read the message as dialogue acts, with what the dialogue waits for (a confirmation, a
    detail of a task, a choice among listed orders): kept on the turn (and in the reply's
    metadata); the flows then settle the intent (`_settle_acts`)."""
    state = ctx.state
    ctx.negated, rest = acts.negated_tasks(ctx.text)
    prediction = acts.intent_after_negation(nlu_intents.classify(ctx.text), ctx.negated)
    if ctx.ent.order_numbers:
        prediction = acts.about_the_shop(prediction)
    guest = ctx.customer is None
    identifying = state.task is not None and state.task.name == "identify"
    codes = postal_codes(ctx.text, ctx.ent.zip_codes, asked=identifying)
    identity = guest and bool(ctx.ent.emails or codes or (identifying and ctx.ent.order_numbers))
    held = (
        state.pending.action
        if state.pending is not None
        else (state.task.name if state.task is not None else None)
    )
    ctx.understood = acts.understand(
        ctx.text,
        prediction,
        negated=ctx.negated,
        rest=rest,
        confirming=state.pending is not None,
        asking=state.task.asking
        if state.task is not None and state.task.name != "identify"
        else None,
        identity=identity,
        listed=bool(state.listed_orders),
        task_intent=ACTION_INTENT.get(held) if held else None,
    )
    ctx.turn.acts = ctx.understood.labels()


def _settle_acts(ctx: Ctx, piece: str, label: str, *, first: bool) -> None:
    if ctx.understood is None or ctx.resuming:
        return
    if ctx.understood.has("select") and label == ctx.state.last_intent:
        return  # picking from a list goes on with the request that listed them
    ctx.understood = acts.with_intent(ctx.understood, label, piece, first=first)
    ctx.turn.acts = ctx.understood.labels()


def _continue_agenda(ctx: Ctx) -> None:
    """Handle the next queued request of a multi-request message, unless the reply is waiting
    for the customer (a question or a confirmation)."""
    while ctx.state.agenda and ctx.state.pending is None and not _asking(ctx):
        text = ctx.state.agenda.pop(0)
        ctx.ent = entities(text, ctx.customer)
        ctx.text = text
        ctx.turn.say(_("Now, your other question."))
        understand_and_handle(ctx, text, first=False)


def _asking(ctx: Ctx) -> bool:
    return ctx.state.task is not None and ctx.state.task.asking is not None


def _not_sure(ctx: Ctx) -> None:
    ctx.state.not_sure_streak += 1
    if ctx.state.not_sure_streak >= MAX_NOT_SURE:
        handoff(
            ctx,
            "not_sure",
            _("Sorry, I'm still not sure what you need. I'll bring in a member of our team."),
        )
        return
    ctx.turn.say(
        _("Sorry, I'm not sure I understood. What can I help you with? %(capabilities)s")
        % {"capabilities": capabilities()}
    )
    ctx.turn.chips(*menu())


# --- small talk and handoffs -------------------------------------------------------------------


def _greeting(ctx: Ctx) -> None:
    values = {"shop": settings.SHOP_NAME, "capabilities": capabilities()}
    if ctx.customer:
        said = _("Hi, %(name)s! I'm the %(shop)s assistant. %(capabilities)s") % {
            **values,
            "name": ctx.customer.first_name,
        }
    else:
        said = _("Hi! I'm the %(shop)s assistant. %(capabilities)s") % values
    if _queued(ctx):
        # "hello?" while waiting for a person: where they stand, not a fresh welcome.
        said = _(
            "You're already waiting for our team, and they'll see this whole chat when they "
            "join. Meanwhile I'm still here. %(capabilities)s"
        ) % {"capabilities": capabilities()}
    ctx.turn.say(said)
    ctx.turn.chips(*menu())
    ctx.turn.llm_ok = not _queued(ctx)


def _queued(ctx: Ctx) -> bool:
    return ctx.conversation.status == ConversationStatus.QUEUED


def _thanks(ctx: Ctx) -> None:
    ctx.turn.say(_("You're welcome! Is there anything else I can help with?"))
    ctx.turn.llm_ok = True


def _goodbye(ctx: Ctx) -> None:
    ctx.turn.say(
        _("Thanks for chatting with %(shop)s. Have a great day!") % {"shop": settings.SHOP_NAME}
    )
    ctx.turn.llm_ok = True


def _small_talk(ctx: Ctx) -> None:
    kind = acts.small_talk_kind(ctx.text)
    if kind == "bot_identity":
        ctx.turn.say(
            _(
                "I'm the %(shop)s virtual assistant, an automated helper. A person from our team "
                "can take over whenever you like."
            )
            % {"shop": settings.SHOP_NAME}
        )
        ctx.turn.chips(*menu())
    elif kind == "name":
        ctx.turn.say(
            _("I'm the %(shop)s assistant. What can I do for you?") % {"shop": settings.SHOP_NAME}
        )
    elif kind == "how_are_you":
        ctx.turn.say(_("I'm doing well, thanks for asking! How can I help you today?"))
    else:
        ctx.turn.say(_("Happy to chat! Is there anything I can help you with?"))
    ctx.turn.llm_ok = False


def _out_of_scope(ctx: Ctx) -> None:
    ctx.turn.say(
        _("Sorry, I can only help with %(shop)s orders, shipping, returns, payments and products.")
        % {"shop": settings.SHOP_NAME}
    )
    ctx.turn.chips(*menu())
    ctx.turn.llm_ok = True


def _human(ctx: Ctx) -> None:
    handoff(ctx, "requested", _("Of course."))  # while queued: pipeline._already_waiting


# A complaint that warrants a person now: anger, a threat, a dispute, or a demand for one.
_ESCALATE = re.compile(
    r"\b(chargeback|dispute|lawyer|legal|sue|court|bank|report you|review|bbb|scam|fraud|"
    r"unacceptable|ridiculous|worst|disgusting|furious|manager|supervisor|never (again|buy|"
    r"order))\b",
    re.IGNORECASE,
)


def _complaint(ctx: Ctx) -> None:
    if not _ESCALATE.search(ctx.text):
        ctx.turn.say(
            _(
                "I'm sorry about that. Tell me what went wrong, with the order if it's about one, "
                "and I'll do what I can, or I can bring in a member of our team."
            )
        )
        ctx.turn.chips(_("Track my order"), _("Start a return"), _("Talk to a human"))
        return
    handoff(
        ctx,
        "complaint",
        _(
            "I'm really sorry about this. I'm passing your chat to a member of our team so they "
            "can sort it out with you."
        ),
    )


# --- handlers ----------------------------------------------------------------------------------

HANDLERS: dict[str, Callable[[Ctx], None]] = {
    "help_center": help_center,
    "product_refine": refine,
    "order_status": order_status,
    "track_shipment": track,
    "cancel_order": cancel,
    "change_order": change,
    "return_refund": returns,
    "payment_issue": payment_issue,
    "shipping_info": shipping_info,
    "product_question": product_question,
    "product_recommendation": recommend,
    "place_order": place_order,
    "account": account,
    "complaint": _complaint,
    "human_agent": _human,
    "greeting": _greeting,
    "thanks": _thanks,
    "goodbye": _goodbye,
    "small_talk": _small_talk,
    "out_of_scope": _out_of_scope,
}


def conversation_id_of(message: Message) -> uuid.UUID:
    return message.conversation_id
