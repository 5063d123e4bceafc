"""Sentences about the shop's data, written only from database fields. Each function returns
the text and adds what it states to the turn, so the draft is grounded by construction."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from assistant.replies.turn import Turn, day, money
from orders.models import (
    Order,
    OrderStatus,
    PaymentKind,
    PaymentStatus,
    ReturnRequest,
    Shipment,
    format_address,
)


def comma_list(items: Iterable[str]) -> str:
    """Items joined as the active language lists them: "a, b, c" (in Chinese "a、b、c")."""
    # Translators: joins the items of a list ("1 × Tee, 2 × Mug").
    return pgettext("list separator", ", ").join(items)


def semicolon_list(items: Iterable[str]) -> str:
    """Items that have commas of their own joined: "a; b; c"."""
    # Translators: joins the items of a list whose items may have commas of their own.
    return pgettext("list separator", "; ").join(items)


def items_line(order: Order) -> str:
    parts = []
    for item in order.items.all():
        label = f" ({item.variant_label})" if item.variant_label else ""
        parts.append(f"{item.quantity} × {item.product_name}{label}")
    return comma_list(parts)


def net_paid(order: Order) -> Decimal:
    paid = Decimal("0")
    for payment in order.payments.all():
        if payment.status != PaymentStatus.SUCCEEDED:
            continue
        paid += payment.amount if payment.kind == PaymentKind.CHARGE else -payment.amount
    return paid


def priced_items_line(order: Order) -> str:
    """ "1 × Water Bottle (blue / 750ml) at $28.00, 2 × Tank Top (white / M) at $18.00 each"."""
    parts = []
    for item in order.items.all():
        values = {
            "quantity": item.quantity,
            "product": item.product_name,
            "variant": f" ({item.variant_label})" if item.variant_label else "",
            "price": money(item.unit_price, order.currency),
        }
        if item.quantity > 1:
            # Translators: %(variant)s is empty or " (colour / size)", with its leading space.
            parts.append(_("%(quantity)s × %(product)s%(variant)s at %(price)s each") % values)
        else:
            parts.append(_("%(quantity)s × %(product)s%(variant)s at %(price)s") % values)
    return comma_list(parts)


def is_paid(order: Order) -> bool:
    """Paid in full, from the order's payment records (not from its status)."""
    return order.grand_total > 0 and net_paid(order) >= order.grand_total


def order_summary(turn: Turn, order: Order, *, prices: bool = True) -> None:
    status = order.get_status_display()
    turn.say(
        _("Order %(number)s, placed %(date)s, is %(status)s.")
        % {"number": order.number, "date": day(order.placed_at), "status": status.lower()},
        keep=(order.number, status.lower()),
    )
    listing = priced_items_line(order) if prices else items_line(order)
    turn.say(
        _("It has %(items)s, total %(total)s.")
        % {"items": listing, "total": money(order.grand_total, order.currency)}
    )
    if order.status == OrderStatus.CANCELLED:
        cancellation(turn, order)
    elif order.status == OrderStatus.PENDING and is_paid(order):
        if order.payment_method:
            turn.say(
                _("It is paid with %(method)s and waiting to be processed; it hasn't shipped yet.")
                % {"method": order.payment_method.label}
            )
        else:
            turn.say(_("It is paid and waiting to be processed; it hasn't shipped yet."))
    elif order.status == OrderStatus.PENDING:
        turn.say(_("We haven't received the payment for it yet."))


# The cancellation chips of the chat, in English (the reason stored, in lower case); shown
# with _() where they are offered (`orders_flow.CANCEL_REASONS`).
CANCEL_REASONS = (
    gettext_noop("No longer needed"),
    gettext_noop("Ordered by mistake"),
    gettext_noop("Found it cheaper elsewhere"),
    gettext_noop("It takes too long"),
    gettext_noop("Changed my mind"),
    gettext_noop("Other reason"),
)
# Every cancellation reason the platform writes: the chips, the assistant's defaults, the shop's
# own (services.order_expire_unpaid) and the demo's, so a Chinese reply reads them in Chinese; a
# reason a customer typed is quoted as written.
KNOWN_CANCEL_REASONS = (
    *CANCEL_REASONS,
    gettext_noop("Customer request"),
    gettext_noop("Not given"),
    gettext_noop("Payment not completed within 48 hours"),
    gettext_noop("I ordered by mistake"),
    gettext_noop("Found a better price"),
    gettext_noop("It will arrive too late"),
)
_KNOWN_REASON = {reason.lower(): reason for reason in KNOWN_CANCEL_REASONS}


def cancellation(turn: Turn, order: Order) -> None:
    """When a cancelled order was cancelled, the reason on record, and what happened to the
    money: refunded (how much, to what, when) or never charged. "Why was it cancelled?" and
    "did I get my money back?" are answered by the record, not by an article."""
    said = f"cancellation:{order.number}"
    if said in turn.tools:
        return  # "why was it cancelled? and did I get my money back?": said once
    turn.tools.append(said)
    if order.cancelled_at:
        turn.say(_("It was cancelled on %(date)s.") % {"date": day(order.cancelled_at)})
    reason = order.cancel_reason.strip().rstrip(".")
    if reason:
        known = _KNOWN_REASON.get(reason.lower())
        # A reason the shop or the chat's chips wrote reads in the reply's language; one a
        # customer typed is quoted as written.
        shown = _(known) if known else reason
        turn.say(_("The reason on record: %(reason)s.") % {"reason": shown})
    payments = [p for p in order.payments.all() if p.status == PaymentStatus.SUCCEEDED]
    refunds = [p for p in payments if p.kind == PaymentKind.REFUND]
    charged = sum((p.amount for p in payments if p.kind == PaymentKind.CHARGE), Decimal("0"))
    money_record(turn, order, charges=False)
    if not charged:
        turn.say(_("Nothing was charged for it."))
    elif not refunds:
        turn.say(
            _("%(amount)s was charged for it; its refund is not on record yet.")
            % {"amount": money(charged, order.currency)}
        )


def money_record(turn: Turn, order: Order, *, charges: bool = True) -> None:
    """The order's payments as recorded: each amount charged and refunded, to what, when."""
    for payment in order.payments.all():
        if payment.status != PaymentStatus.SUCCEEDED:
            continue
        if payment.kind == PaymentKind.CHARGE and not charges:
            continue
        values = {
            "amount": money(payment.amount, order.currency),
            "method": payment.method.label if payment.method else _("your payment method"),
            "date": day(payment.created_at),
        }
        if payment.kind == PaymentKind.CHARGE:
            turn.say(_("%(amount)s was charged to %(method)s on %(date)s.") % values)
        else:
            turn.say(_("%(amount)s was refunded to %(method)s on %(date)s.") % values)


def shipping_address(turn: Turn, order: Order) -> None:
    if order.shipping_address:
        turn.say(
            _("Order %(number)s ships to %(address)s.")
            % {"number": order.number, "address": address_line(order.shipping_address)},
            keep=(order.number,),
        )


def latest_shipment(order: Order) -> Shipment | None:
    shipments = list(order.shipments.all())
    return shipments[-1] if shipments else None


def tracking(turn: Turn, order: Order, *, after_summary: bool = False) -> None:
    shipment = latest_shipment(order)
    if shipment is None:
        status = order.get_status_display().lower()
        if order.status in (OrderStatus.PENDING, OrderStatus.PROCESSING):
            turn.say(
                _(
                    "Order %(number)s hasn't shipped yet: it is %(status)s. You'll get a tracking "
                    "number as soon as it leaves our warehouse."
                )
                % {"number": order.number, "status": status},
                keep=(order.number,),
            )
        else:
            turn.say(
                _("Order %(number)s is %(status)s and has no shipment.")
                % {"number": order.number, "status": status},
                keep=(order.number,),
            )
        return
    carrier = shipment.get_carrier_display()
    shipped = {
        "number": order.number,
        "carrier": carrier,
        "date": day(shipment.shipped_at),
        "tracking": shipment.tracking_number,
    }
    if after_summary:
        said = _("It shipped with %(carrier)s on %(date)s, tracking number %(tracking)s.") % shipped
    else:
        said = (
            _(
                "Order %(number)s shipped with %(carrier)s on %(date)s, tracking number "
                "%(tracking)s."
            )
            % shipped
        )
    turn.say(said, keep=(order.number, shipment.tracking_number))
    events = list(shipment.events.all())
    if events:
        last = events[-1]
        update = {"date": day(last.occurred_at), "description": last.description}
        if last.location:
            turn.say(
                _("Latest update (%(date)s): %(description)s in %(location)s.")
                % {**update, "location": last.location}
            )
        else:
            turn.say(_("Latest update (%(date)s): %(description)s.") % update)
    if shipment.delivered_at or order.status == OrderStatus.DELIVERED:
        delivered = shipment.delivered_at or order.delivered_at
        if delivered:
            turn.say(_("It was delivered on %(date)s.") % {"date": day(delivered)})
    elif shipment.estimated_delivery:
        if shipment.estimated_delivery < timezone.localdate():
            turn.say(
                _("It was expected by %(date)s, so it's running late.")
                % {"date": day(shipment.estimated_delivery)}
            )
            turn.tools.append("late_parcel")
        else:
            turn.say(
                _("Estimated delivery: %(date)s.") % {"date": day(shipment.estimated_delivery)}
            )
    if shipment.tracking_url:
        turn.link(_("Track with %(carrier)s") % {"carrier": carrier}, shipment.tracking_url)


def order_choice(order: Order) -> str:
    """A short label for a chip: "SD-100123 · Processing"."""
    return f"{order.number} · {order.get_status_display()}"


def address_line(data: dict[str, str]) -> str:
    return format_address(data)


def return_summary(turn: Turn, rma: ReturnRequest) -> None:
    status = rma.get_status_display()
    opened = {
        "rma": rma.rma_number,
        "number": rma.order.number,
        "status": status.lower(),
        "date": day(rma.created_at),
    }
    if rma.kind == "exchange":
        said = _("Your exchange %(rma)s for order %(number)s is %(status)s (opened %(date)s).")
    else:
        said = _("Your return %(rma)s for order %(number)s is %(status)s (opened %(date)s).")
    turn.say(said % opened, keep=(rma.rma_number,))
    lines = []
    for line in rma.items.all():
        item = line.order_item
        values = {
            "quantity": line.quantity,
            "product": item.product_name,
            "variant": f" ({item.variant_label})" if item.variant_label else "",
        }
        if line.exchange_variant is not None:
            values["new"] = line.exchange_variant.label
            # Translators: one line of an exchange: "1 × Runner (Black / 8) for White / 9".
            lines.append(_("%(quantity)s × %(product)s%(variant)s for %(new)s") % values)
        else:
            lines.append(_("%(quantity)s × %(product)s%(variant)s") % values)
    if lines:
        turn.say(_("It covers %(items)s.") % {"items": comma_list(lines)})
    if rma.kind == "return" and rma.refund_amount:
        method = rma.get_refund_method_display().lower()
        amount = money(rma.refund_amount, rma.order.currency)
        if rma.status == "refunded" and rma.resolved_at:
            turn.say(
                _("We refunded %(amount)s to your %(method)s on %(date)s.")
                % {"amount": amount, "method": method, "date": day(rma.resolved_at)}
            )
        else:
            turn.say(
                _("The refund will be %(amount)s to your %(method)s.")
                % {"amount": amount, "method": method}
            )
