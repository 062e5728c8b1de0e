"""``manage.py split_search_dataset DIR --out OUT``: split a judgments folder by query.

Writes ``OUT/train`` and ``OUT/test``, each a complete dataset folder (every product; the
queries and their judgments divided by a seeded hash of the query id), so that
``eval_search --train OUT/train --dataset OUT/test`` never evaluates on a query it trained on.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search.evaluation import DatasetError, read_dataset


class Command(BaseCommand):
    help = "Split a search judgments folder into train and test folders by query."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dataset", type=Path)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument("--test-fraction", type=float, default=0.5)
        parser.add_argument("--seed", default="0")

    def handle(self, *args: Any, **options: Any) -> None:
        fraction = options["test_fraction"]
        if not 0 < fraction < 1:
            raise CommandError("--test-fraction must be between 0 and 1.")
        try:
            dataset = read_dataset(options["dataset"])
        except DatasetError as exc:
            raise CommandError(str(exc)) from exc
        out: Path = options["out"]
        parts: dict[str, list[str]] = {"train": [], "test": []}
        for qid in dataset.queries:
            digest = hashlib.blake2b(f"{options['seed']}:{qid}".encode(), digest_size=4)
            bucket = int(digest.hexdigest(), 16) / 2**32
            parts["test" if bucket < fraction else "train"].append(qid)
        for name, query_ids in parts.items():
            folder = out / name
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(dataset.folder / "products.csv", folder / "products.csv")
            with (folder / "queries.csv").open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["query_id", "search_term"])
                writer.writerows([qid, dataset.queries[qid]] for qid in query_ids)
            with (folder / "qrels.tsv").open("w", encoding="utf-8") as handle:
                for qid in query_ids:
                    for uid, relevance in dataset.qrels.get(qid, {}).items():
                        handle.write(f"{qid}\t0\t{uid}\t{relevance}\n")
            self.stdout.write(f"{folder}: {len(query_ids)} queries")
