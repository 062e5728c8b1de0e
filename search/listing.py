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

from search.query.ages import ADULT_MONTHS, covers, option_months
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
    tiers = title_tiers(ids, term_sets)
    return [pid for pid in ids if tiers.get(pid, 2) < 2]


def title_tiers(ids: list[int], term_sets: list[list[str]]) -> dict[int, int]:
    """For each product of ``ids``: 0 when its title (in any language) holds every term of one
    of ``term_sets``, 1 when only its category's name does, 2 otherwise. A category named for
    two kinds ("Sandals & Slides", 凉鞋拖鞋) holds the words of both: for 拖鞋 a slide's own
    title says more than a sport sandal's category."""
    wanted = [set(terms) for terms in term_sets if terms]
    if not wanted or not ids:
        return {}
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
    titles: dict[int, set[str]] = {}
    rows = list(Product.objects.filter(pk__in=ids).values_list("pk", "title"))
    rows += ProductTranslation.objects.filter(product_id__in=ids).values_list("product_id", "title")
    for pk, title in rows:
        titles.setdefault(pk, set()).update(analyze(title))

    def tier(pk: int) -> int:
        title = titles.get(pk, set())
        if any(w <= title for w in wanted):
            return 0
        named = title | names.get(category_of.get(pk, -1), set())
        return 1 if any(w <= named for w in wanted) else 2

    return {pk: tier(pk) for pk in category_of}


# The attributes that say whom a product is for: the recipient groups of search.query.gifts.
GENDER_CODE = "gender"
AGE_CODES = {"kid": ("age_range", "age_group"), "baby": ("baby_age",)}
AGE_ATTRIBUTE_CODES = frozenset(code for codes in AGE_CODES.values() for code in codes)


def _age_columns() -> list[tuple[int, dict[str, tuple[float, float]]]]:
    """(column in the facet rows, option value → months covered) of each age attribute."""
    _rows, _roots, codes = catalog_rows()
    column = {code: i for i, code in enumerate(codes)}
    found = []
    for info in search_schema():
        if info.code in AGE_ATTRIBUTE_CODES and info.code in column:
            months = {
                value: span
                for value, label in info.options.items()
                if (span := option_months(value, str(label))) is not None
            }
            found.append((column[info.code], months))
    return found


def adult_ages() -> frozenset[str]:
    """Values of the age attributes that name grown-ups ("Adults", "成人", "18+")."""
    return frozenset(
        value
        for _column, months in _age_columns()
        for value, (low, _high) in months.items()
        if low >= ADULT_MONTHS
    )


def suits_age(ids: list[int], months: int) -> list[int]:
    """The products of ``ids`` with an age option that covers ``months`` ("toys for a 3 year
    old": the 3–5 years toys); products that state no age are left out."""
    rows, _roots, _codes = catalog_rows()
    columns = _age_columns()
    suited = {
        row[0]
        for row in rows
        for column, spans in columns
        if row[8][column] in spans and covers(spans[row[8][column]], months)
    }
    return [pid for pid in ids if pid in suited]


# How a product stands to a present's recipient (see :func:`_recipient_fit`).
OWN, UNISEX, UNKNOWN = "own", "unisex", "unknown"


def _recipient_fit(recipient: str) -> dict[int, str]:
    """Active product id → OWN (made for ``recipient``: their gender; for kids and babies an
    age range of theirs or the kids' gender), UNISEX, UNKNOWN (no gender said); products made
    for someone else are left out. Cached like the rows."""

    def build() -> dict[int, str]:
        rows, _roots, codes = catalog_rows()
        column = {code: i for i, code in enumerate(codes)}
        ages = [column[c] for c in AGE_CODES.get(recipient, ()) if c in column]
        adult = adult_ages()
        fit: dict[int, str] = {}
        for row in rows:
            values = row[8]
            gender = values[column[GENDER_CODE]] if GENDER_CODE in column else None
            if recipient in AGE_CODES:
                # A child's present is made for children: unisex says nothing about age.
                if gender == "kid" or any(values[i] not in (None, *adult) for i in ages):
                    fit[row[0]] = OWN
            elif gender == recipient:
                fit[row[0]] = OWN
            elif gender in (None, "unisex"):
                fit[row[0]] = UNKNOWN if gender is None else UNISEX
        return fit

    return cached(versioned_key("search-recipient-fit", recipient), build, ROWS_TIMEOUT)


def suits_recipient(ids: list[int], recipient: str, *, gendered_only: bool) -> list[int]:
    """The products of ``ids`` a present for ``recipient`` may be: never one made for another
    gender; for "kid"/"baby", only products with an age range of theirs (or made for kids).
    With ``gendered_only`` (a present with nothing but its recipient to go on, "gift for
    mum"), a man or woman gets only products made for them or for anyone (unisex)."""
    if not recipient:
        return ids
    fit = _recipient_fit(recipient)
    allowed = {OWN, UNISEX} if gendered_only else {OWN, UNISEX, UNKNOWN}
    return [pid for pid in ids if fit.get(pid) in allowed]


def made_for(recipient: str) -> set[int]:
    """Active products made for ``recipient`` alone (not unisex ones)."""
    return {pid for pid, fit in _recipient_fit(recipient).items() if fit == OWN}


def recipient_affinity(recipient: str) -> dict[int, float]:
    """Category id → its share of what shoppers do with products made for ``recipient``:
    the interaction log's activity (``Product.popularity``: views, clicks, carts and
    purchases, recent ones weighing more) on those products, by category. Empty while the
    log holds none (a new shop)."""
    rows, _roots, _codes = catalog_rows()
    popularity = {row[0]: row[4] for row in rows}
    category_of = product_categories()
    totals: Counter[int] = Counter()
    for pid in made_for(recipient):
        if popularity.get(pid, 0.0) > 0 and pid in category_of:
            totals[category_of[pid]] += popularity[pid]
    whole = sum(totals.values())
    return {category: amount / whole for category, amount in totals.items()} if whole else {}


# Reciprocal rank fusion's constant (Cormack et al. 2009): ranks beyond the first few differ
# little, so neither order decides alone.
FUSION_K = 60


def affinity_first(ids: list[int], recipient: str) -> list[int]:
    """``ids`` (nearest to the query first) ordered for a present: their categories by
    reciprocal rank fusion of how near each category's nearest product is and the
    recipient's affinity for it (:func:`recipient_affinity`), each category's products the
    more popular first, a range of kinds on the first rows (:func:`varied`). Popularity, not
    nearness, orders the products of a kind, so "gift for mum" and "送给妈妈的礼物" list the
    same ones. Unchanged while the log says nothing about the recipient."""
    affinity = recipient_affinity(recipient)
    if not affinity:
        return ids
    rows, _roots, _codes = catalog_rows()
    popularity = {row[0]: row[4] for row in rows}
    category_of = product_categories()
    members: dict[int | None, list[int]] = {}
    for pid in ids:
        members.setdefault(category_of.get(pid), []).append(pid)
    nearest = list(members)
    by_affinity = sorted(nearest, key=lambda c: -affinity.get(c, 0.0) if c is not None else 0.0)
    score: Counter[int | None] = Counter()
    for order in (nearest, by_affinity):
        for rank, category in enumerate(order, 1):
            score[category] += 1 / (FUSION_K + rank)
    position = {pid: index for index, pid in enumerate(ids)}
    ordered = [
        pid
        for category in sorted(nearest, key=lambda c: -score[c])
        for pid in sorted(members[category], key=lambda p: (-popularity.get(p, 0.0), position[p]))
    ]
    return varied(ordered, category_of)


# A gift page's first rows show a range of kinds: at most PER_KIND products of one category
# among the first VARIED_ROWS.
PER_KIND = 2
VARIED_ROWS = 12


def varied(ids: list[int], category_of: dict[int, int]) -> list[int]:
    """``ids`` with products beyond PER_KIND of their category moved after the first
    VARIED_ROWS (while other categories have products to fill them), order kept otherwise."""
    head: list[int] = []
    later: list[int] = []
    shown: Counter[int | None] = Counter()
    for index, pid in enumerate(ids):
        if len(head) == VARIED_ROWS:
            return head + later + ids[index:]
        category = category_of.get(pid)
        if shown[category] < PER_KIND:
            shown[category] += 1
            head.append(pid)
        else:
            later.append(pid)
    return head + later


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
