"""A product type the catalog never writes, read with the embedder (search.category_reading)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from search import category_reading
from search.category_reading import CategoryNames, calibrate
from search.selectors import SearchParams, search_catalog
from tests.factories import CategoryFactory


def unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float32)
    return vector / np.linalg.norm(vector)


# Watches (1) sits under Jewellery (2); Headphones (3) is apart. Chinese rows repeat English.
AXES = {1: unit(1, 0, 0), 2: unit(1, 0.5, 0), 3: unit(0, 0, 1)}
NAMES = CategoryNames(
    ids=(1, 2, 3),
    parents={1: 2, 2: None, 3: None},
    names={1: {"en": "Watches", "zh": "腕表"}, 2: {"en": "Jewellery", "zh": "珠宝"}, 3: {}},
    vectors=np.vstack([AXES[1], AXES[2], AXES[3]] * 2),
    revision="r",
    threshold=0.9,
)


@pytest.mark.parametrize(
    ("vector", "expected"),
    [
        (unit(1, 0.05, 0), 1),  # nearest Watches; its parent Jewellery is no rival
        (unit(1, 0, 0.9), None),  # Watches and Headphones alike: no margin
        (unit(1, 0, 1.2), None),  # nearest Headphones, but below the threshold
        (unit(0, 0.05, 1), 3),
    ],
)
def test_the_nearest_category_is_read_when_near_and_clear_of_unrelated_ones(vector, expected):
    assert NAMES.read(vector) == expected


@pytest.mark.parametrize(
    ("senses", "expected"),
    [
        ([unit(1, 0.05, 0)], 1),
        ([unit(1, 0.05, 0), unit(1, 0, 1.2)], 1),  # the second names none
        ([unit(1, 0.05, 0), unit(0, 0.05, 1)], None),  # they name different ones
        ([unit(1, 0, 1.2)], None),
    ],
)
def test_senses_are_read_each_on_its_own_and_must_agree(senses, expected):
    assert NAMES.read_senses(np.vstack(senses)) == expected


def test_the_words_own_reading_comes_before_its_senses(monkeypatch):
    monkeypatch.setattr(category_reading, "category_names", lambda: NAMES)
    read = category_reading.read_category

    assert read("耳环", unit(0, 0.05, 1), [unit(1, 0.05, 0)], "r") == 3
    assert read("耳环", unit(1, 0, 0.9), [unit(1, 0.05, 0)], "r") == 1  # no margin: senses
    assert read("耳环", None, [unit(1, 0.05, 0)], "r") == 1  # English-only embedder
    assert read("耳环", None, [], "r") is None
    assert read("耳环", unit(0, 0.05, 1), [], "other revision") is None


def test_a_compounds_head_senses_count_where_the_word_itself_lies_nearest(monkeypatch):
    monkeypatch.setattr(category_reading, "category_names", lambda: NAMES)
    read = category_reading.read_category
    # The word is nearest Jewellery (no reading of its own), its head's sense reads Watches,
    # Jewellery's child; nearest Headphones, the head's Watches does not count.
    near_jewellery, near_headphones = unit(1, 0.7, 0.9), unit(0.5, 0, 1)

    assert read("玫瑰金表", near_jewellery, [unit(1, 0.05, 0)], "r", of_head=True) == 1
    assert read("猫抓板", near_headphones, [unit(1, 0.05, 0)], "r", of_head=True) is None
    assert read("猫抓板", None, [unit(1, 0.05, 0)], "r", of_head=True) is None


def test_no_threshold_reads_nothing():
    names = CategoryNames(NAMES.ids, NAMES.parents, NAMES.names, NAMES.vectors, "r", None)

    assert names.read(AXES[1]) is None


def test_calibration_takes_the_lowest_threshold_its_readings_are_precise_at(monkeypatch):
    monkeypatch.setattr(category_reading, "MIN_READINGS", 2)
    # Each name read in the other language lands on its own category at cosine 1.0, except
    # Headphones' Chinese name, which lands on Watches at 0.9.
    queries = np.vstack([AXES[1], AXES[2], AXES[3], AXES[1], AXES[2], unit(1, 0, 0.484)])

    assert calibrate(NAMES, queries) == 0.905


def test_too_few_readings_calibrate_nothing():
    queries = NAMES.vectors

    assert calibrate(NAMES, queries) is None


def reads(monkeypatch: Any, word: str, category: Any) -> None:
    """The embedder's reading, fixed: ``word`` names ``category``, any other word none."""
    monkeypatch.setattr(
        "search.ranking.read_category",
        lambda found, *_args, **_kwargs: category.pk if found == word else None,
    )


@pytest.mark.django_db
def test_a_word_naming_a_category_reads_it(
    build_shop_index: Any, small_shop: Any, monkeypatch: Any
) -> None:
    """No product holds "headset": the category read lists its products, closest first."""
    build_shop_index()
    audio = small_shop["audio"]
    reads(monkeypatch, "headset", audio)

    result = search_catalog(SearchParams(query="headset"))

    assert result.parsed.category_ids == (audio.pk,)
    assert [(chip["kind"], chip["label"]) for chip in result.applied] == [
        ("category", "Headphones")
    ]
    assert sorted(result.product_ids) == sorted(
        [small_shop["products"]["anc"].pk, small_shop["products"]["buds"].pk]
    )


@pytest.mark.django_db
def test_a_category_none_of_the_words_keyword_matches_are_in_is_not_read(
    build_shop_index: Any, small_shop: Any, monkeypatch: Any
) -> None:
    """ "running" is held by two shoes and an earbud: the embedder's guess of mugs loses."""
    build_shop_index()
    mugs = CategoryFactory(name="Mugs", slug="mugs")
    reads(monkeypatch, "running", mugs)

    result = search_catalog(SearchParams(query="running"))

    assert result.parsed.category_ids == ()
    assert small_shop["products"]["buds"].pk in result.product_ids


@pytest.mark.django_db
def test_a_chinese_word_is_read_by_its_dictionary_senses(
    build_shop_index: Any, small_shop: Any, monkeypatch: Any
) -> None:
    """耳麦 is no word of the shop's, and the English-only test embedder cannot embed it; its
    CC-CEDICT senses, "headphones" and "earphones", name the Headphones category. (Which of
    its products come first is the served embedder's work: tests/search/test_judged_set.py.)"""
    build_shop_index()
    monkeypatch.setattr(category_reading, "calibrate", lambda names, queries: 0.8)

    result = search_catalog(SearchParams(query="耳麦"))

    assert result.parsed.category_ids == (small_shop["audio"].pk,)
    assert result.applied == [{"kind": "category", "label": "Headphones"}]


@pytest.mark.django_db
def test_a_category_read_for_the_thing_named_is_not_relaxed_away(
    build_shop_index: Any, small_shop: Any, monkeypatch: Any
) -> None:
    """Only a shoe holds "trail"; the category read from "trail headset" stays, its products
    closest first, instead of the keyword match of another type."""
    build_shop_index()
    audio = small_shop["audio"]
    reads(monkeypatch, "trail headset", audio)

    result = search_catalog(SearchParams(query="trail headset"))

    assert result.parsed.names_type is True
    assert result.relaxed == ["words"]
    assert result.applied == [{"kind": "category", "label": "Headphones"}]
    assert sorted(result.product_ids) == sorted(
        [small_shop["products"]["anc"].pk, small_shop["products"]["buds"].pk]
    )
