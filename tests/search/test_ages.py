from __future__ import annotations

import math
from typing import Any

import pytest

from search.listing import adult_ages, suits_age
from search.query import QueryVocabulary, parse_query
from search.query.ages import option_months
from shop.catalog.cache import invalidate_catalog_cache
from tests.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    CategoryAttributeFactory,
    CategoryFactory,
    ProductFactory,
)


@pytest.mark.parametrize(
    ("query", "months", "text"),
    [
        ("toys for a 3 year old", 36, "toys"),
        ("toys for a 3-year-old boy", 36, "toys boy"),
        ("gift for a six year old", 72, ""),
        ("lego aged 5", 60, "lego"),
        ("6 month old baby", 6, "baby"),
        ("puzzle 8 yo", 96, "puzzle"),
        ("适合3岁孩子的玩具", 36, "适合 孩子的玩具"),
        ("三周岁宝宝", 36, "宝宝"),
        ("十个月的宝宝", 10, "宝宝"),
        ("12岁以上", 144, ""),
    ],
)
def test_an_age_is_read_in_months(query: str, months: int, text: str) -> None:
    parsed = parse_query(query, QueryVocabulary.empty())

    assert (parsed.age_months, parsed.text) == (months, text)
    assert parsed.as_dict()["age_months"] == months


@pytest.mark.parametrize("query", ["3 year warranty", "保修3个月", "for a 30 year old"])
def test_numbers_that_are_no_childs_age_are_not_read(query: str) -> None:
    assert parse_query(query, QueryVocabulary.empty()).age_months is None


@pytest.mark.parametrize(
    ("value", "label", "months"),
    [
        ("3-5", "3–5 years", (36.0, 72.0)),
        ("0-6m", "0–6 months", (0.0, 6.0)),
        ("0-6m", "0–6个月", (0.0, 6.0)),
        ("12-plus", "12+ years", (144.0, math.inf)),
        ("12-plus", "12岁以上", (144.0, math.inf)),
        ("adult", "Adults", (216, math.inf)),
        ("adult", "成人", (216, math.inf)),
        ("2-4y", "", (24.0, 60.0)),
        ("light", "Light", None),
    ],
)
def test_an_age_option_covers_months(
    value: str, label: str, months: tuple[float, float] | None
) -> None:
    assert option_months(value, label) == months


@pytest.fixture
def toys(db: Any) -> dict[str, Any]:
    age = AttributeFactory(code="age_range", name="Age range")
    for value, label in (("0-2", "0–2 years"), ("3-5", "3–5 years"), ("adult", "Adults")):
        AttributeOptionFactory(attribute=age, value=value, label=label)
    category = CategoryFactory(name="Toys", slug="toys")
    CategoryAttributeFactory(category=category, attribute=age, filterable=True)
    products = {
        value: ProductFactory(
            category=category, title=f"Toy {value}", attributes={"age_range": value}
        )
        for value in ("0-2", "3-5", "adult")
    }
    products["unstated"] = ProductFactory(category=category, title="Toy", attributes={})
    invalidate_catalog_cache()
    return products


def test_suits_age_keeps_the_products_whose_age_option_covers_it(toys: Any) -> None:
    ids = [p.pk for p in toys.values()]

    assert suits_age(ids, 36) == [toys["3-5"].pk]
    assert suits_age(ids, 24) == [toys["0-2"].pk]
    assert suits_age(ids, 20 * 12) == [toys["adult"].pk]
    assert adult_ages() == frozenset({"adult"})


def test_an_age_makes_a_childs_gender_word_no_filter() -> None:
    """ "适合3岁孩子的玩具": 孩子 would read the kids' gender option, which toys seldom state;
    the age already says whom the toy is for. Without an age it is still a filter."""
    from search.query.vocabulary import OptionTerm

    vocabulary = QueryVocabulary.build(
        options=[
            OptionTerm("gender", "kid", ("Kids", "儿童款")),
            OptionTerm("gender", "women", ("Women", "女款")),
        ]
    )

    assert parse_query("适合3岁孩子的玩具", vocabulary).attributes == {}
    assert parse_query("孩子的玩具", vocabulary).attributes == {"gender": ("kid",)}
    assert parse_query("3岁女款玩具", vocabulary).attributes == {"gender": ("women",)}
