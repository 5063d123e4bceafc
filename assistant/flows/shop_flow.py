"""The shop handlers: help-center answers (shipping, payments), recommendations and narrowing
them, questions about a product, and placing an order."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from assistant.flows.confirm import propose
from assistant.flows.context import (
    HELP_SURE_SCORE,
    Ctx,
    answer_from_help,
    need_customer,
    offer_orders,
    pay_link,
    start_task,
)
from assistant.flows.orders_flow import ask_address, pick_variant
from assistant.flows.state import Task
from assistant.replies import facts
from assistant.replies.turn import money
from chatbot import selectors
from orders.models import Customer, OrderStatus

# --- help center and products ------------------------------------------------------------------


def help_center(ctx: Ctx) -> None:
    ctx.turn.intent = "help_center"
    answer_from_help(ctx)


_ABROAD = re.compile(
    r"\b(international(ly)?|abroad|overseas|worldwide|outside (the )?(us|usa|united states)|"
    r"customs|duties|canada|mexico|uk|england|britain|ireland|europe|germany|france|spain|italy|"
    r"netherlands|australia|new zealand|japan|china|korea|india|brazil|singapore|sweden|norway)\b",
    re.IGNORECASE,
)


def shipping_info(ctx: Ctx) -> None:
    if _ABROAD.search(ctx.text) and not re.search(r"\b(duties|customs|tax)", ctx.text, re.I):
        # The help center's US rates passage reads much like any shipping question; a question
        # naming another country is about international shipping.
        answer_from_help(ctx, category="shipping", prefer=re.compile("international", re.I))
        return
    answer_from_help(ctx, category="shipping")


_EXTREME = re.compile(
    r"\b(cheapest|least expensive|lowest[- ]priced?|lowest price|most affordable|"
    r"most expensive|priciest|dearest|costs? the most|highest price[d]?|costliest)\b",
    re.I,
)
_DEAR = re.compile(r"most expensive|priciest|dearest|costs? the most|highest|costliest", re.I)
_ITEM_PRICES = re.compile(
    r"\b(how much|what|price|prices|cost)\b.{0,30}\b(pay|paid|cost|price|charge)\w*\b.{0,30}"
    r"\b(each|every|items?|things?|per|individually|separately)\b|\bitem prices?\b|"
    r"\bprice of each\b|\bbreak ?down\b",
    re.I,
)
_ABOUT_ORDER = re.compile(
    r"\b(was|were|did|i (paid|bought|ordered|got)|in (my|the|that|this|it)|of (them|those|"
    r"these)|which (one|item|thing)s?)\b",
    re.I,
)


_HOW_MANY = re.compile(
    r"\bhow many\b.{0,40}\b(options?|colou?rs?|sizes?|kinds?|types?|versions?|variants?|models?|"
    r"styles?|choices?)\b",
    re.I,
)


def options_count(ctx: Ctx) -> bool:
    """ "how many options of the water bottle are in stock?": counted from the catalog."""
    if not _HOW_MANY.search(ctx.text) or not ctx.ent.products:
        return False
    product_id = ctx.ent.products[0].product_id
    variants = [v for v in selectors.product_variants_for_bot(product_id=product_id) if v.is_active]
    if not variants:
        return False
    in_stock = [v for v in variants if v.stock > 0]
    name = variants[0].product.name
    currency = settings.SHOP_CURRENCY
    ctx.turn.intent = "product_question"
    ctx.turn.tools.append("catalog")
    values = {
        "product": name,
        "count": len(variants),
        "in_stock": len(in_stock),
        "options": facts.semicolon_list(f"{v.label} {money(v.price, currency)}" for v in in_stock),
    }
    ctx.turn.say(
        (
            _("%(product)s comes in %(count)s options, %(in_stock)s of them in stock: %(options)s.")
            if in_stock
            else _("%(product)s comes in %(count)s options, %(in_stock)s of them in stock.")
        )
        % values,
        keep=(name,),
    )
    ctx.state.shown_products = [product_id]
    return True


def price_question(ctx: Ctx, label: str) -> bool:
    """ "how much did I pay for each thing in #W2001011", "which one was the most expensive",
    "what's the cheapest tablet I can buy": prices of an order's items, or of a product's
    options in stock, from the database. True when answered."""
    text = ctx.text
    if label not in ("cancel_order", "change_order", "return_refund") and options_count(ctx):
        return True
    extreme = _EXTREME.search(text)
    if not extreme and not _ITEM_PRICES.search(text):
        return False
    customer = ctx.customer
    number = (ctx.ent.order_numbers or (ctx.state.focus_order,))[0]
    order_question = (
        customer is not None
        and number
        and (ctx.ent.order_numbers or _ITEM_PRICES.search(text) or _ABOUT_ORDER.search(text))
    )
    if order_question and not (extreme and ctx.ent.products and not ctx.ent.order_numbers):
        assert customer is not None
        order = selectors.order_for_bot(customer=customer, number=str(number))
        if order is not None and order.items.exists():
            ctx.turn.tools.append("order_lookup")
            ctx.turn.intent = "order_status"
            items = list(order.items.all())
            ctx.turn.say(
                _("In order %(number)s: %(items)s; total %(total)s.")
                % {
                    "number": order.number,
                    "items": facts.priced_items_line(order),
                    "total": money(order.grand_total, order.currency),
                },
                keep=(order.number,),
            )
            if extreme:
                pick = (max if _DEAR.search(extreme.group(0)) else min)(
                    items, key=lambda i: i.unit_price
                )
                said = (
                    _("The most expensive item was %(product)s (%(variant)s) at %(price)s.")
                    if _DEAR.search(extreme.group(0))
                    else _("The cheapest item was %(product)s (%(variant)s) at %(price)s.")
                )
                ctx.turn.say(
                    said
                    % {
                        "product": pick.product_name,
                        "variant": pick.variant_label,
                        "price": money(pick.unit_price, order.currency),
                    }
                )
            ctx.state.focus_order = order.number
            return True
    if not extreme or label in ("cancel_order", "change_order", "return_refund"):
        return False
    product_ids = [p.product_id for p in ctx.ent.products[:1]] or list(ctx.state.shown_products)
    variants = [
        v
        for pid in product_ids
        for v in selectors.product_variants_for_bot(product_id=pid)
        if v.stock > 0 and v.is_active
    ]
    if not variants:
        return False
    dear = bool(_DEAR.search(extreme.group(0)))
    ordered = sorted(variants, key=lambda v: v.price, reverse=dear)
    best = ordered[0]
    currency = settings.SHOP_CURRENCY
    label_text = f" ({best.label})" if best.label else ""
    said = (
        # Translators: %(variant)s is empty or " (colour / size)", with its leading space.
        _("The most expensive in stock is %(product)s%(variant)s at %(price)s.")
        if dear
        else _("The cheapest in stock is %(product)s%(variant)s at %(price)s.")
    )
    ctx.turn.intent = "product_question"
    ctx.turn.tools.append("catalog")
    ctx.turn.say(
        said
        % {
            "product": best.product.name,
            "variant": label_text,
            "price": money(best.price, currency),
        },
        keep=(best.product.name,),
    )
    others = ordered[1:6]
    if others:
        listed = facts.semicolon_list(
            f"{v.product.name} ({v.label}) {money(v.price, currency)}" for v in others
        )
        ctx.turn.say(_("Other options in stock: %(options)s.") % {"options": listed})
    ctx.state.shown_products = list(dict.fromkeys(v.product_id for v in ordered))[:6]
    return True


def payment_issue(ctx: Ctx) -> None:
    if ctx.customer is not None and ctx.ent.order_numbers:
        # "is #W2001014 paid?": that order's payment, from its payment records.
        order = selectors.order_for_bot(customer=ctx.customer, number=ctx.ent.order_numbers[0])
        if order is not None:
            ctx.turn.tools.append("order_lookup")
            if facts.is_paid(order):
                values = {
                    "number": order.number,
                    "amount": money(facts.net_paid(order), order.currency),
                    "method": order.payment_method.label if order.payment_method else "",
                    "status": order.get_status_display().lower(),
                }
                said = (
                    _("Order %(number)s is paid: %(amount)s with %(method)s. It is %(status)s.")
                    if order.payment_method
                    else _("Order %(number)s is paid: %(amount)s. It is %(status)s.")
                )
                ctx.turn.say(said % values, keep=(order.number,))
            elif order.status == OrderStatus.PENDING:
                pay_link(
                    ctx,
                    order,
                    intro=_("Order %(number)s hasn't been paid yet.") % {"number": order.number},
                )
            else:
                facts.order_summary(ctx.turn, order)
            ctx.state.focus_order = order.number
            return
        # Someone else's order (or none): the same words every flow gives, never a help
        # passage that reads as if the number were fine ("change the card on SD-…").
        number = ctx.ent.order_numbers[0]
        ctx.turn.say(
            _("I couldn't find an order %(number)s on your account. Please check the number.")
            % {"number": number}
        )
        offer_orders(ctx, ctx.customer, None)
        return
    answered = answer_from_help(ctx, category="payments", fallback=False)
    if ctx.customer is not None and _PAY_PROBLEM.search(ctx.text):
        pending = [
            o
            for o in selectors.orders_for_bot(customer=ctx.customer, limit=5)
            if o.status == OrderStatus.PENDING
            and not facts.is_paid(o)
            and (not ctx.ent.order_numbers or o.number in ctx.ent.order_numbers)
        ]
        if pending:
            pay_link(
                ctx,
                pending[0],
                intro=_("Order %(number)s is waiting for payment.") % {"number": pending[0].number},
            )
            answered = True
    if not answered:
        answer_from_help(ctx)


_PAY_PROBLEM = re.compile(
    r"\b(fail\w*|declin\w*|didn'?t go through|not go through|error|pay (for|now)|link|unpaid|"
    r"pending|complete (my|the) (payment|order)|couldn'?t pay|can'?t pay|won'?t (go|work))\b",
    re.IGNORECASE,
)


def refine(ctx: Ctx) -> None:
    """ "Something in black" right after a recommendation: the earlier request, narrowed."""
    ctx.turn.intent = "product_recommendation"
    recommend(ctx, query=f"{ctx.state.last_query or ''} {ctx.text}".strip())


def recommend(ctx: Ctx, *, query: str | None = None) -> None:
    from assistant.flows import knowledge

    query = query or ctx.text
    filters = knowledge.filters_parse(query, sizes=ctx.ent.sizes, colours=ctx.ent.colours)
    recs = knowledge.recommend(query, filters=filters, k=3)
    ctx.state.last_query = query[:300]
    ctx.turn.tools.append("recommend")
    passages = knowledge.help_search(ctx.text, k=1)
    if (
        passages
        and passages[0].score >= HELP_SURE_SCORE
        and (not recs or passages[0].score > recs[0].score)
    ):
        # "do you sell gift cards?": the help center answers it better than the catalog's
        # nearest product (a card holder).
        answer_from_help(ctx)
        return
    if not recs:
        ctx.turn.say(
            _(
                "I couldn't find anything in stock that matches. Try a different price range, "
                "size or colour?"
            )
        )
        return
    ctx.turn.say(_("Here are some picks:") if len(recs) > 1 else _("Here's a pick:"))
    for rec in recs:
        ctx.turn.say(
            # Translators: %(reason)s is "Rated 4.6/5 · Footwear · in stock · $89.00".
            _("%(product)s: %(reason)s.") % {"product": rec.name, "reason": rec.reason},
            keep=(rec.name,),
        )
    ctx.turn.attachments.append({"type": "products", "items": [knowledge.card(r) for r in recs]})
    ctx.state.shown_products = [r.product_id for r in recs]
    ctx.turn.chips(*[_("Buy the %(product)s") % {"product": r.name} for r in recs[:3]])
    ctx.turn.llm_ok = True


def product_question(ctx: Ctx) -> None:
    product_id = _product_meant(ctx)
    if product_id is not None:
        variants = selectors.product_variants_for_bot(product_id=product_id)
        if variants:
            product = variants[0].product
            prices = sorted({v.price for v in variants})
            price = (
                money(prices[0], settings.SHOP_CURRENCY)
                if len(prices) == 1
                # Translators: a price range, "$20.00 to $35.00".
                else _("%(low)s to %(high)s")
                % {
                    "low": money(prices[0], settings.SHOP_CURRENCY),
                    "high": money(prices[-1], settings.SHOP_CURRENCY),
                }
            )
            in_stock = [v.label for v in variants if v.stock > 0 and v.label]
            said = _product_facts(ctx, product)
            asked = _asked_options(ctx, variants)
            ctx.turn.say(
                _("%(product)s costs %(price)s.") % {"product": product.name, "price": price},
                keep=(product.name,),
            )
            if asked is not None:
                # "do they have an XS?": the options asked for, in stock or not, or never made.
                wanted, have, made = asked
                if not made:
                    ctx.turn.say(
                        _("%(product)s doesn't come in %(wanted)s.")
                        % {"product": product.name, "wanted": wanted},
                        keep=(product.name,),
                    )
                    if in_stock:
                        ctx.turn.say(
                            _("In stock: %(options)s.")
                            % {"options": facts.comma_list(in_stock[:10])}
                        )
                elif have:
                    ctx.turn.say(
                        _("In stock in %(wanted)s: %(options)s.")
                        % {"wanted": wanted, "options": facts.comma_list(have[:10])}
                    )
                else:
                    ctx.turn.say(_("%(wanted)s isn't in stock right now.") % {"wanted": wanted})
                    if in_stock:
                        ctx.turn.say(
                            _("In stock: %(options)s.")
                            % {"options": facts.comma_list(in_stock[:10])}
                        )
            elif in_stock:
                ctx.turn.say(
                    _("In stock: %(options)s.") % {"options": facts.comma_list(in_stock[:10])}
                )
            elif not any(v.stock > 0 for v in variants):
                ctx.turn.say(_("It's out of stock right now."))
            from django.urls import reverse

            ctx.turn.link(product.name, reverse("shop:product_detail", args=[product.slug]))
            ctx.state.shown_products = [product.pk]
            ctx.turn.tools.append("product_lookup")
            if not said and re.search(
                r"\b(size|fit|wash|care|material|warranty)\b", ctx.text, re.I
            ):
                answer_from_help(ctx, category="products", fallback=False)
            ctx.turn.llm_ok = True
            return
    if _AVAILABLE.search(ctx.text):
        # "do you have raincoats for kids?" names no product: the catalog answers, unless the
        # help center is the closer match ("do you sell gift cards?"), which recommend() weighs.
        recommend(ctx)
        return
    if not answer_from_help(ctx, fallback=False):
        recommend(ctx)


def _product_meant(ctx: Ctx) -> int | None:
    """The product a question is about: the one it names; else, right after products were
    shown, the one it points at ("do they have an XS?": the first shown)."""
    if ctx.ent.products:
        return ctx.ent.products[0].product_id
    by_price = _BY_PRICE.search(ctx.text)
    if ctx.state.shown_products and by_price is not None:
        # "the cheaper one": of the products just shown, by their lowest price.
        priced = []
        for pid in ctx.state.shown_products:
            prices = [v.price for v in selectors.product_variants_for_bot(product_id=pid)]
            if prices:
                priced.append((min(prices), pid))
        if priced:
            cheap = by_price.group(1).lower() in _CHEAP
            return (min(priced) if cheap else max(priced))[1]
    if ctx.state.shown_products and _POINTS_AT.search(ctx.text):
        m = _PICK.search(ctx.text)
        index = _ORDINALS.get(m.group(1).lower(), 0) if m else 0
        if index < len(ctx.state.shown_products):
            return ctx.state.shown_products[index]
    return None


_BY_PRICE = re.compile(
    r"\b(cheaper|cheapest|less expensive|lower priced|more expensive|most expensive|pricier|"
    r"priciest)\b",
    re.I,
)
_CHEAP = ("cheaper", "cheapest", "less expensive", "lower priced")
_POINTS_AT = re.compile(
    r"\b(it|they|them|this|that|these|those|first|second|third|1st|2nd|3rd)\b", re.I
)


def _asked_options(ctx: Ctx, variants: list[Any]) -> tuple[str, list[str], bool] | None:
    """The sizes and colours the question names ("in green in S"): how it said them, the labels
    of the variants in stock that have them, and whether any variant (in stock or not) has them
    at all. None when it names none."""
    sizes = [s.lower() for s in ctx.ent.sizes]
    colours = [c.lower() for c in ctx.ent.colours]
    if not sizes and not colours:
        return None

    def has(variant: Any) -> bool:
        values = [str(v).lower() for v in variant.options.values()]
        size_ok = not sizes or any(v == s for v in values for s in sizes)
        colour_ok = not colours or any(c in v for v in values for c in colours)
        return size_ok and colour_ok

    said = [" / ".join(c.title() for c in colours), " / ".join(s.upper() for s in sizes)]
    wanted = " / ".join(x for x in said if x)
    made = any(has(v) for v in variants)
    return wanted, [v.label for v in variants if v.stock > 0 and v.label and has(v)], made


_JUST_PRICE = re.compile(
    r"^\W*(?:how much|price|cost|what(?:'s| is| does) (?:the )?(?:price|cost)|is it in stock|"
    r"in stock|available)\b",
    re.I,
)


def _product_facts(ctx: Ctx, product: Any) -> bool:
    """Answer what the customer asked about the product ("can I swim with it?", "S or M?") from
    its own description, before its price. The description is the shop's text, quoted as it is
    written (in the shop's language). True when it answered."""
    from assistant.flows import knowledge

    if _JUST_PRICE.search(ctx.text):
        return False
    found = knowledge.product_facts(
        description=product.description, question=ctx.text, name=product.name, k=1
    )
    if not found:
        return False
    ctx.turn.say(
        _('About your question, the description of %(product)s says: "%(text)s"')
        % {"product": product.name, "text": found[0]},
        keep=(product.name,),
    )
    ctx.turn.tools.append("product_facts")
    return True


# "do you have…", "do you sell…", "got any…", "is there a…": a question about the range.
_AVAILABLE = re.compile(
    r"\b(do|does)\s+(you|the\s+shop|your\s+shop|y'?all)\s+(have|sell|carry|stock|offer|make)\b|"
    r"\b(have\s+you\s+got|got\s+any|any\s+chance\s+you\s+(have|sell)|is\s+there\s+an?|"
    r"are\s+there\s+any)\b",
    re.I,
)


# --- place an order ----------------------------------------------------------------------------

_PICK = re.compile(r"\b(first|1st|second|2nd|third|3rd|that one|this one|it)\b", re.I)
_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}


_BUY = re.compile(r"\b(buy|order|purchase|get|take|want|checkout|add|place|grab|have)\b", re.I)
_ASKS_ABOUT = re.compile(
    r"\b(how much|price|cost|tell me about|what is|what's|describe|in stock|available)\b|\?\s*$",
    re.I,
)


def place_order(ctx: Ctx) -> None:
    if ctx.ent.products and _ASKS_ABOUT.search(ctx.text) and not _BUY.search(ctx.text):
        # "How much is the lantern?" is a question about it, not an order to confirm.
        ctx.turn.intent = "product_question"
        product_question(ctx)
        return
    product_id: int | None = None
    if ctx.ent.products:
        product_id = ctx.ent.products[0].product_id
    elif ctx.state.shown_products:
        m = _PICK.search(ctx.text)
        index = _ORDINALS.get(m.group(1).lower(), 0) if m else 0
        if index < len(ctx.state.shown_products):
            product_id = ctx.state.shown_products[index]
    if product_id is None:
        ctx.turn.say(_("Which product would you like to buy? Tell me what you're looking for."))
        ctx.state.task = Task(name="place_order", asking="product")
        return
    customer = need_customer(ctx)
    if customer is None:
        # A guest may buy without an account: verifying with a new email makes one.
        if ctx.state.task is not None and ctx.state.task.name == "identify":
            ctx.state.verify_given["buying"] = "1"
            if ctx.turn.parts:
                ctx.turn.parts.pop()
            ctx.turn.say(
                _(
                    "Happy to help you order that. What's your email address? If you've ordered "
                    "with us before, I'll also need your full name or an order number; if you're "
                    "new, I'll set up your account with this order."
                )
            )
        return
    task = start_task(ctx, "place_order", None, product_id=product_id)
    task.slots["quantity"] = ctx.ent.quantity or 1
    order_fill(ctx, task, customer)


def order_fill(ctx: Ctx, task: Task, customer: Customer) -> None:
    variants = selectors.product_variants_for_bot(product_id=task.slots["product_id"])
    if not variants:
        ctx.turn.say(_("Sorry, that product is no longer sold."))
        ctx.state.task = None
        return
    name = variants[0].product.name
    if "variant_id" not in task.slots:
        in_stock = [v for v in variants if v.stock > 0]
        if not in_stock:
            ctx.turn.say(_("Sorry, %(product)s is out of stock right now.") % {"product": name})
            ctx.state.task = None
            return
        chosen = in_stock[0] if len(in_stock) == 1 and len(variants) == 1 else None
        previous_id = task.slots.pop("previous_variant_id", None)
        previous = next((v for v in variants if v.pk == previous_id), None)
        if chosen is None:
            chosen = pick_variant(ctx, in_stock, current=previous or _NoVariant(), task=task)
            if chosen is not None and previous is None and not _fully_named(ctx, chosen, variants):
                chosen = None
        if chosen is None:
            task.asking = "variant"
            ctx.turn.say(
                _("Which option of %(product)s would you like? In stock: %(options)s.")
                % {"product": name, "options": facts.comma_list(v.label for v in in_stock[:10])}
            )
            ctx.turn.chips(*[v.label for v in in_stock[:6]])
            return
        task.slots["variant_id"] = chosen.pk
        task.slots["variant_label"] = chosen.label
    default = customer.addresses.filter(is_default=True).first()
    if default is None and "address" not in task.slots:
        ask_address(ctx, task, _("Where should we ship it?"))
        return
    propose(ctx)


class _NoVariant:
    pk = -1
    options: dict[str, str] = {}


def _fully_named(ctx: Ctx, chosen: Any, variants: list[Any]) -> bool:
    """Whether the message named every option that varies (a size and a colour, say)."""
    varying = {k for k in chosen.options if len({str(v.options.get(k)) for v in variants}) > 1}
    text = ctx.text.lower()
    named = {s.lower() for s in ctx.ent.sizes} | {c.lower() for c in ctx.ent.colours}
    return all(
        str(chosen.options[k]).lower() in named
        or re.search(rf"\b{re.escape(str(chosen.options[k]).lower())}\b", text)
        for k in varying
    )
