"""Sentences about the shop's data, written only from database fields. Each function returns
the text and adds what it states to the turn, so the draft is grounded by construction."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

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


def items_line(order: Order) -> str:
    parts = []
    for item in order.items.all():
        label = f" ({item.variant_label})" if item.variant_label else ""
        parts.append(f"{item.quantity} × {item.product_name}{label}")
    return ", ".join(parts)


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
        label = f" ({item.variant_label})" if item.variant_label else ""
        each = " each" if item.quantity > 1 else ""
        price = money(item.unit_price, order.currency)
        parts.append(f"{item.quantity} × {item.product_name}{label} at {price}{each}")
    return ", ".join(parts)


def is_paid(order: Order) -> bool:
    """Paid in full, from the order's payment records (not from its status)."""
    return order.grand_total > 0 and net_paid(order) >= order.grand_total


def order_summary(turn: Turn, order: Order, *, prices: bool = True) -> None:
    status = order.get_status_display()
    turn.say(
        f"Order {order.number}, placed {day(order.placed_at)}, is {status.lower()}.",
        keep=(order.number, status.lower()),
    )
    listing = priced_items_line(order) if prices else items_line(order)
    turn.say(f"It has {listing}, total {money(order.grand_total, order.currency)}.")
    if order.status == OrderStatus.CANCELLED and order.cancelled_at:
        turn.say(f"It was cancelled on {day(order.cancelled_at)}.")
    elif order.status == OrderStatus.PENDING and is_paid(order):
        method = f" with {order.payment_method.label}" if order.payment_method else ""
        turn.say(f"It is paid{method} and waiting to be processed; it hasn't shipped yet.")
    elif order.status == OrderStatus.PENDING:
        turn.say("We haven't received the payment for it yet.")


def shipping_address(turn: Turn, order: Order) -> None:
    if order.shipping_address:
        turn.say(
            f"Order {order.number} ships to {address_line(order.shipping_address)}.",
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
                f"Order {order.number} hasn't shipped yet: it is {status}. You'll get a tracking "
                "number as soon as it leaves our warehouse.",
                keep=(order.number,),
            )
        else:
            turn.say(f"Order {order.number} is {status} and has no shipment.", keep=(order.number,))
        return
    carrier = shipment.get_carrier_display()
    subject = "It" if after_summary else f"Order {order.number}"
    turn.say(
        f"{subject} shipped with {carrier} on {day(shipment.shipped_at)}, tracking "
        f"number {shipment.tracking_number}.",
        keep=(order.number, shipment.tracking_number),
    )
    events = list(shipment.events.all())
    if events:
        last = events[-1]
        where = f" in {last.location}" if last.location else ""
        turn.say(f"Latest update ({day(last.occurred_at)}): {last.description}{where}.")
    if shipment.delivered_at or order.status == OrderStatus.DELIVERED:
        delivered = shipment.delivered_at or order.delivered_at
        if delivered:
            turn.say(f"It was delivered on {day(delivered)}.")
    elif shipment.estimated_delivery:
        if shipment.estimated_delivery < timezone.localdate():
            turn.say(
                f"It was expected by {day(shipment.estimated_delivery)}, so it's running late."
            )
            turn.tools.append("late_parcel")
        else:
            turn.say(f"Estimated delivery: {day(shipment.estimated_delivery)}.")
    if shipment.tracking_url:
        turn.link(f"Track with {carrier}", shipment.tracking_url)


def order_choice(order: Order) -> str:
    """A short label for a chip: "SD-100123 · Processing"."""
    return f"{order.number} · {order.get_status_display()}"


def address_line(data: dict[str, str]) -> str:
    return format_address(data)


def return_summary(turn: Turn, rma: ReturnRequest) -> None:
    status = rma.get_status_display()
    kind = "exchange" if rma.kind == "exchange" else "return"
    turn.say(
        f"Your {kind} {rma.rma_number} for order {rma.order.number} is {status.lower()} "
        f"(opened {day(rma.created_at)}).",
        keep=(rma.rma_number,),
    )
    if rma.kind == "return" and rma.refund_amount:
        method = rma.get_refund_method_display().lower()
        if rma.status == "refunded" and rma.resolved_at:
            turn.say(
                f"We refunded {money(rma.refund_amount, rma.order.currency)} to your {method} on "
                f"{day(rma.resolved_at)}."
            )
        else:
            turn.say(
                f"The refund will be {money(rma.refund_amount, rma.order.currency)} to your "
                f"{method}."
            )
