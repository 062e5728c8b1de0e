"""The product page: everything it shows of one product, and the click that led to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects

from ..models import Attribute, Product, ProductImage
from .base import current_language
from .cards import ProductCard, attach_translations, build_card, local_text, product_url_template
from .categories import AttributeInfo, CategoryNode, brands_by_id, category_schema, category_tree

REVIEWS_ON_PRODUCT_PAGE = 10
# Listing sources a product link may carry in ``?from=``; anything else is not logged. Higher
# apps add their own lists with register_click_sources (recommend: "rec-home", ...).
CLICK_SOURCES = frozenset({"search", "category", "home", "similar", "recommendations"})
_registered_sources: set[str] = set()
MAX_CLICK_POSITION = 10_000


def register_click_sources(*sources: str) -> None:
    """Let product links carry ``?from=<source>`` for these lists too (call from ready())."""
    for source in sources:
        if not 0 < len(source) <= 30:  # Interaction.source's max_length
            raise ValueError(f"A click source must be 1 to 30 characters, not {source!r}")
        _registered_sources.add(source)


@dataclass(frozen=True, slots=True)
class AttributeRow:
    name: str
    value: str
    name_is_fallback: bool


@dataclass(frozen=True, slots=True)
class ReviewInfo:
    id: int
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
    card = build_card(product, text, tree, language, product_url_template(), brands_by_id())
    schema = category_schema(product.category_id)
    rows = _attribute_rows(product.attributes or {}, schema)
    reviews = (
        [
            ReviewInfo(
                id=r.pk,
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


def parse_click(params: dict[str, str]) -> tuple[str, int] | None:
    """``(source, position)`` from ``?from=&pos=``, or None when either is missing or bad."""
    source = params.get("from", "")
    raw_position = params.get("pos", "")
    known = source in CLICK_SOURCES or source in _registered_sources
    if not known or not raw_position.isascii() or not raw_position.isdigit():
        return None
    position = int(raw_position)
    if not 1 <= position <= MAX_CLICK_POSITION:
        return None
    return source, position
