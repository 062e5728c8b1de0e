"""Merchant pins and exclusions, and the CTR and exposure reports (on the impressions page)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from recommend import reports, services
from recommend.models import RecommendationImpression, RecommendationRule

REPORT_DAYS = 30


@admin.register(RecommendationRule)
class RecommendationRuleAdmin(admin.ModelAdmin):
    list_display = ("product", "action", "surface", "scope_product", "position", "is_active")
    list_filter = ("action", "surface", "is_active")
    list_editable = ("position", "is_active")
    raw_id_fields = ("product", "scope_product")
    search_fields = ("product__title", "product__sku", "note")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.rules_changed()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        services.rules_changed()

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        super().delete_queryset(request, queryset)
        services.rules_changed()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.rules_changed()


@admin.register(RecommendationImpression)
class RecommendationImpressionAdmin(admin.ModelAdmin):
    change_list_template = "recommend/admin/impressions_change_list.html"
    list_display = ("surface", "model_version", "language", "created_at")
    list_filter = ("surface", "language")
    date_hierarchy = "created_at"
    # Not the session key: it is a live login credential, not something staff need to see.
    readonly_fields = [
        f.name for f in RecommendationImpression._meta.fields if f.name != "session_key"
    ]
    exclude = ("session_key",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        context = {
            **(extra_context or {}),
            "report_days": REPORT_DAYS,
            "ctr_rows": reports.ctr_report(days=REPORT_DAYS),
            "exposure": reports.exposure_report(days=REPORT_DAYS),
            "report_title": _("Recommendation report"),
        }
        return super().changelist_view(request, extra_context=context)
