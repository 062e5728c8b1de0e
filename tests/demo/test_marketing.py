"""The marketing copy the demo merchant has approved: examples for drafting marketing copy."""

import re
from collections import Counter
from datetime import UTC, datetime

import pytest

from common.text import CHINESE
from copywriting import conf
from copywriting.models import CopyDraft
from demo import loader
from demo.products import build_products, has_translation
from demo.reader import MARKETING_PARTS
from demo.write_catalog import MARKETING_EVERY, MARKETING_SOURCE

NOW = datetime(2025, 3, 1, tzinfo=UTC)
CHANNELS = ["banner", "email", "seo", "social"]

pytestmark = pytest.mark.django_db


def test_one_product_in_three_has_approved_copy_for_every_channel_in_both_languages():
    loader.load_demo_shop(products=12, history=False, now=NOW)

    drafts = CopyDraft.objects.select_related("product")
    by_product = Counter((d.product.sku, d.language) for d in drafts)
    assert MARKETING_EVERY == 3
    assert sorted({d.product.sku[-5:] for d in drafts}) == ["00001", "00004", "00007", "00010"]
    assert all(count == 4 for count in by_product.values())
    assert len(by_product) == sum(1 + has_translation(i) for i in (0, 3, 6, 9))
    assert {(d.status, d.field, d.prompt_version) for d in drafts} == {
        ("approved", "marketing", MARKETING_SOURCE)
    }
    assert sorted({d.channel for d in drafts}) == CHANNELS


def test_every_part_has_copy_within_its_length_limit():
    limits = conf.get("LENGTH_LIMITS")
    specs = build_products(count=300, seed=loader.DEFAULT_SEED)[::MARKETING_EVERY]

    for spec in specs:
        for language, text in (("en", spec.en), (CHINESE, spec.zh)):
            if text is None:
                continue
            assert set(text.marketing) == set(MARKETING_PARTS), spec.sku
            for part, line in text.marketing.items():
                assert 0 < len(line) <= conf.per_language(limits[part], language), (part, line)
                assert not re.search(r"[{}]", line), line


def test_reloading_replaces_the_demo_copy_and_keeps_the_merchants_own():
    loader.load_demo_shop(products=4, history=False, now=NOW)
    first = CopyDraft.objects.first()
    own = CopyDraft.objects.create(
        product=first.product,
        field="marketing",
        channel="banner",
        language="en",
        prompt_version="copywriting-marketing-v2",
        model_alias="generate",
        input_hash="h",
        text="Merchant's own",
        status="approved",
    )
    count = CopyDraft.objects.count()

    loader.load_demo_shop(products=4, history=False, now=NOW)

    assert CopyDraft.objects.count() == count
    assert CopyDraft.objects.filter(pk=own.pk).exists()
    assert not CopyDraft.objects.filter(pk=first.pk).exists()
