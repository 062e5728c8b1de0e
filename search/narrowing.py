"""Narrowing a ranking to what the page lists: the URL filters and the constraints read from
the query, the sort, and what happens when they leave nothing (search.selectors step 2).

A query read whole (every word a filter) lists the filtered products by popularity, alike in
both languages; a gift lists what suits its recipient; sorting keeps the matches whose title
holds the words; constraints that leave no keyword match are dropped one kind at a time,
the product type last, and kept over the words when nothing anywhere holds them; with
nothing left, the products nearest the query's embedding, flagged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext, ngettext

from common.text import HAN_RUN
from search.listing import (
    SORT_RELEVANCE,
    affinity_first,
    catalog_rows,
    filter_ranked,
    nearest_colours_first,
    product_categories,
    products_written_in,
    search_schema,
    suits_age,
    suits_recipient,
    title_tiers,
    titled,
    youngest_first,
)
from search.query import SUPPORT, ParsedQuery
from search.query.gifts import Gift
from search.ranking import Ranking
from shop.catalog import selectors as catalog

if TYPE_CHECKING:
    from search.selectors import SearchParams

NEAREST_LIMIT = 24
# Products on the first row of the results grid.
FIRST_ROW = 4


@dataclass
class Narrowed:
    """A ranking narrowed to a listing: what the filters, sort and fallbacks left."""

    ids: list[int]
    listing: catalog.ListingResult
    rows: list[catalog.Row]
    filters: catalog.ListingFilters
    applied: list[dict[str, str]]
    relaxed: list[str]
    nearest: bool
    mode: str
    sort: str
    dropped: list[dict[str, str]] = field(default_factory=list)
    # Colour values the results lead with when the asked colour was dropped.
    alternatives: list[str] = field(default_factory=list)


def _merge_filters(
    params: SearchParams, parsed: ParsedQuery, brands: dict[int, Any]
) -> tuple[catalog.ListingFilters, set[int] | None, list[dict[str, str]]]:
    """URL filters plus the constraints read from the query, and chips describing them."""
    filters = params.filters
    applied: list[dict[str, str]] = []
    tree = catalog.category_tree()
    category_ids: set[int] | None = None
    if params.category_id is not None:
        category_ids = set(tree.descendant_ids(params.category_id))
    attributes = dict(filters.attributes)
    brand_ids = set(filters.brand_ids)
    price_min, price_max = filters.price_min, filters.price_max
    if params.understand and parsed.intent != SUPPORT:
        if parsed.category_ids and params.category_id is None:
            category_ids = set()
            for category_id in parsed.category_ids:
                category_ids.update(tree.descendant_ids(category_id))
                node = tree.nodes.get(category_id)
                if node:
                    applied.append({"kind": "category", "label": node.name})
        if parsed.brand_ids and not brand_ids:
            brand_ids = {b for b in parsed.brand_ids if b in brands}
            applied += [
                {"kind": "brand", "label": brands[b].display_name(catalog.current_language())}
                for b in sorted(brand_ids)
            ]
        schema = {a.code: a for a in search_schema()}
        for code, values in parsed.attributes.items():
            if code in attributes or code not in schema:
                continue
            attributes[code] = frozenset(values)
            labels = ", ".join(schema[code].options.get(v, v) for v in values)
            applied.append({"kind": "attribute", "label": f"{schema[code].name}: {labels}"})
        if parsed.gift is not None:
            applied.append({"kind": "gift", "label": _gift_label(parsed.gift)})
        if parsed.synonym:
            applied.append({"kind": "synonym", "label": _synonym_label(parsed)})
        quote = parsed.price_quote
        if parsed.price_min is not None and price_min is None:
            price_min = parsed.price_min
            written = quote.price_min if quote else None
            applied.append({"kind": "price", "label": _price_label("≥", price_min, written, quote)})
        if parsed.price_max is not None and price_max is None:
            price_max = parsed.price_max
            written = quote.price_max if quote else None
            applied.append({"kind": "price", "label": _price_label("≤", price_max, written, quote)})
        if quote is not None and quote.rate is None:
            applied.append(
                {
                    "kind": "price",
                    "label": gettext("No exchange rate for %(currency)s: price not applied")
                    % {"currency": quote.currency},
                }
            )
    merged = replace(
        filters,
        brand_ids=frozenset(brand_ids),
        attributes=attributes,
        price_min=price_min,
        price_max=price_max,
    )
    return merged, category_ids, applied


def _age_label(months: int) -> str:
    """ "Age: 3 years", "Age: 6 months"."""
    if months % 12 == 0 and months:
        years = months // 12
        return ngettext("Age: %(count)d year", "Age: %(count)d years", years) % {"count": years}
    return ngettext("Age: %(count)d month", "Age: %(count)d months", months) % {"count": months}


def _gift_label(gift: Gift) -> str:
    """ "Gift for him (birthday)": whom the query's present is for, and the occasion."""
    label = {
        "women": gettext("Gift for her"),
        "men": gettext("Gift for him"),
        "kid": gettext("Gift for a child"),
        "baby": gettext("Gift for a baby"),
    }.get(gift.recipient, gettext("Gift"))
    return f"{label} ({gift.occasion})" if gift.occasion else label


def _price_label(sign: str, amount: Decimal, written: Decimal | None, quote: Any) -> str:
    """ "≤ $13.88", and the amount as written when the query named another currency:
    "≤ $13.88 (¥100.00)"."""
    from django.conf import settings

    label = f"{sign} {catalog.format_price(amount, settings.SHOP_DEFAULT_CURRENCY)}"
    if quote is not None and written is not None:
        label += f" ({catalog.format_price(written, quote.currency)})"
    return label


def colour_labels(values: list[str], limit: int = 3) -> list[str]:
    """The first ``limit`` colour values as the shop names them in the current language."""
    schema = {a.code: a for a in search_schema()}
    code = next((c for c in catalog.COLOR_ATTRIBUTE_CODES if c in schema), None)
    options = schema[code].options if code else {}
    return [options.get(value, value) for value in values[:limit]]


def _synonym_label(parsed: ParsedQuery) -> str:
    word = parsed.head or parsed.unread
    values = {"word": word, "synonym": parsed.synonym}
    if HAN_RUN.search(word) and not HAN_RUN.search(parsed.synonym):
        # 杯子 searched as "cup": the catalog's English text is what matched.
        return gettext("“%(word)s” searched as the English “%(synonym)s”") % values
    return gettext("“%(word)s” searched as “%(synonym)s”") % values


_DROPS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("attributes", {"attributes": {}}),
    ("brand", {"brand_ids": ()}),
    ("price", {"price_min": None, "price_max": None}),
    ("category", {"category_ids": ()}),
)


def _relaxations(parsed: ParsedQuery) -> list[tuple[tuple[str, ...], ParsedQuery]]:
    """Weaker readings of the query with the constraints each drops: first one kind alone
    (attributes, brand, price), so that the others stay ("northwend down jacket" with no
    Northwend jacket: other brands' down jackets), then more and more kinds together, the
    most specific first, the product type last."""
    steps: list[tuple[tuple[str, ...], ParsedQuery]] = []
    for label, changes in _DROPS[:-1]:
        weaker = replace(parsed, **changes)
        if weaker != parsed:
            steps.append(((label,), weaker))
    dropped: tuple[str, ...] = ()
    current = parsed
    for label, changes in _DROPS:
        weaker = replace(current, **changes)
        if weaker != current:
            dropped += (label,)
            current = weaker
            if len(dropped) > 1 or label == "category":
                steps.append((dropped, weaker))
    return steps


# A relaxation that kept the product type and dropped the words no product of it holds.
WORDS = "words"


def _closest_of_all(ranking: Ranking) -> list[int]:
    """Every product of the index, nearest to the query's embedding first ([] without one)."""
    if ranking.index is None:
        return []
    return ranking.nearest(len(ranking.index.keys)) or []


def narrow(params: SearchParams, ranking: Ranking) -> Narrowed:
    """The ranking through the URL filters and the query's constraints, in the chosen order."""
    parsed = ranking.parsed
    sort = params.sort
    if sort == SORT_RELEVANCE and parsed.sort and params.understand:
        sort = parsed.sort
    brands = catalog.brands_by_id()
    mode = ranking.mode
    ranked = ranking.product_ids
    keyword_ids = ranking.keyword_ids
    filters, category_ids, applied = _merge_filters(params, parsed, brands)
    age = parsed.age_months if params.understand and parsed.intent != SUPPORT else None
    browsing = not ranking.prepared.text.strip() and (
        bool(applied)
        or params.filters.is_filtered
        or params.category_id is not None
        or age is not None
    )
    # Every word of the query became a filter ("跑鞋", "black dress", "tessaro"): the products
    # that pass are all equally what was asked, and ordering them by how each language's
    # text happens to repeat the words would answer "跑鞋" and "running shoes" differently.
    read_whole = params.understand and parsed.fully_read and ranking.index is not None
    gift = parsed.gift if params.understand else None
    if gift is not None and not ranking.prepared.text.strip():
        # A present for someone, nothing else said: what suits them, nearest to the query
        # first with what shoppers choose for them brought forward (popular first without
        # an embedding).
        browsing = not ranking.product_ids
        ranked = ranking.product_ids or [row[0] for row in catalog_rows()[0]]
        ranked = suits_recipient(ranked, gift.recipient, gendered_only=True)
        if not browsing:
            ranked = affinity_first(ranked, gift.recipient)
        if gift.youngest:
            ranked = youngest_first(ranked, gift.recipient)
        keyword_ids = set(ranked)
        if browsing and sort == SORT_RELEVANCE:
            sort = catalog.SORT_POPULAR
    elif browsing or read_whole:
        # Filters without words: every product that passes them, in the chosen order.
        mode = "browse" if browsing else mode
        ranked = [row[0] for row in catalog_rows()[0]]
        keyword_ids = set(ranked)
        if sort == SORT_RELEVANCE:
            sort = catalog.SORT_POPULAR
    if sort != SORT_RELEVANCE and not (browsing or read_whole):
        # Sorting by price or rating reorders every keyword match, and a description that
        # merely mentions the words ("dressing" for "cheap dress": chilli crisp; a cable
        # whose copy names a phone case) would lead. Sorted are the matches whose title
        # holds the query's words, else those the embedder also finds near the query.
        near = ranking.near_ids()
        ranked = (
            titled(ranked, ranking.prepared.term_sets)
            or [pid for pid in ranked if near is None or pid in near]
            or ranked
        )
    elif keyword_ids and ranking.candidates:
        # The embedder's additions after the keyword matches ("猫粮": a cookbook after the
        # cat food) come only from the categories the keyword matches are in.
        category_of = product_categories()
        kinds = {category_of.get(pid) for pid in ranked if pid in keyword_ids}
        ranked = [pid for pid in ranked if pid in keyword_ids or category_of.get(pid) in kinds]
        if not ranking.learned_ids:
            # Without a learned stage to weigh where the words stand, the matches whose title
            # holds them come first ("slide": the pool slide before a sandal whose copy
            # repeats the word), then those whose category name does ("拖鞋": the slides
            # before a sport sandal of 凉鞋拖鞋).
            tiers = title_tiers([p for p in ranked if p in keyword_ids], ranking.prepared.term_sets)
            ranked = sorted(ranked, key=lambda p: tiers.get(p, 2))
    if gift is not None and ranking.prepared.text.strip():
        # "gift for my dad who runs": running gear, none of it made for women.
        ranked = suits_recipient(ranked, gift.recipient, gendered_only=False)
    age_kept = None
    if age is not None:
        # Products for that age ("toys for a 3 year old": 3-5 years), unless none of what
        # the words found of the type asked for is: then every age, the age named as
        # dropped (the other constraints relax as usual below).
        suited = suits_age(ranked, age)
        found = filter_ranked(suited, params.filters, category_ids, sort)[0]
        age_kept = bool(keyword_ids.intersection(found))
        ranked = suited if age_kept else ranked
    ids, listing, rows = filter_ranked(ranked, filters, category_ids, sort)
    relaxed: list[str] = []
    asked = applied
    # Constraints read from the query that leave no keyword match (only similar products)
    # are dropped one kind at a time, and the page says which.
    if ranked and not keyword_ids.intersection(ids) and parsed.has_filters and params.understand:
        for labels, weaker in _relaxations(parsed):
            kept = filters, category_ids, applied
            filters, category_ids, applied = _merge_filters(params, weaker, brands)
            ids, listing, rows = filter_ranked(ranked, filters, category_ids, sort)
            relaxed = list(labels)
            label = labels[-1]
            if keyword_ids.intersection(ids) and not (label == "category" and parsed.names_type):
                # The words name something of another type ("sleeping bag": camping gear,
                # not the Bags department its last word read).
                break
            if label == "category" and kept[1] and (closest := _closest_of_all(ranking)):
                # Nothing anywhere holds the words, or the type is what the query names: the
                # product type stays ("shoes for the rain" lists shoes, not the rain jacket),
                # its products closest first.
                found = filter_ranked(closest, kept[0], kept[1], sort)
                if found[0]:
                    (ids, listing, rows), (filters, category_ids, applied) = found, kept
                    relaxed[-1] = WORDS
                    break
    alternatives: list[str] = []
    wanted_colours = next(
        (parsed.attributes[c] for c in catalog.COLOR_ATTRIBUTE_CODES if c in parsed.attributes),
        (),
    )
    shop_order = (browsing or read_whole) and params.sort == SORT_RELEVANCE and not parsed.sort
    if shop_order and "price" in relaxed and (parsed.price_max or parsed.price_min) is not None:
        # Nothing within the budget: the nearest to it first ("100元以下的跑鞋" with none
        # under ¥100: the cheapest running shoes).
        price = {row[0]: row[2] for row in rows}
        ids = sorted(ids, key=lambda p: price.get(p, 0), reverse=parsed.price_max is None)
        sort = "price_asc" if parsed.price_max is not None else "price_desc"
    elif shop_order:
        # In the order the shop chose (popularity), the first row is what the shopper can
        # read: on the Chinese page an English-only product does not lead. Further down
        # the order stays, so both languages still list the same products.
        readable = products_written_in(catalog.current_language())
        first = [p for p in ids if p in readable][:FIRST_ROW]
        ids = first + [p for p in ids if p not in first]
    if "attributes" in relaxed and wanted_colours:
        # The nearest colours lead under any sort; the sort orders each colour's products
        # ("cheap red dress" with no red: the cheapest burgundy dress first).
        ids, alternatives = nearest_colours_first(ids, rows, wanted_colours)
    nearest = False
    if not ids and parsed.category_ids and params.understand and not relaxed:
        # No product holds the words, but the query named a product type: its products
        # that meet the other constraints (玫瑰金耳环, 耳环 never written: the rose-gold
        # earrings), else all of the type, closest first, before anything of another type.
        closest = _closest_of_all(ranking)
        found = filter_ranked(closest, filters, category_ids, sort)
        if found[0]:
            (ids, listing, rows) = found
            relaxed.append(WORDS)
        else:
            type_filters, type_ids, type_applied = _merge_filters(
                params,
                replace(parsed, attributes={}, brand_ids=(), price_min=None, price_max=None),
                brands,
            )
            found = filter_ranked(closest, type_filters, type_ids, sort)
            if found[0]:
                (ids, listing, rows), filters, applied = found, type_filters, type_applied
                relaxed.append(WORDS)
    if not ids and (found := ranking.similar(NEAREST_LIMIT)) is not None:
        if age is not None and (aged := suits_age(_closest_of_all(ranking), age)):
            # The words found nothing, the age still says whom it is for.
            found, age_kept = aged[:NEAREST_LIMIT], True
        ids, listing, rows = filter_ranked(found, params.filters, None, SORT_RELEVANCE)
        nearest = bool(ids)
    if age is not None:
        chip = {"kind": "age", "label": _age_label(age)}
        asked = [*asked, chip]
        applied = [*applied, chip] if age_kept else applied
    dropped = [chip for chip in asked if chip not in applied]
    return Narrowed(
        ids, listing, rows, filters, applied, relaxed, nearest, mode, sort, dropped, alternatives
    )
