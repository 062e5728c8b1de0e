"""Judged queries (search/judgments.py): the file format, the grades, the figures, the command."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from search.judgments import (
    JudgmentsError,
    ProductFacts,
    catalog_facts,
    evaluate,
    judge,
    load_judgments,
    parse_judgments,
)


def facts(pid: int, category: str = "running-shoes", **fields: Any) -> ProductFacts:
    return ProductFacts(
        product_id=pid,
        sku=fields.get("sku", f"SKU-{pid}"),
        category_slugs=(category, fields.get("department", "shoes")),
        brand_slug=fields.get("brand", ""),
        attributes=fields.get("attributes", {}),
        price=Decimal(fields.get("price", "50")),
        title=fields.get("title", "Trail Running Shoe"),
    )


CATALOG = {
    1: facts(1, title="Road Running Shoe", attributes={"color": "red"}, price="90"),
    2: facts(2, title="Trail Running Shoe", attributes={"color": "blue"}, price="120"),
    3: facts(3, "sneakers", title="Court Sneaker", price="70"),
    4: facts(4, "socks", department="apparel", title="Running Socks", price="12"),
    5: facts(5, "headphones", department="electronics", title="Wired Earphones", price="20"),
}
SET = {
    "kinds": {"running-shoes": {"category": "running-shoes"}, "socks": {"title": "Socks"}},
    "cases": [
        {
            "en": "running shoes",
            "zh": "跑鞋",
            "want": ["running-shoes"],
            "also": [{"category": "sneakers"}],
            "forbid": ["socks"],
            "topic": "category",
        },
        {
            "query": "red running shoes under $100",
            "language": "en",
            "want": [{"category": "shoes", "attributes": {"color": ["red"]}, "price_max": 100}],
            "top": 1,
        },
    ],
}


def test_a_product_is_graded_by_want_then_also():
    case = parse_judgments(SET).cases[0]

    assert [case.grade(CATALOG[pid]) for pid in sorted(CATALOG)] == [2, 2, 1, 0, 0]
    assert [case.forbidden(CATALOG[pid]) for pid in sorted(CATALOG)] == [
        False,
        False,
        False,
        True,
        False,
    ]


def test_every_condition_of_a_predicate_must_hold():
    case = parse_judgments(SET).cases[1]

    # The department matches as an ancestor; colour and price both count.
    assert [case.grade(CATALOG[pid]) for pid in (1, 2, 3)] == [2, 0, 0]
    assert case.want[0].describe() == "category shoes, color in red, price <= 100"


def test_a_clean_top_passes_and_its_ndcg_counts_the_grades():
    query = parse_judgments(SET).queries()[0]

    outcome = judge(query, [1, 2, 3, 5], CATALOG)

    assert (outcome.passed, outcome.absurd_first_row, outcome.judged) == (True, False, 3)
    assert outcome.grades == [2, 2, 1, 0]
    # Ideal: 2, 2, 1, 0 from the whole catalog: the list is ideal.
    assert outcome.ndcg == pytest.approx(1.0)


def test_an_unrelated_first_row_is_absurd_and_a_forbidden_one_fails():
    query = parse_judgments(SET).queries()[0]

    absurd = judge(query, [5, 1, 2], CATALOG)
    forbidden = judge(query, [1, 4, 2], CATALOG)

    assert (absurd.passed, absurd.absurd_first_row) == (False, True)
    assert (forbidden.passed, forbidden.forbidden) == (False, ["SKU-4"])
    assert "  2. [x] SKU-4 Running Socks [socks, , 12]" in forbidden.report()
    # DCG of grades 0, 2, 2 against the ideal 2, 2, 1.
    ideal = 3 + 3 / 1.584962500721156 + 1 / 2
    assert absurd.ndcg == pytest.approx((3 / 1.584962500721156 + 3 / 2) / ideal)


def test_a_short_list_without_a_wrong_row_passes_and_an_empty_one_fails():
    query = parse_judgments(SET).queries()[0]

    assert judge(query, [2], CATALOG).passed is True
    assert judge(query, [], CATALOG).passed is False
    assert judge(query, [], CATALOG).absurd_first_row is False


def test_evaluate_reports_pass_rate_absurd_rows_and_the_overlap_of_pairs():
    judged = parse_judgments(SET)
    answers = {"running shoes": [1, 2, 3], "跑鞋": [2, 1, 5], "red running shoes under $100": [3]}

    report = evaluate(judged, lambda text, language: answers[text], CATALOG)
    summary = report.summary()

    # 跑鞋's third row is earphones; the sneaker is no red running shoe.
    assert (summary["queries"], summary["passed"], summary["absurd_first_rows"]) == (3, 1, 1)
    assert summary["by_language"]["zh-hans"]["passed"] == 0
    assert summary["by_topic"]["category"]["queries"] == 2
    assert report.overlaps == [("running shoes", "跑鞋", pytest.approx(2 / 3, abs=1e-4))]
    assert summary["overlap@10"] == pytest.approx(0.6667, abs=1e-4)
    assert [o.query.text for o in report.failures()] == ["跑鞋", "red running shoes under $100"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "expected a mapping with a 'cases' list"),
        ({"cases": [{"en": "x", "want": ["nope"]}]}, "cases[0].want[0]: unknown kind 'nope'"),
        ({"cases": [{"en": "x"}]}, "cases[0]: needs 'want'"),
        (
            {"cases": [{"query": "x", "language": "fr", "want": [{"brand": "b"}]}]},
            "cases[0].language: one of ['en', 'zh-hans'], not 'fr'",
        ),
        ({"cases": [{"en": "x", "want": [{"colour": "red"}]}]}, "unknown condition(s) ['colour']"),
        ({"cases": [{"en": "x", "want": [{"price_max": "cheap"}]}]}, "'cheap' is not a number"),
        ({"cases": [{"en": "x", "want": [{"brand": "b"}], "top": 11}]}, "cases[0].top"),
        ({"cases": [{"en": "x", "want": [{"brand": "b"}], "weight": 1}]}, "unknown key(s)"),
        (
            {"cases": [{"en": "x", "want": [{"brand": "b"}]}, {"en": "x", "want": ["b"]}]},
            "",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_the_case(data: Any, message: str):
    with pytest.raises(JudgmentsError) as error:
        parse_judgments(data)

    assert message in str(error.value)


def test_a_query_judged_twice_is_refused():
    data = {"cases": [{"en": "x", "want": [{"brand": "b"}]}, {"en": "x", "want": [{"brand": "c"}]}]}

    with pytest.raises(JudgmentsError, match="query 'en:x' is judged twice"):
        parse_judgments(data)


def test_load_names_the_file_when_it_is_not_yaml(tmp_path: Path):
    path = tmp_path / "judged.yaml"
    path.write_text("cases: [unclosed", encoding="utf-8")

    with pytest.raises(JudgmentsError, match=f"{path}: not valid YAML"):
        load_judgments(path)
    with pytest.raises(JudgmentsError, match="cannot read"):
        load_judgments(tmp_path / "missing.yaml")


@pytest.mark.django_db
def test_catalog_facts_read_the_category_chain_brand_and_attributes(small_shop: Any):
    products = small_shop["products"]

    found = catalog_facts()

    road = found[products["road"].pk]
    assert (road.sku, road.category_slugs, road.brand_slug) == (
        products["road"].sku,
        ("running-shoes",),
        "stride",
    )
    assert (road.attributes, road.price, road.title) == (
        {"color": "red"},
        Decimal("89.00"),
        "Stride road running shoe",
    )
    assert len(found) == 5


@pytest.mark.django_db
def test_the_command_judges_the_storefront_search(
    build_shop_index: Any, small_shop: Any, tmp_path: Path, capsys: Any
):
    build_shop_index()
    path = tmp_path / "judged.yaml"
    path.write_text(
        "cases:\n"
        "- {en: running shoes, zh: 跑步鞋, want: [{category: running-shoes}], top: 3}\n"
        "- {query: headphones, language: en, want: [{category: headphones}], top: 2}\n",
        encoding="utf-8",
    )

    call_command("eval_judged_search", "--file", str(path), "--json", verbosity=0)

    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[1].split() == ["all", "3", "3", "100.0%", "1.000", "0", "0"]
    assert '"overlap@10": 1.0' in lines[-1]


def test_the_command_refuses_a_bad_file(tmp_path: Path):
    path = tmp_path / "judged.yaml"
    path.write_text("cases: 3\n", encoding="utf-8")

    with pytest.raises(CommandError, match="expected a mapping with a 'cases' list"):
        call_command("eval_judged_search", "--file", str(path))
    with pytest.raises(CommandError, match="--failures must be 0 or more"):
        call_command("eval_judged_search", "--file", str(path), "--failures", "-1")
