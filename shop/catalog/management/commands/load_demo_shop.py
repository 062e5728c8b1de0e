"""``manage.py load_demo_shop``: the deterministic bilingual demo catalog, customers and history."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from shop.catalog.demo.customers import (
    DEMO_MERCHANT_PASSWORD,
    DEMO_MERCHANT_USERNAME,
    DEMO_PASSWORD,
    username_for,
)
from shop.catalog.demo.loader import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_CUSTOMERS,
    DEFAULT_PRODUCTS,
    DEFAULT_SEED,
    load_demo_shop,
)


class Command(BaseCommand):
    help = (
        "Create or update the demo shop: a bilingual (English/Chinese) catalog written for this "
        "project, demo customers, their reviews and interaction history. Same seed, same shop; "
        "rerunning updates rows instead of duplicating them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--products", type=int, default=DEFAULT_PRODUCTS, help="Number of products."
        )
        parser.add_argument(
            "--customers", type=int, default=DEFAULT_CUSTOMERS, help="Number of demo customers."
        )
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="Random seed.")
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=DEFAULT_CHUNK_SIZE,
            help="Rows written per transaction.",
        )
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Catalog only: no customers, reviews or interactions.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        history = not options["no_history"]
        progress = partial(tqdm, disable=verbosity < 1, leave=False, file=self.stderr)
        started = time.monotonic()
        try:
            summary = load_demo_shop(
                products=options["products"],
                customers=options["customers"],
                seed=options["seed"],
                chunk_size=options["chunk_size"],
                history=history,
                progress=progress,
            )
        except (ValueError, ValidationError) as error:
            raise CommandError(str(error)) from error
        if verbosity < 1:
            return
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Demo shop loaded in {elapsed:.1f} s."))
        for line in summary.lines():
            self.stdout.write(f"  {line}")
        if history:
            self.stdout.write(
                f"  Admin: {DEMO_MERCHANT_USERNAME} / {DEMO_MERCHANT_PASSWORD!r} at /en/admin/"
            )
            self.stdout.write(
                f"  Sign in as {username_for(1)} … {username_for(options['customers'])} "
                f"with the password {DEMO_PASSWORD!r}."
            )
