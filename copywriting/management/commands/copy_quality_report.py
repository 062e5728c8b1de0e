"""Draft copy for products of the current shop (nothing stored or applied) and report its quality.

manage.py copy_quality_report --language zh-hans --limit 40
manage.py copy_quality_report --category running-shoes --json --output /tmp/drafts.jsonl
manage.py copy_quality_report --channel banner --tone playful --language zh-hans
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from copywriting import conf, selectors, services
from copywriting.exceptions import CopyRefused, CopywritingUnavailable
from copywriting.models import Channel, Field, Tone
from copywriting.output import parts_text
from copywriting.quality import summarise
from llm_services import LLMError
from shop.catalog.models import Category, Product


class Command(BaseCommand):
    help = (
        "Draft copy (the product page, or a marketing channel) for N products of the shop as "
        "the batch job would (greedy, few-shot or the active fine-tuned model, every check), "
        "store nothing, and report the "
        "share flagged by check, repeating itself, copying 8+ words from other copy, the mean "
        "length and drafts per minute. The last line is JSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--language",
            default="en",
            choices=[code for code, _name in settings.LANGUAGES],
            help="Language of the copy (default en).",
        )
        parser.add_argument("--limit", type=int, default=40, help="Products (default 40).")
        parser.add_argument(
            "--channel",
            default=Channel.PRODUCT_PAGE,
            choices=Channel.values,
            help="What to draft (default product_page: description and highlights).",
        )
        parser.add_argument(
            "--tone", default=Tone.PROFESSIONAL, choices=Tone.values, help="Default professional."
        )
        parser.add_argument("--category", help="Category slug (its subcategories included).")
        parser.add_argument(
            "--chunk-size", type=int, default=None, help="Products per model batch."
        )
        parser.add_argument(
            "--no-highlights", action="store_true", help="Descriptions only, no highlights."
        )
        parser.add_argument("--json", action="store_true", help="Print only the JSON line.")
        parser.add_argument(
            "--output",
            help=(
                "Also write each draft as a JSON line (product, language, channel, text, the "
                "model's generated_text before any cut, and its checks)."
            ),
        )

    def handle(self, *args, **options) -> None:
        if options["limit"] < 1:
            raise CommandError("--limit must be at least 1.")
        language = options["language"]
        try:
            ids = selectors.products_for_batch(category_slug=options["category"])
        except Category.DoesNotExist as exc:
            raise CommandError(f"No category with slug {options['category']!r}.") from exc
        if not ids:
            raise CommandError("The shop has no active products to draft for.")
        # Evenly spaced over the catalog (ids run category by category): every kind of product.
        step = max(1, len(ids) // options["limit"])
        ids = ids[::step][: options["limit"]]
        output = Path(options["output"]) if options["output"] else None
        if output is not None and not output.parent.is_dir():
            raise CommandError(f"No folder {output.parent} for --output.")
        try:
            generator = services.get_generator()
        except CopywritingUnavailable as exc:
            raise CommandError(str(exc)) from exc
        channel = options["channel"]
        request = services.CopyRequest(
            field=Field.DESCRIPTION if channel == Channel.PRODUCT_PAGE else Field.MARKETING,
            channel=channel,
            language=language,
            tone=options["tone"],
            highlights=not options["no_highlights"],
        )
        chunk = options["chunk_size"] or conf.get("BATCH_SIZE")
        vocabulary = selectors.catalog_vocabulary()
        products = Product.objects.select_related("category", "brand").in_bulk(ids)
        drafts: list[dict] = []
        refused = 0
        began = time.perf_counter()
        finetuned = generator.version is not None
        with tqdm(total=len(ids), desc="drafts", disable=options["json"]) as bar:
            for start in range(0, len(ids), chunk):
                items = []
                for pk in ids[start : start + chunk]:
                    try:
                        items.append(
                            services.prepare_for_product(products[pk], request, finetuned=finetuned)
                        )
                    except CopyRefused:
                        refused += 1
                try:
                    generated = services.generate_parts(
                        generator.backend, items, vocabulary=vocabulary
                    )
                except LLMError as exc:
                    raise CommandError(f"The model failed: {exc}") from exc
                for item, result in zip(items, generated, strict=True):
                    finished = services.finish_parts(
                        item,
                        result.parts,
                        vocabulary=vocabulary,
                        others=item.others,
                        voice=services.shop_voice(item),
                    )
                    drafts.append(
                        {
                            "product": item.facts.product_id,
                            "language": language,
                            "channel": channel,
                            "text": parts_text(request.channel, finished.parts, language),
                            "generated_text": parts_text(
                                request.channel, finished.raw_parts, language
                            ),
                            "checks": finished.checks,
                        }
                    )
                bar.update(len(items) + (len(ids[start : start + chunk]) - len(items)))
        seconds = time.perf_counter() - began
        summary = summarise(
            [(d["text"], d["checks"]) for d in drafts], language=language, seconds=seconds
        )
        if output is not None:
            with output.open("w", encoding="utf-8") as handle:
                for draft in drafts:
                    row = dict(draft)
                    row["checks"] = [
                        {k: c[k] for k in ("check", "severity", "message")} for c in draft["checks"]
                    ]
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        figures = {**summary.as_dict(), "channel": channel}
        if not options["json"]:
            model = f"fine-tuned version {generator.version}" if finetuned else "few-shot base"
            self.stdout.write(
                f"{summary.items} {channel} drafts in {language} ({model}, {request.tone}), "
                f"{refused} products refused "
                f"(no facts), {seconds:.1f} s"
            )
            rows = [
                ("flagged", summary.flagged_share),
                *((f"  {check}", share) for check, share in sorted(summary.by_check.items())),
                ("repeats a sentence, clause or run", summary.repetition_share),
                ("copies 8+ words from other copy", summary.copy_share),
            ]
            for label, share in rows:
                self.stdout.write(f"{label:<36} {share:>7.1%}")
            self.stdout.write(
                f"{'mean length (words; zh: characters)':<36} {summary.mean_length:>7.1f}"
            )
            self.stdout.write(f"{'drafts per minute':<36} {summary.per_min or 0:>7.1f}")
        self.stdout.write(json.dumps(figures, ensure_ascii=False))
