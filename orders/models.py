"""The shop: catalog, customers, orders and everything that happens to them.

Models state facts about one row; every change of state goes through `orders.services`, which
enforces the shop's policies and writes the audit trail. The order status machine lives in
`ORDER_TRANSITIONS` and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    slug = models.SlugField(max_length=140, unique=True)
    name = models.CharField(max_length=200)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    brand = models.CharField(max_length=120, blank=True)
    description = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    rating = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    image_url = models.URLField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=0, rating__lte=5),
                name="product_rating_0_to_5",
            )
        ]

    def __str__(self) -> str:
        return self.name


OPTION_ORDER = {name: i for i, name in enumerate(("colour", "shade", "size", "length", "capacity"))}


class ProductVariant(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(max_length=64, unique=True)
    options = models.JSONField(default=dict, blank=True)  # {"colour": "Navy", "size": "M"}
    price = models.DecimalField(max_digits=10, decimal_places=2)
    stock = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["product_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="variant_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gte=0), name="variant_price_not_negative"),
        ]

    def __str__(self) -> str:
        label = self.label
        return f"{self.product.name} ({label})" if label else self.product.name

    def ordered_options(self) -> list[tuple[str, str]]:
        """Options in the order shoppers read them (colour before size), whatever order the
        database kept them in: PostgreSQL's jsonb doesn't keep key order."""
        return sorted(
            ((str(k), str(v)) for k, v in self.options.items()),
            key=lambda kv: (OPTION_ORDER.get(kv[0], len(OPTION_ORDER)), kv[0]),
        )

    @property
    def label(self) -> str:
        """The option values as a shopper reads them: "Navy / M"."""
        return " / ".join(v for _, v in self.ordered_options())

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


class Customer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customer",
    )
    first_name = models.CharField(max_length=120)
    last_name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(unique=True)
    phone = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Address(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    full_name = models.CharField(max_length=200)
    line1 = models.CharField(max_length=200)
    line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=120)
    region = models.CharField(max_length=120, blank=True)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, default="US")  # ISO 3166-1 alpha-2
    phone = models.CharField(max_length=40, blank=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_default", "id"]
        verbose_name_plural = "addresses"
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_default=True),
                name="one_default_address_per_customer",
            )
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line1, self.city, self.postal_code, self.country) if p)

    def snapshot(self) -> dict[str, str]:
        """The address as copied onto an order, so later edits don't rewrite history."""
        return {
            "full_name": self.full_name,
            "line1": self.line1,
            "line2": self.line2,
            "city": self.city,
            "region": self.region,
            "postal_code": self.postal_code,
            "country": self.country,
            "phone": self.phone,
        }


def format_address(data: Mapping[str, Any]) -> str:
    """An address snapshot on one line: "Alice Martin, 12 Harbor St, Portland, OR, 97205, US"."""
    keys = ("full_name", "line1", "line2", "city", "region", "postal_code", "country")
    return ", ".join(str(data[k]) for k in keys if data.get(k))


class PaymentMethodKind(models.TextChoices):
    CARD = "card", _("Card")
    PAYPAL = "paypal", "PayPal"
    GIFT_CARD = "gift_card", _("Gift card")


class PaymentMethod(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="payment_methods")
    kind = models.CharField(max_length=20, choices=PaymentMethodKind.choices)
    card_brand = models.CharField(max_length=30, blank=True)
    card_last4 = models.CharField(max_length=4, blank=True)
    card_exp_month = models.PositiveSmallIntegerField(null=True, blank=True)
    card_exp_year = models.PositiveSmallIntegerField(null=True, blank=True)
    paypal_email = models.EmailField(blank=True)
    gift_card_last4 = models.CharField(max_length=4, blank=True)
    gift_card_balance = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    is_default = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-is_default", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="card", card_last4__regex=r"^[0-9]{4}$") & ~Q(card_brand="")
                    | Q(kind="paypal") & ~Q(paypal_email="")
                    | Q(kind="gift_card", gift_card_balance__gte=0)
                ),
                name="payment_method_fields_match_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def record_label(self) -> str:
        """The method as the audit trail records it, whatever language is active."""
        with translation.override("en"):
            return self.label

    @property
    def label(self) -> str:
        """The method as a customer or agent reads it, in the active language."""
        if self.kind == PaymentMethodKind.CARD:
            return gettext("%(brand)s ending %(last4)s") % {
                "brand": self.card_brand,
                "last4": self.card_last4,
            }
        if self.kind == PaymentMethodKind.PAYPAL:
            return f"PayPal ({self.paypal_email})"
        return gettext("Gift card ending %(last4)s") % {"last4": self.gift_card_last4 or "----"}


class OrderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PROCESSING = "processing", _("Processing")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    RETURN_REQUESTED = "return_requested", _("Return requested")
    RETURNED = "returned", _("Returned")


# The one transition map. Every status change, from any interface, is checked against it in
# `orders.services.order_transition`. `return_requested -> delivered` is the way back when a
# return is rejected or withdrawn: the customer keeps the goods and the order is delivered again.
ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING: frozenset({OrderStatus.PROCESSING, OrderStatus.CANCELLED}),
    OrderStatus.PROCESSING: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.RETURN_REQUESTED}),
    OrderStatus.RETURN_REQUESTED: frozenset({OrderStatus.RETURNED, OrderStatus.DELIVERED}),
    OrderStatus.CANCELLED: frozenset(),
    # A later return of the items that are left, inside the return window.
    OrderStatus.RETURNED: frozenset({OrderStatus.RETURN_REQUESTED}),
}


def order_status_path(target: str) -> list[str]:
    """The shortest walk through ORDER_TRANSITIONS from pending to `target`, pending included."""
    paths: dict[str, list[str]] = {OrderStatus.PENDING: [OrderStatus.PENDING]}
    frontier = [str(OrderStatus.PENDING)]
    while frontier:
        current = frontier.pop(0)
        for nxt in sorted(ORDER_TRANSITIONS[current]):
            if nxt not in paths:
                paths[nxt] = [*paths[current], nxt]
                frontier.append(nxt)
    return paths[target]


class Order(models.Model):
    number = models.CharField(max_length=32, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(
        max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING, db_index=True
    )
    currency = models.CharField(max_length=3, default="USD")
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    shipping_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    tax_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    discount_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    grand_total = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    shipping_address = models.JSONField(default=dict)  # Address.snapshot() at the time of order
    payment_method = models.ForeignKey(
        PaymentMethod, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    placed_at = models.DateTimeField(default=timezone.now, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=OrderStatus.values), name="order_status_known"
            ),
            models.CheckConstraint(
                condition=Q(grand_total__gte=0), name="order_total_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_cancellable(self) -> bool:
        return OrderStatus.CANCELLED in ORDER_TRANSITIONS[self.status]

    @property
    def is_modifiable(self) -> bool:
        """Items, address and payment can change only before the shop starts work on it."""
        return self.status == OrderStatus.PENDING

    def return_deadline(self) -> dt.datetime | None:
        if self.delivered_at is None:
            return None
        return self.delivered_at + dt.timedelta(days=settings.RETURN_WINDOW_DAYS)

    def is_returnable(self, now: dt.datetime | None = None) -> bool:
        deadline = self.return_deadline()
        return (
            self.status
            in (OrderStatus.DELIVERED, OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED)
            and deadline is not None
            and (now or timezone.now()) <= deadline
        )


class OrderItem(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey(ProductVariant, on_delete=models.PROTECT, related_name="+")
    product_name = models.CharField(max_length=200)  # snapshots: what the customer bought
    variant_label = models.CharField(max_length=200, blank=True)
    sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name} {self.variant_label}".strip()

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class Carrier(models.TextChoices):
    UPS = "UPS", "UPS"
    USPS = "USPS", "USPS"
    FEDEX = "FedEx", "FedEx"
    DHL = "DHL", "DHL Express"
    OTHER = "other", _("Other")


TRACKING_URLS: dict[str, str] = {
    Carrier.UPS: "https://www.ups.com/track?tracknum={}",
    Carrier.USPS: "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    Carrier.FEDEX: "https://www.fedex.com/fedextrack/?trknbr={}",
    Carrier.DHL: "https://www.dhl.com/en/express/tracking.html?AWB={}",
}


class Shipment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="shipments")
    carrier = models.CharField(max_length=20, choices=Carrier.choices)
    tracking_number = models.CharField(max_length=64, unique=True)
    shipped_at = models.DateTimeField(default=timezone.now)
    estimated_delivery = models.DateField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["shipped_at"]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"

    @property
    def tracking_url(self) -> str:
        template = TRACKING_URLS.get(self.carrier)
        return template.format(self.tracking_number) if template else ""


class TrackingEventStatus(models.TextChoices):
    LABEL_CREATED = "label_created", _("Label created")
    PICKED_UP = "picked_up", _("Picked up by carrier")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    EXCEPTION = "exception", _("Delivery exception")


class TrackingEvent(models.Model):
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=TrackingEventStatus.choices)
    description = models.CharField(max_length=300)
    location = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.description}"


class PaymentKind(models.TextChoices):
    CHARGE = "charge", _("Charge")
    REFUND = "refund", _("Refund")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class Payment(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="payments")
    method = models.ForeignKey(
        PaymentMethod, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    kind = models.CharField(max_length=10, choices=PaymentKind.choices)
    status = models.CharField(max_length=10, choices=PaymentStatus.choices)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    reference = models.CharField(max_length=64, unique=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency} ({self.status})"


class ReturnKind(models.TextChoices):
    RETURN = "return", _("Return for refund")
    EXCHANGE = "exchange", _("Exchange")


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved: awaiting parcel")
    REJECTED = "rejected", _("Rejected")
    REFUNDED = "refunded", _("Received and refunded")
    EXCHANGED = "exchanged", _("Received and exchange sent")


RETURN_TRANSITIONS: dict[str, frozenset[str]] = {
    ReturnStatus.REQUESTED: frozenset({ReturnStatus.APPROVED, ReturnStatus.REJECTED}),
    ReturnStatus.APPROVED: frozenset({ReturnStatus.REFUNDED, ReturnStatus.EXCHANGED}),
    ReturnStatus.REJECTED: frozenset(),
    ReturnStatus.REFUNDED: frozenset(),
    ReturnStatus.EXCHANGED: frozenset(),
}


class ReturnReason(models.TextChoices):
    TOO_SMALL = "too_small", _("Too small")
    TOO_LARGE = "too_large", _("Too large")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    DAMAGED = "damaged", _("Arrived damaged or defective")
    WRONG_ITEM = "wrong_item", _("Wrong item sent")
    CHANGED_MIND = "changed_mind", _("Changed my mind")
    OTHER = "other", _("Other")


class RefundMethod(models.TextChoices):
    ORIGINAL = "original", _("Original payment method")
    GIFT_CARD = "gift_card", _("Gift card")


class ReturnRequest(models.Model):
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    rma_number = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=10, choices=ReturnKind.choices)
    status = models.CharField(
        max_length=12, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED
    )
    reason = models.CharField(max_length=20, choices=ReturnReason.choices)
    reason_detail = models.CharField(max_length=500, blank=True)
    refund_method = models.CharField(
        max_length=10, choices=RefundMethod.choices, default=RefundMethod.ORIGINAL
    )
    refund_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    # What an exchange for dearer options costs the customer; charged when the exchange opens.
    charge_amount = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    # The method the refund goes to, or the difference is charged to: one of the customer's.
    payment_method = models.ForeignKey(
        PaymentMethod, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "return / exchange"
        verbose_name_plural = "returns and exchanges"

    def __str__(self) -> str:
        return self.rma_number


class ReturnItem(models.Model):
    return_request = models.ForeignKey(
        ReturnRequest, on_delete=models.CASCADE, related_name="items"
    )
    order_item = models.ForeignKey(OrderItem, on_delete=models.PROTECT, related_name="return_items")
    quantity = models.PositiveIntegerField()
    exchange_variant = models.ForeignKey(
        ProductVariant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="return_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_item.product_name}"


class ActorKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    BOT = "bot", _("Assistant (bot)")
    AGENT = "agent", _("Support agent")
    STAFF = "staff", _("Staff user")
    SYSTEM = "system", _("System")


class AuditEvent(models.Model):
    """One state change: what changed, from what to what, when, and who did it."""

    subject_type = models.CharField(max_length=30)  # "order", "return", "customer", "address"...
    subject_id = models.CharField(max_length=64)  # the subject's human key (order number, RMA...)
    action = models.CharField(max_length=60)  # "order.cancel", "order.swap_variant", ...
    field = models.CharField(max_length=60, blank=True)
    from_value = models.CharField(max_length=500, blank=True)
    to_value = models.CharField(max_length=500, blank=True)
    note = models.CharField(max_length=500, blank=True)
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    actor_kind = models.CharField(max_length=10, choices=ActorKind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        change = f"{self.from_value} → {self.to_value}" if self.field else ""
        return f"{self.action} {change} by {self.actor_label}".strip()


class HelpArticleCategory(models.TextChoices):
    SHIPPING = "shipping", _("Shipping & delivery")
    RETURNS = "returns", _("Returns, exchanges & refunds")
    PAYMENTS = "payments", _("Payments")
    ORDERS = "orders", _("Orders")
    PRODUCTS = "products", _("Products")
    ACCOUNT = "account", _("Account & privacy")


class ArticleLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    CHINESE = "zh-Hans", "简体中文"


class HelpArticle(models.Model):
    """A help-center article. A translation is an article of its own (its own slug and page) in
    another language, pointing at the article it translates: the assistant finds the answer in
    the original and quotes the translation in the customer's language (docs/assistant.md)."""

    slug = models.SlugField(max_length=140, unique=True)
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=HelpArticleCategory.choices)
    body = models.TextField()
    published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)
    language = models.CharField(
        max_length=10, choices=ArticleLanguage.choices, default=ArticleLanguage.ENGLISH
    )
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="translations",
        help_text="The article this one translates (same figures, same paragraphs).",
    )

    class Meta:
        ordering = ["category", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["translation_of", "language"], name="one_translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return self.title
