"""Merchant rules for recommendation lists and the impressions the CTR report divides by."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Surface(models.TextChoices):
    HOME = "home", _("Home: for you")
    PRODUCT = "product", _("Product page: similar items")
    BOUGHT_TOGETHER = "bought_together", _("Product page: frequently bought together")
    CART = "cart", _("Cart: you may also like")
    SEARCH = "search", _("Search results: related")


class RecommendationRule(models.Model):
    """A merchant's pin (shown first) or exclusion (never shown) for a product."""

    class Action(models.TextChoices):
        PIN = "pin", _("Pin (show first)")
        EXCLUDE = "exclude", _("Exclude (never show)")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    product = models.ForeignKey(
        "catalog.Product",
        related_name="recommendation_rules",
        on_delete=models.CASCADE,
        verbose_name=_("product"),
    )
    surface = models.CharField(
        _("surface"),
        max_length=20,
        choices=Surface.choices,
        blank=True,
        help_text=_("Empty: every surface."),
    )
    scope_product = models.ForeignKey(
        "catalog.Product",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
        verbose_name=_("only with product"),
        help_text=_("Apply only on this product's page (or when it is in the cart)."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=1, help_text=_("Pins: lower comes first.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["action", "surface", "position", "id"]
        verbose_name = _("recommendation rule")
        verbose_name_plural = _("recommendation rules")

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.product_id} ({self.surface or '*'})"


class RecommendationImpression(models.Model):
    """One rendered recommendation list: which products it showed, where and to whom.

    One row per list (not per product) written through the interaction log's buffered
    writer, so showing a list costs a list append; the CTR report divides the clicks logged
    with ``from=rec-<surface>`` by the products shown.
    """

    surface = models.CharField(_("surface"), max_length=20, choices=Surface.choices)
    product_ids = models.JSONField(_("products shown"), default=list)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    session_key = models.CharField(_("session"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    model_version = models.CharField(_("model version"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["surface", "-created_at"], name="rec_impression_surface")]
        verbose_name = _("recommendation impression")
        verbose_name_plural = _("recommendation impressions")

    def __str__(self) -> str:
        return f"{self.surface}: {len(self.product_ids)} products"
