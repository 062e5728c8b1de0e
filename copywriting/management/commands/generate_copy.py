"""Queue (or run) a copy batch job for a selection of products.

manage.py generate_copy --category tees --missing-only --language zh-hans
manage.py generate_copy --resume 12
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from common.jobs import follow_batch_job
from copywriting import selectors, services
from copywriting.models import Channel, CopyJob, Length, Tone
from shop.catalog.models import Category


class Command(BaseCommand):
    help = (
        "Draft product descriptions for many products: one Celery job on the llm queue "
        "(inline without a broker), idempotent and resumable."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--category", help="Category slug (its subcategories included).")
        parser.add_argument(
            "--language",
            default="en",
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the copy (default en).",
        )
        parser.add_argument(
            "--missing-only",
            action="store_true",
            help="Only products without a description in --language.",
        )
        parser.add_argument("--tone", choices=Tone.values, default=Tone.PROFESSIONAL)
        parser.add_argument("--length", choices=Length.values, default=Length.MEDIUM)
        parser.add_argument(
            "--chunk-size", type=int, default=None, help="Products per model batch."
        )
        parser.add_argument("--limit", type=int, help="At most N products.")
        parser.add_argument(
            "--no-highlights",
            action="store_true",
            help="Descriptions only, without bullet highlights (one generation per product).",
        )
        parser.add_argument("--resume", type=int, metavar="JOB", help="Resume this job instead.")
        parser.add_argument(
            "--no-wait",
            action="store_true",
            help="Queue the job and return (default: follow its progress).",
        )
        parser.add_argument(
            "--inline",
            action="store_true",
            help="Run the job in this process instead of on a worker.",
        )

    def handle(self, *args, **options) -> None:
        if options["resume"]:
            try:
                job = CopyJob.objects.get(pk=options["resume"])
            except CopyJob.DoesNotExist as exc:
                raise CommandError(f"There is no copy job {options['resume']}.") from exc
        else:
            serving, detail = services.generator_state()
            if not serving:
                raise CommandError(f"Copywriting is disabled: the model cannot serve ({detail}).")
            try:
                ids = selectors.products_for_batch(
                    category_slug=options["category"],
                    language=options["language"],
                    missing_only=options["missing_only"],
                )
            except Category.DoesNotExist as exc:
                raise CommandError(f"No category with slug {options['category']!r}.") from exc
            if options["limit"]:
                ids = ids[: options["limit"]]
            if not ids:
                self.stdout.write("No products to draft copy for.")
                return
            request = services.CopyRequest(
                channel=Channel.PRODUCT_PAGE,
                language=options["language"],
                tone=options["tone"],
                length=options["length"],
                highlights=not options["no_highlights"],
            )
            if options["inline"]:
                job = CopyJob.objects.create(
                    field=request.field,
                    channel=request.channel,
                    language=request.language,
                    options=request.options,
                    product_ids=ids,
                    total=len(ids),
                )
            else:
                job = services.start_copy_job(
                    product_ids=ids, request=request, chunk_size=options["chunk_size"]
                )
        verbose = options["verbosity"] >= 1
        began = time.perf_counter()
        if options["inline"] or options["resume"]:
            with tqdm(
                total=job.total, initial=job.cursor, desc=f"job {job.pk}", disable=not verbose
            ) as bar:

                def advance(current: CopyJob) -> None:
                    bar.update(current.cursor - bar.n)

                if options["resume"] and not options["inline"]:
                    job = services.resume_copy_job(job_id=job.pk)
                    if not options["no_wait"]:
                        job = follow_batch_job(job, advance)
                else:
                    job = services.run_copy_job(
                        job.pk, chunk_size=options["chunk_size"], on_progress=advance
                    )
        else:
            self.stdout.write(f"Queued copy job {job.pk} for {job.total} products.")
            if not options["no_wait"]:
                with tqdm(total=job.total, desc=f"job {job.pk}", disable=not verbose) as bar:
                    job = follow_batch_job(job, lambda current: bar.update(current.cursor - bar.n))
        job.refresh_from_db()
        seconds = time.perf_counter() - began
        rate = f", {60 * job.generated / seconds:.1f} drafted/min" if job.generated else ""
        self.stdout.write(
            f"Job {job.pk}: {job.get_status_display()}, {job.cursor}/{job.total} products; "
            f"{job.generated} drafted ({job.flagged} flagged), {job.skipped} already drafted, "
            f"{job.refused} refused; {seconds:.1f} s{rate}."
        )
        if job.status == CopyJob.Status.FAILED:
            raise CommandError(job.error)
