"""The dialogue manager: one customer message in, one grounded reply out.

`respond()` runs under the conversation's row lock: it reads the dialogue state, understands the
message (guards, intent, entities), fills in the task at hand, calls the order tools, and saves
the state. It never calls the language model: the reply it returns is a complete, correct draft
that `chatbot.replies` may let the model reword (and check) or send as is.

The customer the assistant acts for is `Conversation.verified_customer`, set by the server (a
signed-in customer, or a guest who proved who they are); no text the customer or the model writes
can change it."""

from __future__ import annotations

import dataclasses
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from chatbot import selectors, services
from chatbot.brain import facts, guard
from chatbot.brain.state import DialogueState, Pending, Task
from chatbot.brain.turn import Turn, day, money
from chatbot.models import Conversation, Message
from chatbot.nlu import entities as nlu_entities
from chatbot.nlu import intents as nlu_intents
from chatbot.nlu.entities import Entities
from orders.models import Customer, Order, OrderStatus

log = logging.getLogger(__name__)

MAX_VERIFY_ATTEMPTS = 5
MAX_ACTION_FAILURES = 2
MAX_NOT_SURE = 2
SURE_TO_SWITCH = 0.6  # an intent this sure abandons the task being filled in

CAPABILITIES = (
    "I can track your orders, cancel or change them, start returns and exchanges, answer "
    "questions about shipping, returns and payments, and help you find and buy products."
)
MENU = ("Track my order", "Start a return", "Shipping costs", "Product ideas", "Talk to a human")


@dataclass
class Ctx:
    conversation: Conversation
    state: DialogueState
    message: Message
    text: str
    turn: Turn
    ent: Entities
    action: dict[str, str] | None

    @property
    def customer(self) -> Customer | None:
        return self.conversation.verified_customer


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
            text=message.text,
            turn=Turn(),
            ent=_entities(message.text),
            action=action if isinstance(action, dict) else None,
        )
        _turn(ctx)
        services.conversation_save_bot_state(conversation=conversation, state=state.dump())
    return ctx.turn


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


def _entities(text: str) -> Entities:
    return nlu_entities.extract(text, catalog=_catalog_cached())


def _turn(ctx: Ctx) -> None:
    state = ctx.state
    if (state.pending is not None or ctx.action) and _answer_pending(ctx):
        _continue_agenda(ctx)
        return
    if guard.is_injection(ctx.text):
        ctx.turn.intent = "injection"
        ctx.turn.say(
            "I can't change how I work or share my instructions, and I can only ever show the "
            "orders of the person I'm chatting with. " + CAPABILITIES
        )
        ctx.turn.chips(*MENU)
        return
    topic = guard.sensitive_topic(ctx.text)
    if topic is not None:
        _handoff(
            ctx,
            topic,
            "I'm sorry to hear that. This needs a person, so I'm passing your chat to our team.",
        )
        return
    if guard.asks_for_promise(ctx.text):
        _handoff(
            ctx,
            "promise",
            "I can't promise compensation, discounts, exceptions to our policies or anything "
            "legally binding. A member of our team can look at your request.",
        )
        return
    if _verification_step(ctx):
        return
    if state.task is not None and state.task.asking and _fill_task(ctx):
        _continue_agenda(ctx)
        return
    _understand_and_handle(ctx, ctx.text, first=True)
    _continue_agenda(ctx)


# --- understanding ---------------------------------------------------------------------------

_SPLIT = re.compile(
    r"(?<=[.?!])\s+|\s*;\s*|\s+(?:and also|also|and then|plus|and)\s+(?=(?:can|could|what|where|"
    r"how|when|is|are|do|does|will|i|i'd|i'm|my|please|cancel|track|return|change|refund|tell)\b)",
    re.IGNORECASE,
)
_SMALL_TALK = {"greeting", "thanks", "goodbye"}


def _split_requests(text: str) -> list[tuple[str, nlu_intents.Prediction]]:
    """The separate requests of a message ("where is my order and can I return the mug?"), each
    with its intent; one entry when the message asks one thing."""
    pieces = [p.strip() for p in _SPLIT.split(text) if p and len(p.strip().split()) >= 2]
    if len(pieces) < 2:
        return [(text, nlu_intents.classify(text))]
    predictions = nlu_intents.get_classifier().predict_many(pieces)
    requests: list[tuple[str, nlu_intents.Prediction]] = []
    seen: set[str] = set()
    for piece, prediction in zip(pieces, predictions, strict=True):
        if (
            not prediction.is_sure
            and prediction.guess in _ORDER_INTENTS
            and _ORDERISH.search(piece)
        ):
            # "where is SD-100123?" is short enough to leave the classifier unsure.
            prediction = dataclasses.replace(prediction, label=prediction.guess)
        if (
            prediction.is_sure
            and prediction.label not in _SMALL_TALK
            and prediction.label not in seen
        ):
            seen.add(prediction.label)
            requests.append((piece, prediction))
    if len(requests) < 2:
        return [(text, nlu_intents.classify(text))]
    if requests[0][1].label == "cancel_order" and not any("?" in p for p, _ in requests[1:]):
        # "cancel SD-100002, I ordered the wrong size": the rest is the reason, not a request.
        return [(text, requests[0][1])]
    return requests


def _understand_and_handle(ctx: Ctx, text: str, *, first: bool) -> None:
    requests = _split_requests(text) if first else [(text, nlu_intents.classify(text))]
    piece, prediction = requests[0]
    if first and len(requests) > 1:
        ctx.state.agenda = [p for p, _ in requests[1:]]
        ctx.turn.say("I'll take those one at a time.")
    ctx.turn.intent = ctx.turn.intent or prediction.label
    ctx.turn.confidence = ctx.turn.confidence or round(prediction.confidence, 3)
    if len(requests) > 1:
        ctx.ent = _entities(piece)
    label = prediction.label
    last = ctx.state.last_intent
    follow_up = _FOLLOW_UP.search(piece) and len(piece.split()) <= 8 and last in _ORDER_INTENTS
    # "and the other one?", "what about SD-100123", "and the payment method?"
    about_change = last == "change_order" and bool(
        _PAYMENT_WORDS.search(piece) or _ADDRESS_WORDS.search(piece) or _ITEM_WORDS.search(piece)
    )
    if (
        follow_up
        and last is not None
        and (not prediction.is_sure or label in ("out_of_scope", "order_status") or about_change)
    ):
        label = last
    if label == nlu_intents.NOT_SURE:
        label = _rescue(ctx, prediction, piece)
    refining = bool(ctx.state.last_query and _REFINE.search(piece)) and len(piece.split()) <= 8
    if label in (nlu_intents.NOT_SURE, "out_of_scope") and refining:
        label = "product_refine"  # "something in red" right after a recommendation
    if label == nlu_intents.NOT_SURE and _help_is_sure(piece):
        label = "help_center"  # "do you sell gift cards?": the help center knows
    if label == nlu_intents.NOT_SURE:
        _not_sure(ctx)
        return
    ctx.state.not_sure_streak = 0
    if label != "complaint" and guard.is_angry(piece):
        label = "complaint"
    if label in _ORDER_INTENTS:
        ctx.state.last_intent = label
    if ctx.turn.intent == prediction.label:
        ctx.turn.intent = label
    HANDLERS.get(label, _out_of_scope)(ctx)


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


# A help-center passage this close to a message the classifier wasn't sure about answers it
# (the retrieval's own floor is lower: it keeps passages to quote for sure intents too).
HELP_SURE_SCORE = 0.5


def _help_is_sure(text: str) -> bool:
    from chatbot.brain import knowledge

    passages = knowledge.help_search(text, k=1)
    return bool(passages) and passages[0].score >= HELP_SURE_SCORE


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


def _continue_agenda(ctx: Ctx) -> None:
    """Handle the next queued request of a multi-request message, unless the reply is waiting
    for the customer (a question or a confirmation)."""
    while ctx.state.agenda and ctx.state.pending is None and not _asking(ctx):
        text = ctx.state.agenda.pop(0)
        ctx.ent = _entities(text)
        ctx.turn.say("Now, your other question.")
        _understand_and_handle(ctx, text, first=False)


def _asking(ctx: Ctx) -> bool:
    return ctx.state.task is not None and ctx.state.task.asking is not None


def _not_sure(ctx: Ctx) -> None:
    ctx.state.not_sure_streak += 1
    if ctx.state.not_sure_streak >= MAX_NOT_SURE:
        _handoff(
            ctx,
            "not_sure",
            "Sorry, I'm still not sure what you need. I'll bring in a member of our team.",
        )
        return
    ctx.turn.say("Sorry, I'm not sure I understood. What can I help you with? " + CAPABILITIES)
    ctx.turn.chips(*MENU)


def _handoff(ctx: Ctx, reason: str, text: str) -> None:
    ctx.turn.intent = ctx.turn.intent or "handoff"
    ctx.turn.say(text)
    ctx.turn.handoff = reason
    ctx.state.task = None
    ctx.state.pending = None
    ctx.state.agenda = []


# --- identity ----------------------------------------------------------------------------------

IDENTIFY_ASK = (
    "Before I can look at orders I need to check who you are. Please send the email address you "
    "ordered with and one of your order numbers (like SD-100123), or your full name and zip code."
)


def _need_customer(ctx: Ctx) -> Customer | None:
    """The verified customer; otherwise asks the guest to verify, remembering the request."""
    if ctx.customer is not None:
        return ctx.customer
    if ctx.state.verify_locked:
        _handoff(ctx, "verification_locked", "A member of our team will help you with your order.")
        return None
    ctx.state.resume_text = ctx.text
    ctx.state.task = Task(name="identify", asking="identity")
    ctx.turn.say(IDENTIFY_ASK)
    return None


_BARE_NAME = re.compile(r"[A-Za-z][A-Za-z'-]*(?:\s+[A-Za-z][A-Za-z'-]*){1,3}")


_NOT_A_NAME = frozenset(
    ["my", "the", "and", "or", "is", "am", "i", "im", "it", "zip", "code", "postcode", "order",
     "email", "name", "please", "thanks", "hi", "hello", "no", "yes", "not", "wrong", "help",
     "human", "agent", "cancel", "return", "track", "where"]
)  # fmt: skip


def _bare_name(text: str, zip_codes: tuple[str, ...]) -> str | None:
    """A full name given on its own next to a zip code ("Alice Martin, 98101")."""
    for code in zip_codes:
        text = text.replace(code, " ")
    text = re.sub(r"[,;.:/]", " ", text).strip()
    if not _BARE_NAME.fullmatch(text):
        return None
    words = text.split()
    if any(w.lower() in _NOT_A_NAME for w in words):
        return None
    return " ".join(w if any(c.isupper() for c in w) else w.title() for w in words)


def _verification_step(ctx: Ctx) -> bool:
    """Handle identity details in the message. True when this turn is done."""
    ent = ctx.ent
    state = ctx.state
    offered = bool(ent.emails or (ent.name and ent.zip_codes))
    identifying = state.task is not None and state.task.name == "identify"
    if ctx.customer is not None:
        if ent.emails and ctx.customer.email.lower() not in ent.emails and offered:
            ctx.turn.intent = "account"
            ctx.turn.say(
                "This chat is already verified for one account, and I can only help with that "
                "account's orders here. For another account, please start a new chat."
            )
            return True
        return False
    if not (identifying or offered):
        return False
    if state.verify_locked:
        _handoff(ctx, "verification_locked", "A member of our team will help you from here.")
        return True
    given = state.verify_given
    if ent.emails:
        given["email"] = ent.emails[0]
    if ent.order_numbers:
        given["order"] = ent.order_numbers[0]
    if ent.name:
        given["name"] = ent.name
    if ent.zip_codes:
        given["zip"] = ent.zip_codes[0]
        if identifying and not ent.name and (bare := _bare_name(ctx.text, ent.zip_codes)):
            given["name"] = bare  # "Alice Martin 98101", answering "your full name and zip code"
    customer: Customer | None = None
    attempted = False
    if "email" in given and "order" in given:
        attempted = True
        customer = selectors.customer_for_email_and_order(
            email=given["email"], order_number=given["order"]
        )
    if customer is None and "name" in given and "zip" in given:
        attempted = True
        customer = selectors.customer_for_name_and_zip(name=given["name"], zip_code=given["zip"])
    ctx.turn.intent = "verify"
    if not attempted:
        if not identifying:
            return False
        if "email" in given:
            ctx.turn.say("Thanks. Now the number of one of your orders, please (like SD-100123).")
        elif "name" in given:
            ctx.turn.say("Thanks. And the zip code of your shipping address?")
        elif "order" in given:
            ctx.turn.say("Thanks. And the email address you placed that order with?")
        else:
            state.task = None  # they moved on: answer the new request instead
            return False
        return True
    if customer is None:
        state.verify_failures += 1
        state.verify_given = {}
        left = MAX_VERIFY_ATTEMPTS - state.verify_failures
        if left <= 0:
            state.verify_locked = True
            _handoff(
                ctx,
                "verification_locked",
                "Those details don't match our records, and that was the last try. A member of "
                "our team will help you from here.",
            )
            return True
        ctx.turn.say(
            "Those details don't match our records. Please check them and try again "
            f"({left} {'try' if left == 1 else 'tries'} left)."
        )
        return True
    services.conversation_verify(conversation=ctx.conversation, customer=customer)
    if "order" in given and customer.orders.filter(number__iexact=given["order"]).exists():
        state.focus_order = given["order"]
    state.verify_given = {}
    state.task = None
    ctx.turn.say(f"Thanks, {customer.first_name}, you're verified.")
    resume = state.resume_text
    state.resume_text = None
    if resume:
        ctx.ent = _entities(resume)
        _understand_and_handle(ctx, resume, first=True)
    else:
        ctx.turn.say("What can I help you with?")
    return True


# --- orders: which one -------------------------------------------------------------------------

_OTHER = re.compile(r"\b(other|another|second|2nd|the rest|different)\b", re.IGNORECASE)
_FIRST = re.compile(r"\b(first|1st|top|latest|last|most recent|newest)\b", re.IGNORECASE)


def _order(
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
                f"I couldn't find an order {number} on your account. Please check the number."
            )
            _offer_orders(ctx, customer, want)
            return None
        state.focus_order = order.number
        return order
    if _OTHER.search(ctx.text) and state.listed_orders:
        others = [n for n in state.listed_orders if n != state.focus_order]
        if len(others) == 1:
            order = selectors.order_for_bot(customer=customer, number=others[0])
            if order is not None:
                state.focus_order = order.number
                return order
    if state.focus_order and not _OTHER.search(ctx.text):
        order = selectors.order_for_bot(customer=customer, number=state.focus_order)
        if order is not None and (want is None or want(order)):
            return order
    orders = selectors.orders_for_bot(customer=customer)
    candidates = [o for o in orders if want is None or want(o)]
    if not candidates:
        ctx.turn.say(none_text)
        return None
    if len(candidates) == 1 or (want is None and _FIRST.search(ctx.text)):
        state.focus_order = candidates[0].number
        return candidates[0]
    ctx.turn.say(f"Which order would you like to {purpose}?")
    for order in candidates[:5]:
        ctx.turn.say(f"{order.number}: {facts.items_line(order)} ({order.get_status_display()}).")
    state.listed_orders = [o.number for o in candidates[:5]]
    ctx.turn.chips(*[o.number for o in candidates[:5]])
    return None


def _offer_orders(ctx: Ctx, customer: Customer, want: Callable[[Order], bool] | None) -> None:
    orders = [
        o for o in selectors.orders_for_bot(customer=customer, limit=5) if not want or want(o)
    ]
    if orders:
        ctx.state.listed_orders = [o.number for o in orders]
        ctx.turn.say(
            "Your recent orders: "
            + "; ".join(f"{o.number} ({o.get_status_display().lower()})" for o in orders)
            + "."
        )
        ctx.turn.chips(*[o.number for o in orders[:5]])


def _start_task(ctx: Ctx, name: str, order: Order | None, **slots: Any) -> Task:
    task = Task(name=name, order=order.number if order else None, slots=dict(slots))
    ctx.state.task = task
    return task


# --- intents -----------------------------------------------------------------------------------


def _greeting(ctx: Ctx) -> None:
    name = f", {ctx.customer.first_name}" if ctx.customer else ""
    ctx.turn.say(f"Hi{name}! I'm the {settings.SHOP_NAME} assistant. " + CAPABILITIES)
    ctx.turn.chips(*MENU)
    ctx.turn.llm_ok = True


def _thanks(ctx: Ctx) -> None:
    ctx.turn.say("You're welcome! Is there anything else I can help with?")
    ctx.turn.llm_ok = True


def _goodbye(ctx: Ctx) -> None:
    ctx.turn.say(f"Thanks for chatting with {settings.SHOP_NAME}. Have a great day!")
    ctx.turn.llm_ok = True


def _out_of_scope(ctx: Ctx) -> None:
    ctx.turn.say(
        f"Sorry, I can only help with {settings.SHOP_NAME} orders, shipping, returns, payments "
        "and products."
    )
    ctx.turn.chips(*MENU)
    ctx.turn.llm_ok = True


def _human(ctx: Ctx) -> None:
    _handoff(ctx, "requested", "Of course.")


def _complaint(ctx: Ctx) -> None:
    _handoff(
        ctx,
        "complaint",
        "I'm really sorry about this. I'm passing your chat to a member of our team so they can "
        "sort it out with you.",
    )


def _order_status(ctx: Ctx) -> None:
    customer = _need_customer(ctx)
    if customer is None:
        return
    ctx.turn.tools.append("order_lookup")
    if not ctx.ent.order_numbers and not ctx.state.focus_order and not _OTHER.search(ctx.text):
        orders = selectors.orders_for_bot(customer=customer, limit=5)
        if not orders:
            ctx.turn.say("I don't see any orders on your account yet.")
            return
        if len(orders) > 1:
            ctx.turn.say("Here are your recent orders:")
            for order in orders:
                ctx.turn.say(
                    f"{order.number}, placed {day(order.placed_at)}: "
                    f"{order.get_status_display().lower()}, "
                    f"{money(order.grand_total, order.currency)}.",
                    keep=(order.number,),
                )
            ctx.state.listed_orders = [o.number for o in orders]
            ctx.state.focus_order = orders[0].number
            ctx.turn.say("Which one would you like to know more about?")
            ctx.turn.chips(*[o.number for o in orders])
            ctx.turn.llm_ok = True
            return
    found = _order(ctx, customer, want=None, purpose="check", none_text="I don't see any orders.")
    if found is None:
        return
    facts.order_summary(ctx.turn, found)
    if found.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        facts.tracking(ctx.turn, found, after_summary=True)
    ctx.turn.llm_ok = True


def _track(ctx: Ctx) -> None:
    customer = _need_customer(ctx)
    if customer is None:
        return
    ctx.turn.tools.append("tracking")
    order = _order(
        ctx,
        customer,
        want=lambda o: (
            o.status in (OrderStatus.SHIPPED, OrderStatus.PROCESSING, OrderStatus.PENDING)
            or bool(ctx.ent.order_numbers)
        ),
        purpose="track",
        none_text="None of your orders is on its way right now.",
    )
    if order is None:
        if not ctx.turn.parts[-1:] or "None of your orders" in ctx.turn.parts[-1]:
            _offer_orders(ctx, customer, None)
        return
    facts.tracking(ctx.turn, order)
    if "late_parcel" in ctx.turn.tools or re.search(
        r"\b(missing|lost|never (arrived|came|got)|not (arrived|received)|didn'?t (arrive|get))\b",
        ctx.text,
        re.IGNORECASE,
    ):
        _help_link(ctx, "late-or-missing-parcels")
        ctx.turn.chips("Talk to a human")
    ctx.turn.llm_ok = True


def _help_link(ctx: Ctx, slug: str) -> None:
    from django.urls import reverse

    article = selectors_help_title(slug)
    if article:
        ctx.turn.link(article, reverse("shop:help_article", args=[slug]))


def selectors_help_title(slug: str) -> str | None:
    from orders.selectors import help_article_list

    return help_article_list().filter(slug=slug).values_list("title", flat=True).first()


# --- cancel ----------------------------------------------------------------------------------

CANCEL_REASONS = (
    "Ordered by mistake",
    "Found it cheaper elsewhere",
    "It takes too long",
    "Changed my mind",
    "Other reason",
)
_BECAUSE = re.compile(r"\b(?:because|as|since|cause|cuz|reason:?)\s+(.{3,200})", re.IGNORECASE)
# "cancel SD-100002, I ordered the wrong size": a clause after the request is the reason.
_TRAILING_REASON = re.compile(
    r"[,.;!?-]\s+((?:i|i'?ve|we|it|the|my|wrong|too|found|changed|ordered|don'?t|no longer|"
    r"not)\b.{6,200})$",
    re.IGNORECASE,
)


def _cancel(ctx: Ctx) -> None:
    customer = _need_customer(ctx)
    if customer is None:
        return
    order = _order(
        ctx,
        customer,
        want=lambda o: (
            o.is_cancellable or bool(ctx.ent.order_numbers) or bool(ctx.state.focus_order)
        ),
        purpose="cancel",
        none_text="You have no orders that can still be cancelled: orders can be cancelled only "
        "until they ship.",
    )
    if order is None:
        if ctx.state.task is None or ctx.state.task.asking is None:
            ctx.state.task = Task(name="cancel", asking="order")
        return
    if not order.is_cancellable:
        _refuse_status(ctx, order, "cancel")
        return
    reason_match = _BECAUSE.search(ctx.text) or _TRAILING_REASON.search(ctx.text)
    task = _start_task(ctx, "cancel", order)
    if reason_match:
        task.slots["reason"] = reason_match.group(1).strip(" .!")
        _propose(ctx)
        return
    task.asking = "reason"
    ctx.turn.say(f"I can cancel order {order.number}. May I ask why you're cancelling?")
    ctx.turn.chips(*CANCEL_REASONS)


def _refuse_status(ctx: Ctx, order: Order, what: str) -> None:
    status = order.get_status_display().lower()
    if what == "cancel" and order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        ctx.turn.say(
            f"Order {order.number} has already shipped, so it can't be cancelled. Once it "
            "arrives you can return it instead."
        )
    elif what == "change":
        ctx.turn.say(
            f"Order {order.number} is {status}, so it can no longer be changed. Orders can be "
            "changed only while they are pending."
        )
    else:
        ctx.turn.say(f"Order {order.number} is {status}, so I can't {what} it.")
    ctx.state.task = None


# --- change an order ---------------------------------------------------------------------------

_ADDRESS_WORDS = re.compile(r"\b(address|ship(ping)? to|deliver(y)? to|zip|postcode|moved)\b", re.I)
_PAYMENT_WORDS = re.compile(r"\b(pay(ment)?|card|paypal|gift ?card|visa|mastercard|amex)\b", re.I)
_ITEM_WORDS = re.compile(r"\b(size|colou?r|swap|instead|variant|smaller|bigger|larger)\b", re.I)


def _change(ctx: Ctx) -> None:
    if _ADDRESS_WORDS.search(ctx.text) and re.search(r"\bdefault\b", ctx.text, re.I):
        _default_address(ctx)
        return
    customer = _need_customer(ctx)
    if customer is None:
        return
    order = _order(
        ctx,
        customer,
        want=lambda o: (
            o.is_modifiable or bool(ctx.ent.order_numbers) or bool(ctx.state.focus_order)
        ),
        purpose="change",
        none_text="You have no orders that can still be changed: orders can be changed only "
        "while they are pending.",
    )
    if order is None:
        return
    if not order.is_modifiable:
        _refuse_status(ctx, order, "change")
        return
    if _ADDRESS_WORDS.search(ctx.text):
        task = _start_task(ctx, "address", order)
        _ask_address(ctx, task, f"What's the new shipping address for order {order.number}?")
    elif _PAYMENT_WORDS.search(ctx.text):
        _ask_payment(ctx, _start_task(ctx, "payment", order), customer)
    elif _ITEM_WORDS.search(ctx.text) or ctx.ent.sizes or ctx.ent.colours:
        task = _start_task(ctx, "swap", order)
        _swap_fill(ctx, task, order)
    else:
        task = _start_task(ctx, "change", order)
        task.asking = "what"
        ctx.turn.say(
            f"What would you like to change on order {order.number}: an item's size or colour, "
            "the shipping address, or the payment method?"
        )
        ctx.turn.chips("Size or colour", "Shipping address", "Payment method")


ADDRESS_FORMAT = (
    "Please write it on one line as: street, city, state zip, country "
    "(for example: 12 Harbor St, Portland, OR 97205, US)."
)


# "... my default address to 45 Oak Ave, Seattle, WA 98102": the address came with the request.
_ADDRESS_GIVEN = re.compile(r"\b(?:to|is)\s*:?\s+(\d[^\n]*)$", re.IGNORECASE)


def _ask_address(ctx: Ctx, task: Task, question: str) -> None:
    given = _ADDRESS_GIVEN.search(ctx.text)
    if given is not None and ctx.customer is not None:
        address = parse_address(given.group(1), ctx.customer.full_name)
        if address is not None:
            task.slots["address"] = address
            task.asking = None
            _propose(ctx)
            return
    task.asking = "address"
    ctx.turn.say(f"{question} {ADDRESS_FORMAT}")


_ADDRESS = re.compile(
    r"^\s*(?P<line1>[^,\n]+?)\s*[,\n]\s*(?:(?P<line2>[^,\n]+?)\s*[,\n]\s*)?(?P<city>[^,\n]+?)"
    r"\s*[,\n]\s*(?:(?P<region>[A-Za-z][A-Za-z .]*?)\s*[, ]\s*)?"
    # US/other digits, Canadian "M5H 2N2", British "SW1A 2AA".
    r"(?P<zip>\d[\d -]{2,9}|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d"
    r"|[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2})"
    r"\s*(?:[,\n]\s*(?P<country>[A-Za-z .]{2,40}))?\s*\.?\s*$"
)
COUNTRY_CODES = {
    "us": "US", "usa": "US", "united states": "US", "canada": "CA", "ca": "CA", "uk": "GB",
    "gb": "GB", "united kingdom": "GB", "germany": "DE", "de": "DE", "france": "FR", "fr": "FR",
    "australia": "AU", "au": "AU", "japan": "JP", "jp": "JP", "mexico": "MX", "mx": "MX",
}  # fmt: skip


def parse_address(text: str, full_name: str) -> dict[str, str] | None:
    m = _ADDRESS.match(text.strip())
    if not m:
        return None
    country_raw = (m.group("country") or "US").strip().lower()
    country = COUNTRY_CODES.get(country_raw, country_raw.upper() if len(country_raw) == 2 else "")
    if not country:
        return None
    line1 = m.group("line1").strip()
    if not re.search(r"\d", line1):
        return None
    return {
        "full_name": full_name,
        "line1": line1,
        "line2": (m.group("line2") or "").strip(),
        "city": m.group("city").strip(),
        "region": (m.group("region") or "").strip(),
        "postal_code": m.group("zip").strip(),
        "country": country,
    }


def _payment_methods_named(text: str, methods: list[Any]) -> list[Any]:
    """The saved payment methods a message names: a chip's exact label first ("Gift card ending
    7919" also contains "card"), else a last-4, a kind ("gift card", "paypal") or a card brand."""
    folded = text.lower()
    exact = [m for m in methods if m.label.lower() == folded]
    if exact:
        return exact
    # Longest kind first: "gift card" must not also pick the Visa "card".
    for kind in sorted({m.kind for m in methods}, key=len, reverse=True):
        if re.search(rf"\b{kind.replace('_', ' ?')}s?\b", folded):
            return [m for m in methods if m.kind == kind]
    return [
        m
        for m in methods
        if (m.card_last4 and m.card_last4 in folded)
        or (m.card_brand and m.card_brand.lower() in folded)
    ]


def _ask_payment(ctx: Ctx, task: Task, customer: Customer) -> None:
    methods = selectors.payment_methods_for_bot(customer=customer)
    if not methods:
        ctx.turn.say("There are no other payment methods saved on your account.")
        ctx.state.task = None
        return
    named = _payment_methods_named(
        re.sub(r"\b(change|payment|method|pay(ing)?|with|to|the|my|on|of)\b", " ", ctx.text),
        methods,
    )
    if len(named) == 1 and re.search(r"\b(to|with|use|using|onto|instead)\b", ctx.text, re.I):
        # "change the payment on SD-100001 to my gift card": no need to ask.
        task.slots["payment_method_id"] = named[0].pk
        task.slots["payment_method_label"] = named[0].label
        _propose(ctx)
        return
    task.asking = "payment_method"
    ctx.turn.say(
        "Which payment method should order "
        f"{task.order} use? Saved on your account: " + "; ".join(m.label for m in methods) + "."
    )
    ctx.turn.chips(*[m.label for m in methods])


def _swap_fill(ctx: Ctx, task: Task, order: Order) -> None:
    """Find the item and the option the customer wants instead; ask for what's missing."""
    items = list(order.items.all())
    item = _pick_item(ctx, items, task)
    if item is None:
        return
    variants = selectors.product_variants_for_bot(product_id=item.variant.product_id)
    target = _pick_variant(ctx, variants, current=item.variant, task=task)
    if target is None:
        others = _alternatives(variants, item.variant)
        if not others:
            ctx.turn.say(f"There are no other options of {item.product_name} in stock right now.")
            ctx.state.task = None
            return
        task.asking = "variant"
        ctx.turn.say(
            f"Which option of {item.product_name} would you like instead of "
            f"{item.variant_label}? In stock: " + ", ".join(v.label for v in others[:8]) + "."
        )
        ctx.turn.chips(*[v.label for v in others[:6]])
        return
    task.slots["variant_id"] = target.pk
    task.slots["variant_label"] = target.label
    _propose(ctx)


def _pick_item(ctx: Ctx, items: list[Any], task: Task) -> Any | None:
    if "item_id" in task.slots:
        found = [i for i in items if i.pk == task.slots["item_id"]]
        if found:
            return found[0]
    if len(items) == 1:
        task.slots["item_id"] = items[0].pk
        return items[0]
    product_ids = {p.product_id for p in ctx.ent.products}
    matching = [i for i in items if i.variant.product_id in product_ids]
    if not matching:
        words = set(re.findall(r"[a-z]{3,}", ctx.text.lower()))
        matching = [
            i for i in items if words & set(re.findall(r"[a-z]{3,}", i.product_name.lower()))
        ]
    if len(matching) == 1:
        task.slots["item_id"] = matching[0].pk
        return matching[0]
    task.asking = "item"
    ctx.turn.say(
        "Which item? " + "; ".join(f"{i.product_name} ({i.variant_label})" for i in items) + "."
    )
    ctx.turn.chips(*[i.product_name for i in items[:6]])
    return None


SIZE_SYNONYMS = {
    "xxs": ("xx-small", "extra extra small"),
    "xs": ("extra small", "x-small", "xsmall"),
    "s": ("small",),
    "m": ("medium", "med"),
    "l": ("large",),
    "xl": ("extra large", "x-large", "xlarge"),
    "xxl": ("xx-large", "2xl", "extra extra large", "xxlarge"),
}
_ORDERISH = re.compile(r"[#]?\b[A-Za-z]{0,4}-?\s?\d{5,}\b")


def _names_value(text: str, value: str) -> bool:
    """Whether the message names an option value ("Navy", "Light Wash", "M", "34", "large")."""
    v = value.lower()
    if len(v) <= 2 and not v.isdigit():
        if re.search(
            rf"(?:\b(?:size|an?|in|to|for|the|one|and)\s+|^\W*|[,/&+]\s*){re.escape(v)}\b", text
        ):
            return True
    elif re.search(rf"(?<![\w.-]){re.escape(v)}(?![\w-]|\.\d)", text):
        return True
    return any(
        re.search(rf"\b{re.escape(word)}\b", text) and not re.search(rf"\bextra {word}\b", text)
        for word in SIZE_SYNONYMS.get(v, ())
    )


def _pick_variant(ctx: Ctx, variants: list[Any], *, current: Any, task: Task) -> Any | None:
    """The variant the message asks for: the options it names, the rest kept from `current`."""
    text = _ORDERISH.sub(" ", ctx.text.lower())
    best: Any | None = None
    best_score = 0
    for variant in variants:
        if variant.pk == current.pk:
            continue
        score = 0
        named = False
        for key, value in variant.options.items():
            if _names_value(text, str(value)):
                score += 2
                named = True
            elif str(current.options.get(key, "")).lower() == str(value).lower():
                score += 1
        if named and variant.stock > 0 and score > best_score:
            best, best_score = variant, score
    return best


def _alternatives(variants: list[Any], current: Any) -> list[Any]:
    """In-stock options other than `current`, those closest to it first."""
    others = [v for v in variants if v.pk != current.pk and v.stock > 0]

    def shared(v: Any) -> int:
        return sum(1 for k, val in v.options.items() if current.options.get(k) == val)

    return sorted(others, key=lambda v: -shared(v))


# --- returns -----------------------------------------------------------------------------------

RETURN_REASONS = {
    "too_small": r"too (small|tight|short)|smaller than|runs small|size up|bigger size|larger size",
    "too_large": r"too (big|large|loose|long)|bigger than|runs (big|large)|size down|smaller size",
    "damaged": r"damaged|broken|defect|faulty|torn|ripped|cracked|stain|doesn'?t work|not working|"
    r"stopped working",
    "wrong_item": r"wrong (item|product|size|colou?r|one)|not what i ordered|sent me the wrong",
    "not_as_described": r"not as described|(doesn'?t|does not) (look|match)|different from|"
    r"looks different|quality",
    "changed_mind": r"changed? my mind|don'?t (want|need|like)|no longer (want|need)|didn'?t like|"
    r"not for me|(dont|don't) love",
}
REASON_CHIPS = {
    "Too small": "too_small",
    "Too large": "too_large",
    "Damaged or defective": "damaged",
    "Wrong item sent": "wrong_item",
    "Not as described": "not_as_described",
    "Changed my mind": "changed_mind",
    "Other": "other",
}
_EXCHANGE = re.compile(r"\b(exchange|swap|different size|another size|replace|replacement)\b", re.I)
_REFUND_STATUS = re.compile(
    r"\b(refund|return)\b.{0,30}\b(status|yet|where|when|update|arrived|received|processed)\b|"
    r"\b(where|when|status)\b.{0,30}\b(refund|my return|money)\b|\bget my money\b",
    re.IGNORECASE,
)
REFUND_METHOD_CHIPS = {"Original payment method": "original", "Gift card": "gift_card"}


_RETURN_POLICY = re.compile(
    r"\b(return|refund)s?\s+(policy|window|period)\b|\bhow (long|many days)\b", re.I
)


def _returns(ctx: Ctx) -> None:
    if (
        _RETURN_POLICY.search(ctx.text)
        and not ctx.ent.order_numbers
        and _answer_from_help(ctx, fallback=False, prefer=re.compile(r"return", re.I))
    ):
        return  # a question about the policy, answered for anyone, not a return to start
    customer = _need_customer(ctx)
    if customer is None:
        return
    if _REFUND_STATUS.search(ctx.text) and not ctx.ent.order_numbers:
        returns = selectors.returns_for_bot(customer=customer)
        if returns:
            ctx.turn.tools.append("return_status")
            for rma in returns[:2]:
                facts.return_summary(ctx.turn, rma)
            _help_link(ctx, "refunds-and-timing")
            ctx.turn.llm_ok = True
            return
    order = _order(
        ctx,
        customer,
        want=lambda o: (
            o.status == OrderStatus.DELIVERED
            or bool(ctx.ent.order_numbers)
            or bool(ctx.state.focus_order)
        ),
        purpose="return",
        none_text="None of your orders has been delivered yet, so there is nothing to return.",
    )
    if order is None:
        return
    if order.status in (OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED) and (
        order.returns.exists()
    ):
        # "Where is my refund for SD-…": a returned order's refund is the news, not a refusal.
        for rma in order.returns.all()[:1]:
            facts.return_summary(ctx.turn, rma)
        ctx.state.task = None
        return
    if order.status != OrderStatus.DELIVERED:
        _refuse_status(ctx, order, "return")
        return
    if not order.is_returnable():
        deadline = order.return_deadline()
        ctx.turn.say(
            f"The {settings.RETURN_WINDOW_DAYS}-day return window for order {order.number} closed"
            + (f" on {day(deadline)}" if deadline else "")
            + ", so I can't start a return. If something is wrong with the item, a member of our "
            "team can take a look."
        )
        _help_link(ctx, "returns-policy")
        ctx.turn.chips("Talk to a human")
        ctx.state.task = None
        return
    task = _start_task(ctx, "return", order)
    task.slots["kind"] = "exchange" if _EXCHANGE.search(ctx.text) else "return"
    _return_fill(ctx, task, order)


def _reason_from(text: str) -> str | None:
    for reason, pattern in RETURN_REASONS.items():
        if re.search(pattern, text, re.IGNORECASE):
            return reason
    return None


def _return_fill(ctx: Ctx, task: Task, order: Order) -> None:
    items = list(order.items.all())
    item = _pick_item(ctx, items, task)
    if item is None:
        return
    if "reason" not in task.slots:
        reason = _reason_from(ctx.text)
        if reason:
            task.slots["reason"] = reason
    if task.slots["kind"] == "exchange" and "variant_id" not in task.slots:
        variants = selectors.product_variants_for_bot(product_id=item.variant.product_id)
        target = _pick_variant(ctx, variants, current=item.variant, task=task)
        if target is None:
            others = _alternatives(variants, item.variant)
            if not others:
                ctx.turn.say(
                    f"There are no other options of {item.product_name} in stock to exchange "
                    "for, but you can return it for a refund."
                )
                task.slots["kind"] = "return"
            else:
                task.asking = "variant"
                ctx.turn.say(
                    f"Which option of {item.product_name} would you like instead of "
                    f"{item.variant_label}? In stock: "
                    + ", ".join(v.label for v in others[:8])
                    + "."
                )
                ctx.turn.chips(*[v.label for v in others[:6]])
                return
        else:
            task.slots["variant_id"] = target.pk
            task.slots["variant_label"] = target.label
    if "reason" not in task.slots:
        task.asking = "reason"
        ctx.turn.say(f"What's the reason for returning the {item.product_name}?")
        ctx.turn.chips(*REASON_CHIPS)
        return
    if task.slots["kind"] == "return" and "refund_method" not in task.slots:
        if re.search(r"\b(gift ?card|store credit)\b", ctx.text, re.I):
            task.slots["refund_method"] = "gift_card"
        else:
            task.asking = "refund_method"
            ctx.turn.say(
                "Would you like the refund to your original payment method or as a gift card?"
            )
            ctx.turn.chips(*REFUND_METHOD_CHIPS)
            return
    _propose(ctx)


# --- default address -------------------------------------------------------------------------


def _default_address(ctx: Ctx) -> None:
    customer = _need_customer(ctx)
    if customer is None:
        return
    task = _start_task(ctx, "default_address", None)
    _ask_address(ctx, task, "What should your new default address be?")


def _account(ctx: Ctx) -> None:
    if _ADDRESS_WORDS.search(ctx.text):
        _default_address(ctx)
        return
    _answer_from_help(ctx)


# --- help center and products ------------------------------------------------------------------


def _answer_from_help(
    ctx: Ctx,
    *,
    category: str | None = None,
    fallback: bool = True,
    prefer: re.Pattern[str] | None = None,
) -> bool:
    from chatbot.brain import knowledge

    passages = knowledge.help_search(ctx.text, k=5 if prefer else 2, category=category)
    if prefer is not None:
        # Among the close matches, the passage about what the question names (and, for "how
        # much" / "how long" questions, one that states figures) answers it best.
        figures = bool(
            re.search(r"\b(how (much|long|many)|cost|price|fee|days?)\b", ctx.text, re.I)
        )
        preferred = [
            p
            for p in passages
            if prefer.search(f"{p.title} {p.text}") and (not figures or re.search(r"\d", p.text))
        ]
        passages = preferred[:1] + [p for p in passages if p not in preferred[:1]]
    if not passages:
        if fallback:
            ctx.turn.say(
                "I couldn't find that in our help center. A member of our team can answer it."
            )
            ctx.turn.chips("Talk to a human")
        return False
    best = passages[0]
    ctx.turn.tools.append("help_center")
    quoted = _quote(best.text)
    # The model may reword the passage but not drop what the customer asked for: its figures.
    ctx.turn.say(quoted, keep=tuple(dict.fromkeys(re.findall(r"\$\d[\d,]*(?:\.\d\d)?", quoted))))
    ctx.turn.source(*(p.text for p in passages))
    ctx.turn.link(best.title, best.url)
    ctx.turn.llm_ok = True
    return True


def _quote(text: str, limit: int = 420) -> str:
    """A passage, its list items joined into a sentence, cut at a sentence end near `limit`
    characters."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # A short heading line ("Saved cards") reads as the lead-in of what follows it.
    lines = [
        f"{line}:"
        if i < len(lines) - 1
        and not line.startswith("-")
        and len(line.split()) <= 6
        and line[-1] not in ".:!?"
        else line
        for i, line in enumerate(lines)
    ]
    text = " ".join(lines)
    text = re.sub(r":\s+-\s+", ": ", text)
    text = re.sub(r"(?<=[^.:])\s+-\s+", "; ", text)
    text = re.sub(r"\.\s+-\s+", ". ", text)
    if text and text[-1] not in ".!?":
        text += "."
    if len(text) <= limit:
        return text
    cut = max(text.rfind(". ", 0, limit), text.rfind("\n", 0, limit))
    return text[: cut + 1] if cut > 80 else text[:limit].rsplit(" ", 1)[0] + "…"


_ABROAD = re.compile(
    r"\b(international(ly)?|abroad|overseas|worldwide|outside (the )?(us|usa|united states)|"
    r"customs|duties|canada|mexico|uk|england|britain|ireland|europe|germany|france|spain|italy|"
    r"netherlands|australia|new zealand|japan|china|korea|india|brazil|singapore|sweden|norway)\b",
    re.IGNORECASE,
)


def _shipping_info(ctx: Ctx) -> None:
    if _ABROAD.search(ctx.text) and not re.search(r"\b(duties|customs|tax)", ctx.text, re.I):
        # The help center's US rates passage reads much like any shipping question; a question
        # naming another country is about international shipping.
        _answer_from_help(ctx, category="shipping", prefer=re.compile("international", re.I))
        return
    _answer_from_help(ctx, category="shipping")


def _payment_issue(ctx: Ctx) -> None:
    answered = _answer_from_help(ctx, category="payments", fallback=False)
    if ctx.customer is not None and _PAY_PROBLEM.search(ctx.text):
        pending = [
            o
            for o in selectors.orders_for_bot(customer=ctx.customer, limit=5)
            if o.status == OrderStatus.PENDING
        ]
        if pending:
            _pay_link(ctx, pending[0], intro=f"Order {pending[0].number} is waiting for payment.")
            answered = True
    if not answered:
        _answer_from_help(ctx)


_PAY_PROBLEM = re.compile(
    r"\b(fail\w*|declin\w*|didn'?t go through|not go through|error|pay (for|now)|link|unpaid|"
    r"pending|complete (my|the) (payment|order)|couldn'?t pay|can'?t pay|won'?t (go|work))\b",
    re.IGNORECASE,
)


def _pay_link(ctx: Ctx, order: Order, *, intro: str) -> None:
    from orders.payment_links import payment_url

    ctx.turn.say(
        f"{intro} You can pay {money(order.grand_total, order.currency)} with the link below.",
        keep=(order.number,),
    )
    ctx.turn.link(f"Pay for order {order.number}", payment_url(order.number))


def _refine(ctx: Ctx) -> None:
    """ "Something in black" right after a recommendation: the earlier request, narrowed."""
    ctx.turn.intent = "product_recommendation"
    _recommend(ctx, query=f"{ctx.state.last_query or ''} {ctx.text}".strip())


def _help(ctx: Ctx) -> None:
    ctx.turn.intent = "help_center"
    _answer_from_help(ctx)


def _recommend(ctx: Ctx, *, query: str | None = None) -> None:
    from chatbot.brain import knowledge

    query = query or ctx.text
    filters = knowledge.filters_parse(query, sizes=ctx.ent.sizes, colours=ctx.ent.colours)
    recs = knowledge.recommend(query, filters=filters, k=3)
    ctx.state.last_query = query[:300]
    ctx.turn.tools.append("recommend")
    if not recs:
        ctx.turn.say(
            "I couldn't find anything in stock that matches. Try a different price range, size "
            "or colour?"
        )
        return
    ctx.turn.say("Here are some picks:" if len(recs) > 1 else "Here's a pick:")
    for rec in recs:
        ctx.turn.say(f"{rec.name}: {rec.reason}.", keep=(rec.name,))
    ctx.turn.attachments.append({"type": "products", "items": [knowledge.card(r) for r in recs]})
    ctx.state.shown_products = [r.product_id for r in recs]
    ctx.turn.chips(*[f"Buy the {r.name}" for r in recs[:3]])
    ctx.turn.llm_ok = True


def _product_question(ctx: Ctx) -> None:
    if ctx.ent.products:
        match = ctx.ent.products[0]
        variants = selectors.product_variants_for_bot(product_id=match.product_id)
        if variants:
            product = variants[0].product
            prices = sorted({v.price for v in variants})
            price = (
                money(prices[0], settings.SHOP_CURRENCY)
                if len(prices) == 1
                else f"{money(prices[0], settings.SHOP_CURRENCY)} to "
                f"{money(prices[-1], settings.SHOP_CURRENCY)}"
            )
            in_stock = [v.label for v in variants if v.stock > 0 and v.label]
            ctx.turn.say(f"{product.name} costs {price}.", keep=(product.name,))
            if in_stock:
                ctx.turn.say("In stock: " + ", ".join(in_stock[:10]) + ".")
            elif not any(v.stock > 0 for v in variants):
                ctx.turn.say("It's out of stock right now.")
            from django.urls import reverse

            ctx.turn.link(product.name, reverse("shop:product_detail", args=[product.slug]))
            ctx.state.shown_products = [product.pk]
            ctx.turn.tools.append("product_lookup")
            if re.search(r"\b(size|fit|wash|care|material|warranty)\b", ctx.text, re.I):
                _answer_from_help(ctx, category="products", fallback=False)
            ctx.turn.llm_ok = True
            return
    if not _answer_from_help(ctx, fallback=False):
        _recommend(ctx)


# --- place an order ----------------------------------------------------------------------------

_PICK = re.compile(r"\b(first|1st|second|2nd|third|3rd|that one|this one|it)\b", re.I)
_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}


_BUY = re.compile(r"\b(buy|order|purchase|get|take|want|checkout|add|place|grab|have)\b", re.I)
_ASKS_ABOUT = re.compile(
    r"\b(how much|price|cost|tell me about|what is|what's|describe|in stock|available)\b|\?\s*$",
    re.I,
)


def _place_order(ctx: Ctx) -> None:
    if ctx.ent.products and _ASKS_ABOUT.search(ctx.text) and not _BUY.search(ctx.text):
        # "How much is the lantern?" is a question about it, not an order to confirm.
        ctx.turn.intent = "product_question"
        _product_question(ctx)
        return
    product_id: int | None = None
    if ctx.ent.products:
        product_id = ctx.ent.products[0].product_id
    elif ctx.state.shown_products:
        m = _PICK.search(ctx.text)
        index = _ORDINALS.get(m.group(1).lower(), 0) if m else 0
        if index < len(ctx.state.shown_products):
            product_id = ctx.state.shown_products[index]
    if product_id is None:
        ctx.turn.say("Which product would you like to buy? Tell me what you're looking for.")
        ctx.state.task = Task(name="place_order", asking="product")
        return
    customer = _need_customer(ctx)
    if customer is None:
        return
    task = _start_task(ctx, "place_order", None, product_id=product_id)
    task.slots["quantity"] = ctx.ent.quantity or 1
    _order_fill(ctx, task, customer)


def _order_fill(ctx: Ctx, task: Task, customer: Customer) -> None:
    variants = selectors.product_variants_for_bot(product_id=task.slots["product_id"])
    if not variants:
        ctx.turn.say("Sorry, that product is no longer sold.")
        ctx.state.task = None
        return
    name = variants[0].product.name
    if "variant_id" not in task.slots:
        in_stock = [v for v in variants if v.stock > 0]
        if not in_stock:
            ctx.turn.say(f"Sorry, {name} is out of stock right now.")
            ctx.state.task = None
            return
        chosen = in_stock[0] if len(in_stock) == 1 and len(variants) == 1 else None
        previous_id = task.slots.pop("previous_variant_id", None)
        previous = next((v for v in variants if v.pk == previous_id), None)
        if chosen is None:
            chosen = _pick_variant(ctx, in_stock, current=previous or _NoVariant(), task=task)
            if chosen is not None and previous is None and not _fully_named(ctx, chosen, variants):
                chosen = None
        if chosen is None:
            task.asking = "variant"
            ctx.turn.say(
                f"Which option of {name} would you like? In stock: "
                + ", ".join(v.label for v in in_stock[:10])
                + "."
            )
            ctx.turn.chips(*[v.label for v in in_stock[:6]])
            return
        task.slots["variant_id"] = chosen.pk
        task.slots["variant_label"] = chosen.label
    default = customer.addresses.filter(is_default=True).first()
    if default is None and "address" not in task.slots:
        _ask_address(ctx, task, "Where should we ship it?")
        return
    _propose(ctx)


class _NoVariant:
    pk = -1
    options: dict[str, str] = {}


def _fully_named(ctx: Ctx, chosen: Any, variants: list[Any]) -> bool:
    """Whether the message named every option that varies (a size and a colour, say)."""
    varying = {k for k in chosen.options if len({str(v.options.get(k)) for v in variants}) > 1}
    text = ctx.text.lower()
    named = {s.lower() for s in ctx.ent.sizes} | {c.lower() for c in ctx.ent.colours}
    return all(
        str(chosen.options[k]).lower() in named
        or re.search(rf"\b{re.escape(str(chosen.options[k]).lower())}\b", text)
        for k in varying
    )


# --- filling in a task -------------------------------------------------------------------------


def _fill_task(ctx: Ctx) -> bool:
    """Use the message to fill the slot the last reply asked for. False when the message is
    something else (the caller treats it as a new request)."""
    task = ctx.state.task
    assert task is not None and task.asking is not None
    asking = task.asking
    text = ctx.text.strip()
    prediction = nlu_intents.classify(text)
    switching = (
        prediction.is_sure
        and prediction.confidence >= SURE_TO_SWITCH
        and prediction.label not in ("greeting", "thanks")
        and not (asking == "order" and ctx.ent.order_numbers)
        and _TASK_INTENT.get(task.name) != prediction.label
    )
    customer = ctx.customer
    if asking == "identity":
        return False  # handled by _verification_step; anything else is a new request
    if _bare_no(text):
        ctx.state.task = None
        ctx.turn.intent = "cancel_task"
        ctx.turn.say("OK, I've left everything as it was. Anything else I can help with?")
        return True
    ctx.turn.intent = f"{task.name}:{asking}"
    if asking == "order":
        if customer is None or not (ctx.ent.order_numbers or _FIRST.search(text)):
            if switching:
                ctx.state.task = None
                return False
            ctx.turn.say("Which order do you mean? You can send its number, like SD-100123.")
            return True
        task.asking = None
        HANDLERS[_TASK_INTENT[task.name]](ctx)
        return True
    if asking == "product":
        if not ctx.ent.products:
            ctx.state.task = None
            return False
        task.asking = None
        _place_order(ctx)
        return True
    if customer is None:
        ctx.state.task = None
        return False
    named = [n for n in ctx.ent.order_numbers if n.upper() != (task.order or "").upper()]
    if task.order and named and task.name in _TASK_INTENT:
        # Another order number while filling in this order's request: the customer means that
        # order (or mistyped one), never "use the number as the reason".
        ctx.state.task = None
        HANDLERS[_TASK_INTENT[task.name]](ctx)
        return True
    order = selectors.order_for_bot(customer=customer, number=task.order) if task.order else None
    if asking == "reason":
        chip = REASON_CHIPS.get(text) if task.name == "return" else None
        if task.name == "return":
            reason = chip or _reason_from(text)
            if reason is None:
                if switching:
                    ctx.state.task = None
                    return False
                reason = "other"
                task.slots["reason_detail"] = text[:300]
            task.slots["reason"] = reason
            task.asking = None
            if order is not None:
                _return_fill(ctx, task, order)
            return True
        if switching and prediction.label not in ("cancel_order", "complaint"):
            ctx.state.task = None
            return False
        task.slots["reason"] = "Not given" if guard.yes_or_no(text) == "yes" else text[:300]
        task.asking = None
        _propose(ctx)
        return True
    if asking == "refund_method":
        method = REFUND_METHOD_CHIPS.get(text)
        if method is None:
            if re.search(r"\b(gift|store credit|credit)\b", text, re.I):
                method = "gift_card"
            elif re.search(r"\b(original|card|back|same|paypal|bank)\b", text, re.I):
                method = "original"
        if method is None:
            if switching:
                ctx.state.task = None
                return False
            ctx.turn.say("Original payment method or gift card?")
            ctx.turn.chips(*REFUND_METHOD_CHIPS)
            return True
        task.slots["refund_method"] = method
        task.asking = None
        if order is not None:
            _return_fill(ctx, task, order)
        return True
    if asking == "item":
        if order is None:
            ctx.state.task = None
            return False
        task.asking = None
        if task.name == "return":
            _return_fill(ctx, task, order)
        else:
            _swap_fill(ctx, task, order)
        return task.asking != "item" or not switching
    if asking == "variant":
        if task.name == "return" and "reason" not in task.slots and _reason_from(text):
            task.slots["reason"] = _reason_from(text)
        task.asking = None
        if task.name == "place_order":
            before = ctx.turn.parts[:]
            _order_fill(ctx, task, customer)
            return not (switching and ctx.turn.parts[len(before) :] and task.asking == "variant")
        if order is None:
            ctx.state.task = None
            return False
        if task.name == "return":
            _return_fill(ctx, task, order)
        else:
            _swap_fill(ctx, task, order)
        if task.asking == "variant" and switching:
            ctx.state.task = None
            ctx.turn.parts.clear()
            return False
        return True
    if asking == "address":
        address = parse_address(text, customer.full_name)
        if address is None:
            if switching:
                ctx.state.task = None
                return False
            ctx.turn.say("Sorry, I couldn't read that address. " + ADDRESS_FORMAT)
            return True
        task.slots["address"] = address
        task.asking = None
        _propose(ctx)
        return True
    if asking == "payment_method":
        methods = selectors.payment_methods_for_bot(customer=customer)
        chosen = _payment_methods_named(text, methods)
        if len(chosen) != 1:
            if switching:
                ctx.state.task = None
                return False
            ctx.turn.say("Which one? Please pick one of the saved payment methods.")
            ctx.turn.chips(*[m.label for m in methods])
            return True
        task.slots["payment_method_id"] = chosen[0].pk
        task.slots["payment_method_label"] = chosen[0].label
        task.asking = None
        _propose(ctx)
        return True
    if asking == "what":
        if order is None:
            ctx.state.task = None
            return False
        if re.search(r"\b(size|colou?r|item)\b", text, re.I) or ctx.ent.sizes or ctx.ent.colours:
            task.name = "swap"
            task.asking = None
            _swap_fill(ctx, task, order)
        elif _ADDRESS_WORDS.search(text):
            task.name = "address"
            _ask_address(ctx, task, f"What's the new shipping address for order {order.number}?")
        elif _PAYMENT_WORDS.search(text):
            task.name = "payment"
            _ask_payment(ctx, task, customer)
        else:
            ctx.state.task = None
            return False
        return True
    ctx.state.task = None
    return False


def _bare_no(text: str) -> bool:
    """A plain "no" (or "never mind"), not "no, the blue one"."""
    if guard.yes_or_no(text) != "no":
        return False
    rest = re.sub(
        r"^\W*(no+|nope|nah|never ?mind|forget it|cancel that|stop|don'?t|no thanks?( you)?)\b",
        "",
        guard.fold(text),
    )
    return not re.search(r"[a-z0-9]{2,}", re.sub(r"\b(thanks?|you|please|it|that)\b", "", rest))


_TASK_INTENT = {
    "cancel": "cancel_order",
    "return": "return_refund",
    "swap": "change_order",
    "address": "change_order",
    "payment": "change_order",
    "change": "change_order",
    "place_order": "place_order",
    "default_address": "account",
}


# --- confirmations -----------------------------------------------------------------------------

YES_LABEL = {
    "cancel": "Yes, cancel it",
    "swap": "Yes, swap it",
    "address": "Yes, change it",
    "payment": "Yes, change it",
    "return": "Yes, start the return",
    "default_address": "Yes, save it",
    "place_order": "Yes, place the order",
}
NO_LABEL = {"cancel": "No, keep it", "place_order": "No, don't order"}


def _propose(ctx: Ctx) -> None:
    """Describe exactly what will happen and wait for a yes."""
    task = ctx.state.task
    assert task is not None
    customer = ctx.customer
    assert customer is not None
    order = selectors.order_for_bot(customer=customer, number=task.order) if task.order else None
    turn = ctx.turn
    name = task.name
    params = dict(task.slots)
    if name == "cancel" and order is not None:
        paid = facts.net_paid(order)
        turn.say(
            f"To confirm: I'll cancel order {order.number} ({facts.items_line(order)}, total "
            f"{money(order.grand_total, order.currency)}).",
            keep=(order.number,),
        )
        if paid > 0 and order.payment_method:
            turn.say(
                f"The {money(paid, order.currency)} you paid goes back to "
                f"{order.payment_method.label}."
            )
        elif paid <= 0:
            turn.say("You haven't been charged for it.")
    elif name == "swap" and order is not None:
        item = next(i for i in order.items.all() if i.pk == params["item_id"])
        variant = next(
            v
            for v in selectors.product_variants_for_bot(product_id=item.variant.product_id)
            if v.pk == params["variant_id"]
        )
        diff = variant.price - item.unit_price
        turn.say(
            f"To confirm: on order {order.number} I'll swap {item.product_name} "
            f"({item.variant_label}) for {variant.label}.",
            keep=(order.number,),
        )
        if diff:
            turn.say(
                f"The price changes from {money(item.unit_price, order.currency)} to "
                f"{money(variant.price, order.currency)} each."
            )
    elif name in ("address", "default_address"):
        address = facts.address_line(params["address"])
        if order is not None:
            turn.say(
                f"To confirm: I'll change the shipping address of order {order.number} to "
                f"{address}.",
                keep=(order.number,),
            )
        else:
            turn.say(f"To confirm: I'll make {address} your default address.")
    elif name == "payment" and order is not None:
        turn.say(
            f"To confirm: order {order.number} will be paid with {params['payment_method_label']}.",
            keep=(order.number,),
        )
    elif name == "return" and order is not None:
        item = next(i for i in order.items.all() if i.pk == params["item_id"])
        reason = {v: k for k, v in REASON_CHIPS.items()}.get(params["reason"], "Other")
        if params["kind"] == "exchange":
            turn.say(
                f"To confirm: I'll open an exchange on order {order.number} of "
                f"{item.product_name} ({item.variant_label}) for {params['variant_label']}, "
                f"reason: {reason.lower()}.",
                keep=(order.number,),
            )
        else:
            refund = item.unit_price * item.quantity
            if params["reason"] in ("damaged", "wrong_item"):
                refund += order.shipping_total
            refund = min(refund, max(facts.net_paid(order), refund * 0))
            method = (
                "gift card"
                if params.get("refund_method") == "gift_card"
                else ("original payment method")
            )
            turn.say(
                f"To confirm: I'll open a return on order {order.number} for {item.quantity} × "
                f"{item.product_name} ({item.variant_label}), reason: {reason.lower()}. The refund "
                f"of {money(refund, order.currency)} goes to your {method} once we receive it.",
                keep=(order.number,),
            )
    elif name == "place_order":
        variant = next(
            v
            for v in selectors.product_variants_for_bot(product_id=params["product_id"])
            if v.pk == params["variant_id"]
        )
        from orders.pricing import totals_for

        ship_to: dict[str, str] = (
            params.get("address") or customer.addresses.get(is_default=True).snapshot()
        )
        quantity = int(params.get("quantity") or 1)
        totals = totals_for(lines=[(variant.price, quantity)], country=ship_to["country"])
        label = f" ({variant.label})" if variant.label else ""
        currency = settings.SHOP_CURRENCY
        shipping = money(totals.shipping_total, currency) if totals.shipping_total else "free"
        turn.say(
            f"To confirm: I'll order {quantity} × {variant.product.name}{label} at "
            f"{money(variant.price, currency)} each. Subtotal {money(totals.subtotal, currency)}, "
            f"shipping {shipping}, total "
            f"{money(totals.grand_total, currency)}, shipped to {facts.address_line(ship_to)}. "
            "You'll get a link to pay.",
            keep=(variant.product.name,),
        )
        params["address"] = ship_to
    else:
        ctx.state.task = None
        turn.say("Sorry, I lost track of that request. Could you start again?")
        return
    pending = Pending(action=name, order=task.order, params=params)
    ctx.state.pending = pending
    task.asking = None
    turn.say("Shall I go ahead?")
    turn.confirm(pending.id, YES_LABEL.get(name, "Yes"), NO_LABEL.get(name, "No"))
    turn.tools.append(f"propose:{name}")


_CORRECTION = re.compile(r"\b(actually|instead|rather|i meant|i mean|not that|the other)\b", re.I)


def _answer_pending(ctx: Ctx) -> bool:
    """Handle the answer to a confirmation. True when this turn is done."""
    state = ctx.state
    pending = state.pending
    action = ctx.action
    if action is not None and (pending is None or action.get("confirm") != pending.id):
        ctx.turn.intent = "confirm_stale"
        ctx.turn.say("That button belongs to an earlier question, so I haven't changed anything.")
        if pending is not None and not pending.expired():
            ctx.turn.say("Shall I go ahead with the request above?")
            ctx.turn.confirm(
                pending.id, YES_LABEL.get(pending.action, "Yes"), NO_LABEL.get(pending.action, "No")
            )
        return True
    if pending is None:
        return False
    answer = action.get("answer") if action is not None else guard.yes_or_no(ctx.text)
    correction = (
        (answer == "no" and not _bare_no(ctx.text))
        or bool(_CORRECTION.search(ctx.text))
        or (answer is None and bool(ctx.ent.colours or ctx.ent.sizes or ctx.ent.quantity))
    )
    if (
        correction
        and state.task is not None
        and state.task.name in ("swap", "return", "place_order")
    ):
        state.pending = None
        task = state.task
        ctx.turn.intent = f"{task.name}:correct"
        if "variant_id" in task.slots:
            # "no, the black one": the options it doesn't name stay as they were.
            task.slots["previous_variant_id"] = task.slots["variant_id"]
        for key in ("variant_id", "variant_label"):
            task.slots.pop(key, None)
        if ctx.ent.quantity:
            task.slots["quantity"] = ctx.ent.quantity
        customer = ctx.customer
        if customer is None:
            return False
        order = (
            selectors.order_for_bot(customer=customer, number=task.order) if task.order else None
        )
        if task.name == "place_order":
            _order_fill(ctx, task, customer)
        elif order is not None and task.name == "return":
            _return_fill(ctx, task, order)
        elif order is not None:
            _swap_fill(ctx, task, order)
        return True
    if answer is None:
        # Something else entirely: set the confirmation aside and answer that.
        state.pending = None
        state.task = None
        state.agenda = []
        ctx.turn.say("I've set the earlier request aside; nothing was changed.")
        return False
    state.pending = None
    ctx.turn.intent = f"confirm:{answer}"
    if answer == "no":
        state.task = None
        ctx.turn.say("OK, I haven't changed anything. Anything else I can help with?")
        return True
    if pending.expired():
        ctx.turn.say("That confirmation expired, so I haven't changed anything.")
        if state.task is not None and ctx.customer is not None:
            _propose(ctx)
        return True
    _execute(ctx, pending)
    return True


def _execute(ctx: Ctx, pending: Pending) -> None:
    from orders import services as order_services
    from orders.actors import Actor
    from orders.errors import OrderPolicyError

    customer = ctx.customer
    assert customer is not None
    actor = Actor.bot(customer)
    p = pending.params
    turn = ctx.turn
    number = pending.order or ""
    turn.tools.append(f"execute:{pending.action}")
    try:
        if pending.action == "cancel":
            order = order_services.order_cancel(
                order_number=number, reason=str(p.get("reason") or "Customer request"), actor=actor
            )
            turn.say(f"Done: order {order.number} is cancelled.", keep=(order.number,))
            refunded = [
                pay
                for pay in order.payments.all()
                if pay.kind == "refund" and pay.status == "succeeded"
            ]
            if refunded:
                total = sum((pay.amount for pay in refunded), refunded[0].amount * 0)
                to = order.payment_method.label if order.payment_method else "your payment method"
                turn.say(f"We've refunded {money(total, order.currency)} to {to}.")
                _help_link(ctx, "refunds-and-timing")
        elif pending.action == "swap":
            item = order_services.order_swap_variant(
                order_number=number,
                order_item_id=int(p["item_id"]),
                new_variant_id=int(p["variant_id"]),
                actor=actor,
            )
            turn.say(
                f"Done: order {number} now has {item.product_name} ({item.variant_label}).",
                keep=(number,),
            )
        elif pending.action == "address":
            order = order_services.order_change_shipping_address(
                order_number=number, address=p["address"], actor=actor
            )
            turn.say(
                f"Done: order {order.number} will ship to "
                f"{facts.address_line(order.shipping_address)}.",
                keep=(order.number,),
            )
        elif pending.action == "payment":
            order = order_services.order_change_payment_method(
                order_number=number, payment_method_id=int(p["payment_method_id"]), actor=actor
            )
            label = order.payment_method.label if order.payment_method else ""
            turn.say(f"Done: order {order.number} will be paid with {label}.", keep=(order.number,))
        elif pending.action == "return":
            exchange = p.get("variant_id") if p["kind"] == "exchange" else None
            order_obj = selectors.order_for_bot(customer=customer, number=number)
            returned = (
                next(i for i in order_obj.items.all() if i.pk == p["item_id"])
                if order_obj
                else None
            )
            rma = order_services.return_request_create(
                order_number=number,
                lines=[
                    order_services.ReturnLine(
                        order_item_id=int(p["item_id"]),
                        quantity=returned.quantity if returned else 1,
                        exchange_variant_id=int(exchange) if exchange else None,
                    )
                ],
                reason=str(p["reason"]),
                kind=str(p["kind"]),
                refund_method=str(p.get("refund_method") or "original"),
                reason_detail=str(p.get("reason_detail") or ""),
                actor=actor,
            )
            kind = "exchange" if rma.kind == "exchange" else "return"
            turn.say(
                f"Done: your {kind} {rma.rma_number} for order {number} is open.",
                keep=(rma.rma_number,),
            )
            if rma.kind == "return" and rma.refund_amount:
                turn.say(
                    f"Once we receive the items, {money(rma.refund_amount, rma.order.currency)} "
                    f"will be refunded to your {rma.get_refund_method_display().lower()}."
                )
            section = selectors.help_article_section(
                slug="how-to-start-a-return", heading="Sending your items back"
            )
            if section:
                steps = " ".join(
                    line.strip().removeprefix("- ").rstrip(".") + "."
                    for line in section[1].replace(" - ", "\n- ").splitlines()
                    if line.strip()
                )
                turn.say(f"Sending the items back: {steps}")
                turn.source(section[1])
            _help_link(ctx, "how-to-start-a-return")
        elif pending.action == "default_address":
            address = order_services.customer_set_default_address(
                customer=customer, address=p["address"], actor=actor
            )
            turn.say(f"Done: your default address is now {facts.address_line(address.snapshot())}.")
        elif pending.action == "place_order":
            new = order_services.order_create(
                customer=customer,
                lines=[
                    order_services.OrderLine(
                        variant_id=int(p["variant_id"]), quantity=int(p.get("quantity") or 1)
                    )
                ],
                address=p.get("address"),
                actor=actor,
            )
            ctx.state.focus_order = new.number
            _pay_link(
                ctx, new, intro=f"Done: order {new.number} is placed and waiting for payment."
            )
        ctx.state.task = None
        ctx.state.failures.pop(pending.action, None)
    except OrderPolicyError as error:
        failures = ctx.state.failures.get(pending.action, 0) + 1
        ctx.state.failures[pending.action] = failures
        log.info("bot action %s on %s refused: %s", pending.action, number, error)
        turn.say(f"Sorry, I couldn't do that: {error}")
        ctx.state.task = None
        if failures >= MAX_ACTION_FAILURES:
            _handoff(ctx, "action_failed", "I'll ask a member of our team to help with this.")


HANDLERS: dict[str, Callable[[Ctx], None]] = {
    "help_center": _help,
    "product_refine": _refine,
    "order_status": _order_status,
    "track_shipment": _track,
    "cancel_order": _cancel,
    "change_order": _change,
    "return_refund": _returns,
    "payment_issue": _payment_issue,
    "shipping_info": _shipping_info,
    "product_question": _product_question,
    "product_recommendation": _recommend,
    "place_order": _place_order,
    "account": _account,
    "complaint": _complaint,
    "human_agent": _human,
    "greeting": _greeting,
    "thanks": _thanks,
    "goodbye": _goodbye,
    "out_of_scope": _out_of_scope,
}


def conversation_id_of(message: Message) -> uuid.UUID:
    return message.conversation_id
