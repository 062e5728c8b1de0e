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

The read side is split by what it serves, and this package re-exports the names its callers
use, so ``from shop.catalog import selectors`` keeps working:

- ``base``: the active language, the fallback badge, rendered-fragment cache keys;
- ``categories``: the category tree, attribute schemas, brands;
- ``cards``: product cards for every product list;
- ``listing``: a category's filtered, sorted and faceted products;
- ``detail``: the product page and the click that led to it;
- ``basic_search``: the ORM keyword search and the shop's own words.
"""

from .base import (
    FRAGMENT_TIMEOUT,
    PRODUCT_FRAGMENT_TIMEOUT,
    current_language,
    fallback_label,
    fragment_key,
)
from .basic_search import MAX_QUERY_TERMS, catalog_name_texts, keyword_search
from .cards import (
    CARD_FIELDS,
    COLOR_ATTRIBUTE_CODES,
    COLOR_HEX,
    CURRENCY_SYMBOLS,
    NEW_ARRIVALS_LIMIT,
    LocalText,
    Placeholder,
    ProductCard,
    attach_translations,
    card_queryset,
    cards_for_ids,
    format_price,
    local_text,
    new_arrivals,
    placeholder_for,
    product_cards,
    rating_label,
)
from .categories import (
    STRUCTURE_TIMEOUT,
    AttributeInfo,
    BrandInfo,
    CategoryNode,
    CategoryTree,
    brands_by_id,
    category_schema,
    category_tree,
    top_categories,
)
from .detail import (
    CLICK_SOURCES,
    MAX_CLICK_POSITION,
    REVIEWS_ON_PRODUCT_PAGE,
    AttributeRow,
    ImageInfo,
    ProductDetail,
    ReviewInfo,
    build_product_detail,
    get_active_product,
    get_product_detail,
    parse_click,
    product_stamp,
    register_click_sources,
)
from .listing import (
    LISTING_TIMEOUT,
    SORT_ALIASES,
    SORT_CHOICES,
    SORT_POPULAR,
    Facet,
    FacetOption,
    ListingFilters,
    ListingResult,
    Row,
    build_facets,
    category_listing,
    facet_rows,
    listing_rows,
)

__all__ = [
    "AttributeInfo",
    "AttributeRow",
    "BrandInfo",
    "CARD_FIELDS",
    "CLICK_SOURCES",
    "register_click_sources",
    "COLOR_ATTRIBUTE_CODES",
    "COLOR_HEX",
    "CURRENCY_SYMBOLS",
    "CategoryNode",
    "CategoryTree",
    "FRAGMENT_TIMEOUT",
    "Facet",
    "FacetOption",
    "ImageInfo",
    "LISTING_TIMEOUT",
    "ListingFilters",
    "ListingResult",
    "LocalText",
    "MAX_CLICK_POSITION",
    "MAX_QUERY_TERMS",
    "NEW_ARRIVALS_LIMIT",
    "PRODUCT_FRAGMENT_TIMEOUT",
    "Placeholder",
    "ProductCard",
    "ProductDetail",
    "REVIEWS_ON_PRODUCT_PAGE",
    "ReviewInfo",
    "Row",
    "SORT_ALIASES",
    "SORT_CHOICES",
    "SORT_POPULAR",
    "STRUCTURE_TIMEOUT",
    "attach_translations",
    "brands_by_id",
    "build_facets",
    "build_product_detail",
    "card_queryset",
    "cards_for_ids",
    "catalog_name_texts",
    "category_listing",
    "category_schema",
    "category_tree",
    "current_language",
    "facet_rows",
    "fallback_label",
    "format_price",
    "fragment_key",
    "get_active_product",
    "get_product_detail",
    "keyword_search",
    "listing_rows",
    "local_text",
    "new_arrivals",
    "parse_click",
    "placeholder_for",
    "product_cards",
    "product_stamp",
    "rating_label",
    "top_categories",
]
