"""The demo shop's judged queries (demo/content/search_judgments.yaml) against its search.

The demo shop of DEMO_PRODUCTS products is loaded and indexed once for the module with the
embedder the shop serves (multilingual e5, so Chinese queries are judged as shoppers get them);
every query is one test, and a summary checks that exactly the known failures fail, recording
the pass rate, nDCG@4, absurd first rows and the English/Chinese overlap@10.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import override_settings

from config.settings import base as base_settings
from llm_services.conf import model_dir
from search.judgments import (
    JudgedSet,
    Outcome,
    ProductFacts,
    Query,
    catalog_facts,
    judge,
    load_judgments,
    storefront_search,
)
from tests.utils import skip_unless_available

pytestmark = pytest.mark.slow

# Three rounds of the demo's category cycle (170 products a round): every subcategory has
# 3-12 products, the catalog the file's expectations were checked against.
DEMO_PRODUCTS = 510
JUDGED = load_judgments(django_settings.SEARCH_JUDGMENTS_FILE)
QUERIES = JUDGED.queries()

# Queries the search gets wrong today, by id, with what goes wrong. Strict: a fix turns the
# mark into a failure that asks for its removal.
KNOWN_FAILURES: dict[str, str] = {
    "zh-hans:睡袋": (
        "the baby sleep sack's Chinese title is 婴儿睡袋, a keyword match as good as the camping "
        "sleeping bags"
    ),
    "en:noise cancelling headphones": (
        "feature words are filters only where the catalog's copy ties them to one option (3+"
        " products): 2 headphones of this shop say noise cancelling; a pair without ANC ranks"
        " 4th"
    ),
    "zh-hans:降噪耳机": (
        "feature words are filters only where the catalog's copy ties them to one option (3+"
        " products): 2 headphones of this shop say 降噪; a pair without ANC ranks 4th"
    ),
    "zh-hans:防水徒步靴": (
        "防水 is not learnt as the waterproof option here: 3 of the 6 texts saying it are of "
        "shoes that are not waterproof (麂皮经防水渍处理); a water-resistant shoe ranks 3rd"
    ),
    "zh-hans:防水双肩包": (
        "防水 is not learnt as the waterproof option here (see 防水徒步靴); daypacks that are "
        "not waterproof rank 2nd and 3rd"
    ),
    "zh-hans:小白鞋": (
        "小白鞋 (white sneakers) is slang the catalog never writes: its last part 鞋 (shoe) reads"
        " Shoes, the colour is not read; a tan sneaker and white racing shoes lead"
    ),
    "zh-hans:笔记本电脑支架": (
        "the laptop stand has no Chinese title; a keyboard of the same category comes first"
    ),
    "en:trainers": (
        "a word the catalog never writes; multilingual-e5-small does not tie the single word "
        "to its product type (docs/benchmarks.md); row 1: Scout Training Treats (pet-food)"
    ),
    "en:headset": (
        "a word the catalog never writes; multilingual-e5-small does not tie the single word "
        "to its product type (docs/benchmarks.md); row 3: Fern Classic Beaded Bracelet – "
        "Men's, Rose Gold (bracelets)"
    ),
    "en:rolling luggage": (
        "a word the catalog never writes; multilingual-e5-small does not tie the single word "
        "to its product type (docs/benchmarks.md); row 1: Terminal Roll-Top Backpack – Grey "
        "(backpacks)"
    ),
    "zh-hans:拉杆箱": (
        "a word the catalog never writes; multilingual-e5-small does not tie the single word "
        "to its product type (docs/benchmarks.md); row 1: Terminal Roll-Top Backpack – Grey "
        "(backpacks)"
    ),
    "en:cell phone cover": (
        "a word the catalog never writes; multilingual-e5-small does not tie the single word "
        "to its product type (docs/benchmarks.md); row 2: Prism Braided USB-C Cable (Black) "
        "(phone-accessories)"
    ),
    "zh-hans:蓝牙音响": (
        "a word the catalog never writes; multilingual-e5-small does not tie the single word "
        "to its product type (docs/benchmarks.md); row 4: Brightlark Sonic S True Wireless "
        "Earbuds – Blue (headphones)"
    ),
    "zh-hans:猫抓板": (
        "a word the catalog never writes; multilingual-e5-small does not tie the single word "
        "to its product type (docs/benchmarks.md); row 3: Pawlette Scout Plus Clumping Cat "
        "Litter (cat-supplies)"
    ),
    "en:sweatpants": (
        "a word the catalog never writes, and WordNet's synonym (sweat pants) neither: it is "
        "searched as its broader word, trousers, which the joggers' copy never says; row 1: "
        "Northwend Linnet Classic Wide-Leg Trousers – Women's, Beige (pants)"
    ),
    "zh-hans:运动裤": (
        "a word the catalog never writes; multilingual-e5-small does not tie the single word "
        "to its product type (docs/benchmarks.md); row 1: Calder Tailored Sports Bra – "
        "Women's, Green (activewear)"
    ),
    "zh-hans:TWS 耳机": (
        "TWS is no catalog word; 耳机 lists every headphone and wired earphones lead"
    ),
    "en:something to keep my coffee hot": (
        "a need described, not named: no product of the kind holds the words, and the "
        "embedder's nearest products are not of it; row 1: Stone Well No. 1 Kenya Single-"
        "Origin Coffee – 200 g (coffee)"
    ),
    "en:shoes for the rain": (
        "a need described, not named: no product of the kind holds the words, and the "
        "embedder's nearest products are not of it; row 1: Strideleaf Canyon WX Neutral Road "
        "Running Shoe – Unisex, Black (running-shoes)"
    ),
    "zh-hans:下雨天穿的鞋": (
        "the phrase's head 鞋 reads Shoes, but no shoe's text says rain: running shoes lead "
        "the waterproof boots"
    ),
    "zh-hans:上班装电脑的包": (
        "a need described, not named: no product of the kind holds the words, and the "
        "embedder's nearest products are not of it; row 1: Caravan Packing Cube Set (travel-"
        "accessories)"
    ),
}


def _delete_demo_shop() -> None:
    from django.contrib.auth import get_user_model

    from shop.catalog.models import Attribute, Brand, Category, CategoryAttribute, Product
    from shop.interactions.models import Interaction
    from shop.reviews.models import Review

    Interaction.objects.all().delete()
    Review.objects.all().delete()
    Product.objects.all().delete()
    CategoryAttribute.objects.all().delete()
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
    Attribute.objects.all().delete()
    Brand.objects.all().delete()
    get_user_model().objects.filter(username__startswith="demo_").delete()


@pytest.fixture(scope="module")
def demo_shop(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """The demo shop, written outside any test transaction (deleted afterwards), indexed with
    the served embedder; yields (index folder, facts by product id)."""
    from django.core.cache import cache

    from demo.loader import load_demo_shop
    from search.services import rebuild_shop_index

    embed = copy.deepcopy(base_settings.LLM_MODELS["embed"])
    folder = embed["MODEL"].removeprefix("prepared:")
    skip_unless_available(
        (model_dir() / folder / "manifest.json").is_file(),
        reason=f"{folder} is not prepared (run `manage.py llm_prepare`)",
        required_by="REQUIRE_REAL_MODELS",
    )
    # The served embedder for the whole module: switching it per test would reload it.
    served = override_settings(LLM_MODELS={**django_settings.LLM_MODELS, "embed": embed})
    served.enable()
    index = tmp_path_factory.mktemp("judged") / "search"
    try:
        with django_db_blocker.unblock(), override_settings(SEARCH_INDEX_DIR=index):
            cache.clear()
            try:
                load_demo_shop(products=DEMO_PRODUCTS, customers=1, history=False)
                rebuild_shop_index()
                facts = catalog_facts()
            except BaseException:
                _delete_demo_shop()
                raise
        yield index, facts
        with django_db_blocker.unblock():
            _delete_demo_shop()
            cache.clear()
    finally:
        served.disable()


@pytest.fixture(autouse=True)
def served_search(settings: Any, demo_shop: Any) -> None:
    """Every test here searches the module's index (tests/conftest.py gives each test an
    empty folder of its own)."""
    settings.SEARCH_INDEX_DIR = demo_shop[0]


_results: dict[str, list[int]] = {}


def answer(query: Query, facts: dict[int, ProductFacts]) -> Outcome:
    """Search once per query per session; the summary reuses the per-query results."""
    if query.id not in _results:
        _results[query.id] = storefront_search(query.text, query.language)
    return judge(query, _results[query.id], facts)


def _param(query: Query) -> Any:
    marks = []
    if query.id in KNOWN_FAILURES:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[query.id]))
    return pytest.param(query, id=query.id, marks=marks)


@pytest.mark.django_db
def test_every_expectation_fits_the_demo_catalog(demo_shop: Any) -> None:
    """Each case has as many acceptable products as it judges, its SKUs exist and satisfy
    ``want``, and the set has 200+ queries, half of them Chinese."""
    facts = demo_shop[1]
    by_sku = {product.sku: product for product in facts.values()}
    problems = []
    for case in JUDGED.cases:
        name = " / ".join(text for _, text in case.queries)
        acceptable = sum(1 for product in facts.values() if case.grade(product) >= 1)
        if acceptable < case.top:
            problems.append(f"{name}: judges {case.top}, the catalog has {acceptable}")
        problems += [f"{name}: no active {sku}" for sku in case.skus if sku not in by_sku]
        problems += [
            f"{name}: {sku} is not wanted by its own case"
            for sku in case.skus
            if sku in by_sku and case.want and case.grade(by_sku[sku]) != 2
        ]
    assert problems == []
    assert len(QUERIES) >= 200
    assert sum(query.language == "zh-hans" for query in QUERIES) * 2 >= len(QUERIES)


@pytest.mark.django_db
@pytest.mark.parametrize("query", [_param(query) for query in QUERIES])
def test_judged_query(query: Query, demo_shop: Any) -> None:
    outcome = answer(query, demo_shop[1])
    if not outcome.passed:
        pytest.fail(outcome.report(), pytrace=False)


@pytest.mark.django_db
def test_judged_set_summary(demo_shop: Any, record_property: Any) -> None:
    """Every query passes except the known failures, which all still fail; every absurd
    first row is among them; the figures are recorded."""
    from search.judgments import Report, evaluate

    facts = demo_shop[1]
    report: Report = evaluate(
        JudgedSet(JUDGED.cases), lambda text, language: _cached(text, language), facts
    )
    summary = report.summary()
    record_property("judged_summary", summary)
    failing = {outcome.query.id for outcome in report.failures()}
    absurd = [o.query.id for o in report.outcomes if o.absurd_first_row]
    assert failing == set(KNOWN_FAILURES), summary
    assert set(absurd) <= failing


def _cached(text: str, language: str) -> list[int]:
    key = f"{language}:{text}"
    if key not in _results:
        _results[key] = storefront_search(text, language)
    return _results[key]


def test_the_file_is_the_settings_default() -> None:
    assert Path(django_settings.SEARCH_JUDGMENTS_FILE).name == "search_judgments.yaml"
