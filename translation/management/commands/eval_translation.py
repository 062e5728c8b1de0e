"""Copying the source vs the base model few-shot vs a model fine-tuned on --train, on --test.

    manage.py eval_translation --train /tmp/s10/train.csv --test /tmp/s10/test.csv \\
        --time-budget 240 --json

Both files are CSV with a header naming the languages ("zh_tw,en"); the first column is the
source, the second the reference (``translation.evaluation.read_pairs``). The few-shot
system draws its examples from --train; the fine-tuned one is trained on --train from the
alias's configured base model (never an active version), within --time-budget seconds, and
its folder is deleted afterwards unless --keep-model. Nothing is stored in the database and
nothing is activated. Both systems translate through ``translation.engine.translate_with``,
the prompts, decoding constraints and checks the shop serves (without its cache).
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.module_loading import import_string

from translation.checks import RESTORED
from translation.engine import fewshot_examples, model_alias, translate_with
from translation.evaluation import (
    TranslationFileError,
    corpus_scores,
    pair_examples,
    read_pairs,
    term_survival,
)
from translation.glossary import catalog_glossary
from translation.prompts import KINDS
from translation.training import TASK_NAME

SYSTEMS = ("copy", "fewshot", "finetuned")


def _positive(kind: type) -> Any:
    def parse(value: str) -> Any:
        number = kind(value)
        if number <= 0:
            raise ValueError(value)
        return number

    parse.__name__ = kind.__name__
    return parse


class Command(BaseCommand):
    help = (
        "Evaluate machine translation on a parallel CSV: copy-the-source baseline, the base "
        "model few-shot and a model fine-tuned on --train; sacreBLEU BLEU and chrF, protected "
        "term survival, items per minute."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--train", required=True, type=Path, help="CSV of training pairs.")
        parser.add_argument("--test", required=True, type=Path, help="CSV of held-out pairs.")
        parser.add_argument("--json", action="store_true", help="End with one JSON line.")
        parser.add_argument(
            "--time-budget",
            type=_positive(float),
            default=240.0,
            help="Seconds for the fine-tuning loop (default 240).",
        )
        parser.add_argument(
            "--limit", type=_positive(int), help="Score the first N test pairs only."
        )
        parser.add_argument(
            "--train-limit", type=_positive(int), help="Use the first N training pairs only."
        )
        parser.add_argument("--kind", choices=KINDS, default="title", help="Default title.")
        parser.add_argument(
            "--examples",
            type=int,
            default=None,
            help="Few-shot examples per prompt (default TRANSLATION_FEWSHOT_EXAMPLES).",
        )
        parser.add_argument("--systems", default=",".join(SYSTEMS), help="Default all three.")
        parser.add_argument("--max-steps", type=_positive(int), default=400)
        parser.add_argument("--batch-size", type=_positive(int), default=8)
        parser.add_argument("--max-length", type=_positive(int), default=128)
        parser.add_argument("--learning-rate", type=_positive(float), default=None)
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--keep-model", action="store_true", help="Keep the fine-tuned folder afterwards."
        )
        parser.add_argument(
            "--outputs",
            type=Path,
            help="Write every test pair's source, reference and outputs to this JSON Lines file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.verbosity = options["verbosity"]
        systems = [s.strip() for s in options["systems"].split(",") if s.strip()]
        if not systems or not set(systems) <= set(SYSTEMS):
            raise CommandError(f"--systems takes {', '.join(SYSTEMS)}.")
        try:
            train = read_pairs(options["train"], kind=options["kind"])
            test = read_pairs(options["test"], kind=options["kind"])
        except TranslationFileError as exc:
            raise CommandError(str(exc)) from exc
        if (train.source, train.target) != (test.source, test.target):
            raise CommandError(
                f"--train translates {train.source_code}→{train.target_code} but --test "
                f"{test.source_code}→{test.target_code}."
            )
        source, target = test.source, test.target
        train_pairs = train.pairs[: options["train_limit"]]
        test_pairs = test.pairs[: options["limit"]]
        sources = [pair.source for pair in test_pairs]
        references = [pair.target for pair in test_pairs]
        glossary = catalog_glossary()
        self.write(
            f"{len(train_pairs)} training pairs ({train.skipped} skipped), {len(test_pairs)} "
            f"test pairs ({test.skipped} skipped), {test.source_code} → {test.target_code} "
            f"(translated {source} → {target}), kind {options['kind']}"
        )
        report: dict[str, Any] = {}
        written: dict[str, list[str]] = {}

        def score(name: str, outputs: list[str], seconds: float | None, **extra: Any) -> None:
            written[name] = outputs
            scores = corpus_scores(outputs, references, target=target)
            survival = term_survival(sources, outputs, source=source, glossary=glossary)
            report[name] = {
                "bleu": scores["bleu"],
                "chrf": scores["chrf"],
                **survival,
                **extra,
            }
            if seconds is not None:
                report[name]["seconds"] = round(seconds, 1)
                report[name]["items_per_min"] = round(len(outputs) * 60 / seconds, 1)
            report.setdefault("signatures", {"bleu": scores["bleu_signature"]})
            report["signatures"]["chrf"] = scores["chrf_signature"]

        if "copy" in systems:
            score("copy", sources, None)

        config = None
        if "fewshot" in systems or "finetuned" in systems:
            from llm_services.training import FinetuneError, alias_config

            try:
                config = alias_config(model_alias(), kind="generator")
            except FinetuneError as exc:
                raise CommandError(str(exc)) from exc
            self.write(
                f"model {config['MODEL']} ({config['REVISION']}), OPTIONS {config['OPTIONS']}"
            )

        if "fewshot" in systems:
            shots = fewshot_examples() if options["examples"] is None else options["examples"]
            outputs, flagged, restored, seconds = self.translate(
                config,
                config["MODEL"],
                "eval-fewshot",
                sources,
                source=source,
                target=target,
                kind=options["kind"],
                finetuned=False,
                pool=train_pairs,
                examples=shots,
                glossary=glossary,
            )
            score("fewshot", outputs, seconds, flagged=flagged, restored=restored, examples=shots)
            self.samples("fewshot", outputs)

        if "finetuned" in systems:
            folder, training = self.finetune(config, train_pairs, source, target, options)
            try:
                outputs, flagged, restored, seconds = self.translate(
                    config,
                    str(folder),
                    "eval-finetuned",
                    sources,
                    source=source,
                    target=target,
                    kind=options["kind"],
                    finetuned=True,
                    pool=[],
                    examples=0,
                    glossary=glossary,
                )
            finally:
                if not options["keep_model"]:
                    from llm_services.training import versions_dir

                    if folder.parent == versions_dir():
                        shutil.rmtree(folder, ignore_errors=True)
            score("finetuned", outputs, seconds, flagged=flagged, restored=restored, **training)
            if options["keep_model"]:
                report["finetuned"]["folder"] = str(folder)
            self.samples("finetuned", outputs)

        for name in ("finetuned", "fewshot"):
            if name in report:
                report["items_per_min"] = report[name]["items_per_min"]
                break
        self.table(report)
        if options["outputs"]:
            with options["outputs"].open("w", encoding="utf-8") as handle:
                for index, (text, reference) in enumerate(zip(sources, references, strict=True)):
                    record = {"source": text, "reference": reference}
                    record.update({name: outputs[index] for name, outputs in written.items()})
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False, sort_keys=True))

    def translate(
        self,
        config: dict[str, Any],
        model: str,
        revision: str,
        sources: list[str],
        **kwargs: Any,
    ) -> tuple[list[str], int, float]:
        backend_class = import_string(config["BACKEND"])
        backend = backend_class(
            alias=model_alias(), model=model, revision=revision, options=config["OPTIONS"]
        )
        try:
            # Loading (and the first call's warm-up) is not translation time.
            backend.generate_batch(["Hello"], max_new_tokens=1, temperature=0.0)
            began = time.perf_counter()
            results = translate_with(backend, sources, **kwargs)
            seconds = time.perf_counter() - began
        finally:
            backend.close()
        outputs = [translation.text for translation, _ in results]
        flagged = sum(1 for translation, _ in results if translation.is_flagged)
        restored = sum(
            1
            for translation, _ in results
            if any(check["name"] == RESTORED for check in translation.checks)
        )
        return outputs, flagged, restored, seconds

    def finetune(
        self,
        config: dict[str, Any],
        pairs: list[Any],
        source: str,
        target: str,
        options: dict[str, Any],
    ) -> tuple[Path, dict[str, Any]]:
        from llm_services.training import (
            Dataset,
            GeneratorSettings,
            PIIScrubber,
            clean_examples,
            finetune_generator,
            get_task,
        )

        task = get_task(TASK_NAME, kind="generator")
        scrubber = PIIScrubber()
        examples, stats = clean_examples(
            pair_examples(
                pairs, source=source, target=target, prefix="train", glossary=catalog_glossary()
            ),
            task=task,
            scrubber=scrubber,
        )
        if len(examples) < 2:
            raise CommandError("Fewer than 2 usable training pairs after cleaning.")
        # A small validation slice of --train for the loss curve; --test stays unseen.
        validation = examples[: min(32, max(1, len(examples) // 20))]
        dataset = Dataset(
            task=TASK_NAME, train=examples[len(validation) :], validation=validation, stats=stats
        )
        settings = GeneratorSettings(
            max_steps=options["max_steps"],
            time_budget=options["time_budget"],
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
            alias=model_alias(),
            config=config,
            settings=settings,
            scrubber=scrubber,
            show_progress=self.verbosity >= 1,
        )
        seconds = time.perf_counter() - began
        self.write(
            f"fine-tuned {len(dataset.train)} pairs: {result.training.get('steps')} steps "
            f"({result.training.get('stopped_by')}), {seconds:.0f} s"
        )
        return result.folder, {
            "train_pairs": len(dataset.train),
            "train_steps": result.training.get("steps"),
            "train_seconds": round(seconds, 1),
        }

    def samples(self, name: str, outputs: list[str]) -> None:
        if self.verbosity >= 2:
            for output in outputs[:5]:
                self.write(f"  {name}: {output}")

    def table(self, report: dict[str, Any]) -> None:
        signatures = report.get("signatures", {})
        self.write(f"BLEU signature: {signatures.get('bleu')}")
        self.write(f"chrF signature: {signatures.get('chrf')}")
        names = [name for name in SYSTEMS if name in report]
        self.write(f"{'metric':<20}" + "".join(f"{name:>12}" for name in names))
        for metric in (
            "bleu",
            "chrf",
            "term_survival",
            "outputs_all_kept",
            "restored",
            "flagged",
            "items_per_min",
        ):
            row = "".join(f"{str(report[name].get(metric, '')):>12}" for name in names)
            self.write(f"{metric:<20}{row}")

    def write(self, message: str) -> None:
        if self.verbosity >= 1:
            self.stdout.write(message)
