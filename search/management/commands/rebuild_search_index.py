"""``manage.py rebuild_search_index``: build and publish a new index of the shop's products."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search import services


class Command(BaseCommand):
    help = "Build a new version of the shop's search index (BM25 + dense vectors) and publish it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk-size", type=int, default=256, help="Products per embed call.")
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="Embed only products whose text changed since the current index.",
        )
        parser.add_argument(
            "--async",
            dest="run_async",
            action="store_true",
            help="Queue the build on the Celery 'index' queue instead of running it here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        if options["run_async"]:
            from search.tasks import rebuild_search_index_task

            result = rebuild_search_index_task.delay(
                chunk_size=options["chunk_size"], incremental=options["incremental"]
            )
            self.stdout.write(f"Queued index build {result.id} on the 'index' queue.")
            return
        try:
            report = services.rebuild_shop_index(
                chunk_size=options["chunk_size"],
                incremental=options["incremental"],
                show_progress=options["verbosity"] >= 1,
            )
        except services.RebuildInProgress as exc:
            raise CommandError(str(exc)) from None
        if report.skipped:
            self.stdout.write(
                f"Index {report.version} is up to date ({report.documents} products)."
            )
            return
        rate = report.documents / report.seconds if report.seconds else 0.0
        self.stdout.write(
            f"Published index {report.version}: {report.documents} products in "
            f"{report.seconds:.1f} s ({rate:.0f}/s), {report.embedded} embedded, "
            f"{report.reused} reused."
        )
        if report.degraded_reason:
            self.stderr.write(f"Lexical-only index (search is degraded): {report.degraded_reason}")
