"""``manage.py train_search_ranker --dataset DIR``: train the learned stage of hybrid search.

Trains search.ranker's model from a folder of relevance judgments (the eval_search format)
within ``--time-budget`` seconds, stores it as a ModelVersion of alias "rerank" with its
held-out nDCG@10 before and after, and with ``--activate`` makes the shop's search use it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llm_services import LLMError, llm
from search.evaluation import DatasetError, read_dataset


class Command(BaseCommand):
    help = "Train the search ranker from relevance judgments and store it as a model version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dataset", type=Path, required=True)
        parser.add_argument("--time-budget", type=float, default=600.0)
        parser.add_argument("--chunk-size", type=int, default=512)
        parser.add_argument("--activate", action="store_true", help="Serve it in the shop.")

    def handle(self, *args: Any, **options: Any) -> None:
        from llm_services.training import VersionError, activate_version
        from search.ranker import train_ranker_from_folder

        if options["time_budget"] <= 0:
            raise CommandError("--time-budget must be positive.")
        try:
            dataset = read_dataset(options["dataset"])
            embedder = llm["embed"]
        except DatasetError as exc:
            raise CommandError(str(exc)) from exc
        except LLMError as exc:
            raise CommandError(f"The embed model cannot load: {exc}") from exc
        try:
            ranker, info = train_ranker_from_folder(
                dataset,
                embedder=embedder,
                time_budget=options["time_budget"],
                chunk_size=options["chunk_size"],
                show_progress=options["verbosity"] >= 1,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(info))
        if options["activate"]:
            from llm_services.models import ModelVersion

            version = ModelVersion.objects.get(alias="rerank", name=ranker.version)
            try:
                activate_version(version.pk)
            except VersionError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Activated {ranker.version} for the shop's search.")
