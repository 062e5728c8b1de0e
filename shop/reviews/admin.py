from __future__ import annotations

from django.contrib import admin

from . import services
from .hooks import run_reviews_changed_hooks
from .models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["title", "product", "rating", "author_name", "verified_purchase", "created_at"]
    list_filter = ["rating", "verified_purchase", "language"]
    list_select_related = ["product"]
    search_fields = ["title", "text", "author_name", "product__title", "product__sku"]
    autocomplete_fields = ["product", "user"]
    date_hierarchy = "created_at"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.refresh_product_ratings([obj.product_id])
        run_reviews_changed_hooks([obj.product_id])

    def delete_model(self, request, obj):
        product_id = obj.product_id
        super().delete_model(request, obj)
        services.refresh_product_ratings([product_id])
        run_reviews_changed_hooks([product_id])

    def delete_queryset(self, request, queryset):
        product_ids = list(queryset.values_list("product_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        services.refresh_product_ratings(product_ids)
        run_reviews_changed_hooks(product_ids)
