"""Reading a product type the catalog never writes, with the embedder: "手表" for 腕表 (watches),
"旅行箱" for 行李箱 (suitcases).

The vocabulary reads a category only from the words of its names. A shopper's other word for
it is read here: when a query leaves one short word no category was read from (or a Chinese
phrase ends in one, after its last 的), that word's embedding is compared with those of every
category's English and Chinese names. The nearest category is read when it is near enough
and nearer by a margin than any category it is not a parent or child of. A Chinese word the
embedder cannot place is read by its English senses from CC-CEDICT (:mod:`search.dictionary`:
耳环, "earring"; 耳麦, "headphones"), each sense as a word of its own.

How near is near enough depends on the embedder and on the catalog, so it is calibrated on
the catalog's own names when the vectors are built: each category's name in one language is
read against the names in the other, as a word the catalog does not write, and the threshold
is the lowest at which such readings find their own category (or its parent or child) at
least ``MIN_PRECISION`` of the time. A catalog whose names never reach that reads nothing.
Measured on the demo shop (docs/benchmarks.md): 0.87 for multilingual-e5-small.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from llm_services import LLMError, llm
from shop.catalog.cache import cached, versioned_key
from shop.catalog.models import Category

logger = logging.getLogger("search")

# Nearer than the best category it is not the parent or child of, by this much cosine.
MARGIN = 0.02
MIN_PRECISION = 0.95
# Fewer readings than this above a threshold say nothing about its precision.
MIN_READINGS = 10
THRESHOLDS = tuple(round(0.8 + 0.005 * i, 3) for i in range(41))  # 0.80 … 1.00
# A word: up to 4 Han characters, or one or two Latin words.
_SHORT = re.compile(r"[\u4e00-\u9fff]{1,4}|[a-z][a-z'-]*(?: [a-z][a-z'-]*)?")
CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class CategoryNames:
    """The categories' name vectors, one row per category and language."""

    ids: tuple[int, ...]
    parents: dict[int, int | None]
    names: dict[int, dict[str, str]]
    vectors: np.ndarray  # (2 * len(ids), dim): English names, then Chinese names
    revision: str
    threshold: float | None

    def read(self, vector: np.ndarray) -> int | None:
        """The category ``vector`` (a query word's) names, or None."""
        if self.threshold is None:
            return None
        return _nearest(self, vector, self.threshold)

    def read_senses(self, vectors: np.ndarray) -> int | None:
        """The category a word's dictionary senses name (one row each), or None: each is read
        on its own, and those that name one must all name the same."""
        found = {self.read(vector) for vector in vectors}
        found.discard(None)
        return found.pop() if len(found) == 1 else None

    def closest(self, vector: np.ndarray) -> int:
        """The category nearest to ``vector``, however far."""
        scores = self.vectors @ vector
        count = len(self.ids)
        return self.ids[int(np.argmax(np.maximum(scores[:count], scores[count:])))]

    def related(self, a: int, b: int) -> bool:
        return a == b or self.parents.get(a) == b or self.parents.get(b) == a


def _nearest(names: CategoryNames, vector: np.ndarray, threshold: float) -> int | None:
    count = len(names.ids)
    scores = names.vectors @ vector
    per_category = np.maximum(scores[:count], scores[count:])
    order = np.argsort(-per_category)
    best = int(order[0])
    if per_category[best] < threshold:
        return None
    best_id = names.ids[best]
    other = next((int(i) for i in order[1:] if not names.related(names.ids[int(i)], best_id)), None)
    if other is not None and per_category[best] - per_category[other] < MARGIN:
        return None
    return best_id


def calibrate(names: CategoryNames, queries: np.ndarray) -> float | None:
    """The lowest threshold at which each category's names, read in the other language, find
    it ``MIN_PRECISION`` of the time. ``queries``: the names as query vectors, in the rows of
    ``names.vectors``."""
    count = len(names.ids)
    half = {"en": names.vectors[count:], "zh": names.vectors[:count]}
    readings = []  # (score, right) of each name read against the other language's names
    for row, query in enumerate(queries):
        language = "en" if row < count else "zh"
        other = CategoryNames(
            names.ids,
            names.parents,
            names.names,
            np.vstack([half[language], half[language]]),
            names.revision,
            None,
        )
        found = _nearest(other, query, threshold=-1.0)
        if found is not None:
            score = float(np.max(half[language] @ query))
            readings.append((score, names.related(found, names.ids[row % count])))
    for threshold in THRESHOLDS:
        above = [right for score, right in readings if score >= threshold]
        if len(above) >= MIN_READINGS and sum(above) >= MIN_PRECISION * len(above):
            return threshold
    return None


def build_category_names() -> CategoryNames | None:
    """Embed every category's names and calibrate; None without an embedder."""
    categories = list(Category.objects.prefetch_related("translations"))
    if not categories:
        return None
    names = {}
    for category in categories:
        chinese = next(
            (t.name for t in category.translations.all() if t.language_code == "zh-hans"), ""
        )
        names[category.pk] = {"en": category.name, "zh": chinese or category.name}
    ids = tuple(names)
    texts = [names[pk]["en"] for pk in ids] + [names[pk]["zh"] for pk in ids]
    try:
        embedder = llm["embed"]
        vectors = embedder.encode(texts, kind="document")
        queries = embedder.encode(texts, kind="query")
    except LLMError:
        logger.warning("category names could not be embedded", exc_info=True)
        return None
    built = CategoryNames(
        ids,
        {c.pk: c.parent_id for c in categories},
        names,
        np.asarray(vectors, dtype=np.float32),
        embedder.revision,
        None,
    )
    threshold = calibrate(built, np.asarray(queries, dtype=np.float32))
    logger.info("category reading threshold %s over %d categories", threshold, len(ids))
    return CategoryNames(ids, built.parents, names, built.vectors, built.revision, threshold)


def category_names() -> CategoryNames | None:
    """The catalog's category names, embedded and calibrated; cached per catalog version."""
    return cached(versioned_key("search-category-names"), build_category_names, CACHE_SECONDS)


def read_category(
    word: str, vector: Any, senses: list[Any], revision: str, *, of_head: bool = False
) -> int | None:
    """The category a query's one unread ``word`` names, or None: by its query ``vector``, else
    by the query vectors of its English ``senses`` (:mod:`search.dictionary`). The word 耳环
    is as near to 耳机 (headphones) as to earrings; its sense "earring" is not. An embedder
    that cannot embed the word (English-only: ``vector`` None) reads it by its senses.

    ``of_head``: the senses are those of the compound's last part, not its own (猫抓板, a
    cat scratcher, would be a board game by 板's "board"); they are read only where the word
    itself lies nearest that category, its parent or a child.
    """
    if not _SHORT.fullmatch(word):
        return None
    names = category_names()
    if names is None or names.revision != revision:
        return None
    if vector is not None and (found := names.read(np.asarray(vector, dtype=np.float32))):
        return found
    senses = [sense for sense in senses if sense is not None]
    if not senses:
        return None
    found = names.read_senses(np.asarray(senses, dtype=np.float32))
    if found is not None and of_head:
        if vector is None:
            return None
        if not names.related(found, names.closest(np.asarray(vector, dtype=np.float32))):
            return None
    return found
