"""manage.py finetune generator|embedder --task NAME: fine-tune a model on the shop's data.

    manage.py finetune tasks
    manage.py finetune generator --task copywriting --max-steps 200 --time-budget 900
    manage.py finetune generator --task copywriting --method full --language zh-hans
    manage.py finetune embedder --task search --max-steps 100 --activate

Collects the task's examples, cleans them and scrubs personal data (before anything is trained
on or printed), splits off a validation set, trains under the step and time budget, scores the
model before and after, and stores a ModelVersion (inactive unless --activate). Activate or
roll back later with ``manage.py llm_versions``.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llm_services.exceptions import LLMError
from llm_services.training import CollectOptions, registered_tasks
from llm_services.training.data import Dataset
from llm_services.training.embedder import EmbedderSettings
from llm_services.training.generator import GeneratorSettings
from llm_services.training.pipeline import FinetuneError, run_finetune
from llm_services.training.versions import VersionError


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _positive_float(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be above 0")
    return number


def _fraction(value: str) -> float:
    number = float(value)
    if not 0 < number < 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return number


class Command(BaseCommand):
    help = "Fine-tune a generator or embedder on a registered task; store a model version."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "kind",
            choices=["generator", "embedder", "tasks"],
            help="What to fine-tune; 'tasks' lists the registered tasks.",
        )
        parser.add_argument("--task", help="A registered task of this kind.")
        parser.add_argument("--alias", help="The LLM_MODELS alias (default: the task's).")
        parser.add_argument(
            "--base-model", help="A MODEL spec to train from instead of the alias's MODEL."
        )
        parser.add_argument(
            "--max-steps", type=_positive_int, help="Default 200 (generator), 100 (embedder)."
        )
        parser.add_argument(
            "--time-budget",
            type=_positive_float,
            default=900.0,
            help="Seconds for the training loop (default 900).",
        )
        parser.add_argument(
            "--batch-size", type=_positive_int, help="Default 4 (generator), 16 (embedder)."
        )
        parser.add_argument("--learning-rate", type=_positive_float)
        parser.add_argument("--eval-every", type=_positive_int, help="Validation loss every N.")
        parser.add_argument(
            "--language",
            action="append",
            dest="languages",
            help="Only this language (repeatable; default all).",
        )
        parser.add_argument("--limit", type=_positive_int, help="Collect at most N examples.")
        parser.add_argument("--chunk-size", type=_positive_int, default=500)
        parser.add_argument("--validation-fraction", type=_fraction, default=0.1)
        parser.add_argument(
            "--max-validation",
            type=_positive_int,
            default=64,
            help="Held-out examples at most (default 64).",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--activate", action="store_true", help="Activate the new version.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Prepare and report the data only."
        )
        parser.add_argument(
            "--unless-trained",
            action="store_true",
            help="Train nothing when a version of this alias and task was trained on exactly "
            "this data (make demo run again).",
        )
        generator = parser.add_argument_group("generator")
        generator.add_argument("--method", choices=["lora", "full"], default="lora")
        generator.add_argument("--max-length", type=_positive_int, default=256)
        generator.add_argument("--lora-rank", type=_positive_int, default=8)
        generator.add_argument(
            "--eval-items",
            type=_positive_int,
            default=16,
            help="Held-out items generated and scored before and after (default 16).",
        )
        generator.add_argument("--max-new-tokens", type=_positive_int)
        embedder = parser.add_argument_group("embedder")
        embedder.add_argument("--k", type=_positive_int, default=10, help="recall@k and MRR@k.")

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        if options["kind"] == "tasks":
            self._list_tasks()
            return
        if not options["task"]:
            raise CommandError(f"finetune {options['kind']} needs --task (see `finetune tasks`).")
        settings: GeneratorSettings | EmbedderSettings
        if options["kind"] == "generator":
            settings = GeneratorSettings(
                method=options["method"],
                max_steps=options["max_steps"] or 200,
                time_budget=options["time_budget"],
                batch_size=options["batch_size"] or 4,
                learning_rate=options["learning_rate"],
                max_length=options["max_length"],
                lora_rank=options["lora_rank"],
                lora_alpha=2 * options["lora_rank"],
                eval_every=options["eval_every"],
                eval_items=options["eval_items"],
                max_new_tokens=options["max_new_tokens"],
                seed=options["seed"],
            )
        else:
            settings = EmbedderSettings(
                max_steps=options["max_steps"] or 100,
                time_budget=options["time_budget"],
                batch_size=options["batch_size"] or 16,
                learning_rate=options["learning_rate"] or 2e-5,
                eval_every=options["eval_every"],
                k=options["k"],
                seed=options["seed"],
            )
        languages = options["languages"]
        try:
            outcome = run_finetune(
                kind=options["kind"],
                task_name=options["task"],
                settings=settings,
                alias=options["alias"],
                base_model=options["base_model"],
                collect=CollectOptions(
                    languages=frozenset(languages) if languages else None,
                    limit=options["limit"],
                    chunk_size=options["chunk_size"],
                ),
                validation_fraction=options["validation_fraction"],
                max_validation=options["max_validation"],
                activate=options["activate"],
                dry_run=options["dry_run"],
                unless_trained=options["unless_trained"],
                show_progress=self.verbosity >= 1,
                on_dataset=self._report_dataset,
            )
        except (FinetuneError, VersionError, LLMError) as exc:
            raise CommandError(str(exc)) from exc
        if outcome.existing is not None:
            state = "active" if outcome.existing.is_active else "inactive"
            self._write(
                f"Already trained on this data: version {outcome.existing.pk} "
                f"{outcome.existing.name} ({state}); nothing trained."
            )
            return
        if outcome.version is None or outcome.result is None:
            self._write("Dry run: nothing trained or stored.")
            return
        version, result = outcome.version, outcome.result
        self._report_metrics(result.metrics)
        training = result.training
        self._write(
            f"Trained {training['steps']} steps in {training['seconds']} s "
            f"(stopped by {training['stopped_by']}); loss curve: {result.loss_curve}"
        )
        state = "active" if version.is_active else "inactive"
        self._write(
            self.style.SUCCESS(
                f"Stored model version {version.pk} {version.name} ({state}) at {result.folder}."
            )
        )
        if not version.is_active:
            self._write(f"Activate it with: manage.py llm_versions activate {version.pk}")

    # -- output ----------------------------------------------------------------------------

    def _write(self, message: str, *, level: int = 1) -> None:
        if self.verbosity >= level:
            self.stdout.write(message)

    def _list_tasks(self) -> None:
        tasks = registered_tasks()
        if not tasks:
            self.stdout.write("No training task is registered.")
        for task in tasks:
            self.stdout.write(
                f"{task.kind:<10} {task.name:<16} alias={task.alias:<10} {task.description}"
            )

    def _report_dataset(self, dataset: Dataset) -> None:
        stats = dataset.stats.as_dict()
        self._write(
            f"Task {dataset.task}: {stats['collected']} collected, {stats['kept']} kept "
            f"({stats['empty']} empty, {stats['too_short']} too short, "
            f"{stats['duplicates']} duplicates); {len(dataset.train)} train, "
            f"{len(dataset.validation)} validation. Languages: {stats['languages']}."
        )
        self._write(f"Personal data replaced: {stats['pii_replaced'] or 'none'}.")
        self._write(f"Training data hash: {dataset.data_hash}", level=2)
        if dataset.train:
            # Examples are scrubbed before they reach this point.
            example = dataset.train[0]
            sample = {"key": example.key, "source": example.source, "target": example.target}
            self._write("First example: " + json.dumps(sample, ensure_ascii=False), level=2)

    def _report_metrics(self, metrics: dict[str, Any]) -> None:
        before, after = metrics["before"], metrics["after"]
        names = [k for k, v in before.items() if isinstance(v, int | float) and k in after]
        self._write(f"{'metric':<16}{'before':>12}{'after':>12}")
        for name in names:
            self._write(f"{name:<16}{before[name]:>12}{after[name]:>12}")
        for language, scores in (after.get("by_language") or {}).items():
            previous = before.get("by_language", {}).get(language, {})
            line = ", ".join(
                f"{k} {previous.get(k)} → {v}" for k, v in scores.items() if k != "items"
            )
            self._write(f"  {language}: {line}", level=1)
