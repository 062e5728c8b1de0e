"""``parse_query``: a shopper's query split into retrieval text, filters, sort and intent."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from common.text import clean_query
from search.query.ages import extract_age
from search.query.gifts import Gift, extract_gift, rewrite_interest
from search.query.grammar import (
    _FILLER_AFTER,
    _FILLER_BEFORE,
    _ZH_PARTICLES,
    QUERY_WORDS,
    _extract_prices,
    _extract_sizes,
    _extract_sort,
    _Spans,
    _support_topic,
)
from search.query.matching import (
    _apply_targets,
    _attribute_filters,
    _categories,
    _chinese_head,
    _match_chinese,
    _match_english,
)
from search.query.money import PriceQuote
from search.query.vocabulary import QueryVocabulary
from search.text import CHINESE_STOPWORDS, detect_language, has_cjk

# ``raw`` is kept for logging; a 10 kB paste is cut to this.
MAX_RAW_CHARS = 1000

PRODUCT = "product"
SUPPORT = "support"


# ---------------------------------------------------------------------------------------------
# Parsed query


@dataclass(frozen=True)
class ParsedQuery:
    """What a query asks for.

    ``text`` is what is left for retrieval: the query in lower case without price, sort and
    attribute phrases (category and brand words stay). Filters are ``category_ids``,
    ``brand_ids``, ``attributes`` (code → option values; several values of one code mean
    any of them) and the price bounds, inclusive, in the shop's currency; ``price_quote``
    keeps the bounds as written when the query named another currency.
    """

    raw: str
    text: str = ""
    language: str = "en"
    category_ids: tuple[int, ...] = ()
    brand_ids: tuple[int, ...] = ()
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    price_quote: PriceQuote | None = None
    sort: str | None = None
    intent: str = PRODUCT
    support_topic: str | None = None
    did_you_mean: str | None = None
    # Compounds the query wrote longer than the catalog does, with the catalog's word
    # (("跑步鞋", "跑鞋"),): products holding either are keyword matches.
    compounds: tuple[tuple[str, str], ...] = ()
    # The words no constraint was read from ("" when the filters say everything the query
    # does: "跑鞋", "black dress", "降噪耳机"); such a query means the same in any language.
    unread: str = ""
    # The thing a Chinese phrase describes, after its last 的 ("下雨天穿的鞋": 鞋); "" if none.
    head: str = ""
    # The categories are the thing asked for, read from a phrase's head or from a word the
    # catalog never writes: no relaxation drops them for keyword matches of another type
    # (the rain jackets that hold 下雨 are not shoes for the rain).
    names_type: bool = False
    # Another word for the query's one word the catalog never writes, which it does write
    # ("jumper": "sweater"; 电饭锅: "rice cooker"); searched as well (search.synonyms).
    synonym: str = ""
    # A present for someone ("gift for mum"): who it is for; None for any other query.
    gift: Gift | None = None
    # An age the products must be for, in months ("toys for a 3 year old": 36).
    age_months: int | None = None

    @property
    def fully_read(self) -> bool:
        return self.has_filters and not self.unread

    @property
    def has_filters(self) -> bool:
        return bool(
            self.category_ids
            or self.brand_ids
            or self.attributes
            or self.price_min is not None
            or self.price_max is not None
            or self.age_months is not None
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (prices as decimal strings), for the API's "parsed"."""
        return {
            "raw": self.raw,
            "text": self.text,
            "language": self.language,
            "category_ids": list(self.category_ids),
            "brand_ids": list(self.brand_ids),
            "attributes": {code: list(values) for code, values in self.attributes.items()},
            "price_min": None if self.price_min is None else str(self.price_min),
            "price_max": None if self.price_max is None else str(self.price_max),
            "price_quote": None if self.price_quote is None else self.price_quote.as_dict(),
            "sort": self.sort,
            "intent": self.intent,
            "support_topic": self.support_topic,
            "did_you_mean": self.did_you_mean,
            "compounds": dict(self.compounds),
            "synonym": self.synonym,
            "gift": None if self.gift is None else asdict(self.gift),
            "age_months": self.age_months,
        }


def _remaining_text(text: str, spans: _Spans) -> str:
    removed = sorted((s, e) for s, e, keep in spans.items if not keep)
    if not removed:
        return text
    pieces: list[str] = []
    position = 0
    bounds = [*removed, (len(text), len(text))]
    for index, (start, end) in enumerate(bounds):
        if start < position:
            position = max(position, end)
            continue
        piece = text[position:start]
        after_removed = index > 0
        before_removed = index < len(bounds) - 1
        words = piece.split()
        if before_removed:
            while words and (words[-1] in _FILLER_BEFORE or not re.search(r"[^\W_]", words[-1])):
                words.pop()
        if after_removed:
            while words and (words[0] in _FILLER_AFTER or not re.search(r"[^\W_]", words[0])):
                words.pop(0)
        if words:
            # "shoes, under $100": the comma belonged to the removed phrase.
            if before_removed:
                words[-1] = words[-1].rstrip(",;:/&+-")
            if after_removed:
                words[0] = words[0].lstrip(",;:/&+-")
        if words:
            if after_removed and has_cjk(words[0][:1]):
                words[0] = words[0].lstrip(_ZH_PARTICLES)
            if before_removed and has_cjk(words[-1][-1:]):
                words[-1] = words[-1].rstrip(_ZH_PARTICLES)
        pieces.extend(w for w in words if w)
        position = max(position, end)
    # "有红色的吗" without its colour leaves "有" and "吗", which say nothing on their own.
    return " ".join(w for w in pieces if w not in CHINESE_STOPWORDS)


class _Protected:
    """The query grammar's words and the vocabulary's, without building their union per query."""

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words

    def __contains__(self, word: object) -> bool:
        return word in QUERY_WORDS or word in self.words


def _suggestion(parsed_text: str, query: str, vocabulary: QueryVocabulary) -> str | None:
    if vocabulary.speller is None or not parsed_text:
        return None
    correction = vocabulary.speller.correct(parsed_text, keep=_Protected(vocabulary.known_words))
    if not correction.changed:
        return None
    suggestion = query
    for wrong, right in correction.corrections:
        pattern = r"(?<![^\W_])" + r"\s+".join(map(re.escape, wrong.split())) + r"(?![^\W_])"
        suggestion = re.sub(pattern, right, suggestion, count=1)
    return suggestion if suggestion != query else None


def parse_query(raw: str, vocabulary: QueryVocabulary) -> ParsedQuery:
    """Split a shopper's query into retrieval text, filters, sort and intent.

    Args:
        raw: the query as typed; any string (or anything ``str()`` accepts) is fine.
        vocabulary: the catalog's phrases; :meth:`QueryVocabulary.empty` for grammar only.

    Returns:
        A :class:`ParsedQuery`; never raises. A support question ("how do I return this")
        comes back with ``intent="support"``, its topic, the cleaned query as ``text`` and no
        filters.
    """
    if not isinstance(raw, str):
        raw = "" if raw is None else str(raw)
    raw_kept = raw[:MAX_RAW_CHARS]
    query = clean_query(raw).lower()
    if not query:
        return ParsedQuery(raw=raw_kept)
    language = detect_language(query)

    topic = _support_topic(query)
    if topic is not None:
        return ParsedQuery(
            raw=raw_kept, text=query, language=language, intent=SUPPORT, support_topic=topic
        )

    query = rewrite_interest(query, vocabulary.known_words)
    spans = _Spans()
    gift = extract_gift(query, spans)
    age_months = extract_age(query, spans)
    price_min, price_max, written = _extract_prices(query, spans)
    price_min, price_max, quote = vocabulary.money.convert(price_min, price_max, written)
    sort = _extract_sort(query, spans)
    hits: list[tuple[str, str, int, int]] = []
    categories: list[tuple[int, int, int, bool]] = []
    brands: list[int] = []
    _extract_sizes(query, spans, vocabulary, hits)
    compounds: list[tuple[str, str]] = []
    if has_cjk(query):
        matches = _match_chinese(query, spans, vocabulary, compounds)
        _apply_targets(matches, spans, categories, brands, hits)
    matches = _match_english(query, spans, vocabulary)
    _apply_targets(matches, spans, categories, brands, hits)
    head = _chinese_head(query) if has_cjk(query) else None
    if head is not None:
        # What comes before 的 describes the thing sought: "能给咖啡保温的杯子" asks for cups
        # that keep coffee hot, not for coffee.
        categories = [found for found in categories if found[1] >= head[0]]
    category_ids = _categories(categories, query, spans, vocabulary)
    attributes = _attribute_filters(query, hits, category_ids, vocabulary, spans)
    if age_months is not None and set(attributes.get("gender", ("",))) <= {"kid", "kids"}:
        # "适合3岁孩子的玩具": the age says it is for a child; toys seldom state a gender.
        del attributes["gender"]

    text = _remaining_text(query, spans)
    read = _Spans()
    read.items = [(s, e, False) for s, e, keep in spans.items if not keep]
    read.items += [(s, e, False) for s, e in spans.explained]
    unread = _remaining_text(query, read)
    return ParsedQuery(
        raw=raw_kept,
        text=text,
        language=language,
        category_ids=tuple(category_ids),
        brand_ids=tuple(brands),
        attributes=attributes,
        price_min=price_min,
        price_max=price_max,
        price_quote=quote,
        sort=sort,
        compounds=tuple(dict.fromkeys(compounds)),
        did_you_mean=_suggestion(text, query, vocabulary),
        unread=unread,
        head=head[1] if head is not None else "",
        names_type=head is not None and bool(category_ids),
        gift=gift,
        age_months=age_months,
    )
