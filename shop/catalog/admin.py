from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import admin_hooks, admin_views, services
from .cache import invalidate_catalog_cache
from .models import (
    Attribute,
    AttributeOption,
    Brand,
    Category,
    CategoryAttribute,
    CategoryTranslation,
    Product,
    ProductImage,
    ProductTranslation,
)


class InvalidatesCatalogCache:
    """Pages cache catalog data; any admin edit makes them render afresh after commit."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        transaction.on_commit(invalidate_catalog_cache)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(invalidate_catalog_cache)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(invalidate_catalog_cache)


class CategoryTranslationInline(admin.TabularInline):
    model = CategoryTranslation
    extra = 0


class CategoryAttributeInline(admin.TabularInline):
    model = CategoryAttribute
    extra = 0
    autocomplete_fields = ["attribute"]


@admin.register(Category)
class CategoryAdmin(InvalidatesCatalogCache, admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "position"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug", "translations__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    inlines = [CategoryTranslationInline, CategoryAttributeInline]


@admin.register(Brand)
class BrandAdmin(InvalidatesCatalogCache, admin.ModelAdmin):
    list_display = ["name", "name_zh", "slug"]
    search_fields = ["name", "name_zh"]
    prepopulated_fields = {"slug": ["name"]}


class AttributeOptionInline(admin.TabularInline):
    model = AttributeOption
    extra = 0


@admin.register(Attribute)
class AttributeAdmin(InvalidatesCatalogCache, admin.ModelAdmin):
    list_display = ["code", "name", "name_zh", "kind", "unit"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_zh"]
    inlines = [AttributeOptionInline]


class ProductTranslationInline(admin.StackedInline):
    model = ProductTranslation
    extra = 0


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ProductAdminForm(forms.ModelForm):
    """Validates the attributes JSON against the chosen category's schema."""

    class Meta:
        model = Product
        fields = "__all__"  # noqa: DJ007 - the merchant edits every field of a product

    def clean(self):
        cleaned = super().clean()
        category = cleaned.get("category")
        attributes = cleaned.get("attributes")
        if category is not None and isinstance(attributes, dict):
            try:
                cleaned["attributes"] = services.clean_attributes(
                    attributes, schema=services.get_attribute_schema(category)
                )
            except ValidationError as error:
                self.add_error("attributes", error)
        elif attributes is not None and not isinstance(attributes, dict):
            self.add_error("attributes", _("Attributes must be a JSON object."))
        return cleaned


class PriceBandFilter(admin.SimpleListFilter):
    title = _("price")
    parameter_name = "price_band"
    bands = {"0-25": (0, 25), "25-100": (25, 100), "100-500": (100, 500), "500-": (500, None)}

    def lookups(self, request, model_admin):
        return [(key, key.replace("-", " – ") if key[-1] != "-" else "500+") for key in self.bands]

    def queryset(self, request, queryset):
        band = self.bands.get(self.value() or "")
        if band is None:
            return queryset
        low, high = band
        queryset = queryset.filter(price__gte=low)
        return queryset.filter(price__lt=high) if high is not None else queryset


class StockFilter(admin.SimpleListFilter):
    title = _("stock")
    parameter_name = "stock_state"

    def lookups(self, request, model_admin):
        return [("out", _("Out of stock")), ("low", _("Low (1–5)")), ("ok", _("In stock"))]

    def queryset(self, request, queryset):
        return {
            "out": lambda qs: qs.filter(stock=0),
            "low": lambda qs: qs.filter(stock__gte=1, stock__lte=5),
            "ok": lambda qs: qs.filter(stock__gt=0),
        }.get(self.value() or "", lambda qs: qs)(queryset)


@admin.register(Product)
class ProductAdmin(InvalidatesCatalogCache, admin.ModelAdmin):
    form = ProductAdminForm
    change_list_template = "admin/catalog/product/change_list.html"
    # Includes the object tools other apps register (admin_hooks.ProductAdminExtensions).
    change_form_template = "admin/catalog/product/change_form.html"
    list_display = ["title", "sku", "category", "brand", "price", "stock", "status", "updated_at"]
    list_filter = ["status", "language", PriceBandFilter, StockFilter, "category", "brand"]
    list_select_related = ["category", "brand"]
    list_per_page = 50
    search_fields = ["title", "sku", "slug", "translations__title", "brand__name"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["category", "brand"]
    readonly_fields = ["rating_average", "review_count", "popularity", "created_at", "updated_at"]
    inlines = [ProductTranslationInline, ProductImageInline]
    own_actions = ["make_active", "make_draft"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "sku", "language", "status"]}),
        (_("Placement"), {"fields": ["category", "brand"]}),
        (_("Text"), {"fields": ["description", "highlights"]}),
        (_("Attributes"), {"fields": ["attributes"]}),
        (_("Price and stock"), {"fields": ["price", "compare_at_price", "currency", "stock"]}),
        (
            _("Computed"),
            {
                "classes": ["collapse"],
                "fields": [
                    "rating_average",
                    "review_count",
                    "popularity",
                    "created_at",
                    "updated_at",
                ],
            },
        ),
    ]

    @property
    def actions(self):
        """The catalog's own actions, then those other apps registered (admin_hooks)."""
        return [*self.own_actions, *admin_hooks.product_admin_extensions.actions.values()]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {
            "extension_object_tools": list(admin_hooks.product_admin_extensions.object_tools),
            **(extra_context or {}),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(admin_views.import_catalog_view),
                name="catalog_product_import",
            ),
            path(
                "import/<int:import_id>/",
                self.admin_site.admin_view(admin_views.import_status_view),
                name="catalog_product_import_status",
            ),
            *super().get_urls(),
        ]

    def _set_status(self, request, queryset, status: str) -> None:
        changed = services.set_products_status(
            product_ids=list(queryset.values_list("pk", flat=True)), status=status
        )
        label = Product.Status(status).label
        self.message_user(
            request,
            ngettext(
                "%(count)d product set to %(status)s.",
                "%(count)d products set to %(status)s.",
                changed,
            )
            % {"count": changed, "status": label},
            messages.SUCCESS,
        )

    @admin.action(description=_("Publish selected products (active)"), permissions=["change"])
    def make_active(self, request, queryset):
        self._set_status(request, queryset, Product.Status.ACTIVE)

    @admin.action(description=_("Unpublish selected products (draft)"), permissions=["change"])
    def make_draft(self, request, queryset):
        self._set_status(request, queryset, Product.Status.DRAFT)
