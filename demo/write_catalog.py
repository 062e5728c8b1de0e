"""Writes the demo catalog: attributes, categories with their schemas, brands and products.

Categories, attributes and brands are matched by slug or code and products by SKU, so a rerun
updates rows instead of duplicating them. Products are written in chunks, each in its own
transaction, with ``bulk_create``/``bulk_update`` and attribute validation against a schema
cached per category, so 10,000 products take minutes rather than hours.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from common.text import CHINESE
from copywriting.models import Channel
from copywriting.prompts import CHANNEL_PARTS
from copywriting.services import ApprovedCopy, record_approved_copy
from shop.catalog.models import (
    Attribute,
    AttributeOption,
    Brand,
    Category,
    CategoryAttribute,
    CategoryTranslation,
    Product,
    ProductTranslation,
)
from shop.catalog.services import SchemaEntry, clean_attributes, get_attribute_schema

from .products import ProductSpec, build_products
from .reader import demo_content

# A tqdm-compatible factory: progress(total=..., desc=..., unit=...) -> bar with update(n).
ProgressFactory = Callable[..., Any]


@dataclass
class WrittenProducts:
    specs: list[ProductSpec]
    # product index -> primary key
    ids: dict[int, int]
    created: int = 0
    updated: int = 0


def _sync(
    model: type[models.Model],
    existing: dict[Any, models.Model],
    desired: dict[Any, dict[str, Any]],
) -> dict[Any, models.Model]:
    """Create missing rows and update changed ones; ``desired`` maps a natural key to field
    values (foreign keys given as ``*_id``). Returns every desired row by key."""
    to_create, to_update, result = [], [], {}
    fields: set[str] = set()
    for key, values in desired.items():
        row = existing.get(key)
        if row is None:
            row = model(**values)
            to_create.append(row)
        else:
            changed = [name for name, value in values.items() if getattr(row, name) != value]
            for name in changed:
                setattr(row, name, values[name])
            if changed:
                to_update.append(row)
                fields.update(changed)
        result[key] = row
    model._default_manager.bulk_create(to_create)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(fields))
    return result


@transaction.atomic
def write_catalog_schema() -> dict[str, Category]:
    """Attributes with options, the category tree with Chinese names and schemas, and brands.

    Returns:
        Every demo category by slug.
    """
    content = demo_content()
    attribute_list, demo_tops, brands = content.attribute_list, content.tops, content.brands
    attributes = _sync(
        Attribute,
        {a.code: a for a in Attribute.objects.filter(code__in=[s.code for s in attribute_list])},
        {
            spec.code: {
                "code": spec.code,
                "name": spec.name,
                "name_zh": spec.name_zh,
                "kind": spec.kind,
                "unit": spec.unit,
            }
            for spec in attribute_list
        },
    )
    attribute_ids = [a.pk for a in attributes.values()]
    _sync(
        AttributeOption,
        {
            (o.attribute_id, o.value): o
            for o in AttributeOption.objects.filter(attribute_id__in=attribute_ids)
        },
        {
            (attributes[spec.code].pk, option.value): {
                "attribute_id": attributes[spec.code].pk,
                "value": option.value,
                "label": option.label,
                "label_zh": option.label_zh,
                "position": position,
            }
            for spec in attribute_list
            for position, option in enumerate(spec.options)
        },
    )

    slugs = [top.slug for top in demo_tops] + [
        leaf.slug for top in demo_tops for leaf in top.leaves
    ]
    existing = {c.slug: c for c in Category.objects.filter(slug__in=slugs)}
    tops = _sync(
        Category,
        existing,
        {
            top.slug: {
                "slug": top.slug,
                "name": top.name,
                "description": top.description.en,
                "parent_id": None,
                "position": position,
            }
            for position, top in enumerate(demo_tops)
        },
    )
    leaves = _sync(
        Category,
        existing,
        {
            leaf.slug: {
                "slug": leaf.slug,
                "name": leaf.name,
                "description": "",
                "parent_id": tops[top.slug].pk,
                "position": position,
            }
            for top in demo_tops
            for position, leaf in enumerate(top.leaves)
        },
    )
    categories: dict[str, Category] = {**tops, **leaves}  # type: ignore[dict-item]
    category_ids = [c.pk for c in categories.values()]

    zh_names = {top.slug: (top.name_zh, top.description.zh) for top in demo_tops}
    zh_names.update({leaf.slug: (leaf.name_zh, "") for top in demo_tops for leaf in top.leaves})
    _sync(
        CategoryTranslation,
        {
            t.category_id: t
            for t in CategoryTranslation.objects.filter(
                category_id__in=category_ids, language_code=CHINESE
            )
        },
        {
            categories[slug].pk: {
                "category_id": categories[slug].pk,
                "language_code": CHINESE,
                "name": name,
                "description": description,
            }
            for slug, (name, description) in zh_names.items()
        },
    )

    entries: dict[tuple[int, int], dict[str, Any]] = {}
    for top in demo_tops:
        for owner, items in (
            (top.slug, top.schema),
            *((leaf.slug, leaf.schema) for leaf in top.leaves),
        ):
            for position, item in enumerate(items):
                key = (categories[owner].pk, attributes[item.code].pk)
                entries[key] = {
                    "category_id": key[0],
                    "attribute_id": key[1],
                    "required": item.required,
                    "filterable": item.filterable,
                    "position": position,
                }
    current = {
        (e.category_id, e.attribute_id): e
        for e in CategoryAttribute.objects.filter(category_id__in=category_ids)
    }
    # The demo owns its categories' schemas: entries from older demo content go.
    stale = [e.pk for key, e in current.items() if key not in entries]
    CategoryAttribute.objects.filter(pk__in=stale).delete()
    _sync(CategoryAttribute, current, entries)

    _sync(
        Brand,
        {b.slug: b for b in Brand.objects.filter(slug__in=[b.slug for b in brands])},
        {b.slug: {"slug": b.slug, "name": b.name, "name_zh": b.name_zh} for b in brands},
    )
    return categories


_PRODUCT_FIELDS = (
    "slug",
    "category_id",
    "brand_id",
    "language",
    "title",
    "description",
    "highlights",
    "attributes",
    "price",
    "compare_at_price",
    "currency",
    "stock",
    "status",
    "created_at",
)


def write_products(
    *,
    count: int,
    seed: int,
    chunk_size: int,
    categories: dict[str, Category],
    brand_ids: dict[str, int],
    now: datetime,
    progress: ProgressFactory,
) -> WrittenProducts:
    """Write products ``0 .. count - 1`` chunk by chunk, one transaction per chunk.

    Returns:
        The product specs, a map from product index to primary key, and how many rows were
        created and updated.
    """
    schemas: dict[str, dict[str, SchemaEntry]] = {}
    written = WrittenProducts(specs=[], ids={})
    with progress(total=count, desc="Products", unit="product") as bar:
        for start in range(0, count, chunk_size):
            specs = build_products(count=min(chunk_size, count - start), seed=seed, start=start)
            for spec in specs:
                if spec.category_slug not in schemas:
                    schemas[spec.category_slug] = get_attribute_schema(
                        categories[spec.category_slug]
                    )
            with transaction.atomic():
                created, updated, ids = _write_product_chunk(
                    specs, categories=categories, brand_ids=brand_ids, schemas=schemas, now=now
                )
            written.created += created
            written.updated += updated
            written.ids.update(ids)
            written.specs.extend(specs)
            bar.update(len(specs))
    return written


def _write_product_chunk(
    specs: Sequence[ProductSpec],
    *,
    categories: dict[str, Category],
    brand_ids: dict[str, int],
    schemas: dict[str, dict[str, SchemaEntry]],
    now: datetime,
) -> tuple[int, int, dict[int, int]]:
    existing = {p.sku: p for p in Product.objects.filter(sku__in=[s.sku for s in specs])}
    new: list[Product] = []
    changed: list[Product] = []
    by_index: dict[int, Product] = {}
    created_at: dict[str, datetime] = {}
    for spec in specs:
        created_at[spec.sku] = now - timedelta(days=spec.created_days_ago)
        values = {
            "slug": spec.slug,
            "category_id": categories[spec.category_slug].pk,
            "brand_id": brand_ids[spec.brand_slug],
            "language": "en",
            "title": spec.en.title,
            "description": spec.en.description,
            "highlights": list(spec.en.highlights),
            # Same validation as every other write path; raises on content bugs.
            "attributes": clean_attributes(spec.attributes, schema=schemas[spec.category_slug]),
            "price": spec.price,
            "compare_at_price": spec.compare_at_price,
            "currency": "USD",
            "stock": spec.stock,
            "status": spec.status,
            "created_at": created_at[spec.sku],
        }
        product = existing.get(spec.sku)
        if product is None:
            product = Product(sku=spec.sku, **values)
            new.append(product)
        elif any(getattr(product, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(product, name, value)
            product.updated_at = timezone.now()
            changed.append(product)
        by_index[spec.index] = product

    Product.objects.bulk_create(new)
    # auto_now_add overwrote created_at on insert; the catalog's "new arrivals" need the
    # deterministic dates back.
    for product in new:
        product.created_at = created_at[product.sku]
    Product.objects.bulk_update(new, ["created_at"])
    Product.objects.bulk_update(changed, [*_PRODUCT_FIELDS, "updated_at"])

    ids = {index: product.pk for index, product in by_index.items()}
    _write_translations(specs, ids)
    _write_marketing(specs, ids)
    return len(new), len(changed), ids


# One product in this many has marketing copy the demo merchant approved (every channel, both
# languages): the examples drafting marketing copy follows.
MARKETING_EVERY = 3
MARKETING_SOURCE = "demo-content"


def _write_marketing(specs: Sequence[ProductSpec], ids: dict[int, int]) -> None:
    rows = []
    for spec in specs:
        if spec.index % MARKETING_EVERY:
            continue
        for language, text in (("en", spec.en), (CHINESE, spec.zh)):
            for channel, parts in CHANNEL_PARTS.items():
                if text is not None and channel != Channel.PRODUCT_PAGE:
                    if all(part in text.marketing for part in parts):
                        marketing = {part: text.marketing[part] for part in parts}
                        rows.append(ApprovedCopy(ids[spec.index], channel, language, marketing))
    record_approved_copy(rows, source=MARKETING_SOURCE)


def _write_translations(specs: Sequence[ProductSpec], ids: dict[int, int]) -> None:
    existing = {
        t.product_id: t
        for t in ProductTranslation.objects.filter(
            product_id__in=list(ids.values()), language_code=CHINESE
        )
    }
    desired = {
        ids[spec.index]: {
            "product_id": ids[spec.index],
            "language_code": CHINESE,
            "title": spec.zh.title,
            "description": spec.zh.description,
            "highlights": list(spec.zh.highlights),
        }
        for spec in specs
        if spec.zh is not None
    }
    # Products designed without Chinese copy lose any they had, so the fallback stays visible.
    stale = [t.pk for product_id, t in existing.items() if product_id not in desired]
    ProductTranslation.objects.filter(pk__in=stale).delete()
    _sync(ProductTranslation, existing, desired)
