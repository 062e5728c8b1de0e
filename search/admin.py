"""Search analytics in the admin: every search, plus top and zero-result queries; the terms
kept out of autocomplete."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.db.models import Avg, Count
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from search import services
from search.models import BlockedSuggestion, SearchLog

REPORT_DAYS = 30
REPORT_ROWS = 20


class ResultsFilter(admin.SimpleListFilter):
    title = _("results")
    parameter_name = "found"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("No results")), ("yes", _("Some results"))]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() == "no":
            return queryset.filter(result_count=0)
        if self.value() == "yes":
            return queryset.filter(result_count__gt=0)
        return queryset


@admin.register(SearchLog)
class SearchLogAdmin(admin.ModelAdmin):
    change_list_template = "admin/search/searchlog/change_list.html"
    list_display = (
        "query",
        "language",
        "result_count",
        "latency_ms",
        "mode",
        "degraded",
        "created_at",
    )
    list_filter = (ResultsFilter, "language", "mode", "degraded")
    search_fields = ("query", "normalized")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in SearchLog._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        since = timezone.now() - timedelta(days=REPORT_DAYS)
        recent = SearchLog.objects.filter(created_at__gte=since).values("normalized")
        top = recent.annotate(searches=Count("id"), avg_results=Avg("result_count")).order_by(
            "-searches", "normalized"
        )[:REPORT_ROWS]
        zero = (
            recent.filter(result_count=0)
            .annotate(searches=Count("id"))
            .order_by("-searches", "normalized")[:REPORT_ROWS]
        )
        context = {
            **(extra_context or {}),
            "report_days": REPORT_DAYS,
            "top_queries": list(top),
            "zero_result_queries": list(zero),
            "report_title": _("Search report"),
        }
        return super().changelist_view(request, extra_context=context)


@admin.register(BlockedSuggestion)
class BlockedSuggestionAdmin(admin.ModelAdmin):
    list_display = ("term", "created_at")
    search_fields = ("term",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.blocked_suggestions_changed()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        services.blocked_suggestions_changed()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        super().delete_queryset(request, queryset)
        services.blocked_suggestions_changed()
