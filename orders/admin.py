"""The staff console. Status fields are read-only here: staff change state only through admin
actions, which call the same services as the bot and the agent desk, so the same policies and
the same audit trail apply. A policy error is shown as a message, never a 500."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from orders import services
from orders.actors import Actor
from orders.errors import OrderPolicyError
from orders.models import (
    Address,
    AuditEvent,
    Carrier,
    Category,
    Customer,
    HelpArticle,
    Order,
    OrderItem,
    Payment,
    PaymentMethod,
    Product,
    ProductVariant,
    ReturnItem,
    ReturnRequest,
    Shipment,
    TrackingEvent,
    format_address,
)


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _run_each(
    request: HttpRequest, rows: QuerySet[Any], call: Callable[[Any], object], done: str
) -> None:
    """Apply a service to each selected row; report successes and each policy error."""
    ok = 0
    for row in rows:
        try:
            call(row)
        except OrderPolicyError as error:
            messages.error(request, f"{row}: {error.message}")
        else:
            ok += 1
    if ok:
        messages.success(request, f"{done}: {ok}.")


def _action_form(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    form: forms.Form,
    title: str,
    action: str,
) -> TemplateResponse:
    return TemplateResponse(
        request,
        "admin/orders/action_form.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": action,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        },
    )


# --- catalog ------------------------------------------------------------------------------------


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin[Category]):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class VariantInline(admin.TabularInline[ProductVariant, Product]):
    model = ProductVariant
    extra = 0
    fields = ["sku", "options", "price", "stock", "is_active"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    list_display = ["name", "brand", "category", "rating", "variant_count", "is_active"]
    list_filter = ["category", "brand", "is_active"]
    search_fields = ["name", "brand", "slug", "variants__sku"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VariantInline]
    list_select_related = ["category"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Product]:
        return super().get_queryset(request).annotate(n_variants=Count("variants"))

    @admin.display(description="variants", ordering="n_variants")
    def variant_count(self, obj: Product) -> int:
        return int(obj.n_variants)  # type: ignore[attr-defined]


@admin.register(ProductVariant)
class ProductVariantAdmin(admin.ModelAdmin[ProductVariant]):
    list_display = ["sku", "product", "label", "price", "stock", "is_active"]
    list_filter = ["is_active", "product__category"]
    search_fields = ["sku", "product__name"]
    list_select_related = ["product"]
    autocomplete_fields = ["product"]


# --- customers ------------------------------------------------------------------------------------


class AddressInline(admin.StackedInline[Address, Customer]):
    model = Address
    extra = 0


class PaymentMethodInline(admin.TabularInline[PaymentMethod, Customer]):
    model = PaymentMethod
    extra = 0
    fields = [
        "kind",
        "card_brand",
        "card_last4",
        "paypal_email",
        "gift_card_last4",
        "gift_card_balance",
        "is_default",
        "is_active",
    ]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ["email", "full_name", "phone", "order_count", "created_at"]
    search_fields = ["email", "first_name", "last_name", "phone", "addresses__postal_code"]
    inlines = [AddressInline, PaymentMethodInline]
    raw_id_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        return super().get_queryset(request).annotate(n_orders=Count("orders"))

    @admin.display(description="orders", ordering="n_orders")
    def order_count(self, obj: Customer) -> int:
        return int(obj.n_orders)  # type: ignore[attr-defined]


# --- orders -------------------------------------------------------------------------------------


class OrderItemInline(ReadOnlyInline):
    model = OrderItem
    fields = readonly_fields = (
        "product_name",
        "variant_label",
        "sku",
        "quantity",
        "unit_price",
    )


class ShipmentInline(ReadOnlyInline):
    model = Shipment
    fields = readonly_fields = (
        "carrier",
        "tracking_number",
        "shipped_at",
        "estimated_delivery",
        "delivered_at",
    )
    show_change_link = True


class PaymentInline(ReadOnlyInline):
    model = Payment
    fields = readonly_fields = (
        "kind",
        "status",
        "amount",
        "currency",
        "method",
        "reference",
        "failure_reason",
    )


class ReturnInline(ReadOnlyInline):
    model = ReturnRequest
    fields = readonly_fields = (
        "rma_number",
        "kind",
        "status",
        "reason",
        "refund_method",
        "refund_amount",
        "charge_amount",
        "payment_method",
    )
    show_change_link = True


class AuditInline(ReadOnlyInline):
    model = AuditEvent
    fk_name = "order"
    fields = readonly_fields = (
        "created_at",
        "action",
        "from_value",
        "to_value",
        "actor_kind",
        "actor_label",
        "note",
    )
    verbose_name_plural = "audit trail"


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=300, help_text="Shown to the customer and kept in the audit trail."
    )


class ShipForm(forms.Form):
    carrier = forms.ChoiceField(choices=Carrier.choices)
    tracking_number = forms.CharField(max_length=64, help_text="Used for one order only.")
    estimated_delivery = forms.DateField(required=False, help_text="YYYY-MM-DD; default in 5 days.")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin[Order]):
    list_display = ["number", "customer", "status", "grand_total", "currency", "placed_at"]
    list_filter = ["status", "placed_at", "currency"]
    search_fields = [
        "number",
        "customer__email",
        "customer__last_name",
        "shipments__tracking_number",
    ]
    date_hierarchy = "placed_at"
    list_select_related = ["customer"]
    readonly_fields = [
        "number",
        "customer",
        "status",
        "currency",
        "subtotal",
        "shipping_total",
        "tax_total",
        "discount_total",
        "grand_total",
        "shipping_address_display",
        "payment_method",
        "placed_at",
        "paid_at",
        "shipped_at",
        "delivered_at",
        "cancelled_at",
        "cancel_reason",
    ]
    inlines = [OrderItemInline, ShipmentInline, PaymentInline, ReturnInline, AuditInline]
    actions = ["mark_paid", "mark_shipped", "mark_delivered", "cancel_orders"]

    @admin.display(description="shipping address")
    def shipping_address_display(self, obj: Order) -> str:
        return format_address(obj.shipping_address)

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Orders are placed by customers (storefront, chat) or brought in with import_shop.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Record payment received (pending → processing)")
    def mark_paid(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        actor = Actor.staff(request.user)  # type: ignore[arg-type]
        _run_each(
            request,
            queryset,
            lambda o: services.order_capture_payment(order_number=o.number, actor=actor),
            "Payments recorded",
        )

    @admin.action(description="Mark shipped with tracking number…")
    def mark_shipped(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> TemplateResponse | None:
        if queryset.count() != 1:
            messages.error(request, "Mark one order at a time: each needs its own tracking number.")
            return None
        form = ShipForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return _action_form(self, request, queryset, form, "Mark shipped", "mark_shipped")
        actor = Actor.staff(request.user)  # type: ignore[arg-type]
        _run_each(
            request,
            queryset,
            lambda o: services.order_mark_shipped(
                order_number=o.number,
                carrier=form.cleaned_data["carrier"],
                tracking_number=form.cleaned_data["tracking_number"],
                estimated_delivery=form.cleaned_data["estimated_delivery"],
                actor=actor,
            ),
            "Orders marked shipped",
        )
        return None

    @admin.action(description="Mark delivered")
    def mark_delivered(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        actor = Actor.staff(request.user)  # type: ignore[arg-type]
        _run_each(
            request,
            queryset,
            lambda o: services.order_mark_delivered(order_number=o.number, actor=actor),
            "Orders marked delivered",
        )

    @admin.action(description="Cancel with reason…")
    def cancel_orders(
        self, request: HttpRequest, queryset: QuerySet[Order]
    ) -> TemplateResponse | None:
        form = CancelForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return _action_form(self, request, queryset, form, "Cancel orders", "cancel_orders")
        actor = Actor.staff(request.user)  # type: ignore[arg-type]
        _run_each(
            request,
            queryset,
            lambda o: services.order_cancel(
                order_number=o.number, reason=form.cleaned_data["reason"], actor=actor
            ),
            "Orders cancelled",
        )
        return None


class TrackingEventInline(ReadOnlyInline):
    model = TrackingEvent
    fields = readonly_fields = (
        "occurred_at",
        "status",
        "description",
        "location",
    )


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin[Shipment]):
    list_display = ["tracking_number", "carrier", "order", "shipped_at", "estimated_delivery"]
    list_filter = ["carrier"]
    search_fields = ["tracking_number", "order__number"]
    readonly_fields = ["order", "carrier", "tracking_number", "shipped_at", "delivered_at"]
    inlines = [TrackingEventInline]
    list_select_related = ["order"]


@admin.register(Payment)
class PaymentAdmin(admin.ModelAdmin[Payment]):
    list_display = ["reference", "order", "kind", "status", "amount", "currency", "created_at"]
    list_filter = ["kind", "status"]
    search_fields = ["reference", "order__number"]
    list_select_related = ["order"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# --- returns --------------------------------------------------------------------------------------


class ReturnItemInline(ReadOnlyInline):
    model = ReturnItem
    fields = readonly_fields = (
        "order_item",
        "quantity",
        "exchange_variant",
    )


class RejectForm(forms.Form):
    reason = forms.CharField(max_length=300, help_text="Shown to the customer.")


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin[ReturnRequest]):
    list_display = [
        "rma_number",
        "order",
        "kind",
        "status",
        "reason",
        "refund_amount",
        "created_at",
    ]
    list_filter = ["status", "kind", "reason"]
    search_fields = ["rma_number", "order__number", "order__customer__email"]
    readonly_fields = [
        "rma_number",
        "order",
        "kind",
        "status",
        "reason",
        "reason_detail",
        "refund_method",
        "refund_amount",
        "charge_amount",
        "payment_method",
        "resolution_note",
        "created_at",
        "resolved_at",
    ]
    inlines = [ReturnItemInline]
    actions = ["approve", "reject", "complete"]
    list_select_related = ["order"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Approve (send return label)")
    def approve(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        actor = Actor.staff(request.user)  # type: ignore[arg-type]
        _run_each(
            request,
            queryset,
            lambda r: services.return_request_approve(rma_number=r.rma_number, actor=actor),
            "Returns approved",
        )

    @admin.action(description="Reject with reason…")
    def reject(
        self, request: HttpRequest, queryset: QuerySet[ReturnRequest]
    ) -> TemplateResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return _action_form(self, request, queryset, form, "Reject returns", "reject")
        actor = Actor.staff(request.user)  # type: ignore[arg-type]
        _run_each(
            request,
            queryset,
            lambda r: services.return_request_reject(
                rma_number=r.rma_number, reason=form.cleaned_data["reason"], actor=actor
            ),
            "Returns rejected",
        )
        return None

    @admin.action(description="Parcel received: refund or send exchange")
    def complete(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        actor = Actor.staff(request.user)  # type: ignore[arg-type]
        _run_each(
            request,
            queryset,
            lambda r: services.return_request_complete(rma_number=r.rma_number, actor=actor),
            "Returns completed",
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = [
        "created_at",
        "action",
        "subject_id",
        "from_value",
        "to_value",
        "actor_kind",
        "actor_label",
    ]
    list_filter = ["action", "actor_kind", "subject_type"]
    search_fields = ["subject_id", "actor_label", "note"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HelpArticle)
class HelpArticleAdmin(admin.ModelAdmin[HelpArticle]):
    list_display = ["title", "language", "translation_of", "category", "published", "updated_at"]
    list_filter = ["language", "category", "published"]
    search_fields = ["title", "body"]
    raw_id_fields = ["translation_of"]
    prepopulated_fields = {"slug": ["title"]}
