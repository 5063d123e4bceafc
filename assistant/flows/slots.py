"""Filling in a task: the customer's answer to the question the last reply asked (which order,
a reason, an option, an address, a payment method), or a sign that they moved on.

An answer that names the order hands the request back to its handler, so `fill_task` imports
`engine.HANDLERS` inside the function."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assistant.flows import items as items_mod
from assistant.flows.confirm import bare_no, propose
from assistant.flows.context import FIRST, Ctx
from assistant.flows.orders_flow import (
    ADDRESS_FORMAT,
    ADDRESS_WORDS,
    CANCEL_REASONS,
    PAYMENT_WORDS,
    REFUND_METHOD_CHIPS,
    address_by_reference,
    address_in,
    ask_address,
    ask_payment,
    cancel_reason_from,
    change_chip,
    left_to_return,
    note_payment_method,
    parse_address,
    payment_methods_named,
    reason_chip,
    reason_from,
    refund_method_chip,
    return_fill,
    return_kind_switch,
    swap_fill,
    written_address,
)
from assistant.flows.shop_flow import order_fill, place_order
from assistant.understanding import guard
from assistant.understanding import intents as nlu_intents
from chatbot import selectors

# A street line on its own: "21 Quay St", "1500 Broadway Apt 4B", "Flat 2, 10 High Street".
_STREET_ONLY = re.compile(
    r"\s*(?:(?:apt|flat|unit|suite)\s*\w+\s*,?\s*)?\d+[A-Za-z]?\s+[A-Za-z][\w .'-]{1,60}"
    r"(?:,\s*(?:apt|apartment|flat|unit|suite|#)\s*\w+)?\s*[.,]?\s*",
    re.I,
)
_THANKS_ONLY = re.compile(r"\W*(thanks?( you)?( so much| a lot)?|thx|ty|cheers)\W*")
# The answer to "thanks" while a question is open, by the slot it asked for; shown with _().
_WAITING_FOR = {
    "address": gettext_noop("You're welcome! When you're ready, send me the new address."),
    "variant": gettext_noop("You're welcome! When you're ready, send me the option you'd like."),
    "payment_method": gettext_noop(
        "You're welcome! When you're ready, send me which payment method to use."
    ),
    "refund_method": gettext_noop(
        "You're welcome! When you're ready, send me where the refund should go."
    ),
    "item": gettext_noop("You're welcome! When you're ready, send me which items you mean."),
}
_HOLD = re.compile(
    r"\W*(no+,?\s*|um+,?\s*|oh,?\s*|hmm+,?\s*)?(wait|hold on|hang on|one (sec|second|moment|min)|"
    r"just a (sec|second|moment|min)|give me a (sec|second|moment|min)|let me (check|think))"
    r"([\s,.!]*(wait|hold on|hang on|a (sec|second|moment|minute)|please|pls))*\W*"
)
_CORRECTING = re.compile(
    r"\b(not|actually|sorry|meant|instead|rather|wrong (one|item)|other one|my (mistake|bad))\b",
    re.IGNORECASE,
)
# "not the throw blanket", "not those sandals": up to four words after the "not".
# "I meant the runners", "it's the chairs": the item named is instead of the one chosen.
_MEANT = re.compile(
    r"\b(i meant|meant the|it'?s (actually )?the|it is the|wrong (one|item)|other one)\b", re.I
)
# "I'd also like to return the runners", "the runners too": more items, not other ones.
_ADDING = re.compile(r"\b(also|too|as well|plus|and the)\b", re.I)
_NOT_ITEM = re.compile(
    r"\bnot\s+(?:the\s+|my\s+|those\s+|that\s+|these\s+)?(?:[\w'-]+(?:\s+|(?=[,.;!?]|$))){1,4}",
    re.IGNORECASE,
)
SURE_TO_SWITCH = 0.6  # an intent this sure abandons the task being filled in


def fill_task(ctx: Ctx) -> bool:
    """Use the message to fill the slot the last reply asked for. False when the message is
    something else (the caller treats it as a new request)."""
    from assistant.flows.engine import HANDLERS  # the engine imports this module

    task = ctx.state.task
    assert task is not None and task.asking is not None
    asking = task.asking
    text = ctx.text.strip()
    # A chip is matched on what was written (or pressed), not on the reading: "误下单" is the
    # Chinese label of "Ordered by mistake", though its reading says "place an order".
    written = ctx.message.text.strip()
    prediction = nlu_intents.classify(text)
    switching = (
        prediction.is_sure
        and prediction.confidence >= SURE_TO_SWITCH
        and prediction.label not in ("greeting", "thanks")
        # "found it cheaper elsewhere", "it sheds everywhere" answer "why?" whatever the
        # classifier makes of them (words, not markup or code; a statement about the product,
        # not a question).
        and not (
            asking == "reason"
            and (
                prediction.label in ("out_of_scope", "complaint")
                or (prediction.label == "product_question" and "?" not in text)
            )
            and not re.search(r"[<>{}]", text)
            and len(re.findall(r"[^\W\d_]{2,}", text)) >= 2
        )
        and not (asking == "order" and ctx.ent.order_numbers)
        and _TASK_INTENT.get(task.name) != prediction.label
    )
    customer = ctx.customer
    if asking == "identity":
        return False  # handled by verification_step; anything else is a new request
    if _THANKS_ONLY.fullmatch(text.lower()) and asking in _WAITING_FOR:
        # "thanks" while asked for an address is no address: the question stays open.
        ctx.turn.intent = "thanks"
        ctx.turn.say(_(_WAITING_FOR[asking]))
        return True
    if _HOLD.fullmatch(text.lower()):
        # "no wait, hold on": a pause, not an answer; the question stays open.
        ctx.turn.intent = "hold"
        ctx.turn.say(_("Sure, take your time. I'll keep your request open."))
        return True
    if bare_no(text):
        ctx.state.task = None
        ctx.turn.intent = "cancel_task"
        ctx.turn.say(_("OK, I've left everything as it was. Anything else I can help with?"))
        return True
    ctx.turn.intent = f"{task.name}:{asking}"
    if asking == "order":
        if customer is None or not (ctx.ent.order_numbers or FIRST.search(text)):
            if switching:
                ctx.state.task = None
                return False
            ctx.turn.say(_("Which order do you mean? You can send its number, like SD-100123."))
            return True
        task.asking = None
        HANDLERS[_TASK_INTENT[task.name]](ctx)
        return True
    if asking == "product":
        if not ctx.ent.products:
            ctx.state.task = None
            return False
        task.asking = None
        place_order(ctx)
        return True
    if customer is None:
        ctx.state.task = None
        return False
    named = [n for n in ctx.ent.order_numbers if n.upper() != (task.order or "").upper()]
    if task.order and named and task.name in _TASK_INTENT and not switching:
        # Another order number while filling in this order's request: the customer means that
        # order (or mistyped one), never "use the number as the reason".
        ctx.state.task = None
        HANDLERS[_TASK_INTENT[task.name]](ctx)
        return True
    order = selectors.order_for_bot(customer=customer, number=task.order) if task.order else None
    if task.name in ("return", "swap") and order is not None and task.slots.get("lines"):
        # "Not the coffee maker. Only the bottles": the items chosen so far, narrowed.
        by_id = {i.pk: i for i in order.items.all()}
        so_far = [
            by_id[line["item_id"]] for line in task.slots["lines"] if line["item_id"] in by_id
        ]
        kept = items_mod.restrict(text, so_far)
        if kept:
            keep_ids = {i.pk for i in kept}
            lines = task.slots["lines"]
            task.slots["lines"] = [line for line in lines if line["item_id"] in keep_ids]
    if (
        task.name in ("return", "swap")
        and order is not None
        and task.slots.get("lines")
        and _CORRECTING.search(text)
        and (_NOT_ITEM.search(text) or _MEANT.search(text))
        and not _ADDING.search(text)
    ):
        # "not the sandals, sorry, it's the runners": other items of the order than the ones
        # chosen, named as a correction, are the items; the rest of the request stays.
        by_id = {i.pk: i for i in order.items.all()}
        so_far_ids = {line["item_id"] for line in task.slots["lines"]}
        cleaned = _NOT_ITEM.sub(" ", text)
        others = [
            i
            for i in items_mod.named_items(cleaned, list(by_id.values()))
            if i.pk not in so_far_ids
        ]
        if others:
            task.slots.pop("lines")
            task.asking = None
            ctx.text = cleaned
            ctx.turn.intent = f"{task.name}:items"
            if task.name == "return":
                return_fill(ctx, task, order)
            else:
                swap_fill(ctx, task, order)
            return True
    if (
        task.name == "return"
        and order is not None
        and task.slots.get("lines")
        and ctx.ent.quantity
        and not (ctx.ent.sizes or reason_chip(written) or refund_method_chip(written))
        and reason_from(text) is None  # "one of them snapped" says why, not how many
    ):
        # "only one of them" while asked why: how many is corrected, the question stays open.
        by_id = {i.pk: i for i in order.items.all()}
        changed = items_mod.requantify(text, task.slots["lines"], by_id, left_to_return(order))
        if changed and asking == "reason":
            ctx.turn.intent = "return:quantity"
            ctx.turn.say(
                _("OK: %(items)s.")
                % {
                    "items": ", ".join(
                        f"{line['quantity']} × {by_id[line['item_id']].product_name}"
                        for line in task.slots["lines"]
                    )
                }
            )
            task.asking = None
            return_fill(ctx, task, order)
            return True
    if task.name == "return" and order is not None and return_kind_switch(ctx, task):
        ctx.turn.intent = "return:kind"
        return_fill(ctx, task, order)
        return True
    if asking == "reason":
        chip = (reason_chip(written) or reason_chip(text)) if task.name == "return" else None
        if task.name == "return":
            reason = chip or reason_from(text)
            if reason is None:
                if switching:
                    ctx.state.task = None
                    return False
                reason = "other"
                task.slots["reason_detail"] = text[:300]
            task.slots["reason"] = reason
            task.asking = None
            if order is not None:
                return_fill(ctx, task, order)
            return True
        said = text.lower().strip(" .!")
        shown = written.lower().strip(" .!。！")
        chip = next(
            (
                c
                for c in CANCEL_REASONS
                if said in (c.lower(), _(c).lower()) or shown == _(c).lower()
            ),
            None,
        )
        # A chip pressed in the customer's language (not English) answers the question, whatever
        # the classifier makes of its words; English text is read exactly as before.
        translated_chip = chip is not None and said != chip.lower() and shown != chip.lower()
        if (
            switching
            and not translated_chip
            and prediction.label not in ("cancel_order", "complaint")
        ):
            ctx.state.task = None
            return False
        task.slots["reason"] = (
            (chip or "").lower()
            or cancel_reason_from(text)
            or ("not given" if guard.yes_or_no(text) == "yes" else text[:300])
        )
        task.asking = None
        propose(ctx)
        return True
    if asking == "refund_method":
        method = refund_method_chip(written) or refund_method_chip(text)
        if method is None:
            if re.search(r"\b(gift|store credit|credit)\b", text, re.I):
                method = "gift_card"
            elif re.search(
                r"\b(original|card|back|same|paypal|bank|refund\w*|money)\b", text, re.I
            ):
                method = "original"  # "refund please": money back, not store credit
        if method is None:
            if switching:
                ctx.state.task = None
                return False
            ctx.turn.say(_("Original payment method or gift card?"))
            ctx.turn.chips(*[_(chip) for chip in REFUND_METHOD_CHIPS])
            return True
        task.slots["refund_method"] = method
        note_payment_method(ctx, task)
        task.asking = None
        if order is not None:
            return_fill(ctx, task, order)
        return True
    if asking == "item":
        if order is None:
            ctx.state.task = None
            return False
        task.asking = None
        if task.name == "return":
            return_fill(ctx, task, order)
        else:
            swap_fill(ctx, task, order)
        return task.asking != "item" or not switching
    if asking == "variant":
        if task.name == "return" and "reason" not in task.slots and reason_from(text):
            task.slots["reason"] = reason_from(text)
        task.asking = None
        if task.name == "place_order":
            before = ctx.turn.parts[:]
            order_fill(ctx, task, customer)
            return not (switching and ctx.turn.parts[len(before) :] and task.asking == "variant")
        if order is None:
            ctx.state.task = None
            return False
        if task.name == "return":
            return_fill(ctx, task, order)
        else:
            swap_fill(ctx, task, order)
        if task.asking == "variant" and switching:
            ctx.state.task = None
            ctx.turn.parts.clear()
            return False
        return True
    if asking == "address":
        partial = str(task.slots.pop("address_start", "") or "")
        joined = f"{partial}, {text}" if partial else text
        address = (
            parse_address(joined, customer.full_name)
            or address_in(joined, customer.full_name)
            or written_address(ctx, customer.full_name)
            or address_by_reference(ctx, customer, task)
        )
        if address is None and not partial and _STREET_ONLY.fullmatch(text):
            # "21 Quay St" now, "Brooklyn, NY 11201" next: an address over two messages.
            task.slots["address_start"] = text[:200]
            ctx.turn.say(_("Thanks. And the city, state and zip code (and the country if not US)?"))
            return True
        if address is None:
            if switching:
                ctx.state.task = None
                return False
            ctx.turn.say(_("Sorry, I couldn't read that address.") + " " + _(ADDRESS_FORMAT))
            return True
        task.slots["address"] = address
        task.asking = None
        propose(ctx)
        return True
    if asking == "payment_method":
        methods = selectors.payment_methods_for_bot(customer=customer)
        chosen = payment_methods_named(text, methods)
        if len(chosen) != 1:
            if switching:
                ctx.state.task = None
                return False
            ctx.turn.say(_("Which one? Please pick one of the saved payment methods."))
            ctx.turn.chips(*[m.label for m in methods])
            return True
        task.slots["payment_method_id"] = chosen[0].pk
        task.slots["payment_method_label"] = chosen[0].label
        task.asking = None
        if order is not None and task.name == "swap":
            swap_fill(ctx, task, order)
        elif order is not None and task.name == "return":
            return_fill(ctx, task, order)
        else:
            propose(ctx)
        return True
    if asking == "what":
        if order is None:
            ctx.state.task = None
            return False
        # A chip of the question, pressed in any language.
        chip = change_chip(written) or change_chip(text)
        if (
            chip == "swap"
            or re.search(r"\b(size|colou?r|item|option|model|version)\b", text, re.I)
            or ctx.ent.sizes
            or ctx.ent.colours
            or items_mod.named_items(text, list(order.items.all()))
        ):
            task.name = "swap"
            task.asking = None
            swap_fill(ctx, task, order)
        elif chip == "address" or ADDRESS_WORDS.search(text):
            task.name = "address"
            ask_address(
                ctx,
                task,
                _("What's the new shipping address for order %(number)s?")
                % {"number": order.number},
            )
        elif chip == "payment" or PAYMENT_WORDS.search(text):
            task.name = "payment"
            ask_payment(ctx, task, customer)
        else:
            ctx.state.task = None
            return False
        return True
    ctx.state.task = None
    return False


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
