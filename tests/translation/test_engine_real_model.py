"""translate_texts with the real prepared generator (int8 Gemma 3 270M, few-shot), nothing
stubbed. Slow: deselect with -m "not slow".

Skips when the model is not prepared, unless REQUIRE_REAL_MODELS=1 (then it fails).
"""

from __future__ import annotations

import sys

import pytest

from common.text import HAN_CHAR
from tests.llm_services.test_real_models import use_prepared
from translation.engine import translate_texts
from translation.models import TranslatedText

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

CHINESE_TITLES = [
    "小米 充电宝 20000mAh 快充 黑色",
    "女士 纯棉 短袖T恤 白色 XL",
    "罗技 M330 无线静音鼠标",
    "不锈钢保温杯 500ml",
]
ENGLISH_TITLES = [
    "Wireless Bluetooth Headphones, Black",
    "Men's Running Shoes, Size 42",
    "Stainless Steel Water Bottle 750ml",
]


def terms_lost(results):
    return sum(any(c["name"] == "protected_terms" for c in r.checks) for r in results)


def test_real_generator_translates_titles_both_ways(settings):
    """Every title is translated (not degraded, not left in its language); protected terms
    survive in all but at most one title per direction; a repeat comes from the cache."""
    use_prepared(settings, "generate")

    into_english = translate_texts(CHINESE_TITLES, source="zh-hans", target="en", kind="title")
    into_chinese = translate_texts(ENGLISH_TITLES, source="en", target="zh-hans", kind="title")
    again = translate_texts(CHINESE_TITLES[:1], source="zh-hans", target="en", kind="title")

    for result in into_english + into_chinese:
        sys.stderr.write(f"\n{result.source_text} -> {result.text} {result.checks}")
    assert [r.degraded for r in into_english + into_chinese] == [""] * 7
    assert all(r.text for r in into_english + into_chinese)
    assert all(HAN_CHAR.search(r.text) for r in into_chinese)
    assert terms_lost(into_english) <= 1
    assert terms_lost(into_chinese) <= 1
    assert TranslatedText.objects.count() == 7
    assert (again[0].cached, again[0].text) == (True, into_english[0].text)
