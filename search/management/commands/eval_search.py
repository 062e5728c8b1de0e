"""``manage.py eval_search --dataset DIR [--train DIR_A] [--json]``: relevance of lexical, dense
and hybrid search on a folder of judgments (see search.evaluation for the format and metrics).

``hybrid`` is the storefront's own ranking (search.ranking.rank_products) over the folder's
products; ``lexical`` and ``dense`` are one-engine baselines. With ``--train DIR_A``, the learned
stage (search.ranker) is first trained from DIR_A's judgments within ``--time-budget`` seconds
and stored as a model version; ``hybrid`` then ranks with it (``--ranker`` takes a stored one;
neither: no learned stage). Training on the evaluated folder itself is refused.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from llm_services import LLMError, llm
from search.evaluation import (
    MODES,
    DatasetError,
    ensure_index,
    evaluation_root,
    read_dataset,
    run_evaluation,
    sample_queries,
)

DEFAULT_DATASET = settings.BASE_DIR.parent / "shared" / "data" / "search" / "homedepot"


class Command(BaseCommand):
    help = "Evaluate lexical, dense and hybrid search on a folder of relevance judgments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dataset",
            type=Path,
            default=DEFAULT_DATASET if DEFAULT_DATASET.is_dir() else None,
            help="Folder with products.csv, queries.csv, qrels.tsv (default: %(default)s).",
        )
        parser.add_argument(
            "--train", type=Path, help="Train the learned stage from this folder first."
        )
        parser.add_argument(
            "--ranker",
            help="Use a stored ranker version (its name, or 'active') instead of training one.",
        )
        parser.add_argument(
            "--time-budget",
            type=float,
            default=600.0,
            help="Seconds the learned stage may train for (default %(default)s).",
        )
        parser.add_argument("--json", action="store_true", help="End with one JSON line.")
        parser.add_argument(
            "--limit-queries", type=int, help="Evaluate a fixed random sample of this many."
        )
        parser.add_argument("--rebuild", action="store_true", help="Rebuild the eval index.")
        parser.add_argument("--chunk-size", type=int, default=512, help="Texts per embed call.")
        parser.add_argument(
            "--modes", default=",".join(MODES), help="Comma-separated subset of %(default)s."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dataset"] is None:
            raise CommandError("Give --dataset DIR (the default folder does not exist here).")
        modes = [m.strip() for m in options["modes"].split(",") if m.strip()]
        unknown = sorted(set(modes) - set(MODES))
        if unknown or not modes:
            raise CommandError(f"--modes takes a subset of {', '.join(MODES)}.")
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        if options["limit_queries"] is not None and options["limit_queries"] < 1:
            raise CommandError("--limit-queries must be at least 1.")
        try:
            dataset = read_dataset(options["dataset"])
        except DatasetError as exc:
            raise CommandError(str(exc)) from exc
        progress = options["verbosity"] >= 1 and not options["json"]
        try:
            embedder = llm["embed"]
        except LLMError as exc:
            raise CommandError(f"The embed model cannot load: {exc}") from exc

        reranker = None
        training: dict[str, Any] = {}
        if options["train"] is not None and options["ranker"]:
            raise CommandError("Give --train or --ranker, not both.")
        if options["ranker"]:
            reranker, training = self._stored_ranker(options["ranker"], dataset)
        if options["train"] is not None:
            from search.ranker import train_ranker_from_folder

            try:
                train = read_dataset(options["train"])
            except DatasetError as exc:
                raise CommandError(str(exc)) from exc
            if train.fingerprint == dataset.fingerprint or (
                train.folder.resolve() == dataset.folder.resolve()
            ):
                raise CommandError("--train and --dataset are the same folder: refusing.")
            reranker, training = train_ranker_from_folder(
                train,
                embedder=embedder,
                time_budget=options["time_budget"],
                chunk_size=options["chunk_size"],
                show_progress=progress,
                stdout=self.stdout if progress else None,
            )

        root = evaluation_root(Path(settings.SEARCH_INDEX_DIR) / "eval", dataset)
        index, build = ensure_index(
            dataset,
            root=root,
            embedder=embedder,
            rebuild=options["rebuild"],
            chunk_size=options["chunk_size"],
            show_progress=progress,
        )
        query_ids = sample_queries(dataset, options["limit_queries"])
        bar = tqdm(total=len(query_ids), desc="queries", disable=not progress, leave=False)
        results = run_evaluation(
            dataset,
            index,
            embedder=embedder,
            reranker=reranker,
            query_ids=query_ids,
            modes=modes,
            on_query=bar.update,
        )
        bar.close()
        self._table(dataset, results, build, training, embedder)
        if options["json"]:
            self.stdout.write(json.dumps(results))

    def _stored_ranker(self, name: str, dataset: Any) -> tuple[Any, dict[str, Any]]:
        from llm_services import artifact_folder
        from llm_services.models import ModelVersion
        from search.ranker import RANKER_ALIAS, LearnedRanker

        versions = ModelVersion.objects.filter(alias=RANKER_ALIAS)
        version = (
            versions.filter(is_active=True).first()
            if name == "active"
            else versions.filter(name=name).first()
        )
        if version is None:
            raise CommandError(f"No ranker version {name!r} (see the admin's model versions).")
        if version.training_data_hash == dataset.fingerprint:
            raise CommandError(f"{version.name} was trained on this folder: refusing.")
        try:
            ranker = LearnedRanker.load(artifact_folder(version.artifact_path))
        except (OSError, ValueError) as exc:
            raise CommandError(f"{version.name} cannot load: {exc}") from exc
        return ranker, {"version": version.name, **(version.training or {})}

    def _table(
        self,
        dataset: Any,
        results: dict[str, dict[str, float]],
        build: dict[str, Any],
        training: dict[str, Any],
        embedder: Any,
    ) -> None:
        write = self.stdout.write
        write(
            f"dataset {dataset.folder} ({len(dataset.products)} products, "
            f"{next(iter(results.values()))['queries']} queries); embedder {embedder.model_id} "
            f"[{embedder.revision}]"
        )
        if build:
            write(
                f"index build: {build['documents']} products in {build['build_seconds']} s "
                f"= {build['products_per_s']} products/s (lexical {build['lexical_seconds']} s, "
                f"{build['reused_vectors']} vectors reused; --rebuild embeds all)"
            )
        if training:
            write("learned stage: " + json.dumps(training))
        header = (
            f"{'mode':<8} {'nDCG@10':>8} {'MRR@10':>8} {'R@100':>8} {'p50 ms':>8} {'p95 ms':>8}"
        )
        write(header)
        for mode, row in results.items():
            write(
                f"{mode:<8} {row['ndcg@10']:>8.4f} {row['mrr@10']:>8.4f} {row['recall@100']:>8.4f} "
                f"{row['p50_ms']:>8.1f} {row['p95_ms']:>8.1f}"
            )
        if "lexical" in results and "hybrid" in results and results["lexical"]["ndcg@10"]:
            ratio = results["hybrid"]["ndcg@10"] / results["lexical"]["ndcg@10"]
            write(f"hybrid / lexical nDCG@10 = {ratio:.3f}")
