"""Retrieval and ranking: the one function that orders products for a query.

:func:`rank_products` is what shoppers are served (the search page and /api/search reach it
through :func:`search.selectors.search_catalog`, which then filters, sorts and pages its
result) and what ``eval_search`` measures, over a :class:`ProductSet` it gives. Its steps:

1. prepare the query (:func:`search.retrieval.prepare_query`): the constraints read from it
   leave the retrieval text, the terms of a spelling correction join its tokens;
2. embed the text (popular queries' vectors are cached), unless the embedder does not read
   its language or the index was built by another model: then the ranking is lexical and says
   why;
3. BM25 and dense candidates fused by RRF over the whole index, reordered by the learned
   ranker when there is one;
4. keep the candidates that match (see :func:`_matches`), keyword matches first.

A question for customer service is not searched. With no shop index at all, a plain database
keyword match stands in, flagged as degraded.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from llm_services import LLMError, llm
from search.category_reading import CategoryNames, category_names, read_category
from search.dictionary import english_senses, head_senses
from search.engine import IndexUnavailable, SearchIndex
from search.query import SUPPORT, ParsedQuery, QueryVocabulary
from search.retrieval import (
    Candidate,
    PreparedQuery,
    Reranker,
    Retriever,
    prepare_query,
    prepared_for,
)
from search.services import index_holder
from search.synonyms import (
    categories_holding,
    category_senses,
    written_hypernym,
    written_synonym,
)
from search.text import analyze, detect_language
from shop.catalog import selectors as catalog

logger = logging.getLogger("search")

MAX_CANDIDATES = 400
# Products only the embedder found count as matches from its top SEMANTIC_TOP (see _matches).
SEMANTIC_TOP = 10
RANKER_CHECK_SECONDS = 30.0


@dataclass(frozen=True)
class ProductSet:
    """The products a query is ranked over, with the vocabulary and learned stage that go with
    them: the shop's (see :func:`shop_products`), or an evaluation folder's.

    Attributes:
        index: the products' search index.
        vocabulary: the phrases the query parser knows for them.
        reranker: the learned stage; None ranks by the fusion alone.
    """

    index: SearchIndex
    vocabulary: QueryVocabulary
    reranker: Reranker | None = None


@dataclass
class Ranking:
    """What :func:`rank_products` found for one query.

    Attributes:
        prepared: the query as retrieval used it (parsed constraints, text, tokens).
        product_ids: matching products, best first (keyword matches, then the embedder's).
        candidates: the matches' retrieval signals, in the same order (empty without an index).
        index: the index searched; None when nothing was searched or the index is missing.
        vector: the query's embedding, when the index can use it.
        mode: "hybrid", "lexical" (no usable embedding) or "keyword" (no index).
        degraded: why the ranking is not hybrid, for the page to say; "" when it is.
    """

    prepared: PreparedQuery
    product_ids: list[int] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    index: SearchIndex | None = None
    vector: np.ndarray | None = None
    mode: str = "hybrid"
    degraded: str = ""
    # Every fused candidate in the learned stage's order, when one ran (see similar()).
    learned_ids: list[int] = field(default_factory=list)

    @property
    def parsed(self) -> ParsedQuery:
        return self.prepared.parsed

    @property
    def keyword_ids(self) -> set[int]:
        """The products that hold the query's terms (all of them for a database match)."""
        if self.index is None:
            return set(self.product_ids)
        keys = self.index.keys
        return {int(keys[c.row]) for c in self.candidates if c.features.get("keyword_match")}

    def near_ids(self) -> set[int] | None:
        """The matches the embedder also ranks among its top MAX_CANDIDATES for the query: of
        the kind asked for, whatever else their text mentions. None without a query vector."""
        if self.index is None or self.vector is None:
            return None
        keys = self.index.keys
        return {int(keys[c.row]) for c in self.candidates if c.dense_rank is not None}

    def nearest(self, limit: int) -> list[int] | None:
        """The ``limit`` products closest to the query's embedding; None without one."""
        if self.index is None or self.vector is None:
            return None
        found, _scores = self.index.dense_search(self.vector, limit)
        return [int(self.index.keys[row]) for row in found]

    def similar(self, limit: int) -> list[int] | None:
        """What is shown when no product holds the words: the first ``limit`` candidates in
        the learned stage's order when one ran (it weighs typos, character overlap and the
        embedding together), else the nearest to the query's embedding."""
        return self.learned_ids[:limit] if self.learned_ids else self.nearest(limit)


# -- the served models -------------------------------------------------------------------------

_vector_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_vector_lock = threading.Lock()
VECTOR_CACHE_SIZE = 2048


def query_vector(text: str) -> tuple[np.ndarray | None, str, str]:
    """(vector, embedder revision, degraded reason) for a query; popular queries are cached."""
    try:
        embedder = llm["embed"]
    except LLMError:
        # The reason is public (page and API); the exception names hosts and URLs: log only.
        logger.warning("search embedder unavailable", exc_info=True)
        return None, "", "semantic search is unavailable; showing keyword matches only"
    # An embedder declared for some languages only (OPTIONS["languages"]) would return noise
    # for the others; such queries are answered by keywords alone, and say so.
    languages = (getattr(embedder, "options", None) or {}).get("languages")
    if languages and detect_language(text) not in languages:
        return (
            None,
            embedder.revision,
            f"semantic search does not read this language ({detect_language(text)}); "
            "showing keyword matches only",
        )
    key = (embedder.revision, text)
    with _vector_lock:
        vector = _vector_cache.get(key)
        if vector is not None:
            _vector_cache.move_to_end(key)
            return vector, embedder.revision, ""
    try:
        vector = embedder.encode([text], kind="query")[0]
    except LLMError:
        logger.warning("search query embedding failed", exc_info=True)
        return None, "", "semantic search failed; showing keyword matches only"
    with _vector_lock:
        _vector_cache[key] = vector
        while len(_vector_cache) > VECTOR_CACHE_SIZE:
            _vector_cache.popitem(last=False)
    return vector, embedder.revision, ""


_ranker_state: dict[str, Any] = {"checked": 0.0, "name": None, "ranker": None}


def active_ranker() -> Any:
    """The active learned ranker (alias "rerank"), or None; checked every 30 s."""
    from django.conf import settings

    if not getattr(settings, "SEARCH_LEARNED_RANKER", True):
        return None
    now = time.monotonic()
    if now - _ranker_state["checked"] < RANKER_CHECK_SECONDS:
        return _ranker_state["ranker"]
    from llm_services import artifact_folder
    from llm_services.training import active_version
    from search.ranker import RANKER_ALIAS, LearnedRanker

    version = active_version(RANKER_ALIAS)
    name = version.name if version else None
    if name != _ranker_state["name"]:
        ranker = None
        if version is not None:
            try:
                ranker = LearnedRanker.load(artifact_folder(version.artifact_path))
            except (OSError, ValueError) as exc:
                logger.warning("search ranker %s cannot load: %s", name, exc)
        _ranker_state.update(name=name, ranker=ranker)
    _ranker_state["checked"] = now
    return _ranker_state["ranker"]


def reset_caches() -> None:
    with _vector_lock:
        _vector_cache.clear()
    _ranker_state.update(checked=0.0, name=None, ranker=None)


def shop_products(vocabulary: QueryVocabulary | None = None) -> ProductSet:
    """The shop's active products: its current index, catalog vocabulary and active ranker.

    Raises:
        IndexUnavailable: the shop's index has not been built yet.
    """
    return ProductSet(
        index=index_holder().get(),
        vocabulary=vocabulary if vocabulary is not None else QueryVocabulary.from_catalog(),
        reranker=active_ranker(),
    )


# -- ranking -----------------------------------------------------------------------------------


def _required_terms(count: int) -> int:
    """How many of a query's terms a keyword match must hold: all of one or two, else 2/3."""
    return count if count <= 2 else math.ceil(count * 2 / 3)


def _matches(
    index: SearchIndex,
    tokens: list[str],
    candidates: list[Candidate],
    term_sets: list[list[str]] | None = None,
    *,
    learned: bool = False,
) -> list[Candidate]:
    """Candidates that answer the query, keyword matches first.

    A keyword match holds the query's terms (see :func:`_required_terms`), or those of another
    of its ``term_sets`` (the query as the catalog writes its compounds); terms the index
    has never seen (typos, whose corrections are among the tokens) are not counted. Once there
    are keyword matches, the embedder may add as many products as they number, from its top
    SEMANTIC_TOP only, listed after them: dense similarity alone cannot decide, it ranks every
    product, nonsense queries included, and its scale differs from model to model. With no
    keyword match at all the caller shows similar products instead, flagged as such.

    Without a ``learned`` stage, keyword matches holding two of the query's words side by side
    come first, and the other candidates are dropped. With one (its features weigh such pairs
    and how much of the query a product holds), the other candidates follow in its order:
    demoted, not dropped, as a long or misspelt query's relevant products often hold too few
    of its words to count as keyword matches.
    """
    readings = []
    pairs: set[tuple[str, str]] = set()
    for reading in term_sets or [tokens]:
        terms = {t for t in reading if t in index.vocabulary}
        if terms:
            readings.append((terms, _required_terms(len(terms))))
        pairs.update(zip(reading, reading[1:], strict=False))
    lexical, semantic = [], []
    for candidate in candidates:
        coverage, match = 0.0, False
        if candidate.lexical_rank:
            held_tokens = set(index.doc_tokens[candidate.row])
            for terms, required in readings:
                held = len(terms & held_tokens)
                coverage = max(coverage, held / len(terms))
                match = match or held >= required
        candidate.features["coverage"] = round(coverage, 3)
        if match:
            candidate.features["keyword_match"] = 1.0
            if pairs and pairs & _bigrams(index, candidate.row):
                candidate.features["phrase"] = 1.0
            lexical.append(candidate)
        elif candidate.dense_rank is not None and candidate.dense_rank <= SEMANTIC_TOP:
            semantic.append(candidate)
    if not lexical:
        return []
    if not learned:
        # Two of the query's words side by side, as it wrote them ("hand cream", "wireless
        # earbuds"), outrank the same words apart (a cream frying pan whose care note says
        # "hand wash"); the fused order holds within each group.
        lexical.sort(key=lambda c: -c.features.get("phrase", 0.0))
    limit = min(SEMANTIC_TOP, len(lexical))
    added = [c for c in semantic if c.dense_rank <= limit]
    if not learned:
        return lexical + added
    chosen = {id(c) for c in (*lexical, *added)}
    return lexical + added + [c for c in candidates if id(c) not in chosen]


def _bigrams(index: SearchIndex, row: int) -> set[tuple[str, str]]:
    """A row's adjacent term pairs, cached on the index."""
    cache = index.derived.setdefault("bigrams", {})
    found = cache.get(row)
    if found is None:
        doc = index.doc_tokens[row]
        found = cache[row] = set(zip(doc, doc[1:], strict=False))
    return found


def rank_products(
    query: str, *, understand: bool = True, within: ProductSet | None = None
) -> Ranking:
    """The products that match ``query``, best first: what shoppers are served.

    Args:
        query: the query as the shopper typed it (the search form has cleaned it).
        understand: read constraints, sort and intent out of the query; False (``exact=1``)
            searches its words as they are.
        within: the products to rank; the shop's (:func:`shop_products`) when None. The
            catalog filters, sort and paging come after this, in ``search_catalog``.

    Never raises on user input: a query with no words left (a browse by filters, "under $50")
    or a customer-service question gives an empty ranking.
    """
    vocabulary = within.vocabulary if within is not None else QueryVocabulary.from_catalog()
    prepared = prepare_query(query, vocabulary, understand=understand)
    text = prepared.text
    if not text.strip() and prepared.parsed.gift is not None and understand:
        return _rank_gift(prepared, within)
    # A question for customer service gets the pointer to it, not products that happen to
    # share its words ("return", "order"); exact=1 searches the words anyway.
    if not text.strip() or (prepared.parsed.intent == SUPPORT and understand):
        return Ranking(prepared)
    products = within
    if products is None:
        try:
            products = shop_products(vocabulary)
        except IndexUnavailable:
            logger.warning("search index unavailable", exc_info=True)
            found = catalog.keyword_search(text).values_list("pk", flat=True)[:MAX_CANDIDATES]
            return Ranking(
                prepared,
                list(found),
                mode="keyword",
                degraded="the search index is not built yet; showing simple keyword matches",
            )
    index = products.index
    if understand and within is None:
        # The shop's categories name the shop's products only (not an evaluation's).
        prepared = _read_unwritten_category(prepared, query, index)
        text = prepared.text
    mode = "hybrid"
    vector, revision, degraded = query_vector(text)
    if vector is not None and index.dense_revision != revision:
        vector = None
        degraded = (
            "the search index was built with another embedding model; showing keyword "
            "matches until it is rebuilt"
            if index.dense_revision
            else index.manifest.get("extra", {}).get("degraded_reason")
            or "the search index has no semantic part; showing keyword matches"
        )
    if vector is None:
        mode = "lexical"
    retriever = Retriever(index, reranker=products.reranker)
    fused = retriever.hybrid(text, prepared.tokens, vector, k=MAX_CANDIDATES)
    learned = products.reranker is not None
    candidates = _matches(index, prepared.tokens, fused, prepared.term_sets, learned=learned)
    return Ranking(
        prepared,
        [int(index.keys[c.row]) for c in candidates],
        candidates,
        index=index,
        vector=vector,
        mode=mode,
        degraded=degraded,
        learned_ids=[int(index.keys[c.row]) for c in fused] if learned else [],
    )


def _read_unwritten_category(
    prepared: PreparedQuery, raw: str, index: SearchIndex
) -> PreparedQuery:
    """A query whose one unread word names a category in words the catalog does not write
    ("手表" for 腕表; 耳环 by its dictionary sense "earring", :mod:`search.dictionary`) reads
    that category (:mod:`search.category_reading`); the word still ranks the category's
    products (searched as the category's name, "手机壳" would be every 手机配件, cables
    included).

    Not where the catalog's own products holding the word lie elsewhere ("cat food" is not
    Cat Supplies, "smartwatch" not Smart Home): keywords outweigh the embedder's guess.

    Where the embedder reads nothing, a synonym the catalog writes is searched with the word
    ("jumper": sweater; 电饭锅: 电饭煲), else WordNet's synonyms are read as a category
    ("thermos"), else a broader word that names one kind is searched (:mod:`search.synonyms`).
    """
    parsed = prepared.parsed
    word = (parsed.head or parsed.unread).strip().lower()
    if parsed.category_ids or not word or parsed.gift is not None or parsed.intent == SUPPORT:
        return prepared
    vector, revision, _degraded = query_vector(word)
    senses = english_senses(word)
    heads = () if senses else head_senses(word)
    vectors = [query_vector(sense)[0] for sense in senses or heads]
    found = read_category(word, vector, vectors, revision, of_head=bool(heads))
    names = category_names()
    if _keywords_allow(index, word, found, names):
        return prepared_for(replace(parsed, category_ids=(found,), names_type=True), raw)
    # A word a dictionary knows is no misspelling: "purse" is not "pulse" (a speaker's name).
    if synonym := written_synonym(index, word):
        return prepared_for(replace(parsed, synonym=synonym, did_you_mean=None), raw)
    vectors = [query_vector(sense)[0] for sense in category_senses(word)]
    found = read_category(word, None, vectors, revision)
    if _keywords_allow(index, word, found, names):
        read = replace(parsed, category_ids=(found,), names_type=True, did_you_mean=None)
        return prepared_for(read, raw)
    if broader := written_hypernym(index, word):
        return prepared_for(replace(parsed, synonym=broader, did_you_mean=None), raw)
    return prepared


# A word this many products hold is the catalog's word for what they are.
KEYWORD_EVIDENCE = 3


def _keywords_allow(
    index: SearchIndex, word: str, category_id: int | None, names: CategoryNames | None
) -> bool:
    """Whether a category was read (``category_id``) and the catalog does not write ``word``
    (a term of it is no catalog term: 旅行箱's 旅行 says nothing of suitcases), or the
    products holding all its terms are few, or some of them are in the category (or one of
    its children)."""
    if category_id is None or names is None:
        return False
    terms = set(analyze(word))
    if not terms or not terms <= index.vocabulary.keys():
        return True
    categories = categories_holding(index, terms)
    if categories.total() < KEYWORD_EVIDENCE:
        return True
    return any(names.related(category, category_id) for category in categories)


def _rank_gift(prepared: PreparedQuery, within: ProductSet | None) -> Ranking:
    """A present with nothing to search for but whom it is for ("gift for mum", "送给爸爸的
    生日礼物"): every product, nearest to the query as written first (the embedder puts
    jewellery before cables for "a gift for mum"); the caller keeps what suits the recipient.
    Without an embedding the ranking is empty and the caller lists them by popularity."""
    try:
        products = within if within is not None else shop_products()
    except IndexUnavailable:
        return Ranking(prepared, mode="keyword", degraded="the search index is not built yet")
    index = products.index
    vector, revision, degraded = query_vector(prepared.parsed.raw.strip().lower())
    if vector is None or index.dense_revision != revision:
        return Ranking(
            prepared, index=index, mode="lexical", degraded=degraded or "no semantic ranking"
        )
    rows, scores = index.dense_search(vector, len(index.keys))
    candidates = [
        Candidate(
            row=int(row),
            score=float(score),
            dense_rank=rank,
            dense_score=float(score),
            features={"keyword_match": 1.0},
        )
        for rank, (row, score) in enumerate(zip(rows, scores, strict=True), 1)
    ]
    return Ranking(
        prepared,
        [int(index.keys[c.row]) for c in candidates],
        candidates,
        index=index,
        vector=vector,
    )
