"""Pay links: how a customer who is not signed in (a guest verified in the chat) pays for an
order the assistant placed. The link carries the order number signed with SECRET_KEY and a
timestamp, so it works without a session, can't be pointed at another order, and expires after
PAYMENT_LINK_MAX_AGE_HOURS."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db.models import Prefetch
from django.urls import reverse

from orders.models import Order, OrderItem

SALT = "orders.pay"
# Longer than any token we sign; anything longer is refused before it is unsigned.
MAX_TOKEN_LENGTH = 200


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def payment_url(order_number: str) -> str:
    """The site-relative URL of the pay page for an order (`/pay/<token>/`)."""
    return reverse("shop:pay", args=[_signer().sign(order_number)])


def payment_link_check(token: str) -> str | None:
    """The order number a token was signed for, or None if it is forged, altered or expired."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        return _signer().unsign(
            token, max_age=dt.timedelta(hours=settings.PAYMENT_LINK_MAX_AGE_HOURS)
        )
    except signing.BadSignature:  # SignatureExpired is one too
        return None


def payment_link_order(token: str) -> Order | None:
    """The order a valid token names, with what the pay page shows; None for a bad token."""
    number = payment_link_check(token)
    if number is None:
        return None
    return (
        Order.objects.select_related("payment_method")
        .prefetch_related(Prefetch("items", queryset=OrderItem.objects.order_by("id")))
        .filter(number=number)
        .first()
    )
