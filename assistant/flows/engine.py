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

from assistant.flows.confirm import answer_pending
from assistant.flows.context import ORDERISH, Ctx, entities, handoff, help_is_sure
from assistant.flows.context import catalog_reset as catalog_reset
from assistant.flows.identity import MAX_VERIFY_ATTEMPTS as MAX_VERIFY_ATTEMPTS
from assistant.flows.identity import verification_step
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
    product_question,
    recommend,
    refine,
    shipping_info,
)
from assistant.flows.slots import fill_task
from assistant.flows.state import DialogueState
from assistant.replies.turn import Turn
from assistant.understanding import guard
from assistant.understanding import intents as nlu_intents
from chatbot import services
from chatbot.models import Conversation, Message

MAX_NOT_SURE = 2

CAPABILITIES = (
    "I can track your orders, cancel or change them, start returns and exchanges, answer "
    "questions about shipping, returns and payments, and help you find and buy products."
)
MENU = ("Track my order", "Start a return", "Shipping costs", "Product ideas", "Talk to a human")


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
            ent=entities(message.text),
            action=action if isinstance(action, dict) else None,
        )
        _turn(ctx)
        services.conversation_save_bot_state(conversation=conversation, state=state.dump())
    return ctx.turn


def _turn(ctx: Ctx) -> None:
    state = ctx.state
    if (state.pending is not None or ctx.action) and answer_pending(ctx):
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
        handoff(
            ctx,
            topic,
            "I'm sorry to hear that. This needs a person, so I'm passing your chat to our team.",
        )
        return
    if guard.asks_for_promise(ctx.text):
        handoff(
            ctx,
            "promise",
            "I can't promise compensation, discounts, exceptions to our policies or anything "
            "legally binding. A member of our team can look at your request.",
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
        if not prediction.is_sure and prediction.guess in _ORDER_INTENTS and ORDERISH.search(piece):
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


def understand_and_handle(ctx: Ctx, text: str, *, first: bool) -> None:
    requests = _split_requests(text) if first else [(text, nlu_intents.classify(text))]
    piece, prediction = requests[0]
    if first and len(requests) > 1:
        ctx.state.agenda = [p for p, _ in requests[1:]]
        ctx.turn.say("I'll take those one at a time.")
    ctx.turn.intent = ctx.turn.intent or prediction.label
    ctx.turn.confidence = ctx.turn.confidence or round(prediction.confidence, 3)
    if len(requests) > 1:
        ctx.ent = entities(piece)
    label = prediction.label
    last = ctx.state.last_intent
    follow_up = _FOLLOW_UP.search(piece) and len(piece.split()) <= 8 and last in _ORDER_INTENTS
    # "and the other one?", "what about SD-100123", "and the payment method?"
    about_change = last == "change_order" and bool(
        PAYMENT_WORDS.search(piece) or ADDRESS_WORDS.search(piece) or ITEM_WORDS.search(piece)
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
    if label == nlu_intents.NOT_SURE and help_is_sure(piece):
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
        ctx.ent = entities(text)
        ctx.turn.say("Now, your other question.")
        understand_and_handle(ctx, text, first=False)


def _asking(ctx: Ctx) -> bool:
    return ctx.state.task is not None and ctx.state.task.asking is not None


def _not_sure(ctx: Ctx) -> None:
    ctx.state.not_sure_streak += 1
    if ctx.state.not_sure_streak >= MAX_NOT_SURE:
        handoff(
            ctx,
            "not_sure",
            "Sorry, I'm still not sure what you need. I'll bring in a member of our team.",
        )
        return
    ctx.turn.say("Sorry, I'm not sure I understood. What can I help you with? " + CAPABILITIES)
    ctx.turn.chips(*MENU)


# --- small talk and handoffs -------------------------------------------------------------------


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
    handoff(ctx, "requested", "Of course.")


def _complaint(ctx: Ctx) -> None:
    handoff(
        ctx,
        "complaint",
        "I'm really sorry about this. I'm passing your chat to a member of our team so they can "
        "sort it out with you.",
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
    "out_of_scope": _out_of_scope,
}


def conversation_id_of(message: Message) -> uuid.UUID:
    return message.conversation_id
