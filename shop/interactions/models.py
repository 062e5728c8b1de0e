"""The interaction log that search ranking and recommendations learn from."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Interaction(models.Model):
    class Kind(models.TextChoices):
        VIEW = "view", _("Product view")
        SEARCH = "search", _("Search")
        CLICK = "click", _("Click from a result list")
        ADD_TO_CART = "add_to_cart", _("Add to cart")
        PURCHASE = "purchase", _("Purchase")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="interactions",
        on_delete=models.SET_NULL,
    )
    session_key = models.CharField(_("session"), max_length=40, blank=True, db_index=True)
    product = models.ForeignKey(
        "catalog.Product",
        null=True,
        blank=True,
        related_name="interactions",
        on_delete=models.SET_NULL,
    )
    query = models.CharField(_("query"), max_length=255, blank=True)
    result_count = models.PositiveIntegerField(_("result count"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position in list"), null=True, blank=True)
    source = models.CharField(
        _("list"), max_length=30, blank=True, help_text=_("Where a click came from.")
    )
    quantity = models.PositiveIntegerField(_("quantity"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "-created_at"], name="interaction_kind_created"),
            models.Index(fields=["product", "kind"], name="interaction_product_kind"),
            models.Index(fields=["user", "-created_at"], name="interaction_user_created"),
        ]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")

    def __str__(self) -> str:
        return f"{self.kind} {self.product_id or self.query}"
