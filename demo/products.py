"""Deterministic product generation: category, kind, brand, attributes, prices and stock.

Product ``index`` always gets the same category, SKU and content for a given seed, whatever the
total count, because each product draws from its own ``random.Random`` seeded with
``(seed, index)``. The copy is written by ``demo.product_copy`` from the same random stream.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from django.utils.text import slugify

from .product_copy import ProductText, ProductWriter
from .reader import demo_content
from .spec import BrandSpec, DependsOn, Kind, Leaf, NumberRange, Top

# One product in this many has no Chinese translation, so the storefront's fallback shows.
NO_TRANSLATION_EVERY = 32
NO_TRANSLATION_OFFSET = 17


@dataclass(frozen=True)
class ProductSpec:
    index: int
    sku: str
    slug: str
    top_slug: str
    category_slug: str
    kind_key: str
    brand_slug: str
    attributes: dict[str, Any]
    price: Decimal
    compare_at_price: Decimal | None
    stock: int
    status: str
    # 0..1, drives price position and review ratings
    quality: float
    created_days_ago: float
    en: ProductText
    zh: ProductText | None


@dataclass(frozen=True)
class LeafEntry:
    top: Top
    leaf: Leaf


def has_translation(index: int) -> bool:
    """Whether product ``index`` gets a Chinese translation (about 97% do)."""
    return index % NO_TRANSLATION_EVERY != NO_TRANSLATION_OFFSET


@cache
def leaf_cycle() -> tuple[LeafEntry, ...]:
    """Leaves in the order products are dealt to them.

    The first pass lists every leaf once, so any catalog of at least that many products covers
    every category; later passes repeat the leaves with more weight.
    """
    entries = [LeafEntry(top, leaf) for top in demo_content().tops for leaf in top.leaves]
    rounds = max(entry.leaf.weight for entry in entries)
    return tuple(e for r in range(1, rounds + 1) for e in entries if e.leaf.weight >= r)


@cache
def brands_by_top() -> dict[str, tuple[BrandSpec, ...]]:
    result: dict[str, list[BrandSpec]] = {}
    for brand in demo_content().brands:
        for slug in brand.categories:
            result.setdefault(slug, []).append(brand)
    return {slug: tuple(brands) for slug, brands in result.items()}


def schema_codes(top: Top, leaf: Leaf) -> list[tuple[str, bool]]:
    """(attribute code, required) for a leaf, its own entries overriding the top's."""
    entries: dict[str, bool] = {}
    for item in (*top.schema, *leaf.schema):
        entries[item.code] = item.required
    return list(entries.items())


_MISSING = object()


def choose_attributes(
    rng: random.Random, top: Top, leaf: Leaf, kind: Kind
) -> dict[str, int | float | str]:
    """Pick a value for every schema attribute that the kind's constraints allow.

    Constraints are looked up kind first, then leaf, then top. ``None`` means the attribute does
    not apply to this kind; an unconstrained choice attribute may take any option; an
    unconstrained number attribute is left out.
    """
    values: dict[str, int | float | str] = {}
    for code, required in schema_codes(top, leaf):
        constraint: Any = _MISSING
        for layer in (kind.attrs, leaf.attrs, top.attrs):
            if code in layer:
                constraint = layer[code]
                break
        spec = demo_content().attributes[code]
        if constraint is None or (constraint is _MISSING and spec.kind == "number"):
            if required:
                raise ValueError(f"{leaf.slug}/{kind.key}: required attribute {code} has no value")
            continue
        if constraint is _MISSING:
            constraint = tuple(option.value for option in spec.options)
        if isinstance(constraint, DependsOn):
            constraint = constraint.choices[str(values[constraint.code])]
        if isinstance(constraint, NumberRange):
            value: Any = rng.choice(constraint.values())
        else:
            value = rng.choice(constraint)
        if spec.kind == "number":
            value = int(value) if float(value).is_integer() else round(float(value), 2)
        values[code] = value
    return values


def build_products(*, count: int, seed: int, start: int = 0) -> list[ProductSpec]:
    """Products ``start`` .. ``start + count - 1``; each depends only on its index and the seed."""
    return [build_product(index, seed=seed) for index in range(start, start + count)]


def build_product(index: int, *, seed: int) -> ProductSpec:
    rng = random.Random(f"demo-shop:{seed}:product:{index}")
    entry = leaf_cycle()[index % len(leaf_cycle())]
    top, leaf = entry.top, entry.leaf
    kind = rng.choices(leaf.kinds, weights=[k.weight for k in leaf.kinds])[0]
    brand = rng.choice(brands_by_top()[top.slug])
    attributes = choose_attributes(rng, top, leaf, kind)
    quality = round(rng.betavariate(4, 2), 4)
    price, compare_at = _prices(rng, kind, quality)
    stock = 0 if rng.random() < 0.07 else int(rng.triangular(1, 200, 35))
    status = "draft" if rng.random() < 0.02 else "active"
    created_days_ago = round(rng.uniform(0, 365), 3)

    writer = ProductWriter(rng, top=top, leaf=leaf, kind=kind, brand=brand, attributes=attributes)
    en, zh = writer.write()
    sku = f"DEMO-{leaf.code}-{index + 1:05d}"
    slug = f"{slugify(en.title)[:120].strip('-')}-{sku.lower()}"
    return ProductSpec(
        index=index,
        sku=sku,
        slug=slug,
        top_slug=top.slug,
        category_slug=leaf.slug,
        kind_key=kind.key,
        brand_slug=brand.slug,
        attributes=attributes,
        price=price,
        compare_at_price=compare_at,
        stock=stock,
        status=status,
        quality=quality,
        created_days_ago=created_days_ago,
        en=en,
        zh=zh if has_translation(index) else None,
    )


def _prices(rng: random.Random, kind: Kind, quality: float) -> tuple[Decimal, Decimal | None]:
    low, high = kind.price
    # Better products sit higher in the kind's range, with plenty of noise.
    position = min(1.0, max(0.0, 0.55 * quality + 0.45 * rng.random()))
    raw = low * (high / low) ** position
    ending = rng.choice((0.99, 0.99, 0.95, 0.0, 0.5)) if raw >= 10 else rng.choice((0.99, 0.49))
    price = max(low - 0.01, math.floor(raw) + ending) if ending else float(round(raw))
    price_decimal = Decimal(str(price)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    compare_at = None
    if rng.random() < 0.25:
        markup = price * rng.uniform(1.15, 1.45)
        compare_at = Decimal(math.ceil(markup)) - Decimal("0.01")
        if compare_at <= price_decimal:
            compare_at = price_decimal + Decimal("5.00")
    return price_decimal, compare_at
