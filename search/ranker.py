"""The learned stage of hybrid search: LambdaMART trees over the fused candidates.

For each query, the top candidates of reciprocal rank fusion get query-document features that
any catalog has (BM25 and dense scores and ranks, how much of the query the title covers,
phrase and number matches, title length) and a model trained on relevance judgments predicts
each one's gain; candidates are reordered by it. No feature names a product or a query, so a
model trained on one folder applies to another (and to the shop).

Training (:func:`train_ranker_from_folder`) holds out a tenth of the training folder's queries
to report nDCG@10 before and after, and stores the model as a ModelVersion (alias "rerank",
kind "ranker") with those metrics.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from search.engine import SearchIndex
from search.retrieval import DEPTH, Candidate, Retriever, prepare_query

RANKER_ALIAS = "rerank"
MODEL_FILE = "ranker.joblib"
FEATURES = (
    "rrf",
    "lexical_score",
    "lexical_relative",
    "lexical_log_rank",
    "lexical_found",
    "dense_score",
    "dense_gap",
    "dense_log_rank",
    "dense_found",
    "coverage",
    "coverage_weighted",
    "first_term",
    "last_term",
    "bigram_coverage",
    "numbers_matched",
    "query_terms",
    "title_terms",
    "trigram_overlap",
    "head_match",
)
# Candidates per query the model scores; the rest keep their fused order below them.
RERANK_DEPTH = 100
UNJUDGED_GAIN = 0.0


def _row(
    index: SearchIndex, row: int
) -> tuple[set[str], set[tuple[str, str]], set[str], set[str], int]:
    """(terms, bigrams, character trigrams, last four terms, length) of a row, cached."""
    rows = index.derived.setdefault("ranker_rows", {})
    found = rows.get(row)
    if found is None:
        doc = index.doc_tokens[row]
        found = rows[row] = (
            set(doc),
            set(zip(doc, doc[1:], strict=False)),
            _trigrams(" ".join(doc)),
            set(doc[-4:]),
            len(doc),
        )
    return found


def _features(
    index: SearchIndex, tokens: Sequence[str], candidates: Sequence[Candidate]
) -> np.ndarray:
    query_terms = list(dict.fromkeys(t for t in tokens if t))
    term_count = len(query_terms)
    numbers = [t for t in query_terms if any(ch.isdigit() for ch in t)]
    bigrams = set(zip(tokens, tokens[1:], strict=False))
    # Rarer terms matter more: the BM25 index's document frequencies give IDF weights.
    weights = {t: _idf(index, t) for t in query_terms}
    total_weight = sum(weights.values()) or 1.0
    best_lexical = max((c.lexical_score for c in candidates), default=0.0) or 1.0
    best_dense = max((c.dense_score for c in candidates if c.dense_rank), default=0.0)
    # Typos and glued words ("woodscrews") still share most character trigrams with the title.
    query_grams = _trigrams(" ".join(tokens))
    missing_rank = math.log1p(DEPTH * 2)
    rows = np.zeros((len(candidates), len(FEATURES)), dtype=np.float32)
    for i, c in enumerate(candidates):
        doc_set, doc_bigrams, doc_grams, tail, length = _row(index, c.row)
        matched = [t for t in query_terms if t in doc_set]
        rows[i] = (
            c.score * 100,
            c.lexical_score,
            c.lexical_score / best_lexical,
            math.log1p(c.lexical_rank) if c.lexical_rank else missing_rank,
            1.0 if c.lexical_rank else 0.0,
            c.dense_score if c.dense_rank else 0.0,
            (best_dense - c.dense_score) if c.dense_rank else 1.0,
            math.log1p(c.dense_rank) if c.dense_rank else missing_rank,
            1.0 if c.dense_rank else 0.0,
            len(matched) / term_count if term_count else 0.0,
            sum(weights[t] for t in matched) / total_weight,
            1.0 if term_count and query_terms[0] in doc_set else 0.0,
            1.0 if term_count and query_terms[-1] in doc_set else 0.0,
            len(bigrams & doc_bigrams) / len(bigrams) if bigrams else 0.0,
            sum(1 for t in numbers if t in doc_set) / len(numbers) if numbers else -1.0,
            term_count,
            length,
            len(query_grams & doc_grams) / len(query_grams) if query_grams else 0.0,
            len(tail.intersection(query_terms)) / term_count if term_count else 0.0,
        )
    return rows


def _trigrams(text: str) -> set[str]:
    padded = f" {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _idf(index: SearchIndex, term: str) -> float:
    frequencies = index.derived.setdefault("document_frequency", {})
    if not frequencies:
        for doc in index.doc_tokens:
            for t in set(doc):
                frequencies[t] = frequencies.get(t, 0) + 1
    n = len(index.doc_tokens) or 1
    df = frequencies.get(term, 0)
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


class LearnedRanker:
    """A trained model that reorders the fused candidates (see the module docstring)."""

    def __init__(self, model: Any, *, version: str) -> None:
        self.model = model
        self.version = version

    @classmethod
    def load(cls, folder: Path) -> LearnedRanker:
        import joblib

        manifest = json.loads((folder / "manifest.json").read_text())
        if list(manifest.get("features", [])) != list(FEATURES):
            raise ValueError(f"{folder}: trained on other features; retrain it.")
        return cls(joblib.load(folder / MODEL_FILE), version=manifest.get("name", folder.name))

    def rerank(
        self, index: SearchIndex, text: str, tokens: Sequence[str], candidates: list[Candidate]
    ) -> list[Candidate]:
        head, tail = candidates[:RERANK_DEPTH], candidates[RERANK_DEPTH:]
        features = _features(index, tokens, head)
        # One thread: for a hundred rows, starting a pool costs more than the trees.
        predicted = self.model.predict(features, num_threads=1)
        for candidate, value, row in zip(head, predicted, features, strict=True):
            candidate.features = dict(zip(FEATURES, map(float, row), strict=True))
            candidate.features["predicted_gain"] = float(value)
        order = sorted(range(len(head)), key=lambda i: (-predicted[i], -head[i].score, head[i].row))
        return [head[i] for i in order] + tail


def _split(query_ids: Sequence[str]) -> tuple[list[str], list[str]]:
    """A deterministic 90/10 split by a hash of the query id."""
    train, held_out = [], []
    for qid in query_ids:
        bucket = int(hashlib.blake2b(qid.encode(), digest_size=2).hexdigest(), 16) % 10
        (held_out if bucket == 0 else train).append(qid)
    return train, held_out


def _query_vectors(embedder: Any, texts: list[str], chunk_size: int) -> np.ndarray:
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.concatenate(
        [
            embedder.encode(texts[i : i + chunk_size], kind="query")
            for i in range(0, len(texts), chunk_size)
        ]
    )


def train_ranker_from_folder(
    dataset: Any,
    *,
    embedder: Any,
    time_budget: float,
    chunk_size: int = 512,
    show_progress: bool = False,
    stdout: Any = None,
    store: bool = True,
) -> tuple[LearnedRanker, dict[str, Any]]:
    """Train the ranker from ``dataset``'s judgments (an EvalDataset) within ``time_budget`` s.

    The folder's own evaluation index is built (or reused) first: its build time is not part
    of the budget, which covers feature collection and fitting.
    """
    from django.conf import settings
    from lightgbm import LGBMRanker

    from search.evaluation import dataset_vocabulary, ensure_index, evaluation_root, ndcg

    index, _build = ensure_index(
        dataset,
        root=evaluation_root(Path(settings.SEARCH_INDEX_DIR) / "eval", dataset),
        embedder=embedder,
        rebuild=False,
        chunk_size=chunk_size,
        show_progress=show_progress,
    )
    started = time.perf_counter()
    deadline = started + time_budget
    retriever = Retriever(index)
    train_ids, held_out_ids = _split(dataset.judged_queries())
    keys = index.keys

    vocabulary = dataset_vocabulary(dataset)

    def collect(query_ids: list[str], until: float) -> tuple[list[Any], list[str]]:
        prepared = [prepare_query(dataset.queries[q], vocabulary) for q in query_ids]
        vectors = _query_vectors(embedder, [p.text for p in prepared], chunk_size)
        groups, used = [], []
        for qid, query, vector in zip(query_ids, prepared, vectors, strict=True):
            if time.perf_counter() > until:
                break
            candidates = retriever.hybrid(
                query.text, query.tokens, vector, k=RERANK_DEPTH, rerank=False
            )
            if not candidates:
                continue
            judged = dataset.qrels[qid]
            labels = [judged.get(int(keys[c.row]), 1.0 + UNJUDGED_GAIN) - 1.0 for c in candidates]
            features = _features(index, query.tokens, candidates)
            groups.append((qid, query.tokens, candidates, features, labels))
            used.append(qid)
        return groups, used

    # Features take most of the time: keep a third of the budget for fitting and scoring.
    groups, used = collect(train_ids, started + time_budget * 0.6)
    if not groups:
        raise ValueError("No training query produced candidates.")
    features = np.concatenate([g[3] for g in groups])
    gains = np.concatenate([np.asarray(g[4], dtype=np.float32) for g in groups])
    # LambdaMART (LightGBM's lambdarank) optimises nDCG of each query's list directly; the
    # gains 0..2 (relevance - 1, in steps of a third) become integer grades 0..6.
    grades = np.clip(np.rint(gains * 3), 0, 6).astype(np.int32)
    model = LGBMRanker(
        objective="lambdarank",
        n_estimators=300,
        learning_rate=0.05,
        num_leaves=31,
        min_child_samples=40,
        label_gain=list(range(7)),
        lambdarank_truncation_level=20,
        random_state=0,
        deterministic=True,
        n_jobs=0,
        verbose=-1,
    )
    model.fit(features, grades, group=[len(g[4]) for g in groups])
    fit_done = time.perf_counter()
    ranker = LearnedRanker(model, version="unsaved")

    held_out, _ = collect(held_out_ids, max(deadline, fit_done + 60))
    before, after = [], []
    for qid, tokens, candidates, _rows, _labels in held_out:
        judged = dataset.qrels[qid]
        fused = [int(keys[c.row]) for c in candidates]
        reranked = [int(keys[c.row]) for c in ranker.rerank(index, "", tokens, list(candidates))]
        b, a = ndcg(fused, judged), ndcg(reranked, judged)
        if b is not None and a is not None:
            before.append(b)
            after.append(a)
    info = {
        "train_folder": str(dataset.folder),
        "train_fingerprint": dataset.fingerprint,
        "train_queries": len(used),
        "train_rows": int(len(grades)),
        "held_out_queries": len(before),
        "held_out_ndcg@10_fused": round(float(np.mean(before)), 4) if before else None,
        "held_out_ndcg@10_reranked": round(float(np.mean(after)), 4) if after else None,
        "seconds": round(time.perf_counter() - started, 1),
        "time_budget": time_budget,
    }
    if store:
        ranker.version = _store(model, info)
        info["version"] = ranker.version
    return ranker, info


def _store(model: Any, info: dict[str, Any]) -> str:
    import joblib

    from llm_services.training import store_version

    def write(folder: Path, name: str) -> dict[str, Any]:
        joblib.dump(model, folder / MODEL_FILE)
        return {"features": list(FEATURES), **info}

    version = store_version(
        RANKER_ALIAS,
        write,
        kind="ranker",
        task="search",
        method="lambdamart",
        base_model="lightgbm.LGBMRanker",
        base_revision=f"features-{len(FEATURES)}",
        training_data_hash=info["train_fingerprint"],
        metrics={
            "before": {"ndcg@10": info["held_out_ndcg@10_fused"]},
            "after": {"ndcg@10": info["held_out_ndcg@10_reranked"]},
        },
        training=info,
    )
    return version.name
