"""Machine-translate products into one language: drafts for a merchant to approve.

manage.py translate_products --language zh-hans --missing
manage.py translate_products --language en --product 12 --product 13 --inline
manage.py translate_products --resume 7
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from common.jobs import follow_batch_job
from translation import selectors, services
from translation.models import TranslationJob


class Command(BaseCommand):
    help = (
        "Machine-translate products into one language as drafts awaiting approval: one Celery "
        "job on the llm queue (inline without a broker), idempotent and resumable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--language", choices=services.TARGET_LANGUAGES)
        parser.add_argument(
            "--missing",
            action="store_true",
            help="Every active product with no text in --language.",
        )
        parser.add_argument(
            "--product", type=int, action="append", default=[], metavar="ID", help="Repeatable."
        )
        parser.add_argument("--limit", type=int, help="At most N products.")
        parser.add_argument("--chunk-size", type=int, default=None, help="Products per chunk.")
        parser.add_argument("--resume", type=int, metavar="JOB", help="Resume this job instead.")
        parser.add_argument(
            "--inline", action="store_true", help="Run the job in this process, not on a worker."
        )
        parser.add_argument(
            "--no-wait", action="store_true", help="Queue the job and return (default: follow)."
        )

    def handle(self, *args, **options) -> None:
        if options["chunk_size"] is not None and options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        if options["resume"]:
            try:
                job = TranslationJob.objects.get(pk=options["resume"])
            except TranslationJob.DoesNotExist as exc:
                raise CommandError(f"There is no translation job {options['resume']}.") from exc
            if not options["inline"]:
                job = services.resume_job(job_id=job.pk)
        else:
            job = self.create(options)
            if job is None:
                return
        verbose = options["verbosity"] >= 1
        began = time.perf_counter()
        with tqdm(
            total=job.total, initial=job.cursor, desc=f"job {job.pk}", disable=not verbose
        ) as bar:

            def advance(current: TranslationJob) -> None:
                bar.update(current.cursor - bar.n)

            if options["inline"]:
                job = services.run_job(
                    job.pk, chunk_size=options["chunk_size"], on_progress=advance
                )
            elif options["no_wait"]:
                self.stdout.write(f"Queued translation job {job.pk} for {job.total} products.")
                return
            else:
                job = follow_batch_job(job, advance)
        job.refresh_from_db()
        seconds = time.perf_counter() - began
        self.stdout.write(
            f"Job {job.pk}: {job.get_status_display()}, {job.cursor}/{job.total} products; "
            f"{job.translated} drafted ({job.flagged} flagged), {job.skipped} skipped; "
            f"{seconds:.1f} s. Drafts wait for approval in the admin (Machine translation > "
            "Translation drafts)."
        )
        if job.status == TranslationJob.Status.FAILED:
            raise CommandError(job.error)

    def create(self, options: dict) -> TranslationJob | None:
        language = options["language"]
        if not language:
            raise CommandError("--language is required (or --resume JOB).")
        if not options["missing"] and not options["product"]:
            raise CommandError("Name products with --product ID or ask for --missing.")
        ids = list(options["product"])
        if options["missing"]:
            ids += selectors.products_missing_language(language)
        ids = list(dict.fromkeys(ids))
        if options["limit"]:
            ids = ids[: options["limit"]]
        if not ids:
            self.stdout.write(f"No products to translate into {language}.")
            return None
        try:
            if options["inline"]:
                return TranslationJob.objects.create(
                    target_language=language, product_ids=ids, total=len(ids)
                )
            return services.request_translation(product_ids=ids, target_language=language)
        except services.TranslationError as exc:
            raise CommandError(str(exc)) from exc
