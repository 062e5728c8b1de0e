"""A synonym the catalog writes for a word it does not (search.synonyms)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from search import services
from search.selectors import SearchParams, search_catalog
from search.synonyms import written_hypernym, written_synonym
from tests.factories import CategoryFactory, ProductFactory, ProductTranslationFactory


def add_product(category: str, title: str) -> Any:
    """A product of a new category, the shop's index rebuilt."""
    product = ProductFactory(
        category=CategoryFactory(name=category, slug=category.lower()), title=title
    )
    services.rebuild_shop_index()
    return product


def no_category_read(monkeypatch: Any) -> None:
    """The embedder reads no category from any word (the test embedder is English-only)."""
    monkeypatch.setattr("search.ranking.read_category", lambda *_args, **_kwargs: None)


@pytest.fixture
def kitchen(small_shop: dict[str, Any]) -> dict[str, Any]:
    appliances = CategoryFactory(name="Kitchen appliances", slug="kitchen-appliances")
    cooker = ProductFactory(
        category=appliances,
        title="Fennel rice cooker",
        description="Cooks rice and keeps it warm.",
        price=Decimal("59.00"),
    )
    ProductTranslationFactory(product=cooker, title="Fennel 电饭煲", description="煮饭保温。")
    services.rebuild_shop_index()
    return {**small_shop, "cooker": cooker}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "language", "category", "title", "synonym", "label"),
    [
        # "Rucksack" is no word of the shop's; WordNet's synonym "backpack" is, of one kind.
        (
            "rucksack",
            "en",
            "Luggage",
            "Terra hiking backpack",
            "backpack",
            "“rucksack” searched as “backpack”",
        ),
        # The speller would read "purse" as "pulse", a speaker's name; WordNet's first
        # synonym, "bag", is what this shop calls it (its category's name, of one kind).
        ("purse", "en", "Bags", "Porter leather handbag", "bag", "“purse” searched as “bag”"),
        # 杯子 is "cup"; the catalog writes it in English only, and the chip says so.
        ("杯子", "zh-hans", "Drinkware", "Cairn travel cup", "cup", "“杯子”按英文“cup”搜索"),
    ],
)
def test_a_synonym_the_catalog_writes_is_searched_instead_of_a_spelling_correction(
    small_shop: dict[str, Any],
    monkeypatch: Any,
    query: str,
    language: str,
    category: str,
    title: str,
    synonym: str,
    label: str,
) -> None:
    no_category_read(monkeypatch)
    ProductFactory(category=small_shop["audio"], title="Pulse portable speaker")
    product = add_product(category, title)

    with translation.override(language):
        result = search_catalog(SearchParams(query=query))

    assert result.parsed.synonym == synonym
    assert result.parsed.did_you_mean is None
    assert result.applied == [{"kind": "synonym", "label": label}]
    assert result.product_ids == [product.pk]


@pytest.mark.django_db
def test_a_chinese_words_dictionary_sense_is_searched_as_the_catalogs_chinese_word(
    kitchen: dict[str, Any], monkeypatch: Any
) -> None:
    """电饭锅 is "electric rice cooker"; the catalog writes "rice cooker", in Chinese 电饭煲."""
    no_category_read(monkeypatch)

    result = search_catalog(SearchParams(query="电饭锅"))

    assert result.parsed.synonym == "电饭煲"
    assert result.product_ids == [kitchen["cooker"].pk]


@pytest.mark.django_db
def test_no_synonym_for_a_word_the_catalog_writes_or_one_of_no_written_synonym(
    kitchen: dict[str, Any],
) -> None:
    index = services.index_holder().get()

    assert written_synonym(index, "headphones") == ""  # the catalog's own word
    assert written_synonym(index, "rucksack") == ""  # backpack: not sold here
    assert written_synonym(index, "happiness") == ""  # no product at all


@pytest.mark.django_db
def test_a_broader_word_counts_only_where_it_names_one_kind(kitchen: dict[str, Any]) -> None:
    """A "biro" is a pen: no product says pen. "Sweatpants" are trousers: none either. A
    broader word said of products of several kinds is no answer: "shoe" of the earbuds'
    running copy would do, but only one category's products say it here."""
    index = services.index_holder().get()

    assert written_hypernym(index, "biro") == ""
    assert written_hypernym(index, "sneaker") == "shoe"
    assert written_hypernym(index, "headphones") == ""  # written: no broader word needed
