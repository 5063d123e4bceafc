"""A second test shop, shaped unlike the demo: household goods and gadgets whose options are
capacity, material, style, storage and colour; order numbers like `#W2001001`; customers with
several cards, PayPal and gift cards; many orders paid and still pending.

It is built as an `import_shop` document (docs/shop-data.md), so it enters the database the way
any shop does. Dates are relative to `now`, so delivered orders stay inside the return window.
The scenario suite `assistant/scenarios/second.yaml` runs against it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

CATEGORIES = [
    {"slug": "home", "name": "Home & kitchen"},
    {"slug": "tech", "name": "Electronics"},
    {"slug": "outdoor", "name": "Outdoor & sport"},
    {"slug": "apparel", "name": "Apparel"},
]

# (slug, name, category, brand, description, [(sku, options, price, stock)])
_P = list[tuple[str, dict[str, str], str, int]]
PRODUCTS: list[tuple[str, str, str, str, str, _P]] = [
    ("water-bottle", "Water Bottle", "outdoor", "Hydra", "Insulated bottle, keeps drinks cold for 24 hours.", [
        ("WB-500-ST-BLU", {"capacity": "500ml", "material": "stainless steel", "colour": "blue"}, "24.00", 30),
        ("WB-750-ST-BLU", {"capacity": "750ml", "material": "stainless steel", "colour": "blue"}, "28.00", 25),
        ("WB-1000-ST-BLK", {"capacity": "1000ml", "material": "stainless steel", "colour": "black"}, "34.00", 12),
        ("WB-750-GL-GRN", {"capacity": "750ml", "material": "glass", "colour": "green"}, "26.00", 8),
        ("WB-1000-PL-RED", {"capacity": "1000ml", "material": "plastic", "colour": "red"}, "15.00", 40),
        ("WB-500-PL-BLK", {"capacity": "500ml", "material": "plastic", "colour": "black"}, "12.00", 0),
    ]),
    ("desk-lamp", "Desk Lamp", "home", "Lumo", "LED desk lamp with a dimmer.", [
        ("DL-MOD-BLK-USB", {"style": "modern", "colour": "black", "power source": "USB"}, "45.00", 10),
        ("DL-MOD-WHT-AC", {"style": "modern", "colour": "white", "power source": "AC adapter"}, "52.00", 6),
        ("DL-CLS-SLV-AC", {"style": "classic", "colour": "silver", "power source": "AC adapter"}, "61.00", 4),
        ("DL-CLS-BRS-BAT", {"style": "classic", "colour": "brass", "power source": "battery"}, "58.00", 0),
    ]),
    ("mechanical-keyboard", "Mechanical Keyboard", "tech", "Keyforge", "Full-size mechanical keyboard.", [
        ("KB-LIN-RGB-FULL", {"switch type": "linear", "backlight": "RGB", "size": "full size"}, "129.00", 9),
        ("KB-TAC-WHT-FULL", {"switch type": "tactile", "backlight": "white", "size": "full size"}, "119.00", 7),
        ("KB-CLK-NONE-80", {"switch type": "clicky", "backlight": "none", "size": "80%"}, "89.00", 11),
        ("KB-TAC-RGB-80", {"switch type": "tactile", "backlight": "RGB", "size": "80%"}, "109.00", 0),
    ]),
    ("tablet", "Tablet", "tech", "Slate", "10-inch tablet.", [
        ("TB-64-WIFI-GRY", {"storage": "64GB", "connectivity": "Wi-Fi", "colour": "grey"}, "299.00", 5),
        ("TB-128-WIFI-GRY", {"storage": "128GB", "connectivity": "Wi-Fi", "colour": "grey"}, "349.00", 6),
        ("TB-128-CELL-SLV", {"storage": "128GB", "connectivity": "cellular", "colour": "silver"}, "429.00", 3),
        ("TB-256-CELL-GLD", {"storage": "256GB", "connectivity": "cellular", "colour": "gold"}, "499.00", 2),
    ]),
    ("office-chair", "Office Chair", "home", "Sitwell", "Ergonomic office chair.", [
        ("OC-MESH-BLK", {"material": "mesh", "colour": "black"}, "189.00", 8),
        ("OC-LTH-BRN", {"material": "leather", "colour": "brown"}, "289.00", 3),
        ("OC-FAB-GRY", {"material": "fabric", "colour": "grey"}, "169.00", 5),
    ]),
    ("hiking-backpack", "Hiking Backpack", "outdoor", "Trailhead", "Daypack with a rain cover.", [
        ("HB-20-NYL-GRN", {"capacity": "20L", "material": "nylon", "colour": "green"}, "69.00", 14),
        ("HB-30-NYL-BLK", {"capacity": "30L", "material": "nylon", "colour": "black"}, "79.00", 10),
        ("HB-30-CNV-KHK", {"capacity": "30L", "material": "canvas", "colour": "khaki"}, "85.00", 4),
        ("HB-40-NYL-BLU", {"capacity": "40L", "material": "nylon", "colour": "blue"}, "95.00", 6),
    ]),
    ("sunglasses", "Sunglasses", "apparel", "Solis", "UV400 sunglasses.", [
        ("SG-AVI-POL-GLD", {"style": "aviator", "lens": "polarized", "colour": "gold"}, "119.00", 9),
        ("SG-AVI-STD-SLV", {"style": "aviator", "lens": "non-polarized", "colour": "silver"}, "89.00", 12),
        ("SG-WAY-POL-BLK", {"style": "wayfarer", "lens": "polarized", "colour": "black"}, "109.00", 7),
    ]),
    ("tank-top", "Tank Top", "apparel", "Basics", "Cotton tank top.", [
        ("TT-S-WHT", {"size": "S", "colour": "white"}, "18.00", 20),
        ("TT-M-WHT", {"size": "M", "colour": "white"}, "18.00", 20),
        ("TT-M-BLK", {"size": "M", "colour": "black"}, "18.00", 15),
        ("TT-L-BLK", {"size": "L", "colour": "black"}, "18.00", 0),
    ]),
    ("coffee-maker", "Coffee Maker", "home", "Brewly", "Programmable coffee maker.", [
        ("CM-4-DRIP-BLK", {"capacity": "4 cups", "style": "drip", "colour": "black"}, "49.00", 10),
        ("CM-8-DRIP-SLV", {"capacity": "8 cups", "style": "drip", "colour": "silver"}, "79.00", 7),
        ("CM-12-DRIP-BLK", {"capacity": "12 cups", "style": "drip", "colour": "black"}, "99.00", 5),
        ("CM-2-POUR-WHT", {"capacity": "2 cups", "style": "pour-over", "colour": "white"}, "39.00", 9),
    ]),
    ("yoga-mat", "Yoga Mat", "outdoor", "Flowfit", "Non-slip yoga mat.", [
        ("YM-4-PVC-PUR", {"thickness": "4mm", "material": "PVC", "colour": "purple"}, "25.00", 20),
        ("YM-6-TPE-BLU", {"thickness": "6mm", "material": "TPE", "colour": "blue"}, "35.00", 12),
        ("YM-6-RUB-GRN", {"thickness": "6mm", "material": "natural rubber", "colour": "green"}, "55.00", 6),
    ]),
    ("wireless-earbuds", "Wireless Earbuds", "tech", "Sonic", "Noise-cancelling earbuds.", [
        ("EB-BLK-8H", {"colour": "black", "battery life": "8 hours"}, "79.00", 15),
        ("EB-WHT-8H", {"colour": "white", "battery life": "8 hours"}, "79.00", 11),
        ("EB-BLU-12H", {"colour": "blue", "battery life": "12 hours"}, "99.00", 5),
    ]),
    ("smart-watch", "Smart Watch", "tech", "Pulse", "Fitness smart watch.", [
        ("SW-41-SIL-BLK", {"case size": "41mm", "band": "silicone", "colour": "black"}, "199.00", 6),
        ("SW-45-SIL-BLK", {"case size": "45mm", "band": "silicone", "colour": "black"}, "229.00", 5),
        ("SW-45-LTH-BRN", {"case size": "45mm", "band": "leather", "colour": "brown"}, "259.00", 3),
    ]),
]  # fmt: skip


# (email, first, last, (line1, city, region, zip, country), [payment methods])
CUSTOMERS: list[tuple[str, str, str, tuple[str, str, str, str, str], list[dict[str, Any]]]] = [
    ("mei.chen@example.net", "Mei", "Chen", ("410 Pine St", "San Francisco", "CA", "94108", "US"), [
        {"kind": "card", "brand": "Visa", "last4": "1142", "default": True},
        {"kind": "gift_card", "last4": "7731", "balance": "80.00"},
    ]),
    ("omar.haddad@example.net", "Omar", "Haddad", ("77 Elm Ave", "Austin", "TX", "78701", "US"), [
        {"kind": "paypal", "email": "omar.haddad@example.net", "default": True},
        {"kind": "card", "brand": "Mastercard", "last4": "5520"},
    ]),
    ("sofia.rossi@example.net", "Sofia", "Rossi", ("12 Lake Rd", "Chicago", "IL", "60601", "US"), [
        {"kind": "card", "brand": "Amex", "last4": "3005", "default": True},
        {"kind": "gift_card", "last4": "4410", "balance": "15.00"},
        {"kind": "paypal", "email": "sofia.r@example.net"},
    ]),
    ("liam.walsh@example.net", "Liam", "Walsh", ("5 Harbor Ln", "Boston", "MA", "02110", "US"), [
        {"kind": "gift_card", "last4": "9902", "balance": "250.00", "default": True},
        {"kind": "card", "brand": "Visa", "last4": "8871"},
    ]),
    ("ana.silva@example.net", "Ana", "Silva", ("300 Sunset Blvd", "Los Angeles", "CA", "90028", "US"), [
        {"kind": "card", "brand": "Visa", "last4": "6204", "default": True},
    ]),
    ("kenji.ito@example.net", "Kenji", "Ito", ("88 Maple Dr", "Seattle", "WA", "98104", "US"), [
        {"kind": "paypal", "email": "kenji.ito@example.net", "default": True},
        {"kind": "gift_card", "last4": "1288", "balance": "40.00"},
    ]),
    ("grace.okafor@example.net", "Grace", "Okafor", ("19 Cedar Ct", "Denver", "CO", "80202", "US"), [
        {"kind": "card", "brand": "Mastercard", "last4": "7316", "default": True},
        {"kind": "card", "brand": "Visa", "last4": "2290"},
    ]),
    ("noah.berg@example.net", "Noah", "Berg", ("640 Oak St", "Portland", "OR", "97205", "US"), [
        {"kind": "card", "brand": "Visa", "last4": "4417", "default": True},
        {"kind": "gift_card", "last4": "5053", "balance": "120.00"},
    ]),
]  # fmt: skip

# Extra saved addresses: (email, line1, city, region, zip, country)
EXTRA_ADDRESSES = [
    ("mei.chen@example.net", "2 Ocean Ave", "Santa Cruz", "CA", "95060", "US"),
    ("omar.haddad@example.net", "900 Congress Ave", "Austin", "TX", "78702", "US"),
]

# (number, email, status, days since placed, [(sku, qty)], payment method key, paid, ship-to)
# payment method key: "card:1142", "paypal", "gift:7731"; ship-to None = the default address, or
# an index into EXTRA_ADDRESSES.
ORDERS: list[tuple[str, str, str, int, list[tuple[str, int]], str, bool, int | None]] = [
    ("#W2001001", "mei.chen@example.net", "delivered", 12, [("WB-750-ST-BLU", 1), ("DL-MOD-BLK-USB", 1), ("TB-64-WIFI-GRY", 1)], "card:1142", True, None),
    ("#W2001002", "mei.chen@example.net", "pending", 2, [("SG-AVI-STD-SLV", 1), ("TT-M-WHT", 2)], "card:1142", True, None),
    ("#W2001003", "mei.chen@example.net", "shipped", 4, [("HB-30-NYL-BLK", 1)], "card:1142", True, 0),
    ("#W2001004", "omar.haddad@example.net", "delivered", 9, [("KB-CLK-NONE-80", 1), ("EB-BLK-8H", 1)], "paypal", True, None),
    ("#W2001005", "omar.haddad@example.net", "pending", 1, [("CM-8-DRIP-SLV", 1), ("YM-4-PVC-PUR", 1)], "paypal", True, 0),
    ("#W2001006", "omar.haddad@example.net", "pending", 1, [("WB-1000-PL-RED", 2)], "card:5520", False, None),
    ("#W2001007", "sofia.rossi@example.net", "delivered", 20, [("OC-MESH-BLK", 1), ("DL-CLS-SLV-AC", 1)], "card:3005", True, None),
    ("#W2001008", "sofia.rossi@example.net", "pending", 3, [("SW-41-SIL-BLK", 1), ("EB-WHT-8H", 1)], "card:3005", True, None),
    ("#W2001009", "sofia.rossi@example.net", "delivered", 60, [("YM-6-TPE-BLU", 1)], "card:3005", True, None),
    ("#W2001010", "liam.walsh@example.net", "pending", 2, [("TB-128-WIFI-GRY", 1), ("HB-20-NYL-GRN", 1)], "gift:9902", True, None),
    ("#W2001011", "liam.walsh@example.net", "delivered", 6, [("CM-12-DRIP-BLK", 1), ("WB-500-ST-BLU", 2), ("SG-WAY-POL-BLK", 1)], "card:8871", True, None),
    ("#W2001012", "liam.walsh@example.net", "processing", 1, [("KB-TAC-WHT-FULL", 1)], "card:8871", True, None),
    ("#W2001013", "ana.silva@example.net", "delivered", 5, [("TT-S-WHT", 1), ("SG-AVI-POL-GLD", 1), ("YM-4-PVC-PUR", 1)], "card:6204", True, None),
    ("#W2001014", "ana.silva@example.net", "pending", 1, [("OC-FAB-GRY", 1)], "card:6204", True, None),
    ("#W2001015", "kenji.ito@example.net", "delivered", 15, [("SW-45-SIL-BLK", 1), ("EB-BLU-12H", 1)], "paypal", True, None),
    ("#W2001016", "kenji.ito@example.net", "pending", 2, [("HB-40-NYL-BLU", 1), ("WB-750-GL-GRN", 1)], "paypal", True, None),
    ("#W2001017", "kenji.ito@example.net", "cancelled", 30, [("DL-MOD-WHT-AC", 1)], "paypal", True, None),
    ("#W2001018", "grace.okafor@example.net", "delivered", 3, [("KB-LIN-RGB-FULL", 1), ("DL-MOD-BLK-USB", 1)], "card:7316", True, None),
    ("#W2001019", "grace.okafor@example.net", "pending", 1, [("TB-128-CELL-SLV", 1)], "card:7316", True, None),
    ("#W2001020", "grace.okafor@example.net", "pending", 4, [("CM-4-DRIP-BLK", 1), ("TT-M-BLK", 1)], "card:2290", False, None),
    ("#W2001021", "noah.berg@example.net", "delivered", 8, [("OC-LTH-BRN", 1), ("YM-6-RUB-GRN", 1), ("WB-1000-ST-BLK", 1)], "card:4417", True, None),
    ("#W2001022", "noah.berg@example.net", "pending", 2, [("SG-AVI-POL-GLD", 1), ("HB-30-CNV-KHK", 1)], "gift:5053", True, None),
    ("#W2001023", "noah.berg@example.net", "shipped", 3, [("SW-45-LTH-BRN", 1)], "card:4417", True, None),
]  # fmt: skip

_CARRIERS = ["UPS", "FedEx", "USPS"]


def _method_ref(key: str, methods: list[dict[str, Any]]) -> dict[str, Any]:
    kind, _, tail = key.partition(":")
    for m in methods:
        if kind == "card" and m["kind"] == "card" and m["last4"] == tail:
            return {"kind": "card", "brand": m["brand"], "last4": m["last4"]}
        if kind == "paypal" and m["kind"] == "paypal":
            return {"kind": "paypal", "email": m["email"]}
        if kind == "gift" and m["kind"] == "gift_card" and m["last4"] == tail:
            return {"kind": "gift_card", "last4": m["last4"]}
    raise KeyError(key)


def _address(
    full_name: str, line1: str, city: str, region: str, postal_code: str, country: str
) -> dict[str, Any]:
    return {
        "full_name": full_name,
        "line1": line1,
        "city": city,
        "region": region,
        "postal_code": postal_code,
        "country": country,
    }


def document(now: dt.datetime | None = None) -> dict[str, Any]:
    """The shop as an `import_shop` document, its dates relative to `now`."""
    now = now or timezone.now()
    prices = {sku: Decimal(price) for *_, variants in PRODUCTS for sku, _, price, _ in variants}
    customers = []
    addresses: dict[str, dict[str, Any]] = {}
    methods: dict[str, list[dict[str, Any]]] = {}
    for email, first, last, (line1, city, region, zip_, country), pms in CUSTOMERS:
        home = {**_address(f"{first} {last}", line1, city, region, zip_, country), "default": True}
        extra = [_address(f"{first} {last}", *a[1:]) for a in EXTRA_ADDRESSES if a[0] == email]
        addresses[email] = home
        methods[email] = pms
        customers.append(
            {
                "email": email,
                "first_name": first,
                "last_name": last,
                "addresses": [home, *extra],
                "payment_methods": pms,
            }
        )
    orders = []
    for n, (number, email, status, days, lines, method, paid, ship_to) in enumerate(ORDERS):
        placed = now - dt.timedelta(days=days, hours=3)
        subtotal = sum((prices[sku] * qty for sku, qty in lines), Decimal("0"))
        shipping = Decimal("0.00") if subtotal >= Decimal("75") else Decimal("5.99")
        total = subtotal + shipping
        if ship_to is None:
            address = {k: v for k, v in addresses[email].items() if k != "default"}
        else:
            other = [x for x in EXTRA_ADDRESSES if x[0] == email][ship_to]
            address = _address(addresses[email]["full_name"], *other[1:])
        order: dict[str, Any] = {
            "number": number,
            "customer": email,
            "status": status,
            "placed_at": placed.isoformat(),
            "items": [
                {"sku": sku, "quantity": qty, "unit_price": str(prices[sku])} for sku, qty in lines
            ],
            "shipping_total": str(shipping),
            "grand_total": str(total),
            "shipping_address": address,
            "payment_method": _method_ref(method, methods[email]),
            "payments": [],
            "shipments": [],
        }
        if paid:
            order["payments"].append(
                {
                    "kind": "charge",
                    "status": "succeeded",
                    "amount": str(total),
                    "reference": f"ch_second_{number[2:]}",
                    "created_at": (placed + dt.timedelta(minutes=2)).isoformat(),
                }
            )
            if status != "pending":
                order["paid_at"] = (placed + dt.timedelta(minutes=2)).isoformat()
        if status in ("shipped", "delivered"):
            shipped = placed + dt.timedelta(days=1)
            order["shipped_at"] = shipped.isoformat()
            shipment: dict[str, Any] = {
                "carrier": _CARRIERS[n % 3],
                "tracking_number": f"TRK{number[2:]}{n:02d}",
                "shipped_at": shipped.isoformat(),
                "estimated_delivery": (shipped + dt.timedelta(days=3)).date().isoformat(),
                "events": [
                    {
                        "occurred_at": shipped.isoformat(),
                        "status": "label_created",
                        "description": "Shipping label created",
                    }
                ],
            }
            if status == "delivered":
                delivered = min(shipped + dt.timedelta(days=2), now - dt.timedelta(days=1))
                order["delivered_at"] = delivered.isoformat()
                shipment["delivered_at"] = delivered.isoformat()
                shipment["events"].append(
                    {
                        "occurred_at": delivered.isoformat(),
                        "status": "delivered",
                        "description": "Delivered",
                    }
                )
            order["shipments"].append(shipment)
        if status == "cancelled":
            order["cancelled_at"] = (placed + dt.timedelta(hours=5)).isoformat()
            order["cancel_reason"] = "no longer needed"
            order["payments"].append(
                {
                    "kind": "refund",
                    "status": "succeeded",
                    "amount": str(total),
                    "reference": f"re_second_{number[2:]}",
                    "created_at": (placed + dt.timedelta(hours=5)).isoformat(),
                }
            )
        orders.append(order)
    products = [
        {
            "slug": slug,
            "name": name,
            "category": category,
            "brand": brand,
            "description": description,
            "variants": [
                {"sku": sku, "options": options, "price": price, "stock": stock}
                for sku, options, price, stock in variants
            ],
        }
        for slug, name, category, brand, description, variants in PRODUCTS
    ]
    return {
        "format": "servicedesk.shop/1",
        "categories": CATEGORIES,
        "products": products,
        "customers": customers,
        "orders": orders,
    }
