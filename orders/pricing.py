"""Shipping and totals. The figures match the help center's shipping article: change both
together."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

DOMESTIC_COUNTRY = "US"
STANDARD_SHIPPING = Decimal("5.99")
FREE_SHIPPING_FROM = Decimal("75.00")
INTERNATIONAL_SHIPPING = Decimal("19.99")
FREE_INTERNATIONAL_SHIPPING_FROM = Decimal("150.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    shipping_total: Decimal
    discount_total: Decimal
    tax_total: Decimal
    grand_total: Decimal


def shipping_for(*, subtotal: Decimal, country: str) -> Decimal:
    if country.upper() == DOMESTIC_COUNTRY:
        return Decimal("0.00") if subtotal >= FREE_SHIPPING_FROM else STANDARD_SHIPPING
    if subtotal >= FREE_INTERNATIONAL_SHIPPING_FROM:
        return Decimal("0.00")
    return INTERNATIONAL_SHIPPING


def totals_for(
    *, lines: Iterable[tuple[Decimal, int]], country: str, discount: Decimal = Decimal("0")
) -> Totals:
    """Totals for (unit price, quantity) lines shipped to `country`. US prices exclude sales tax,
    which this demo shop does not collect, so tax is zero."""
    subtotal = sum((price * qty for price, qty in lines), Decimal("0")).quantize(CENT)
    shipping = shipping_for(subtotal=subtotal, country=country)
    tax = Decimal("0.00")
    grand = max(subtotal + shipping + tax - discount, Decimal("0")).quantize(CENT)
    return Totals(subtotal, shipping, discount.quantize(CENT), tax, grand)
