"""Scoring the aspect extraction on hand-labelled sentences (``manage.py eval_review_aspects``).

The sentences go through ``services.analyse_reviews``, the function the refresh task serves
the product page with, so the figures are those of the served path (catalogue, clauses and the
active sentiment version). A prediction is an (aspect, polarity) pair of a sentence; precision
and recall are micro-averaged over the pairs, and again over aspects alone (polarity ignored).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from insights.aspects import NEGATIVE, POSITIVE, Catalogue, load_catalogue

Pair = tuple[str, str]


class LabelledSentencesError(ValueError):
    """The labelled file is malformed; the message names the sentence."""


@dataclass(frozen=True)
class LabelledSentence:
    text: str
    language: str
    aspects: frozenset[Pair]


def read_labelled_sentences(path: str | Path, *, catalogue: Catalogue) -> list[LabelledSentence]:
    """Sentences by language (``{lang: [{text, aspects: ["comfort+", "size_small-"]}]}``).

    Raises:
        LabelledSentencesError: an unknown aspect, a label without + or -, a missing text.
    """
    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    sentences = []
    for language, items in data.items():
        for number, item in enumerate(items or [], start=1):
            text = str(item.get("text") or "").strip()
            if not text:
                raise LabelledSentencesError(f"{language} #{number}: no text.")
            pairs = set()
            for label in item.get("aspects") or []:
                aspect, sign = str(label)[:-1], str(label)[-1:]
                if sign not in "+-" or aspect not in catalogue.aspects:
                    raise LabelledSentencesError(
                        f"{language} #{number}: {label!r} is not a catalogued aspect with + or -."
                    )
                pairs.add((aspect, POSITIVE if sign == "+" else NEGATIVE))
            sentences.append(LabelledSentence(text, str(language), frozenset(pairs)))
    return sentences


def predict_pairs(texts: Sequence[str]) -> tuple[list[set[Pair]], str]:
    """The (aspect, polarity) pairs the served analysis finds in each text, and the sentiment
    version that decided keyword mentions ("" without one: those are dropped, as a 3-star
    review's would be)."""
    from insights.selectors import ReviewRow
    from insights.services import analyse_reviews

    now = datetime.now(tz=UTC)
    rows = [
        ReviewRow(
            pk=index,
            product_id=0,
            rating=3,
            text=text,
            verified_purchase=True,
            created_at=now,
            content_hash="",
        )
        for index, text in enumerate(texts)
    ]
    _analyses, mentions, version = analyse_reviews(rows, catalogue=load_catalogue())
    found: list[set[Pair]] = [set() for _ in texts]
    for mention in mentions:
        found[mention.review_id].add((mention.aspect, mention.polarity))
    return found, version


def aspect_scores(gold: Sequence[frozenset[Pair]], predicted: Sequence[set[Pair]]) -> dict:
    """Micro precision, recall and F1 over (aspect, polarity) pairs and over aspects alone."""

    def score(truth: list[set], found: list[set]) -> dict:
        hits = sum(len(t & f) for t, f in zip(truth, found, strict=True))
        claimed = sum(len(f) for f in found)
        wanted = sum(len(t) for t in truth)
        precision = hits / claimed if claimed else 0.0
        recall = hits / wanted if wanted else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "true_positives": hits,
            "predicted": claimed,
            "labelled": wanted,
        }

    return {
        "aspect_polarity": score([set(g) for g in gold], [set(p) for p in predicted]),
        "aspect_only": score(
            [{a for a, _p in g} for g in gold], [{a for a, _p in p} for p in predicted]
        ),
    }
