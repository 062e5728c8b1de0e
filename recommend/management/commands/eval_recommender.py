"""``manage.py eval_recommender --dataset FILE [--json] [--time-budget S] [--models …]``.

Leave-one-out, full-ranking evaluation of every recommender and the served blend on a file of
``user item item …`` lines (see :mod:`recommend.evaluation`). Prints a table; with ``--json``
the last line is one JSON object keyed by model.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from recommend.evaluation import METRIC_KEYS, MODEL_NAMES, DatasetError, run_evaluation

# Idle OpenMP threads (torch, LightGBM) sleep instead of spinning: on a shared 2-core machine
# spinning made a SASRec batch 20 times slower (6.1 s instead of 0.31 s). Read when torch or
# LightGBM starts, which is after this module is imported.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

SETTING_TYPES = {
    "dim": int,
    "layers": int,
    "heads": int,
    "max_len": int,
    "dropout": float,
    "learning_rate": float,
    "batch_size": int,
    "negatives": int,
    "max_epochs": int,
    "patience": int,
    "threads": int,
}
DEFAULT_DATASET = Path("../shared/data/recommend/Sports_and_Outdoors.txt")


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


class Command(BaseCommand):
    help = "Evaluate the recommenders (leave-one-out, full ranking) on a sequence file."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dataset",
            type=Path,
            default=DEFAULT_DATASET,
            help="lines of 'user item item …' in time order (an *_item2attributes.json beside "
            "it is read when present)",
        )
        parser.add_argument("--json", action="store_true", help="end with one JSON line")
        parser.add_argument(
            "--time-budget",
            type=float,
            default=600.0,
            help="seconds of SASRec training (default 600)",
        )
        parser.add_argument(
            "--sasrec",
            nargs="+",
            default=[],
            metavar="KEY=VALUE",
            help="SASRec settings (SequenceModelSettings fields), e.g. dim=32 max_epochs=5",
        )
        parser.add_argument(
            "--models",
            nargs="+",
            choices=MODEL_NAMES,
            default=list(MODEL_NAMES),
            help="which models to report (served needs all the others)",
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        quiet = options["verbosity"] < 1

        def log(message: str) -> None:
            if not quiet:
                self.stderr.write(message)

        sasrec_settings = {}
        for pair in options["sasrec"]:
            key, _, value = pair.partition("=")
            if key not in SETTING_TYPES or not value:
                raise CommandError(
                    f"--sasrec {pair!r}: expected KEY=VALUE, KEY one of {', '.join(SETTING_TYPES)}."
                )
            try:
                sasrec_settings[key] = SETTING_TYPES[key](value)
            except ValueError as error:
                raise CommandError(f"--sasrec {pair!r}: {error}") from error
        try:
            results = run_evaluation(
                options["dataset"],
                models=options["models"],
                time_budget=options["time_budget"],
                sasrec_settings=sasrec_settings,
                log=log,
                bar=None if quiet else lambda **kw: tqdm(leave=False, mininterval=2, **kw),
            )
        except DatasetError as error:
            raise CommandError(str(error)) from error
        elapsed = time.monotonic() - started
        header = f"{'model':<12}" + "".join(f"{key:>16}" for key in METRIC_KEYS)
        lines = [header, "-" * len(header)]
        for name, metrics in results.items():
            cells = []
            for key in METRIC_KEYS:
                value = metrics[key]
                cells.append(f"{'-' if value is None else f'{value:.4f}':>16}")
            lines.append(f"{name:<12}" + "".join(cells))
        self.stdout.write("\n".join(lines))
        self.stdout.write(f"whole run: {elapsed:.0f} s on {_cpu_name()}")
        if options["json"]:
            self.stdout.write(json.dumps(results))
