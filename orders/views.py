"""The storefront: thin views over selectors and services."""

from __future__ import annotations

import hashlib
from xml.sax.saxutils import escape

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_http_methods, require_POST

from orders import payment_links, selectors, services
from orders.actors import Actor
from orders.errors import OrderNotFound, OrderPolicyError
from orders.models import Customer, HelpArticle, HelpArticleCategory, OrderStatus, Product

PAGE_SIZE = 24
# Stored in English (the order's cancel_reason); the form and the order page show them translated.
CANCEL_REASONS = [
    gettext_noop("I ordered by mistake"),
    gettext_noop("I found a better price"),
    gettext_noop("It will arrive too late"),
    gettext_noop("I want to change my order"),
    gettext_noop("Other"),
]


def _customer_for(request: HttpRequest) -> Customer | None:
    return getattr(request.user, "customer", None) if request.user.is_authenticated else None


def product_list(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:100]
    category = request.GET.get("category", "").strip()[:80]
    page = Paginator(
        selectors.product_list(search=search, category_slug=category), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    categories = list(selectors.category_list())
    current = next((c for c in categories if c.slug == category), None)
    return render(
        request,
        "orders/product_list.html",
        {
            "page": page,
            "categories": categories,
            "current_category": current,
            "search": search,
        },
    )


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.product_get(slug=slug)
    if product is None:
        raise Http404("No such product")
    variants = list(product.variants.all())
    axes: dict[str, list[str]] = {}
    for variant in variants:
        for key, value in variant.ordered_options():
            if value not in axes.setdefault(key, []):
                axes[key].append(value)
    return render(
        request,
        "orders/product_detail.html",
        {
            "product": product,
            "variants": variants,
            "axes": axes,
            "price_from": min((v.price for v in variants), default=None),
        },
    )


PALETTE = ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6d597a", "#355070", "#b56576"]


@cache_control(max_age=86400, public=True)
def product_image(request: HttpRequest, slug: str) -> HttpResponse:
    """A generated placeholder picture for products that have no image URL of their own."""
    product = get_object_or_404(Product, slug=slug)
    digest = hashlib.sha256(product.slug.encode()).digest()
    bg, fg = PALETTE[digest[0] % len(PALETTE)], PALETTE[digest[1] % len(PALETTE)]
    initials = "".join(w[0] for w in product.name.split()[:2]).upper()
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" role="img" '
        f'aria-label="{escape(product.name)}">'
        f'<rect width="400" height="400" fill="{bg}"/>'
        f'<circle cx="{120 + digest[2] % 160}" cy="{120 + digest[3] % 160}" r="130" '
        f'fill="{fg}" opacity="0.55"/>'
        '<text x="200" y="230" font-family="Georgia, serif" font-size="110" fill="#fff" '
        f'text-anchor="middle">{escape(initials)}</text>'
        f'<text x="200" y="370" font-family="Helvetica, sans-serif" font-size="22" '
        f'fill="#fff" text-anchor="middle" opacity="0.9">{escape(product.brand)}</text></svg>'
    )
    return HttpResponse(svg, content_type="image/svg+xml")


@login_required
def my_orders(request: HttpRequest) -> HttpResponse:
    customer = _customer_for(request)
    orders = selectors.order_list_for_customer(customer=customer) if customer else None
    return render(request, "orders/my_orders.html", {"customer": customer, "orders": orders})


@login_required
def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    customer = _customer_for(request)
    if customer is None:
        raise Http404("No such order")
    try:
        order = selectors.order_get_for_customer(customer=customer, number=number)
    except OrderNotFound:
        raise Http404("No such order") from None
    return render(
        request,
        "orders/order_detail.html",
        {"order": order, "cancel_reasons": [(reason, _(reason)) for reason in CANCEL_REASONS]},
    )


@login_required
@require_POST
def order_cancel(request: HttpRequest, number: str) -> HttpResponse:
    customer = _customer_for(request)
    if customer is None:
        raise Http404("No such order")
    reason = request.POST.get("reason", "")
    if reason not in CANCEL_REASONS:
        messages.error(request, _("Please choose a reason for the cancellation."))
        return redirect("shop:order_detail", number=number)
    try:
        services.order_cancel(order_number=number, reason=reason, actor=Actor.customer(customer))
    except OrderNotFound:
        raise Http404("No such order") from None
    except OrderPolicyError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Order %(number)s is cancelled. Any payment will be refunded.") % {"number": number},
        )
    return redirect("shop:order_detail", number=number)


@never_cache  # the page is reached by a secret link and shows an address: keep it out of caches
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, token: str) -> HttpResponse:
    """The pay page behind a pay link: no sign-in, the signed token is the permission."""
    order = payment_links.payment_link_order(token)
    if order is None:
        return render(request, "orders/pay.html", {"order": None}, status=404)
    if request.method == "POST":
        try:
            services.order_pay_by_link(order_number=order.number)
        except OrderPolicyError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Thank you! Order %(number)s is paid.") % {"number": order.number}
            )
        return redirect("shop:pay", token=token)
    return render(
        request,
        "orders/pay.html",
        {"order": order, "token": token, "payable": order.status == OrderStatus.PENDING},
    )


def help_center(request: HttpRequest) -> HttpResponse:
    language = "zh-Hans" if (request.LANGUAGE_CODE or "").lower().startswith("zh") else "en"
    articles = selectors.help_articles_in_language(language=language)
    groups = [
        (label, [a for a in articles if a.category == value])
        for value, label in HelpArticleCategory.choices
    ]
    return render(request, "orders/help_center.html", {"groups": [g for g in groups if g[1]]})


def help_article(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(HelpArticle, slug=slug, published=True)
    paragraphs = [p.strip() for p in article.body.split("\n\n") if p.strip()]
    blocks: list[dict[str, object]] = []
    for paragraph in paragraphs:
        # A paragraph is text lines, then optionally "- " bullet lines ("Agents are available:"
        # followed by a list).
        lines = paragraph.splitlines()
        first_bullet = next((i for i, ln in enumerate(lines) if ln.startswith("- ")), len(lines))
        if first_bullet:
            blocks.append({"text": "\n".join(lines[:first_bullet])})
        if bullets := [ln[2:] for ln in lines[first_bullet:] if ln.startswith("- ")]:
            blocks.append({"bullets": bullets})
    return render(request, "orders/help_article.html", {"article": article, "blocks": blocks})
