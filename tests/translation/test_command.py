"""manage.py translate_products: drafts for the products a language lacks, as one job."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from shop.catalog.models import Product
from tests.factories import ProductFactory, ProductTranslationFactory
from tests.translation.engine_stub import fake_engine_fixture  # noqa: F401
from translation.models import TranslationDraft, TranslationJob

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("translate_products", *args, stdout=out, verbosity=0)
    return out.getvalue()


def test_missing_drafts_every_active_product_without_the_language(fake_engine):
    lacking = ProductFactory(title="Wool socks")
    ProductTranslationFactory(product=ProductFactory(title="Linen shirt"))  # has Chinese
    ProductFactory(title="Old lamp", status=Product.Status.DRAFT)  # not on sale
    ProductFactory(title="蓝牙耳机", language="zh-hans")  # written in Chinese

    output = run("--language", "zh-hans", "--missing", "--inline")

    job = TranslationJob.objects.get()
    assert (job.product_ids, job.status, job.translated) == ([lacking.pk], "done", 1)
    draft = TranslationDraft.objects.get()
    assert (draft.product_id, draft.target_language, draft.status) == (
        lacking.pk,
        "zh-hans",
        "draft",
    )
    assert draft.fields["title"] == "[zh-hans] Wool socks"
    assert f"Job {job.pk}: Done, 1/1 products; 1 drafted (0 flagged), 0 skipped" in output


def test_a_second_run_drafts_nothing_new(fake_engine):
    product = ProductFactory(title="Wool socks")

    run("--language", "zh-hans", "--product", str(product.pk), "--inline")
    run("--language", "zh-hans", "--product", str(product.pk), "--inline")

    assert TranslationDraft.objects.count() == 1
    assert list(TranslationJob.objects.order_by("pk").values_list("translated", "skipped")) == [
        (1, 0),
        (0, 1),
    ]


def test_nothing_to_translate_says_so():
    assert run("--language", "zh-hans", "--missing") == "No products to translate into zh-hans.\n"
    assert TranslationJob.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--missing"], "--language is required (or --resume JOB)."),
        (["--language", "en"], "Name products with --product ID or ask for --missing."),
        (["--resume", "999"], "There is no translation job 999."),
        (
            ["--language", "en", "--missing", "--chunk-size", "0"],
            "--chunk-size must be at least 1.",
        ),
    ],
)
def test_bad_arguments_are_refused(args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(*args)
    assert TranslationJob.objects.count() == 0
