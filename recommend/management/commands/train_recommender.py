"""``manage.py train_recommender``: fit, measure, store and activate a recommender version."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from recommend import services
from recommend.training import available_models

STEPS = ("signals", "evaluation", "models", "neighbours")


class Command(BaseCommand):
    help = "Train the recommender on the shop's interaction log and catalog; store a version."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--chunk-size", type=int, default=5000, help="Log rows per database round trip."
        )
        parser.add_argument(
            "--time-budget",
            type=float,
            default=None,
            help="Seconds for the sequential transformer (default RECOMMEND_TIME_BUDGET).",
        )
        parser.add_argument("--no-activate", action="store_true", help="Store only.")
        parser.add_argument(
            "--no-evaluate", action="store_true", help="Skip the leave-one-out figures."
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be positive.")
        total = len(STEPS) + len(available_models())
        show = options["verbosity"] > 0 and not options["json"]
        with tqdm(total=total, desc="Recommender", unit="step", disable=not show) as bar:

            def step(name: str) -> None:
                bar.set_postfix_str(name)
                bar.update(1)

            try:
                report = services.train_recommender(
                    time_budget=options["time_budget"],
                    chunk_size=options["chunk_size"],
                    activate=not options["no_activate"],
                    evaluate=not options["no_evaluate"],
                    on_step=step,
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(services.report_as_dict(report)))
            return
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            f"Version {report.version}: {report.items} products, {report.visitors} visitors, "
            f"{report.events} events, models {', '.join(report.models)}, {report.seconds} s."
        )
        if report.degraded:
            self.stdout.write(self.style.WARNING(f"Degraded: {report.degraded}"))
        for name, figures in report.metrics.items():
            self.stdout.write(
                f"  {name:12} HR@10 {figures['hr@10']:.4f}  NDCG@10 {figures['ndcg@10']:.4f}"
            )
        verdict = "activated" if report.activated else "not activated"
        self.stdout.write(f"{verdict}: {report.reason}")
