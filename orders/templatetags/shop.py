"""Template filters of the storefront."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def money(amount: Decimal | float | int, currency: str) -> str:
    """An amount as the storefront shows it: "$12.50" in US dollars, "12.50 EUR" otherwise."""
    value = floatformat(amount, 2)
    return f"${value}" if currency == "USD" else f"{value} {currency}"
