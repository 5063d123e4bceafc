"""Every write to the shop goes through here: the shop's policies in one place, row locks where
two actors could collide, and an audit event for every change.

Services are keyword-only and take an `Actor`. Customer and bot actors may only touch their own
customer's orders: anything else raises `OrderNotFound`, exactly as for a number that does not
exist. Each policy violation raises a subclass of `OrderPolicyError` with a message a person can
read.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from orders.actors import Actor
from orders.errors import (
    AddressInvalid,
    CancelNotAllowed,
    OrderNotFound,
    OrderNotModifiable,
    OrderPolicyError,
    OutOfStock,
    PaymentMethodNotAllowed,
    ReturnNotAllowed,
    ReturnWindowClosed,
    TransitionNotAllowed,
    VariantSwapNotAllowed,
)
from orders.models import (
    ORDER_TRANSITIONS,
    RETURN_TRANSITIONS,
    ActorKind,
    Address,
    AuditEvent,
    Carrier,
    Customer,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentMethodKind,
    PaymentStatus,
    ProductVariant,
    RefundMethod,
    ReturnItem,
    ReturnKind,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
    Shipment,
    TrackingEvent,
    TrackingEventStatus,
    format_address,
)
from orders.pricing import totals_for

STAFF_KINDS = frozenset({ActorKind.STAFF, ActorKind.AGENT, ActorKind.SYSTEM})
MAX_LINE_QUANTITY = 20  # of one item on one order, when a quantity is changed
# Reasons for which the original shipping charge is refunded too (help center: refunds article).
SHOP_FAULT_REASONS = frozenset({ReturnReason.DAMAGED, ReturnReason.WRONG_ITEM})


class AddressInput(TypedDict, total=False):
    full_name: str
    line1: str
    line2: str
    city: str
    region: str
    postal_code: str
    country: str
    phone: str


@dataclass(frozen=True)
class OrderLine:
    variant_id: int
    quantity: int


@dataclass(frozen=True)
class ReturnLine:
    order_item_id: int
    quantity: int
    exchange_variant_id: int | None = None


@dataclass(frozen=True)
class ItemChange:
    """One line of a pending order to become another option of the same product."""

    order_item_id: int
    new_variant_id: int


@dataclass(frozen=True)
class Quote:
    """What a change costs before it is made: the confirmation states these figures and the
    service that makes the change settles exactly them. `charge` is what the customer pays,
    `refund` what they get back; at most one of them is non-zero."""

    charge: Decimal = Decimal("0")
    refund: Decimal = Decimal("0")
    new_total: Decimal | None = None
    paid: bool = False


# --- audit -------------------------------------------------------------------------------------


def audit_record(
    *,
    actor: Actor,
    subject_type: str,
    subject_id: str,
    action: str,
    field: str = "",
    from_value: Any = "",
    to_value: Any = "",
    note: str = "",
    order: Order | None = None,
    customer: Customer | None = None,
    at: dt.datetime | None = None,
) -> AuditEvent:
    user = actor.user if actor.user is not None and actor.user.pk else None
    return AuditEvent.objects.create(
        subject_type=subject_type,
        subject_id=subject_id,
        action=action,
        field=field,
        from_value=str(from_value)[:500],
        to_value=str(to_value)[:500],
        note=note[:500],
        order=order,
        customer=customer or (order.customer if order is not None else None),
        actor_kind=actor.kind,
        actor_user=user,
        actor_label=actor.label[:200],
        created_at=at or timezone.now(),
    )


# --- helpers -----------------------------------------------------------------------------------


def _require_staff(actor: Actor, what: str) -> None:
    if actor.kind not in STAFF_KINDS:
        raise OrderPolicyError(f"Only shop staff can {what}.")


def _scope_customer(actor: Actor) -> Customer | None:
    """The customer an actor is limited to, or None for staff and system actors."""
    if actor.kind in (ActorKind.CUSTOMER, ActorKind.BOT) and actor.on_behalf_of is None:
        raise ValueError("customer and bot actors must act on behalf of a customer")
    return actor.on_behalf_of


def _lock_order(*, order_number: str, actor: Actor) -> Order:
    """The order row, locked until the transaction ends, if the actor may touch it."""
    qs = Order.objects.select_for_update().filter(number=order_number)
    customer = _scope_customer(actor)
    if customer is not None:
        qs = qs.filter(customer=customer)
    order = qs.first()
    if order is None:
        raise OrderNotFound(order_number)
    return order


_STATUS_TIMESTAMPS = {
    OrderStatus.PROCESSING: "paid_at",
    OrderStatus.SHIPPED: "shipped_at",
    OrderStatus.DELIVERED: "delivered_at",
    OrderStatus.CANCELLED: "cancelled_at",
}


def order_transition(
    *, order: Order, to_status: str, actor: Actor, note: str = "", at: dt.datetime | None = None
) -> None:
    """Move a locked order along ORDER_TRANSITIONS. The only place an order's status changes."""
    if to_status not in ORDER_TRANSITIONS[order.status]:
        raise TransitionNotAllowed(
            f"Order {order.number} is {order.get_status_display().lower()} and can't become "
            f"{OrderStatus(to_status).label.lower()}."
        )
    from_status = order.status
    order.status = to_status
    fields = ["status", "updated_at"]
    if stamp := _STATUS_TIMESTAMPS.get(OrderStatus(to_status)):
        setattr(order, stamp, at or timezone.now())
        fields.append(stamp)
    order.save(update_fields=fields)
    audit_record(
        actor=actor,
        subject_type="order",
        subject_id=order.number,
        action="order.status",
        field="status",
        from_value=from_status,
        to_value=to_status,
        note=note,
        order=order,
        at=at,
    )


def _take_stock(*, variant_id: int, quantity: int) -> None:
    # A conditional UPDATE, not check-then-act: two buyers of the last unit can't both win.
    taken = ProductVariant.objects.filter(pk=variant_id, stock__gte=quantity).update(
        stock=F("stock") - quantity
    )
    if not taken:
        variant = ProductVariant.objects.select_related("product").get(pk=variant_id)
        raise OutOfStock(f"Sorry, {variant} has only {variant.stock} left in stock.")


def _return_stock(*, variant_id: int, quantity: int) -> None:
    ProductVariant.objects.filter(pk=variant_id).update(stock=F("stock") + quantity)


def _recompute_totals(order: Order) -> None:
    totals = totals_for(
        lines=[(i.unit_price, i.quantity) for i in order.items.all()],
        country=str(order.shipping_address.get("country", "US")),
        discount=order.discount_total,
    )
    order.subtotal = totals.subtotal
    order.shipping_total = totals.shipping_total
    order.tax_total = totals.tax_total
    order.grand_total = totals.grand_total
    order.save(
        update_fields=["subtotal", "shipping_total", "tax_total", "grand_total", "updated_at"]
    )


def _free_number(
    model: type[Order] | type[ReturnRequest], field: str, prefix: str, start: int, width: int = 0
) -> str:
    """A human-friendly number derived from the new row's primary key, so no counter table is
    needed; skips forward past numbers taken by imported or seeded rows."""
    n = start
    while model.objects.filter(**{field: f"{prefix}{n:0{width}d}"}).exists():
        n += 1
    return f"{prefix}{n:0{width}d}"


def _validate_address(data: AddressInput) -> dict[str, str]:
    cleaned = {k: str(data.get(k, "") or "").strip() for k in AddressInput.__annotations__}
    missing = [k for k in ("full_name", "line1", "city", "postal_code") if not cleaned[k]]
    if missing:
        raise AddressInvalid(f"The address is missing: {', '.join(missing)}.")
    country = (cleaned["country"] or "US").upper()
    if len(country) != 2 or not country.isalpha():
        raise AddressInvalid("The country must be a two-letter code such as US or GB.")
    cleaned["country"] = country
    return cleaned


# --- placing and fulfilling orders ---------------------------------------------------------------


@transaction.atomic
def order_create(
    *,
    customer: Customer,
    lines: Sequence[OrderLine],
    actor: Actor,
    address: AddressInput | None = None,
    payment_method: PaymentMethod | None = None,
) -> Order:
    """Create a pending (unpaid) order, reserving stock. Address defaults to the customer's."""
    scope = _scope_customer(actor)
    if scope is not None and scope.pk != customer.pk:
        raise OrderPolicyError("You can only place orders for yourself.")
    if not lines:
        raise OrderPolicyError("An order needs at least one item.")
    if any(line.quantity < 1 for line in lines):
        raise OrderPolicyError("Quantities must be at least 1.")
    if address is None:
        default = customer.addresses.filter(is_default=True).first()
        if default is None:
            raise AddressInvalid("Please give a shipping address.")
        snapshot = default.snapshot()
    else:
        snapshot = _validate_address(address)
    if payment_method is not None and payment_method.customer_id != customer.pk:
        raise PaymentMethodNotAllowed("That payment method isn't on your account.")

    order = Order.objects.create(
        number=f"tmp-{uuid.uuid4().hex[:20]}",
        customer=customer,
        shipping_address=snapshot,
        payment_method=payment_method,
    )
    order.number = _free_number(Order, "number", settings.ORDER_NUMBER_PREFIX, 100000 + order.pk)
    order.save(update_fields=["number"])
    variants = ProductVariant.objects.select_related("product").in_bulk(
        [line.variant_id for line in lines]
    )
    for line in lines:
        variant = variants.get(line.variant_id)
        if variant is None or not variant.is_active or not variant.product.is_active:
            raise OrderPolicyError("One of the items is no longer sold.")
        _take_stock(variant_id=variant.pk, quantity=line.quantity)
        OrderItem.objects.create(
            order=order,
            variant=variant,
            product_name=variant.product.name,
            variant_label=variant.label,
            sku=variant.sku,
            quantity=line.quantity,
            unit_price=variant.price,
        )
    _recompute_totals(order)
    audit_record(
        actor=actor,
        subject_type="order",
        subject_id=order.number,
        action="order.create",
        field="status",
        to_value=OrderStatus.PENDING,
        order=order,
    )
    return order


@transaction.atomic
def order_capture_payment(*, order_number: str, actor: Actor, reference: str = "") -> Payment:
    """Record a successful charge of the order's total and start processing it."""
    _require_staff(actor, "record payments")
    order = _lock_order(order_number=order_number, actor=actor)
    if order.status != OrderStatus.PENDING:
        raise TransitionNotAllowed(f"Order {order.number} is not awaiting payment.")
    due = order.grand_total - _net_paid(order)
    if due > 0:
        payment = _charge(order=order, amount=due, method=order.payment_method, reference=reference)
    else:
        payment = order.payments.filter(kind=PaymentKind.CHARGE).last() or _charge(
            order=order, amount=order.grand_total, method=order.payment_method, reference=reference
        )
    order_transition(order=order, to_status=OrderStatus.PROCESSING, actor=actor, note="paid")
    return payment


# The actor recorded for payments made on the pay page: no signed-in person makes them.
PAY_LINK_ACTOR_LABEL = "checkout"


@transaction.atomic
def order_pay_by_link(*, order_number: str, reference: str = "") -> Payment:
    """Record the payment a customer made through a pay link (orders.payment_links). The link's
    token already proved which order it is for, so the charge is recorded by the system on the
    customer's behalf. Refused, and nothing recorded, once the order is paid or cancelled: a
    second click or a replayed form never charges twice."""
    actor = Actor.system(PAY_LINK_ACTOR_LABEL)
    order = _lock_order(order_number=order_number, actor=actor)
    if order.status == OrderStatus.CANCELLED:
        raise TransitionNotAllowed(f"Order {order.number} is cancelled, so it can't be paid.")
    if order.status != OrderStatus.PENDING or _net_paid(order) >= order.grand_total > 0:
        raise TransitionNotAllowed(f"Order {order.number} is already paid.")
    return order_capture_payment(order_number=order.number, actor=actor, reference=reference)


@transaction.atomic
def order_mark_shipped(
    *,
    order_number: str,
    carrier: str,
    tracking_number: str,
    actor: Actor,
    estimated_delivery: dt.date | None = None,
) -> Shipment:
    _require_staff(actor, "mark orders as shipped")
    tracking_number = tracking_number.strip()
    if not tracking_number:
        raise OrderPolicyError("A tracking number is required to mark an order shipped.")
    if carrier not in Carrier.values:
        raise OrderPolicyError(f"Unknown carrier {carrier!r}.")
    if Shipment.objects.filter(tracking_number=tracking_number).exists():
        raise OrderPolicyError(f"Tracking number {tracking_number} is already in use.")
    order = _lock_order(order_number=order_number, actor=actor)
    order_transition(order=order, to_status=OrderStatus.SHIPPED, actor=actor)
    now = timezone.now()
    shipment = Shipment.objects.create(
        order=order,
        carrier=carrier,
        tracking_number=tracking_number,
        shipped_at=now,
        estimated_delivery=estimated_delivery or (now + dt.timedelta(days=5)).date(),
    )
    TrackingEvent.objects.create(
        shipment=shipment,
        occurred_at=now,
        status=TrackingEventStatus.LABEL_CREATED,
        description="Shipping label created",
    )
    return shipment


@transaction.atomic
def order_mark_delivered(*, order_number: str, actor: Actor) -> Order:
    _require_staff(actor, "mark orders as delivered")
    order = _lock_order(order_number=order_number, actor=actor)
    order_transition(order=order, to_status=OrderStatus.DELIVERED, actor=actor)
    for shipment in order.shipments.filter(delivered_at__isnull=True):
        shipment.delivered_at = order.delivered_at
        shipment.save(update_fields=["delivered_at"])
        TrackingEvent.objects.create(
            shipment=shipment,
            occurred_at=order.delivered_at or timezone.now(),
            status=TrackingEventStatus.DELIVERED,
            description="Delivered",
        )
    return order


# --- customer-facing changes ----------------------------------------------------------------------


def _refund(*, order: Order, amount: Decimal, method: PaymentMethod | None) -> Payment | None:
    if amount <= 0:
        return None
    if method is not None and method.kind == PaymentMethodKind.GIFT_CARD:
        PaymentMethod.objects.filter(pk=method.pk).update(
            gift_card_balance=F("gift_card_balance") + amount
        )
    return Payment.objects.create(
        order=order,
        method=method,
        kind=PaymentKind.REFUND,
        status=PaymentStatus.SUCCEEDED,
        amount=amount,
        currency=order.currency,
        reference=f"re_{uuid.uuid4().hex[:24]}",
    )


def _charge(
    *, order: Order, amount: Decimal, method: PaymentMethod | None, reference: str = ""
) -> Payment:
    """Charge `amount` to `method`. A gift card pays from its balance, which must cover it."""
    if method is not None and method.kind == PaymentMethodKind.GIFT_CARD:
        taken = PaymentMethod.objects.filter(pk=method.pk, gift_card_balance__gte=amount).update(
            gift_card_balance=F("gift_card_balance") - amount
        )
        if not taken:
            method.refresh_from_db(fields=["gift_card_balance"])
            raise PaymentMethodNotAllowed(
                f"The gift card balance ({method.gift_card_balance} {order.currency}) doesn't "
                f"cover {amount} {order.currency}."
            )
    return Payment.objects.create(
        order=order,
        method=method,
        kind=PaymentKind.CHARGE,
        status=PaymentStatus.SUCCEEDED,
        amount=amount,
        currency=order.currency,
        reference=reference or f"ch_{uuid.uuid4().hex[:24]}",
    )


def _paid_by_method(order: Order) -> list[tuple[PaymentMethod | None, Decimal]]:
    """What each method paid for the order and hasn't had back, in the order they paid."""
    left: dict[int | None, Decimal] = {}
    methods: dict[int | None, PaymentMethod | None] = {}
    for p in order.payments.filter(status=PaymentStatus.SUCCEEDED).select_related("method"):
        sign = 1 if p.kind == PaymentKind.CHARGE else -1
        left[p.method_id] = left.get(p.method_id, Decimal("0")) + sign * p.amount
        methods[p.method_id] = p.method
    return [(methods[k], v) for k, v in left.items() if v > 0]


def _refund_paid(*, order: Order, amount: Decimal) -> list[Payment]:
    """Refund up to `amount` to the methods that paid, each at most what it paid."""
    refunds = []
    for method, paid in _paid_by_method(order):
        if amount <= 0:
            break
        part = min(paid, amount)
        if (refund := _refund(order=order, amount=part, method=method)) is not None:
            refunds.append(refund)
        amount -= part
    # Paid outside the recorded methods (imported history): back to the order's method.
    if amount > 0 and (refund := _refund(order=order, amount=amount, method=order.payment_method)):
        refunds.append(refund)
    return refunds


def _own_method(order: Order, payment_method_id: int | None) -> PaymentMethod | None:
    if payment_method_id is None:
        return None
    method = PaymentMethod.objects.filter(
        pk=payment_method_id, customer_id=order.customer_id, is_active=True
    ).first()
    if method is None:
        raise PaymentMethodNotAllowed("That payment method isn't available on this account.")
    return method


def _net_paid(order: Order) -> Decimal:
    def total(kind: str) -> Decimal:
        result = order.payments.filter(kind=kind, status=PaymentStatus.SUCCEEDED).aggregate(
            s=Sum("amount")
        )["s"]
        return result or Decimal("0")

    return total(PaymentKind.CHARGE) - total(PaymentKind.REFUND)


@transaction.atomic
def order_cancel(*, order_number: str, reason: str, actor: Actor) -> Order:
    """Cancel an order that has not shipped: restock it and refund what was paid."""
    reason = reason.strip()
    if not reason:
        raise CancelNotAllowed("Please give a reason for the cancellation.")
    order = _lock_order(order_number=order_number, actor=actor)
    if not order.is_cancellable:
        if order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
            raise CancelNotAllowed(
                f"Order {order.number} has already shipped, so it can't be cancelled. "
                "Once it arrives you can return it instead."
            )
        raise CancelNotAllowed(
            f"Order {order.number} is {order.get_status_display().lower()} and can't be cancelled."
        )
    order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=actor, note=reason)
    order.cancel_reason = reason[:300]
    order.save(update_fields=["cancel_reason"])
    for item in order.items.all():
        _return_stock(variant_id=item.variant_id, quantity=item.quantity)
    _refund_paid(order=order, amount=_net_paid(order))
    return order


UNPAID_ORDER_HOURS = 48  # help center: "Failed or declined payments"


def order_expire_unpaid(*, now: dt.datetime | None = None) -> list[str]:
    """Cancel orders whose payment failed and was not completed within UNPAID_ORDER_HOURS, as
    the help center promises. Returns the numbers cancelled; running it again cancels nothing."""
    cutoff = (now or timezone.now()) - dt.timedelta(hours=UNPAID_ORDER_HOURS)
    numbers = list(
        Order.objects.filter(
            status=OrderStatus.PENDING,
            placed_at__lt=cutoff,
            payments__kind=PaymentKind.CHARGE,
            payments__status=PaymentStatus.FAILED,
        )
        .distinct()
        .values_list("number", flat=True)
    )
    cancelled = []
    for number in numbers:
        try:
            order_cancel(
                order_number=number,
                reason=f"Payment not completed within {UNPAID_ORDER_HOURS} hours",
                actor=Actor.system("unpaid order expiry"),
            )
        except OrderPolicyError:
            continue  # paid or cancelled meanwhile by someone else
        cancelled.append(number)
    return cancelled


def _require_modifiable(order: Order) -> None:
    if not order.is_modifiable:
        raise OrderNotModifiable(
            f"Order {order.number} is {order.get_status_display().lower()}, so it can no longer "
            "be changed. Orders can be changed only while they are pending."
        )


def _checked_changes(
    order: Order, changes: Sequence[ItemChange]
) -> list[tuple[OrderItem, ProductVariant]]:
    if not changes:
        raise VariantSwapNotAllowed("Choose at least one item to change.")
    items = {i.pk: i for i in order.items.select_related("variant")}
    if len({c.order_item_id for c in changes}) != len(changes):
        raise VariantSwapNotAllowed("Each item can be changed only once in one request.")
    variants = ProductVariant.objects.select_related("product").in_bulk(
        [c.new_variant_id for c in changes]
    )
    checked = []
    for change in changes:
        item = items.get(change.order_item_id)
        if item is None:
            raise VariantSwapNotAllowed(f"That item is not part of order {order.number}.")
        new = variants.get(change.new_variant_id)
        if new is None or not new.is_active:
            raise VariantSwapNotAllowed("That option is not available.")
        if new.product_id != item.variant.product_id:
            raise VariantSwapNotAllowed(
                f"{item.product_name} can only be swapped for another option of the same "
                f"product; {new.product.name} is a different product."
            )
        if new.pk == item.variant_id:
            raise VariantSwapNotAllowed("That is already the option on your order.")
        checked.append((item, new))
    return checked


def order_modify_quote(*, order: Order, changes: Sequence[ItemChange]) -> Quote:
    """What changing these items costs: the new total, and for a paid order the difference to
    charge or refund. Raises the same errors the change itself would."""
    _require_modifiable(order)
    checked = _checked_changes(order, changes)
    new_price = {item.pk: new.price for item, new in checked}
    totals = totals_for(
        lines=[(new_price.get(i.pk, i.unit_price), i.quantity) for i in order.items.all()],
        country=str(order.shipping_address.get("country", "US")),
        discount=order.discount_total,
    )
    return _quote_against_paid(order, totals.grand_total)


def _quote_against_paid(order: Order, new_total: Decimal) -> Quote:
    """A change's quote: the new total, and for a paid order what to charge or refund."""
    paid = _net_paid(order)
    if paid <= 0:
        return Quote(new_total=new_total)
    diff = new_total - paid
    return Quote(
        charge=max(diff, Decimal("0")),
        refund=max(-diff, Decimal("0")),
        new_total=new_total,
        paid=True,
    )


def _settle_difference(
    *, order: Order, quote: Quote, method: PaymentMethod | None, actor: Actor
) -> Payment | None:
    """Charge or refund a change's price difference (to `method`, else the methods that paid),
    audited."""
    payment: Payment | None = None
    if quote.charge:
        payment = _charge(order=order, amount=quote.charge, method=method)
    elif quote.refund:
        if method is not None:
            payment = _refund(order=order, amount=quote.refund, method=method)
        else:
            payment = next(iter(_refund_paid(order=order, amount=quote.refund)), None)
    if payment is not None:
        audit_record(
            actor=actor,
            subject_type="order",
            subject_id=order.number,
            action=f"order.price_difference.{payment.kind}",
            field="payment",
            to_value=f"{payment.amount} {order.currency}",
            note=payment.method.record_label if payment.method else "",
            order=order,
        )
    return payment


@dataclass(frozen=True)
class ModifyResult:
    order: Order
    quote: Quote
    payment: Payment | None


@transaction.atomic
def order_modify_items(
    *,
    order_number: str,
    changes: Sequence[ItemChange],
    actor: Actor,
    payment_method_id: int | None = None,
) -> ModifyResult:
    """Change several lines of a pending order to other options of the same products, all or
    none. On a paid order the difference in total is settled at once: a higher total is charged
    to `payment_method_id` (one of the customer's; a gift card must cover it), a lower one is
    refunded to it, or to the methods that paid when none is given."""
    order = _lock_order(order_number=order_number, actor=actor)
    quote = order_modify_quote(order=order, changes=changes)
    method = _own_method(order, payment_method_id)
    if quote.charge and method is None:
        method = order.payment_method
        if method is None:
            raise PaymentMethodNotAllowed("Choose a payment method for the price difference.")
    for item, new in _checked_changes(order, changes):
        old_label = f"{item.sku} ({item.variant_label})"
        _take_stock(variant_id=new.pk, quantity=item.quantity)
        _return_stock(variant_id=item.variant_id, quantity=item.quantity)
        item.variant = new
        item.variant_label = new.label
        item.sku = new.sku
        item.unit_price = new.price
        item.save(update_fields=["variant", "variant_label", "sku", "unit_price"])
        audit_record(
            actor=actor,
            subject_type="order",
            subject_id=order.number,
            action="order.swap_variant",
            field="item",
            from_value=old_label,
            to_value=f"{new.sku} ({new.label})",
            order=order,
        )
    _recompute_totals(order)
    payment = _settle_difference(order=order, quote=quote, method=method, actor=actor)
    return ModifyResult(order=order, quote=quote, payment=payment)


def _checked_quantity(order: Order, order_item_id: int, quantity: int) -> OrderItem:
    item = order.items.filter(pk=order_item_id).first()
    if item is None:
        raise VariantSwapNotAllowed(f"That item is not part of order {order.number}.")
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise VariantSwapNotAllowed("The quantity must be a whole number.")
    if quantity > MAX_LINE_QUANTITY:
        raise VariantSwapNotAllowed(f"At most {MAX_LINE_QUANTITY} of one item fit in one order.")
    if quantity == item.quantity:
        raise VariantSwapNotAllowed(
            f"Order {order.number} already has {quantity} × {item.product_name}."
        )
    if quantity == 0 and order.items.count() == 1:
        raise VariantSwapNotAllowed(
            f"{item.product_name} is the only item on order {order.number}: cancel the order "
            "instead."
        )
    return item


def order_quantity_quote(*, order: Order, order_item_id: int, quantity: int) -> Quote:
    """What changing one line's quantity costs (the same figures the change settles)."""
    _require_modifiable(order)
    item = _checked_quantity(order, order_item_id, quantity)
    lines = [
        (i.unit_price, quantity if i.pk == item.pk else i.quantity)
        for i in order.items.all()
        if not (i.pk == item.pk and quantity == 0)
    ]
    totals = totals_for(
        lines=lines,
        country=str(order.shipping_address.get("country", "US")),
        discount=order.discount_total,
    )
    return _quote_against_paid(order, totals.grand_total)


@transaction.atomic
def order_change_quantity(
    *,
    order_number: str,
    order_item_id: int,
    quantity: int,
    actor: Actor,
    payment_method_id: int | None = None,
) -> ModifyResult:
    """Change how many of one item a pending order has (0 removes the line, unless it is the
    only one: that is a cancellation). Stock is taken or put back; on a paid order the
    difference is settled at once, as for a swap."""
    order = _lock_order(order_number=order_number, actor=actor)
    quote = order_quantity_quote(order=order, order_item_id=order_item_id, quantity=quantity)
    method = _own_method(order, payment_method_id)
    if quote.charge and method is None:
        method = order.payment_method
        if method is None:
            raise PaymentMethodNotAllowed("Choose a payment method for the price difference.")
    item = order.items.select_for_update().get(pk=order_item_id)
    before = item.quantity
    if quantity > before:
        _take_stock(variant_id=item.variant_id, quantity=quantity - before)
    else:
        _return_stock(variant_id=item.variant_id, quantity=before - quantity)
    label = f"{item.sku} ({item.variant_label})"
    if quantity == 0:
        item.delete()
    else:
        item.quantity = quantity
        item.save(update_fields=["quantity"])
    audit_record(
        actor=actor,
        subject_type="order",
        subject_id=order.number,
        action="order.change_quantity",
        field="quantity",
        from_value=f"{before} × {label}",
        to_value=f"{quantity} × {label}",
        order=order,
    )
    _recompute_totals(order)
    payment = _settle_difference(order=order, quote=quote, method=method, actor=actor)
    return ModifyResult(order=order, quote=quote, payment=payment)


def order_swap_variant(
    *, order_number: str, order_item_id: int, new_variant_id: int, actor: Actor
) -> OrderItem:
    """Swap one line of a pending order for another variant (size, colour) of the same product."""
    result = order_modify_items(
        order_number=order_number,
        changes=[ItemChange(order_item_id=order_item_id, new_variant_id=new_variant_id)],
        actor=actor,
    )
    return result.order.items.get(pk=order_item_id)


@transaction.atomic
def order_change_shipping_address(
    *, order_number: str, address: AddressInput, actor: Actor
) -> Order:
    order = _lock_order(order_number=order_number, actor=actor)
    _require_modifiable(order)
    cleaned = _validate_address(address)
    old = order.shipping_address
    order.shipping_address = cleaned
    order.save(update_fields=["shipping_address", "updated_at"])
    # Shipping depends on the destination country.
    _recompute_totals(order)
    audit_record(
        actor=actor,
        subject_type="order",
        subject_id=order.number,
        action="order.change_address",
        field="shipping_address",
        from_value=format_address(old),
        to_value=format_address(cleaned),
        order=order,
    )
    return order


@transaction.atomic
def order_change_payment_method(
    *, order_number: str, payment_method_id: int, actor: Actor
) -> Order:
    """Pay a pending order with another of the customer's methods. If it is already paid, what
    was paid goes back to the methods that paid it and the new method is charged the total; a
    gift card must cover the total and pays from its balance."""
    order = _lock_order(order_number=order_number, actor=actor)
    _require_modifiable(order)
    method = PaymentMethod.objects.filter(
        pk=payment_method_id, customer_id=order.customer_id
    ).first()
    if method is None or not method.is_active:
        raise PaymentMethodNotAllowed("That payment method isn't available on this account.")
    if order.payment_method_id == method.pk:
        raise PaymentMethodNotAllowed(f"Order {order.number} is already paid with {method.label}.")
    if (
        method.kind == PaymentMethodKind.GIFT_CARD
        and (method.gift_card_balance or Decimal("0")) < order.grand_total
    ):
        raise PaymentMethodNotAllowed(
            f"The gift card balance ({method.gift_card_balance} {order.currency}) doesn't cover "
            f"the order total ({order.grand_total} {order.currency})."
        )
    old = order.payment_method.record_label if order.payment_method else ""
    paid = _net_paid(order)
    order.payment_method = method
    order.save(update_fields=["payment_method", "updated_at"])
    if paid > 0:
        _refund_paid(order=order, amount=paid)
        _charge(order=order, amount=order.grand_total, method=method)
    audit_record(
        actor=actor,
        subject_type="order",
        subject_id=order.number,
        action="order.change_payment_method",
        field="payment_method",
        from_value=old,
        to_value=method.record_label,
        note=f"{paid} {order.currency} moved" if paid > 0 else "",
        order=order,
    )
    return order


@transaction.atomic
def customer_register(
    *, email: str, first_name: str, last_name: str, address: AddressInput, actor: Actor
) -> Customer:
    """A new customer, from a guest who buys in the chat: their email, name and default address.
    An email that already has an account is refused: its owner must verify instead."""
    import re as _re

    email = email.strip().lower()
    if not _re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise OrderPolicyError("Please give a valid email address.")
    if not first_name.strip():
        raise OrderPolicyError("Please give your name.")
    if Customer.objects.filter(email__iexact=email).exists():
        raise OrderPolicyError("There is already an account with that email address.")
    cleaned = _validate_address(address)
    customer = Customer.objects.create(
        email=email, first_name=first_name.strip()[:120], last_name=last_name.strip()[:120]
    )
    Address.objects.create(customer=customer, is_default=True, **cleaned)
    audit_record(
        actor=actor,
        subject_type="customer",
        subject_id=email,
        action="customer.register",
        to_value=format_address(cleaned),
        customer=customer,
    )
    return customer


@transaction.atomic
def customer_set_default_address(
    *, customer: Customer, address: AddressInput, actor: Actor
) -> Address:
    """Make `address` the customer's default, reusing a saved address that matches it."""
    scope = _scope_customer(actor)
    if scope is not None and scope.pk != customer.pk:
        raise OrderPolicyError("You can only change your own address.")
    cleaned = _validate_address(address)
    # Lock the customer's addresses so two concurrent updates can't leave two defaults.
    addresses = list(Address.objects.select_for_update().filter(customer=customer))
    old = next((a for a in addresses if a.is_default), None)
    match = next(
        (a for a in addresses if {k: getattr(a, k) for k in cleaned} == cleaned),
        None,
    )
    if old is not None and old is not match:
        old.is_default = False
        old.save(update_fields=["is_default"])
    if match is None:
        match = Address.objects.create(customer=customer, is_default=True, **cleaned)
    elif not match.is_default:
        match.is_default = True
        match.save(update_fields=["is_default"])
    audit_record(
        actor=actor,
        subject_type="customer",
        subject_id=customer.email,
        action="customer.default_address",
        field="default_address",
        from_value=str(old) if old else "",
        to_value=str(match),
        customer=customer,
    )
    return match


# --- returns and exchanges ------------------------------------------------------------------------


RETURNABLE_STATES = frozenset(
    {OrderStatus.DELIVERED, OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED}
)


def _checked_return_lines(
    order: Order, lines: Sequence[ReturnLine], kind: str, reason: str = ReturnReason.OTHER
) -> list[tuple[OrderItem, int, ProductVariant | None]]:
    if order.status not in RETURNABLE_STATES:
        raise ReturnNotAllowed(
            f"Order {order.number} is {order.get_status_display().lower()}; only delivered "
            "orders can be returned or exchanged."
        )
    deadline = order.return_deadline()
    if deadline is None or (timezone.now() > deadline):
        closed = f" on {deadline:%B %d, %Y}" if deadline else ""
        raise ReturnWindowClosed(
            f"The {settings.RETURN_WINDOW_DAYS}-day return window for order {order.number} "
            f"closed{closed}."
        )
    if kind not in ReturnKind.values:
        raise ReturnNotAllowed(f"Unknown return type {kind!r}.")
    if not lines:
        raise ReturnNotAllowed("Choose at least one item to return.")
    if len({line.order_item_id for line in lines}) != len(lines):
        raise ReturnNotAllowed("Each item can be listed only once in one return.")
    items = {i.pk: i for i in order.items.select_related("variant")}
    already = _returned_quantities(order)
    checked: list[tuple[OrderItem, int, ProductVariant | None]] = []
    for line in lines:
        item = items.get(line.order_item_id)
        if item is None:
            raise ReturnNotAllowed(f"That item is not part of order {order.number}.")
        left = item.quantity - already.get(item.pk, 0)
        if line.quantity < 1 or line.quantity > left:
            raise ReturnNotAllowed(
                f"You can return between 1 and {left} of {item.product_name}."
                if left
                else f"{item.product_name} has already been returned."
            )
        exchange: ProductVariant | None = None
        if kind == ReturnKind.EXCHANGE:
            if line.exchange_variant_id is None:
                raise ReturnNotAllowed(f"Choose the size or colour you want for {item}.")
            exchange = ProductVariant.objects.filter(pk=line.exchange_variant_id).first()
            if exchange is None or exchange.product_id != item.variant.product_id:
                raise VariantSwapNotAllowed(
                    f"{item.product_name} can only be exchanged for another option of the same "
                    "product."
                )
            if exchange.pk == item.variant_id and reason not in SHOP_FAULT_REASONS:
                # The same option again is a replacement, for a damaged or wrong item only.
                raise VariantSwapNotAllowed("That is the option you already have.")
            if not exchange.is_active or exchange.stock < line.quantity:
                raise OutOfStock(f"Sorry, {exchange} is out of stock.")
        checked.append((item, line.quantity, exchange))
    return checked


def return_quote(
    *, order: Order, lines: Sequence[ReturnLine], kind: str, reason: str = ReturnReason.OTHER
) -> Quote:
    """What a return or exchange settles: a return refunds the items' price (and the shipping
    charge when the shop was at fault), never more than was paid and not yet refunded; an
    exchange charges or refunds the difference in price between the new options and the old."""
    checked = _checked_return_lines(order, lines, kind, reason)
    if kind == ReturnKind.EXCHANGE:
        diff = sum(
            ((new.price - item.unit_price) * qty for item, qty, new in checked if new is not None),
            Decimal("0"),
        )
        return Quote(charge=max(diff, Decimal("0")), refund=max(-diff, Decimal("0")), paid=True)
    refund = sum((item.unit_price * qty for item, qty, _ in checked), Decimal("0"))
    if (
        reason in SHOP_FAULT_REASONS
        and not order.returns.exclude(status=ReturnStatus.REJECTED)
        .filter(reason__in=SHOP_FAULT_REASONS)
        .exists()
    ):
        refund += order.shipping_total
    open_refunds = sum(
        (r.refund_amount for r in order.returns.exclude(status__in=_CLOSED_RETURNS)), Decimal("0")
    )
    left = max(_net_paid(order) - open_refunds, Decimal("0"))
    return Quote(refund=min(refund, left), paid=True)


_CLOSED_RETURNS = (ReturnStatus.REJECTED, ReturnStatus.REFUNDED, ReturnStatus.EXCHANGED)


@transaction.atomic
def return_request_create(
    *,
    order_number: str,
    lines: Sequence[ReturnLine],
    reason: str,
    actor: Actor,
    kind: str = ReturnKind.RETURN,
    refund_method: str = RefundMethod.ORIGINAL,
    reason_detail: str = "",
    payment_method_id: int | None = None,
) -> ReturnRequest:
    """Open an RMA for delivered items within the return window: several items at once, and
    another RMA later for items not yet returned.

    A return refunds to the order's payment method ("original") or to a gift card, when the
    parcel arrives. An exchange for dearer options charges the difference now to
    `payment_method_id` (default: the order's method); one for cheaper options refunds the
    difference to it when the parcel arrives."""
    order = _lock_order(order_number=order_number, actor=actor)
    if reason not in ReturnReason.values:
        raise ReturnNotAllowed(f"Unknown return reason {reason!r}.")
    if refund_method not in RefundMethod.values:
        raise ReturnNotAllowed(f"Unknown refund method {refund_method!r}.")
    checked = _checked_return_lines(order, lines, kind, reason)
    quote = return_quote(order=order, lines=lines, kind=kind, reason=reason)
    method = _own_method(order, payment_method_id)
    if method is None:
        if kind == ReturnKind.RETURN and refund_method == RefundMethod.GIFT_CARD:
            method = _gift_card_for(order.customer)
        else:
            method = order.payment_method
    paid_with = {m.pk for m, _ in _paid_by_method(order) if m is not None}
    if order.payment_method_id:
        paid_with.add(order.payment_method_id)
    if (
        kind == ReturnKind.RETURN
        and method is not None
        and method.kind != PaymentMethodKind.GIFT_CARD
        and method.pk not in paid_with
    ):
        original = order.payment_method.label if order.payment_method else "the original method"
        raise PaymentMethodNotAllowed(
            f"A return is refunded to the original payment method ({original}) or to a gift card."
        )
    refund_method = (
        RefundMethod.GIFT_CARD
        if method is not None
        and method.kind == PaymentMethodKind.GIFT_CARD
        and method.pk not in paid_with
        else RefundMethod.ORIGINAL
    )
    if quote.charge and method is None:
        raise PaymentMethodNotAllowed("Choose a payment method for the price difference.")
    rma = ReturnRequest.objects.create(
        order=order,
        rma_number=f"tmp-{uuid.uuid4().hex[:20]}",
        kind=kind,
        reason=reason,
        reason_detail=reason_detail[:500],
        refund_method=refund_method,
        refund_amount=quote.refund,
        charge_amount=quote.charge,
        payment_method=method,
    )
    rma.rma_number = _free_number(ReturnRequest, "rma_number", "RMA-", rma.pk, width=6)
    rma.save(update_fields=["rma_number"])
    ReturnItem.objects.bulk_create(
        ReturnItem(return_request=rma, order_item=item, quantity=qty, exchange_variant=exchange)
        for item, qty, exchange in checked
    )
    if quote.charge:
        _charge(order=order, amount=quote.charge, method=method)
    if order.status != OrderStatus.RETURN_REQUESTED:
        order_transition(
            order=order, to_status=OrderStatus.RETURN_REQUESTED, actor=actor, note=rma.rma_number
        )
    audit_record(
        actor=actor,
        subject_type="return",
        subject_id=rma.rma_number,
        action="return.create",
        field="status",
        to_value=ReturnStatus.REQUESTED,
        note=f"{kind}: {reason}; "
        + ", ".join(f"{q} × {i.sku}" + (f" → {n.sku}" if n else "") for i, q, n in checked)
        + (f"; charge {quote.charge}" if quote.charge else "")
        + (f"; refund {quote.refund}" if quote.refund else ""),
        order=order,
    )
    return rma


def _returned_quantities(order: Order) -> dict[int, int]:
    rows = (
        ReturnItem.objects.filter(return_request__order=order)
        .exclude(return_request__status=ReturnStatus.REJECTED)
        .values("order_item_id")
        .annotate(q=Sum("quantity"))
    )
    return {r["order_item_id"]: r["q"] for r in rows}


def _lock_return(*, rma_number: str, actor: Actor) -> tuple[ReturnRequest, Order]:
    rma = ReturnRequest.objects.filter(rma_number=rma_number).first()
    if rma is None:
        raise ReturnNotAllowed(f"There is no return {rma_number}.")
    # Lock order first, then the return, always in that order, so two actors can't deadlock.
    order = _lock_order(order_number=rma.order.number, actor=actor)
    rma = ReturnRequest.objects.select_for_update().get(pk=rma.pk)
    return rma, order


def _return_transition(
    *, rma: ReturnRequest, order: Order, to_status: str, actor: Actor, note: str = ""
) -> None:
    if to_status not in RETURN_TRANSITIONS[rma.status]:
        raise TransitionNotAllowed(
            f"Return {rma.rma_number} is {rma.get_status_display().lower()} and can't become "
            f"{ReturnStatus(to_status).label.lower()}."
        )
    from_status = rma.status
    rma.status = to_status
    if to_status != ReturnStatus.APPROVED:
        rma.resolved_at = timezone.now()
    if note:
        rma.resolution_note = note[:500]
    rma.save(update_fields=["status", "resolved_at", "resolution_note"])
    audit_record(
        actor=actor,
        subject_type="return",
        subject_id=rma.rma_number,
        action="return.status",
        field="status",
        from_value=from_status,
        to_value=to_status,
        note=note,
        order=order,
    )


@transaction.atomic
def return_request_approve(*, rma_number: str, actor: Actor) -> ReturnRequest:
    _require_staff(actor, "approve returns")
    rma, order = _lock_return(rma_number=rma_number, actor=actor)
    _return_transition(rma=rma, order=order, to_status=ReturnStatus.APPROVED, actor=actor)
    return rma


@transaction.atomic
def return_request_reject(*, rma_number: str, reason: str, actor: Actor) -> ReturnRequest:
    """Reject a return: the customer keeps the goods and the order is delivered again."""
    _require_staff(actor, "reject returns")
    if not reason.strip():
        raise ReturnNotAllowed("Please give a reason for rejecting the return.")
    rma, order = _lock_return(rma_number=rma_number, actor=actor)
    _return_transition(
        rma=rma, order=order, to_status=ReturnStatus.REJECTED, actor=actor, note=reason
    )
    if rma.charge_amount:
        _refund(order=order, amount=rma.charge_amount, method=rma.payment_method)
    if not _other_open_returns(order, rma):
        # Back to delivered, or returned when an earlier return already took items back.
        done = order.returns.filter(status__in=(ReturnStatus.REFUNDED, ReturnStatus.EXCHANGED))
        to = OrderStatus.RETURNED if done.exists() else OrderStatus.DELIVERED
        order_transition(order=order, to_status=to, actor=actor, note=reason)
    return rma


def _other_open_returns(order: Order, rma: ReturnRequest) -> bool:
    return order.returns.exclude(pk=rma.pk).exclude(status__in=_CLOSED_RETURNS).exists()


@transaction.atomic
def return_request_complete(*, rma_number: str, actor: Actor) -> ReturnRequest:
    """The parcel arrived: restock it, then refund or send the exchange, and close the order."""
    _require_staff(actor, "complete returns")
    rma, order = _lock_return(rma_number=rma_number, actor=actor)
    done = ReturnStatus.EXCHANGED if rma.kind == ReturnKind.EXCHANGE else ReturnStatus.REFUNDED
    if done not in RETURN_TRANSITIONS[rma.status]:
        raise TransitionNotAllowed(
            f"Return {rma.rma_number} is {rma.get_status_display().lower()}; approve it first."
        )
    for line in rma.items.select_related("order_item"):
        _return_stock(variant_id=line.order_item.variant_id, quantity=line.quantity)
        if line.exchange_variant_id is not None:
            _take_stock(variant_id=line.exchange_variant_id, quantity=line.quantity)
    if rma.refund_amount:
        method = rma.payment_method
        if method is None:
            method = (
                _gift_card_for(order.customer)
                if rma.refund_method == RefundMethod.GIFT_CARD
                else order.payment_method
            )
        _refund(order=order, amount=rma.refund_amount, method=method)
    _return_transition(rma=rma, order=order, to_status=done, actor=actor)
    if not _other_open_returns(order, rma):
        order_transition(
            order=order, to_status=OrderStatus.RETURNED, actor=actor, note=rma.rma_number
        )
    return rma


def _gift_card_for(customer: Customer) -> PaymentMethod:
    """The customer's gift card for store credit; a new one with no balance if they have none."""
    card = customer.payment_methods.filter(kind=PaymentMethodKind.GIFT_CARD, is_active=True).first()
    if card is None:
        card = PaymentMethod.objects.create(
            customer=customer,
            kind=PaymentMethodKind.GIFT_CARD,
            gift_card_last4=f"{customer.pk % 10000:04d}",
            gift_card_balance=Decimal("0"),
        )
    return card
