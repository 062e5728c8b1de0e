from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import refunds, services
from .exceptions import InvalidTransition
from .models import Order, OrderEvent, OrderLine, Refund, ReturnRequest, ShippingMethod


@admin.register(ShippingMethod)
class ShippingMethodAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "price", "free_over", "is_active", "position"]
    list_editable = ["is_active", "position"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    readonly_fields = ["product", "sku", "title", "unit_price", "quantity", "line_total"]

    def has_add_permission(self, request, obj=None):
        return False


class OrderEventInline(admin.TabularInline):
    """The timeline; new notes are added here (status changes go through the actions)."""

    model = OrderEvent
    extra = 1
    fields = ["created_at", "from_status", "to_status", "note", "actor"]
    readonly_fields = ["created_at", "from_status", "to_status", "actor"]

    def has_change_permission(self, request, obj=None):
        return False


class RefundInline(admin.TabularInline):
    """What the order is owed back; staff mark it made from Orders › Refunds."""

    model = Refund
    extra = 0
    can_delete = False
    fields = ["kind", "amount", "currency", "status", "created_at", "refunded_at", "refunded_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _transition_action(to_status: str, label: str):
    def action(modeladmin, request, queryset):
        done, refused = 0, []
        for order in queryset:
            try:
                services.transition_order(
                    order_id=order.pk, to_status=to_status, actor=request.user
                )
                done += 1
            except InvalidTransition as error:
                refused.append(f"{order.number}: {error}")
        if done:
            modeladmin.message_user(
                request, _("%(count)d order(s) updated.") % {"count": done}, messages.SUCCESS
            )
        for line in refused:
            modeladmin.message_user(request, line, messages.ERROR)

    action.__name__ = f"mark_{to_status}"
    action.short_description = label
    action.allowed_permissions = ("change",)
    return action


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "placed_at", "email", "status", "total", "currency", "payment_method"]
    list_filter = ["status", "payment_method", "shipping_method_code", "placed_at"]
    search_fields = ["number", "email", "user__username", "lines__sku"]
    date_hierarchy = "placed_at"
    inlines = [OrderLineInline, RefundInline, OrderEventInline]
    readonly_fields = [
        f.name
        for f in Order._meta.get_fields()
        if f.concrete and not f.many_to_many and f.name != "id"
    ]
    actions = [
        _transition_action("paid", _("Mark as paid")),
        _transition_action("shipped", _("Mark as shipped")),
        _transition_action("delivered", _("Mark as delivered")),
        _transition_action("cancelled", _("Cancel (restocks)")),
        _transition_action("refunded", _("Mark as refunded")),
    ]

    def has_add_permission(self, request):
        return False  # orders come from checkout only

    def save_formset(self, request, form, formset, change):
        if formset.model is not OrderEvent:
            return super().save_formset(request, form, formset, change)
        for event_form in formset.forms:
            note = event_form.cleaned_data.get("note", "") if event_form.has_changed() else ""
            if note and event_form.instance.pk is None:
                services.add_order_note(order_id=form.instance.pk, note=note, actor=request.user)
        return None


@admin.register(ReturnRequest)
class ReturnRequestAdmin(admin.ModelAdmin):
    list_display = ["order", "status", "created_at", "resolved_at"]
    list_filter = ["status"]
    search_fields = ["order__number", "reason"]
    readonly_fields = ["order", "reason", "status", "created_at", "resolved_at"]
    actions = ["approve", "reject", "reopen"]

    def has_add_permission(self, request):
        return False

    def _resolve(self, request, queryset, *, approve: bool) -> None:
        for return_request in queryset:
            try:
                services.resolve_return(
                    return_request_id=return_request.pk, approve=approve, actor=request.user
                )
            except InvalidTransition as error:
                self.message_user(request, f"{return_request.order}: {error}", messages.ERROR)

    @admin.action(description=_("Approve: goods received, restock"), permissions=["change"])
    def approve(self, request, queryset):
        self._resolve(request, queryset, approve=True)

    @admin.action(description=_("Reject"), permissions=["change"])
    def reject(self, request, queryset):
        self._resolve(request, queryset, approve=False)

    @admin.action(description=_("Reopen a rejected return"), permissions=["change"])
    def reopen(self, request, queryset):
        for return_request in queryset:
            try:
                services.reopen_return(return_request_id=return_request.pk, actor=request.user)
            except InvalidTransition as error:
                self.message_user(request, f"{return_request.order}: {error}", messages.ERROR)


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    """Refunds owed to customers (a cancelled paid order records one), "to be refunded" first."""

    list_display = [
        "order",
        "kind",
        "amount",
        "currency",
        "payment_method",
        "status",
        "created_at",
        "refunded_at",
    ]
    list_filter = ["status", "kind", "payment_method"]
    search_fields = ["order__number", "order__email", "payment_reference", "refund_reference"]
    list_select_related = ["order"]
    readonly_fields = [
        f.name for f in Refund._meta.get_fields() if f.concrete and f.name not in ("id",)
    ]
    actions = ["mark_refunded"]

    def get_queryset(self, request):
        # Due ones first (the model's order is newest first).
        return super().get_queryset(request).order_by("-status", "-created_at")

    def has_add_permission(self, request):
        return False  # recorded by the order flow only

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=_("Mark as refunded (the money was sent back)"), permissions=["change"]
    )
    def mark_refunded(self, request, queryset):
        done = 0
        for refund in queryset:
            try:
                refunds.mark_refund_made(refund_id=refund.pk, actor=request.user)
                done += 1
            except InvalidTransition as error:
                self.message_user(request, str(error), messages.ERROR)
        if done:
            self.message_user(
                request,
                _("%(count)d refund(s) marked refunded.") % {"count": done},
                messages.SUCCESS,
            )
