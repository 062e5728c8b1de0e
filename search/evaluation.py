"""Offline evaluation of search on relevance judgments (TREC-style qrels).

A dataset folder holds ``products.csv`` (``product_uid``, ``product_title``, and optionally
``product_description``), ``queries.csv`` (``query_id``, ``search_term``) and ``qrels.tsv``
(``query_id 0 product_uid relevance``; relevance 1.0 = irrelevant .. 3.0 = exact). Every query
is run as full retrieval over every product of the folder, in its own evaluation index (never
the shop's); unjudged products count as not relevant.

Modes: ``hybrid`` is what shoppers are served, the storefront's own
:func:`search.ranking.rank_products` run over the folder's products (query understanding,
spelling, fusion, the learned stage, the keyword-match rule), and when no product holds the
query's words, the similar products the page then shows (``Ranking.similar``, NEAREST_LIMIT of
them); ``lexical`` (BM25 on the query as typed) and ``dense`` (its embedding's nearest
products) are one-engine baselines beside it. The shop's catalog filters and sorts come after
that ranking and need catalog data (prices, categories) a judgments folder does not have.

Metrics (each averaged over the queries that have at least one item meeting its criterion):
nDCG@10 with gain = relevance − 1, MRR@10 with a hit at relevance ≥ 2.5, Recall@100 with
relevant = relevance ≥ 2.0.
"""

from __future__ import annotations

import csv
import hashlib
import math
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from search.engine import IndexDocument, SearchIndex, build_index, current_version
from search.narrowing import NEAREST_LIMIT
from search.query import QueryVocabulary
from search.ranking import ProductSet, rank_products
from search.retrieval import Reranker, Retriever
from search.spelling import Speller
from search.text import analyze

MODES = ("lexical", "dense", "hybrid")
HIT_RELEVANCE = 2.5
RECALL_RELEVANCE = 2.0
NDCG_AT, MRR_AT, RECALL_AT = 10, 10, 100
REQUIRED = {
    "products.csv": ("product_uid", "product_title"),
    "queries.csv": ("query_id", "search_term"),
}


class DatasetError(Exception):
    """The folder is not a valid evaluation dataset; the message names the file and line."""


@dataclass
class EvalDataset:
    folder: Path
    products: list[tuple[int, str]]
    queries: dict[str, str]
    qrels: dict[str, dict[int, float]]
    fingerprint: str = ""
    products_fingerprint: str = ""

    def judged_queries(self) -> list[str]:
        return [qid for qid in self.queries if self.qrels.get(qid)]


def _csv_rows(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    if not path.is_file():
        raise DatasetError(f"{path} is missing.")
    csv.field_size_limit(sys.maxsize)
    with path.open(newline="", encoding="utf-8", errors="strict") as handle:
        try:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                raise DatasetError(f"{path}: missing column(s) {', '.join(missing)}.")
            return list(reader)
        except UnicodeDecodeError as exc:
            raise DatasetError(f"{path} is not UTF-8 text: {exc}") from exc
        except csv.Error as exc:
            raise DatasetError(f"{path} line {reader.line_num}: {exc}") from exc


def read_dataset(folder: Path) -> EvalDataset:
    """Read and validate a dataset folder.

    Raises:
        DatasetError: a file is missing, has the wrong columns or a malformed line.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise DatasetError(f"{folder} is not a folder.")
    products: list[tuple[int, str]] = []
    seen: set[int] = set()
    for line, row in enumerate(_csv_rows(folder / "products.csv", REQUIRED["products.csv"]), 2):
        try:
            uid = int(row["product_uid"])
        except (TypeError, ValueError):
            raise DatasetError(
                f"{folder / 'products.csv'} line {line}: product_uid {row['product_uid']!r} "
                "is not an integer."
            ) from None
        if uid in seen:
            raise DatasetError(f"{folder / 'products.csv'} line {line}: duplicate uid {uid}.")
        seen.add(uid)
        text = (row.get("product_title") or "").strip()
        description = (row.get("product_description") or "").strip()
        products.append((uid, f"{text}\n{description}".strip() if description else text))
    queries = {
        row["query_id"].strip(): (row["search_term"] or "").strip()
        for row in _csv_rows(folder / "queries.csv", REQUIRED["queries.csv"])
    }
    qrels: dict[str, dict[int, float]] = {}
    path = folder / "qrels.tsv"
    if not path.is_file():
        raise DatasetError(f"{path} is missing.")
    with path.open(encoding="utf-8") as handle:
        for line, text in enumerate(handle, 1):
            parts = text.split()
            if not parts:
                continue
            try:
                qid, _iteration, uid, relevance = parts
                qrels.setdefault(qid, {})[int(uid)] = float(relevance)
            except ValueError:
                raise DatasetError(
                    f"{path} line {line}: expected 'query_id 0 product_uid relevance'."
                ) from None
    digest = hashlib.blake2b(digest_size=8)
    digest.update((folder / "products.csv").read_bytes())
    products_fingerprint = digest.hexdigest()
    for name in ("queries.csv", "qrels.tsv"):
        digest.update((folder / name).read_bytes())
    return EvalDataset(
        folder,
        products,
        queries,
        qrels,
        fingerprint=digest.hexdigest(),
        products_fingerprint=products_fingerprint,
    )


# Metrics -------------------------------------------------------------------------------------


def ndcg(ranked: Sequence[int], judged: dict[int, float], k: int = NDCG_AT) -> float | None:
    gains = sorted((r - 1.0 for r in judged.values() if r > 1.0), reverse=True)[:k]
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    if ideal <= 0:
        return None
    dcg = sum((judged.get(key, 1.0) - 1.0) / math.log2(i + 2) for i, key in enumerate(ranked[:k]))
    return dcg / ideal


def reciprocal_rank(
    ranked: Sequence[int], judged: dict[int, float], k: int = MRR_AT
) -> float | None:
    if not any(r >= HIT_RELEVANCE for r in judged.values()):
        return None
    for i, key in enumerate(ranked[:k]):
        if judged.get(key, 0.0) >= HIT_RELEVANCE:
            return 1.0 / (i + 1)
    return 0.0


def recall(ranked: Sequence[int], judged: dict[int, float], k: int = RECALL_AT) -> float | None:
    relevant = {key for key, r in judged.items() if r >= RECALL_RELEVANCE}
    if not relevant:
        return None
    return len(relevant.intersection(ranked[:k])) / len(relevant)


@dataclass
class ModeReport:
    ndcg: list[float] = field(default_factory=list)
    mrr: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)
    # query id → the product uids ranked for it, best first
    rankings: dict[str, list[int]] = field(default_factory=dict)

    def add(
        self, qid: str, ranked: Sequence[int], judged: dict[int, float], latency_ms: float
    ) -> None:
        self.rankings[qid] = list(ranked)
        for values, value in (
            (self.ndcg, ndcg(ranked, judged)),
            (self.mrr, reciprocal_rank(ranked, judged)),
            (self.recall, recall(ranked, judged)),
        ):
            if value is not None:
                values.append(value)
        self.latency_ms.append(latency_ms)

    def summary(self) -> dict[str, float]:
        def mean(values: list[float]) -> float:
            return round(float(np.mean(values)), 4) if values else 0.0

        latency = np.array(self.latency_ms or [0.0])
        return {
            "ndcg@10": mean(self.ndcg),
            "mrr@10": mean(self.mrr),
            "recall@100": mean(self.recall),
            "p50_ms": round(float(np.percentile(latency, 50)), 2),
            "p95_ms": round(float(np.percentile(latency, 95)), 2),
            "queries": len(self.latency_ms),
        }


# Running ------------------------------------------------------------------------------------


def evaluation_root(base: Path, dataset: EvalDataset) -> Path:
    """One index per distinct products.csv: folders that split the queries share it."""
    return base / f"products-{dataset.products_fingerprint}"


def ensure_index(
    dataset: EvalDataset,
    *,
    root: Path,
    embedder: Any,
    rebuild: bool,
    chunk_size: int,
    show_progress: bool,
) -> tuple[SearchIndex, dict[str, Any]]:
    """The dataset's evaluation index: reused when its embedder revision matches.

    Returns the index and build figures (empty when an existing index was reused).
    """
    version = current_version(root)
    previous = None
    if version:
        previous = SearchIndex(root / version)
        if (
            not rebuild
            and previous.dense_revision == embedder.revision
            and len(previous) == len(dataset.products)
            and (previous.folder / "lexical.json").is_file()
            and previous.analyzer_is_current
        ):
            return previous, {}
    documents = [IndexDocument(uid, text, text) for uid, text in dataset.products]
    started = time.perf_counter()
    folder = build_index(
        documents,
        root=root,
        embedder=embedder,
        chunk_size=chunk_size,
        reuse=None if rebuild else previous,
        show_progress=show_progress,
        extra={"dataset": str(dataset.folder), "fingerprint": dataset.fingerprint},
    )
    seconds = time.perf_counter() - started
    index = SearchIndex(folder)
    return index, {
        "documents": len(documents),
        "build_seconds": round(seconds, 1),
        "lexical_seconds": index.manifest["lexical_seconds"],
        "products_per_s": round(len(documents) / seconds, 1) if seconds else 0.0,
        "reused_vectors": index.manifest["reused_vectors"],
    }


def dataset_vocabulary(dataset: EvalDataset) -> QueryVocabulary:
    """The query grammar plus a speller of the folder's own product words (no categories or
    brands: the format has none)."""
    return QueryVocabulary.empty().with_speller(
        Speller.from_texts(text for _uid, text in dataset.products)
    )


def sample_queries(dataset: EvalDataset, limit: int | None, seed: int = 0) -> list[str]:
    queries = dataset.judged_queries()
    if limit and limit < len(queries):
        queries = sorted(random.Random(seed).sample(queries, limit), key=queries.index)
    return queries


def evaluation_products(
    dataset: EvalDataset, index: SearchIndex, *, reranker: Reranker | None = None
) -> ProductSet:
    """The folder's products as the served ranking takes them: their index, the query grammar
    with a speller of their words, and the learned stage under evaluation (None: none)."""
    return ProductSet(index=index, vocabulary=dataset_vocabulary(dataset), reranker=reranker)


def ranked_ids(
    mode: str, text: str, products: ProductSet, *, vector: np.ndarray | None = None
) -> list[int]:
    """Product uids for ``text`` in ``mode``, best first.

    "hybrid" is :func:`search.ranking.rank_products` over ``products``, exactly as the shop
    calls it, or the similar products the page shows when nothing holds the words; "lexical"
    and "dense" are the baselines (``vector``: the query's embedding).
    """
    if mode == "hybrid":
        ranking = rank_products(text, within=products)
        return ranking.product_ids or ranking.similar(NEAREST_LIMIT) or []
    retriever = Retriever(products.index)
    if mode == "lexical":
        rows = retriever.search(mode, text=text, tokens=analyze(text), vector=None, k=RECALL_AT)
    elif mode == "dense":
        rows = retriever.search(mode, text=text, tokens=[], vector=vector, k=RECALL_AT)
    else:
        raise ValueError(f"Unknown search mode {mode!r}.")
    keys = products.index.keys
    return [int(keys[row]) for row in rows]


def run_queries(
    dataset: EvalDataset,
    index: SearchIndex,
    *,
    embedder: Any,
    reranker: Reranker | None = None,
    query_ids: Sequence[str],
    modes: Sequence[str] = MODES,
    on_query: Callable[[], None] | None = None,
) -> dict[str, ModeReport]:
    """Run every query in every mode; each mode's latency includes the query's analysis and
    embedding (the served mode embeds the query it parsed itself, as the shop does)."""
    reports = {mode: ModeReport() for mode in modes}
    products = evaluation_products(dataset, index, reranker=reranker)
    for qid in query_ids:
        text = dataset.queries[qid]
        judged = dataset.qrels[qid]
        vector, embed_ms = None, 0.0
        if "dense" in modes:
            started = time.perf_counter()
            vector = embedder.encode([text], kind="query")[0]
            embed_ms = (time.perf_counter() - started) * 1000
        for mode in modes:
            started = time.perf_counter()
            ranked = ranked_ids(mode, text, products, vector=vector)
            latency = (time.perf_counter() - started) * 1000
            if mode == "dense":
                latency += embed_ms
            reports[mode].add(qid, ranked, judged, latency)
        if on_query is not None:
            on_query()
    return reports


def run_evaluation(
    dataset: EvalDataset,
    index: SearchIndex,
    *,
    embedder: Any,
    reranker: Reranker | None = None,
    query_ids: Sequence[str],
    modes: Sequence[str] = MODES,
    on_query: Callable[[], None] | None = None,
) -> dict[str, dict[str, float]]:
    """Every mode's metrics and latency over ``query_ids`` (see :func:`run_queries`)."""
    reports = run_queries(
        dataset,
        index,
        embedder=embedder,
        reranker=reranker,
        query_ids=query_ids,
        modes=modes,
        on_query=on_query,
    )
    return {mode: report.summary() for mode, report in reports.items()}
