"""manage.py import_catalog FILE: products from our CSV / JSON Lines schema or a Shopify export."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from shop.catalog.importing import (
    DEFAULT_CHUNK_SIZE,
    FORMATS,
    ImportFileError,
    ImportResult,
    apply_import,
    prepare_import,
)


class Command(BaseCommand):
    help = (
        "Create or update products (matched by SKU) from our CSV or JSON Lines schema or a "
        "Shopify product export. The whole file is validated first; see docs/import.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the file to import.")
        parser.add_argument(
            "--format",
            dest="file_format",
            choices=["auto", *FORMATS],
            default="auto",
            help="File format; by default detected from the extension and the header.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Validate and report what would be created or updated; write nothing.",
        )
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Write the valid rows even when other rows are rejected.",
        )
        parser.add_argument(
            "--create-missing-categories",
            action="store_true",
            help="Create unknown categories at the top level instead of rejecting their rows.",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=DEFAULT_CHUNK_SIZE,
            help=f"Products written per transaction (default {DEFAULT_CHUNK_SIZE}).",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        verbosity = options["verbosity"]
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        try:
            plan = prepare_import(
                content,
                filename=path.name,
                file_format=options["file_format"],
                create_missing_categories=options["create_missing_categories"],
            )
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}") from exc

        will_write = not options["dry_run"] and (not plan.rejected or options["skip_invalid"])
        with tqdm(
            total=plan.write_count,
            unit="product",
            desc="Importing",
            disable=verbosity < 1 or not will_write or not plan.write_count,
        ) as bar:
            result = apply_import(
                plan,
                dry_run=options["dry_run"],
                skip_invalid=options["skip_invalid"],
                chunk_size=options["chunk_size"],
                progress=bar.update,
            )
        self._report(path, result, verbosity)

        if result.rejected and not options["skip_invalid"]:
            raise CommandError(
                f"{result.rejected} row(s) rejected; nothing was written. Fix them, or rerun "
                f"with --skip-invalid to import the {result.valid} valid row(s)."
            )
        if result.failed:
            raise CommandError(
                f"{result.failed} row(s) were not written because the database rejected their "
                "chunk; the other rows were written."
            )

    def _report(self, path: Path, result: ImportResult, verbosity: int) -> None:
        for error in result.errors:
            self.stderr.write(str(error))
        if verbosity < 1:
            return
        if verbosity >= 2:
            for outcome in result.outcomes:
                self.stdout.write(f"line {outcome.line} [{outcome.sku}]: {outcome.action}")
        if result.written:
            summary = (
                f"Imported {path.name} ({result.file_format}): created {result.created}, "
                f"updated {result.updated}, unchanged {result.unchanged}, "
                f"rejected {result.rejected}"
            )
            if result.failed:
                summary += f", not written {result.failed}"
            self.stdout.write(self.style.SUCCESS(summary + "."))
        else:
            reason = "dry run" if result.dry_run else "rejected rows"
            self.stdout.write(
                f"Checked {path.name} ({result.file_format}), nothing written ({reason}): "
                f"would create {result.created}, would update {result.updated}, "
                f"unchanged {result.unchanged}, rejected {result.rejected}."
            )
