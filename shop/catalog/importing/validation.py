"""Check every record against the catalog and turn the valid ones into ``ProductData``.

Nothing here writes. Categories, brands, attribute schemas and the products named in the
file are loaded once per import (``CatalogLookup``), so validating a large file costs a
handful of queries per 500 rows rather than several per row.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_slug
from django.utils.text import slugify

from common.text import CHINESE, ENGLISH

from ..models import Brand, Category, Product
from ..services import ProductData, SchemaEntry, clean_attributes, get_attribute_schema
from .readers import SourceRecord, json_type
from .results import CREATED, UNCHANGED, UPDATED

SKU_MAX = Product._meta.get_field("sku").max_length
TITLE_MAX = Product._meta.get_field("title").max_length
SLUG_MAX = Product._meta.get_field("slug").max_length
BRAND_MAX = Brand._meta.get_field("name").max_length
CATEGORY_NAME_MAX = Category._meta.get_field("name").max_length
IMAGE_URL_MAX = 500
MONEY_LIMIT = Decimal("100000000")  # max_digits=10, decimal_places=2
STOCK_MAX = 2_147_483_647
STATUSES = tuple(Product.Status.values)
LANGUAGES = ((ENGLISH, "en"), (CHINESE, "zh"))  # language code, column suffix
LIST_SEPARATOR = "|"
_CURRENCY = re.compile(r"[A-Za-z]{3}")
_INTEGER = re.compile(r"[+-]?\d+(\.0*)?")
_url_validator = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class NewCategory:
    """A category the import will create (``--create-missing-categories``)."""

    name: str

    @property
    def key(self) -> str:
        return self.name.casefold()


@dataclass
class PlannedRow:
    """A valid record and what writing it will do."""

    line: int
    sku: str
    data: ProductData
    schema: dict[str, SchemaEntry]
    action: str
    # Created at write time; ``data`` holds an unsaved placeholder category / no brand.
    new_category: NewCategory | None = None
    new_brand: str = ""


class CatalogLookup:
    """The catalog state validation needs, loaded once per import."""

    def __init__(self, *, create_missing_categories: bool = False) -> None:
        self.create_missing_categories = create_missing_categories
        self.categories = list(Category.objects.prefetch_related("translations"))
        self._by_slug = {c.slug.casefold(): c for c in self.categories}
        self._by_name: dict[str, list[Category]] = {}
        for category in self.categories:
            names = {category.name} | {t.name for t in category.translations.all()}
            for name in names:
                self._by_name.setdefault(name.strip().casefold(), []).append(category)
        self._brands: dict[str, Brand] = {}
        for brand in Brand.objects.all():
            for name in (brand.name, brand.name_zh):
                if name.strip():
                    self._brands.setdefault(name.strip().casefold(), brand)
        self._schemas: dict[int, dict[str, SchemaEntry]] = {}
        self._new_categories: dict[str, NewCategory] = {}

    def find_category(self, text: str) -> tuple[Category | NewCategory | None, str]:
        """The category named by slug, English or Chinese name; or ``(None, reason)``."""
        key = text.strip().casefold()
        if key in self._by_slug:
            return self._by_slug[key], ""
        matches = self._by_name.get(key, [])
        if len(matches) == 1:
            return matches[0], ""
        if matches:
            slugs = ", ".join(sorted(c.slug for c in matches))
            return None, f"category '{text}' is ambiguous (slugs: {slugs}); use the slug"
        if key in self._new_categories:
            return self._new_categories[key], ""
        return None, self._unknown_category_message(text)

    def new_category(self, text: str) -> NewCategory:
        category = NewCategory(name=text.strip())
        return self._new_categories.setdefault(category.key, category)

    def _unknown_category_message(self, text: str) -> str:
        names = {c.slug: c for c in self.categories}
        for key, matches in self._by_name.items():
            for category in matches:
                names.setdefault(key, category)
        close = difflib.get_close_matches(text.strip().casefold(), list(names), n=3, cutoff=0.6)
        if close:
            suggestions = list(dict.fromkeys(_describe(names[key]) for key in close))
            return f"unknown category '{text}' (did you mean: {', '.join(suggestions)}?)"
        known = sorted(c.slug for c in self.categories)
        listed = ", ".join(known[:20]) + (", …" if len(known) > 20 else "")
        return f"unknown category '{text}' (known categories: {listed or 'none'})"

    def schema(self, category: Category | NewCategory) -> dict[str, SchemaEntry]:
        if isinstance(category, NewCategory):
            return {}
        if category.pk not in self._schemas:
            self._schemas[category.pk] = get_attribute_schema(category)
        return self._schemas[category.pk]

    def find_brand(self, name: str) -> Brand | None:
        return self._brands.get(name.strip().casefold())

    def existing_products(self, skus: list[str]) -> dict[str, Product]:
        found: dict[str, Product] = {}
        # Batched so SQLite's limit on query parameters is never reached.
        for start in range(0, len(skus), 500):
            batch = skus[start : start + 500]
            queryset = Product.objects.filter(sku__in=batch).prefetch_related(
                "translations", "images"
            )
            found.update({p.sku: p for p in queryset})
        return found

    def slug_owners(self, slugs: list[str]) -> dict[str, str]:
        owners: dict[str, str] = {}
        for start in range(0, len(slugs), 500):
            batch = slugs[start : start + 500]
            owners.update(Product.objects.filter(slug__in=batch).values_list("slug", "sku"))
        return owners


def _describe(category: Category) -> str:
    return category.name if category.name == category.slug else f"{category.name} ({category.slug})"


class _Fields:
    """Typed access to a record's raw fields that collects error messages on the way."""

    def __init__(self, record: SourceRecord) -> None:
        self.record = record
        self.errors: list[str] = list(record.errors)

    def present(self, key: str) -> bool:
        return key in self.record.fields

    def label(self, key: str) -> str:
        return self.record.label(key)

    def text(self, key: str, *, max_length: int | None = None) -> str:
        value = self.record.fields.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.errors.append(f"{self.label(key)} must be text, not {json_type(value)}")
            return ""
        text = str(value).strip()
        if max_length is not None and len(text) > max_length:
            self.errors.append(
                f"{self.label(key)} is too long ({len(text)} characters; at most {max_length})"
            )
        return text

    def text_list(self, key: str) -> list[str]:
        value = self.record.fields.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            items: list[Any] = value.split(LIST_SEPARATOR)
        elif isinstance(value, list):
            items = value
        else:
            self.errors.append(
                f"{self.label(key)} must be text or a list of text, not {json_type(value)}"
            )
            return []
        result = []
        for item in items:
            if item is None:
                continue
            if not isinstance(item, str | int | float) or isinstance(item, bool):
                self.errors.append(
                    f"{self.label(key)} must contain only text, not {json_type(item)}"
                )
                continue
            if str(item).strip():
                result.append(str(item).strip())
        return result

    def money(self, key: str, *, required: bool = False) -> Decimal | None:
        value = self.record.fields.get(key)
        if isinstance(value, bool) or not isinstance(value, str | int | float | None):
            self.errors.append(f"{self.label(key)} must be a number, not {json_type(value)}")
            return None
        text = "" if value is None else str(value).strip()
        if not text:
            if required:
                self.errors.append(f"missing {self.label(key)}")
            return None
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite():
            self.errors.append(f"{self.label(key)} '{text}' is not a number")
            return None
        if amount < 0:
            self.errors.append(f"{self.label(key)} must not be negative (got '{text}')")
            return None
        # The size check comes first: quantizing 1e40 to cents needs more digits than the
        # decimal context has, and raises InvalidOperation.
        if amount >= MONEY_LIMIT:
            self.errors.append(f"{self.label(key)} '{text}' is too large (at most 99999999.99)")
            return None
        if amount != amount.quantize(Decimal("0.01")):
            self.errors.append(f"{self.label(key)} '{text}' has more than 2 decimal places")
            return None
        return amount.quantize(Decimal("0.01"))

    def stock(self, key: str) -> int | None:
        value = self.record.fields.get(key)
        text = "" if value is None else str(value).strip()
        if not text:
            return 0
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.errors.append(f"{self.label(key)} must be a whole number, not {json_type(value)}")
            return None
        if not _INTEGER.fullmatch(text):
            self.errors.append(f"{self.label(key)} '{text}' is not a whole number")
            return None
        number = int(Decimal(text))
        if number < 0:
            self.errors.append(f"{self.label(key)} must not be negative (got '{text}')")
            return None
        if number > STOCK_MAX:
            self.errors.append(f"{self.label(key)} '{text}' is too large")
            return None
        return number


def validate_record(
    record: SourceRecord, *, lookup: CatalogLookup, existing: Product | None
) -> tuple[PlannedRow | None, list[str]]:
    """Validate one record; returns the planned write or ``(None, error messages)``."""
    if record.errors and not record.fields:
        # Nothing could be read from the line (bad JSON, orphan Shopify row).
        return None, list(record.errors)
    fields = _Fields(record)
    sku = fields.text("sku", max_length=SKU_MAX)
    if not sku:
        fields.errors.append(f"missing {fields.label('sku')}")

    language, texts, translations = _texts(fields, existing)
    category, schema = _category(fields, lookup)
    brand_id, new_brand = _brand(fields, lookup, existing)
    price = fields.money("price", required=True)
    compare_at_price = _compare_at_price(fields, price, existing)
    currency = _currency(fields, existing)
    stock = fields.stock("stock") if fields.present("stock") else getattr(existing, "stock", 0)
    status = _status(fields, existing)
    image_urls = _image_urls(fields)
    slug = _slug(fields)
    attributes = _attributes(fields, schema, existing) if category is not None else {}

    if fields.errors:
        return None, fields.errors
    # Without errors every required value was parsed.
    assert category is not None
    assert price is not None
    assert stock is not None
    placeholder = (
        Category(name=category.name, slug=slugify(category.name))
        if isinstance(category, NewCategory)
        else category
    )
    data = ProductData(
        sku=sku,
        category=placeholder,
        title=texts["title"],
        price=price,
        slug=slug,
        language=language,
        description=texts["description"],
        highlights=texts["highlights"],
        attributes=attributes,
        brand_id=brand_id,
        compare_at_price=compare_at_price,
        currency=currency,
        stock=stock,
        status=status,
        translations=translations,
        image_urls=image_urls,
    )
    new_category = category if isinstance(category, NewCategory) else None
    if existing is None:
        action = CREATED
    elif new_category or new_brand or has_changes(existing, data):
        action = UPDATED
    else:
        action = UNCHANGED
    return (
        PlannedRow(
            line=record.line,
            sku=sku,
            data=data,
            schema=schema,
            action=action,
            new_category=new_category,
            new_brand=new_brand,
        ),
        [],
    )


def _existing_text(existing: Product | None, language: str) -> dict[str, Any] | None:
    if existing is None:
        return None
    if existing.language == language:
        return {
            "title": existing.title,
            "description": existing.description,
            "highlights": existing.highlights,
        }
    for translation in existing.translations.all():
        if translation.language_code == language:
            return {
                "title": translation.title,
                "description": translation.description,
                "highlights": translation.highlights,
            }
    return None


def _texts(
    fields: _Fields, existing: Product | None
) -> tuple[str, dict[str, Any], dict[str, dict[str, Any]]]:
    """The source language, its texts, and the translations to write."""
    given: dict[str, dict[str, Any]] = {}
    for language, suffix in LANGUAGES:
        title = fields.text(f"title_{suffix}", max_length=TITLE_MAX)
        description = fields.text(f"description_{suffix}")
        highlights = fields.text_list(f"highlights_{suffix}")
        if not title:
            extra = [
                fields.label(f"{name}_{suffix}")
                for name, value in (("description", description), ("highlights", highlights))
                if value
            ]
            if extra:
                fields.errors.append(
                    f"{' and '.join(extra)} given without {fields.label(f'title_{suffix}')}"
                )
            continue
        previous = _existing_text(existing, language) or {"description": "", "highlights": []}
        given[language] = {
            "title": title,
            # A column missing from the file keeps the text already stored.
            "description": description
            if fields.present(f"description_{suffix}")
            else previous["description"],
            "highlights": highlights
            if fields.present(f"highlights_{suffix}")
            else list(previous["highlights"]),
        }
    if not given:
        fields.errors.append(
            f"missing title: give {fields.label('title_en')} or {fields.label('title_zh')}"
        )
        return ENGLISH, {"title": "", "description": "", "highlights": []}, {}
    language = ENGLISH if ENGLISH in given else CHINESE
    texts = given.pop(language)
    return language, texts, given


def _category(
    fields: _Fields, lookup: CatalogLookup
) -> tuple[Category | NewCategory | None, dict[str, SchemaEntry]]:
    names = [fields.text("category"), fields.text("category_fallback")]
    names = [name for name in dict.fromkeys(names) if name]
    if not names:
        fields.errors.append(f"missing {fields.label('category')}")
        return None, {}
    first_error = ""
    for name in names:
        category, error = lookup.find_category(name)
        if category is not None:
            return category, lookup.schema(category)
        first_error = first_error or error
    if lookup.create_missing_categories and "ambiguous" not in first_error:
        if len(names[0]) > CATEGORY_NAME_MAX:
            fields.errors.append(
                f"{fields.label('category')} is too long to create "
                f"({len(names[0])} characters; at most {CATEGORY_NAME_MAX})"
            )
            return None, {}
        return lookup.new_category(names[0]), {}
    fields.errors.append(first_error)
    return None, {}


def _brand(
    fields: _Fields, lookup: CatalogLookup, existing: Product | None
) -> tuple[int | None, str]:
    if not fields.present("brand"):
        return getattr(existing, "brand_id", None), ""
    name = fields.text("brand", max_length=BRAND_MAX)
    if not name:
        return None, ""
    brand = lookup.find_brand(name)
    return (brand.pk, "") if brand is not None else (None, name)


def _compare_at_price(
    fields: _Fields, price: Decimal | None, existing: Product | None
) -> Decimal | None:
    if fields.present("compare_at_price"):
        compare_at_price = fields.money("compare_at_price")
        source = ""
    else:
        compare_at_price = getattr(existing, "compare_at_price", None)
        source = " (kept from the existing product)"
    if compare_at_price is not None and price is not None and compare_at_price < price:
        fields.errors.append(
            f"{fields.label('compare_at_price')} {compare_at_price}{source} is below "
            f"{fields.label('price')} {price}"
        )
    return compare_at_price


def _currency(fields: _Fields, existing: Product | None) -> str:
    if not fields.present("currency"):
        return getattr(existing, "currency", "") or settings.SHOP_DEFAULT_CURRENCY
    currency = fields.text("currency")
    if not currency:
        return settings.SHOP_DEFAULT_CURRENCY
    if not _CURRENCY.fullmatch(currency):
        fields.errors.append(
            f"{fields.label('currency')} '{currency}' is not a 3-letter code such as USD"
        )
    return currency.upper()


def _status(fields: _Fields, existing: Product | None) -> str:
    status = fields.text("status").lower()
    if not status:
        # Blank never unpublishes a live product, and never publishes a new one by accident.
        return existing.status if existing is not None else Product.Status.DRAFT
    if status not in STATUSES:
        fields.errors.append(
            f"{fields.label('status')} '{fields.text('status')}' is not one of: "
            f"{', '.join(STATUSES)}"
        )
    return status


def _image_urls(fields: _Fields) -> list[str]:
    urls = list(dict.fromkeys(fields.text_list("image_urls")))
    for url in urls:
        if len(url) > IMAGE_URL_MAX:
            fields.errors.append(
                f"{fields.label('image_urls')} URL is too long ({len(url)} characters; "
                f"at most {IMAGE_URL_MAX})"
            )
            continue
        try:
            _url_validator(url)
        except ValidationError:
            fields.errors.append(f"{fields.label('image_urls')} '{url}' is not a valid http(s) URL")
    return urls


def _slug(fields: _Fields) -> str:
    slug = fields.text("slug", max_length=SLUG_MAX)
    if slug:
        try:
            validate_slug(slug)
        except ValidationError:
            fields.errors.append(
                f"slug '{slug}' may contain only letters, numbers, hyphens and underscores"
            )
    return slug


def _attributes(
    fields: _Fields, schema: dict[str, SchemaEntry], existing: Product | None
) -> dict[str, Any]:
    raw = fields.record.fields.get("attributes")
    if raw is None:
        # No attribute columns: keep what the product has, minus what its category dropped.
        raw = {k: v for k, v in getattr(existing, "attributes", {}).items() if k in schema}
    else:
        raw = {k: v for k, v in raw.items() if v is not None and str(v).strip() != ""}
        if fields.record.attributes_by_name:
            raw = _attributes_by_name(fields, raw, schema)
    try:
        return clean_attributes(raw, schema=schema)
    except ValidationError as exc:
        fields.errors.extend(exc.messages)
        return {}


def _attributes_by_name(
    fields: _Fields, raw: dict[str, Any], schema: dict[str, SchemaEntry]
) -> dict[str, Any]:
    """Shopify option names ("Color", "颜色") -> attribute codes of the category's schema."""
    by_name: dict[str, str] = {}
    for code, entry in schema.items():
        for name in (code, entry.attribute.name, entry.attribute.name_zh):
            if name:
                by_name.setdefault(name.strip().casefold(), code)
                by_name.setdefault(slugify(name).replace("-", "_"), code)
    mapped: dict[str, Any] = {}
    for name, value in raw.items():
        code = by_name.get(name.strip().casefold()) or by_name.get(slugify(name).replace("-", "_"))
        if code is None:
            allowed = ", ".join(sorted(schema)) or "none"
            fields.errors.append(
                f"option '{name}' matches no attribute of this category (attributes: {allowed})"
            )
            continue
        mapped[code] = value
    return mapped


def has_changes(product: Product, data: ProductData) -> bool:
    """Whether ``upsert_product(data)`` would change ``product`` (after its normalisation)."""
    pairs = (
        (product.category_id, data.category.pk),
        (product.brand_id, data.brand_id),
        (product.language, data.language),
        (product.title, data.title),
        (product.description, data.description),
        (product.highlights, data.highlights),
        (product.attributes, data.attributes),
        (product.price, data.price),
        (product.compare_at_price, data.compare_at_price),
        (product.currency, data.currency),
        (product.stock, data.stock),
        (product.status, data.status),
    )
    if any(current != new for current, new in pairs):
        return True
    if data.slug and data.slug != product.slug:
        return True
    translations = {t.language_code: t for t in product.translations.all()}
    for language, text in data.translations.items():
        translation = translations.get(language)
        if translation is None or (
            translation.title,
            translation.description,
            translation.highlights,
        ) != (text["title"], text["description"], text["highlights"]):
            return True
    if data.image_urls:
        current = [(image.image.name or "", image.external_url) for image in product.images.all()]
        if current != [("", url) for url in data.image_urls]:
            return True
    return False


def unique_new_slug(base: str, *, prefix: str, taken: Callable[[str], bool]) -> str:
    """A slug for a created brand or category; non-Latin names get a stable hashed one."""
    slug = slugify(base)[:120]
    if not slug:
        slug = f"{prefix}-{hashlib.sha256(base.encode()).hexdigest()[:8]}"
    candidate, number = slug, 2
    while taken(candidate):
        candidate, number = f"{slug}-{number}", number + 1
    return candidate
