"""``manage.py eval_sentiment``: train the sentiment head on one labelled file, score on another.

Both files are CSVs with a header: the text in a ``text`` or ``review`` column, the label in
``label``, either 0/1 (negative/positive) or a 1-5 star rating (1-2 negative, 4-5 positive, 3
left out), decided per file. The served classifier (the e5 head, fitted exactly as
``train_sentiment`` fits it) and the lexicon baseline (SnowNLP for Chinese, VADER for other
text) are scored on the same test rows. The last line printed is the JSON of the figures::

    {"baseline": {"accuracy": …, "macro_f1": …}, "served": {"accuracy": …, "macro_f1": …}, …}
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from insights.management.commands._head_options import add_head_arguments, check_head_options
from insights.sentiment import (
    SentimentDataError,
    class_counts,
    fit_sentiment_head,
    lexicon_labels,
    predict_labels,
    read_labelled_reviews,
    sentiment_metrics,
)


class Command(BaseCommand):
    help = (
        "Train the review sentiment head on --train and score it and a lexicon baseline on "
        "--test (labelled CSVs)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--train", required=True, type=Path, help="Training CSV.")
        parser.add_argument("--test", required=True, type=Path, help="Test CSV.")
        add_head_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Print only the JSON line.")

    def handle(self, *args: Any, **options: Any) -> None:
        check_head_options(options)
        try:
            train = read_labelled_reviews(options["train"])
            test = read_labelled_reviews(options["test"])
        except SentimentDataError as exc:
            raise CommandError(str(exc)) from exc
        quiet = options["json"] or options["verbosity"] == 0
        head, facts = fit_sentiment_head(
            train.texts,
            train.labels,
            c=options["c"],
            chunk_size=options["chunk_size"],
            progress=not quiet,
        )
        started = time.perf_counter()
        served = predict_labels(
            head, test.texts, chunk_size=options["chunk_size"], progress=not quiet
        )
        predict_seconds = time.perf_counter() - started
        started = time.perf_counter()
        baseline = lexicon_labels(test.texts, progress=not quiet)
        baseline_seconds = time.perf_counter() - started
        result = {
            "baseline": _rounded(sentiment_metrics(test.labels, baseline)),
            "served": _rounded(sentiment_metrics(test.labels, served)),
            "train_rows": len(train.texts),
            "test_rows": len(test.texts),
            "train_seconds": facts["train_seconds"],
            "served_test_seconds": round(predict_seconds, 1),
            "baseline_test_seconds": round(baseline_seconds, 1),
        }
        if not quiet:
            self.stdout.write(
                f"train: {facts['rows']} reviews ({facts['negative']} negative, "
                f"{facts['positive']} positive, {train.neutral} 3-star left out, "
                f"{train.empty} without text, "
                f"{train.scale} labels); embedding {facts['embed_seconds']} s, "
                f"fit {facts['fit_seconds']} s"
            )
            counts = class_counts(test.labels)
            self.stdout.write(
                f"test: {len(test.texts)} reviews ({counts['negative']} negative, "
                f"{counts['positive']} positive, {test.neutral} 3-star left out, "
                f"{test.empty} without text, "
                f"{test.scale} labels)"
            )
            for name in ("baseline", "served"):
                scores = result[name]
                self.stdout.write(
                    f"{name:>8}: accuracy {scores['accuracy']:.4f}, "
                    f"macro-F1 {scores['macro_f1']:.4f}"
                )
        self.stdout.write(json.dumps(result))


def _rounded(metrics: dict[str, float]) -> dict[str, float]:
    return {key: round(value, 4) for key, value in metrics.items()}
