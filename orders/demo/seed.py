"""The demo shop: a deterministic catalog, customers, order history and help center.

Everything is keyed on natural keys (slugs, SKUs, emails, order numbers, usernames) and created
only when missing, inside one transaction, so a second run changes nothing and a failed run
leaves nothing behind. The same random seed gives the same shop; dates are relative to the day
the shop was first seeded, so the history always looks recent.

Order histories are written directly rather than replayed through the services (that would
take minutes), but every status is reached by walking `ORDER_TRANSITIONS`, and each step gets
the audit event the services would have written.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.utils import timezone

from orders.demo.catalog import CATEGORIES, PRODUCTS
from orders.demo.credentials import ADMIN_USERNAME, AGENTS, CUSTOMER_PASSWORD, STAFF_PASSWORD
from orders.demo.help_articles import ARTICLES
from orders.demo.help_articles_zh import TRANSLATIONS
from orders.models import (
    ActorKind,
    Address,
    ArticleLanguage,
    AuditEvent,
    Carrier,
    Category,
    Customer,
    HelpArticle,
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
    RefundMethod,
    ReturnItem,
    ReturnKind,
    ReturnReason,
    ReturnRequest,
    ReturnStatus,
    Shipment,
    TrackingEvent,
    TrackingEventStatus,
    order_status_path,
)
from orders.pricing import totals_for

T = TypeVar("T")
SEED = 20240601
CUSTOMER_COUNT = 60
ORDER_COUNT = 400
# The desk's roles, created by desk/migrations/0002_groups.py (docs/desk.md).
AGENT_GROUP = "Agents"
SUPERVISOR_GROUP = "Supervisors"

# How the 400 orders spread over the statuses (sums to ORDER_COUNT).
STATUS_MIX = {
    OrderStatus.PENDING: 40,
    OrderStatus.PROCESSING: 45,
    OrderStatus.SHIPPED: 55,
    OrderStatus.DELIVERED: 170,
    OrderStatus.CANCELLED: 35,
    OrderStatus.RETURN_REQUESTED: 25,
    OrderStatus.RETURNED: 30,
}

FIRST_NAMES = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Mateo",
    "Sophia",
    "Elijah",
    "Isabella",
    "Lucas",
    "Mia",
    "Amara",
    "Charlotte",
    "Ethan",
    "Harper",
    "Wei",
    "Evelyn",
    "Arjun",
    "Abigail",
    "Diego",
    "Emily",
    "Kenji",
    "Ella",
    "Omar",
    "Chloe",
    "Samuel",
    "Grace",
    "Luca",
    "Zoe",
    "Hiro",
    "Nora",
    "Daniel",
    "Leila",
    "Gabriel",
    "Hannah",
    "Ivan",
    "Priya",
    "Jonah",
    "Maya",
    "Felix",
    "Aisha",
    "Theo",
    "Ruby",
    "Marco",
    "Sofia",
    "Jamal",
    "Lily",
    "Andre",
    "Fatima",
    "Owen",
    "Ingrid",
    "Tariq",
    "Camila",
    "Rafael",
    "Yuki",
    "Kofi",
    "Elena",
    "Hugo",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Garcia",
    "Brown",
    "Patel",
    "Kim",
    "Williams",
    "Lopez",
    "Nguyen",
    "Davis",
    "Rodriguez",
    "Chen",
    "Wilson",
    "Anderson",
    "Taylor",
    "Thomas",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Hall",
    "Allen",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Hill",
    "Campbell",
    "Mitchell",
    "Roberts",
    "Carter",
    "Phillips",
    "Evans",
    "Turner",
    "Torres",
    "Parker",
    "Collins",
    "Edwards",
    "Stewart",
    "Flores",
    "Morris",
    "Murphy",
    "Cook",
    "Rogers",
    "Morgan",
    "Peterson",
    "Cooper",
    "Reed",
    "Bailey",
    "Bell",
]
US_PLACES = [
    ("Portland", "OR", "97205"),
    ("Austin", "TX", "78701"),
    ("Chicago", "IL", "60614"),
    ("Denver", "CO", "80202"),
    ("Brooklyn", "NY", "11201"),
    ("Seattle", "WA", "98101"),
    ("Atlanta", "GA", "30309"),
    ("Boston", "MA", "02116"),
    ("San Diego", "CA", "92101"),
    ("Minneapolis", "MN", "55401"),
    ("Nashville", "TN", "37203"),
    ("Phoenix", "AZ", "85004"),
    ("Raleigh", "NC", "27601"),
    ("Madison", "WI", "53703"),
]
INTL_PLACES = [
    ("Toronto", "ON", "M5V 2T6", "CA"),
    ("London", "", "SW1A 1AA", "GB"),
    ("Berlin", "", "10115", "DE"),
    ("Melbourne", "VIC", "3000", "AU"),
    ("Dublin", "", "D02 X285", "IE"),
]
STREETS = [
    "Maple",
    "Oak",
    "Cedar",
    "Pine",
    "Elm",
    "Lake",
    "Hill",
    "Park",
    "River",
    "Harbor",
    "Sunset",
    "Willow",
    "Main",
    "Spruce",
]
HUBS = ["Louisville, KY", "Memphis, TN", "Indianapolis, IN", "Dallas, TX", "Ontario, CA"]
DECLINES = [
    "Card declined: insufficient funds",
    "Card declined: billing address mismatch",
    "Card declined: expired card",
    "Declined by the bank's fraud check",
]
PERSONAS = [("alice", "Alice", "Martin"), ("bob", "Bob", "Nguyen")]


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, n: int) -> None:
        self.created[what] = self.created.get(what, 0) + n


Progress = Callable[[str, int, int], None]


def _quiet(_: str, __: int, ___: int) -> None:
    return None


@transaction.atomic
def seed_demo(*, progress: Progress = _quiet, now: dt.datetime | None = None) -> SeedReport:
    rng = random.Random(SEED)
    now = now or timezone.now()
    report = SeedReport()
    _seed_categories(report)
    variants = _seed_products(rng, report, progress)
    _seed_help_center(report, progress)
    _seed_staff(report)
    _seed_canned(report)
    customers = _seed_customers(rng, report, progress)
    _seed_orders(rng, now, customers, variants, report, progress)
    return report


def _seed_categories(report: SeedReport) -> None:
    for spec in CATEGORIES:
        _, made = Category.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "description": spec["description"]}
        )
        report.add("categories", int(made))


def _sku_part(value: str) -> str:
    cleaned = "".join(ch for ch in value.upper() if ch.isalnum())
    return cleaned[:4] or "X"


def _seed_products(
    rng: random.Random, report: SeedReport, progress: Progress
) -> list[ProductVariant]:
    categories = {c.slug: c for c in Category.objects.all()}
    existing = set(Product.objects.values_list("slug", flat=True))
    for n, spec in enumerate(PRODUCTS, start=1):
        # Draw the random numbers whether or not the product exists, so later draws (and so the
        # rest of the shop) are the same on every run.
        rating = Decimal(rng.randint(34, 50)) / 10
        rating_count = rng.randint(3, 900)
        axes = list(spec["options"].items())
        combos = list(itertools.product(*(values for _, values in axes))) if axes else [()]
        stocks = [0 if rng.random() < 0.08 else rng.randint(1, 60) for _ in combos]
        progress("products", n, len(PRODUCTS))
        if spec["slug"] in existing:
            continue
        product = Product.objects.create(
            slug=spec["slug"],
            name=spec["name"],
            category=categories[spec["category"]],
            brand=spec["brand"],
            description=spec["description"],
            tags=spec["tags"],
            rating=rating,
            rating_count=rating_count,
        )
        base = Decimal(spec["price"])
        made: list[ProductVariant] = []
        skus: set[str] = set()
        for combo, stock in zip(combos, stocks, strict=True):
            options = {name: value for (name, _), value in zip(axes, combo, strict=True)}
            price = base
            if "capacity" in options:
                # Bigger capacities cost more; sizes and colours share one price, as in most shops.
                price += Decimal(10) * spec["options"]["capacity"].index(options["capacity"])
            sku = "-".join(["HL", f"{n:04d}", *(_sku_part(v) for v in combo)])
            if sku in skus:  # two values that abbreviate alike ("Navy Blue", "Navy Green")
                sku = f"{sku}{len(made)}"
            skus.add(sku)
            made.append(
                ProductVariant(product=product, sku=sku, options=options, price=price, stock=stock)
            )
        ProductVariant.objects.bulk_create(made)
        report.add("products", 1)
        report.add("variants", len(made))
    return list(ProductVariant.objects.select_related("product").order_by("sku"))


def _seed_help_center(report: SeedReport, progress: Progress) -> None:
    existing = set(HelpArticle.objects.values_list("slug", flat=True))
    new = [
        HelpArticle(slug=a["slug"], title=a["title"], category=a["category"], body=a["body"])
        for a in ARTICLES
        if a["slug"] not in existing
    ]
    HelpArticle.objects.bulk_create(new)
    # The Chinese version of every article: its own page, the same figures.
    originals = {
        a.slug: a for a in HelpArticle.objects.filter(slug__in=[a["slug"] for a in ARTICLES])
    }
    translated = set(
        HelpArticle.objects.filter(language=ArticleLanguage.CHINESE).values_list(
            "translation_of__slug", flat=True
        )
    )
    chinese = [
        HelpArticle(
            slug=f"{slug}-zh",
            title=t["title"],
            category=originals[slug].category,
            body=t["body"],
            language=ArticleLanguage.CHINESE,
            translation_of=originals[slug],
        )
        for slug, t in TRANSLATIONS.items()
        if slug in originals and slug not in translated and f"{slug}-zh" not in existing
    ]
    HelpArticle.objects.bulk_create(chinese)
    progress("help articles", len(ARTICLES), len(ARTICLES))
    report.add("help articles", len(new))
    report.add("help articles in Chinese", len(chinese))


# Ready answers for the desk's picker ({customer_name}, {order_number} and {agent_name} are filled
# for the chat, and the agent sees the text in the composer before sending). Chinese ones too,
# for the shop's Chinese customers.
CANNED = [
    (
        "Greeting",
        "Hi {customer_name}, this is {agent_name} from Harbor Lane. I've read your "
        "messages and I'm looking into this now.",
    ),
    (
        "Checking the order",
        "Thanks, {customer_name}. I'm checking order {order_number} with our "
        "warehouse and will be back in a few minutes.",
    ),
    (
        "Cancelled",
        "Order {order_number} is cancelled. The refund goes back to the way you paid "
        "and usually shows within 5-10 business days.",
    ),
    (
        "Return opened",
        "I've opened the return for order {order_number}. You'll get the prepaid "
        "label by email; drop the parcel off within 14 days.",
    ),
    (
        "Delay apology",
        "I'm sorry order {order_number} is taking longer than it should. I've asked "
        "the carrier to look into it and will write to you as soon as I hear back.",
    ),
    ("Anything else", "Is there anything else I can help you with today, {customer_name}?"),
    ("Closing", "Thanks for chatting with us, {customer_name}. Have a lovely day!"),
    (
        "问候",
        "{customer_name}您好，我是Harbor Lane的{agent_name}。您的消息我都看过了，正在为您处理。",
    ),
    ("查询订单", "谢谢{customer_name}，我正在和仓库核实订单 {order_number}，几分钟后回复您。"),
    ("已取消", "订单 {order_number} 已取消，款项会原路退回，通常在5-10个工作日内到账。"),
    (
        "延误致歉",
        "很抱歉订单 {order_number} 比预期慢了。我已请承运商核查，有消息会第一时间告诉您。",
    ),
    ("还需要帮助吗", "{customer_name}，请问还有什么可以帮您的吗？"),
]


def _seed_canned(report: SeedReport) -> None:
    from desk.models import CannedResponse

    if CannedResponse.objects.exists():
        return  # the shop's own set: never touched
    CannedResponse.objects.bulk_create(CannedResponse(title=t, text=x) for t, x in CANNED)
    report.add("canned responses", len(CANNED))


def _seed_staff(report: SeedReport) -> None:
    agents, _ = Group.objects.get_or_create(name=AGENT_GROUP)
    supervisors, _ = Group.objects.get_or_create(name=SUPERVISOR_GROUP)
    # Agents reach customers and orders only through the desk, scoped to their own chats'
    # verified customer: in the admin they may read the catalog and the help center, nothing
    # about customers. Supervisors and admins run the console. Set on every seed, so a shop
    # seeded when agents could change orders in the admin is put right.
    agents.permissions.set(
        Permission.objects.filter(
            content_type__app_label="orders",
            codename__in=["view_product", "view_productvariant", "view_helparticle"],
        )
    )
    supervisors.permissions.set(
        Permission.objects.filter(content_type__app_label="orders").exclude(
            codename__startswith="delete_"
        )
    )
    if not User.objects.filter(username=ADMIN_USERNAME).exists():
        User.objects.create_superuser(
            ADMIN_USERNAME,
            "admin@harborlane.example",
            STAFF_PASSWORD,
            first_name="Shop",
            last_name="Admin",
        )
        report.add("staff users", 1)
    for username, first, last, is_supervisor in AGENTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username,
                f"{username}@harborlane.example",
                STAFF_PASSWORD,
                first_name=first,
                last_name=last,
                is_staff=True,
            )
            report.add("staff users", 1)
        # Also for users seeded before the desk's groups existed.
        user.groups.add(supervisors if is_supervisor else agents)


def _seed_customers(rng: random.Random, report: SeedReport, progress: Progress) -> list[Customer]:
    names = list(PERSONAS)
    pairs = [(f, ln) for f in FIRST_NAMES for ln in LAST_NAMES]
    rng.shuffle(pairs)
    for first, last in pairs:
        if len(names) >= CUSTOMER_COUNT:
            break
        if first.lower() not in {n[0] for n in names}:
            names.append((first.lower(), first, last))
    existing = set(Customer.objects.values_list("email", flat=True))
    # One hash for everyone: hashing 60 passwords would take longer than the rest of the seed.
    password_hash = User(username="x")
    password_hash.set_password(CUSTOMER_PASSWORD)
    for n, (key, first, last) in enumerate(names, start=1):
        email = f"{key}@example.com" if n <= len(PERSONAS) else f"{key}.{last.lower()}@example.com"
        intl = n > len(PERSONAS) and rng.random() < 0.12
        place = rng.choice(INTL_PLACES) if intl else (*rng.choice(US_PLACES), "US")
        street = f"{rng.randint(10, 9800)} {rng.choice(STREETS)} {rng.choice(['St', 'Ave', 'Rd'])}"
        second = (*rng.choice(US_PLACES), "US")
        phone = f"+1 555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
        card = (
            rng.choice(["Visa", "Mastercard", "Amex", "Discover"]),
            f"{rng.randint(0, 9999):04d}",
        )
        extras = rng.random()
        progress("customers", n, len(names))
        if email in existing:
            continue
        user = User.objects.create(
            username=email,
            email=email,
            first_name=first,
            last_name=last,
            password=password_hash.password,
        )
        customer = Customer.objects.create(
            user=user, first_name=first, last_name=last, email=email, phone=phone
        )
        city, region, postal, country = place
        Address.objects.create(
            customer=customer,
            full_name=f"{first} {last}",
            line1=street,
            city=city,
            region=region,
            postal_code=postal,
            country=country,
            phone=phone,
            is_default=True,
        )
        if extras < 0.4:
            Address.objects.create(
                customer=customer,
                full_name=f"{first} {last}",
                line1=f"{rng.randint(1, 400)} "
                f"{rng.choice(STREETS)} Ave, Suite {rng.randint(100, 900)}",
                city=second[0],
                region=second[1],
                postal_code=second[2],
                country="US",
                phone=phone,
            )
        PaymentMethod.objects.create(
            customer=customer,
            kind=PaymentMethodKind.CARD,
            card_brand=card[0],
            card_last4=card[1],
            card_exp_month=1 + n % 12,
            card_exp_year=2027 + n % 4,
            is_default=True,
        )
        if extras < 0.5:
            PaymentMethod.objects.create(
                customer=customer, kind=PaymentMethodKind.PAYPAL, paypal_email=email
            )
        if extras < 0.15 or n == 1:
            PaymentMethod.objects.create(
                customer=customer,
                kind=PaymentMethodKind.GIFT_CARD,
                gift_card_last4=f"{(n * 7919) % 10000:04d}",
                gift_card_balance=Decimal("50.00"),
            )
        report.add("customers", 1)
    emails = [
        f"{k}@example.com" if i < len(PERSONAS) else f"{k}.{ln.lower()}@example.com"
        for i, (k, _, ln) in enumerate(names)
    ]
    by_email = {
        c.email: c
        for c in Customer.objects.filter(email__in=emails).prefetch_related(
            "addresses", "payment_methods"
        )
    }
    return [by_email[e] for e in emails]


@dataclass
class _Batch:
    orders: list[Order] = field(default_factory=list)
    items: list[OrderItem] = field(default_factory=list)
    shipments: list[Shipment] = field(default_factory=list)
    events: list[TrackingEvent] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    returns: list[ReturnRequest] = field(default_factory=list)
    return_items: list[ReturnItem] = field(default_factory=list)
    audits: list[AuditEvent] = field(default_factory=list)


def _status_plan(rng: random.Random) -> list[str]:
    plan: list[str] = [s for s, n in STATUS_MIX.items() for _ in range(n)]
    rng.shuffle(plan)
    # Alice has an order in every status and Bob a few, so each demo story has a persona.
    head = [str(s) for s in STATUS_MIX] + [
        OrderStatus.DELIVERED,
        OrderStatus.SHIPPED,
        OrderStatus.PENDING,
        OrderStatus.DELIVERED,
    ]
    for s in head:
        plan.remove(s)
    return head + plan


def _seed_orders(
    rng: random.Random,
    now: dt.datetime,
    customers: list[Customer],
    variants: list[ProductVariant],
    report: SeedReport,
    progress: Progress,
) -> None:
    prefix = settings.ORDER_NUMBER_PREFIX
    existing = set(Order.objects.filter(number__startswith=prefix).values_list("number", flat=True))
    batch = _Batch()
    sellable = [v for v in variants if v.stock > 0]
    for i, status in enumerate(_status_plan(rng), start=1):
        if i <= len(STATUS_MIX):
            customer = customers[0]
        elif i <= len(STATUS_MIX) + 4:
            customer = customers[1]
        else:
            customer = rng.choice(customers)
        number = f"{prefix}{100000 + i}"
        # Build every order, even existing ones, so the random stream stays the same.
        _build_order(
            rng, now, batch, number, status, customer, sellable, persona=i <= len(STATUS_MIX) + 4
        )
        progress("orders", i, ORDER_COUNT)
    keep = [o for o in batch.orders if o.number not in existing]
    kept = {id(o) for o in keep}
    Order.objects.bulk_create(keep)

    def mine(rows: list[T], parent: Callable[[T], Order | None]) -> list[T]:
        return [r for r in rows if id(parent(r)) in kept]

    OrderItem.objects.bulk_create(mine(batch.items, lambda r: r.order))
    Shipment.objects.bulk_create(mine(batch.shipments, lambda r: r.order))
    Payment.objects.bulk_create(mine(batch.payments, lambda r: r.order))
    ReturnRequest.objects.bulk_create(mine(batch.returns, lambda r: r.order))
    TrackingEvent.objects.bulk_create(mine(batch.events, lambda r: r.shipment.order))
    ReturnItem.objects.bulk_create(mine(batch.return_items, lambda r: r.return_request.order))
    AuditEvent.objects.bulk_create(mine(batch.audits, lambda r: r.order))
    report.add("orders", len(keep))


CARRIER_SPEED = {Carrier.USPS: 4, Carrier.UPS: 3, Carrier.FEDEX: 2, Carrier.DHL: 7}


def _tracking_number(rng: random.Random, carrier: str) -> str:
    digits = "0123456789"
    if carrier == Carrier.UPS:
        return "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXY") for _ in range(16))
    if carrier == Carrier.USPS:
        return "9400" + "".join(rng.choice(digits) for _ in range(18))
    if carrier == Carrier.FEDEX:
        return "".join(rng.choice(digits) for _ in range(12))
    return "".join(rng.choice(digits) for _ in range(10))


def _build_order(
    rng: random.Random,
    now: dt.datetime,
    batch: _Batch,
    number: str,
    status: str,
    customer: Customer,
    sellable: list[ProductVariant],
    *,
    persona: bool = False,
) -> None:
    address = next(a for a in customer.addresses.all() if a.is_default)
    method = next(m for m in customer.payment_methods.all() if m.is_default)
    picks = rng.sample(sellable, k=rng.choice([1, 1, 1, 2, 2, 3]))
    lines = [(v, rng.choice([1, 1, 1, 1, 2])) for v in picks]
    totals = totals_for(lines=[(v.price, q) for v, q in lines], country=address.country)
    path = order_status_path(status)

    # A timeline that fits the status: delivered orders are older, pending ones are fresh.
    if status == OrderStatus.PENDING:
        age = dt.timedelta(hours=rng.randint(1, 40))
    elif status == OrderStatus.PROCESSING:
        age = dt.timedelta(hours=rng.randint(2, 30))
    elif status == OrderStatus.SHIPPED:
        age = dt.timedelta(days=rng.randint(2, 9), hours=rng.randint(0, 23))
    elif status == OrderStatus.CANCELLED:
        age = dt.timedelta(days=rng.randint(1, 150))
    elif status == OrderStatus.RETURN_REQUESTED:
        age = dt.timedelta(days=rng.randint(10, 28))
    else:
        age = dt.timedelta(days=rng.randint(8, 180), hours=rng.randint(0, 23))
        if persona:
            # The personas' delivered orders are recent, so the demo can return and exchange
            # them (the same random draws, so the rest of the shop stays the same).
            age = dt.timedelta(days=10 + age.days % 8, hours=age.seconds // 3600)
    placed = now - age
    times: dict[str, dt.datetime] = {OrderStatus.PENDING: placed}
    paid = placed + dt.timedelta(minutes=rng.randint(1, 90))
    intl = address.country != "US"
    carrier = Carrier.DHL if intl else rng.choice([Carrier.USPS, Carrier.UPS, Carrier.FEDEX])
    shipped = paid + dt.timedelta(hours=rng.randint(6, 40))
    transit = dt.timedelta(days=CARRIER_SPEED[carrier] + rng.randint(0, 2))
    delivered = shipped + transit
    if OrderStatus.PROCESSING in path:
        times[OrderStatus.PROCESSING] = paid
    if OrderStatus.SHIPPED in path:
        times[OrderStatus.SHIPPED] = shipped
    if OrderStatus.DELIVERED in path:
        times[OrderStatus.DELIVERED] = delivered
    cancelled_while = rng.choice([OrderStatus.PENDING, OrderStatus.PROCESSING])
    if status == OrderStatus.CANCELLED:
        path = [*order_status_path(cancelled_while), OrderStatus.CANCELLED]
        if cancelled_while == OrderStatus.PROCESSING:
            times[OrderStatus.PROCESSING] = paid
        times[OrderStatus.CANCELLED] = times[cancelled_while] + dt.timedelta(
            hours=rng.randint(1, 20)
        )
    return_at = delivered + dt.timedelta(days=rng.randint(1, 9))
    if OrderStatus.RETURN_REQUESTED in path:
        times[OrderStatus.RETURN_REQUESTED] = return_at
    if OrderStatus.RETURNED in path:
        times[OrderStatus.RETURNED] = return_at + dt.timedelta(days=rng.randint(4, 10))

    order = Order(
        number=number,
        customer=customer,
        status=path[-1],
        currency=settings.SHOP_CURRENCY,
        subtotal=totals.subtotal,
        shipping_total=totals.shipping_total,
        tax_total=totals.tax_total,
        discount_total=totals.discount_total,
        grand_total=totals.grand_total,
        shipping_address=address.snapshot(),
        payment_method=method,
        placed_at=placed,
        paid_at=times.get(OrderStatus.PROCESSING),
        shipped_at=times.get(OrderStatus.SHIPPED),
        delivered_at=times.get(OrderStatus.DELIVERED),
        cancelled_at=times.get(OrderStatus.CANCELLED),
    )
    if status == OrderStatus.CANCELLED:
        order.cancel_reason = rng.choice(
            [
                "I ordered by mistake",
                "Found a better price",
                "It will arrive too late",
                "Payment not completed within 48 hours",
            ]
        )
    batch.orders.append(order)
    items = [
        OrderItem(
            order=order,
            variant=v,
            product_name=v.product.name,
            variant_label=v.label,
            sku=v.sku,
            quantity=q,
            unit_price=v.price,
        )
        for v, q in lines
    ]
    batch.items.extend(items)

    ref = number.replace("-", "").lower()
    if status == OrderStatus.PENDING and rng.random() < 0.3:
        batch.payments.append(
            Payment(
                order=order,
                method=method,
                kind=PaymentKind.CHARGE,
                status=PaymentStatus.FAILED,
                amount=order.grand_total,
                currency=order.currency,
                reference=f"ch_{ref}_f",
                failure_reason=rng.choice(DECLINES),
                created_at=placed + dt.timedelta(minutes=1),
            )
        )
    if OrderStatus.PROCESSING in times:
        batch.payments.append(
            Payment(
                order=order,
                method=method,
                kind=PaymentKind.CHARGE,
                status=PaymentStatus.SUCCEEDED,
                amount=order.grand_total,
                currency=order.currency,
                reference=f"ch_{ref}",
                created_at=paid,
            )
        )
        if status == OrderStatus.CANCELLED:
            batch.payments.append(
                Payment(
                    order=order,
                    method=method,
                    kind=PaymentKind.REFUND,
                    status=PaymentStatus.SUCCEEDED,
                    amount=order.grand_total,
                    currency=order.currency,
                    reference=f"re_{ref}",
                    created_at=times[OrderStatus.CANCELLED],
                )
            )

    if OrderStatus.SHIPPED in times:
        _build_shipment(rng, now, batch, order, carrier, shipped, delivered, status)
    if OrderStatus.RETURN_REQUESTED in times:
        _build_return(rng, batch, order, items, status, times, method)

    actors = {
        OrderStatus.PENDING: (ActorKind.CUSTOMER, customer.email, "order.create"),
        OrderStatus.PROCESSING: (ActorKind.SYSTEM, "payment gateway", "order.status"),
        OrderStatus.SHIPPED: (ActorKind.STAFF, "warehouse", "order.status"),
        OrderStatus.DELIVERED: (ActorKind.SYSTEM, f"{carrier} tracking", "order.status"),
        OrderStatus.CANCELLED: (ActorKind.CUSTOMER, customer.email, "order.status"),
        OrderStatus.RETURN_REQUESTED: (ActorKind.CUSTOMER, customer.email, "order.status"),
        OrderStatus.RETURNED: (ActorKind.STAFF, "returns desk", "order.status"),
    }
    for before, after in zip(["", *path[:-1]], path, strict=True):
        kind, label, action = actors[OrderStatus(after)]
        batch.audits.append(
            AuditEvent(
                subject_type="order",
                subject_id=number,
                action=action,
                field="status",
                from_value=before,
                to_value=after,
                order=order,
                customer=customer,
                actor_kind=kind,
                actor_label=label,
                created_at=times[after],
                note=order.cancel_reason if after == OrderStatus.CANCELLED else "",
            )
        )


def _build_shipment(
    rng: random.Random,
    now: dt.datetime,
    batch: _Batch,
    order: Order,
    carrier: str,
    shipped: dt.datetime,
    delivered: dt.datetime,
    status: str,
) -> None:
    in_flight = status == OrderStatus.SHIPPED
    late = in_flight and rng.random() < 0.2
    eta = (shipped + dt.timedelta(days=CARRIER_SPEED[Carrier(carrier)] + 1)).date()
    if in_flight:
        eta = max(eta, (now + dt.timedelta(days=1)).date())
    if late:
        # A parcel that should have arrived by now: the "where is my order" story.
        eta = (now - dt.timedelta(days=rng.randint(1, 4))).date()
    shipment = Shipment(
        order=order,
        carrier=carrier,
        tracking_number=_tracking_number(rng, carrier),
        shipped_at=shipped,
        estimated_delivery=eta,
        delivered_at=None if in_flight else delivered,
    )
    batch.shipments.append(shipment)
    city = order.shipping_address.get("city", "")
    steps = [
        (
            shipped - dt.timedelta(hours=3),
            TrackingEventStatus.LABEL_CREATED,
            "Shipping label created",
            "Harbor Lane warehouse, Columbus, OH",
        ),
        (shipped, TrackingEventStatus.PICKED_UP, "Picked up by carrier", "Columbus, OH"),
    ]
    hops = rng.sample(HUBS, k=2)
    total = delivered - shipped
    if in_flight:
        # Still on its way: the hops so far lie between pick-up and now.
        total = min(total, (now - shipped) * 0.9)
    for k, hub in enumerate(hops, start=1):
        steps.append(
            (
                shipped + total * k / 3,
                TrackingEventStatus.IN_TRANSIT,
                "Arrived at carrier facility",
                hub,
            )
        )
    if late:
        steps.append(
            (
                shipped + total * 0.8,
                TrackingEventStatus.EXCEPTION,
                "Delayed: weather conditions in the carrier network",
                hops[-1],
            )
        )
    if not in_flight:
        steps.append(
            (
                delivered - dt.timedelta(hours=5),
                TrackingEventStatus.OUT_FOR_DELIVERY,
                "Out for delivery",
                city,
            )
        )
        steps.append(
            (delivered, TrackingEventStatus.DELIVERED, "Delivered, left at front door", city)
        )
    for when, code, text, where in steps:
        batch.events.append(
            TrackingEvent(
                shipment=shipment,
                occurred_at=when,
                status=code,
                description=text,
                location=where,
            )
        )


def _build_return(
    rng: random.Random,
    batch: _Batch,
    order: Order,
    items: list[OrderItem],
    status: str,
    times: dict[str, dt.datetime],
    method: PaymentMethod,
) -> None:
    kind = ReturnKind.EXCHANGE if rng.random() < 0.25 else ReturnKind.RETURN
    reason = rng.choice(list(ReturnReason))
    if kind == ReturnKind.EXCHANGE:
        reason = rng.choice([ReturnReason.TOO_SMALL, ReturnReason.TOO_LARGE])
    item = items[0]
    siblings = [v for v in item.variant.product.variants.all() if v.pk != item.variant.pk]
    if kind == ReturnKind.EXCHANGE and not siblings:
        kind = ReturnKind.RETURN
    refund_method = RefundMethod.GIFT_CARD if rng.random() < 0.2 else RefundMethod.ORIGINAL
    refund = item.unit_price * item.quantity if kind == ReturnKind.RETURN else Decimal("0")
    if reason in (ReturnReason.DAMAGED, ReturnReason.WRONG_ITEM) and kind == ReturnKind.RETURN:
        refund += order.shipping_total
    finished = status == OrderStatus.RETURNED
    if finished:
        rstatus = ReturnStatus.EXCHANGED if kind == ReturnKind.EXCHANGE else ReturnStatus.REFUNDED
    else:
        rstatus = rng.choice([ReturnStatus.REQUESTED, ReturnStatus.APPROVED])
    rma = ReturnRequest(
        order=order,
        rma_number=f"RMA-{len(batch.returns) + 1:06d}",
        kind=kind,
        status=rstatus,
        reason=reason,
        refund_method=refund_method,
        refund_amount=refund,
        created_at=times[OrderStatus.RETURN_REQUESTED],
        resolved_at=times.get(OrderStatus.RETURNED),
    )
    batch.returns.append(rma)
    batch.return_items.append(
        ReturnItem(
            return_request=rma,
            order_item=item,
            quantity=item.quantity,
            exchange_variant=rng.choice(siblings) if kind == ReturnKind.EXCHANGE else None,
        )
    )
    if finished and refund > 0:
        batch.payments.append(
            Payment(
                order=order,
                method=None if refund_method == RefundMethod.GIFT_CARD else method,
                kind=PaymentKind.REFUND,
                status=PaymentStatus.SUCCEEDED,
                amount=refund,
                currency=order.currency,
                reference=f"re_{order.number.replace('-', '').lower()}",
                created_at=times[OrderStatus.RETURNED],
            )
        )
