"""``manage.py load_demo_shop``: the deterministic bilingual demo catalog, customers and history."""

from __future__ import annotations

import time
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from demo.accounts import DemoPasswords, account_lines, accounts_file, write_accounts_file
from demo.customers import DEMO_MERCHANT_USERNAME, username_for
from demo.loader import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_CUSTOMERS,
    DEFAULT_PRODUCTS,
    DEFAULT_SEED,
    load_demo_shop,
)

NOT_PRODUCTION_FLAG = "--i-know-this-is-not-production"


class Command(BaseCommand):
    help = (
        "Create or update the demo shop: a bilingual (English/Chinese) catalog written for this "
        "project, demo customers, their reviews, interaction history and orders, and a staff "
        "account 'merchant' in the Merchant group. Same seed, same shop; rerunning updates "
        "rows instead of duplicating them. The demo accounts get new random passwords on "
        "every load (printed, and kept in var/demo-accounts.txt) unless --password is given. "
        "Development only: refuses to run "
        f"unless DEBUG is on or {NOT_PRODUCTION_FLAG} is given."
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
            help="Catalog only: no accounts, reviews, interactions or orders.",
        )
        parser.add_argument(
            "--password",
            help=(
                "One password for every demo account (the merchant and the customers) instead "
                "of random ones; var/demo-accounts.txt is then left alone."
            ),
        )
        parser.add_argument(
            NOT_PRODUCTION_FLAG,
            action="store_true",
            dest="not_production",
            help="Load even though DEBUG is off (a staging or benchmark database).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["not_production"]:
            raise CommandError(
                "Refusing to load the demo shop: DEBUG is off, so this may be a production "
                "database, and the demo writes a staff account and demo customers into it. Nothing "
                f"was written. Pass {NOT_PRODUCTION_FLAG} if this database is disposable."
            )
        if options["password"] is not None and not options["password"].strip():
            raise CommandError("--password must not be empty")
        verbosity = options["verbosity"]
        history = not options["no_history"]
        progress = partial(tqdm, disable=verbosity < 1, leave=False, file=self.stderr)
        passwords = None
        if options["password"] is not None:
            passwords = DemoPasswords.given(options["password"])
        started = time.monotonic()
        try:
            summary = load_demo_shop(
                products=options["products"],
                customers=options["customers"],
                seed=options["seed"],
                chunk_size=options["chunk_size"],
                history=history,
                passwords=passwords,
                progress=progress,
            )
        except (ValueError, ValidationError) as error:
            raise CommandError(str(error)) from error
        if summary.passwords is not None and not summary.passwords.chosen:
            lines = account_lines(summary.passwords, customers=options["customers"])
            write_accounts_file(accounts_file(), lines, now=timezone.now())
        if verbosity < 1:
            return
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"Demo shop loaded in {elapsed:.1f} s."))
        for line in summary.lines():
            self.stdout.write(f"  {line}")
        if summary.passwords is None:
            return
        if summary.passwords.chosen:
            self.stdout.write(
                f"  Admin: {DEMO_MERCHANT_USERNAME} at /en/admin/; customers {username_for(1)} "
                f"… {username_for(options['customers'])}; all with the password given by "
                "--password."
            )
            return
        self.stdout.write(
            f"  Admin: {DEMO_MERCHANT_USERNAME} / {summary.passwords.merchant!r} at /en/admin/"
        )
        self.stdout.write(
            f"  Sign in as {username_for(1)} … {username_for(options['customers'])} "
            f"with the password {summary.passwords.customers!r}."
        )
        self.stdout.write(
            f"  New random passwords on every load; these are kept in {accounts_file()} "
            "(readable by you only)."
        )
