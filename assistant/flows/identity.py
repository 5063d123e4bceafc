"""Guest verification: identity details over one or more messages become the conversation's
verified customer, or, after too many wrong tries, a handoff.

Resuming the request a guest made before verifying goes back into the pipeline, so
`verification_step` imports `engine.understand_and_handle` inside the function."""

from __future__ import annotations

import re

from assistant.flows.context import Ctx, entities, handoff
from chatbot import selectors, services
from orders.models import Customer

MAX_VERIFY_ATTEMPTS = 5


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


def verification_step(ctx: Ctx) -> bool:
    """Handle identity details in the message. True when this turn is done."""
    from assistant.flows.engine import understand_and_handle  # the engine imports this module

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
        handoff(ctx, "verification_locked", "A member of our team will help you from here.")
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
            handoff(
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
        ctx.ent = entities(resume)
        understand_and_handle(ctx, resume, first=True)
    else:
        ctx.turn.say("What can I help you with?")
    return True
