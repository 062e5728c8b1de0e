"""Load the search index, the query vocabulary, the query embedder, the category names'
vectors, the Chinese-English dictionary and WordNet before the first search.

``config.readiness`` calls ``warm_search`` when a web process starts: the first shopper's
search then costs what every later one does.
"""

from __future__ import annotations

from typing import Any

from django.utils import translation

from common.text import CHINESE, ENGLISH
from search import dictionary, wordnet
from search.category_reading import category_names
from search.selectors import SearchParams, search_catalog

WARM_QUERIES = ((ENGLISH, "running shoes"), (CHINESE, "跑步鞋"))


def warm_search() -> dict[str, Any]:
    """One search per shop language through the storefront's own path.

    ``ok`` is False when a search ran degraded (no index yet, no embedder): the shop serves,
    but not at full speed or relevance, and /readyz says so.
    """
    # The category names' vectors and the dictionary, for queries whose product type the
    # catalog never writes.
    category_names()
    dictionary.warm()
    wordnet.load()
    modes = {}
    for language, query in WARM_QUERIES:
        with translation.override(language):
            result = search_catalog(SearchParams(query=query))
        modes[language] = {"mode": result.mode, "degraded": result.degraded}
    return {"ok": not any(m["degraded"] for m in modes.values()), "searches": modes}
