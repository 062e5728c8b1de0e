"""Writes to the catalog. The demo loader, the importer and the admin all go through here."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from .cache import invalidate_catalog_cache
from .models import (
    Attribute,
    Category,
    CategoryAttribute,
    Product,
    ProductImage,
    ProductTranslation,
)


@dataclass(frozen=True)
class SchemaEntry:
    attribute: Attribute
    required: bool
    filterable: bool
    # option value -> option; empty for text and number attributes
    options: dict[str, Any] = field(default_factory=dict)


def category_ancestors(category: Category) -> list[Category]:
    """The category and its ancestors, root last. Guards against cycles in bad data."""
    chain: list[Category] = []
    seen: set[int] = set()
    node: Category | None = category
    while node is not None and node.pk not in seen:
        chain.append(node)
        seen.add(node.pk)
        node = node.parent
    return chain


def get_attribute_schema(category: Category) -> dict[str, SchemaEntry]:
    """The attributes a category's products carry: its own entries plus its ancestors'."""
    chain = category_ancestors(category)
    entries = (
        CategoryAttribute.objects.filter(category__in=chain)
        .select_related("attribute")
        .prefetch_related("attribute__options")
    )
    depth = {c.pk: i for i, c in enumerate(chain)}
    schema: dict[str, SchemaEntry] = {}
    # Closest category wins when a subcategory redeclares an attribute.
    for entry in sorted(entries, key=lambda e: (-depth[e.category_id], e.position, e.pk)):
        attribute = entry.attribute
        schema[attribute.code] = SchemaEntry(
            attribute=attribute,
            required=entry.required,
            filterable=entry.filterable,
            options={o.value: o for o in attribute.options.all()},
        )
    return schema


def clean_attributes(
    raw: dict[str, Any], *, schema: dict[str, SchemaEntry], check_required: bool = True
) -> dict[str, Any]:
    """Validate raw attribute values against a category schema.

    Choice values may be given as the option value or as its English or Chinese label, in any
    case. Returns the normalised dict (option values, numbers as int or float).

    Raises:
        ValidationError: naming every unknown attribute, unknown option or bad number.
    """
    errors: list[str] = []
    cleaned: dict[str, Any] = {}
    for code, value in raw.items():
        code_key = slugify(str(code)).replace("-", "_")
        entry = schema.get(code_key)
        if entry is None:
            errors.append(
                f"unknown attribute '{code}' for this category "
                f"(allowed: {', '.join(sorted(schema)) or 'none'})"
            )
            continue
        if value is None or str(value).strip() == "":
            continue
        kind = entry.attribute.kind
        text = str(value).strip()
        if kind == Attribute.Kind.CHOICE:
            option = _match_option(text, entry.options)
            if option is None:
                errors.append(
                    f"unknown value '{text}' for attribute '{code_key}' "
                    f"(allowed: {', '.join(sorted(entry.options))})"
                )
                continue
            cleaned[code_key] = option
        elif kind == Attribute.Kind.NUMBER:
            try:
                number = Decimal(text)
            except ArithmeticError:
                errors.append(f"attribute '{code_key}' must be a number, got '{text}'")
                continue
            if not number.is_finite():
                errors.append(f"attribute '{code_key}' must be a finite number, got '{text}'")
                continue
            cleaned[code_key] = int(number) if number == number.to_integral() else float(number)
        else:
            cleaned[code_key] = text[:200]
    if check_required:
        missing = [c for c, e in schema.items() if e.required and c not in cleaned]
        if missing:
            errors.append(f"missing required attribute(s): {', '.join(sorted(missing))}")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _match_option(text: str, options: dict[str, Any]) -> str | None:
    if text in options:
        return text
    folded = text.casefold()
    slug = slugify(text)
    for value, option in options.items():
        if folded in (value.casefold(), option.label.casefold(), option.label_zh.casefold()):
            return value
        if slug and slug == value:
            return value
    return None


@dataclass
class ProductData:
    """Everything needed to create or update one product, already parsed but not validated."""

    sku: str
    category: Category
    title: str
    price: Decimal
    slug: str = ""
    language: str = "en"
    description: str = ""
    highlights: list[str] = field(default_factory=list)
    attributes: dict[str, Any] = field(default_factory=dict)
    brand_id: int | None = None
    compare_at_price: Decimal | None = None
    currency: str = "USD"
    stock: int = 0
    status: str = Product.Status.ACTIVE
    # language code -> {"title": ..., "description": ..., "highlights": [...]}
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)
    image_urls: list[str] = field(default_factory=list)


def unique_slug(base: str, *, sku: str, exclude_pk: int | None = None) -> str:
    """A slug from the title; the SKU breaks ties so reruns produce the same slug."""
    ascii_slug = slugify(base, allow_unicode=False)[:120]
    # Chinese-only titles slugify to almost nothing ("有机T恤" -> "t"); the SKU reads better.
    if len(ascii_slug) < 3:
        ascii_slug = "-".join(filter(None, [ascii_slug, slugify(sku)])) or "product"
    base = ascii_slug
    candidate = base
    clash = Product.objects.filter(slug=candidate)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        candidate = f"{base}-{slugify(sku)}"[:160]
    return candidate


@transaction.atomic
def upsert_product(
    data: ProductData, *, schema: dict[str, SchemaEntry] | None = None
) -> tuple[Product, bool]:
    """Create or update the product with ``data.sku``; returns ``(product, created)``.

    Translations named in ``data`` are replaced; other languages are kept. Images are replaced
    only when ``data.image_urls`` is given.

    Raises:
        ValidationError: when attributes, prices or text are invalid; nothing is written.
    """
    if schema is None:
        schema = get_attribute_schema(data.category)
    attributes = clean_attributes(data.attributes, schema=schema)
    if not data.title.strip():
        raise ValidationError("title is required")
    if data.price < 0:
        raise ValidationError("price must not be negative")
    if data.compare_at_price is not None and data.compare_at_price < data.price:
        raise ValidationError("compare-at price must not be below the price")
    if data.stock < 0:
        raise ValidationError("stock must not be negative")

    product = Product.objects.filter(sku=data.sku).first()
    created = product is None
    if product is None:
        product = Product(sku=data.sku)
    product.category = data.category
    product.brand_id = data.brand_id
    product.language = data.language
    product.title = data.title.strip()[:200]
    product.description = data.description.strip()
    product.highlights = [h.strip() for h in data.highlights if h and h.strip()]
    product.attributes = attributes
    product.price = data.price
    product.compare_at_price = data.compare_at_price
    product.currency = data.currency.upper()[:3]
    product.stock = data.stock
    product.status = data.status
    product.slug = data.slug or product.slug or unique_slug(data.title, sku=data.sku)
    # The database enforces the check constraints and they were checked above; validating
    # them again here would cost a query each.
    product.full_clean(validate_unique=False, validate_constraints=False)
    product.save()

    known_languages = {code for code, _name in settings.LANGUAGES}
    for language_code, text in data.translations.items():
        if language_code not in known_languages:
            raise ValidationError(f"unknown language {language_code!r}")
        if language_code == product.language:
            continue
        ProductTranslation.objects.update_or_create(
            product=product,
            language_code=language_code,
            defaults={
                "title": str(text.get("title", "")).strip()[:200],
                "description": str(text.get("description", "")).strip(),
                "highlights": [h for h in text.get("highlights", []) if h],
            },
        )
    transaction.on_commit(invalidate_catalog_cache)
    if data.image_urls:
        product.images.all().delete()
        ProductImage.objects.bulk_create(
            ProductImage(product=product, external_url=url, alt_text=product.title, position=i)
            for i, url in enumerate(data.image_urls)
        )
    return product, created


@transaction.atomic
def set_products_status(*, product_ids: list[int], status: str) -> int:
    """Bulk status change used by the admin actions; returns the number of rows changed."""
    if status not in Product.Status.values:
        raise ValidationError(f"unknown status {status!r}")
    transaction.on_commit(invalidate_catalog_cache)
    return Product.objects.filter(pk__in=product_ids).exclude(status=status).update(status=status)
