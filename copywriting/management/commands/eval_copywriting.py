"""Few-shot base model vs a model fine-tuned on --train, scored on --test.

    manage.py eval_copywriting --train ../shared/data/copywriting/advertisegen_zh.csv \\
        --test-size 60 --train-steps 120 --json
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string
from tqdm import tqdm

from copywriting import conf
from copywriting.evaluation import (
    EvaluationError,
    choose_examples,
    read_items,
    remove_folder,
    run_system,
    split_items,
    vocabulary_for,
)
from copywriting.training import TASK_NAME
from llm_services.training import (
    Dataset,
    DatasetStats,
    FinetuneError,
    GeneratorSettings,
    PIIScrubber,
    alias_config,
    clean_examples,
    finetune_generator,
    get_task,
)

METRICS = ("bleu4", "rougeL", "chrf", "violation_rate", "items_per_min")


class Command(BaseCommand):
    help = (
        "Evaluate copy generation: the base model few-shot vs fine-tuned on --train, "
        "BLEU-4 / ROUGE-L / chrF / grounding-violation rate / items per minute."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True, type=Path, help="JSON Lines or CSV file.")
        parser.add_argument("--test", type=Path, help="Scored file (default: a split of --train).")
        parser.add_argument(
            "--test-size",
            type=int,
            default=60,
            help="Items scored (the split's size, or the first N of --test; default 60).",
        )
        parser.add_argument(
            "--train-limit", type=int, default=4000, help="Training items at most (default 4000)."
        )
        # Steps, not seconds, decide how much the model learns: the same figures on a fast and a
        # slow CPU (an AVX2 machine reached 58 steps in 420 s, a Zen 4 one 84 in 480 s).
        parser.add_argument(
            "--train-steps",
            "--max-steps",
            dest="train_steps",
            type=int,
            default=120,
            help="Optimizer steps of the fine-tuning loop (default 120); the time it took is "
            "reported.",
        )
        parser.add_argument(
            "--train-seconds",
            type=float,
            default=7200.0,
            help="A safety limit on the loop's seconds (default 7200); a run it stops says so.",
        )
        parser.add_argument("--batch-size", type=int, default=4, help="Training batch size.")
        # finetune's default: the prompt's data block left few examples room under 192.
        parser.add_argument("--max-length", type=int, default=256, help="Training tokens.")
        parser.add_argument("--learning-rate", type=float, default=None)
        parser.add_argument(
            "--chunk-size", type=int, default=8, help="Prompts per generation batch (default 8)."
        )
        parser.add_argument("--length", choices=["short", "medium", "long"], default="medium")
        parser.add_argument(
            "--fewshot-examples",
            type=int,
            default=None,
            help="Examples per few-shot prompt (default COPYWRITING_FEWSHOT_EXAMPLES).",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--systems",
            default="fewshot,finetuned",
            help="Which systems to run, comma-separated (default both).",
        )
        parser.add_argument(
            "--keep-model", action="store_true", help="Keep the fine-tuned folder afterwards."
        )
        parser.add_argument(
            "--finetuned-folder",
            type=Path,
            help="Score this fine-tuned model folder (a kept one) instead of training a new one.",
        )
        parser.add_argument("--json", action="store_true", help="End with one JSON line.")

    def handle(self, *args, **options) -> None:
        systems = [s.strip() for s in options["systems"].split(",") if s.strip()]
        if not set(systems) <= {"fewshot", "finetuned"} or not systems:
            raise CommandError("--systems takes fewshot and/or finetuned.")
        try:
            items = read_items(options["train"])
            if options["test"]:
                train = items
                test = read_items(options["test"])[: options["test_size"]]
            else:
                train, test = split_items(
                    items, test_size=options["test_size"], seed=options["seed"]
                )
        except EvaluationError as exc:
            raise CommandError(str(exc)) from exc
        train = train[: options["train_limit"]]
        if not train or not test:
            raise CommandError("Need at least one training and one test item.")
        alias = conf.get("MODEL_ALIAS")
        try:
            config = alias_config(alias, kind="generator")
        except FinetuneError as exc:
            raise CommandError(str(exc)) from exc
        backend_class = import_string(config["BACKEND"])
        vocabulary = vocabulary_for([*train, *test])
        languages = sorted({item.language for item in test})
        self.write(
            f"{len(train)} training items, {len(test)} test items ({', '.join(languages)}); "
            f"model {config['MODEL']} ({config['REVISION']}), OPTIONS {config['OPTIONS']}"
        )
        verbose = options["verbosity"] >= 1
        fewshot_k = options["fewshot_examples"]
        if fewshot_k is None:
            fewshot_k = conf.get("FEWSHOT_EXAMPLES")
        report: dict[str, dict] = {}

        def generate(name: str, model: str, *, finetuned: bool) -> None:
            backend = backend_class(
                alias=alias, model=model, revision=name, options=config["OPTIONS"]
            )
            try:
                with tqdm(total=len(test), desc=name, disable=not verbose) as bar:
                    result = run_system(
                        name,
                        backend,
                        test,
                        examples_for=(
                            (lambda item: [])
                            if finetuned
                            else (lambda item: choose_examples(item, train, limit=fewshot_k))
                        ),
                        finetuned=finetuned,
                        vocabulary=vocabulary,
                        batch_size=options["chunk_size"],
                        length=options["length"],
                        progress=bar.update,
                    )
            finally:
                backend.close()
            report[name] = result.scores(test)
            if options["verbosity"] >= 2:
                for item, output in list(zip(test, result.outputs, strict=True))[:3]:
                    self.write(f"--- {name} | reference: {item.target[:200]}\n>>> {output[:300]}")

        if "fewshot" in systems:
            generate("fewshot", config["MODEL"], finetuned=False)
        if "finetuned" in systems and options["finetuned_folder"]:
            folder = options["finetuned_folder"]
            if not (folder / "manifest.json").is_file():
                raise CommandError(f"{folder} is not a model folder (no manifest.json).")
            generate("finetuned", str(folder.resolve()), finetuned=True)
            manifest = json.loads((folder / "manifest.json").read_text())
            training = manifest.get("training", {})
            report["finetuned"]["train_steps"] = training.get("steps")
            report["finetuned"]["train_seconds"] = training.get("seconds")
            report["finetuned"]["train_examples"] = training.get("train_examples")
            report["finetuned"]["folder"] = str(folder)
        elif "finetuned" in systems:
            task = get_task(TASK_NAME, kind="generator")
            scrubber = PIIScrubber()
            examples, stats = clean_examples(
                (item.example() for item in train), task=task, scrubber=scrubber
            )
            if len(examples) < 2:
                raise CommandError("Fewer than 2 usable training items after cleaning.")
            validation = examples[: min(32, max(1, len(examples) // 20))]
            dataset = Dataset(
                task=TASK_NAME,
                train=examples[len(validation) :],
                validation=validation,
                stats=stats if isinstance(stats, DatasetStats) else DatasetStats(),
            )
            settings = GeneratorSettings(
                max_steps=options["train_steps"],
                time_budget=options["train_seconds"],
                batch_size=options["batch_size"],
                max_length=options["max_length"],
                learning_rate=options["learning_rate"],
                eval_items=0,
                validation_batches=2,
                seed=options["seed"],
            )
            began = time.perf_counter()
            result = finetune_generator(
                task=task,
                dataset=dataset,
                alias=alias,
                config=config,
                settings=settings,
                scrubber=scrubber,
                show_progress=verbose,
            )
            train_seconds = time.perf_counter() - began
            try:
                generate("finetuned", str(result.folder), finetuned=True)
            finally:
                if not options["keep_model"]:
                    remove_folder(result.folder)
            report["finetuned"]["train_steps"] = result.training.get("steps")
            report["finetuned"]["train_seconds"] = round(train_seconds, 1)
            report["finetuned"]["stopped_by"] = result.training.get("stopped_by")
            report["finetuned"]["train_examples"] = len(dataset.train)
            if options["keep_model"]:
                report["finetuned"]["folder"] = str(result.folder)

        self.write("")
        self.write(f"{'metric':<16}" + "".join(f"{name:>14}" for name in report))
        for metric in (
            *METRICS,
            "raw_rougeL",
            "raw_violation_rate",
            "trimmed",
            "copied_an_example",
        ):
            row = "".join(f"{str(report[name].get(metric)):>14}" for name in report)
            self.write(f"{metric:<16}{row}")
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, sort_keys=True))

    def write(self, message: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(message)

    def execute(self, *args, **options):
        self.verbosity = options.get("verbosity", 1)
        return super().execute(*args, **options)
