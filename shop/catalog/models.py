"""Catalog: categories with an attribute schema, brands, products and their translations.

Customer-facing text is stored in the product's source language on the row itself (usually
English) and in one ``*Translation`` row per other language, the way Saleor does it. The
storefront shows the visitor's language and marks the text that fell back to another one.
"""

from __future__ import annotations

import os
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def language_choices() -> list[tuple[str, str]]:
    return [(code, name) for code, name in settings.LANGUAGES]


class Category(models.Model):
    parent = models.ForeignKey(
        "self", null=True, blank=True, related_name="children", on_delete=models.PROTECT
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    attributes = models.ManyToManyField(
        "Attribute", through="CategoryAttribute", related_name="categories", blank=True
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalog:category", kwargs={"slug": self.slug})


class CategoryTranslation(models.Model):
    category = models.ForeignKey(Category, related_name="translations", on_delete=models.CASCADE)
    language_code = models.CharField(_("language"), max_length=10, choices=language_choices)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "language_code"], name="unique_category_translation"
            )
        ]
        verbose_name = _("category translation")
        verbose_name_plural = _("category translations")

    def __str__(self) -> str:
        return f"{self.name} [{self.language_code}]"


class Brand(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=120, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class Attribute(models.Model):
    """A structured property a category's products carry, e.g. color, size or material."""

    class Kind(models.TextChoices):
        CHOICE = "choice", _("One of a list of options")
        TEXT = "text", _("Free text")
        NUMBER = "number", _("Number")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_zh = models.CharField(_("Chinese name"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CHOICE)
    unit = models.CharField(_("unit"), max_length=20, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("attribute")
        verbose_name_plural = _("attributes")

    def __str__(self) -> str:
        return self.name


class AttributeOption(models.Model):
    attribute = models.ForeignKey(Attribute, related_name="options", on_delete=models.CASCADE)
    value = models.SlugField(_("value"), max_length=80)
    label = models.CharField(_("label"), max_length=80)
    label_zh = models.CharField(_("Chinese label"), max_length=80, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["attribute", "position", "value"]
        constraints = [
            models.UniqueConstraint(fields=["attribute", "value"], name="unique_attribute_option")
        ]
        verbose_name = _("attribute option")
        verbose_name_plural = _("attribute options")

    def __str__(self) -> str:
        return f"{self.attribute.code}={self.value}"


class CategoryAttribute(models.Model):
    """Puts an attribute in a category's schema; subcategories inherit their ancestors' schema."""

    category = models.ForeignKey(Category, related_name="schema_entries", on_delete=models.CASCADE)
    attribute = models.ForeignKey(Attribute, related_name="+", on_delete=models.PROTECT)
    required = models.BooleanField(_("required"), default=False)
    filterable = models.BooleanField(_("shown as a filter"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "attribute"], name="unique_category_attribute"
            )
        ]
        verbose_name = _("category attribute")
        verbose_name_plural = _("category attributes")

    def __str__(self) -> str:
        return f"{self.category} · {self.attribute}"


class ProductQuerySet(models.QuerySet):
    def active(self) -> ProductQuerySet:
        return self.filter(status=Product.Status.ACTIVE)


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")

    category = models.ForeignKey(Category, related_name="products", on_delete=models.PROTECT)
    brand = models.ForeignKey(
        Brand, null=True, blank=True, related_name="products", on_delete=models.SET_NULL
    )
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    language = models.CharField(
        _("source language"),
        max_length=10,
        choices=language_choices,
        default="en",
        help_text=_("Language of the title, description and highlights on this row."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    highlights = models.JSONField(_("highlights"), default=list, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    compare_at_price = models.DecimalField(
        _("compare-at price"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    stock = models.PositiveIntegerField(_("stock"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # Denormalised from reviews and the interaction log by their services; pages read them
    # without aggregating.
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    review_count = models.PositiveIntegerField(default=0)
    popularity = models.FloatField(default=0.0, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["category", "status", "price"], name="product_cat_status_price"),
            models.Index(fields=["status", "-created_at"], name="product_status_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gte=0), name="product_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(compare_at_price__isnull=True)
                | models.Q(compare_at_price__gte=models.F("price")),
                name="product_compare_at_not_below_price",
            ),
        ]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:product", kwargs={"slug": self.slug})

    @property
    def is_on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price

    @property
    def in_stock(self) -> bool:
        return self.stock > 0


class ProductTranslation(models.Model):
    product = models.ForeignKey(Product, related_name="translations", on_delete=models.CASCADE)
    language_code = models.CharField(_("language"), max_length=10, choices=language_choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    highlights = models.JSONField(_("highlights"), default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "language_code"], name="unique_product_translation"
            )
        ]
        verbose_name = _("product translation")
        verbose_name_plural = _("product translations")

    def __str__(self) -> str:
        return f"{self.title} [{self.language_code}]"


class ProductImage(models.Model):
    """An uploaded file or, for imported catalogs, the merchant's own image URL."""

    product = models.ForeignKey(Product, related_name="images", on_delete=models.CASCADE)
    image = models.FileField(_("file"), upload_to="products/%Y/%m/", blank=True)
    external_url = models.URLField(_("image URL"), max_length=500, blank=True)
    alt_text = models.CharField(_("alt text"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(image="") | ~models.Q(external_url=""),
                name="product_image_has_source",
            )
        ]
        verbose_name = _("product image")
        verbose_name_plural = _("product images")

    def __str__(self) -> str:
        return self.alt_text or self.url

    @property
    def url(self) -> str:
        return self.image.url if self.image else self.external_url


class CatalogImportStorage(FileSystemStorage):
    """Uploaded catalog files, under ``CATALOG_IMPORT_DIR`` (read when used, so tests may
    point it elsewhere). Not under MEDIA_ROOT: MEDIA_URL may be served publicly, and an
    uploaded catalog (prices, stock) is not for shoppers. Web and workers share VAR_DIR."""

    @property
    def base_location(self):
        return str(settings.CATALOG_IMPORT_DIR)

    @property
    def location(self):
        return os.path.abspath(self.base_location)


class CatalogImport(models.Model):
    """One upload from the admin's "Import products", run by a Celery task.

    The file is stored when it is uploaded, imported by
    ``shop.catalog.tasks.run_catalog_import_task`` in one transaction (all or nothing), and
    deleted once the result (counts and row errors) is recorded here for the status page.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    file = models.FileField(
        _("file"), upload_to="%Y/%m/", storage=CatalogImportStorage(), blank=True
    )
    filename = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10, default="auto")
    dry_run = models.BooleanField(_("dry run"), default=True)
    skip_invalid = models.BooleanField(_("skip invalid rows"), default=False)
    create_missing_categories = models.BooleanField(_("create missing categories"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    # The ImportResult as JSON (shop.catalog.importing.jobs.result_to_dict).
    result = models.JSONField(_("result"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("catalog import")
        verbose_name_plural = _("catalog imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.status})"
