"""Product cards: what a product list shows of each product, in the visitor's language."""

from __future__ import annotations

import colorsys
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.urls import reverse
from django.utils.translation import ngettext

from ..models import Product, ProductImage, ProductTranslation
from .base import current_language, fallback_label
from .categories import BrandInfo, CategoryTree, brands_by_id, category_tree

NEW_ARRIVALS_LIMIT = 8
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
    # The price as a number in ``currency`` (``price`` is it formatted for display).
    price_amount: Decimal
    currency: str
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


def card_queryset() -> QuerySet[Product]:
    """Products with just what a card needs (images prefetched)."""
    images = ProductImage.objects.only(
        "product_id", "image", "external_url", "alt_text", "position"
    ).order_by("position", "id")
    # Brand names come from the cached brand map, so no join is needed.
    products = Product.objects.prefetch_related(
        Prefetch("images", queryset=images, to_attr="image_list")
    )
    return products.only(*CARD_FIELDS)


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


def build_card(
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
        price_amount=product.price,
        currency=product.currency,
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


def product_url_template() -> str:
    # reverse() per card is measurable on a 24-card page; build the pattern once per list.
    return reverse("catalog:product", kwargs={"slug": "__slug__"})


def product_cards(
    products: Iterable[Product], *, source: str = "", start_position: int = 1
) -> list[ProductCard]:
    """Cards for products fetched with :func:`card_queryset`, in the given order.

    With ``source`` each card links with ``?from=<source>&pos=<n>`` so the product page can log
    the click and its 1-based position in the list.
    """
    products = list(products)
    language = current_language()
    attach_translations(products, language)
    tree = category_tree()
    brands = brands_by_id()
    url_template = product_url_template()
    cards = []
    for offset, product in enumerate(products):
        text = local_text(product, language, full=False)
        card = build_card(product, text, tree, language, url_template, brands)
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
    by_id = {p.pk: p for p in card_queryset().active().filter(pk__in=list(ids))}
    ordered = [by_id[i] for i in ids if i in by_id]
    return product_cards(ordered, source=source, start_position=start_position)


def new_arrivals(*, limit: int = NEW_ARRIVALS_LIMIT) -> list[ProductCard]:
    products = card_queryset().active().order_by("-created_at", "-id")[:limit]
    return product_cards(products)
