"""Lexical, dense and hybrid retrieval over one :class:`~search.engine.SearchIndex`.

Hybrid = reciprocal rank fusion (Cormack et al., 2009) of the BM25 and dense rankings, each
cut at ``depth``, then (when one is given) a learned reranker over the fused candidates.
RRF needs no score calibration between the two engines, which is why it is the default.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np

from search.engine import SearchIndex, top_k
from search.query import ParsedQuery, QueryVocabulary, parse_query
from search.text import analyze

RRF_K = 60
DEPTH = 100


@dataclass
class Candidate:
    """One result row and why it is there."""

    row: int
    score: float = 0.0
    lexical_rank: int | None = None
    lexical_score: float = 0.0
    dense_rank: int | None = None
    dense_score: float = 0.0
    features: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PreparedQuery:
    """A query as hybrid retrieval uses it (the shop, its evaluation and ranker training alike).

    Attributes:
        parsed: what search.query read from it.
        text: the text to embed: the query without its price/sort phrases.
        tokens: BM25 terms of ``text``, plus those of the spelling correction, if any: a
            typo then still finds the products that spell the word right, and the correct
            spelling (which the query also keeps) cannot lose anything; and the terms of
            each reading in ``term_sets``.
        term_sets: the readings a keyword match must hold the terms of (any one of them):
            the query's terms, and the query as the catalog writes its compounds.
    """

    parsed: ParsedQuery
    text: str
    tokens: list[str]
    term_sets: list[list[str]] = field(default_factory=list)


def prepare_query(
    raw: str, vocabulary: QueryVocabulary, *, understand: bool = True
) -> PreparedQuery:
    parsed = parse_query(raw, vocabulary) if understand else ParsedQuery(raw=raw, text=raw)
    if understand and parsed.did_you_mean:
        # "backpak", "runing shoes": the correction reads the category the typo hid.
        corrected = parse_query(parsed.did_you_mean, vocabulary)
        if len(corrected.unread) < len(parsed.unread) and corrected.intent == parsed.intent:
            parsed = replace(
                parsed,
                category_ids=corrected.category_ids,
                brand_ids=corrected.brand_ids,
                attributes=corrected.attributes,
                compounds=corrected.compounds,
                unread=corrected.unread,
            )
    return prepared_for(parsed, raw)


def prepared_for(parsed: ParsedQuery, raw: str) -> PreparedQuery:
    """The retrieval text, tokens and readings of what was read from ``raw``."""
    # "under $50", "cheapest" or "gift for mum" leave no text: a browse by filters, sort or
    # recipient, not a search for the word "under".
    read = parsed.has_filters or parsed.sort or parsed.gift is not None
    text = parsed.text if parsed.text or read else raw
    if parsed.synonym:
        # Embedded and searched with the word: "jumper sweater" lies among the sweaters.
        text = f"{text} {parsed.synonym}"
    tokens = analyze(text)
    if parsed.did_you_mean:
        tokens += [t for t in analyze(parsed.did_you_mean) if t not in tokens]
    term_sets = [list(tokens)]
    if parsed.brand_ids and parsed.unread:
        # A brand read is a filter; its name stays among the words for the ranking, but a
        # product need not hold it to match the rest: "northwend down jacket" with no
        # Northwend jacket relaxes to other brands' down jackets, which hold "jacket" only.
        rest = analyze(parsed.unread)
        if rest and rest != tokens:
            term_sets.append(rest)
    if parsed.compounds:
        # "跑步鞋" is analysed as 跑步 + 鞋 and the catalog's "跑鞋" as one word: the query is
        # also searched as the catalog writes it, and holding either reading is a match.
        short = text
        for compound, word in parsed.compounds:
            short = short.replace(compound, word)
        term_sets.append(analyze(short))
        tokens += [t for t in term_sets[-1] if t not in tokens]
    return PreparedQuery(parsed=parsed, text=text, tokens=tokens, term_sets=term_sets)


class Reranker(Protocol):
    """Reorders fused candidates (a learned stage, see search.ranker)."""

    version: str

    def rerank(
        self, index: SearchIndex, text: str, tokens: Sequence[str], candidates: list[Candidate]
    ) -> list[Candidate]: ...


class Retriever:
    """Runs one query against ``index`` in a given mode.

    Args:
        index: the loaded index.
        reranker: optional learned stage applied in "hybrid" mode.
        depth: how many candidates each engine contributes to the fusion.
        weights: RRF weights of (lexical, dense).
    """

    def __init__(
        self,
        index: SearchIndex,
        *,
        reranker: Reranker | None = None,
        depth: int = DEPTH,
        weights: tuple[float, float] = (1.0, 1.0),
    ) -> None:
        self.index = index
        self.reranker = reranker
        self.depth = depth
        self.weights = weights

    def lexical(
        self, tokens: Sequence[str], *, k: int, rows: np.ndarray | None = None
    ) -> list[Candidate]:
        scores = self.index.lexical_scores(tokens)
        if rows is not None:
            scores = scores[rows]
        order = top_k(scores, k)
        order = order[scores[order] > 0]
        found = rows[order] if rows is not None else order
        return [
            Candidate(row=int(r), score=float(s), lexical_rank=i + 1, lexical_score=float(s))
            for i, (r, s) in enumerate(zip(found, scores[order], strict=True))
        ]

    def dense(
        self, vector: np.ndarray | None, *, k: int, rows: np.ndarray | None = None
    ) -> list[Candidate]:
        if vector is None:
            return []
        found, scores = self.index.dense_search(vector, k, rows)
        return [
            Candidate(row=int(r), score=float(s), dense_rank=i + 1, dense_score=float(s))
            for i, (r, s) in enumerate(zip(found, scores, strict=True))
        ]

    def hybrid(
        self,
        text: str,
        tokens: Sequence[str],
        vector: np.ndarray | None,
        *,
        k: int,
        rows: np.ndarray | None = None,
        rerank: bool = True,
    ) -> list[Candidate]:
        fused: dict[int, Candidate] = {}
        lexical_weight, dense_weight = self.weights
        for hit in self.lexical(tokens, k=self.depth, rows=rows):
            candidate = fused.setdefault(hit.row, Candidate(row=hit.row))
            candidate.lexical_rank, candidate.lexical_score = hit.lexical_rank, hit.lexical_score
            candidate.score += lexical_weight / (RRF_K + hit.lexical_rank)
        for hit in self.dense(vector, k=self.depth, rows=rows):
            candidate = fused.setdefault(hit.row, Candidate(row=hit.row))
            candidate.dense_rank, candidate.dense_score = hit.dense_rank, hit.dense_score
            candidate.score += dense_weight / (RRF_K + hit.dense_rank)
        ranked = sorted(fused.values(), key=lambda c: (-c.score, c.row))
        if rerank and self.reranker is not None and ranked:
            ranked = self.reranker.rerank(self.index, text, tokens, ranked)
        return ranked[:k]

    def search(
        self,
        mode: str,
        *,
        text: str,
        tokens: Sequence[str],
        vector: np.ndarray | None,
        k: int,
        rows: np.ndarray | None = None,
    ) -> list[int]:
        """Ranked rows for ``mode`` ("lexical", "dense" or "hybrid")."""
        if mode == "lexical":
            hits = self.lexical(tokens, k=k, rows=rows)
        elif mode == "dense":
            hits = self.dense(vector, k=k, rows=rows)
        elif mode == "hybrid":
            hits = self.hybrid(text, tokens, vector, k=k, rows=rows)
        else:
            raise ValueError(f"Unknown search mode {mode!r}.")
        return [hit.row for hit in hits]


def describe(candidate: Candidate) -> dict[str, Any]:
    """The signals behind a result, for "why this result"."""
    return {
        "lexical_rank": candidate.lexical_rank,
        "lexical_score": round(candidate.lexical_score, 3),
        "dense_rank": candidate.dense_rank,
        "semantic_similarity": round(candidate.dense_score, 3) if candidate.dense_rank else None,
        "fused_score": round(candidate.score, 5),
    }
