"""The merchant's report of negative reviews, grouped by aspect and by product, with trends.

It is the changelist of "Review aspects" under "Customer insights" on the admin index, so the
index links it; anyone who may view reviews (the Merchant group) may read it. It only reads
what ``refresh_review_insights`` stored (``insights.reports``).
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from insights import reports
from insights.aspects import label_language, load_catalogue
from insights.models import ReviewAspectSummary

REVIEW_VIEW_PERMISSION = "reviews.view_review"


@admin.register(ReviewAspectSummary)
class ReviewAspectSummaryAdmin(admin.ModelAdmin):
    # Summaries are written by the refresh task only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(REVIEW_VIEW_PERMISSION) or super().has_view_permission(
            request, obj
        )

    def has_module_permission(self, request):
        return request.user.has_perm(REVIEW_VIEW_PERMISSION) or super().has_module_permission(
            request
        )

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        catalogue = load_catalogue()
        aspect = request.GET.get("aspect", "")
        if aspect not in catalogue.aspects:
            aspect = ""
        report = reports.negative_review_report(
            language=label_language(get_language()), aspect=aspect
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Negative reviews by aspect"),
            "report": report,
            "weeks": len(report.week_starts),
            "compare_days": reports.COMPARE_DAYS,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/insights/negative_reviews.html", context)
