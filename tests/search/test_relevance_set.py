"""The bilingual relevance set (tests/search/relevance_demo.py) run against the demo shop.

The demo shop is loaded and indexed once for the module; every case is one test, and a summary
test checks that exactly the cases marked as known failures fail, with the pass rate and the
mean precision@10 of the predicates in its output.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import translation

from tests.search.relevance_demo import CASES, DEMO_PRODUCTS, TOP, Case, ProductFacts

# Cases the search gets wrong today, by id, with what goes wrong. They stay in the set so
# the lead sees them; strict xfail turns a fix into a failure that asks to remove the mark.
# In tests the "embed" model is all-MiniLM-L6-v2, declared English-only, so Chinese queries
# are answered by BM25 alone; the served multilingual e5 reads them.
KNOWN_FAILURES: dict[str, str] = {
    "zh-hans:适合跑步的鞋子": (
        "4 results, 3 of them running shoes: '鞋子' is not a catalog word (the catalog says "
        "鞋/跑鞋/鞋靴), so only '适合' and '跑步' match, and the English-only test embedder is "
        "not asked a Chinese query (the served multilingual e5 is)"
    ),
    "en:gift for runners": (
        "the top 10 of 48 are all jewellery, wallets and watches (their copy says 'gift'); "
        "'runners' stems to 'runner', which matches neither 'running' nor 'run', so no "
        "running shoe or running tee is found"
    ),
}


@dataclass
class Outcome:
    case: Case
    top: list[ProductFacts]
    total: int
    satisfying: int
    # How many active products satisfy the predicate: the most the top 10 can hold.
    available: int
    missing_skus: list[str]

    @property
    def passed(self) -> bool:
        return self.satisfying >= self.case.at_least and not self.missing_skus

    @property
    def precision(self) -> float:
        return self.satisfying / TOP

    @property
    def reachable_precision(self) -> float:
        """Precision@10 against the best a catalog with few such products allows."""
        return self.satisfying / min(TOP, self.available)

    def report(self) -> str:
        lines = [
            f"query {self.case.query!r} ({self.case.language}): {self.case.intent}",
            f"expected at least {self.case.at_least} of the top {TOP} with "
            f"{self.case.want.describe()}; got {self.satisfying}",
        ]
        if self.case.skus:
            lines.append(f"expected SKUs {list(self.case.skus)}; missing {self.missing_skus}")
        lines.append(f"top {TOP} of {self.total}:")
        for position, product in enumerate(self.top, 1):
            mark = "+" if self.case.want(product) else "-"
            lines.append(
                f"  {position:2d}. {mark} {product.sku} {product.title} "
                f"[{product.category_slugs[0]}, {product.brand_slug}, {product.price}]"
            )
        return "\n".join(lines)


def _facts() -> dict[int, ProductFacts]:
    from shop.catalog.models import Category, Product

    categories = {c.pk: c for c in Category.objects.all()}

    def slugs(category_id: int | None) -> tuple[str, ...]:
        found = []
        while category_id is not None and category_id in categories:
            found.append(categories[category_id].slug)
            category_id = categories[category_id].parent_id
        return tuple(found)

    return {
        product.pk: ProductFacts(
            sku=product.sku,
            category_slugs=slugs(product.category_id),
            brand_slug=product.brand.slug if product.brand else "",
            attributes=product.attributes or {},
            price=product.price,
            title=product.title,
        )
        for product in Product.objects.active().select_related("brand")
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
def demo_index(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """The demo shop of DEMO_PRODUCTS products, written outside any test transaction (and
    deleted afterwards), and its search index; yields (index folder, facts by product id)."""
    from django.core.cache import cache

    from demo.loader import load_demo_shop
    from search.services import rebuild_shop_index

    folder = tmp_path_factory.mktemp("relevance") / "search"
    with django_db_blocker.unblock(), override_settings(SEARCH_INDEX_DIR=folder):
        cache.clear()
        try:
            load_demo_shop(products=DEMO_PRODUCTS, customers=1, history=False)
            rebuild_shop_index()
            facts = _facts()
        except BaseException:
            _delete_demo_shop()
            raise
    yield folder, facts
    with django_db_blocker.unblock():
        _delete_demo_shop()
        cache.clear()


@pytest.fixture(autouse=True)
def search_index_dir(settings: Any, demo_index: Any) -> Path:
    """Every test here searches the module's index (tests/search/conftest.py gives each test
    an empty folder of its own)."""
    settings.SEARCH_INDEX_DIR = demo_index[0]
    return demo_index[0]


_outcomes: dict[str, Outcome] = {}


def run_case(case: Case, facts: dict[int, ProductFacts]) -> Outcome:
    """Search once per case per session; the summary reuses the per-case results."""
    from search.selectors import SearchParams, search_catalog

    if case.id not in _outcomes:
        with translation.override(case.language):
            result = search_catalog(SearchParams(query=case.query))
        top = [facts[pid] for pid in result.product_ids[:TOP]]
        skus = {product.sku for product in top}
        _outcomes[case.id] = Outcome(
            case=case,
            top=top,
            total=result.total,
            satisfying=sum(1 for product in top if case.want(product)),
            available=sum(1 for product in facts.values() if case.want(product)),
            missing_skus=[sku for sku in case.skus if sku not in skus],
        )
    return _outcomes[case.id]


def _param(case: Case) -> Any:
    marks = []
    if case.id in KNOWN_FAILURES:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[case.id]))
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.django_db
def test_every_expectation_fits_the_demo_catalog(demo_index: Any) -> None:
    """Each case asks for no more products than the catalog holds, names existing SKUs, and
    the set has at least 40 queries, 18 or more in each language."""
    facts = demo_index[1]
    by_sku = {product.sku: product for product in facts.values()}
    problems = []
    for case in CASES:
        available = sum(1 for product in facts.values() if case.want(product))
        if min(available, TOP) < case.at_least:
            problems.append(f"{case.id}: wants {case.at_least}, catalog has {available}")
        problems += [f"{case.id}: no active {sku}" for sku in case.skus if sku not in by_sku]
        problems += [
            f"{case.id}: {sku} does not satisfy its own predicate"
            for sku in case.skus
            if sku in by_sku and case.at_least and not case.want(by_sku[sku])
        ]
    assert problems == []
    assert len({case.id for case in CASES}) == len(CASES)
    assert len(CASES) >= 40
    assert sum(case.language == "en" for case in CASES) >= 18
    assert sum(case.language == "zh-hans" for case in CASES) >= 18


@pytest.mark.django_db
@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_relevance(case: Case, demo_index: Any) -> None:
    outcome = run_case(case, demo_index[1])
    if not outcome.passed:
        pytest.fail(outcome.report(), pytrace=False)


@pytest.mark.django_db
def test_relevance_summary(demo_index: Any, record_property: Any) -> None:
    """Every case passes except the known failures, which all still fail; the pass rate and
    the mean precision@10 of the predicates are recorded."""
    outcomes = [run_case(case, demo_index[1]) for case in CASES]
    passed = sum(outcome.passed for outcome in outcomes)
    judged = [outcome for outcome in outcomes if outcome.case.at_least]
    mean_precision = sum(outcome.precision for outcome in judged) / len(judged)
    mean_reachable = sum(outcome.reachable_precision for outcome in judged) / len(judged)
    summary = (
        f"{passed}/{len(outcomes)} queries pass ({passed / len(outcomes):.0%}); "
        f"mean precision@{TOP} of the predicates {mean_precision:.3f} "
        f"({mean_reachable:.3f} of what the catalog allows)"
    )
    record_property("relevance_summary", summary)
    failing = {outcome.case.id for outcome in outcomes if not outcome.passed}
    assert failing == set(KNOWN_FAILURES), summary
