"""The aspect catalogue, clause splitting and matching (no model involved)."""

from __future__ import annotations

import pytest

from insights.aspects import (
    AspectMatch,
    CatalogueError,
    label_language,
    load_catalogue,
    parse_catalogue,
    split_clauses,
)


@pytest.fixture
def catalogue():
    return load_catalogue()


def pairs(catalogue, clause: str) -> list[tuple[str, str | None]]:
    return [(match.aspect, match.polarity) for match in catalogue.match(clause)]


def test_shipped_catalogue_loads_with_labels_in_both_languages(catalogue):
    """Every aspect has an English and a Chinese label for each polarity it can have."""
    assert catalogue.version == "3"
    assert len(catalogue.aspects) == 19
    assert catalogue.aspects["size_small"].labels == {
        "negative": {"en": "runs small", "zh": "偏小"}
    }
    assert catalogue.aspects["comfort"].label("positive", "zh") == "舒适"
    assert catalogue.aspects["comfort"].label("negative", "en") == "uncomfortable"


def test_clauses_split_at_sentences_commas_and_but():
    """English and Chinese reviews split at sentence ends, commas and contrast words."""
    assert split_clauses("Love it, but it runs small. Fast delivery!\nGreat") == [
        "Love it",
        "it runs small",
        "Fast delivery",
        "Great",
    ]
    assert split_clauses("很舒服，但是偏小。发货很快！颜色好看；不过有异味") == [
        "很舒服",
        "偏小",
        "发货很快",
        "颜色好看",
        "有异味",
    ]
    assert split_clauses("") == []


@pytest.mark.parametrize(
    ("clause", "expected"),
    [
        ("It runs a little small", [("size_small", "negative")]),
        ("Very comfortable shoes", [("comfort", "positive")]),
        ("Not very comfortable", [("comfort", "negative")]),
        ("uncomfortable after an hour", [("comfort", "negative")]),
        ("The fan is not noisy at all", [("noise", "positive")]),
        ("Not worth the money", [("value", "negative")]),
        (
            "Arrived quickly and looks even better in person",
            [("delivery", "positive"), ("appearance", "positive")],
        ),
        ("鞋子不是很舒服", [("comfort", "negative")]),
        ("一点都不刺激", [("comfort", "positive")]),
        ("尺码偏小", [("size_small", "negative")]),
        ("物流很慢", [("delivery", "negative")]),
        ("包装非常精美", [("packaging", "positive")]),
        ("一点异味都没有", [("smell", "positive")]),
        ("Battery lasts two days of heavy use", [("battery", "positive")]),
        ("发货很快", [("delivery", "positive")]),
        ("App不太好用", [("ease_of_use", "negative")]),
        ("The price is fine", [("value", None)]),
        ("面料摸起来一般", [("quality", None)]),
        ("Bought it for my sister", []),
        ("宝宝长大了就用不上了", []),
    ],
)
def test_clauses_match_aspects_and_polarity(catalogue, clause, expected):
    """Wordings carry their polarity (turned by a negation); keywords leave it open (None)."""
    assert pairs(catalogue, clause) == expected


def test_a_keyword_is_dropped_where_a_wording_judges_the_clause(catalogue):
    """In "the fabric is itchy" the keyword (fabric) names what "itchy" already judges."""
    assert catalogue.match("The fabric is itchy") == [
        AspectMatch(aspect="comfort", polarity="negative", wording="itchy", negated=False)
    ]


def test_a_negated_complaint_without_a_positive_label_is_dropped(catalogue):
    """ "not too small": size_small has no positive label, so nothing is counted."""
    assert catalogue.match("It is not too small") == []
    assert catalogue.match("not comfortable")[0].negated is False  # the wording is negative


def test_the_longest_wording_wins(catalogue):
    """ "不舒服" is one negative wording, not a negation of "舒服"."""
    assert catalogue.match("穿着不舒服") == [
        AspectMatch(aspect="comfort", polarity="negative", wording="不舒服", negated=False)
    ]


def test_english_wordings_match_whole_words_only(catalogue):
    """ "loud" is not found in "cloud", nor "soft" in "software"."""
    assert pairs(catalogue, "cloud software") == []


def test_catalogue_refuses_a_wording_listed_twice():
    data = {
        "version": 1,
        "aspects": {
            "a": {"label": {"positive": {"en": "a", "zh": "甲"}}, "keywords": {"en": ["x"]}},
            "b": {"label": {"positive": {"en": "b", "zh": "乙"}}, "keywords": {"en": ["X"]}},
        },
    }
    with pytest.raises(CatalogueError, match="b: 'x' is already listed under a"):
        parse_catalogue(data)


def test_catalogue_refuses_phrases_of_a_polarity_without_label():
    data = {
        "version": 1,
        "aspects": {
            "a": {
                "label": {"negative": {"en": "a", "zh": "甲"}},
                "phrases": {"positive": {"en": ["good"]}},
            }
        },
    }
    with pytest.raises(CatalogueError, match="a: positive phrases but no positive label"):
        parse_catalogue(data)


def test_catalogue_needs_both_label_languages():
    data = {"version": 1, "aspects": {"a": {"label": {"positive": {"en": "a"}}}}}
    with pytest.raises(CatalogueError, match="a: the positive label needs en and zh"):
        parse_catalogue(data)


def test_label_language_follows_the_page_language():
    assert [label_language(code) for code in ("en", "zh-hans", "zh", None)] == [
        "en",
        "zh",
        "zh",
        "en",
    ]


def test_a_degree_word_may_sit_between_a_chinese_keyword_and_its_judgement(catalogue):
    """ "物流很慢" is found as the wording "物流慢" (keyword 物流 + 慢)."""
    assert catalogue.match("物流特别慢") == [
        AspectMatch(aspect="delivery", polarity="negative", wording="物流慢", negated=False)
    ]
