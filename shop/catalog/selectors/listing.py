"""Category listings: filter, sort and facet the products of a category (search reuses the
row and facet steps for its own results)."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.db.models.fields.json import KeyTextTransform
from django.utils.translation import gettext as _

from ..cache import versioned_key
from ..models import Product
from .base import current_language
from .cards import COLOR_ATTRIBUTE_CODES, COLOR_HEX
from .categories import AttributeInfo, CategoryNode, brands_by_id, category_schema, category_tree

# Facet rows depend on stock and prices, which change without an explicit invalidation.
LISTING_TIMEOUT = 60
SORT_POPULAR = "popular"
SORT_CHOICES = ("popular", "newest", "price_asc", "price_desc", "rating")
# "relevance" means popularity until the search app brings a real ranking.
SORT_ALIASES = {"relevance": SORT_POPULAR}


@dataclass(frozen=True)
class ListingFilters:
    """Validated filters from the query string (see ``forms.ProductFilterForm``)."""

    brand_ids: frozenset[int] = frozenset()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    attributes: dict[str, frozenset[str]] = field(default_factory=dict)
    in_stock: bool = False
    sort: str = SORT_POPULAR

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.brand_ids
            or self.price_min is not None
            or self.price_max is not None
            or any(self.attributes.values())
            or self.in_stock
        )

    def cache_key(self) -> str:
        attributes = ";".join(
            f"{code}={','.join(sorted(values))}"
            for code, values in sorted(self.attributes.items())
            if values
        )
        raw = "|".join(
            [
                ",".join(map(str, sorted(self.brand_ids))),
                str(self.price_min),
                str(self.price_max),
                attributes,
                str(self.in_stock),
                self.sort,
            ]
        )
        return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()


# One facet row: (id, brand_id, price in cents, stock, popularity, created timestamp,
# rating or None, review count, values of the filterable attributes in schema order).
Row = tuple[
    int, "int | None", int, int, float, float, "float | None", int, tuple["str | None", ...]
]


@dataclass(frozen=True, slots=True)
class ListingResult:
    product_ids: list[int]
    base_count: int
    brand_counts: dict[int, int]
    # attribute code -> option value -> count, over products matching every other filter
    attribute_counts: dict[str, dict[str, int]]
    in_stock_count: int
    price_low: Decimal | None
    price_high: Decimal | None


def _cents(amount: Decimal | None) -> int | None:
    if amount is None:
        return None
    try:
        return int((amount * 100).to_integral_value())
    except (InvalidOperation, OverflowError):
        return None


def _listing_rows(category_ids: list[int], codes: list[str]) -> list[Row]:
    annotations = {
        f"attr_{i}": KeyTextTransform(code, "attributes") for i, code in enumerate(codes)
    }
    names = list(annotations)
    query = (
        Product.objects.active()
        .filter(category_id__in=category_ids)
        .order_by()
        .annotate(**annotations)
        .values_list(
            "id",
            "brand_id",
            "price",
            "stock",
            "popularity",
            "created_at",
            "rating_average",
            "review_count",
            *names,
        )
    )
    rows: list[Row] = []
    for values in query:
        rows.append(
            (
                values[0],
                values[1],
                _cents(values[2]) or 0,
                values[3],
                values[4],
                values[5].timestamp(),
                float(values[6]) if values[6] is not None else None,
                values[7],
                tuple(values[8:]),
            )
        )
    return rows


def listing_rows(category_ids: list[int], codes: list[str]) -> list[Row]:
    """Facet rows of the active products in ``category_ids`` (uncached; search caches them)."""
    return _listing_rows(category_ids, codes)


def facet_rows(rows: list[Row], codes: list[str], filters: ListingFilters) -> ListingResult:
    """Filter, count and sort ``rows`` as a category listing does (search reuses it)."""
    return _facet(rows, codes, filters)


def _sort_rows(rows: list[Row], sort: str) -> list[Row]:
    if sort == "newest":
        return sorted(rows, key=lambda r: (-r[5], -r[0]))
    if sort == "price_asc":
        return sorted(rows, key=lambda r: (r[2], r[0]))
    if sort == "price_desc":
        return sorted(rows, key=lambda r: (-r[2], r[0]))
    if sort == "rating":
        return sorted(rows, key=lambda r: (r[6] is None, -(r[6] or 0), -r[7], r[0]))
    return sorted(rows, key=lambda r: (-r[4], -r[0]))


def category_listing(
    category: CategoryNode, filters: ListingFilters, *, schema: list[AttributeInfo] | None = None
) -> ListingResult:
    """Filter, sort and facet the active products of a category and its descendants.

    One query reads (id, brand, price, stock, sort keys, filterable attribute values) for the
    whole category; filtering, sorting and counting happen in Python on those rows, and both
    the rows and each result are cached. Facets are disjunctive: the counts shown for brand or
    for an attribute are computed with every filter applied except that facet's own, so ticking
    a second option shows how many products it would add.
    """
    schema = schema if schema is not None else category_schema(category.id)
    codes = [a.code for a in schema if a.is_filter]
    result_key = versioned_key("listing", category.id, ",".join(codes), filters.cache_key())
    result = cache.get(result_key)
    if result is not None:
        return result
    rows_key = versioned_key("rows", category.id, ",".join(codes))
    rows = cache.get(rows_key)
    if rows is None:
        rows = _listing_rows(category_tree().descendant_ids(category.id), codes)
        cache.set(rows_key, rows, LISTING_TIMEOUT)
    result = _facet(rows, codes, filters)
    cache.set(result_key, result, LISTING_TIMEOUT)
    return result


def _facet(rows: list[Row], codes: list[str], filters: ListingFilters) -> ListingResult:
    brand_ids = filters.brand_ids
    low, high = _cents(filters.price_min), _cents(filters.price_max)
    wanted = [(i, filters.attributes.get(code) or frozenset()) for i, code in enumerate(codes)]
    active = [(i, values) for i, values in wanted if values]
    brand_counts: Counter[int] = Counter()
    attribute_counts: list[Counter[str]] = [Counter() for _ in codes]
    matched: list[Row] = []
    in_stock_count = 0
    prices = [r[2] for r in rows]
    for row in rows:
        brand_ok = not brand_ids or row[1] in brand_ids
        failures = 0 if brand_ok else 1
        if (low is not None and row[2] < low) or (high is not None and row[2] > high):
            failures += 1
        if filters.in_stock and row[3] <= 0:
            failures += 1
        failed_attribute = -1
        values = row[8]
        for i, selected in active:
            if values[i] not in selected:
                failures += 1
                failed_attribute = i
        if failures == 0:
            matched.append(row)
            if row[1] is not None:
                brand_counts[row[1]] += 1
            for i, value in enumerate(values):
                if value is not None:
                    attribute_counts[i][value] += 1
            if row[3] > 0:
                in_stock_count += 1
        elif failures == 1:
            # Exactly one facet excludes this row: it still counts towards that facet's options.
            if not brand_ok:
                if row[1] is not None:
                    brand_counts[row[1]] += 1
            elif failed_attribute >= 0:
                value = values[failed_attribute]
                if value is not None:
                    attribute_counts[failed_attribute][value] += 1
    # Options that exist in the category but match nothing right now still get listed (as 0).
    for row in rows:
        if row[1] is not None:
            brand_counts.setdefault(row[1], 0)
        for i, value in enumerate(row[8]):
            if value is not None:
                attribute_counts[i].setdefault(value, 0)
    ordered = _sort_rows(matched, filters.sort)
    return ListingResult(
        product_ids=[r[0] for r in ordered],
        base_count=len(rows),
        brand_counts=dict(brand_counts),
        attribute_counts={code: dict(attribute_counts[i]) for i, code in enumerate(codes)},
        in_stock_count=in_stock_count,
        price_low=Decimal(min(prices)) / 100 if prices else None,
        price_high=Decimal(max(prices)) / 100 if prices else None,
    )


@dataclass(frozen=True, slots=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool
    swatch: str = ""


@dataclass(frozen=True, slots=True)
class Facet:
    param: str
    label: str
    options: list[FacetOption]

    @property
    def has_selection(self) -> bool:
        return any(o.selected for o in self.options)


def build_facets(
    result: ListingResult, filters: ListingFilters, schema: list[AttributeInfo]
) -> list[Facet]:
    """Brand and attribute facets with labels in the active language, ready for the template."""
    language = current_language()
    brands = brands_by_id()
    facets: list[Facet] = []
    brand_options = [
        FacetOption(
            value=brands[brand_id].slug,
            label=brands[brand_id].display_name(language),
            count=count,
            selected=brand_id in filters.brand_ids,
        )
        for brand_id, count in result.brand_counts.items()
        if brand_id in brands
    ]
    if brand_options:
        brand_options.sort(key=lambda o: o.label.casefold())
        facets.append(Facet(param="brand", label=_("Brand"), options=brand_options))
    for attribute in schema:
        counts = result.attribute_counts.get(attribute.code)
        if not attribute.is_filter or not counts:
            continue
        selected = filters.attributes.get(attribute.code, frozenset())
        swatches = COLOR_HEX if attribute.code in COLOR_ATTRIBUTE_CODES else {}
        options = [
            FacetOption(
                value=value,
                label=label,
                count=counts[value],
                selected=value in selected,
                swatch=swatches.get(value, ""),
            )
            for value, label in attribute.options.items()
            if value in counts
        ]
        if options:
            facets.append(
                Facet(param=f"attr_{attribute.code}", label=attribute.name, options=options)
            )
    return facets
