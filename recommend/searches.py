"""The storefront search's first results for a visitor's remembered queries, cached.

"For you" shows what a visitor searched for even when they clicked nothing; running the
search on every home page would cost a search per request, so results are kept per query
and search index version for a few minutes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict

from search.selectors import SearchParams, search_catalog, search_index_version

logger = logging.getLogger(__name__)

SEARCH_RESULTS = 12
SEARCH_CACHE_SECONDS = 300.0
SEARCH_CACHE_SIZE = 1024
_searched: OrderedDict[tuple[str, str], tuple[float, list[int]]] = OrderedDict()
_searched_lock = threading.Lock()


def searched_products(query: str) -> list[int]:
    """The first product ids the storefront's search shows for ``query``, cached per query
    and search index for a few minutes (a home page must not run a search per request)."""
    key = (query, search_index_version())
    now = time.monotonic()
    with _searched_lock:
        cached = _searched.get(key)
        if cached is not None and now - cached[0] < SEARCH_CACHE_SECONDS:
            _searched.move_to_end(key)
            return cached[1]
    try:
        result = search_catalog(SearchParams(query=query, page_size=SEARCH_RESULTS))
    except Exception:  # noqa: BLE001 - a page never fails for a remembered search
        logger.exception("recommend: the search for a visitor's query failed")
        return []
    # Nearest-product fallbacks match nothing the visitor asked for: not a reason to show.
    ids = [] if result.nearest else result.product_ids[:SEARCH_RESULTS]
    with _searched_lock:
        _searched[key] = (now, ids)
        while len(_searched) > SEARCH_CACHE_SIZE:
            _searched.popitem(last=False)
    return ids


def reset_search_cache() -> None:
    """Forget the cached search results (tests; a process that changed the catalog)."""
    with _searched_lock:
        _searched.clear()
