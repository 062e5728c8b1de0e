"""``manage.py eval_judged_search [--file F] [--language en|zh-hans] [--topic T] [--json]``:
the storefront search on judged queries about the shop's own catalog (search/judgments.py).

Runs every query of the file (default ``SEARCH_JUDGMENTS_FILE``, the demo shop's set) as a
shopper would on a page in the query's language, grades the top rows and prints the pass
rate, nDCG@4, absurd first rows and the English/Chinese overlap@10, by language and by topic,
then the failures (``--failures N`` of them, with their rows). Nothing is written.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from search.judgments import (
    LANGUAGES,
    JudgedSet,
    JudgmentsError,
    catalog_facts,
    evaluate,
    load_judgments,
    storefront_search,
)


class Command(BaseCommand):
    help = "Judge the storefront search on a file of graded queries about this shop's catalog."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            type=Path,
            default=Path(settings.SEARCH_JUDGMENTS_FILE),
            help="The judged queries (default: %(default)s).",
        )
        parser.add_argument("--language", choices=LANGUAGES, help="Only this language's queries.")
        parser.add_argument("--topic", help="Only the cases of this topic.")
        parser.add_argument(
            "--failures", type=int, default=10, help="Failures to print with their rows."
        )
        parser.add_argument("--json", action="store_true", help="End with one JSON line.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["failures"] < 0:
            raise CommandError("--failures must be 0 or more.")
        try:
            judged = load_judgments(options["file"])
        except JudgmentsError as error:
            raise CommandError(str(error)) from None
        judged = self._select(judged, options["language"], options["topic"])
        facts = catalog_facts()
        if not facts:
            raise CommandError("The catalog has no active products to judge.")
        report = evaluate(
            judged,
            storefront_search,
            facts,
            progress=lambda queries: tqdm(
                list(queries), desc="queries", disable=options["verbosity"] < 1
            ),
        )
        summary = report.summary()
        self._table(summary)
        for outcome in report.failures()[: options["failures"]]:
            self.stdout.write("\n" + outcome.report())
        if options["json"]:
            self.stdout.write(json.dumps({"file": str(options["file"]), **summary}))

    def _select(self, judged: JudgedSet, language: str | None, topic: str | None) -> JudgedSet:
        cases = []
        for case in judged.cases:
            if topic and case.topic != topic:
                continue
            queries = tuple(q for q in case.queries if not language or q[0] == language)
            if queries:
                cases.append(replace(case, queries=queries))
        if not cases:
            raise CommandError("No judged query matches --language/--topic.")
        return JudgedSet(tuple(cases), judged.path)

    def _table(self, summary: dict[str, Any]) -> None:
        rows = [("all", summary)]
        rows += [(f"language {k}", v) for k, v in summary["by_language"].items() if v["queries"]]
        rows += [(f"topic {k or '-'}", v) for k, v in summary["by_topic"].items()]
        self.stdout.write(
            f"{'':24} {'queries':>7} {'passed':>7} {'rate':>6} {'nDCG@4':>7} "
            f"{'absurd 1st':>10} {'empty':>5}"
        )
        for label, row in rows:
            self.stdout.write(
                f"{label:24} {row['queries']:7d} {row['passed']:7d} {row['pass_rate']:6.1%} "
                f"{row['ndcg@4']:7.3f} {row['absurd_first_rows']:10d} {row['empty']:5d}"
            )
        if summary["overlap@10"] is not None:
            self.stdout.write(
                f"English/Chinese overlap@10 over {summary['pairs']} pairs: "
                f"{summary['overlap@10']:.3f}"
            )
