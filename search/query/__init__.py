"""Query understanding: constraints, sort and intent pulled out of what a shopper typed.

``parse_query("women's running shoes under $100", vocabulary)`` gives gender "women" and a
price ceiling of 100 as filters and "running shoes" as the text to retrieve with (category and
brand words stay in the text: they match titles too). Everything is general rules:

* grammar that holds for any shop: price phrases ("under $100", "100元以下", "50-80"), sort
  phrases ("cheapest", "最新"), size phrases ("size m", "EU 42", "42码"), gender words,
  support questions ("how do I return", "运费多少");
* the catalog's own vocabulary (:class:`QueryVocabulary`): category names, brand names and
  the labels of filterable attribute options, in English and Chinese, matched longest first.
  English phrases compare words with plurals folded, so "shoe" finds "Shoes"; a one-word
  category name counts only as the query's head noun ("shoes", not "shoe rack"). Chinese
  phrases must start and end on a jieba word boundary, so the brand "行者" is not found inside
  "旅行者", and a single-character form (the colour "红" for "红色") must be a jieba word of its
  own, in front of what it describes, so "红裙子" is red but "红茶" is not.
* attributes only where they fit: a colour next to the Tea category ("green tea") is part of
  the text, because no tea has a colour.

Parsing never raises and never looks past the first :data:`MAX_QUERY_CHARS` characters
(:func:`common.text.clean_query`'s limit).

The package follows the parser's own sections: :mod:`.vocabulary` (the catalog's phrases and
how they compare), :mod:`.grammar` (prices, sorts, sizes, support questions), :mod:`.matching`
(vocabulary phrases found in a query) and :mod:`.parse` (:func:`parse_query` and its result).
Import from ``search.query``; the modules behind it may move.
"""

from __future__ import annotations

from common.text import MAX_QUERY_CHARS, clean_query
from search.query.grammar import QUERY_WORDS, SORTS, SUPPORT_TOPICS
from search.query.parse import MAX_RAW_CHARS, PRODUCT, SUPPORT, ParsedQuery, parse_query
from search.query.vocabulary import (
    DEFAULT_ATTRIBUTE_CODES,
    BrandTerm,
    CategoryTerm,
    OptionTerm,
    QueryVocabulary,
    Target,
    chinese_key,
    english_key,
    singular,
)

__all__ = [
    "DEFAULT_ATTRIBUTE_CODES",
    "MAX_QUERY_CHARS",
    "MAX_RAW_CHARS",
    "PRODUCT",
    "QUERY_WORDS",
    "SORTS",
    "SUPPORT",
    "SUPPORT_TOPICS",
    "BrandTerm",
    "CategoryTerm",
    "OptionTerm",
    "ParsedQuery",
    "QueryVocabulary",
    "Target",
    "chinese_key",
    "clean_query",
    "english_key",
    "parse_query",
    "singular",
]
