"""``manage.py eval_review_aspects``: precision and recall of the aspect extraction on
hand-labelled sentences, through the served analysis (catalogue + active sentiment version).
The last line printed is the JSON of the figures."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from insights.aspects import load_catalogue
from insights.evaluation import (
    LabelledSentencesError,
    aspect_scores,
    predict_pairs,
    read_labelled_sentences,
)


class Command(BaseCommand):
    help = "Score the review aspect extraction on a hand-labelled YAML file of sentences."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", required=True, type=Path, help="Labelled sentences (YAML).")
        parser.add_argument("--json", action="store_true", help="Print only the JSON line.")
        parser.add_argument(
            "--show-errors", action="store_true", help="List the sentences scored wrong."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["file"].is_file():
            raise CommandError(f"{options['file']}: no such file.")
        try:
            sentences = read_labelled_sentences(options["file"], catalogue=load_catalogue())
        except LabelledSentencesError as exc:
            raise CommandError(str(exc)) from exc
        started = time.perf_counter()
        predicted, version = predict_pairs([sentence.text for sentence in sentences])
        seconds = time.perf_counter() - started
        result: dict[str, Any] = {
            "sentences": len(sentences),
            "sentiment_version": version,
            "seconds": round(seconds, 2),
            "all": aspect_scores([s.aspects for s in sentences], predicted),
        }
        for language in sorted({s.language for s in sentences}):
            rows = [i for i, s in enumerate(sentences) if s.language == language]
            result[language] = aspect_scores(
                [sentences[i].aspects for i in rows], [predicted[i] for i in rows]
            )
        if not options["json"]:
            if not version:
                self.stdout.write("No sentiment version is active: keyword mentions are left out.")
            for name in ("all", *sorted({s.language for s in sentences})):
                pairs = result[name]["aspect_polarity"]
                self.stdout.write(
                    f"{name:>4}: precision {pairs['precision']:.3f}, recall "
                    f"{pairs['recall']:.3f}, F1 {pairs['f1']:.3f} (aspect and polarity; "
                    f"aspect only: P {result[name]['aspect_only']['precision']:.3f}, "
                    f"R {result[name]['aspect_only']['recall']:.3f})"
                )
            if options["show_errors"]:
                for sentence, found in zip(sentences, predicted, strict=True):
                    if set(sentence.aspects) != found:
                        self.stdout.write(
                            f"  {sentence.text}  labelled {sorted(sentence.aspects)}, "
                            f"found {sorted(found)}"
                        )
        self.stdout.write(json.dumps(result))
