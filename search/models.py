"""Search analytics: one row per search (first page only; paging is not a new search), and
the terms a merchant keeps out of autocomplete."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchLog(models.Model):
    query = models.CharField(_("query"), max_length=255)
    normalized = models.CharField(_("normalized query"), max_length=255, db_index=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    parsed = models.JSONField(_("parsed filters"), default=dict, blank=True)
    result_count = models.PositiveIntegerField(_("results"))
    latency_ms = models.FloatField(_("latency (ms)"))
    mode = models.CharField(_("mode"), max_length=20)
    degraded = models.BooleanField(_("degraded"), default=False)
    session_key = models.CharField(_("session"), max_length=40, blank=True)
    # False for robots and for searches another site made a browser send: they are kept for
    # the search report but never make a query popular (common/visitors.py).
    counts_for_popularity = models.BooleanField(_("counts for popular searches"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["result_count", "-created_at"], name="searchlog_zero")]
        verbose_name = _("search")
        verbose_name_plural = _("searches")

    def __str__(self) -> str:
        return self.query


class BlockedSuggestion(models.Model):
    """A term that never appears in autocomplete or popular searches (any suggestion whose
    text contains it, case-insensitively)."""

    term = models.CharField(
        _("term"),
        max_length=100,
        unique=True,
        help_text=_(
            "Suggestions and popular searches containing this text (any letter case) are "
            "never shown."
        ),
    )
    created_at = models.DateTimeField(_("blocked since"), auto_now_add=True)

    class Meta:
        ordering = ["term"]
        verbose_name = _("blocked suggestion")
        verbose_name_plural = _("blocked suggestions")

    def __str__(self) -> str:
        return self.term

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Stored folded, the way suggestions are compared: "Cheap  Pills" blocks "cheap pills".
        self.term = fold_suggestion(self.term)
        super().save(*args, **kwargs)


def fold_suggestion(text: str) -> str:
    """Case-folded, whitespace collapsed: how queries and blocked terms are compared."""
    return " ".join(text.casefold().split())
