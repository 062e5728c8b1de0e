"""Search analytics: one row per search (first page only; paging is not a new search)."""

from __future__ import annotations

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
