"""Read side of the storefront: display objects in the visitor's language.

Pages never touch model instances directly. They get small dataclasses built here, with the
text already resolved to the active language and a flag when it fell back to the source text,
so templates stay dumb and cheap to render.

Caching: the category tree, category schemas, the brand list and the per-category facet rows
live in Django's cache under a version number. :func:`invalidate_catalog_cache` bumps the
version, which orphans every entry at once (they expire on their own). Listing rows also carry
a short timeout because stock and price edits do not necessarily call the invalidation; product
pages and the cards on a listing page are always read from the database, so what a shopper
sees for a product is never stale, only its position in a listing can be for a minute.
"""

from __future__ import annotations

import colorsys
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.db.models.fields.json import KeyTextTransform
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from .cache import cached, versioned_key
from .models import (
    Attribute,
    Brand,
    Category,
    CategoryTranslation,
    Product,
    ProductImage,
    ProductTranslation,
)
from .services import get_attribute_schema

# Navigation and schemas change rarely and are invalidated explicitly.
STRUCTURE_TIMEOUT = 60 * 60
# Facet rows depend on stock and prices, which change without an explicit invalidation.
LISTING_TIMEOUT = 60
# Rendered listing fragments: same staleness bound as the rows they are built from.
FRAGMENT_TIMEOUT = 60
# Rendered product bodies are keyed by the product's price/stock/review stamp, so they can live
# longer; translation edits that do not touch the product row show up after this at the latest.
PRODUCT_FRAGMENT_TIMEOUT = 10 * 60
NEW_ARRIVALS_LIMIT = 8
REVIEWS_ON_PRODUCT_PAGE = 10
# Listing sources a product link may carry in ``?from=``; anything else is not logged.
CLICK_SOURCES = frozenset({"search", "category", "home", "similar", "recommendations"})
MAX_CLICK_POSITION = 10_000
MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 8

SORT_POPULAR = "popular"
SORT_CHOICES = ("popular", "newest", "price_asc", "price_desc", "rating")
# "relevance" means popularity until the search app brings a real ranking.
SORT_ALIASES = {"relevance": SORT_POPULAR}

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "JPY": "¥"}

# Placeholder tints for the common colour option values; others get a stable hashed hue.
COLOR_HEX = {
    "black": "#1f2328",
    "white": "#f2f2ef",
    "ivory": "#f4efe1",
    "cream": "#efe6cf",
    "beige": "#d8c8a8",
    "grey": "#8a9099",
    "gray": "#8a9099",
    "silver": "#b7bcc2",
    "charcoal": "#3b4046",
    "red": "#c0392b",
    "burgundy": "#7d2033",
    "pink": "#e07a9b",
    "orange": "#e07b24",
    "yellow": "#e5bd2e",
    "gold": "#c9a23b",
    "brown": "#7a5234",
    "tan": "#b58b5c",
    "green": "#2f8a4c",
    "olive": "#6b7436",
    "teal": "#1f7f84",
    "blue": "#2d6cc0",
    "navy": "#1e3160",
    "purple": "#6c45a8",
    "multicolor": "#7a6fb0",
    "clear": "#cfe3ea",
    "natural": "#cdb894",
    "coral": "#e0705a",
    "khaki": "#a89a6a",
    "lavender": "#9d8ccf",
    "mustard": "#c99a1e",
    "rose-gold": "#c98f7e",
    "sage": "#8fa58a",
    "sky-blue": "#6fb0df",
}
COLOR_ATTRIBUTE_CODES = ("color", "colour")


def current_language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def fallback_label(language_code: str) -> str:
    """The badge shown next to text that is not in the visitor's language."""
    if language_code == "zh-hans":
        return _("Chinese only")
    return _("English only")


# ---------------------------------------------------------------------------------------------
# Categories


@dataclass(frozen=True, slots=True)
class CategoryNode:
    id: int
    slug: str
    name: str
    description: str
    url: str
    parent_id: int | None
    children: tuple[int, ...]
    text_language: str
    is_fallback: bool
    fallback_label: str

    @property
    def initial(self) -> str:
        return self.name[:1].upper() or "?"


@dataclass(frozen=True, slots=True)
class CategoryTree:
    """Every category in one language, for navigation, breadcrumbs and descendant lookups."""

    nodes: dict[int, CategoryNode]
    by_slug: dict[str, int]
    roots: tuple[int, ...]

    def get(self, slug: str) -> CategoryNode | None:
        category_id = self.by_slug.get(slug)
        return self.nodes[category_id] if category_id is not None else None

    def root_nodes(self) -> list[CategoryNode]:
        return [self.nodes[i] for i in self.roots]

    def children_of(self, category_id: int) -> list[CategoryNode]:
        return [self.nodes[i] for i in self.nodes[category_id].children]

    def ancestors(self, category_id: int) -> list[CategoryNode]:
        """Root first, the category itself last."""
        chain: list[CategoryNode] = []
        seen: set[int] = set()
        current: int | None = category_id
        while current is not None and current not in seen and current in self.nodes:
            seen.add(current)
            chain.append(self.nodes[current])
            current = self.nodes[current].parent_id
        return chain[::-1]

    def descendant_ids(self, category_id: int) -> list[int]:
        """The category and everything below it."""
        found: list[int] = []
        stack = [category_id]
        seen: set[int] = set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            found.append(current)
            stack.extend(self.nodes[current].children)
        return found


def category_tree() -> CategoryTree:
    """The cached category tree in the active language."""
    language = current_language()
    return cached(
        versioned_key("tree", language), lambda: _build_category_tree(language), STRUCTURE_TIMEOUT
    )


def _build_category_tree(language: str) -> CategoryTree:
    categories = list(Category.objects.order_by("position", "name", "id"))
    source = settings.LANGUAGE_CODE
    translations: dict[int, CategoryTranslation] = {}
    if language != source:
        translations = {
            t.category_id: t for t in CategoryTranslation.objects.filter(language_code=language)
        }
    children: dict[int | None, list[int]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category.pk)
    url_template = reverse("catalog:category", kwargs={"slug": "__slug__"})
    nodes: dict[int, CategoryNode] = {}
    for category in categories:
        translation = translations.get(category.pk)
        if translation is not None or language == source:
            name = translation.name if translation else category.name
            description = translation.description if translation else category.description
            text_language, is_fallback = language, False
        else:
            name, description = category.name, category.description
            text_language, is_fallback = source, True
        nodes[category.pk] = CategoryNode(
            id=category.pk,
            slug=category.slug,
            name=name,
            description=description,
            url=url_template.replace("__slug__", category.slug),
            parent_id=category.parent_id,
            children=tuple(children.get(category.pk, [])),
            text_language=text_language,
            is_fallback=is_fallback,
            fallback_label=fallback_label(text_language),
        )
    known = set(nodes)
    roots = tuple(c.pk for c in categories if c.parent_id is None or c.parent_id not in known)
    return CategoryTree(nodes=nodes, by_slug={c.slug: c.pk for c in categories}, roots=roots)


def top_categories() -> list[CategoryNode]:
    return category_tree().root_nodes()


# ---------------------------------------------------------------------------------------------
# Attribute schema and brands


@dataclass(frozen=True, slots=True)
class AttributeInfo:
    code: str
    name: str
    name_is_fallback: bool
    kind: str
    unit: str
    filterable: bool
    # option value -> label in the active language, in the schema's option order
    options: dict[str, str] = field(default_factory=dict)

    @property
    def is_filter(self) -> bool:
        return self.filterable and self.kind == Attribute.Kind.CHOICE


def category_schema(category_id: int) -> list[AttributeInfo]:
    """The category's attributes (own and inherited) with localized names, cached."""
    language = current_language()
    return cached(
        versioned_key("schema", category_id, language),
        lambda: _build_schema(category_id, language),
        STRUCTURE_TIMEOUT,
    )


def _category_with_ancestors(category_id: int) -> Category | None:
    """An unsaved Category chain built from the cached tree.

    ``get_attribute_schema`` walks ``.parent``; handing it this chain saves one query per level.
    """
    category: Category | None = None
    for node in category_tree().ancestors(category_id):
        child = Category(pk=node.id, slug=node.slug, name=node.name, parent_id=node.parent_id)
        child.parent = category
        category = child
    return category


def _build_schema(category_id: int, language: str) -> list[AttributeInfo]:
    category = _category_with_ancestors(category_id)
    if category is None:
        return []
    chinese = language == "zh-hans"
    infos = []
    for code, entry in get_attribute_schema(category).items():
        attribute = entry.attribute
        name = attribute.name_zh if chinese and attribute.name_zh else attribute.name
        options = {
            value: (option.label_zh if chinese and option.label_zh else option.label)
            for value, option in entry.options.items()
        }
        infos.append(
            AttributeInfo(
                code=code,
                name=name,
                name_is_fallback=chinese and not attribute.name_zh,
                kind=attribute.kind,
                unit=attribute.unit,
                filterable=entry.filterable,
                options=options,
            )
        )
    return infos


@dataclass(frozen=True, slots=True)
class BrandInfo:
    id: int
    slug: str
    name: str
    name_zh: str

    def display_name(self, language: str) -> str:
        return self.name_zh if language == "zh-hans" and self.name_zh else self.name


def brands_by_id() -> dict[int, BrandInfo]:
    def build() -> dict[int, BrandInfo]:
        return {
            b.pk: BrandInfo(id=b.pk, slug=b.slug, name=b.name, name_zh=b.name_zh)
            for b in Brand.objects.all()
        }

    return cached(versioned_key("brands"), build, STRUCTURE_TIMEOUT)


# ---------------------------------------------------------------------------------------------
# Product cards


@dataclass(frozen=True, slots=True)
class Placeholder:
    """What the inline SVG drawn for a product without images needs."""

    background: str
    foreground: str
    initial: str


@dataclass(frozen=True, slots=True)
class ProductCard:
    id: int
    slug: str
    url: str
    link: str
    title: str
    text_language: str
    is_fallback: bool
    fallback_label: str
    brand: str
    price: str
    compare_at_price: str
    is_on_sale: bool
    in_stock: bool
    rating: str
    rating_percent: int
    rating_label: str
    review_count: int
    image_url: str
    image_alt: str
    placeholder: Placeholder
    category_id: int


def format_price(amount: Decimal | None, currency: str) -> str:
    if amount is None:
        return ""
    symbol = CURRENCY_SYMBOLS.get(currency)
    number = f"{amount:,.2f}"
    return f"{symbol}{number}" if symbol else f"{number} {currency}"


def _hex_to_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _mix(color: str, other: str, weight: float) -> str:
    a, b = _hex_to_rgb(color), _hex_to_rgb(other)
    mixed = (round(x * (1 - weight) + y * weight) for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def placeholder_for(attributes: dict[str, Any], category_name: str) -> Placeholder:
    """A tint from the product's colour attribute (or its category) and the category initial."""
    value = ""
    for code in COLOR_ATTRIBUTE_CODES:
        raw = attributes.get(code) if isinstance(attributes, dict) else None
        if raw:
            value = str(raw).lower()
            break
    base = COLOR_HEX.get(value)
    if base is None:
        seed = value or category_name or "?"
        hue = int(hashlib.md5(seed.encode(), usedforsecurity=False).hexdigest()[:4], 16) % 360
        base = _hsl_to_hex(hue, 0.45, 0.45)
    # Light background in the product's colour, letter in a dark shade of it: always legible.
    return Placeholder(
        background=_mix(base, "#ffffff", 0.78),
        foreground=_mix(base, "#000000", 0.45),
        initial=(category_name[:1] or "?").upper(),
    )


def _hsl_to_hex(hue: int, saturation: float, lightness: float) -> str:
    r, g, b = colorsys.hls_to_rgb(hue / 360, lightness, saturation)
    return "#" + "".join(f"{round(c * 255):02x}" for c in (r, g, b))


# What a card reads; long text (description, highlights) stays in the database.
CARD_FIELDS = (
    "id",
    "slug",
    "language",
    "title",
    "category_id",
    "brand_id",
    "attributes",
    "price",
    "compare_at_price",
    "currency",
    "stock",
    "rating_average",
    "review_count",
)


def _card_queryset(*, full: bool = False) -> QuerySet[Product]:
    images = ProductImage.objects.only(
        "product_id", "image", "external_url", "alt_text", "position"
    ).order_by("position", "id")
    # Brand names come from the cached brand map, so no join is needed.
    products = Product.objects.prefetch_related(
        Prefetch("images", queryset=images, to_attr="image_list")
    )
    return products if full else products.only(*CARD_FIELDS)


def attach_translations(products: Sequence[Product], language: str) -> None:
    """Set ``product.lang_translations`` to the active language's row (a list of 0 or 1).

    Products written in the visitor's language need no translation, so English pages of an
    English catalog skip the query entirely.
    """
    needing = [p for p in products if p.language != language]
    if needing:
        prefetch_related_objects(
            needing,
            Prefetch(
                "translations",
                queryset=ProductTranslation.objects.filter(language_code=language),
                to_attr="lang_translations",
            ),
        )
    for product in products:
        if product.language == language:
            product.lang_translations = []


@dataclass(frozen=True, slots=True)
class LocalText:
    title: str
    description: str
    highlights: list[str]
    language: str
    is_fallback: bool


def local_text(product: Product, language: str, *, full: bool = True) -> LocalText:
    """The product's text in ``language``, or its source text flagged as a fallback.

    ``full=False`` reads the title only, for products fetched without their long text.
    """
    translations = getattr(product, "lang_translations", None)
    if product.language != language and translations is None:
        translations = list(product.translations.filter(language_code=language))
    if product.language == language or not translations:
        return LocalText(
            title=product.title,
            description=product.description if full else "",
            highlights=list(product.highlights or []) if full else [],
            language=product.language,
            is_fallback=product.language != language,
        )
    translation = translations[0]
    return LocalText(
        title=translation.title,
        description=translation.description,
        highlights=list(translation.highlights or []),
        language=language,
        is_fallback=False,
    )


def _card(
    product: Product,
    text: LocalText,
    tree: CategoryTree,
    language: str,
    url_template: str,
    brands: dict[int, BrandInfo],
) -> ProductCard:
    images = getattr(product, "image_list", None)
    if images is None:
        images = list(product.images.all())
    image = images[0] if images else None
    node = tree.nodes.get(product.category_id)
    brand = brands.get(product.brand_id) if product.brand_id else None
    brand_name = brand.display_name(language) if brand is not None else ""
    rating = product.rating_average
    rating_text = f"{rating:.1f}" if rating is not None and product.review_count else ""
    url = url_template.replace("__slug__", product.slug)
    return ProductCard(
        id=product.pk,
        slug=product.slug,
        url=url,
        link=url,
        title=text.title,
        text_language=text.language,
        is_fallback=text.is_fallback,
        fallback_label=fallback_label(text.language) if text.is_fallback else "",
        brand=brand_name,
        price=format_price(product.price, product.currency),
        compare_at_price=(
            format_price(product.compare_at_price, product.currency) if product.is_on_sale else ""
        ),
        is_on_sale=product.is_on_sale,
        in_stock=product.stock > 0,
        rating=rating_text,
        rating_percent=round(float(rating) * 20) if rating is not None else 0,
        rating_label=rating_label(rating_text, product.review_count) if rating_text else "",
        review_count=product.review_count,
        image_url=image.url if image else "",
        image_alt=(image.alt_text or text.title) if image else "",
        placeholder=placeholder_for(product.attributes, node.name if node else ""),
        category_id=product.category_id,
    )


def rating_label(rating: str, count: int) -> str:
    """Screen-reader text for the star graphic, e.g. "Rated 4.5 out of 5 from 12 reviews"."""
    return ngettext(
        "Rated %(rating)s out of 5 from %(count)d review",
        "Rated %(rating)s out of 5 from %(count)d reviews",
        count,
    ) % {"rating": rating, "count": count}


def _product_url_template() -> str:
    # reverse() per card is measurable on a 24-card page; build the pattern once per list.
    return reverse("catalog:product", kwargs={"slug": "__slug__"})


def product_cards(
    products: Iterable[Product], *, source: str = "", start_position: int = 1
) -> list[ProductCard]:
    """Cards for products fetched with :func:`_card_queryset`, in the given order.

    With ``source`` each card links with ``?from=<source>&pos=<n>`` so the product page can log
    the click and its 1-based position in the list.
    """
    products = list(products)
    language = current_language()
    attach_translations(products, language)
    tree = category_tree()
    brands = brands_by_id()
    url_template = _product_url_template()
    cards = []
    for offset, product in enumerate(products):
        text = local_text(product, language, full=False)
        card = _card(product, text, tree, language, url_template, brands)
        if source:
            query = urlencode({"from": source, "pos": start_position + offset})
            card = replace(card, link=f"{card.url}?{query}")
        cards.append(card)
    return cards


def cards_for_ids(
    ids: Sequence[int], *, source: str = "", start_position: int = 1
) -> list[ProductCard]:
    """Cards for active products in ``ids`` order (missing or deactivated ones are skipped)."""
    if not ids:
        return []
    by_id = {p.pk: p for p in _card_queryset().active().filter(pk__in=list(ids))}
    ordered = [by_id[i] for i in ids if i in by_id]
    return product_cards(ordered, source=source, start_position=start_position)


def new_arrivals(*, limit: int = NEW_ARRIVALS_LIMIT) -> list[ProductCard]:
    products = _card_queryset().active().order_by("-created_at", "-id")[:limit]
    return product_cards(products)


# ---------------------------------------------------------------------------------------------
# Category listing with facets


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


def card_queryset() -> QuerySet[Product]:
    """Products with just what a card needs (images prefetched)."""
    return _card_queryset()


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


# ---------------------------------------------------------------------------------------------
# Rendered fragments


def fragment_key(kind: str, *parts: object) -> str:
    """Cache key for a rendered page fragment: kind, active language, catalog version, parts."""
    digest = hashlib.sha1("|".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()
    return versioned_key("html", kind, current_language(), digest)


# ---------------------------------------------------------------------------------------------
# Product page


@dataclass(frozen=True, slots=True)
class AttributeRow:
    name: str
    value: str
    name_is_fallback: bool


@dataclass(frozen=True, slots=True)
class ReviewInfo:
    author: str
    rating: int
    title: str
    text: str
    language: str
    verified_purchase: bool
    created_at: Any


@dataclass(frozen=True, slots=True)
class ImageInfo:
    url: str
    alt: str


@dataclass(frozen=True, slots=True)
class ProductDetail:
    card: ProductCard
    sku: str
    description: str
    highlights: list[str]
    images: list[ImageInfo]
    attributes: list[AttributeRow]
    breadcrumbs: list[CategoryNode]
    category: CategoryNode | None
    stock: int
    reviews: list[ReviewInfo]


def get_active_product(slug: str) -> Product | None:
    """The active product with this slug (one query on the unique slug index), else None."""
    try:
        return Product.objects.active().get(slug=slug)
    except Product.DoesNotExist:
        return None


def product_stamp(product: Product) -> tuple[Any, ...]:
    """The columns that decide whether a rendered product page is still correct.

    ``updated_at`` covers edits through forms and services; price, stock and the review
    figures are listed too because bulk ``update()`` calls change them without touching it.
    """
    return (
        product.pk,
        product.updated_at,
        product.price,
        product.compare_at_price,
        product.currency,
        product.stock,
        product.rating_average,
        product.review_count,
        product.brand_id,
        product.category_id,
    )


def get_product_detail(slug: str) -> ProductDetail | None:
    """Everything the product page shows, or None for unknown or non-active products."""
    product = get_active_product(slug)
    return build_product_detail(product) if product is not None else None


def build_product_detail(product: Product) -> ProductDetail:
    """Images, text in the active language, attributes and latest reviews of ``product``."""
    images = ProductImage.objects.order_by("position", "id")
    prefetch_related_objects([product], Prefetch("images", queryset=images, to_attr="image_list"))
    language = current_language()
    attach_translations([product], language)
    text = local_text(product, language)
    tree = category_tree()
    card = _card(product, text, tree, language, _product_url_template(), brands_by_id())
    schema = category_schema(product.category_id)
    rows = _attribute_rows(product.attributes or {}, schema)
    reviews = (
        [
            ReviewInfo(
                author=r.author_name,
                rating=r.rating,
                title=r.title,
                text=r.text,
                language=r.language,
                verified_purchase=r.verified_purchase,
                created_at=r.created_at,
            )
            for r in product.reviews.all()[:REVIEWS_ON_PRODUCT_PAGE]
        ]
        if product.review_count
        else []
    )
    breadcrumbs = tree.ancestors(product.category_id)
    return ProductDetail(
        card=card,
        sku=product.sku,
        description=text.description,
        highlights=text.highlights,
        images=[ImageInfo(url=i.url, alt=i.alt_text or text.title) for i in product.image_list],
        attributes=rows,
        breadcrumbs=breadcrumbs,
        category=breadcrumbs[-1] if breadcrumbs else None,
        stock=product.stock,
        reviews=reviews,
    )


def _attribute_rows(values: dict[str, Any], schema: list[AttributeInfo]) -> list[AttributeRow]:
    rows = []
    known = set()
    for attribute in schema:
        known.add(attribute.code)
        raw = values.get(attribute.code)
        if raw is None or raw == "":
            continue
        if attribute.kind == Attribute.Kind.CHOICE:
            display = attribute.options.get(str(raw), str(raw))
        elif attribute.kind == Attribute.Kind.NUMBER and attribute.unit:
            display = f"{raw} {attribute.unit}"
        else:
            display = str(raw)
        rows.append(AttributeRow(attribute.name, display, attribute.name_is_fallback))
    return rows


# ---------------------------------------------------------------------------------------------
# Basic keyword search (the search app replaces this with a real engine)

_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def clean_query(raw: str) -> str:
    """Strip control characters (PostgreSQL rejects NUL) and cap the length."""
    return " ".join(_CONTROL_CHARACTERS.sub(" ", raw or "").split())[:MAX_QUERY_LENGTH]


def keyword_search(query: str) -> QuerySet[Product]:
    """Active products whose title or description contains every term, in either language.

    A plain case-insensitive substring match through the ORM, most popular first; good enough
    until the search app's ranked engine replaces it.
    """
    terms = query.split()[:MAX_QUERY_TERMS]
    products = _card_queryset().active()
    if not terms:
        return products.none()
    for term in terms:
        translated = ProductTranslation.objects.filter(
            Q(title__icontains=term) | Q(description__icontains=term)
        ).values("product_id")
        products = products.filter(
            Q(title__icontains=term) | Q(description__icontains=term) | Q(pk__in=translated)
        )
    return products.order_by("-popularity", "-id")


def parse_click(params: dict[str, str]) -> tuple[str, int] | None:
    """``(source, position)`` from ``?from=&pos=``, or None when either is missing or bad."""
    source = params.get("from", "")
    raw_position = params.get("pos", "")
    if source not in CLICK_SOURCES or not raw_position.isascii() or not raw_position.isdigit():
        return None
    position = int(raw_position)
    if not 1 <= position <= MAX_CLICK_POSITION:
        return None
    return source, position


def catalog_name_texts() -> list[str]:
    """Every product title (both languages), brand and category name: the shop's own words."""
    return [
        *Product.objects.values_list("title", flat=True).iterator(chunk_size=2000),
        *ProductTranslation.objects.values_list("title", flat=True).iterator(chunk_size=2000),
        *Brand.objects.values_list("name", flat=True),
        *Brand.objects.values_list("name_zh", flat=True),
        *Category.objects.values_list("name", flat=True),
    ]
