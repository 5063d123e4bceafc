"""The order handlers: status, tracking, cancelling, changing an order (an item's option, the
shipping address, the payment method), returns and exchanges, and the default address."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from assistant.flows import items as items_mod
from assistant.flows import quantity as quantity_mod
from assistant.flows.confirm import propose
from assistant.flows.context import (
    ORDERISH,
    OTHER,
    Ctx,
    answer_from_help,
    help_link,
    names_owned,
    need_customer,
    offer_orders,
    order_facts,
    refers_to_order,
    resolve_order,
    start_task,
)
from assistant.flows.state import Task
from assistant.replies import facts
from assistant.replies.turn import day, money
from assistant.understanding import chinese, references
from chatbot import selectors
from orders.models import Customer, Order, OrderStatus, PaymentMethodKind

# --- status and tracking -----------------------------------------------------------------------


def order_status(ctx: Ctx) -> None:
    customer = need_customer(ctx)
    if customer is None:
        return
    ctx.turn.tools.append("order_lookup")
    if not ctx.ent.order_numbers and _ORDERS_PLURAL.search(ctx.text) and list_orders(ctx, customer):
        return
    if (
        not ctx.ent.order_numbers
        and not ctx.state.focus_order
        and not OTHER.search(ctx.text)
        and not refers_to_order(ctx, customer)
    ):
        orders = selectors.orders_for_bot(customer=customer, limit=5)
        if not orders:
            ctx.turn.say(_("I don't see any orders on your account yet."))
            return
        if len(orders) > 1:
            ctx.turn.say(_("Here are your recent orders:"))
            for order in orders:
                ctx.turn.say(
                    _("%(number)s, placed %(date)s: %(status)s, %(total)s.")
                    % {
                        "number": order.number,
                        "date": day(order.placed_at),
                        "status": order.get_status_display().lower(),
                        "total": money(order.grand_total, order.currency),
                    },
                    keep=(order.number,),
                )
            ctx.state.listed_orders = [o.number for o in orders]
            ctx.state.focus_order = orders[0].number
            ctx.turn.say(_("Which one would you like to know more about?"))
            ctx.turn.chips(*[o.number for o in orders])
            ctx.turn.llm_ok = True
            return
    found = resolve_order(
        ctx, customer, want=None, purpose="check", none_text=_("I don't see any orders.")
    )
    if found is None:
        return
    facts.order_summary(ctx.turn, found)
    if _ASKS_ADDRESS.search(ctx.text):
        facts.shipping_address(ctx.turn, found)
    if found.status in (OrderStatus.PENDING, OrderStatus.PROCESSING) and _WHEN_SHIPS.search(
        ctx.text
    ):
        # "when will it ship?" of an order not yet shipped: the shop's own dispatch times.
        answer_from_help(ctx, query=DISPATCH_QUERY, fallback=False)
    if found.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        facts.tracking(ctx.turn, found, after_summary=True)
        if found.status == OrderStatus.SHIPPED:
            late_parcel_help(ctx)
    if found.status in (OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED):
        # "How's SD-… doing?" of a returned order: the return and its refund are the news.
        ctx.turn.tools.append("return_status")
        for rma in found.returns.order_by("-created_at")[:2]:
            facts.return_summary(ctx.turn, rma)
    ctx.turn.llm_ok = True


# "my orders", "list my recent orders", "which of my orders are still pending", "my other
# orders": a list, never the one newest order.
_ORDERS_PLURAL = re.compile(
    r"\b(?:my|all(?: of)?(?: my)?|our|recent|previous|past|open|these|the last few|last few|"
    r"several|which of (?:my|the))\s+(?:recent\s+|open\s+|other\s+)?orders\b|"
    r"\b(order history|my purchases|(?:list|show)\s+(?:me\s+)?(?:all\s+)?(?:of\s+)?"
    r"(?:my\s+)?(?:recent\s+|last\s+few\s+)?orders?|order list|the last few order)\b|"
    r"\b(?:other|rest of (?:my|the))\s+orders?\b|\b(?:what|which|any)\s+orders\b|"
    r"\borders\s+(?:do\s+)?(?:i|we)\s+(?:have|got)\b",
    re.I,
)
# A status the list is narrowed to, and the statuses it means.
_LIST_STATUS: list[tuple[re.Pattern[str], frozenset[str]]] = [
    (
        re.compile(
            r"\b(haven'?t|hasn'?t|have not|has not|not (?:yet )?|never|still not)\s*"
            r"(?:yet\s+)?(arrived|come|been delivered|delivered|received|got here)\b|"
            r"\bstill (?:waiting|coming|on (?:the|its) way)\b",
            re.I,
        ),
        frozenset({OrderStatus.PENDING, OrderStatus.PROCESSING, OrderStatus.SHIPPED}),
    ),
    (
        re.compile(
            r"\b(not (?:yet )?(?:shipped|sent)|hasn'?t (?:shipped|been sent)|"
            r"haven'?t (?:shipped|been sent)|still (?:being )?(?:processed|prepared))\b",
            re.I,
        ),
        frozenset({OrderStatus.PENDING, OrderStatus.PROCESSING}),
    ),
    (
        re.compile(r"\b(pending|unpaid|not paid|awaiting payment)\b", re.I),
        frozenset({OrderStatus.PENDING}),
    ),
    (re.compile(r"\bprocessing\b", re.I), frozenset({OrderStatus.PROCESSING})),
    (
        re.compile(r"\b(shipped|on (?:the|its|their) way|in transit|out for delivery)\b", re.I),
        frozenset({OrderStatus.SHIPPED}),
    ),
    (re.compile(r"\b(delivered|arrived|received)\b", re.I), frozenset({OrderStatus.DELIVERED})),
    (re.compile(r"\bcancel+ed\b", re.I), frozenset({OrderStatus.CANCELLED})),
    (
        re.compile(r"\b(open|active|not (?:yet )?delivered|still coming|on the way)\b", re.I),
        frozenset({OrderStatus.PENDING, OrderStatus.PROCESSING, OrderStatus.SHIPPED}),
    ),
]
LIST_MAX = 5


def list_orders(ctx: Ctx, customer: Customer) -> bool:
    """List the customer's orders the message asks for: those in the status it names ("still
    pending"), the others than the one in focus ("my other orders"), else the newest, at most
    LIST_MAX, newest first. False when it asks about one order after all (a number, an item
    only one order has)."""
    orders = selectors.orders_for_bot(customer=customer, limit=50)
    ref = references.refer(ctx.text, order_facts(ctx), listed=ctx.state.listed_orders)
    if ref.how in ("number", "position") or (ref.how == "item" and ref.unique):
        return False
    if ref.how in ("item", "date", "status"):
        orders = [o for o in orders if o.number in ref.numbers]
    statuses = next((st for pattern, st in _LIST_STATUS if pattern.search(ctx.text)), None)
    if statuses is not None:
        orders = [o for o in orders if o.status in statuses]
    if OTHER.search(ctx.text) and ctx.state.focus_order:
        orders = [o for o in orders if o.number != ctx.state.focus_order]
    if not orders:
        ctx.turn.say(
            _("I don't see any orders like that on your account.")
            if statuses is not None or ref.how
            else _("I don't see any orders on your account yet.")
        )
        return True
    shown = orders[:LIST_MAX]
    ctx.turn.say(
        _("Here are your recent orders:")
        if len(orders) <= LIST_MAX
        else _("Here are your %(n)s most recent orders (of %(total)s):")
        % {"n": len(shown), "total": len(orders)}
    )
    for order in shown:
        ctx.turn.say(
            _("%(number)s, placed %(date)s: %(status)s, %(total)s.")
            % {
                "number": order.number,
                "date": day(order.placed_at),
                "status": order.get_status_display().lower(),
                "total": money(order.grand_total, order.currency),
            },
            keep=(order.number,),
        )
    ctx.state.listed_orders = [o.number for o in shown]
    ctx.state.asked_which = True
    ctx.turn.say(_("Which one would you like to know more about?"))
    ctx.turn.chips(*[o.number for o in shown])
    ctx.turn.llm_ok = True
    return True


_WHEN_SHIPS = re.compile(
    r"\b(when|how (?:long|soon)|what day|by when)\b.{0,40}\b(ship|dispatch|send|sent|go out|"
    r"leave|arrive|get here|deliver|come)\w*",
    re.I,
)
# "still hasn't arrived", "it's late", "never came": a parcel on its way or lost, not a return.
NOT_ARRIVED = re.compile(
    r"\b(late|overdue|delayed|missing|lost|never (arrived|came|got)|not (arrived|received)|"
    r"(didn'?t|hasn'?t|haven'?t|still not|not yet|still haven'?t|still hasn'?t) "
    r"(arrive|arrived|come|came|get|got|received?|shown up|turned up))\b",
    re.IGNORECASE,
)
# What the help center is asked when a customer says a parcel is late or lost.
LATE_QUERY = (
    "what you do when a parcel is late or lost: trace with the carrier, replacement or refund"
)
_LATE_TOPIC = re.compile(r"\b(late|lost|missing|trace)\b", re.I)
# What the help center is asked when a customer wants to know when an unshipped order leaves.
DISPATCH_QUERY = "how long until my order ships after I pay: packing and dispatch time"


_ASKS_ADDRESS = re.compile(
    r"\b(what|which|where)\b.{0,40}\b(address|ship(ped|ping)? to|going to|deliver(ed|ing)? to|"
    r"sent to|heading)\b|\bshipping address\b",
    re.I,
)


def track(ctx: Ctx) -> None:
    customer = need_customer(ctx)
    if customer is None:
        return
    ctx.turn.tools.append("tracking")
    none_text = _("None of your orders is on its way right now.")
    order = resolve_order(
        ctx,
        customer,
        want=lambda o: (
            o.status in (OrderStatus.SHIPPED, OrderStatus.PROCESSING, OrderStatus.PENDING)
            or bool(ctx.ent.order_numbers)
        ),
        purpose="track",
        none_text=none_text,
    )
    if order is None:
        if not ctx.turn.parts[-1:] or none_text in ctx.turn.parts[-1]:
            offer_orders(ctx, customer, None)
        return
    facts.tracking(ctx.turn, order)
    late_parcel_help(ctx)
    ctx.turn.llm_ok = True


def late_parcel_help(ctx: Ctx) -> None:
    """A parcel running late, or a customer saying it hasn't come: what the shop does about it,
    from its help center (a trace, then a replacement or a refund, whatever its own article
    says) when they say so, the article's link, and a person on offer."""
    asks_late = NOT_ARRIVED.search(ctx.text)
    if "late_parcel" not in ctx.turn.tools and not asks_late:
        return
    if asks_late:
        answer_from_help(ctx, fallback=False, query=LATE_QUERY, prefer=_LATE_TOPIC)
    help_link(ctx, "late-or-missing-parcels")
    ctx.turn.chips(_("Talk to a human"))


# --- cancel ------------------------------------------------------------------------------------

# The chips, in English (the stored reason); shown with _() where they are offered.
CANCEL_REASONS = facts.CANCEL_REASONS
_BECAUSE = re.compile(r"\b(?:because|as|since|cause|cuz|reason:?)\s+(.{3,200})", re.IGNORECASE)
# "cancel SD-100002, I ordered the wrong size": a clause after the request is the reason.
_TRAILING_REASON = re.compile(
    r"[,.;!?-]\s+((?:i|i'?ve|we|it|the|my|wrong|too|found|changed|ordered|don'?t|no longer|"
    r"not)\b.{6,200})$",
    re.IGNORECASE,
)


# The reasons a shop reports on, as customers say them; any other reason is kept as said.
_CANCEL_REASON_WORDS = {
    "no longer needed": r"no longer (need|want)|(do ?n[o']?t|dont|do not) (really )?(need|want)"
    r"|not needed|needn'?t|no need for|not (need|want)(ed)? any ?more",
    "ordered by mistake": r"by (mistake|accident)|mistaken|accident(al)?ly|didn'?t mean to|"
    r"wrong (item|size|colou?r|order|one|thing)|ordered (the )?wrong|duplicate|twice",
    "found it cheaper elsewhere": r"cheaper|better (price|deal)|lower price|less (money|expensive)",
    "it takes too long": r"too long|too slow|forever|won'?t (arrive|come) in time|delivery time",
    "changed my mind": r"change[ds]? (my|of) mind",
}


def cancel_reason_from(text: str) -> str | None:
    for reason, pattern in _CANCEL_REASON_WORDS.items():
        if re.search(pattern, text, re.IGNORECASE):
            return reason
    return None


def cancel(ctx: Ctx) -> None:
    customer = need_customer(ctx)
    if customer is None:
        return
    order = resolve_order(
        ctx,
        customer,
        want=lambda o: (
            o.is_cancellable or bool(ctx.ent.order_numbers) or bool(ctx.state.focus_order)
        ),
        purpose="cancel",
        none_text=_(
            "You have no orders that can still be cancelled: orders can be cancelled only "
            "until they ship."
        ),
    )
    if order is None:
        if ctx.state.task is None or ctx.state.task.asking is None:
            ctx.state.task = Task(name="cancel", asking="order")
        return
    if not order.is_cancellable:
        _refuse_status(ctx, order, "cancel")
        return
    if _partial_cancel(ctx, order):
        return
    reason_match = _BECAUSE.search(ctx.text) or _TRAILING_REASON.search(ctx.text)
    task = start_task(ctx, "cancel", order)
    known = cancel_reason_from(ctx.text)
    if known or reason_match:
        task.slots["reason"] = known or reason_match.group(1).strip(" .!")  # type: ignore[union-attr]
        propose(ctx)
        return
    task.asking = "reason"
    ctx.turn.say(
        _("I can cancel order %(number)s. May I ask why you're cancelling?")
        % {"number": order.number}
    )
    ctx.turn.chips(*[_(reason) for reason in CANCEL_REASONS])


_PART = re.compile(
    r"\b(just|only|one of|part of|some of|keep|still want|but not|except|remove|take off|"
    r"drop)\b",
    re.I,
)


def _partial_cancel(ctx: Ctx, order: Order) -> bool:
    """ "cancel just the sunglasses, I still want the tank tops": orders are cancelled whole, so
    a clear no, with what can be done instead. True when that was the answer."""
    items = list(order.items.all())
    if len(items) < 2:
        return False
    keep_words = re.compile(r"\b(keep|still want|leave|hold on to|want to keep)\b", re.I)
    to_cancel: list[Any] = []
    to_keep: list[Any] = []
    for clause in re.split(r"[.;!?,]|\bbut\b", ctx.text):
        found = items_mod.named_items(clause, items)
        (to_keep if keep_words.search(clause) else to_cancel).extend(found)
    named = [i for i in to_cancel if i not in to_keep]
    if not named:
        return False
    explicit = re.search(
        r"\b(just|only|part of|some of|one of|remove|take off|drop)\b", ctx.text, re.I
    )
    if not (any(i not in named for i in to_keep) or (explicit and len(set(named)) < len(items))):
        return False
    names = ", ".join(sorted({i.product_name for i in named}))
    ctx.state.task = None
    ctx.turn.intent = "cancel_order:partial"
    ctx.turn.say(
        _(
            "I can't cancel only part of an order: order %(number)s can be cancelled only as a "
            "whole (%(items)s, total %(total)s)."
        )
        % {
            "number": order.number,
            "items": facts.items_line(order),
            "total": money(order.grand_total, order.currency),
        },
        keep=(order.number,),
    )
    ctx.turn.say(
        _(
            "I can cancel the whole order if you like. I can change an item to another option "
            "while the order is pending, or you can return the %(names)s once it arrives."
        )
        % {"names": names}
    )
    ctx.turn.chips(_("Cancel the whole order"), _("Keep the order"))
    return True


def _refuse_status(ctx: Ctx, order: Order, what: str) -> None:
    status = order.get_status_display().lower()
    values = {"number": order.number, "status": status}
    if what == "cancel" and order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        ctx.turn.say(
            _(
                "Order %(number)s has already shipped, so it can't be cancelled. Once it "
                "arrives you can return it instead."
            )
            % values
        )
    elif what == "change":
        ctx.turn.say(
            _(
                "Order %(number)s is %(status)s, so it can no longer be changed. Orders can be "
                "changed only while they are pending."
            )
            % values
        )
    elif what == "cancel" and order.status == OrderStatus.CANCELLED:
        ctx.turn.say(_("Order %(number)s is already cancelled.") % values, keep=(order.number,))
        facts.cancellation(ctx.turn, order)
    elif what == "cancel":
        ctx.turn.say(_("Order %(number)s is %(status)s, so I can't cancel it.") % values)
    elif order.status == OrderStatus.CANCELLED:  # "return"
        if _REFUND_STATUS.search(ctx.text) or _MONEY_BACK.search(ctx.text):
            said = _("Order %(number)s was cancelled.")  # "did I get my money back for it?"
        else:
            said = _("Order %(number)s was cancelled, so there is nothing to return.")
        ctx.turn.say(said % values, keep=(order.number,))
        facts.cancellation(ctx.turn, order)
    else:  # "return"
        ctx.turn.say(_("Order %(number)s is %(status)s, so I can't return it.") % values)
    ctx.state.task = None


# --- change an order ---------------------------------------------------------------------------

ADDRESS_WORDS = re.compile(
    r"\b(ad+res+e?s?|addy|ship(ping)? to|deliver(y)? to|send it to|zip|postcode|moved)\b", re.I
)
PAYMENT_WORDS = re.compile(r"\b(pay(ment)?|card|paypal|gift ?card|visa|mastercard|amex)\b", re.I)
ITEM_WORDS = re.compile(r"\b(size|colou?r|swap|instead|variant|smaller|bigger|larger)\b", re.I)


def change(ctx: Ctx) -> None:
    if (
        ADDRESS_WORDS.search(ctx.text)
        and re.search(r"\bdefault\b", ctx.text, re.I)
        and not ctx.ent.order_numbers
        and not re.search(r"\b(to|use|with)\s+(my|the)\s+(default|home)\b", ctx.text, re.I)
    ):
        default_address(ctx)
        return
    customer = need_customer(ctx)
    if customer is None:
        return
    order = resolve_order(
        ctx,
        customer,
        want=lambda o: (
            o.is_modifiable or bool(ctx.ent.order_numbers) or bool(ctx.state.focus_order)
        ),
        purpose="change",
        none_text=_(
            "You have no orders that can still be changed: orders can be changed only "
            "while they are pending."
        ),
    )
    if order is None:
        return
    _queue_second_change(ctx, order)
    if not order.is_modifiable:
        if (
            order.is_returnable()
            and not ADDRESS_WORDS.search(ctx.text)
            and (
                _EXCHANGE.search(ctx.text)
                or ITEM_WORDS.search(ctx.text)
                or ctx.ent.sizes
                or ctx.ent.colours
                or items_mod.size_step(ctx.text)
                or items_mod.named_items(ctx.text, list(order.items.all()))
            )
        ):
            # A delivered item changed to another option ("change it to XL") is an exchange.
            returns(ctx, exchange=not re.search(r"\b(refund\w*|money back)\b", ctx.text, re.I))
            return
        _refuse_status(ctx, order, "change")
        return
    if quantity_mod.asks_quantity(ctx.text):
        target = quantity_mod.quantity_target(ctx.text, order)
        if target is not None:
            # "I only need 1 pair of the jeans, not 2"
            item, quantity = target
            start_task(ctx, "quantity", order, item_id=item.pk, quantity=quantity)
            propose(ctx)
            return
    if (
        address_in(ctx.text, customer.full_name) is not None
        or written_address(ctx, customer.full_name) is not None
    ):
        # "can you change it to 55 River Rd, Eugene, OR 97401?"
        ask_address(ctx, start_task(ctx, "address", order), "")
        return
    recipient = recipient_name(ctx)
    if recipient is not None:
        # "change the name on it to Alicia Martin, the address stays the same"
        task = start_task(ctx, "address", order)
        task.slots["address"] = {**order.shipping_address, "full_name": recipient}
        propose(ctx)
        return
    if ADDRESS_WORDS.search(ctx.text):
        task = start_task(ctx, "address", order)
        ask_address(
            ctx,
            task,
            _("What's the new shipping address for order %(number)s?") % {"number": order.number},
        )
    elif PAYMENT_WORDS.search(ctx.text) and not _swaps_an_item(ctx, order):
        ask_payment(ctx, start_task(ctx, "payment", order), customer)
    elif (
        ITEM_WORDS.search(ctx.text)
        or ctx.ent.sizes
        or ctx.ent.colours
        or _swaps_an_item(ctx, order)
    ):
        task = start_task(ctx, "swap", order)
        swap_fill(ctx, task, order)
    else:
        task = start_task(ctx, "change", order)
        task.asking = "what"
        ctx.turn.say(
            _(
                "What would you like to change on order %(number)s: an item's size or colour, "
                "the shipping address, or the payment method?"
            )
            % {"number": order.number}
        )
        ctx.turn.chips(*[_(chip) for chip in CHANGE_CHIPS])


_RECIPIENT = re.compile(r"\b(?:name|recipient|addressee|receiver)\b", re.I)
# The new name, in what the customer wrote: "... to Alicia Martin", "改成 Chen Wei", "改为王芳".
_NEW_NAME = re.compile(
    r"(?:\bto|\bas|\bis|\bunder|\bname|改成|改为|换成|写成|写)\s*[:：]?\s*"
    r"(?P<name>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,3}|[\u4e00-\u9fff]{2,4}(?=$|[\s,，。.!！?？]|地址))"
)
# The word for the recipient as written, English or Chinese: the new name follows it.
_RECIPIENT_WRITTEN = re.compile(
    r"\b(?:name|recipient|addressee|receiver)\b|收件人|收货人|名字|姓名", re.I
)
_NOT_A_NAME = re.compile(r"^(?:SD-|The\b|My\b|It\b|This\b|That\b)", re.I)


def recipient_name(ctx: Ctx) -> str | None:
    """The new recipient's name when the message asks to change only the name on an order."""
    if not _RECIPIENT.search(ctx.text):
        return None
    written = ctx.message.text if ctx.message is not None else ctx.text
    said = _RECIPIENT_WRITTEN.search(written)
    if said is None:
        return None
    if re.search(r"\b(my name is|i'?m|this is)\b", written[: said.start()], re.I):
        return None  # "my name is Sarah Jones. Change the address…": who is writing
    for match in _NEW_NAME.finditer(written, said.start()):
        name = match.group("name").strip()
        if _NOT_A_NAME.search(name) or any(ch.isdigit() for ch in name):
            continue
        if name.casefold() in ("me", "you"):
            continue
        return name[:100]
    return None


# The chips of "what would you like to change": their English text, and what each means.
CHANGE_CHIPS = {
    gettext_noop("Size or colour"): "swap",
    gettext_noop("Shipping address"): "address",
    gettext_noop("Payment method"): "payment",
}


def change_chip(text: str) -> str | None:
    """The change a pressed chip of `CHANGE_CHIPS` asks for, in English or translated."""
    return chip_value(CHANGE_CHIPS, text)


def chip_value(chips: dict[str, str], text: str) -> str | None:
    """The value of the chip whose label (in English, or as shown translated) the text is."""
    said = text.strip()
    for label, value in chips.items():
        if said in (label, _(label)):
            return value
    return None


_CLAUSE = re.compile(r"\s*(?:,|;|\.|\band also\b|\balso\b|\band then\b|\band\b|\bplus\b)\s*", re.I)


def _queue_second_change(ctx: Ctx, order: Order) -> None:
    """ "ship it to my default address and pay with PayPal": one change at a time. The clause
    about the payment waits on the agenda (with the order's number) while the rest is done."""
    if not (ADDRESS_WORDS.search(ctx.text) and PAYMENT_WORDS.search(ctx.text)):
        return
    clauses = [c for c in _CLAUSE.split(ctx.text) if c and c.strip()]
    paying = [c for c in clauses if PAYMENT_WORDS.search(c) and not ADDRESS_WORDS.search(c)]
    if not paying or len(paying) == len(clauses):
        return
    rest = " ".join(c for c in clauses if c not in paying)
    if not ADDRESS_WORDS.search(rest):
        return
    ctx.state.agenda.insert(0, f"change the payment of order {order.number}: {' '.join(paying)}")
    ctx.text = rest


def _swaps_an_item(ctx: Ctx, order: Order) -> bool:
    """Whether the message names an item of the order and an option it should become."""
    items = list(order.items.all())
    for item in items_mod.named_items(ctx.text, items):
        variants = selectors.product_variants_for_bot(product_id=item.variant.product_id)
        segment = items_mod.segment_for(ctx.text, item, items)
        if items_mod.target_variant(segment, variants, item.variant) is not None:
            return True
    return False


# Shown with _(ADDRESS_FORMAT).
ADDRESS_FORMAT = gettext_noop(
    "Please write it on one line as: street, city, state zip, country "
    "(for example: 12 Harbor St, Portland, OR 97205, US)."
)


# "... my default address to 45 Oak Ave, Seattle, WA 98102": the address came with the request.
_ADDRESS_GIVEN = re.compile(r"\b(?:to|is)\s*:?\s+(\d[^\n]*?)[?!.]*$", re.IGNORECASE)


_DEFAULT_ADDRESS = re.compile(
    r"\b(default|home|usual|main|primary|normal|regular)\b[\w\s,()-]{0,20}?\baddress\b|"
    r"\baddress\s+(on file|in my account|on my account|i have saved)\b|\bto my (default|home)\b",
    re.I,
)
_OTHER_ORDER = re.compile(
    r"\b(same (address|place|one|as)|address (of|from|on|for) (my|the|that|order)|other order|"
    r"as (my|the|that) .{0,30}order|order .{0,40}went|went to)\b",
    re.I,
)


def address_by_reference(ctx: Ctx, customer: Customer, task: Task) -> dict[str, str] | None:
    """ "my default address", "the same address as my backpack order", "my Santa Cruz address":
    an address the shop already has, as an order's shipping address is stored."""
    from assistant.flows.context import order_facts
    from assistant.understanding import references

    text = ctx.text
    current: dict[str, Any] = {}
    if task.order:
        order = selectors.order_for_bot(customer=customer, number=task.order)
        current = dict(order.shipping_address) if order is not None else {}

    def fresh(address: dict[str, Any]) -> bool:
        return bool(address) and address.get("line1") != current.get("line1")

    if _DEFAULT_ADDRESS.search(text) and task.name != "default_address":
        default = customer.addresses.filter(is_default=True).first()
        if default is not None:
            return default.snapshot()
    others = [n for n in ctx.ent.order_numbers if n.upper() != (task.order or "").upper()]
    number = others[0] if others else None
    if number is None and _OTHER_ORDER.search(text):
        facts = [f for f in order_facts(ctx) if f.number != task.order]
        ref = references.refer(text, facts, listed=ctx.state.listed_orders)
        if ref.unique is not None and ref.how in ("item", "date", "status", "position"):
            number = ref.unique
    if number is not None:
        other = selectors.order_for_bot(customer=customer, number=number)
        if other is not None and fresh(other.shipping_address):
            return {k: str(v) for k, v in other.shipping_address.items()}
    # A saved address or another order's, named by its street or city.
    folded = text.casefold()
    known = [a.snapshot() for a in customer.addresses.all()]
    known += [dict(o.shipping_address) for o in selectors.orders_for_bot(customer=customer)]
    named = [
        a
        for a in known
        if fresh(a)
        and any(
            str(a.get(key) or "").casefold() in folded
            for key in ("line1", "city")
            if len(str(a.get(key) or "")) >= 4
        )
    ]
    lines = {a.get("line1") for a in named}
    if len(lines) == 1:
        return {k: str(v) for k, v in named[0].items()}
    return None


def ask_address(ctx: Ctx, task: Task, question: str) -> None:
    if ctx.customer is not None:
        given = _ADDRESS_GIVEN.search(ctx.text)
        address = (
            parse_address(given.group(1), ctx.customer.full_name) if given is not None else None
        ) or (
            address_in(ctx.text, ctx.customer.full_name)
            or written_address(ctx, ctx.customer.full_name)
        )
        if address is not None:
            task.slots["address"] = address
            task.asking = None
            propose(ctx)
            return
    if ctx.customer is not None and (known := address_by_reference(ctx, ctx.customer, task)):
        task.slots["address"] = known
        task.asking = None
        propose(ctx)
        return
    task.asking = "address"
    ctx.turn.say(f"{question} {_(ADDRESS_FORMAT)}")


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


# The same on one line without a comma before the state: "1200 3rd Ave, Seattle WA 98101",
# "22 Collins St, Melbourne VIC 3000", "100 King St W, Toronto ON M5H 2N2, Canada".
_ADDRESS_COMPACT = re.compile(
    r"^\s*(?P<line1>[^,\n]+?)\s*[,\n]\s*(?:(?P<line2>[^,\n]+?)\s*[,\n]\s*)?"
    r"(?P<city>[A-Za-z][A-Za-z .'-]*?)\s+(?P<region>[A-Z]{2,3})\.?\s+"
    r"(?P<zip>\d[\d -]{2,9}|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d)"
    r"\s*(?:[,\n ]\s*(?P<country>[A-Za-z .]{2,40}))?\s*\.?\s*$"
)
# No commas at all: "501 congress ave austin tx 78701". The street ends at its suffix word.
_ADDRESS_BARE = re.compile(
    r"^\s*(?P<line1>\d+[A-Za-z]?\s+[^,\n]*?\b(?:st|street|ave|avenue|rd|road|blvd|boulevard|dr|"
    r"drive|ln|lane|way|ct|court|pl|place|hwy|highway|pkwy|parkway|ter|terrace|cir|circle|sq|"
    r"square)\.?)(?P<line2>)\s+(?P<city>[A-Za-z][A-Za-z .'-]*?)\s+(?P<region>[A-Za-z]{2,3})\.?\s+"
    r"(?P<zip>\d{4,5}(?:-\d{4})?)(?P<country>)\s*\.?\s*$",
    re.IGNORECASE,
)
_AU_STATES = frozenset(["NSW", "VIC", "QLD", "WA", "SA", "TAS", "ACT", "NT"])
_CA_PROVINCES = frozenset(
    ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]
)


def _country_guess(region: str, postal: str) -> str:
    """The country an address without one is in, from its region and postal code's shapes."""
    digits = re.sub(r"\D", "", postal)
    if region.upper() in _AU_STATES and len(digits) == 4 and digits == postal.strip():
        return "au"
    if region.upper() in _CA_PROVINCES and re.fullmatch(
        r"[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d", postal
    ):
        return "ca"
    return "us"


def written_address(ctx: Ctx, full_name: str) -> dict[str, str] | None:
    """A Chinese address as the customer wrote it ("广东省深圳市南山区科技园南路88号，邮编518057"):
    read from the message itself, since the reading turns its words into English."""
    found = chinese.address(ctx.message.text)
    return {"full_name": full_name, "line2": "", **found} if found is not None else None


def address_in(text: str, full_name: str) -> dict[str, str] | None:
    """An address inside a longer message ("the address would be 21 Quay St, Brooklyn, NY 11201
    if that helps"): from the first house number to the postal code."""
    for start in re.finditer(r"\b\d+[A-Za-z]?\s+[A-Za-z]", text):
        tail = text[start.start() :]
        for end in reversed(
            list(re.finditer(r"\b\d{4,5}(?:-\d{4})?\b|\b[A-Z]\d[A-Z] ?\d[A-Z]\d\b", tail))
        ):
            country = re.match(
                r"\s*,?\s*(usa|us|united states|canada|uk|australia)\b", tail[end.end() :], re.I
            )
            piece = tail[: end.end() + (country.end() if country else 0)]
            found = parse_address(piece, full_name)
            if found is not None:
                return found
    return None


def parse_address(text: str, full_name: str) -> dict[str, str] | None:
    m = (
        _ADDRESS.match(text.strip())
        or _ADDRESS_COMPACT.match(text.strip())
        or _ADDRESS_BARE.match(text.strip())
    )
    if not m:
        return None
    default = _country_guess(m.group("region") or "", m.group("zip") or "")
    country_raw = (m.group("country") or default).strip().lower()
    country = COUNTRY_CODES.get(country_raw, country_raw.upper() if len(country_raw) == 2 else "")
    if not country:
        return None
    line1 = m.group("line1").strip()
    if not re.search(r"\d", line1):
        return None
    city = m.group("city").strip()
    if text.islower():  # "501 congress ave austin tx 78701" is stored as an address is written
        line1, city = line1.title(), city.title()
    return {
        "full_name": full_name,
        "line1": line1,
        "line2": (m.group("line2") or "").strip(),
        "city": city,
        "region": (m.group("region") or "").strip().upper()
        if len((m.group("region") or "").strip()) <= 3
        else (m.group("region") or "").strip(),
        "postal_code": m.group("zip").strip(),
        "country": country,
    }


def payment_methods_named(text: str, methods: list[Any]) -> list[Any]:
    """The saved payment methods a message names: a chip's exact label first ("Gift card ending
    7919" also contains "card"), else a last-4, a kind ("gift card", "paypal") or a card brand."""
    folded = text.lower()
    # A chip pressed in either language ("Visa ending 9777", "Visa 尾号 9777").
    exact = [
        m
        for m in methods
        if folded in (m.label.lower(), getattr(m, "record_label", m.label).lower())
    ]
    if exact:
        return exact
    # Its last four digits name one method, whatever words are around them.
    by_digits = [
        m
        for m in methods
        if (last4 := getattr(m, "card_last4", "") or getattr(m, "gift_card_last4", ""))
        and re.search(rf"(?<![\d-]){re.escape(last4)}(?!\d)", folded)
    ]
    if by_digits:
        return by_digits
    # Longest kind first: "gift card" must not also pick the Visa "card", also when the
    # customer has no gift card (then it names nothing they have).
    for kind in sorted(PaymentMethodKind.values, key=len, reverse=True):
        if re.search(rf"\b{kind.replace('_', ' ?')}s?\b", folded):
            return [m for m in methods if m.kind == kind]
    return [m for m in methods if getattr(m, "card_brand", "") and m.card_brand.lower() in folded]


def ask_payment(ctx: Ctx, task: Task, customer: Customer) -> None:
    methods = selectors.payment_methods_for_bot(customer=customer)
    if not methods:
        ctx.turn.say(_("There are no other payment methods saved on your account."))
        ctx.state.task = None
        return
    named = payment_methods_named(
        re.sub(
            r"\b(change|payment|method|pay(ing)?|with|to|the|my|on|of)\b",
            " ",
            wanted_methods_text(ctx.text),
        ),
        methods,
    )
    if len(named) > 1:
        # "it's on my Visa; can I use my Mastercard instead?": the one after the last "use".
        pivots = list(
            re.finditer(r"\b(use|using|to|onto|switch to|pay with|with)\b", ctx.text, re.I)
        )
        if pivots:
            after = payment_methods_named(
                wanted_methods_text(ctx.text[pivots[-1].end() :]), methods
            )
            named = after if len(after) == 1 else named
    if len(named) == 1 and re.search(r"\b(to|with|use|using|onto|instead)\b", ctx.text, re.I):
        # "change the payment on SD-100001 to my gift card": no need to ask.
        task.slots["payment_method_id"] = named[0].pk
        task.slots["payment_method_label"] = named[0].label
        propose(ctx)
        return
    task.asking = "payment_method"
    ctx.turn.say(
        _("Which payment method should order %(number)s use? Saved on your account: %(methods)s.")
        % {"number": task.order, "methods": "; ".join(m.label for m in methods)}
    )
    ctx.turn.chips(*[m.label for m in methods])


def swap_fill(ctx: Ctx, task: Task, order: Order) -> None:
    """Find the items and the option each should become; ask for what's missing; then the
    payment method for a price difference; then propose."""
    lines = choose_lines(ctx, task, order, purpose="change")
    if lines is None:
        return
    if not fill_targets(ctx, task, order, exchange=False):
        return
    if not settle_money(ctx, task, order):
        return
    propose(ctx)


def left_to_return(order: Order) -> dict[int, int]:
    from orders.services import _returned_quantities

    already = _returned_quantities(order)
    return {i.pk: i.quantity - already.get(i.pk, 0) for i in order.items.all()}


def choose_lines(
    ctx: Ctx, task: Task, order: Order, *, purpose: str
) -> list[dict[str, Any]] | None:
    """The items the request is about, as task lines; asks which when the message doesn't say."""
    if task.slots.get("lines"):
        return list(task.slots["lines"])
    items = list(order.items.all())
    left = left_to_return(order) if purpose == "return" else {i.pk: i.quantity for i in items}
    items = [i for i in items if left.get(i.pk, 0) > 0]
    if not items:
        ctx.turn.say(
            _("Everything on order %(number)s has already been returned.")
            % {"number": order.number}
        )
        ctx.state.task = None
        return None
    picked = items_mod.pick(ctx.text, items)
    swapping = purpose == "change" or task.slots.get("kind") == "exchange"
    if swapping and picked.how in ("named", "only") and len(picked.items) > 1:
        # "I got a chair and a lamp in one order… I'd rather have the white lamp": the items
        # that get a new option named are the ones to change, when some do and some don't.
        with_target = [
            i
            for i in picked.items
            if items_mod.target_variant(
                items_mod.segment_for(ctx.text, i, picked.items),
                selectors.product_variants_for_bot(product_id=i.variant.product_id),
                i.variant,
            )
        ]
        if with_target:
            picked = items_mod.Picked(with_target, picked.quantities, picked.how)
    if not picked.items:
        task.asking = "item"
        values = {
            "number": order.number,
            "items": "; ".join(f"{i.product_name} ({i.variant_label})" for i in items),
        }
        if purpose == "return":
            ask = _(
                "Which items of order %(number)s would you like to return or exchange? %(items)s."
            )
        else:
            ask = _("Which items of order %(number)s would you like to change? %(items)s.")
        ctx.turn.say(ask % values)
        ctx.turn.chips(*[i.product_name for i in items[:5]], _("All of them"))
        return None
    lines = [
        {
            "item_id": i.pk,
            "quantity": picked.quantities.get(i.pk, left[i.pk]),
            "variant_id": None,
            "variant_label": "",
        }
        for i in picked.items
    ]
    task.slots["lines"] = lines
    # What the customer said when the request began ("exchange it for a medium") and now
    # ("it's the jacket from SD-100036"): an option named in either is the one they want.
    task.slots["first_text"] = " ".join(
        dict.fromkeys([task.slots.get("first_text", ""), ctx.text])
    ).strip()
    return lines


def fill_targets(ctx: Ctx, task: Task, order: Order, *, exchange: bool) -> bool:
    """The option each line becomes. True when every line has one; else asks about one item."""
    lines: list[dict[str, Any]] = task.slots["lines"]
    items = {i.pk: i for i in order.items.all()}
    chosen = [items[line["item_id"]] for line in lines]
    asked = task.slots.pop("asking_item", None)
    for line in lines:
        if line.get("variant_id"):
            continue
        item = items[line["item_id"]]
        variants = selectors.product_variants_for_bot(product_id=item.variant.product_id)
        if asked == item.pk or len(lines) == 1:
            text = ctx.text
        else:
            text = items_mod.segment_for(ctx.text, item, chosen)
        target = items_mod.target_variant(text, variants, item.variant)
        if target is None and asked != item.pk and len(lines) == 1 and "first_text" in task.slots:
            target = items_mod.target_variant(task.slots["first_text"], variants, item.variant)
        if target is not None:
            line["variant_id"] = target.pk
            line["variant_label"] = target.label
            continue
        replacing = (
            exchange
            and _REPLACEMENT.search(text)
            and ((task.slots.get("reason") or reason_from(ctx.text)) in ("damaged", "wrong_item"))
        )
        if replacing and item.variant.stock >= int(line["quantity"]):
            # "exchange for a new pack": a damaged item for the same one again.
            line["variant_id"] = item.variant.pk
            line["variant_label"] = item.variant.label
            continue
        others = _alternatives(variants, item.variant)
        missing = items_mod.unavailable_named(text, variants, item.variant)
        if not others:
            if exchange:
                ctx.turn.say(
                    _(
                        "There are no other options of %(product)s in stock to exchange "
                        "for, but you can return it for a refund."
                    )
                    % {"product": item.product_name}
                )
                task.slots["kind"] = "return"
                for other in lines:
                    other["variant_id"], other["variant_label"] = None, ""
                return True
            ctx.turn.say(
                _("There are no other options of %(product)s in stock right now.")
                % {"product": item.product_name}
            )
            ctx.state.task = None
            return False
        task.asking = "variant"
        task.slots["asking_item"] = item.pk
        lead = (
            _("Sorry, %(product)s (%(option)s) is out of stock.")
            % {"product": item.product_name, "option": missing.label}
            + " "
            if missing
            else ""
        )
        ctx.turn.say(
            lead
            + _(
                "Which option of %(product)s on order %(number)s would you like instead of "
                "%(current)s? In stock: %(options)s."
            )
            % {
                "number": order.number,
                "product": item.product_name,
                "current": item.variant_label,
                "options": "; ".join(
                    f"{v.label} ({money(v.price, settings.SHOP_CURRENCY)})" for v in others[:8]
                ),
            }
        )
        ctx.turn.chips(*[v.label for v in others[:6]])
        return False
    return True


# "not PayPal", "instead of my Visa", "rather than the gift card": a method they don't want.
_NOT_METHOD = re.compile(
    r"\b(not|instead of|rather than|except|but not|no|off|from)\s+(?:on\s+|to\s+)?(?:my\s+|the\s+)?"
    r"(gift ?card|paypal|card|visa|mastercard|amex|american express|discover)"
    r"(\s+ending(\s+in)?\s+\d{4})?",
    re.I,
)


def wanted_methods_text(text: str) -> str:
    return _NOT_METHOD.sub(" ", text)


_REPLACEMENT = re.compile(
    r"\b(new (one|pack|pair|set|unit)|replacement|replace (it|them)|same (one|item|thing|again)|"
    r"another one|working one)\b",
    re.I,
)


def note_payment_method(ctx: Ctx, task: Task) -> None:
    """ "charge my Mastercard", "use the gift card for the difference": remember the method."""
    if ctx.customer is None or not PAYMENT_WORDS.search(ctx.text):
        return
    methods = selectors.payment_methods_for_bot(customer=ctx.customer)
    named = payment_methods_named(
        re.sub(
            r"\b(payment|method|pay(ing)?|with|to|the|my|on|of|for|difference)\b",
            " ",
            wanted_methods_text(ctx.text),
        ),
        methods,
    )
    if len(named) == 1:
        chosen = named[0]
        order = selectors.order_for_bot(customer=ctx.customer, number=task.order or "")
        original = order.payment_method_id if order is not None else None
        if (
            task.name == "return"
            and task.slots.get("kind") != "exchange"
            and chosen.kind != "gift_card"
            and chosen.pk != original
        ):
            # A return goes back to the original method or onto a gift card, nowhere else.
            task.slots["refused_method"] = chosen.label
            task.slots.pop("payment_method_id", None)
            task.slots.pop("refund_method", None)
            return
        task.slots["payment_method_id"] = chosen.pk
        task.slots["payment_method_label"] = chosen.label
        task.slots["refund_method"] = "gift_card" if chosen.kind == "gift_card" else "original"


def quote_for(task: Task, order: Order) -> Any:
    from orders import services

    lines = task.slots.get("lines") or []
    if task.name == "swap":
        return services.order_modify_quote(
            order=order,
            changes=[
                services.ItemChange(int(line["item_id"]), int(line["variant_id"])) for line in lines
            ],
        )
    return services.return_quote(
        order=order,
        lines=[
            services.ReturnLine(
                int(line["item_id"]),
                int(line["quantity"]),
                int(line["variant_id"]) if line.get("variant_id") else None,
            )
            for line in lines
        ],
        kind=str(task.slots.get("kind") or "return"),
        reason=str(task.slots.get("reason") or "other"),
    )


def settle_money(ctx: Ctx, task: Task, order: Order) -> bool:
    """A price difference to pay needs a payment method: the one named, else ask."""
    from orders.errors import OrderPolicyError

    note_payment_method(ctx, task)
    try:
        quote = quote_for(task, order)
    except OrderPolicyError as error:
        ctx.turn.say(_("Sorry, I can't do that: %(error)s") % {"error": error})
        ctx.state.task = None
        return False
    if not quote.charge or task.slots.get("payment_method_id"):
        return True
    methods = selectors.payment_methods_for_bot(customer=order.customer)
    if len(methods) == 1:
        task.slots["payment_method_id"] = methods[0].pk
        task.slots["payment_method_label"] = methods[0].label
        return True
    task.asking = "payment_method"
    ctx.turn.say(
        _(
            "The new options cost %(amount)s more. Which payment method should pay the "
            "difference? Saved on your account: %(methods)s."
        )
        % {
            "amount": money(quote.charge, order.currency),
            "methods": "; ".join(method_label(m) for m in methods),
        }
    )
    ctx.turn.chips(*[m.label for m in methods])
    return False


def method_label(method: Any) -> str:
    if method.kind == "gift_card" and method.gift_card_balance is not None:
        return _("%(method)s (balance %(balance)s)") % {
            "method": method.label,
            "balance": money(method.gift_card_balance, settings.SHOP_CURRENCY),
        }
    return str(method.label)


SIZE_SYNONYMS = {
    "xxs": ("xx-small", "extra extra small"),
    "xs": ("extra small", "x-small", "xsmall"),
    "s": ("small",),
    "m": ("medium", "med"),
    "l": ("large",),
    "xl": ("extra large", "x-large", "xlarge"),
    "xxl": ("xx-large", "2xl", "extra extra large", "xxlarge"),
}


# Shades a customer names by their family: "the grey one" of Charcoal, "blue" of Navy. A family
# word reaches a value only when the value has no family word of its own ("Heather Grey" is
# named by "grey" directly).
COLOUR_FAMILIES = {
    "grey": ("charcoal", "slate", "graphite", "ash", "pewter", "stone", "smoke", "gunmetal"),
    "gray": ("charcoal", "slate", "graphite", "ash", "pewter", "stone", "smoke", "gunmetal"),
    "blue": ("navy", "indigo", "cobalt", "denim", "azure", "sapphire", "teal"),
    "green": ("olive", "sage", "emerald", "mint", "khaki", "moss", "forest"),
    "red": ("burgundy", "maroon", "wine", "crimson", "brick", "scarlet", "cherry"),
    "brown": ("tan", "chocolate", "camel", "cognac", "taupe", "mocha", "chestnut", "espresso"),
    "white": ("cream", "ivory", "ecru", "snow", "off-white", "oatmeal"),
    "pink": ("blush", "rose", "fuchsia", "magenta", "salmon"),
    "purple": ("plum", "lavender", "violet", "lilac", "mauve"),
    "yellow": ("mustard", "lemon", "gold", "ochre"),
    "black": ("jet", "onyx", "ebony"),
}


def _names_family(text: str, value: str) -> bool:
    words = set(re.findall(r"[a-z-]+", value))
    if words & set(COLOUR_FAMILIES):
        return False
    return any(
        re.search(rf"\b{family}\b", text) and words & set(shades)
        for family, shades in COLOUR_FAMILIES.items()
    )


def _names_value(text: str, value: str) -> bool:
    """Whether the message names an option value ("Navy", "Light Wash", "M", "34", "large"), or
    the colour family of a shade ("grey" of "Charcoal")."""
    v = value.lower()
    if _names_family(text, v):
        return True
    if len(v) <= 2 and not v.isdigit():
        if re.search(
            rf"(?:\b(?:size|an?|in|to|for|the|one|and|that|it|make|want|need|prefer|into|with|"
            rf"be|get|take)\s+|^\W*|[,/&+]\s*){re.escape(v)}\b",
            text,
        ):
            return True
    elif re.search(rf"(?<![\w.-]){re.escape(v)}(?![\w-]|\.\d)", text):
        return True
    return any(
        re.search(rf"\b{re.escape(word)}\b", text) and not re.search(rf"\bextra {word}\b", text)
        for word in SIZE_SYNONYMS.get(v, ())
    )


def pick_variant(ctx: Ctx, variants: list[Any], *, current: Any, task: Task) -> Any | None:
    """The variant the message asks for: the options it names, the rest kept from `current`."""
    text = ORDERISH.sub(" ", ctx.text.lower())
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
    "damaged": r"damaged|broken?|defect|faulty|torn|ripped|crack|stain|scratch|dent|chipped|"
    r"leak|"
    r"won'?t (turn|switch|power|charge|work)|(doesn'?t|does not) (turn|power) on|"
    r"doesn'?t work|not working|"
    r"stopped working|don'?t work|do not work|does not work|isn'?t working|aren'?t working|dead|"
    r"snapped|shattered|smashed|bent\b|\bsplit|(came|comes|coming|fell|falls|falling) apart|"
    r"fad(ed|ing)|out of shape|warped|peel(s|ed|ing)|fray(ed|ing)|unravel|\bholes?\b|"
    r"pilling|missing (parts?|pieces?|screws?)|parts? missing|"
    r"won'?t (light|open|close|zip|start|stay|hold|connect|pair)",
    "wrong_item": r"wrong (item|product|size|colou?r|one)|not what i ordered|sent me the wrong",
    "not_as_described": r"not as described|not as pictured|(doesn'?t|does not|don'?t|do not) "
    r"(look|match)|"
    r"different from|(looks?|colou?rs?|it)\b.{0,30}\b(different|nothing like|not like|off)\b.{0,20}"
    r"\b(photos?|pictures?|images?|website|listing)|(photos?|pictures?|listing).{0,20}"
    r"\b(misleading|wrong|different)|"
    r"(not|wasn'?t|isn'?t|weren'?t) (what|as) i (expected|thought|imagined)|not as expected|"
    r"(neither|none|not) .{0,20}what i (expected|thought|imagined)|"
    r"looks different|quality",
    "changed_mind": r"changed? my mind|don'?t (want|need|like)|no longer (want|need)|didn'?t like|"
    r"not (a|really a|much of a) fan|not (really )?my (style|taste|thing)|dislike|"
    r"not for me|(dont|don't) love",
}
# The chips' English text, and the reason each means; shown with _(), read with `reason_chip`.
REASON_CHIPS = {
    gettext_noop("Too small"): "too_small",
    gettext_noop("Too large"): "too_large",
    gettext_noop("Damaged or defective"): "damaged",
    gettext_noop("Wrong item sent"): "wrong_item",
    gettext_noop("Not as described"): "not_as_described",
    gettext_noop("Changed my mind"): "changed_mind",
    gettext_noop("Other"): "other",
}


def reason_chip(text: str) -> str | None:
    """The return reason of a pressed reason chip, in English or translated."""
    return chip_value(REASON_CHIPS, text)


_EXCHANGE = re.compile(
    r"\b(exchange|swap|different size|another size|replace|replacement|smaller one|bigger one|"
    r"new (one|pack|pair))\b",
    re.I,
)
# "forget the exchange", "not an exchange", "no swap": the customer doesn't want one.
_NO_EXCHANGE = re.compile(
    r"\b(forget|not|no|don'?t want|instead of)\s+(an?\s+|the\s+)?(exchange|swap|replacement)\b",
    re.I,
)
_REFUND_WORDS = re.compile(r"\b(refund|money back|my money|reimburse)\w*", re.I)


def return_kind_switch(ctx: Ctx, task: Task) -> bool:
    """Mid-return, "can I swap it for a smaller one" or "actually just refund me": the same
    request, the other kind. True when the kind changed (the caller fills the task again)."""
    kind = task.slots.get("kind")
    wants_exchange = bool(_EXCHANGE.search(ctx.text)) and not _NO_EXCHANGE.search(ctx.text)
    wants_refund = bool(_REFUND_WORDS.search(ctx.text)) and (
        bool(_NO_EXCHANGE.search(ctx.text)) or not _EXCHANGE.search(ctx.text)
    )
    if kind != "exchange" and wants_exchange:
        task.slots["kind"] = "exchange"
        task.slots.pop("refund_method", None)
    elif kind == "exchange" and wants_refund:
        task.slots["kind"] = "return"
        for line in task.slots.get("lines") or []:
            line["variant_id"], line["variant_label"] = None, ""
        task.slots.pop("payment_method_id", None)
    else:
        return False
    if task.slots["kind"] == "return" and "refund_method" not in task.slots:
        if re.search(r"\b(gift ?card|store credit)\b", ctx.text, re.I):
            task.slots["refund_method"] = "gift_card"
        elif re.search(r"\b(original|card|same|paypal|bank|account)\b", ctx.text, re.I):
            task.slots["refund_method"] = "original"
    task.asking = None
    return True


_REFUND_STATUS = re.compile(
    r"\b(refund|return)\b.{0,30}\b(status|yet|where|when|update|arrived|received|processed|"
    r"stage|step|progress|going)\b|"
    # "did the replacement from my exchange ever ship?", "has my exchange gone out yet?": asked
    # as a question; "I want to exchange the shoes I received" is a new request.
    r"\b(exchange|replacement)\b.{0,40}\b(status|yet|ever|update)\b|"
    r"\b(did|has|have|was|were|is)\s+(my|the|your|it|they|that)\b.{0,30}\b(exchange|replacement)"
    r"\b.{0,30}\b(ship|sent|go|gone|come|arrive)|"
    r"\b(where|when|status)\b.{0,30}\b(refund|my return|money)\b|\bget my money\b",
    re.IGNORECASE,
)
_MONEY_BACK = re.compile(
    r"\b(money|refund\w*)\b.{0,20}\b(back|refunded|returns?|returned|paid|come|came|go|went|"
    r"credited|show(ed)? up)\b|"
    r"\b(money|refund\w*)\b.{0,40}\b(come|came|go|went|gone) through\b|"
    r"\b(got|get|received?|see)\b.{0,25}\b(money|refund)\b",
    re.IGNORECASE,
)
# A question, not a request: "did the money come back?", "has it been paid yet", "到账了没有"
# ("… credited no"); "I have to return these, I want my money back" is a request.
_ASKING = re.compile(
    r"\?|\b(yet|when|where|status)\b|\b(no|yet)\s*$|"
    r"\b(did|has|have|was|were)\s+(i|you|my|it|the|they|we|that|this)\b",
    re.I,
)


def asks_refund_status(text: str) -> bool:
    """ "Where's my refund?", "did the money for the trousers I sent back come through?",
    "退款到账了吗": a question about a refund on record, not a request for a new one."""
    if _REFUND_STATUS.search(text):
        return True
    if re.fullmatch(r"\W*(where('?s| is)?\s+)?my refunds?\W*", text, re.I):
        return True
    return bool(_MONEY_BACK.search(text) and _ASKING.search(text))


# Shown with _(), read with `refund_method_chip`.
REFUND_METHOD_CHIPS = {
    gettext_noop("Original payment method"): "original",
    gettext_noop("Gift card"): "gift_card",
}


def refund_method_chip(text: str) -> str | None:
    """The refund method of a pressed refund chip, in English or translated."""
    return chip_value(REFUND_METHOD_CHIPS, text)


_RETURN_POLICY = re.compile(
    r"\b(return|refund)s?\s+(policy|window|period)\b|\bhow (long|many days)\b", re.I
)
# "who pays for return postage?", "is there a restocking fee?", "do returns cost anything?": a
# question about how returns work, asked in general (no order, no item of theirs named).
_HOW_RETURNS_WORK = re.compile(
    r"^\W*(who|what|how|is there|are there|do you|does|do returns|which)\b|"
    r"\b(postage|label|fee|fees|cost|costs|free|policy|charge for|pay for)\b",
    re.I,
)


def _asks_how_returns_work(ctx: Ctx) -> bool:
    if ctx.ent.order_numbers or not _HOW_RETURNS_WORK.search(ctx.text) or "?" not in ctx.text:
        return False
    if asks_refund_status(ctx.text) or re.search(
        r"\bmy (return|refund|exchange|rma)s?\b", ctx.text, re.I
    ):
        return False  # "what's the status of my return?" is about their own
    return not names_owned(ctx, ctx.text)


def returns(ctx: Ctx, *, exchange: bool = False) -> None:
    if (
        NOT_ARRIVED.search(ctx.text)
        and not re.search(r"\b(refund\w*|money|return(ed)? (it|them|the))\b", ctx.text, re.I)
        and not reason_from(ctx.text)
    ):
        # Nothing that hasn't arrived can be sent back: where it is, and what the shop does
        # about a late parcel.
        ctx.turn.intent = "track_shipment"
        track(ctx)
        return
    if (
        (_RETURN_POLICY.search(ctx.text) and not ctx.ent.order_numbers)
        or _asks_how_returns_work(ctx)
    ) and answer_from_help(ctx, fallback=False, prefer=re.compile(r"return", re.I)):
        return  # a question about the policy, answered for anyone, not a return to start
    customer = need_customer(ctx)
    if customer is None:
        return
    if asks_refund_status(ctx.text) and not ctx.ent.order_numbers:
        returns = selectors.returns_for_bot(customer=customer, limit=10)
        # "the black running shoes I sent back": the returns of the items it names, if any.
        named = [
            rma
            for rma in returns
            if items_mod.named_items(ctx.text, [line.order_item for line in rma.items.all()])
        ]
        if re.search(r"\b(exchange|replacement)\b", ctx.text, re.I):
            named = [r for r in named or returns if r.kind == "exchange"] or named
        elif re.search(r"\b(refund\w*|money)\b", ctx.text, re.I):
            named = [r for r in named or returns if r.kind == "return"] or named
        returns = named or returns[:2]
        if returns:
            ctx.turn.tools.append("return_status")
            for rma in returns[:2]:
                facts.return_summary(ctx.turn, rma)
            help_link(ctx, "refunds-and-timing")
            ctx.turn.llm_ok = True
            return
    order = resolve_order(
        ctx,
        customer,
        want=lambda o: (
            o.status == OrderStatus.DELIVERED
            or bool(ctx.ent.order_numbers)
            or bool(ctx.state.focus_order)
        ),
        purpose="return",
        none_text=_("None of your orders has been delivered yet, so there is nothing to return."),
    )
    if order is None:
        return
    starting = not asks_refund_status(ctx.text) and any(left_to_return(order).values())
    if (
        order.status in (OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED)
        and order.returns.exists()
        and not (starting and order.is_returnable())
    ):
        # "Where is my refund for SD-…": a returned order's refund is the news, not a refusal.
        for rma in order.returns.all()[:1]:
            facts.return_summary(ctx.turn, rma)
        ctx.state.task = None
        return
    if order.status not in (
        OrderStatus.DELIVERED,
        OrderStatus.RETURN_REQUESTED,
        OrderStatus.RETURNED,
    ):
        _refuse_status(ctx, order, "return")
        return
    if not order.is_returnable():
        deadline = order.return_deadline()
        values = {"days": settings.RETURN_WINDOW_DAYS, "number": order.number}
        if deadline:
            closed = _(
                "The %(days)s-day return window for order %(number)s closed on %(date)s, so I "
                "can't start a return. If something is wrong with the item, a member of our "
                "team can take a look."
            ) % {**values, "date": day(deadline)}
        else:
            closed = (
                _(
                    "The %(days)s-day return window for order %(number)s closed, so I can't "
                    "start a return. If something is wrong with the item, a member of our team "
                    "can take a look."
                )
                % values
            )
        ctx.turn.say(closed)
        help_link(ctx, "returns-policy")
        ctx.turn.chips(_("Talk to a human"))
        ctx.state.task = None
        return
    task = start_task(ctx, "return", order)
    task.slots["kind"] = "exchange" if exchange or _EXCHANGE.search(ctx.text) else "return"
    return_fill(ctx, task, order)


def reason_from(text: str) -> str | None:
    for reason, pattern in RETURN_REASONS.items():
        if re.search(pattern, text, re.IGNORECASE):
            return reason
    return None


def return_fill(ctx: Ctx, task: Task, order: Order) -> None:
    lines = choose_lines(ctx, task, order, purpose="return")
    if lines is None:
        return
    if "reason" not in task.slots:
        reason = reason_from(ctx.text)
        if reason:
            task.slots["reason"] = reason
    note_payment_method(ctx, task)
    if task.slots["kind"] == "exchange" and not fill_targets(ctx, task, order, exchange=True):
        return
    if "reason" not in task.slots:
        if task.slots["kind"] == "exchange":
            # An exchange needs no reason; a size up or down says it.
            task.slots["reason"] = _size_reason(order, lines) or "other"
        else:
            names = _names_of(order, lines)
            task.asking = "reason"
            ctx.turn.say(
                _("What's the reason for returning the %(names)s from order %(number)s?")
                % {"names": names, "number": order.number}
            )
            ctx.turn.chips(*[_(chip) for chip in REASON_CHIPS])
            return
    if task.slots.get("refused_method"):
        task.slots.pop("refund_method", None)
    if task.slots["kind"] == "return" and "refund_method" not in task.slots:
        refused_now = bool(task.slots.get("refused_method"))
        if not refused_now and task.slots.get("payment_method_id"):
            task.slots["refund_method"] = "original"  # a card or PayPal they named
        elif not refused_now and re.search(r"\b(gift ?card|store credit)\b", ctx.text, re.I):
            task.slots["refund_method"] = "gift_card"
        elif not refused_now and re.search(
            r"\b(original|same card|my card|back to|card|paypal|money back|whatever i paid)\b",
            ctx.text,
            re.I,
        ):
            task.slots["refund_method"] = "original"
        else:
            task.asking = "refund_method"
            refused = task.slots.pop("refused_method", None)
            original = order.payment_method.label if order.payment_method else ""
            lead = ""
            if refused and original:
                lead = _(
                    "A return can't be refunded to %(refused)s: it goes back to the original "
                    "payment method (%(original)s) or onto a gift card."
                ) % {"refused": refused, "original": original}
            elif refused:
                lead = _(
                    "A return can't be refunded to %(refused)s: it goes back to the original "
                    "payment method or onto a gift card."
                ) % {"refused": refused}
            ctx.turn.say(
                (lead + " " if lead else "")
                + _("Would you like the refund to your original payment method or as a gift card?")
            )
            ctx.turn.chips(*[_(chip) for chip in REFUND_METHOD_CHIPS])
            return
    if task.slots["kind"] == "exchange" and not settle_money(ctx, task, order):
        return
    propose(ctx)


_SIZES = ["xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl"]


def _size_rank(value: str) -> float | None:
    v = value.strip().lower()
    if v in _SIZES:
        return float(_SIZES.index(v))
    try:
        return float(v)
    except ValueError:
        return None


def _size_reason(order: Order, lines: list[dict[str, Any]]) -> str | None:
    """ "too_small" when every exchanged item goes up a size, "too_large" when down."""
    from orders.models import ProductVariant

    items = {i.pk: i for i in order.items.all()}
    moves = set()
    for line in lines:
        new = ProductVariant.objects.filter(pk=line.get("variant_id") or 0).first()
        old = items[line["item_id"]].variant
        if new is None or "size" not in new.options or "size" not in old.options:
            return None
        a, b = _size_rank(str(old.options["size"])), _size_rank(str(new.options["size"]))
        if a is None or b is None or a == b:
            return None
        moves.add("too_small" if b > a else "too_large")
    return moves.pop() if len(moves) == 1 else None


def _names_of(order: Order, lines: list[dict[str, Any]]) -> str:
    items = {i.pk: i for i in order.items.all()}
    names = [items[line["item_id"]].product_name for line in lines]
    if len(names) == 1:
        return names[0]
    # Translators: the last two of a list of product names, e.g. "Tote bag, Mug and Lamp".
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


# --- default address ---------------------------------------------------------------------------


def default_address(ctx: Ctx) -> None:
    customer = need_customer(ctx)
    if customer is None:
        return
    task = start_task(ctx, "default_address", None)
    ask_address(ctx, task, _("What should your new default address be?"))


def account(ctx: Ctx) -> None:
    if ADDRESS_WORDS.search(ctx.text):
        default_address(ctx)
        return
    answer_from_help(ctx)
