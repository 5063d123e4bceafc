"""Confirmations: describe exactly what an action will do (`propose`), read the customer's yes,
no or correction (`answer_pending`), and do it (`execute`).

A correction ("no, the blue one") goes back to filling in the task, so `answer_pending` imports
the fill functions of `orders_flow` and `shop_flow` inside the function (they import `propose`
from here); `propose` does the same for the return reasons."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from assistant.flows.context import Ctx, handoff, help_link, pay_link
from assistant.flows.state import Pending
from assistant.replies import facts
from assistant.replies.turn import money
from assistant.understanding import guard
from chatbot import selectors

log = logging.getLogger(__name__)


MAX_ACTION_FAILURES = 2


# The buttons' English text; shown translated through `buttons`.
YES_LABEL = {
    "cancel": gettext_noop("Yes, cancel it"),
    "swap": gettext_noop("Yes, swap it"),
    "quantity": gettext_noop("Yes, change it"),
    "address": gettext_noop("Yes, change it"),
    "payment": gettext_noop("Yes, change it"),
    "return": gettext_noop("Yes, go ahead"),
    "default_address": gettext_noop("Yes, save it"),
    "place_order": gettext_noop("Yes, place the order"),
}
NO_LABEL = {"cancel": gettext_noop("No, keep it"), "place_order": gettext_noop("No, don't order")}


def buttons(action: str) -> tuple[str, str]:
    """The yes and no buttons of the confirmation of `action`, in the active language."""
    yes = YES_LABEL.get(action)
    no = NO_LABEL.get(action)
    return (_(yes) if yes else _("Yes")), (_(no) if no else _("No"))


def propose(ctx: Ctx) -> None:
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
            _("To confirm: I'll cancel order %(number)s (%(items)s, total %(total)s).")
            % {
                "number": order.number,
                "items": facts.items_line(order),
                "total": money(order.grand_total, order.currency),
            },
            keep=(order.number,),
        )
        if paid > 0 and order.payment_method:
            turn.say(
                _("The %(amount)s you paid goes back to %(method)s.")
                % {"amount": money(paid, order.currency), "method": order.payment_method.label}
            )
        elif paid <= 0:
            turn.say(_("You haven't been charged for it."))
    elif name == "swap" and order is not None:
        if not _propose_lines(ctx, order, params):
            return
    elif name == "quantity" and order is not None:
        if not _propose_quantity(ctx, order, params):
            return
    elif name in ("address", "default_address"):
        address = facts.address_line(params["address"])
        if order is not None:
            turn.say(
                _(
                    "To confirm: I'll change the shipping address of order %(number)s to "
                    "%(address)s."
                )
                % {"number": order.number, "address": address},
                keep=(order.number,),
            )
        else:
            turn.say(
                _("To confirm: I'll make %(address)s your default address.") % {"address": address}
            )
    elif name == "payment" and order is not None:
        turn.say(
            _("To confirm: order %(number)s will be paid with %(method)s.")
            % {"number": order.number, "method": params["payment_method_label"]},
            keep=(order.number,),
        )
        paid = facts.net_paid(order)
        if paid > 0:
            turn.say(
                _(
                    "The %(amount)s already paid goes back to %(paid_with)s, and %(method)s is "
                    "charged %(total)s."
                )
                % {
                    "amount": money(paid, order.currency),
                    "paid_with": _paid_with(order),
                    "method": params["payment_method_label"],
                    "total": money(order.grand_total, order.currency),
                }
            )
    elif name == "return" and order is not None:
        if not _propose_lines(ctx, order, params):
            return
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
        shipping = (
            money(totals.shipping_total, currency)
            if totals.shipping_total
            else pgettext("shipping cost", "free")
        )
        turn.say(
            _(
                "To confirm: I'll order %(quantity)s × %(product)s at %(price)s each. Subtotal "
                "%(subtotal)s, shipping %(shipping)s, total %(total)s, shipped to %(address)s. "
                "You'll get a link to pay."
            )
            % {
                "quantity": quantity,
                "product": f"{variant.product.name}{label}",
                "price": money(variant.price, currency),
                "subtotal": money(totals.subtotal, currency),
                "shipping": shipping,
                "total": money(totals.grand_total, currency),
                "address": facts.address_line(ship_to),
            },
            keep=(variant.product.name,),
        )
        params["address"] = ship_to
    else:
        ctx.state.task = None
        turn.say(_("Sorry, I lost track of that request. Could you start again?"))
        return
    pending = Pending(action=name, order=task.order, params=params)
    ctx.state.pending = pending
    task.asking = None
    turn.say(_("Shall I go ahead?"))
    turn.confirm(pending.id, *buttons(name))
    turn.tools.append(f"propose:{name}")


def _propose_quantity(ctx: Ctx, order: Any, params: dict[str, Any]) -> bool:
    """ "To confirm: on order SD-100010 I'll change 2 × Jeans (Indigo / 30) to 1. The new total
    is ...": from the quote the service settles."""
    from orders import services as order_services
    from orders.errors import OrderPolicyError

    turn = ctx.turn
    item = order.items.filter(pk=params.get("item_id")).first()
    quantity = int(params.get("quantity", -1))
    try:
        if item is None:
            raise OrderPolicyError(_("that item is no longer on the order"))
        quote = order_services.order_quantity_quote(
            order=order, order_item_id=item.pk, quantity=quantity
        )
    except OrderPolicyError as error:
        turn.say(_("Sorry, I can't do that: %(error)s") % {"error": error})
        ctx.state.task = None
        return False
    label = f" ({item.variant_label})" if item.variant_label else ""
    what = f"{item.quantity} × {item.product_name}{label}"
    currency = order.currency
    if quantity == 0:
        turn.say(
            _("To confirm: I'll remove %(item)s from order %(number)s.")
            % {"item": what, "number": order.number},
            keep=(order.number,),
        )
    else:
        turn.say(
            _("To confirm: on order %(number)s I'll change %(item)s to %(quantity)s.")
            % {"number": order.number, "item": what, "quantity": quantity},
            keep=(order.number,),
        )
    new_total = quote.new_total if quote.new_total is not None else order.grand_total
    if quote.charge:
        turn.say(
            _("The new total is %(total)s: %(amount)s more, charged to %(method)s.")
            % {
                "total": money(new_total, currency),
                "amount": money(quote.charge, currency),
                "method": order.payment_method.label if order.payment_method else "",
            }
        )
    elif quote.refund:
        turn.say(
            _("The new total is %(total)s: %(amount)s less, refunded to %(method)s.")
            % {
                "total": money(new_total, currency),
                "amount": money(quote.refund, currency),
                "method": _paid_with(order),
            }
        )
    elif quote.new_total is not None:
        turn.say(
            _("The order total becomes %(total)s.") % {"total": money(quote.new_total, currency)}
        )
    return True


def conversation_language() -> str:
    """The language the reply is being written in, as conversations name it."""
    return "zh-Hans" if (translation.get_language() or "").lower().startswith("zh") else "en"


def _propose_lines(ctx: Ctx, order: Any, params: dict[str, Any]) -> bool:
    """The confirmation of a change, exchange or return of several items: each item, its new
    option, and the money, from the same quote the service will settle."""
    from assistant.flows.orders_flow import REASON_CHIPS, quote_for
    from orders.errors import OrderPolicyError
    from orders.models import PaymentMethod

    task = ctx.state.task
    assert task is not None
    turn = ctx.turn
    try:
        quote = quote_for(task, order)
    except OrderPolicyError as error:
        turn.say(_("Sorry, I can't do that: %(error)s") % {"error": error})
        ctx.state.task = None
        return False
    items = {i.pk: i for i in order.items.all()}
    currency = order.currency
    lines = params.get("lines") or []
    described = []
    for line in lines:
        item = items[line["item_id"]]
        label = f" ({item.variant_label})" if item.variant_label else ""
        what = f"{line['quantity']} × {item.product_name}{label}"
        if line.get("variant_id") == item.variant_id:
            what = _("%(item)s → a replacement, the same option") % {"item": what}
        elif line.get("variant_id"):
            new_price = next(
                (
                    v.price
                    for v in selectors.product_variants_for_bot(product_id=item.variant.product_id)
                    if v.pk == line["variant_id"]
                ),
                item.unit_price,
            )
            what += (
                f" → {line['variant_label']} ({money(item.unit_price, currency)} → "
                f"{money(new_price, currency)})"
            )
        else:
            what = _("%(item)s (%(price)s each)") % {
                "item": what,
                "price": money(item.unit_price, currency),
            }
        described.append(what)
    listing = "; ".join(described)
    method_id = params.get("payment_method_id")
    method = (
        PaymentMethod.objects.filter(pk=method_id, customer=order.customer).first()
        if method_id
        else None
    )
    kind = params.get("kind")
    if task.name == "swap":
        turn.say(
            _("To confirm: on order %(number)s I'll change %(items)s.")
            % {"number": order.number, "items": listing},
            keep=(order.number,),
        )
        if quote.charge:
            to = method.label if method else order.payment_method.label
            turn.say(
                _("The new total is %(total)s: %(amount)s more, charged to %(method)s.")
                % {
                    "total": money(quote.new_total, currency),
                    "amount": money(quote.charge, currency),
                    "method": to,
                }
            )
        elif quote.refund:
            to = method.label if method else _paid_with(order)
            turn.say(
                _("The new total is %(total)s: %(amount)s less, refunded to %(method)s.")
                % {
                    "total": money(quote.new_total, currency),
                    "amount": money(quote.refund, currency),
                    "method": to,
                }
            )
        elif quote.new_total is not None and quote.new_total != order.grand_total:
            turn.say(
                _("The order total becomes %(total)s.")
                % {"total": money(quote.new_total, currency)}
            )
        return True
    reason = {v: k for k, v in REASON_CHIPS.items()}.get(params.get("reason", ""), "Other")
    if kind == "exchange":
        turn.say(
            _("To confirm: I'll open an exchange on order %(number)s: %(items)s.")
            % {"number": order.number, "items": listing},
            keep=(order.number,),
        )
        if quote.charge:
            to = method.label if method else _paid_with(order)
            turn.say(
                _(
                    "The difference of %(amount)s is charged to %(method)s now; the new items "
                    "ship once we receive yours."
                )
                % {"amount": money(quote.charge, currency), "method": to}
            )
        elif quote.refund:
            to = method.label if method else _paid_with(order)
            turn.say(
                _(
                    "The difference of %(amount)s is refunded to %(method)s once we receive your "
                    "items."
                )
                % {"amount": money(quote.refund, currency), "method": to}
            )
        else:
            turn.say(_("The new options cost the same, so nothing is charged or refunded."))
        return True
    if method is not None:
        to = method.label
    elif params.get("refund_method") == "gift_card":
        gift = order.customer.payment_methods.filter(kind="gift_card", is_active=True).first()
        to = gift.label if gift else _("a new gift card")
    else:
        to = _("%(method)s (the original payment method)") % {"method": _paid_with(order)}
    turn.say(
        _(
            "To confirm: I'll open a return on order %(number)s for %(items)s, reason: "
            "%(reason)s. The refund of %(amount)s goes to %(method)s once we receive the items."
        )
        % {
            "number": order.number,
            "items": listing,
            "reason": _(reason).lower(),
            "amount": money(quote.refund, currency),
            "method": to,
        },
        keep=(order.number,),
    )
    return True


def _paid_with(order: Any) -> str:
    return str(order.payment_method.label) if order.payment_method else _("your payment method")


_CORRECTION = re.compile(r"\b(actually|instead|rather|i meant|i mean|not that|the other)\b", re.I)


def answer_pending(ctx: Ctx) -> bool:
    """Handle the answer to a confirmation. True when this turn is done."""
    # orders_flow and shop_flow import this module (for `propose`).
    from assistant.flows.orders_flow import return_fill, swap_fill
    from assistant.flows.shop_flow import order_fill

    state = ctx.state
    pending = state.pending
    action = ctx.action
    if action is not None and (pending is None or action.get("confirm") != pending.id):
        ctx.turn.intent = "confirm_stale"
        ctx.turn.say(
            _("That button belongs to an earlier question, so I haven't changed anything.")
        )
        if pending is not None and not pending.expired():
            ctx.turn.say(_("Shall I go ahead with the request above?"))
            ctx.turn.confirm(pending.id, *buttons(pending.action))
        return True
    if pending is None:
        return False
    answer = action.get("answer") if action is not None else guard.yes_or_no(ctx.text)
    if action is None and answer is not None and pending.order and ctx.customer is not None:
        # "no not that one!! the one with the sunglasses", and "ok actually the one with the
        # hiking pack" too: a yes that names another order is no yes for this one.
        other = _other_order(ctx, pending.order)
        movable = pending.action in ("cancel", "swap", "address", "payment", "return")
        # (a quantity names an item of its own order: it never moves to another order)
        if other is not None and movable:
            from assistant.flows.engine import ACTION_INTENT, HANDLERS  # the engine imports us

            state.pending = None
            state.task = None
            ctx.state.focus_order = other
            ctx.turn.intent = f"{pending.action}:other_order"
            ctx.turn.say(
                _("OK, not %(number)s; nothing was changed on it.") % {"number": pending.order}
            )
            target = selectors.order_for_bot(customer=ctx.customer, number=other)
            allowed = target is not None and (
                target.is_cancellable if pending.action == "cancel" else target.is_modifiable
            )
            if pending.action in ("cancel", "address", "payment") and allowed:
                # The same details (a reason, an address, a payment method) for that order.
                from assistant.flows.state import Task

                state.task = Task(name=pending.action, order=other, slots=dict(pending.params))
                propose(ctx)
            else:
                # Its handler says what can and can't be done with that order.
                HANDLERS[ACTION_INTENT[pending.action]](ctx)
            return True
    if (
        action is None
        and answer != "yes"
        and not bare_no(ctx.text)
        and _side_question(ctx, pending)
    ):
        # "wait, how long do refunds take?": answered from the help center, and the
        # confirmation stays open with its buttons; nothing was changed.
        ctx.turn.intent = f"{pending.action}:side_question"
        ctx.turn.say(_("Your request above is still waiting: shall I go ahead with it?"))
        ctx.turn.confirm(pending.id, *buttons(pending.action))
        return True
    if (
        action is None
        and answer == "yes"
        and _CORRECTION.search(ctx.text)
        and (state.task is None or state.task.name not in ("swap", "return", "place_order"))
    ):
        # "ok actually…" with nothing it could correct: ask again rather than act on it.
        ctx.turn.intent = "confirm:unclear"
        ctx.turn.say(_("Just to be sure: shall I go ahead with the request above?"))
        ctx.turn.confirm(pending.id, *buttons(pending.action))
        return True
    if action is None and _changed_mind(ctx):
        return True
    correction = (
        (answer == "no" and not bare_no(ctx.text))
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
        lines = task.slots.get("lines") or []
        current = (
            selectors.order_for_bot(customer=ctx.customer, number=task.order)
            if lines and ctx.customer is not None and task.order
            else None
        )
        from assistant.flows import items as items_mod

        by_id = {i.pk: i for i in current.items.all()} if current else {}
        if (
            task.name == "return"
            and current is not None
            and ctx.ent.quantity
            and not (ctx.ent.colours or ctx.ent.sizes)
        ):
            # "only one of them, not two": how many, and nothing else about the lines.
            from assistant.flows.orders_flow import left_to_return

            items_mod.requantify(ctx.text, lines, by_id, left_to_return(current))
        else:
            if "variant_id" in task.slots:
                # "no, the black one": the options it doesn't name stay as they were.
                task.slots["previous_variant_id"] = task.slots["variant_id"]
            for key in ("variant_id", "variant_label"):
                task.slots.pop(key, None)
            if current is not None:
                named = items_mod.named_items(ctx.text, [by_id[line["item_id"]] for line in lines])
                for line in lines:
                    if len(lines) == 1 or by_id.get(line["item_id"]) in named:
                        line["variant_id"], line["variant_label"] = None, ""
                        task.slots["asking_item"] = line["item_id"]
            if ctx.ent.quantity:
                task.slots["quantity"] = ctx.ent.quantity
        customer = ctx.customer
        if customer is None:
            return False
        order = (
            selectors.order_for_bot(customer=customer, number=task.order) if task.order else None
        )
        if task.name == "place_order":
            order_fill(ctx, task, customer)
        elif order is not None and task.name == "return":
            return_fill(ctx, task, order)
        elif order is not None:
            swap_fill(ctx, task, order)
        return True
    if answer is None:
        # Something else entirely: set the confirmation aside and answer that.
        state.pending = None
        state.task = None
        state.agenda = []
        ctx.turn.say(_("I've set the earlier request aside; nothing was changed."))
        return False
    state.pending = None
    ctx.turn.intent = f"confirm:{answer}"
    if answer == "no":
        state.task = None
        if action is None and not bare_no(ctx.text) and _asks_something_else(ctx, pending):
            # "never mind, I'd rather talk to a person": the no, and then the new request.
            state.agenda = []
            ctx.turn.say(_("OK, I haven't changed anything."))
            return False
        ctx.turn.say(_("OK, I haven't changed anything. Anything else I can help with?"))
        return True
    if pending.expired():
        ctx.turn.say(_("That confirmation expired, so I haven't changed anything."))
        if state.task is not None and ctx.customer is not None:
            propose(ctx)
        return True
    execute(ctx, pending)
    return True


_QUESTION = re.compile(
    r"\?|^\W*(how|what|when|where|which|who|why|is|are|do|does|did|can|could|will|would|"
    r"should|if)\b|\b(how (long|much|many|soon)|when (will|do|does|would|is)|is there)\b",
    re.IGNORECASE,
)
# Intents that ask for something to be done, or for a person: never a side question.
_REQUESTS = frozenset(
    ["cancel_order", "change_order", "place_order", "human_agent", "complaint", "greeting",
     "thanks", "goodbye", "order_status", "track_shipment"]
)  # fmt: skip


def _side_question(ctx: Ctx, pending: Pending) -> bool:
    """Whether the message is a question about the shop's policies asked while a confirmation
    waits ("hang on, how long till the money is back?"), and the help center answered it. Such
    a question never sets the request aside; one that names another order, asks for a person
    or asks for something to be done does (the caller's path)."""
    from assistant.flows.context import answer_from_help
    from assistant.understanding import intents as nlu_intents

    if not _QUESTION.search(ctx.text) or pending.expired():
        return False
    # "is it possible to return only 1 instead?", "can I get the black one?": a correction
    # asked as a question changes the request; it is no side question.
    ent = ctx.ent
    if ent.quantity or ent.colours or ent.sizes or ent.products or _CORRECTION.search(ctx.text):
        return False
    if any(n.upper() != (pending.order or "").upper() for n in ctx.ent.order_numbers):
        return False
    from assistant.flows.engine import ACTION_INTENT  # the engine imports us

    prediction = nlu_intents.classify(ctx.text)
    # "if I cancel, how long until the money is back?" asks about the request waiting, which
    # is no new request.
    about_this = prediction.label == ACTION_INTENT.get(pending.action) and "?" in ctx.text
    if prediction.is_sure and prediction.label in _REQUESTS and not about_this:
        return False
    # Asked while this action waits, the question is most likely about it: among the close
    # passages, one about the action comes first ("how long until the money is back?" while a
    # cancellation waits is the cancellation's refund, not a late refund's).
    about = _ACTION_TOPIC.get(pending.action)
    return answer_from_help(ctx, fallback=False, prefer=re.compile(about, re.I) if about else None)


# Only where the action's word picks out its own passages: nearly every passage about returns
# says "return", so a question during a return is left to the retrieval alone.
_ACTION_TOPIC = {"cancel": r"cancel", "address": r"address"}


def _asks_something_else(ctx: Ctx, pending: Pending) -> bool:
    """Whether a no to a confirmation goes on to ask for something else: a person, or another
    kind of request the classifier is sure of."""
    from assistant.flows.engine import ACTION_INTENT  # the engine imports us
    from assistant.understanding import intents as nlu_intents

    prediction = nlu_intents.classify(ctx.text)
    return prediction.is_sure and (
        prediction.label == "human_agent"
        or (
            prediction.label in ACTION_INTENT.values()
            and prediction.label != ACTION_INTENT.get(pending.action)
        )
    )


def _changed_mind(ctx: Ctx) -> bool:
    """Before the yes, on a proposal of several items: "only exchange the lamp", "leave the
    earbuds", "actually return it instead", "put the difference on my PayPal". The proposal is
    rebuilt with the change; True when this turn is done."""
    from assistant.flows import items as items_mod
    from assistant.flows.orders_flow import (
        note_payment_method,
        return_fill,
        return_kind_switch,
        swap_fill,
    )

    task = ctx.state.task
    if task is None or task.name not in ("swap", "return") or ctx.customer is None:
        return False
    order = selectors.order_for_bot(customer=ctx.customer, number=task.order or "")
    lines = task.slots.get("lines") or []
    if order is None or not lines:
        return False
    by_id = {i.pk: i for i in order.items.all()}
    kept = items_mod.restrict(ctx.text, [by_id[line["item_id"]] for line in lines])
    before = task.slots.get("payment_method_id")
    if kept:
        keep_ids = {i.pk for i in kept}
        task.slots["lines"] = [line for line in lines if line["item_id"] in keep_ids]
    elif task.name == "return" and return_kind_switch(ctx, task):
        pass
    else:
        note_payment_method(ctx, task)
        if task.slots.get("payment_method_id") == before:
            return False
    ctx.state.pending = None
    ctx.turn.intent = f"{task.name}:correct"
    task.asking = None
    if task.name == "return":
        return_fill(ctx, task, order)
    else:
        swap_fill(ctx, task, order)
    return True


def _other_order(ctx: Ctx, current: str) -> str | None:
    """Another of the customer's orders that the message names or describes, if exactly one."""
    from assistant.flows.context import order_facts
    from assistant.understanding import references

    assert ctx.customer is not None
    named = [n for n in ctx.ent.order_numbers if n.upper() != current.upper()]
    if named:
        mine = selectors.order_for_bot(customer=ctx.customer, number=named[0])
        return mine.number if mine is not None else None
    ref = references.refer(ctx.text, order_facts(ctx), listed=ctx.state.listed_orders)
    if ref.how in ("item", "date", "status", "position") and ref.unique not in (None, current):
        return ref.unique
    return None


def bare_no(text: str) -> bool:
    """A plain "no" (or "never mind"), not "no, the blue one"."""
    if guard.yes_or_no(text) != "no":
        return False
    rest = re.sub(
        r"^\W*(no+|nope|nah|never ?mind|forget it|cancel that|stop|don'?t|no thanks?( you)?)\b",
        "",
        guard.fold(text),
    )
    return not re.search(r"[a-z0-9]{2,}", re.sub(r"\b(thanks?|you|please|it|that)\b", "", rest))


def execute(ctx: Ctx, pending: Pending) -> None:
    from orders import services as order_services
    from orders.actors import Actor
    from orders.errors import OrderPolicyError

    customer = ctx.customer
    assert customer is not None
    ctx.known_orders = None  # what this does changes them: later references read them again
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
            turn.say(
                _("Done: order %(number)s is cancelled.") % {"number": order.number},
                keep=(order.number,),
            )
            refunded = [
                pay
                for pay in order.payments.all()
                if pay.kind == "refund" and pay.status == "succeeded"
            ]
            if refunded:
                total = sum((pay.amount for pay in refunded), refunded[0].amount * 0)
                to = (
                    order.payment_method.label if order.payment_method else _("your payment method")
                )
                turn.say(
                    _("We've refunded %(amount)s to %(method)s.")
                    % {"amount": money(total, order.currency), "method": to}
                )
                help_link(ctx, "refunds-and-timing")
        elif pending.action == "swap":
            result = order_services.order_modify_items(
                order_number=number,
                changes=[
                    order_services.ItemChange(int(line["item_id"]), int(line["variant_id"]))
                    for line in p["lines"]
                ],
                payment_method_id=p.get("payment_method_id"),
                actor=actor,
            )
            changed = {int(line["item_id"]) for line in p["lines"]}
            now_has = ", ".join(
                f"{i.product_name} ({i.variant_label})"
                for i in result.order.items.all()
                if i.pk in changed
            )
            turn.say(
                _("Done: order %(number)s now has %(items)s.")
                % {"number": number, "items": now_has},
                keep=(number,),
            )
            paid = result.payment
            if paid is not None:
                if paid.kind == "charge":
                    said = _("The new total is %(total)s; %(amount)s was charged to %(method)s.")
                else:
                    said = _("The new total is %(total)s; %(amount)s was refunded to %(method)s.")
                turn.say(
                    said
                    % {
                        "total": money(result.order.grand_total, result.order.currency),
                        "amount": money(paid.amount, result.order.currency),
                        "method": paid.method.label if paid.method else _("your payment method"),
                    }
                )
        elif pending.action == "quantity":
            result = order_services.order_change_quantity(
                order_number=number,
                order_item_id=int(p["item_id"]),
                quantity=int(p["quantity"]),
                actor=actor,
            )
            turn.say(
                _("Done: order %(number)s now has %(items)s, total %(total)s.")
                % {
                    "number": number,
                    "items": facts.items_line(result.order),
                    "total": money(result.order.grand_total, result.order.currency),
                },
                keep=(number,),
            )
            paid = result.payment
            if paid is not None:
                said = (
                    _("%(amount)s was charged to %(method)s.")
                    if paid.kind == "charge"
                    else _("%(amount)s was refunded to %(method)s.")
                )
                turn.say(
                    said
                    % {
                        "amount": money(paid.amount, result.order.currency),
                        "method": paid.method.label if paid.method else _("your payment method"),
                    }
                )
        elif pending.action == "address":
            order = order_services.order_change_shipping_address(
                order_number=number, address=p["address"], actor=actor
            )
            turn.say(
                _("Done: order %(number)s will ship to %(address)s.")
                % {"number": order.number, "address": facts.address_line(order.shipping_address)},
                keep=(order.number,),
            )
        elif pending.action == "payment":
            order = order_services.order_change_payment_method(
                order_number=number, payment_method_id=int(p["payment_method_id"]), actor=actor
            )
            label = order.payment_method.label if order.payment_method else ""
            turn.say(
                _("Done: order %(number)s will be paid with %(method)s.")
                % {"number": order.number, "method": label},
                keep=(order.number,),
            )
        elif pending.action == "return":
            exchange = p["kind"] == "exchange"
            rma = order_services.return_request_create(
                order_number=number,
                lines=[
                    order_services.ReturnLine(
                        order_item_id=int(line["item_id"]),
                        quantity=int(line["quantity"]),
                        exchange_variant_id=int(line["variant_id"]) if exchange else None,
                    )
                    for line in p["lines"]
                ],
                reason=str(p["reason"]),
                kind=str(p["kind"]),
                refund_method=str(p.get("refund_method") or "original"),
                reason_detail=str(p.get("reason_detail") or ""),
                payment_method_id=p.get("payment_method_id"),
                actor=actor,
            )
            if rma.kind == "exchange":
                opened = _("Done: your exchange %(rma)s for order %(number)s is open.")
            else:
                opened = _("Done: your return %(rma)s for order %(number)s is open.")
            turn.say(
                opened % {"rma": rma.rma_number, "number": number},
                keep=(rma.rma_number,),
            )
            to = rma.payment_method.label if rma.payment_method else _("your payment method")
            if rma.refund_amount:
                turn.say(
                    _("Once we receive the items, %(amount)s will be refunded to %(method)s.")
                    % {"amount": money(rma.refund_amount, rma.order.currency), "method": to}
                )
            if rma.charge_amount:
                turn.say(
                    _("%(amount)s was charged to %(method)s.")
                    % {"amount": money(rma.charge_amount, rma.order.currency), "method": to}
                )
            section = selectors.help_article_section(
                slug="how-to-start-a-return",
                heading="Sending your items back",
                language=conversation_language(),
            )
            if section:
                lines = [
                    line.strip().removeprefix("- ").rstrip(".。")
                    for line in section[1].replace(" - ", "\n- ").splitlines()
                    if line.strip()
                ]
                steps = (
                    "".join(f"{line}。" for line in lines)
                    if conversation_language() == "zh-Hans"
                    else " ".join(f"{line}." for line in lines)
                )
                turn.say(_("Sending the items back: %(steps)s") % {"steps": steps})
                turn.source(section[1])
            help_link(ctx, "how-to-start-a-return")
        elif pending.action == "default_address":
            address = order_services.customer_set_default_address(
                customer=customer, address=p["address"], actor=actor
            )
            turn.say(
                _("Done: your default address is now %(address)s.")
                % {"address": facts.address_line(address.snapshot())}
            )
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
            pay_link(
                ctx,
                new,
                intro=_("Done: order %(number)s is placed and waiting for payment.")
                % {"number": new.number},
            )
        ctx.state.task = None
        ctx.state.failures.pop(pending.action, None)
    except OrderPolicyError as error:
        failures = ctx.state.failures.get(pending.action, 0) + 1
        ctx.state.failures[pending.action] = failures
        log.info("bot action %s on %s refused: %s", pending.action, number, error)
        turn.say(_("Sorry, I couldn't do that: %(error)s") % {"error": error})
        ctx.state.task = None
        if failures >= MAX_ACTION_FAILURES:
            handoff(ctx, "action_failed", _("I'll ask a member of our team to help with this."))
