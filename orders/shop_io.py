"""Import and export of a shop's catalog, customers and order history as JSON.

The format is documented in docs/shop-data.md. An import is validated in full before anything is
written; each problem is reported with its JSON path (`$.products[3].variants[0].price: ...`), and
the writes happen in one transaction, so an import is all-or-nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from orders.actors import Actor
from orders.models import (
    Address,
    Carrier,
    Category,
    Customer,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentKind,
    PaymentMethod,
    PaymentMethodKind,
    PaymentStatus,
    Product,
    ProductVariant,
    Shipment,
    TrackingEvent,
    TrackingEventStatus,
)
from orders.pricing import CENT
from orders.services import audit_record

FORMAT = "servicedesk.shop/1"
MAX_ERRORS = 25
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DELIVERED_STATES = {OrderStatus.DELIVERED, OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED}


class ShopImportError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: dict[str, int], what: str) -> None:
        bucket[what] = bucket.get(what, 0) + 1


class _Checker:
    """Reads values out of parsed JSON, recording `path: problem` for each bad one."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, path: str, problem: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(f"{path}: {problem}")

    def obj(self, value: Any, path: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, got {_kind(value)}")
            return None
        return value

    def items(self, parent: dict[str, Any], key: str, path: str) -> list[Any]:
        value = parent.get(key, [])
        if not isinstance(value, list):
            self.fail(f"{path}.{key}", f"must be a list, got {_kind(value)}")
            return []
        return value

    def text(
        self,
        parent: dict[str, Any],
        key: str,
        path: str,
        *,
        required: bool = True,
        max_len: int = 200,
        pattern: re.Pattern[str] | None = None,
        choices: Iterable[str] | None = None,
        default: str = "",
    ) -> str:
        where = f"{path}.{key}"
        value = parent.get(key)
        if value is None or value == "":
            if required:
                self.fail(where, "is required")
            return default
        if not isinstance(value, str):
            self.fail(where, f"must be a string, got {_kind(value)}")
            return default
        value = value.strip()
        if len(value) > max_len:
            self.fail(where, f"is longer than {max_len} characters")
        elif pattern is not None and not pattern.match(value):
            self.fail(where, f"{value!r} is not valid here (expected {pattern.pattern})")
        elif choices is not None and value not in (allowed := list(choices)):
            self.fail(where, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def money(
        self, parent: dict[str, Any], key: str, path: str, *, required: bool = True
    ) -> Decimal | None:
        where = f"{path}.{key}"
        value = parent.get(key)
        if value is None:
            if required:
                self.fail(where, "is required")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.fail(where, f'must be a decimal amount such as "19.99", got {_kind(value)}')
            return None
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            self.fail(where, f"{value!r} is not a decimal amount")
            return None
        if not amount.is_finite() or amount < 0:
            self.fail(where, "must be zero or more")
            return None
        if amount != amount.quantize(CENT):
            self.fail(where, "has more than two decimal places")
        return amount.quantize(CENT)

    def integer(
        self,
        parent: dict[str, Any],
        key: str,
        path: str,
        *,
        required: bool = True,
        minimum: int = 0,
        maximum: int = 10**9,
        default: int = 0,
    ) -> int:
        where = f"{path}.{key}"
        value = parent.get(key)
        if value is None:
            if required:
                self.fail(where, "is required")
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, f"must be a whole number, got {_kind(value)}")
            return default
        if not minimum <= value <= maximum:
            self.fail(where, f"must be between {minimum} and {maximum}")
            return default
        return int(value)

    def flag(self, parent: dict[str, Any], key: str, path: str, default: bool) -> bool:
        value = parent.get(key, default)
        if not isinstance(value, bool):
            self.fail(f"{path}.{key}", f"must be true or false, got {_kind(value)}")
            return default
        return value

    def when(
        self, parent: dict[str, Any], key: str, path: str, *, required: bool = False
    ) -> dt.datetime | None:
        where = f"{path}.{key}"
        value = parent.get(key)
        if value is None:
            if required:
                self.fail(where, "is required")
            return None
        if not isinstance(value, str):
            self.fail(where, f"must be an ISO 8601 date-time string, got {_kind(value)}")
            return None
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            self.fail(where, f"{value!r} is not an ISO 8601 date-time")
            return None
        if timezone.is_naive(parsed):
            self.fail(where, "needs a time zone offset, e.g. 2024-05-01T14:30:00+00:00")
            return None
        return parsed

    def day(self, parent: dict[str, Any], key: str, path: str) -> dt.date | None:
        value = parent.get(key)
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{path}.{key}", f"{value!r} is not a date (YYYY-MM-DD)")
            return None


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false"}.get(
        type(value), "a number" if isinstance(value, (int, float)) else "null"
    )


# --- import ---------------------------------------------------------------------------------------


def shop_import(*, data: Any) -> ImportReport:
    """Validate the whole document, then write it in one transaction. Raises ShopImportError
    listing every problem found (up to MAX_ERRORS), having written nothing."""
    check = _Checker()
    doc = check.obj(data, "$")
    if doc is None:
        raise ShopImportError(check.errors)
    if doc.get("format") != FORMAT:
        check.fail("$.format", f"must be {FORMAT!r}")
    plan = _Plan()
    _check_categories(check, doc, plan)
    _check_products(check, doc, plan)
    _check_customers(check, doc, plan)
    _check_orders(check, doc, plan)
    if check.errors:
        raise ShopImportError(check.errors)
    return _write(plan)


@dataclass
class _Plan:
    categories: dict[str, dict[str, Any]] = field(default_factory=dict)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    sku_product: dict[str, str] = field(default_factory=dict)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    tracking_numbers: set[str] = field(default_factory=set)
    references: set[str] = field(default_factory=set)


def _check_categories(check: _Checker, doc: dict[str, Any], plan: _Plan) -> None:
    for i, raw in enumerate(check.items(doc, "categories", "$")):
        path = f"$.categories[{i}]"
        if (row := check.obj(raw, path)) is None:
            continue
        slug = check.text(row, "slug", path, max_len=80, pattern=SLUG_RE)
        if slug in plan.categories:
            check.fail(f"{path}.slug", f"{slug!r} appears twice")
        plan.categories[slug] = {
            "name": check.text(row, "name", path, max_len=120),
            "description": check.text(row, "description", path, required=False, max_len=2000),
        }


def _check_products(check: _Checker, doc: dict[str, Any], plan: _Plan) -> None:
    known_categories = set(plan.categories) | set(Category.objects.values_list("slug", flat=True))
    db_sku_product = dict(ProductVariant.objects.values_list("sku", "product__slug"))
    for i, raw in enumerate(check.items(doc, "products", "$")):
        path = f"$.products[{i}]"
        if (row := check.obj(raw, path)) is None:
            continue
        slug = check.text(row, "slug", path, max_len=140, pattern=SLUG_RE)
        if slug in plan.products:
            check.fail(f"{path}.slug", f"{slug!r} appears twice")
        category = check.text(row, "category", path, max_len=80)
        if category and category not in known_categories:
            check.fail(f"{path}.category", f"unknown category {category!r}")
        rating = row.get("rating")
        if rating is not None and (
            isinstance(rating, bool) or not isinstance(rating, (int, float)) or not 0 <= rating <= 5
        ):
            check.fail(f"{path}.rating", "must be a number from 0 to 5")
            rating = None
        tags = row.get("tags", [])
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            check.fail(f"{path}.tags", "must be a list of strings")
            tags = []
        variants = []
        raw_variants = check.items(row, "variants", path)
        if not raw_variants:
            check.fail(f"{path}.variants", "needs at least one variant")
        for j, raw_variant in enumerate(raw_variants):
            vpath = f"{path}.variants[{j}]"
            if (variant := check.obj(raw_variant, vpath)) is None:
                continue
            sku = check.text(variant, "sku", vpath, max_len=64)
            if sku in plan.sku_product:
                check.fail(f"{vpath}.sku", f"{sku!r} appears twice")
            elif db_sku_product.get(sku, slug) != slug:
                check.fail(
                    f"{vpath}.sku", f"{sku!r} already belongs to product {db_sku_product[sku]!r}"
                )
            plan.sku_product[sku] = slug
            options = variant.get("options", {})
            if not isinstance(options, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in options.items()
            ):
                check.fail(f"{vpath}.options", "must be an object of text values")
                options = {}
            variants.append(
                {
                    "sku": sku,
                    "options": options,
                    "price": check.money(variant, "price", vpath),
                    "stock": check.integer(variant, "stock", vpath, required=False),
                    "is_active": check.flag(variant, "active", vpath, True),
                }
            )
        plan.products[slug] = {
            "name": check.text(row, "name", path),
            "category": category,
            "brand": check.text(row, "brand", path, required=False, max_len=120),
            "description": check.text(row, "description", path, required=False, max_len=10000),
            "tags": tags,
            "rating": None if rating is None else Decimal(str(rating)).quantize(Decimal("0.1")),
            "rating_count": check.integer(row, "rating_count", path, required=False),
            "image_url": check.text(row, "image_url", path, required=False, max_len=200),
            "is_active": check.flag(row, "active", path, True),
            "variants": variants,
        }


def _check_customers(check: _Checker, doc: dict[str, Any], plan: _Plan) -> None:
    for i, raw in enumerate(check.items(doc, "customers", "$")):
        path = f"$.customers[{i}]"
        if (row := check.obj(raw, path)) is None:
            continue
        email = check.text(row, "email", path, max_len=254, pattern=EMAIL_RE).lower()
        if email in plan.customers:
            check.fail(f"{path}.email", f"{email!r} appears twice")
        addresses = []
        for j, raw_address in enumerate(check.items(row, "addresses", path)):
            apath = f"{path}.addresses[{j}]"
            if (address := check.obj(raw_address, apath)) is not None:
                addresses.append(_check_address(check, address, apath))
        if sum(1 for a in addresses if a["is_default"]) > 1:
            check.fail(f"{path}.addresses", "only one address can be the default")
        methods = []
        for j, raw_method in enumerate(check.items(row, "payment_methods", path)):
            mpath = f"{path}.payment_methods[{j}]"
            if (method := check.obj(raw_method, mpath)) is not None:
                methods.append(_check_method(check, method, mpath))
        plan.customers[email] = {
            "first_name": check.text(row, "first_name", path, max_len=120),
            "last_name": check.text(row, "last_name", path, required=False, max_len=120),
            "phone": check.text(row, "phone", path, required=False, max_len=40),
            "addresses": addresses,
            "payment_methods": methods,
        }


def _check_address(check: _Checker, row: dict[str, Any], path: str) -> dict[str, Any]:
    return {
        "full_name": check.text(row, "full_name", path),
        "line1": check.text(row, "line1", path),
        "line2": check.text(row, "line2", path, required=False),
        "city": check.text(row, "city", path, max_len=120),
        "region": check.text(row, "region", path, required=False, max_len=120),
        "postal_code": check.text(row, "postal_code", path, max_len=20),
        "country": check.text(row, "country", path, pattern=re.compile(r"^[A-Z]{2}$")),
        "phone": check.text(row, "phone", path, required=False, max_len=40),
        "is_default": check.flag(row, "default", path, False),
    }


def _method_key(kind: str, row: dict[str, Any]) -> tuple[str, str]:
    if kind == PaymentMethodKind.CARD:
        return (kind, f"{row.get('brand', '')}:{row.get('last4', '')}")
    if kind == PaymentMethodKind.PAYPAL:
        return (kind, str(row.get("email", "")).lower())
    return (kind, str(row.get("last4", "")))


def _check_method(check: _Checker, row: dict[str, Any], path: str) -> dict[str, Any]:
    kind = check.text(row, "kind", path, choices=PaymentMethodKind.values)
    method: dict[str, Any] = {
        "kind": kind,
        "is_default": check.flag(row, "default", path, False),
        "key": _method_key(kind, row),
    }
    if kind == PaymentMethodKind.CARD:
        method["card_brand"] = check.text(row, "brand", path, max_len=30)
        method["card_last4"] = check.text(row, "last4", path, pattern=re.compile(r"^\d{4}$"))
        method["card_exp_month"] = check.integer(
            row, "exp_month", path, required=False, minimum=1, maximum=12, default=1
        )
        method["card_exp_year"] = check.integer(
            row, "exp_year", path, required=False, minimum=2000, maximum=2100, default=2030
        )
    elif kind == PaymentMethodKind.PAYPAL:
        method["paypal_email"] = check.text(row, "email", path, max_len=254, pattern=EMAIL_RE)
    elif kind == PaymentMethodKind.GIFT_CARD:
        method["gift_card_last4"] = check.text(row, "last4", path, pattern=re.compile(r"^\d{4}$"))
        method["gift_card_balance"] = check.money(row, "balance", path)
    return method


def _check_orders(check: _Checker, doc: dict[str, Any], plan: _Plan) -> None:
    db_emails = set(Customer.objects.values_list("email", flat=True))
    db_tracking = set(Shipment.objects.values_list("tracking_number", flat=True))
    db_references = set(Payment.objects.values_list("reference", flat=True))
    rows = check.items(doc, "orders", "$")
    numbers = [r.get("number") for r in rows if isinstance(r, dict)]
    # Orders already in the shop are skipped on import, so their shipments and payments are
    # expected to be there already.
    present = set(Order.objects.filter(number__in=numbers).values_list("number", flat=True))
    for i, raw in enumerate(rows):
        path = f"$.orders[{i}]"
        if (row := check.obj(raw, path)) is None:
            continue
        number = check.text(row, "number", path, max_len=32)
        if number in plan.orders:
            check.fail(f"{path}.number", f"{number!r} appears twice")
        email = check.text(row, "customer", path, max_len=254).lower()
        if email and email not in plan.customers and email not in db_emails:
            check.fail(f"{path}.customer", f"no customer with email {email!r}")
        status = check.text(row, "status", path, choices=OrderStatus.values)
        order: dict[str, Any] = {
            "customer": email,
            "status": status,
            "currency": check.text(
                row,
                "currency",
                path,
                required=False,
                pattern=re.compile(r"^[A-Z]{3}$"),
                default="USD",
            ),
            "placed_at": check.when(row, "placed_at", path, required=True),
            "paid_at": check.when(row, "paid_at", path),
            "shipped_at": check.when(row, "shipped_at", path),
            "delivered_at": check.when(row, "delivered_at", path),
            "cancelled_at": check.when(row, "cancelled_at", path),
            "cancel_reason": check.text(row, "cancel_reason", path, required=False, max_len=300),
            "payment_method": None,
        }
        if status in DELIVERED_STATES and order["delivered_at"] is None:
            check.fail(f"{path}.delivered_at", f"is required for a {status} order")
        # Optional: without it the order gets the customer's default address.
        raw_address = row.get("shipping_address")
        address = None
        if raw_address is not None:
            address = check.obj(raw_address, f"{path}.shipping_address")
        if address is not None:
            snapshot = _check_address(check, address, f"{path}.shipping_address")
            snapshot.pop("is_default")
            order["shipping_address"] = snapshot
        if (method := row.get("payment_method")) is not None:
            mpath = f"{path}.payment_method"
            if (m := check.obj(method, mpath)) is not None:
                kind = check.text(m, "kind", mpath, choices=PaymentMethodKind.values)
                order["payment_method"] = _method_key(kind, m)
        items = []
        raw_items = check.items(row, "items", path)
        if not raw_items:
            check.fail(f"{path}.items", "needs at least one item")
        for j, raw_item in enumerate(raw_items):
            ipath = f"{path}.items[{j}]"
            if (item := check.obj(raw_item, ipath)) is None:
                continue
            sku = check.text(item, "sku", ipath, max_len=64)
            if sku and sku not in plan.sku_product:
                check.fail(f"{ipath}.sku", f"unknown SKU {sku!r}")
            items.append(
                {
                    "sku": sku,
                    "quantity": check.integer(item, "quantity", ipath, minimum=1),
                    "unit_price": check.money(item, "unit_price", ipath),
                    "product_name": check.text(item, "product_name", ipath, required=False),
                    "variant_label": check.text(item, "variant_label", ipath, required=False),
                }
            )
        order["items"] = items
        _check_totals(check, row, path, order)
        skip = number in present
        order["shipments"] = _check_shipments(
            check, row, path, plan, set() if skip else db_tracking
        )
        order["payments"] = _check_payments(
            check, row, path, plan, set() if skip else db_references
        )
        plan.orders[number] = order


def _check_totals(check: _Checker, row: dict[str, Any], path: str, order: dict[str, Any]) -> None:
    subtotal = sum(
        ((i["unit_price"] or Decimal(0)) * i["quantity"] for i in order["items"]), Decimal(0)
    )
    given = check.money(row, "subtotal", path, required=False)
    order["subtotal"] = subtotal if given is None else given
    if order["subtotal"] != subtotal:
        check.fail(f"{path}.subtotal", f"is {order['subtotal']} but the items add up to {subtotal}")
    for key in ("shipping_total", "tax_total", "discount_total"):
        amount = check.money(row, key, path, required=False)
        order[key] = Decimal("0.00") if amount is None else amount
    expected = order["subtotal"] + order["shipping_total"] + order["tax_total"]
    expected -= order["discount_total"]
    grand = check.money(row, "grand_total", path, required=False)
    if grand is not None and grand != expected:
        check.fail(
            f"{path}.grand_total",
            f"is {grand} but subtotal + shipping + tax - discount is {expected}",
        )
    order["grand_total"] = grand if grand is not None else max(expected, Decimal("0.00"))


def _check_shipments(
    check: _Checker, row: dict[str, Any], path: str, plan: _Plan, db_tracking: set[str]
) -> list[dict[str, Any]]:
    shipments = []
    for j, raw in enumerate(check.items(row, "shipments", path)):
        spath = f"{path}.shipments[{j}]"
        if (s := check.obj(raw, spath)) is None:
            continue
        tracking = check.text(s, "tracking_number", spath, max_len=64)
        if tracking in plan.tracking_numbers or tracking in db_tracking:
            check.fail(f"{spath}.tracking_number", f"{tracking!r} is already used")
        plan.tracking_numbers.add(tracking)
        events = []
        for k, raw_event in enumerate(check.items(s, "events", spath)):
            epath = f"{spath}.events[{k}]"
            if (e := check.obj(raw_event, epath)) is None:
                continue
            events.append(
                {
                    "occurred_at": check.when(e, "occurred_at", epath, required=True),
                    "status": check.text(e, "status", epath, choices=TrackingEventStatus.values),
                    "description": check.text(e, "description", epath, max_len=300),
                    "location": check.text(e, "location", epath, required=False),
                }
            )
        shipments.append(
            {
                "carrier": check.text(s, "carrier", spath, choices=Carrier.values),
                "tracking_number": tracking,
                "shipped_at": check.when(s, "shipped_at", spath, required=True),
                "estimated_delivery": check.day(s, "estimated_delivery", spath),
                "delivered_at": check.when(s, "delivered_at", spath),
                "events": events,
            }
        )
    return shipments


def _check_payments(
    check: _Checker, row: dict[str, Any], path: str, plan: _Plan, db_references: set[str]
) -> list[dict[str, Any]]:
    payments = []
    for j, raw in enumerate(check.items(row, "payments", path)):
        ppath = f"{path}.payments[{j}]"
        if (p := check.obj(raw, ppath)) is None:
            continue
        reference = check.text(p, "reference", ppath, max_len=64)
        if reference in plan.references or reference in db_references:
            check.fail(f"{ppath}.reference", f"{reference!r} is already used")
        plan.references.add(reference)
        amount = check.money(p, "amount", ppath)
        if amount is not None and amount <= 0:
            check.fail(f"{ppath}.amount", "must be more than zero")
        method_key = None
        if (raw_method := p.get("method")) is not None:
            mpath = f"{ppath}.method"
            if (m := check.obj(raw_method, mpath)) is not None:
                kind = check.text(m, "kind", mpath, choices=PaymentMethodKind.values)
                method_key = _method_key(kind, m)
        payments.append(
            {
                "kind": check.text(p, "kind", ppath, choices=PaymentKind.values),
                "status": check.text(p, "status", ppath, choices=PaymentStatus.values),
                "amount": amount,
                "reference": reference,
                "created_at": check.when(p, "created_at", ppath, required=True),
                "failure_reason": check.text(p, "failure_reason", ppath, required=False),
                "method": method_key,
            }
        )
    return payments


@transaction.atomic
def _write(plan: _Plan) -> ImportReport:
    report = ImportReport()
    for slug, c in plan.categories.items():
        _, made = Category.objects.update_or_create(slug=slug, defaults=c)
        report.count(report.created if made else report.updated, "categories")
    categories = {c.slug: c for c in Category.objects.all()}
    for slug, p in plan.products.items():
        fields = {k: v for k, v in p.items() if k not in ("variants", "category")}
        product, made = Product.objects.update_or_create(
            slug=slug, defaults={**fields, "category": categories[p["category"]]}
        )
        report.count(report.created if made else report.updated, "products")
        for v in p["variants"]:
            ProductVariant.objects.update_or_create(
                sku=v["sku"], defaults={**{k: v[k] for k in v if k != "sku"}, "product": product}
            )
    for email, c in plan.customers.items():
        _write_customer(email, c, report)
    variants = {v.sku: v for v in ProductVariant.objects.select_related("product")}
    existing = set(Order.objects.filter(number__in=plan.orders).values_list("number", flat=True))
    actor = Actor.system("import_shop")
    for number, o in plan.orders.items():
        if number in existing:
            # Order history is not rewritten by a re-import: the shop's own changes since the
            # last import (cancellations, returns) would be lost.
            report.count(report.skipped, "orders")
            continue
        _write_order(number, o, variants, actor)
        report.count(report.created, "orders")
    return report


def _write_customer(email: str, c: dict[str, Any], report: ImportReport) -> None:
    customer = Customer.objects.filter(email=email).first()
    made = customer is None
    if customer is None:
        user = User.objects.filter(username=email).first()
        if user is None:
            # Imported customers sign in after a password reset; no password travels in the file.
            user = User(username=email, email=email, first_name=c["first_name"])
            user.set_unusable_password()
            user.save()
        customer = Customer.objects.create(
            user=user,
            email=email,
            first_name=c["first_name"],
            last_name=c["last_name"],
            phone=c["phone"],
        )
    else:
        customer.first_name, customer.last_name = c["first_name"], c["last_name"]
        customer.phone = c["phone"]
        customer.save(update_fields=["first_name", "last_name", "phone"])
    report.count(report.created if made else report.updated, "customers")
    if c["addresses"]:
        # Orders keep snapshots of their addresses, so the address book can simply be replaced.
        customer.addresses.all().delete()
        Address.objects.bulk_create(Address(customer=customer, **a) for a in c["addresses"])
    saved = {_key_of(m): m for m in customer.payment_methods.all()}
    for m in c["payment_methods"]:
        fields = {k: v for k, v in m.items() if k != "key"}
        if (current := saved.get(m["key"])) is not None:
            for k, v in fields.items():
                setattr(current, k, v)
            current.save()
        else:
            PaymentMethod.objects.create(customer=customer, **fields)


def _key_of(method: PaymentMethod) -> tuple[str, str]:
    if method.kind == PaymentMethodKind.CARD:
        return (method.kind, f"{method.card_brand}:{method.card_last4}")
    if method.kind == PaymentMethodKind.PAYPAL:
        return (method.kind, method.paypal_email.lower())
    return (method.kind, method.gift_card_last4)


def _write_order(
    number: str, o: dict[str, Any], variants: dict[str, ProductVariant], actor: Actor
) -> None:
    customer = Customer.objects.get(email=o["customer"])
    method = None
    if o["payment_method"] is not None:
        method = next(
            (m for m in customer.payment_methods.all() if _key_of(m) == o["payment_method"]), None
        )
    address = (
        o.get("shipping_address")
        or (customer.addresses.filter(is_default=True).first() or Address()).snapshot()
    )
    order = Order.objects.create(
        number=number,
        customer=customer,
        payment_method=method,
        shipping_address=address,
        **{
            k: o[k]
            for k in (
                "status",
                "currency",
                "placed_at",
                "paid_at",
                "shipped_at",
                "delivered_at",
                "cancelled_at",
                "cancel_reason",
                "subtotal",
                "shipping_total",
                "tax_total",
                "discount_total",
                "grand_total",
            )
        },
    )
    OrderItem.objects.bulk_create(
        OrderItem(
            order=order,
            variant=variants[i["sku"]],
            product_name=i["product_name"] or variants[i["sku"]].product.name,
            variant_label=i["variant_label"] or variants[i["sku"]].label,
            sku=i["sku"],
            quantity=i["quantity"],
            unit_price=i["unit_price"],
        )
        for i in o["items"]
    )
    for s in o["shipments"]:
        shipment = Shipment.objects.create(
            order=order, **{k: v for k, v in s.items() if k != "events"}
        )
        TrackingEvent.objects.bulk_create(
            TrackingEvent(shipment=shipment, **e) for e in s["events"]
        )
    # Each payment is on its own method when the file says which (a gift card and a card for
    # one order); otherwise on the order's.
    saved = {_key_of(m): m for m in customer.payment_methods.all()}
    Payment.objects.bulk_create(
        Payment(
            order=order,
            method=saved.get(p["method"], method) if p["method"] else method,
            currency=order.currency,
            **{k: v for k, v in p.items() if k != "method"},
        )
        for p in o["payments"]
    )
    audit_record(
        actor=actor,
        subject_type="order",
        subject_id=number,
        action="order.import",
        field="status",
        to_value=order.status,
        order=order,
    )


# --- export ---------------------------------------------------------------------------------------


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _method_json(m: PaymentMethod) -> dict[str, Any]:
    if m.kind == PaymentMethodKind.CARD:
        return {"kind": m.kind, "brand": m.card_brand, "last4": m.card_last4}
    if m.kind == PaymentMethodKind.PAYPAL:
        return {"kind": m.kind, "email": m.paypal_email}
    return {"kind": m.kind, "last4": m.gift_card_last4}


def shop_export() -> dict[str, Any]:
    """The whole shop in the import format; importing it into an empty database recreates it."""
    return {
        "format": FORMAT,
        "categories": [
            {"slug": c.slug, "name": c.name, "description": c.description}
            for c in Category.objects.order_by("slug")
        ],
        "products": [
            {
                "slug": p.slug,
                "name": p.name,
                "category": p.category.slug,
                "brand": p.brand,
                "description": p.description,
                "tags": p.tags,
                "rating": float(p.rating) if p.rating is not None else None,
                "rating_count": p.rating_count,
                "image_url": p.image_url,
                "active": p.is_active,
                "variants": [
                    {
                        "sku": v.sku,
                        "options": v.options,
                        "price": str(v.price),
                        "stock": v.stock,
                        "active": v.is_active,
                    }
                    for v in p.variants.order_by("sku")
                ],
            }
            for p in Product.objects.select_related("category")
            .prefetch_related("variants")
            .order_by("slug")
        ],
        "customers": [
            {
                "email": c.email,
                "first_name": c.first_name,
                "last_name": c.last_name,
                "phone": c.phone,
                "addresses": [
                    {**a.snapshot(), "default": a.is_default} for a in c.addresses.order_by("id")
                ],
                "payment_methods": [
                    {
                        **_method_json(m),
                        "default": m.is_default,
                        **(
                            {"exp_month": m.card_exp_month, "exp_year": m.card_exp_year}
                            if m.kind == PaymentMethodKind.CARD and m.card_exp_year
                            else {}
                        ),
                        **(
                            {"balance": str(m.gift_card_balance)}
                            if m.kind == PaymentMethodKind.GIFT_CARD
                            else {}
                        ),
                    }
                    for m in c.payment_methods.order_by("id")
                ],
            }
            for c in Customer.objects.prefetch_related("addresses", "payment_methods").order_by(
                "email"
            )
        ],
        "orders": [_order_json(o) for o in _export_orders()],
    }


def _export_orders() -> Iterable[Order]:
    return (
        Order.objects.select_related("customer", "payment_method")
        .prefetch_related("items", "shipments__events", "payments__method")
        .order_by("number")
    )


def _order_json(o: Order) -> dict[str, Any]:
    return {
        "number": o.number,
        "customer": o.customer.email,
        "status": o.status,
        "currency": o.currency,
        "placed_at": _iso(o.placed_at),
        "paid_at": _iso(o.paid_at),
        "shipped_at": _iso(o.shipped_at),
        "delivered_at": _iso(o.delivered_at),
        "cancelled_at": _iso(o.cancelled_at),
        "cancel_reason": o.cancel_reason,
        "shipping_address": o.shipping_address,
        "payment_method": _method_json(o.payment_method) if o.payment_method else None,
        "items": [
            {
                "sku": i.sku,
                "quantity": i.quantity,
                "unit_price": str(i.unit_price),
                "product_name": i.product_name,
                "variant_label": i.variant_label,
            }
            for i in o.items.all()
        ],
        "subtotal": str(o.subtotal),
        "shipping_total": str(o.shipping_total),
        "tax_total": str(o.tax_total),
        "discount_total": str(o.discount_total),
        "grand_total": str(o.grand_total),
        "shipments": [
            {
                "carrier": s.carrier,
                "tracking_number": s.tracking_number,
                "shipped_at": _iso(s.shipped_at),
                "estimated_delivery": s.estimated_delivery.isoformat()
                if s.estimated_delivery
                else None,
                "delivered_at": _iso(s.delivered_at),
                "events": [
                    {
                        "occurred_at": _iso(e.occurred_at),
                        "status": e.status,
                        "description": e.description,
                        "location": e.location,
                    }
                    for e in s.events.all()
                ],
            }
            for s in o.shipments.all()
        ],
        "payments": [
            {
                "kind": p.kind,
                "status": p.status,
                "amount": str(p.amount),
                "reference": p.reference,
                "created_at": _iso(p.created_at),
                "failure_reason": p.failure_reason,
                **({"method": _method_json(p.method)} if p.method else {}),
            }
            for p in o.payments.all()
        ],
    }
