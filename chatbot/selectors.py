"""Reads of conversations."""

from __future__ import annotations

import re
import unicodedata
import uuid

from django.db.models import Prefetch, QuerySet

from chatbot.models import Conversation, Message, MessageState
from chatbot.tokens import ChatGrant
from orders.models import (
    Customer,
    HelpArticle,
    Order,
    OrderItem,
    PaymentMethod,
    Product,
    ProductVariant,
    ReturnRequest,
    Shipment,
)


def conversation_for_grant(grant: ChatGrant) -> Conversation | None:
    """The conversation a token names, only if it still belongs to the token's customer (or is
    still a guest's, for a guest token)."""
    qs = Conversation.objects.filter(pk=grant.conversation_id).select_related("customer")
    if grant.customer_id is None:
        return qs.filter(customer__isnull=True).first()
    return qs.filter(customer_id=grant.customer_id).first()


def messages_after(*, conversation_id: uuid.UUID, seq: int) -> QuerySet[Message]:
    """What a reconnecting client missed: every message past `seq`, oldest first."""
    return (
        Message.objects.filter(conversation_id=conversation_id, seq__gt=seq)
        .select_related("reply_to")
        .order_by("seq")
    )


def conversation_heartbeat(*, conversation_id: uuid.UUID) -> tuple[int, int]:
    """(newest seq, settled seq) of a conversation: the settled seq is the highest seq such that
    every message up to it is final or failed. A client holding less has missed frames and asks
    for the rest (`sync`, docs/protocol.md §3)."""
    last = (
        Conversation.objects.filter(pk=conversation_id).values_list("last_seq", flat=True).first()
    ) or 0
    open_seq = (
        Message.objects.filter(conversation_id=conversation_id, state=MessageState.STREAMING)
        .order_by("seq")
        .values_list("seq", flat=True)
        .first()
    )
    return last, (open_seq - 1 if open_seq is not None else last)


# --- reads for the assistant's brain (assistant) -------------------------------------------


def customer_for_email_and_order(*, email: str, order_number: str) -> Customer | None:
    """The customer with this email who placed this order; None when either does not match, so
    a caller can't tell a wrong email from a wrong order number."""
    orders = Order.objects.select_related("customer").filter(customer__email__iexact=email.strip())
    order = orders.filter(number__iexact=order_number).first()
    if order is None:
        # Written another way ("w8665881" for "#W8665881", "100003" for "SD-100003"): the same
        # order once both are folded to letters and digits, or the only one with those digits.
        key = _number_key(order_number)
        digits = re.sub(r"\D", "", order_number)
        mine = list(orders.order_by("-placed_at")[:2000])
        same = [o for o in mine if _number_key(o.number) == key]
        if not same and key == digits and len(digits) >= 4:
            same = [o for o in mine if re.sub(r"\D", "", o.number) == digits]
        order = same[0] if len(same) == 1 else None
    return order.customer if order is not None else None


def _number_key(number: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", number).upper())


def customer_for_name_and_zip(*, name: str, zip_code: str) -> Customer | None:
    """The one customer with this full name who has an address or an order shipped to this zip
    code; None when there is none or more than one."""
    parts = name.split()
    if len(parts) < 2:
        return None
    first, last = parts[0], " ".join(parts[1:])
    wanted = _postal_key(zip_code)
    if len(wanted) < 3:
        return None  # "zip 60" would be a prefix of thousands of codes
    found = []
    for customer in Customer.objects.filter(first_name__iexact=first, last_name__iexact=last)[:20]:
        codes = set(customer.addresses.values_list("postal_code", flat=True))
        codes |= {
            str((o.shipping_address or {}).get("postal_code", ""))
            for o in customer.orders.only("shipping_address")[:200]
        }
        if any(_postal_same(wanted, _postal_key(c)) for c in codes if c):
            found.append(customer)
    return found[0] if len(found) == 1 else None


def _name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or name
    return " ".join(re.findall(r"[a-z0-9]+", folded.casefold()))


def customer_for_email_and_name(*, email: str, name: str) -> Customer | None:
    """The customer with this email whose full name is this one (case, accents and spacing
    aside); None when either does not match."""
    customer = Customer.objects.filter(email__iexact=email.strip()).first()
    if customer is None or len(name.split()) < 2:
        return None
    return customer if _name_key(customer.full_name) == _name_key(name) else None


def customer_for_email_and_zip(*, email: str, zip_code: str) -> Customer | None:
    """The customer with this email who has an address or an order shipped to this zip code."""
    customer = Customer.objects.filter(email__iexact=email.strip()).first()
    wanted = _postal_key(zip_code)
    if customer is None or len(wanted) < 3:
        return None
    codes = set(customer.addresses.values_list("postal_code", flat=True))
    codes |= {
        str((o.shipping_address or {}).get("postal_code", ""))
        for o in customer.orders.only("shipping_address")[:200]
    }
    return customer if any(_postal_same(wanted, _postal_key(c)) for c in codes if c) else None


def _postal_key(code: str) -> str:
    return re.sub(r"[\s-]", "", unicodedata.normalize("NFKC", code)).upper()


def _postal_same(given: str, stored: str) -> bool:
    """The same postal code: equal once spaces and dashes go, or a US ZIP and its ZIP+4."""
    if given == stored:
        return True
    us = re.compile(r"\d{5}(\d{4})?")
    return bool(us.fullmatch(given) and us.fullmatch(stored) and given[:5] == stored[:5])


def _orders_for_bot(customer: Customer) -> QuerySet[Order]:
    """The customer's orders with everything the assistant talks about."""
    return (
        Order.objects.filter(customer=customer)
        .select_related("payment_method")
        .prefetch_related(
            Prefetch("items", queryset=OrderItem.objects.order_by("id")),
            Prefetch("shipments", queryset=Shipment.objects.prefetch_related("events")),
            "payments",
            "returns",
        )
    )


def orders_for_bot(*, customer: Customer, limit: int = 10) -> list[Order]:
    """The customer's most recent orders."""
    return list(_orders_for_bot(customer).order_by("-placed_at")[:limit])


def order_numbers_for_bot(*, customer: Customer, limit: int = 2000) -> list[str]:
    """The numbers of the customer's orders, newest first: what "my order 8665881" is matched
    against (`assistant.understanding.references`)."""
    return list(
        Order.objects.filter(customer=customer)
        .order_by("-placed_at")
        .values_list("number", flat=True)[:limit]
    )


def order_for_bot(*, customer: Customer, number: str) -> Order | None:
    """One of the customer's orders; None for a number that is someone else's or doesn't exist."""
    return _orders_for_bot(customer).filter(number__iexact=number).first()


def returns_for_bot(*, customer: Customer, limit: int = 3) -> list[ReturnRequest]:
    return list(
        ReturnRequest.objects.filter(order__customer=customer)
        .select_related("order")
        .order_by("-created_at")[:limit]
    )


def help_article_section(
    *, slug: str, heading: str, language: str | None = None
) -> tuple[str, str] | None:
    """The paragraph under `heading` in a published help article: (title, text). With a
    `language` ("zh-Hans") the same paragraph of the article's translation into it, where the
    translation keeps the original's paragraphs; else the original's."""
    article = HelpArticle.objects.filter(slug=slug, published=True).first()
    if article is None:
        return None
    paragraphs = [p.strip() for p in article.body.split("\n\n")]
    for i, paragraph in enumerate(paragraphs):
        first, _, rest = paragraph.partition("\n")
        if first.strip().lower() == heading.lower() and rest.strip():
            if language and language != article.language:
                translated = article.translations.filter(language=language, published=True).first()
                if translated is not None:
                    theirs = [p.strip() for p in translated.body.split("\n\n")]
                    if len(theirs) == len(paragraphs) and "\n" in theirs[i]:
                        body = theirs[i].partition("\n")[2]
                        return translated.title, " ".join(body.split())
            return article.title, " ".join(rest.split())
    return None


def payment_methods_for_bot(*, customer: Customer) -> list[PaymentMethod]:
    return list(PaymentMethod.objects.filter(customer=customer, is_active=True))


_AUDIENCE_WORD = re.compile(
    r"\b(women'?s|womens|ladies'?|men'?s|mens|kids'?|children'?s|girls'?|boys'?)\s*", re.I
)
_AUDIENCE_NAME = {"women": "Women's", "men": "Men's", "kids": "Kids'"}


def product_for_audience(*, product_id: int, audience: str) -> Product | None:
    """The same product for another audience: "Women's Waterproof Hiking Boot" for "men" is the
    active product named "Men's Waterproof Hiking Boot" (or "Waterproof Hiking Boot for Men")."""
    product = Product.objects.filter(pk=product_id).first()
    if product is None or audience not in _AUDIENCE_NAME:
        return None
    base = _AUDIENCE_WORD.sub("", product.name).strip()
    if not base or base == product.name:
        return None
    wanted = _AUDIENCE_NAME[audience]
    return (
        Product.objects.filter(is_active=True, name__iexact=f"{wanted} {base}")
        .exclude(pk=product_id)
        .first()
        or Product.objects.filter(is_active=True, name__iexact=f"{base} for {audience}")
        .exclude(pk=product_id)
        .first()
    )


def product_variants_for_bot(*, product_id: int) -> list[ProductVariant]:
    return list(
        ProductVariant.objects.filter(
            product_id=product_id, is_active=True, product__is_active=True
        ).select_related("product")
    )
