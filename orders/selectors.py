"""Reads of the shop, shared by the storefront, the admin, the bot's tools and the agent desk.
Customer-facing selectors take the customer from server state and never return another
customer's rows."""

from __future__ import annotations

from django.db.models import Count, Min, Prefetch, Q, QuerySet, Sum

from orders.errors import OrderNotFound
from orders.models import (
    Category,
    Customer,
    HelpArticle,
    Order,
    OrderItem,
    Product,
    ProductVariant,
    Shipment,
)


def category_list() -> QuerySet[Category]:
    return Category.objects.annotate(
        product_count=Count("products", filter=Q(products__is_active=True))
    ).order_by("name")


def product_list(*, search: str = "", category_slug: str = "") -> QuerySet[Product]:
    qs = (
        Product.objects.filter(is_active=True)
        .select_related("category")
        .annotate(
            min_price=Min("variants__price", filter=Q(variants__is_active=True)),
            total_stock=Sum("variants__stock", filter=Q(variants__is_active=True)),
        )
    )
    if category_slug:
        qs = qs.filter(category__slug=category_slug)
    for word in search.split()[:8]:
        qs = qs.filter(
            Q(name__icontains=word)
            | Q(brand__icontains=word)
            | Q(description__icontains=word)
            | Q(category__name__icontains=word)
            | Q(variants__sku__iexact=word)
        )
    return qs.distinct().order_by("-rating", "name")


def product_get(*, slug: str) -> Product | None:
    return (
        Product.objects.filter(slug=slug, is_active=True)
        .select_related("category")
        .prefetch_related(
            Prefetch("variants", queryset=ProductVariant.objects.filter(is_active=True))
        )
        .first()
    )


def _order_detail_qs() -> QuerySet[Order]:
    return Order.objects.select_related("payment_method", "customer").prefetch_related(
        Prefetch("items", queryset=OrderItem.objects.order_by("id")),
        Prefetch("shipments", queryset=Shipment.objects.prefetch_related("events")),
        "returns",
    )


def order_list_for_customer(*, customer: Customer) -> QuerySet[Order]:
    return (
        Order.objects.filter(customer=customer)
        .prefetch_related("items", "shipments")
        .order_by("-placed_at")
    )


def order_get_for_customer(*, customer: Customer, number: str) -> Order:
    """The customer's order with its items, shipments and returns. Someone else's order raises
    the same `OrderNotFound` as a number that does not exist."""
    order = _order_detail_qs().filter(customer=customer, number=number).first()
    if order is None:
        raise OrderNotFound(number)
    return order


def help_article_list(*, published_only: bool = True) -> QuerySet[HelpArticle]:
    qs = HelpArticle.objects.all()
    return qs.filter(published=True) if published_only else qs


def help_articles_in_language(*, language: str) -> list[HelpArticle]:
    """The help center as a reader of `language` ("zh-Hans", "en") sees it: each published
    original, or its published translation into that language where there is one; a
    translation whose original is gone or unpublished is listed as it is. Two queries."""
    published = list(HelpArticle.objects.filter(published=True))
    translated = {
        a.translation_of_id: a for a in published if a.translation_of_id and a.language == language
    }
    originals = {a.pk for a in published if a.translation_of_id is None}
    shown = []
    for article in published:
        if article.translation_of_id is None:
            shown.append(translated.get(article.pk, article))
        elif article.translation_of_id not in originals and article.language == language:
            shown.append(article)
    return shown
