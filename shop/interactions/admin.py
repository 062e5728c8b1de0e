from __future__ import annotations

from django.contrib import admin

from .models import Interaction


@admin.register(Interaction)
class InteractionAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence for ranking and recommendations, not something to edit."""

    list_display = ["created_at", "kind", "product", "query", "result_count", "position", "user"]
    list_filter = ["kind", "source", "language"]
    list_select_related = ["product", "user"]
    search_fields = ["query", "product__title", "product__sku", "session_key"]
    date_hierarchy = "created_at"
    list_per_page = 100
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
