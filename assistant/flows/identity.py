"""Guest verification: identity details over one or more messages become the conversation's
verified customer, or, after too many wrong tries, a handoff.

Resuming the request a guest made before verifying goes back into the pipeline, so
`verification_step` imports `engine.understand_and_handle` inside the function."""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext, pgettext

from assistant.flows.context import Ctx, entities, handoff
from assistant.flows.state import Task
from assistant.understanding import references
from chatbot import selectors, services
from orders.models import Customer

MAX_VERIFY_ATTEMPTS = 5


_BARE_NAME = re.compile(r"[A-Za-z][A-Za-z'-]*(?:\s+[A-Za-z][A-Za-z'-]*){1,3}")


_NOT_A_NAME = frozenset(
    ["my", "the", "and", "or", "is", "am", "i", "im", "it", "zip", "code", "postcode", "order",
     "email", "name", "please", "thanks", "hi", "hello", "no", "yes", "not", "wrong", "help",
     "human", "agent", "cancel", "return", "track", "where"]
)  # fmt: skip


# "zip 78260", "postcode: 3000", "post code is SW1A 1AA": a postal code said as one, in any
# country's form (4-digit Australian, 6-digit Indian, letters and digits in the UK and Canada).
_POSTCODE = re.compile(
    r"\b(?:zip|zipcode|zip\s+code|post\s?code|postal\s+code|pin\s?code)\s*(?:is|:|=|-)?\s*"
    r"([A-Za-z]{0,2}\d[A-Za-z0-9]{2,3}(?:[ -]?\d[A-Za-z0-9]{1,3})?)\b",
    re.IGNORECASE,
)
# A number on its own that can only be the postal code the assistant asked for.
_BARE_CODE = re.compile(r"(?<![\w$#@.-])(\d{4,6})(?![\w@-])")
_FILLER = re.compile(
    r"\b(fine|ok(ay)?|sure|yes|yeah|yep|hi|hello|hey|sorry|typo|it'?s|its|i'?m|im|i am|this is|"
    r"name|my|is|and|zip|zipcode|code|post\s?code|postal|pin|the|of|here|you go|thanks|please)\b",
    re.IGNORECASE,
)


def postal_codes(text: str, zip_codes: tuple[str, ...], *, asked: bool) -> tuple[str, ...]:
    """The postal codes a message gives: the zip codes found in it, one said as a postcode
    ("postcode 3000"), or, when the assistant asked for it, a bare 4 to 6 digit number."""
    found = list(zip_codes)
    found += [m.group(1).strip() for m in _POSTCODE.finditer(text)]
    if not found and asked:
        found += [m.group(1) for m in _BARE_CODE.finditer(text)]
    return tuple(dict.fromkeys(found))


def _bare_names(text: str, codes: tuple[str, ...]) -> list[str]:
    """Full names that may be given next to a postal code ("fine. alice martin, 98101", "Sofia Li
    zip 78260"): the words left once the code and filler words are gone, and their last two or
    three words, for a lead-in the filler list doesn't know."""
    for code in codes:
        text = text.replace(code, " ")
    text = _FILLER.sub(" ", re.sub(r"[,;.:/!?()]", " ", text))
    words = text.split()
    if not 2 <= len(words) <= 6 or any(w.lower() in _NOT_A_NAME for w in words):
        return []
    if not _BARE_NAME.fullmatch(" ".join(words)):
        return []
    options = [words, words[-2:], words[-3:], words[:2]]
    out: list[str] = []
    for option in options:
        name = " ".join(w if any(c.isupper() for c in w) else w.title() for w in option)
        if len(option) >= 2 and name not in out:
            out.append(name)
    return out


def verification_step(ctx: Ctx) -> bool:
    """Handle identity details in the message. True when this turn is done."""
    from assistant.flows.engine import understand_and_handle  # the engine imports this module

    ent = ctx.ent
    state = ctx.state
    identifying = state.task is not None and state.task.name == "identify"
    codes = postal_codes(ctx.text, ent.zip_codes, asked=identifying)
    names = [ent.name] if ent.name else []
    if (codes or ent.emails or identifying) and ctx.customer is None:
        bare = _bare_names(_without_emails(ctx.text, ent.emails), codes)
        names += [n for n in bare if n not in names]
    offered = bool(ent.emails or (names and codes))
    if ctx.customer is not None:
        if ent.emails and ctx.customer.email.lower() not in ent.emails and offered:
            ctx.turn.intent = "account"
            ctx.turn.say(
                _(
                    "This chat is already verified for one account, and I can only help with "
                    "that account's orders here. For another account, please start a new chat."
                )
            )
            return True
        return False
    if not (identifying or offered):
        return False
    if state.verify_locked:
        handoff(ctx, "verification_locked", _("A member of our team will help you from here."))
        return True
    given = state.verify_given
    if ent.emails:
        given["email"] = ent.emails[0]
    if ent.order_numbers:
        given["order"] = ent.order_numbers[0]
    elif ent.emails:
        # "hannah@example.com 100330": next to an email, a run of digits is the order number
        # (in the shop's format or not; it is matched among that email's orders).
        rest = ctx.text
        for email in ent.emails:
            rest = re.sub(re.escape(email), " ", rest, flags=re.IGNORECASE)
        candidates = [k for k, digits in references.number_candidates(rest) if len(digits) >= 4]
        if candidates:
            given["order"] = candidates[0]
    if names:
        given["name"] = names[0]
    if codes:
        given["zip"] = codes[0]
    if (
        not given.get("buying")
        and "email" in given
        and _BUYING.search(ctx.text)
        and not Customer.objects.filter(email__iexact=given["email"]).exists()
    ):
        # "i'm new here, i want to buy …, my email is …": a new shopper, not a failed check.
        given["buying"] = "1"
        state.resume_text = state.resume_text or ctx.text
    if (
        given.get("buying")
        and "email" in given
        and not Customer.objects.filter(email__iexact=given["email"]).exists()
    ):
        given.pop("order", None)  # digits next to a new email are its address, not an order
        # A new shopper buying in the chat: there is no account to prove, so one is made.
        return _register_step(ctx, given, names)
    customer: Customer | None = None
    attempted = False
    if "email" in given and "order" in given and "email+order" in settings.BOT_IDENTITY_CHECKS:
        attempted = True
        customer = selectors.customer_for_email_and_order(
            email=given["email"], order_number=given["order"]
        )
    checks = set(settings.BOT_IDENTITY_CHECKS)
    if customer is None and "email" in given and "name" in given and "email+name" in checks:
        attempted = True
        for name in list(dict.fromkeys([given["name"], *names]))[:3]:
            customer = selectors.customer_for_email_and_name(email=given["email"], name=name)
            if customer is not None:
                break
    if customer is None and "email" in given and "zip" in given and "email+zip" in checks:
        attempted = True
        customer = selectors.customer_for_email_and_zip(email=given["email"], zip_code=given["zip"])
    if customer is None and "name" in given and "zip" in given and "name+zip" in checks:
        attempted = True
        # A few readings of the name (with or without a lead-in word) against one code: one
        # try. Only ever one code a try, so a list of codes can't be guessed through.
        for name in list(dict.fromkeys([given["name"], *names]))[:3]:
            customer = selectors.customer_for_name_and_zip(name=name, zip_code=given["zip"])
            if customer is not None:
                break
    ctx.turn.intent = "verify"
    if not attempted:
        if not identifying and "email" not in given:
            return False
        if not identifying:
            # An email given unasked: they are identifying; the rest of the message waits.
            state.resume_text = state.resume_text or (ctx.text if _asks_more(ctx.text) else None)
            state.task = Task(name="identify", asking="identity")
        if "email" in given:
            ctx.turn.say(_("Thanks. Now %(details)s, please.") % {"details": _second_fact("email")})
        elif "name" in given:
            ctx.turn.say(_("Thanks. And %(details)s?") % {"details": _second_fact("name")})
        elif "order" in given:
            ctx.turn.say(_("Thanks. And the email address you placed that order with?"))
        else:
            state.task = None  # they moved on: answer the new request instead
            return False
        return True
    if customer is None:
        state.verify_failures += 1
        # Keep who they said they are, so "sorry typo, 98101" corrects just the zip code; the
        # next try still counts.
        state.verify_given = {k: v for k, v in given.items() if k in ("name", "email", "buying")}
        left = MAX_VERIFY_ATTEMPTS - state.verify_failures
        if left <= 0:
            state.verify_locked = True
            handoff(
                ctx,
                "verification_locked",
                _(
                    "Those details don't match our records, and that was the last try. A member "
                    "of our team will help you from here."
                ),
            )
            return True
        ctx.turn.say(
            ngettext(
                "Those details don't match our records. Please check them and try again "
                "(%(count)s try left).",
                "Those details don't match our records. Please check them and try again "
                "(%(count)s tries left).",
                left,
            )
            % {"count": left}
        )
        return True
    services.conversation_verify(conversation=ctx.conversation, customer=customer)
    if "order" in given and customer.orders.filter(number__iexact=given["order"]).exists():
        state.focus_order = given["order"]
    state.verify_given = {}
    state.task = None
    ctx.turn.say(_("Thanks, %(name)s, you're verified.") % {"name": customer.first_name})
    resume = state.resume_text
    state.resume_text = None
    if not resume and _asks_more(ctx.text):
        # "it's bob@example.com, order sd100009, where is it?": the request, without the
        # details that verified the guest (a name must not read as an address change).
        resume = _without_identity(ctx.text, names=names, codes=codes)
    elif resume:
        ctx.resuming = True  # the acts of this message stay its own (identity)
    if resume:
        ctx.ent = entities(resume, ctx.customer)
        ctx.text = resume
        understand_and_handle(ctx, resume, first=True)
    else:
        ctx.turn.say(_("What can I help you with?"))
    return True


_FACTS = {
    "order": gettext_noop("the number of one of your orders"),
    "name": gettext_noop("your full name"),
    "zip": gettext_noop("the zip code of your shipping address"),
    "email": gettext_noop("the email address you ordered with"),
}


def _second_fact(have: str) -> str:
    """What else the shop's identity checks take next to `have`: "your full name or the number
    of one of your orders"."""
    wanted = [
        other
        for check in settings.BOT_IDENTITY_CHECKS
        for first, other in [check.split("+"), check.split("+")[::-1]]
        if first == have
    ]
    # Translators: between alternatives ("your full name or the number of one of your orders").
    either = pgettext("list separator", " or ")
    return either.join(_(_FACTS[w]) for w in dict.fromkeys(wanted)) or _(_FACTS["order"])


def _without_emails(text: str, emails: tuple[str, ...]) -> str:
    for email in emails:
        text = re.sub(re.escape(email), " ", text, flags=re.IGNORECASE)
    return re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", " ", text)


_BUYING = re.compile(
    r"\b(buy|purchase|place an order|order (a|an|the|some|one|two)|i'?m new|new customer|"
    r"first (time|order)|never ordered)\b",
    re.I,
)
_CAPITALIZED_NAME = re.compile(r"\b([A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){1,2})\b")


def _register_step(ctx: Ctx, given: dict[str, str], names: list[str]) -> bool:
    """Collect a new shopper's name and shipping address, then make their account and go on
    with the purchase they asked for."""
    import json

    from assistant.flows.engine import understand_and_handle  # the engine imports this module
    from assistant.flows.orders_flow import address_in, written_address
    from orders import services as order_services
    from orders.actors import Actor
    from orders.errors import OrderPolicyError

    state = ctx.state
    text = _without_emails(ctx.text, ctx.ent.emails)
    if "name" not in given:
        found = [
            n
            for n in _CAPITALIZED_NAME.findall(text)
            if not any(w.lower() in _NOT_A_NAME for w in n.split())
        ]
        if names or found:
            given["name"] = (names or found)[-1]
    if "address" not in given:
        address = address_in(text, given.get("name", "")) or written_address(
            ctx, given.get("name", "")
        )
        if address is not None:
            given["address"] = json.dumps(address)
    given.pop("zip", None)
    state.task = Task(name="identify", asking="identity")
    ctx.turn.intent = "register"
    if "name" not in given or "address" not in given:
        if "name" in given:
            question = _(
                "What's your shipping address? For example: 12 Harbor St, Portland, OR 97205, US."
            )
        elif "address" in given:
            question = _("What's your full name?")
        else:
            question = _(
                "What's your full name and your shipping address? For example: 12 Harbor St, "
                "Portland, OR 97205, US."
            )
        ctx.turn.say(
            _(
                "Thanks. I don't see an account for %(email)s yet, so I'll set one up with your "
                "order. %(question)s"
            )
            % {"email": given["email"], "question": question}
        )
        return True
    name = given["name"].split()
    address = json.loads(given["address"])
    address["full_name"] = given["name"]
    try:
        customer = order_services.customer_register(
            email=given["email"],
            first_name=name[0],
            last_name=" ".join(name[1:]),
            address=address,
            actor=Actor.system("assistant checkout"),
        )
    except OrderPolicyError as error:
        ctx.turn.say(_("Sorry, I couldn't set up the account: %(error)s") % {"error": error})
        state.verify_given = {}
        state.task = None
        return True
    services.conversation_verify(conversation=ctx.conversation, customer=customer)
    state.verify_given = {}
    state.task = None
    ctx.turn.say(_("Thanks, %(name)s: your account is set up.") % {"name": customer.first_name})
    resume, state.resume_text = state.resume_text, None
    if resume:
        ctx.resuming = True
        ctx.ent = entities(resume, customer)
        ctx.text = resume
        understand_and_handle(ctx, resume, first=True)
    return True


_IDENTITY_BITS = re.compile(
    r"[\w.+-]+@[\w-]+(\.[\w-]+)+|#?\b[A-Za-z]{0,4}[-#:._]?\d{4,}\b|\b(my|the)?\s*(email|e-mail|"
    r"order|zip|zip code|postcode|name)\s*(number|no\.?|#)?\s*(is|:)?",
    re.IGNORECASE,
)


_INTRO = re.compile(
    r"\b(my\s+)?(full\s+)?(name\s+is|name's|i\s+am|i'm|this\s+is|it'?s|my\s+email\s+is|"
    r"email:?|(my\s+)?(zip|post|postal)\s*code\s*(is|:)?)\s*",
    re.IGNORECASE,
)


def _without_identity(text: str, *, names: list[str], codes: tuple[str, ...]) -> str:
    out = re.sub(r"[\w.+-]+@[\w-]+(\.[\w-]+)+", " ", text)
    for value in [*names, *codes]:
        out = re.sub(re.escape(value), " ", out, flags=re.IGNORECASE)
    out = _INTRO.sub(" ", out)
    return re.sub(r"\s+", " ", re.sub(r"(\s*[,.;]\s*){2,}", ", ", out)).strip(" ,.;")


def _asks_more(text: str) -> bool:
    """Whether a message that gave identity also asks something ("..., where is it?")."""
    rest = _FILLER.sub(" ", _IDENTITY_BITS.sub(" ", text))
    words = re.findall(r"[A-Za-z']{2,}", rest)
    return len(words) >= 2 and bool(
        re.search(
            r"\?|\b(where|when|what|status|track|tracking|cancel|change|return|refund|"
            r"exchange|deliver|arriv|ship|can you|could you|please|pls|want|need)",
            rest,
            re.I,
        )
    )
