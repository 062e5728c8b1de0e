"""``manage.py eval_intents``: train on one labelled CSV, score on another.

Both files have a header row; the first column is the text, the second the label. Rows
labelled ``--oos-label`` are out of scope: the training file may have none (out of scope is then
detected by a confidence threshold calibrated by cross-validation on the training file and by
the project's background messages, ``support_chat/data/background.yaml``, added as out-of-scope
training rows, except those that look in scope for the training file). ``--background`` says
when to add them: ``auto`` (default) only to a training file without out-of-scope rows, as
``train_intents`` does; ``on`` always; ``off`` never. The last line printed is the JSON of the
figures.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from support_chat.intents import (
    BACKGROUND_MODES,
    EmbeddingCache,
    LabelledCSVError,
    background_for,
    fit_intent_head,
    intent_metrics,
    predict,
    read_labelled_csv,
)

METRIC_KEYS = ("accuracy", "inscope_accuracy", "oos_recall", "macro_f1", "mcc", "train_seconds")


class Command(BaseCommand):
    help = "Train the intent head on --train and score it on --test (labelled CSVs)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--train", required=True, type=Path, help="Training CSV.")
        parser.add_argument("--test", required=True, type=Path, help="Test CSV.")
        parser.add_argument(
            "--oos-label", default="oos", help="The out-of-scope label (default: oos)."
        )
        parser.add_argument(
            "--background",
            choices=BACKGROUND_MODES,
            default="auto",
            help="Train on the background out-of-scope messages: auto (default: only when the "
            "training file has no out-of-scope rows), on or off.",
        )
        parser.add_argument("--json", action="store_true", help="Print only the JSON line.")

    def handle(self, *args: Any, **options: Any) -> None:
        oos_label = options["oos_label"]
        try:
            train_texts, train_labels = read_labelled_csv(options["train"])
            test_texts, test_labels = read_labelled_csv(options["test"])
        except LabelledCSVError as exc:
            raise CommandError(str(exc)) from exc
        if len({label for label in train_labels if label != oos_label}) < 2:
            raise CommandError(f"{options['train']}: needs at least two in-scope labels.")
        quiet = options["json"] or options["verbosity"] == 0
        cache = EmbeddingCache(progress=not quiet)
        background = background_for(train_labels, oos_label=oos_label, mode=options["background"])
        head, facts = fit_intent_head(
            train_texts, train_labels, oos_label=oos_label, cache=cache, background=background
        )
        predictions = predict(head, test_texts, cache=cache)
        metrics = intent_metrics(test_labels, [p.label for p in predictions], oos_label=oos_label)
        result = {
            **{key: _round(value) for key, value in metrics.items()},
            "train_seconds": facts["train_seconds"],
        }
        if not quiet:
            self.stdout.write(
                f"train: {facts['rows']} rows, {facts['labels']} labels "
                f"({facts['oos_rows']} out-of-scope rows); {facts['folds']}-fold threshold "
                f"{facts['oos_threshold']}; embedding {facts['embed_seconds']} s, "
                f"fit {facts['fit_seconds']} s; background rows "
                f"{facts.get('background_rows', 0)} of {facts.get('background_offered', 0)}"
            )
            self.stdout.write(
                f"test: {len(test_texts)} rows, "
                f"{sum(1 for label in test_labels if label == oos_label)} out of scope"
            )
        self.stdout.write(json.dumps({key: result[key] for key in METRIC_KEYS}))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
