"""What a query leaves unread, gift queries, and option words that are part of a product's
name (search/query/parse.py, gifts.py, matching.py)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from search.query import QueryVocabulary, parse_query
from search.query.gifts import rewrite_interest
from search.retrieval import prepare_query
from search.spelling import Speller
from tests.search.test_query import (
    BRANDS,
    CATEGORIES,
    DRESSES,
    HEADPHONES,
    OPTIONS,
    RUNNING,
    TEA,
    TITLES,
)


@pytest.fixture(scope="module")
def vocabulary() -> QueryVocabulary:
    return QueryVocabulary.build(categories=CATEGORIES, brands=BRANDS, options=OPTIONS)


@pytest.mark.parametrize(
    ("query", "unread", "fully_read"),
    [
        ("running shoes", "", True),
        ("跑鞋", "", True),
        ("red running shoes under $100", "", True),
        ("northwend", "", True),
        ("light running shoes", "light", False),
        # "green" stays text beside Tea, whose products have no colour.
        ("green tea", "green", False),
        ("something nice", "something nice", False),
    ],
)
def test_unread_is_what_no_constraint_was_read_from(
    vocabulary: QueryVocabulary, query: str, unread: str, fully_read: bool
):
    parsed = parse_query(query, vocabulary)

    assert (parsed.unread, parsed.fully_read) == (unread, fully_read)


@pytest.mark.parametrize(
    ("query", "recipient", "occasion", "text"),
    [
        ("gift for mum", "women", "", ""),
        ("birthday present for my dad", "men", "birthday", ""),
        ("christmas gift for kids", "kid", "christmas", ""),
        ("baby shower gift", "baby", "baby shower", ""),
        ("gift for a toddler", "kid", "", ""),
        ("送给爸爸的生日礼物", "men", "生日", ""),
        ("给女朋友的情人节礼物", "women", "情人节", ""),
        ("母亲节礼物", "women", "母亲节", ""),
        ("送给她的礼物", "women", "", ""),
        # 他 inside 吉他 (guitar) is nobody.
        ("吉他礼物", "", "", "吉他"),
        ("gift for runners", "", "", "running"),
        ("gift for a tea lover", "", "", "tea"),
        ("送给猫奴的礼物", "", "", "猫"),
    ],
)
def test_a_gift_query_names_its_recipient_and_occasion(
    vocabulary: QueryVocabulary, query: str, recipient: str, occasion: str, text: str
):
    parsed = parse_query(query, vocabulary)

    assert (parsed.gift.recipient, parsed.gift.occasion, parsed.text) == (
        recipient,
        occasion,
        text,
    )


def test_a_query_without_a_gift_word_is_no_gift(vocabulary: QueryVocabulary):
    assert parse_query("running shoes for mum", vocabulary).gift is None
    assert rewrite_interest("table runners") == "table runners"


def test_a_person_named_for_an_interest_becomes_the_interest():
    assert rewrite_interest("gift for cyclists") == "gift for cycling"
    assert rewrite_interest("gift for my brother") == "gift for my brother"
    assert rewrite_interest("跑步爱好者的礼物") == "跑步的礼物"
    # A word of the catalog is searched as it is ("speakers" are products).
    assert rewrite_interest("gift for speakers", known={"speakers"}) == "gift for speakers"


def test_an_option_word_in_a_product_name_of_the_titles_is_no_filter(
    vocabulary: QueryVocabulary,
):
    named = replace(vocabulary, title_phrases=frozenset({("white", "noise")}))

    assert parse_query("white noise machine", named).attributes == {}
    assert parse_query("white noise machine", named).text == "white noise machine"
    assert parse_query("white dress", named).attributes == {"color": ("white",)}
    assert parse_query("white noise machine", vocabulary).attributes == {"color": ("white",)}


@pytest.mark.django_db
def test_title_phrases_come_from_titles_whose_product_lacks_the_option():
    from tests.factories import (
        AttributeFactory,
        AttributeOptionFactory,
        CategoryAttributeFactory,
        CategoryFactory,
        ProductFactory,
    )

    pantry = CategoryFactory(name="Pantry", slug="pantry")
    color = AttributeFactory(code="color", name="Colour")
    AttributeOptionFactory(attribute=color, value="olive", label="Olive", label_zh="橄榄绿")
    AttributeOptionFactory(attribute=color, value="black", label="Black", label_zh="黑色")
    CategoryAttributeFactory(category=pantry, attribute=color, filterable=True)
    ProductFactory(title="Extra Virgin Olive Oil", category=pantry, attributes={})
    ProductFactory(title="Black Tote Bag", category=pantry, attributes={"color": "black"})

    vocabulary = QueryVocabulary.from_catalog(spelling=False)

    assert vocabulary.title_phrases == frozenset({("virgin", "olive"), ("olive", "oil")})


def test_the_reading_is_in_the_api_form(vocabulary: QueryVocabulary):
    data: dict[str, Any] = parse_query("gift for mum", vocabulary).as_dict()

    assert data["gift"] == {"recipient": "women", "occasion": "", "youngest": False}
    assert parse_query("black dress", vocabulary).category_ids == (DRESSES,)
    assert parse_query("跑鞋", vocabulary).category_ids == (RUNNING,)
    assert parse_query("green tea", vocabulary).category_ids == (TEA,)


def test_a_corrected_typo_reads_the_category_the_typo_hid():
    vocabulary = QueryVocabulary.build(
        categories=CATEGORIES, options=OPTIONS, speller=Speller.from_texts(TITLES)
    )

    prepared = prepare_query("hedphones", vocabulary)

    assert prepared.parsed.did_you_mean == "headphones"
    assert (prepared.parsed.category_ids, prepared.parsed.unread) == ((HEADPHONES,), "")
    assert prepare_query("hedphones", vocabulary, understand=False).parsed.category_ids == ()


@pytest.mark.parametrize(
    ("query", "youngest"),
    [
        ("gift for a newborn", True),
        ("送给新生儿的礼物", True),
        ("baby shower gift", True),
        ("gift for a baby", False),
        ("gift for kids", False),
    ],
)
def test_a_newborn_asks_for_the_youngest_age_range(
    vocabulary: QueryVocabulary, query: str, youngest: bool
):
    assert parse_query(query, vocabulary).gift.youngest is youngest
