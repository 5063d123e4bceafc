from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from orders.models import AuditEvent, Category, Customer, Order, Product, ProductVariant
from orders.shop_io import ShopImportError, shop_export, shop_import

VALID: dict[str, Any] = {
    "format": "servicedesk.shop/1",
    "categories": [{"slug": "mugs", "name": "Mugs", "description": "Things to drink from."}],
    "products": [
        {
            "slug": "camp-mug",
            "name": "Camp Mug",
            "category": "mugs",
            "brand": "Trailhead",
            "description": "Enamel mug.",
            "tags": ["camping"],
            "rating": 4.7,
            "rating_count": 31,
            "variants": [
                {"sku": "MUG-BLUE", "options": {"colour": "Blue"}, "price": "14.00", "stock": 5},
                {"sku": "MUG-RED", "options": {"colour": "Red"}, "price": "14.00", "stock": 0},
            ],
        }
    ],
    "customers": [
        {
            "email": "dana@example.com",
            "first_name": "Dana",
            "last_name": "Lopez",
            "phone": "+1 555-123-4567",
            "addresses": [
                {
                    "full_name": "Dana Lopez",
                    "line1": "1 Main St",
                    "city": "Austin",
                    "region": "TX",
                    "postal_code": "78701",
                    "country": "US",
                    "default": True,
                }
            ],
            "payment_methods": [
                {"kind": "card", "brand": "Visa", "last4": "4242", "default": True},
                {"kind": "gift_card", "last4": "9999", "balance": "25.00"},
            ],
        }
    ],
    "orders": [
        {
            "number": "W-1001",
            "customer": "dana@example.com",
            "status": "delivered",
            "currency": "USD",
            "placed_at": "2026-10-01T10:00:00+00:00",
            "paid_at": "2026-10-01T10:05:00+00:00",
            "shipped_at": "2026-10-02T09:00:00+00:00",
            "delivered_at": "2026-10-05T15:00:00+00:00",
            "payment_method": {"kind": "card", "brand": "Visa", "last4": "4242"},
            "items": [{"sku": "MUG-BLUE", "quantity": 2, "unit_price": "14.00"}],
            "shipping_total": "5.99",
            "grand_total": "33.99",
            "shipments": [
                {
                    "carrier": "UPS",
                    "tracking_number": "1Z999AA10123456784",
                    "shipped_at": "2026-10-02T09:00:00+00:00",
                    "estimated_delivery": "2026-10-06",
                    "delivered_at": "2026-10-05T15:00:00+00:00",
                    "events": [
                        {
                            "occurred_at": "2026-10-05T15:00:00+00:00",
                            "status": "delivered",
                            "description": "Delivered",
                            "location": "Austin, TX",
                        }
                    ],
                }
            ],
            "payments": [
                {
                    "kind": "charge",
                    "status": "succeeded",
                    "amount": "33.99",
                    "reference": "ch_1001",
                    "created_at": "2026-10-01T10:05:00+00:00",
                }
            ],
        }
    ],
}


def _counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Category, Product, ProductVariant, Customer, Order))


@pytest.mark.django_db
def test_it_imports_a_valid_file() -> None:
    report = shop_import(data=VALID)

    assert report.created == {"categories": 1, "products": 1, "customers": 1, "orders": 1}
    order = Order.objects.get(number="W-1001")
    assert order.customer.email == "dana@example.com"
    assert order.payment_method is not None and order.payment_method.card_last4 == "4242"
    assert str(order.grand_total) == "33.99"
    assert order.shipments.get().events.get().location == "Austin, TX"
    assert order.items.get().product_name == "Camp Mug"
    assert order.is_returnable() is False  # delivered long before "now"
    assert AuditEvent.objects.get(order=order).action == "order.import"
    # Imported customers get an account without a usable password.
    assert order.customer.user is not None and not order.customer.user.has_usable_password()


@pytest.mark.django_db
def test_a_second_import_updates_the_catalog_and_keeps_order_history() -> None:
    shop_import(data=VALID)
    changed = copy.deepcopy(VALID)
    changed["products"][0]["variants"][0]["price"] = "15.00"
    changed["orders"][0]["status"] = "cancelled"

    report = shop_import(data=changed)

    assert report.skipped == {"orders": 1}
    assert ProductVariant.objects.get(sku="MUG-BLUE").price == 15
    assert Order.objects.get(number="W-1001").status == "delivered"
    assert _counts() == (1, 1, 2, 1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.update(format="other"), "$.format: must be 'servicedesk.shop/1'"),
        (
            lambda d: d["products"][0]["variants"][1].update(price="abc"),
            "$.products[0].variants[1].price: 'abc' is not a decimal amount",
        ),
        (
            lambda d: d["products"][0]["variants"][0].update(price="-1"),
            "$.products[0].variants[0].price: must be zero or more",
        ),
        (
            lambda d: d["products"][0].update(category="nope"),
            "$.products[0].category: unknown category 'nope'",
        ),
        (
            lambda d: d["products"][0]["variants"][1].update(sku="MUG-BLUE"),
            "$.products[0].variants[1].sku: 'MUG-BLUE' appears twice",
        ),
        (
            lambda d: d["customers"][0].update(email="not-an-email"),
            "$.customers[0].email: 'not-an-email' is not valid here",
        ),
        (
            lambda d: d["orders"][0].update(status="lost"),
            "$.orders[0].status: 'lost' is not one of pending, processing",
        ),
        (
            lambda d: d["orders"][0]["items"][0].update(sku="GHOST"),
            "$.orders[0].items[0].sku: unknown SKU 'GHOST'",
        ),
        (
            lambda d: d["orders"][0]["items"][0].update(quantity=0),
            "$.orders[0].items[0].quantity: must be between 1 and",
        ),
        (
            lambda d: d["orders"][0].update(placed_at="2026-10-01 10:00"),
            "$.orders[0].placed_at: needs a time zone offset",
        ),
        (
            lambda d: d["orders"][0].update(customer="who@example.com"),
            "$.orders[0].customer: no customer with email 'who@example.com'",
        ),
        (
            lambda d: d["orders"][0].update(grand_total="10.00"),
            "$.orders[0].grand_total: is 10.00 but subtotal + shipping + tax - discount is 33.99",
        ),
        (
            lambda d: d["orders"][0].pop("delivered_at"),
            "$.orders[0].delivered_at: is required for a delivered order",
        ),
        (
            lambda d: d["orders"][0]["shipments"][0].update(carrier="Pigeon"),
            "$.orders[0].shipments[0].carrier: 'Pigeon' is not one of",
        ),
        (lambda d: d.update(products={}), "$.products: must be a list, got an object"),
    ],
)
def test_it_rejects_bad_data_naming_the_path_and_imports_nothing(
    mutate: Any, expected: str
) -> None:
    data = copy.deepcopy(VALID)
    mutate(data)

    with pytest.raises(ShopImportError) as caught:
        shop_import(data=data)

    assert any(e.startswith(expected) for e in caught.value.errors), caught.value.errors
    assert _counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_a_database_error_half_way_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    import orders.shop_io as shop_io

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(shop_io, "_write_order", explode)

    with pytest.raises(RuntimeError):
        shop_import(data=VALID)

    assert _counts() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_export_then_import_recreates_the_shop(tmp_path: Path) -> None:
    shop_import(data=VALID)
    first = shop_export()
    for model in (AuditEvent, Order, Customer, ProductVariant, Product, Category):
        model.objects.all().delete()

    shop_import(data=json.loads(json.dumps(first)))

    assert shop_export() == first


@pytest.mark.django_db
def test_the_commands_report_bad_json_and_round_trip(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": ')
    with pytest.raises(CommandError, match=r"not valid JSON: .* line 1"):
        call_command("import_shop", str(broken))

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**VALID, "format": "x"}))
    with pytest.raises(CommandError, match=r"Nothing was imported: 1 problem\(s\)"):
        call_command("import_shop", str(bad))

    good = tmp_path / "shop.json"
    good.write_text(json.dumps(VALID))
    call_command("import_shop", str(good))
    out = tmp_path / "out.json"
    call_command("export_shop", "-o", str(out))
    assert json.loads(out.read_text())["orders"][0]["number"] == "W-1001"


@pytest.mark.django_db
def test_the_second_shop_imports_with_payment_state_and_split_payments() -> None:
    from decimal import Decimal

    from orders.demo import second_shop
    from orders.models import Payment, PaymentMethod

    document = copy.deepcopy(second_shop.document())
    order = next(o for o in document["orders"] if o["number"] == "#W2001008")
    assert "currency" not in order  # optional: USD
    # Paid partly by gift card and partly by card: each payment keeps its own method.
    order["payments"] = [
        {**order["payments"][0], "amount": "15.00", "reference": "ch_gift",
         "method": {"kind": "gift_card", "last4": "4410"}},
        {**order["payments"][0], "amount": "263.00", "reference": "ch_card"},
    ]  # fmt: skip

    report = shop_import(data=document)

    assert report.created["orders"] == len(second_shop.ORDERS)
    imported = Order.objects.get(number="#W2001008")
    assert imported.currency == "USD" and imported.status == "pending"
    payments = Payment.objects.filter(order=imported).order_by("amount")
    methods = [p.method.label if p.method else "" for p in payments]
    assert methods == ["Gift card ending 4410", "Amex ending 3005"]
    assert PaymentMethod.objects.get(gift_card_last4="4410").gift_card_balance == Decimal("15.00")
    exported = next(o for o in shop_export()["orders"] if o["number"] == "#W2001008")
    assert exported["payments"][0]["method"] == {"kind": "gift_card", "last4": "4410"}
