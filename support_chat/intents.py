"""Intent classification: labelled CSVs, embeddings cached per run, the head, and its metrics.

One path for the shop's own examples (``manage.py train_intents``) and for public benchmarks
(``manage.py eval_intents``): texts are embedded with ``llm["embed"]`` (kind "query"), an
open-set logistic head is fitted on them, and texts whose best in-scope probability falls below
a threshold calibrated by cross-validation on the training rows are out of scope, so the
training data need not contain any out-of-scope examples.

With a lexical head beside the embedding head (``llm_services.lexical``: character n-gram TF-IDF,
its probabilities averaged with the e5 head's), a message must share wording with an intent's
examples as well as its topic.

Background messages (``data/background.yaml``: small talk, other domains, noise; written for
this project, English and Chinese) are added as out-of-scope rows ("outlier exposure") when the
training rows have no out-of-scope example of their own (``background_for``, mode "auto"): the
threshold alone lets most out-of-scope messages through on few-example bots (docs/benchmarks.md,
HINT3), while a file with its own out-of-scope examples (CLINC150, the shop's seed) keeps them.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

INTENTS_ALIAS = "intents"
HEAD_FILE = "intent_head.npz"
EMBED_ALIAS = "embed"
EMBED_BATCH = 256
BACKGROUND_FILE = Path(__file__).resolve().parent / "data" / "background.yaml"
# A background message is left out when the training file's own head is at least as sure of
# one of its intents as it is of the median held-out in-scope training row (docs/benchmarks.md:
# the 10% quantile, the clarify threshold, left out too many off-topic messages on bots with
# many intents).
BACKGROUND_QUANTILE = 0.5


class LabelledCSVError(ValueError):
    """A labelled CSV cannot be used; the message names the file and the reason."""


@dataclass(frozen=True)
class IntentPrediction:
    """What the classifier says about one message.

    ``label`` is an intent, or the out-of-scope label when ``out_of_scope`` is set; ``clarify``
    asks for a clarifying question (in scope, low confidence). ``version`` names the model.
    """

    label: str
    confidence: float
    out_of_scope: bool
    clarify: bool
    version: str = ""
    # Why nothing could be classified (the embedder is down), for the reply's "degraded" flag.
    unavailable: str = ""


def read_labelled_csv(path: str | Path) -> tuple[list[str], list[str]]:
    """Texts (first column) and labels (second column) of a CSV with a header row.

    Raises:
        LabelledCSVError: the file is missing or unreadable, has fewer than two columns, or
            has no data rows (or a row without text or label).
    """
    path = Path(path)
    if not path.is_file():
        raise LabelledCSVError(f"{path}: no such file.")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = [row for row in csv.reader(handle) if any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise LabelledCSVError(f"{path}: cannot read it as CSV ({exc}).") from exc
    if not rows:
        raise LabelledCSVError(f"{path}: the file is empty.")
    header, data = rows[0], rows[1:]
    if len(header) < 2:
        raise LabelledCSVError(
            f"{path}: needs two columns (text, label); the header has {len(header)}."
        )
    if not data:
        raise LabelledCSVError(f"{path}: no rows after the header.")
    texts, labels = [], []
    for number, row in enumerate(data, start=2):
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            raise LabelledCSVError(f"{path}, line {number}: a row needs a text and a label.")
        texts.append(row[0].strip())
        labels.append(row[1].strip())
    return texts, labels


class EmbeddingCache:
    """Embeds texts with ``llm[alias]`` once per run: a text seen again costs nothing."""

    def __init__(self, alias: str = EMBED_ALIAS, *, progress: bool = False) -> None:
        self.alias = alias
        self.progress = progress
        self._vectors: dict[str, np.ndarray] = {}

    @property
    def embedder(self) -> Any:
        from llm_services import llm

        return llm[self.alias]

    def encode(self, texts: Sequence[str], *, description: str = "embedding") -> np.ndarray:
        missing = list(dict.fromkeys(text for text in texts if text not in self._vectors))
        batches: Iterable[int] = range(0, len(missing), EMBED_BATCH)
        if self.progress and missing:
            from tqdm import tqdm

            batches = tqdm(
                batches, desc=description, unit="batch", total=-(-len(missing) // EMBED_BATCH)
            )
        embedder = self.embedder
        for start in batches:
            chunk = missing[start : start + EMBED_BATCH]
            for text, vector in zip(chunk, embedder.encode(chunk, kind="query"), strict=True):
                self._vectors[text] = np.asarray(vector, dtype=np.float32)
        if not texts:
            return np.zeros((0, embedder.dim), dtype=np.float32)
        return np.stack([self._vectors[text] for text in texts])


BACKGROUND_MODES = ("auto", "on", "off")


def background_for(
    labels: Sequence[str], *, oos_label: str, mode: str = "auto", path: str | Path = BACKGROUND_FILE
) -> list[str]:
    """The background messages to train with: all of them when ``mode`` is "on", none when
    "off", and with "auto" only when no training row is labelled ``oos_label``.

    Raises:
        ValueError: an unknown mode.
    """
    if mode not in BACKGROUND_MODES:
        raise ValueError(f"Background mode must be one of {', '.join(BACKGROUND_MODES)}.")
    wanted = mode == "on" or (mode == "auto" and oos_label not in set(labels))
    return background_examples(path) if wanted else []


def background_examples(path: str | Path = BACKGROUND_FILE) -> list[str]:
    """The background messages of ``path`` (its ``en`` and ``zh`` lists), each once."""
    import yaml

    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    texts = [str(text).strip() for language in ("en", "zh") for text in data.get(language) or []]
    return list(dict.fromkeys(text for text in texts if text))


def fit_intent_head(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    oos_label: str,
    cache: EmbeddingCache,
    settings: Any = None,
    background: Sequence[str] = (),
) -> tuple[Any, dict[str, Any]]:
    """Embed ``texts`` and fit an open-set head; returns it and the run's facts.

    ``background`` messages (see ``background_examples``) become extra ``oos_label`` rows,
    except the ones that look in scope for this training file: a head fitted on the training
    rows alone is asked about each, and a message whose best in-scope probability reaches the
    median best probability of held-out in-scope training rows (``BACKGROUND_QUANTILE``) is
    left out, as is a message that is also a training text. So a bot with a greeting or a
    "talk to a human" intent keeps it, and the head learns a "none of these" region from the
    rest. The thresholds are then calibrated again, on the final training rows.
    """
    if background:
        return _fit_with_background(
            texts,
            labels,
            oos_label=oos_label,
            cache=cache,
            settings=settings,
            background=background,
        )
    return _fit(texts, labels, oos_label=oos_label, cache=cache, settings=settings)


def _fit_with_background(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    oos_label: str,
    cache: EmbeddingCache,
    settings: Any,
    background: Sequence[str],
) -> tuple[Any, dict[str, Any]]:
    from dataclasses import replace

    from llm_services.training import OpenSetSettings

    started = time.perf_counter()
    # The clarify quantile of this first fit is the cut; its head is used for nothing else.
    probe = replace(settings or OpenSetSettings(), clarify_quantile=BACKGROUND_QUANTILE)
    own_head, own_facts = _fit(texts, labels, oos_label=oos_label, cache=cache, settings=probe)
    known = set(texts)
    offered = [text for text in dict.fromkeys(background) if text not in known]
    cut = float(own_facts.get("clarify_threshold") or 0.0)
    kept: list[str] = []
    if offered and cut > 0.0:
        vectors = cache.encode(offered, description="embedding background texts")
        confidences = [p.confidence for p in own_head.predict_vectors(vectors, offered)]
        kept = [text for text, value in zip(offered, confidences, strict=True) if value < cut]
    if not kept:
        head, facts = _fit(texts, labels, oos_label=oos_label, cache=cache, settings=settings)
        facts.update(
            background_offered=len(offered),
            background_rows=0,
            train_seconds=round(time.perf_counter() - started, 1),
        )
        return head, facts
    head, facts = _fit(
        [*texts, *kept],
        [*labels, *[oos_label] * len(kept)],
        oos_label=oos_label,
        cache=cache,
        settings=settings,
    )
    finished = time.perf_counter()
    facts.update(
        rows=len(texts),
        oos_rows=sum(1 for label in labels if label == oos_label),
        background_offered=len(offered),
        background_rows=len(kept),
        background_cut=round(cut, 6),
        train_seconds=round(finished - started, 1),
    )
    return head, facts


def _fit(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    oos_label: str,
    cache: EmbeddingCache,
    settings: Any = None,
) -> tuple[Any, dict[str, Any]]:
    from llm_services.training import train_open_set_head

    started = time.perf_counter()
    vectors = cache.encode(texts, description="embedding training texts")
    embedded = time.perf_counter()
    embedder = cache.embedder
    bar = None
    if cache.progress:
        from tqdm import tqdm

        bar = tqdm(desc="fitting (cross-validation folds, then all rows)", unit="fit")

    def on_fit(done: int, total: int) -> None:
        if bar is not None:
            bar.total = total
            bar.update(done - bar.n)

    try:
        head, calibration = train_open_set_head(
            vectors,
            labels,
            oos_label=oos_label,
            settings=settings,
            embed_model_id=embedder.model_id,
            embed_revision=embedder.revision,
            on_fit=on_fit,
            texts=texts,
        )
    finally:
        if bar is not None:
            bar.close()
    finished = time.perf_counter()
    facts = {
        "rows": len(texts),
        "labels": len(set(labels)),
        "oos_rows": sum(1 for label in labels if label == oos_label),
        "embed_seconds": round(embedded - started, 1),
        "fit_seconds": round(finished - embedded, 1),
        "train_seconds": round(finished - started, 1),
        **calibration,
    }
    return head, facts


def predict(head: Any, texts: Sequence[str], *, cache: EmbeddingCache) -> list[Any]:
    """The head's OpenSetPrediction for each text."""
    return head.predict_vectors(cache.encode(texts, description="embedding test texts"), texts)


def intent_metrics(
    y_true: Sequence[str], y_pred: Sequence[str], *, oos_label: str
) -> dict[str, float | None]:
    """accuracy (out of scope a class of its own), inscope_accuracy, oos_recall, macro_f1, mcc.

    ``inscope_accuracy`` is over rows whose true label is not ``oos_label``; ``oos_recall`` is
    the share of out-of-scope rows predicted out of scope (None when there are none; likewise
    ``inscope_accuracy`` without in-scope rows). ``macro_f1`` averages over every label seen in
    either list.
    """
    from sklearn.metrics import accuracy_score, f1_score, matthews_corrcoef

    if len(y_true) != len(y_pred):
        raise ValueError(f"{len(y_true)} true labels but {len(y_pred)} predictions.")
    if not y_true:
        raise ValueError("No predictions to score.")
    truth, predicted = np.asarray(y_true), np.asarray(y_pred)
    oos = truth == oos_label
    return {
        "accuracy": float(accuracy_score(truth, predicted)),
        "inscope_accuracy": (
            float(accuracy_score(truth[~oos], predicted[~oos])) if (~oos).any() else None
        ),
        "oos_recall": float(np.mean(predicted[oos] == oos_label)) if oos.any() else None,
        "macro_f1": float(f1_score(truth, predicted, average="macro", zero_division=0)),
        "mcc": float(matthews_corrcoef(truth, predicted)),
    }
