from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ShippingMethod(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_zh = models.CharField(_("Chinese name"), max_length=80, blank=True)
    description = models.CharField(_("delivery time"), max_length=120, blank=True)
    description_zh = models.CharField(_("Chinese delivery time"), max_length=120, blank=True)
    price = models.DecimalField(_("price"), max_digits=10, decimal_places=2)
    free_over = models.DecimalField(
        _("free above subtotal"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "price"]
        verbose_name = _("shipping method")
        verbose_name_plural = _("shipping methods")

    def __str__(self) -> str:
        return self.name


class Address(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="addresses", on_delete=models.CASCADE
    )
    full_name = models.CharField(_("full name"), max_length=120)
    line1 = models.CharField(_("address"), max_length=200)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    region = models.CharField(_("state / province"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO code, e.g. US, CN"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "-created_at"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return f"{self.full_name}, {self.line1}, {self.city}"

    def as_snapshot(self) -> dict[str, str]:
        return {f: getattr(self, f) for f in ADDRESS_FIELDS}


ADDRESS_FIELDS = ["full_name", "line1", "line2", "city", "region", "postcode", "country", "phone"]


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PAID = "paid", _("Paid")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")
        RETURN_REQUESTED = "return_requested", _("Return requested")
        RETURNED = "returned", _("Returned")
        REFUNDED = "refunded", _("Refunded")

    number = models.CharField(_("number"), max_length=20, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="orders",
        on_delete=models.SET_NULL,
    )
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    shipping_address = models.JSONField(_("shipping address"))
    shipping_method_code = models.CharField(_("shipping method"), max_length=40)
    shipping_method_name = models.CharField(_("shipping method name"), max_length=80)
    subtotal = models.DecimalField(_("subtotal"), max_digits=12, decimal_places=2)
    shipping_total = models.DecimalField(_("shipping"), max_digits=10, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    payment_method = models.CharField(_("payment method"), max_length=30)
    payment_reference = models.CharField(_("payment reference"), max_length=80, blank=True)
    # The carrier's parcel number, given when the order ships.
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    # A double click or a retried submit carries the same key and gets the same order back.
    idempotency_key = models.CharField(max_length=64, unique=True)
    # What the key was first used for (lines, address, shipping, payment, total, customer or
    # session): a replay of the key for anything else is refused, never given this order.
    idempotency_fingerprint = models.CharField(max_length=64, blank=True)
    placed_at = models.DateTimeField(_("placed"), auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    # Set once the confirmation email went out, so a retried task never sends it twice.
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(total__gte=0), name="order_total_gte_0"),
        ]
        verbose_name = _("order")
        verbose_name_plural = _("orders")

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", kwargs={"number": self.number})


class OrderLine(models.Model):
    """A snapshot: later price or title changes to the product never alter a placed order."""

    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    product = models.ForeignKey(
        "catalog.Product", null=True, related_name="+", on_delete=models.SET_NULL
    )
    sku = models.CharField(_("SKU"), max_length=64)
    title = models.CharField(_("title"), max_length=200)
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = models.DecimalField(_("line total"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="order_line_qty_gte_1"
            ),
        ]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class OrderEvent(models.Model):
    """Status changes and merchant notes, newest last: the order's audit trail."""

    order = models.ForeignKey(Order, related_name="events", on_delete=models.CASCADE)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status}→{self.to_status}"


class ReturnRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    order = models.ForeignKey(Order, related_name="return_requests", on_delete=models.CASCADE)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("return request")
        verbose_name_plural = _("return requests")

    def __str__(self) -> str:
        return f"Return {self.order_id} ({self.status})"


class Refund(models.Model):
    """Money the shop owes a customer back, and whether staff have paid it.

    Recorded by the shop when a paid order is cancelled (``shop.orders.refunds``); the
    payment gateways move no money back themselves, so a member of staff pays it and marks
    it refunded in the admin. The customer sees it on the order page either way.
    """

    class Kind(models.TextChoices):
        CANCELLATION = "cancellation", _("Paid order cancelled")

    class Status(models.TextChoices):
        DUE = "due", _("To be refunded")
        REFUNDED = "refunded", _("Refunded")

    order = models.ForeignKey(Order, related_name="refunds", on_delete=models.CASCADE)
    kind = models.CharField(_("reason"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    payment_method = models.CharField(_("payment method"), max_length=30)
    payment_reference = models.CharField(_("payment reference"), max_length=80, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DUE, db_index=True
    )
    # The reference of the money sent back (bank transfer, gateway refund id), from staff.
    refund_reference = models.CharField(_("refund reference"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # One cancellation refund per order, however often the cancel is replayed.
            models.UniqueConstraint(fields=["order", "kind"], name="refund_one_per_order_kind"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="refund_amount_gte_0"),
        ]
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.amount} {self.currency} ({self.status})"
