"""``manage.py refresh_review_insights``: read the changed reviews, rebuild aspect summaries."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from insights import services


class Command(BaseCommand):
    help = (
        "Find the aspects (comfort, runs small, ...) in the reviews that changed since the last "
        "run and rebuild the products' 'Customers mention' summaries from verified purchases."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--product",
            type=int,
            action="append",
            dest="products",
            metavar="ID",
            help="Only this product (repeatable); default every product.",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=services.DEFAULT_REFRESH_CHUNK,
            help=f"Reviews per transaction (default {services.DEFAULT_REFRESH_CHUNK}).",
        )
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        quiet = options["json"] or options["verbosity"] == 0
        report = services.refresh_review_insights(
            product_ids=options["products"],
            chunk_size=options["chunk_size"],
            progress=not quiet,
        )
        if options["json"]:
            self.stdout.write(json.dumps(asdict(report)))
            return
        if report.degraded:
            polarity = (
                f"sentiment {report.sentiment_version} could not be served (see the log): "
                "keyword mentions took the reviews' stars; the next run reads them again"
            )
        elif report.sentiment_version:
            polarity = f"sentiment {report.sentiment_version}"
        else:
            polarity = "no sentiment version active: keyword mentions took the reviews' stars"
        style = self.style.WARNING if report.degraded else self.style.SUCCESS
        self.stdout.write(
            style(
                f"{report.reviews_read} reviews read ({report.reviews_up_to_date} up to date), "
                f"{report.mentions} aspect mentions, {report.summaries_written} summaries "
                f"written, {report.summaries_deleted} deleted; {polarity}"
            )
        )
