"""A ranking as a catalog listing: filters, sort and facets over the catalog's facet rows.

The rows of every active product (price, stock, attribute values) are read once and cached
for a minute (in the shared cache and in each process); filtering a ranking and counting its
facets then needs no query per search.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Collection
from dataclasses import replace
from decimal import Decimal
from typing import Any

from search.text import analyze
from shop.catalog import selectors as catalog
from shop.catalog.cache import cached, versioned_key
from shop.catalog.models import Category, CategoryTranslation, Product, ProductTranslation

PRICE_BUCKETS = ((0, 25), (25, 50), (50, 100), (100, 200), (200, None))
ROWS_TIMEOUT = 60
SORT_RELEVANCE = "relevance"
SORTS = (SORT_RELEVANCE, *catalog.SORT_CHOICES)


def search_schema() -> list[catalog.AttributeInfo]:
    """Every filterable attribute of any category (first definition of a code wins)."""
    language = catalog.current_language()

    def build() -> list[catalog.AttributeInfo]:
        seen: dict[str, catalog.AttributeInfo] = {}
        for node_id in catalog.category_tree().nodes:
            for info in catalog.category_schema(node_id):
                if info.is_filter and info.code not in seen:
                    seen[info.code] = info
                elif info.is_filter:
                    merged = {**seen[info.code].options, **info.options}
                    seen[info.code] = replace(seen[info.code], options=merged)
        return list(seen.values())

    return cached(versioned_key("search-schema", language), build, catalog.STRUCTURE_TIMEOUT)


def catalog_rows() -> tuple[list[catalog.Row], dict[int, int], list[str]]:
    """Facet rows of every active product, product id → top-level category id, the codes."""
    codes = [a.code for a in search_schema()]
    # Hashed: the joined codes of a large catalog exceed memcached's 250-character keys.
    digest = hashlib.blake2b(",".join(codes).encode(), digest_size=8).hexdigest()

    def build() -> tuple[list[catalog.Row], dict[int, int], list[str]]:
        tree = catalog.category_tree()
        rows = catalog.listing_rows(list(tree.nodes), codes)
        roots = {}
        for pk, category_id in Product.objects.active().values_list("pk", "category_id"):
            ancestors = tree.ancestors(category_id)
            roots[pk] = ancestors[0].id if ancestors else category_id
        return rows, roots, codes

    return cached(versioned_key("search-rows", digest), build, ROWS_TIMEOUT)


def product_categories() -> dict[int, int]:
    """Active product id → its own category id (cached like the rows)."""
    return cached(
        versioned_key("search-product-categories"),
        lambda: dict(Product.objects.active().values_list("pk", "category_id")),
        ROWS_TIMEOUT,
    )


def products_written_in(language: str) -> set[int]:
    """Active products with text in ``language`` (their own or a translation), cached."""

    def build() -> set[int]:
        active = Product.objects.active()
        found = set(active.filter(language=language).values_list("pk", flat=True))
        found.update(
            ProductTranslation.objects.filter(
                language_code=language, product__in=active
            ).values_list("product_id", flat=True)
        )
        return found

    return cached(versioned_key("search-written-in", language), build, ROWS_TIMEOUT)


def products_in(category_ids: set[int]) -> set[int]:
    """Active products of these categories (cached like the rows)."""

    joined = ",".join(map(str, sorted(category_ids)))
    key = versioned_key(
        "search-category-products", hashlib.blake2b(joined.encode(), digest_size=8).hexdigest()
    )

    def build() -> set[int]:
        return set(
            Product.objects.active()
            .filter(category_id__in=category_ids)
            .values_list("pk", flat=True)
        )

    return cached(key, build, ROWS_TIMEOUT)


def filter_ranked(
    ranked: list[int],
    filters: catalog.ListingFilters,
    category_ids: set[int] | None,
    sort: str,
) -> tuple[list[int], catalog.ListingResult, list[catalog.Row]]:
    """The ranked products that pass ``filters`` and lie in ``category_ids``, in ``sort``
    order (ranking order for relevance); the listing, and the rows before attribute filters."""
    rows, _roots, codes = catalog_rows()
    position = {pid: i for i, pid in enumerate(ranked)}
    wanted = [r for r in rows if r[0] in position]
    if category_ids is not None:
        allowed = products_in(category_ids)
        wanted = [r for r in wanted if r[0] in allowed]
    listing = catalog.facet_rows(
        wanted, codes, replace(filters, sort=sort if sort in catalog.SORT_CHOICES else "popular")
    )
    ids = listing.product_ids
    if sort == SORT_RELEVANCE:
        ids = sorted(ids, key=position.__getitem__)
    return ids, listing, wanted


def titled(ids: list[int], term_sets: list[list[str]]) -> list[int]:
    """The products of ``ids`` whose title or category name (in any language) holds every
    term of one of ``term_sets``, in their order: what a query sorted by price surely asks
    for (a product titled only in Chinese still counts for "shoe" by its category)."""
    wanted = [set(terms) for terms in term_sets if terms]
    if not wanted or not ids:
        return []
    category_of = dict(Product.objects.filter(pk__in=ids).values_list("pk", "category_id"))
    categories = set(category_of.values())
    names: dict[int, set[str]] = {}
    for category_id, name in [
        *Category.objects.filter(pk__in=categories).values_list("pk", "name"),
        *CategoryTranslation.objects.filter(category_id__in=categories).values_list(
            "category_id", "name"
        ),
    ]:
        names.setdefault(category_id, set()).update(analyze(name))
    terms = {pk: set(names.get(category_id, ())) for pk, category_id in category_of.items()}
    rows = list(Product.objects.filter(pk__in=ids).values_list("pk", "title"))
    rows += ProductTranslation.objects.filter(product_id__in=ids).values_list("product_id", "title")
    for pk, title in rows:
        terms.setdefault(pk, set()).update(analyze(title))
    return [pid for pid in ids if any(w <= terms.get(pid, set()) for w in wanted)]


# The attributes that say whom a product is for: the recipient groups of search.query.gifts.
GENDER_CODE = "gender"
AGE_CODES = {"kid": ("age_range", "age_group"), "baby": ("baby_age",)}


def suits_recipient(ids: list[int], recipient: str, *, gendered_only: bool) -> list[int]:
    """The products of ``ids`` a present for ``recipient`` may be: never one made for another
    gender; for "kid"/"baby", only products with an age range (or made for kids). With
    ``gendered_only`` (a present with nothing but its recipient to go on, "gift for mum"), a
    man or woman gets only products made for them or for anyone (unisex)."""
    if not recipient:
        return ids
    _rows, _roots, codes = catalog_rows()
    by_id = {row[0]: row[8] for row in _rows}
    column = {code: i for i, code in enumerate(codes)}

    def value(values: tuple[Any, ...], code: str) -> Any:
        return values[column[code]] if code in column else None

    def suits(pid: int) -> bool:
        values = by_id.get(pid)
        if values is None:
            return False
        gender = value(values, GENDER_CODE)
        if recipient in AGE_CODES:
            return gender == "kid" or any(value(values, c) for c in AGE_CODES[recipient])
        if gender is None:
            return not gendered_only
        return gender in (recipient, "unisex")

    return [pid for pid in ids if suits(pid)]


def youngest_first(ids: list[int], recipient: str) -> list[int]:
    """``ids`` with the products of the youngest age range first (the option order of the
    recipient's age attribute), the rest in their order."""
    codes = [c for c in AGE_CODES.get(recipient, ()) if c]
    schema = {a.code: a for a in search_schema()}
    rows, _roots, columns = catalog_rows()
    order = {(c, v): i for c in codes if c in schema for i, v in enumerate(schema[c].options)}
    values = {row[0]: row[8] for row in rows}

    def age(pid: int) -> int:
        found = values.get(pid) or ()
        ranks = [
            order[(c, found[columns.index(c)])]
            for c in codes
            if c in columns and (c, found[columns.index(c)]) in order
        ]
        return min(ranks, default=len(order))

    return sorted(ids, key=age)


def _lab(hex_colour: str) -> tuple[float, float, float]:
    """CIELAB (D65) of an sRGB hex colour: distances there follow what people see as close."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(hex_colour.lstrip("#")[i : i + 2], 16)) for i in (0, 2, 4))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def nearest_colours_first(
    ids: list[int], rows: list[catalog.Row], wanted: Collection[str]
) -> tuple[list[int], list[str]]:
    """``ids`` with the products whose colour is nearest to one of ``wanted`` first (CIELAB
    distance; otherwise in their order), and the colour values in the order they now come.

    For a colour the results no longer hold ("no red dresses"): burgundy and coral lead, not
    whatever ranked first. Unchanged without a colour attribute or a known wanted colour.
    """
    _rows, _roots, codes = catalog_rows()
    code = next((c for c in catalog.COLOR_ATTRIBUTE_CODES if c in codes), None)
    targets = [_lab(catalog.COLOR_HEX[v]) for v in wanted if v in catalog.COLOR_HEX]
    if code is None or not targets:
        return ids, []
    column = codes.index(code)
    colour = {row[0]: row[8][column] for row in rows}

    def distance(pid: int) -> float:
        value = colour.get(pid)
        if value not in catalog.COLOR_HEX:
            return math.inf
        lab = _lab(catalog.COLOR_HEX[value])
        return min(math.dist(lab, target) for target in targets)

    ordered = sorted(ids, key=distance)
    shown = [colour[pid] for pid in ordered if colour.get(pid) in catalog.COLOR_HEX]
    return ordered, list(dict.fromkeys(value for value in shown if value is not None))


def category_facet(ids: list[int], selected: int | None) -> list[dict[str, Any]]:
    """Result counts per top-level category, most first."""
    _rows, roots, _codes = catalog_rows()
    tree = catalog.category_tree()
    counts = Counter(roots.get(pid) for pid in ids)
    facet = []
    for root_id, count in counts.most_common():
        node = tree.nodes.get(root_id) if root_id is not None else None
        if node is not None:
            facet.append(
                {
                    "slug": node.slug,
                    "label": node.name,
                    "count": count,
                    "selected": selected == node.id,
                }
            )
    return facet


def price_facet(rows: list[catalog.Row], filters: catalog.ListingFilters) -> list[dict[str, Any]]:
    """Result counts per price bucket (rows hold prices in cents)."""
    facet = []
    for low, high in PRICE_BUCKETS:
        count = sum(1 for r in rows if r[2] >= low * 100 and (high is None or r[2] < high * 100))
        if count:
            facet.append(
                {
                    "min": str(low),
                    "max": str(high) if high is not None else None,
                    "label": f"{low}+" if high is None else f"{low}–{high}",
                    "count": count,
                    "selected": filters.price_min == Decimal(low)
                    and (filters.price_max == (Decimal(high) if high else None)),
                }
            )
    return facet
