"""Feature words learnt from the catalog's copy: which phrases stand for which option."""

import pytest

from search.query import QueryVocabulary, parse_query
from search.query.features import learnt_phrases

WATERPROOF = ("waterproof", "waterproof")
ACTIVE = ("noise_cancelling", "active")
TRAVEL = ("genre", "travel")


def texts(*rows):
    return [(values, text.casefold()) for values, text in rows]


def test_a_phrase_stands_for_the_option_most_texts_saying_it_have():
    products = texts(
        ({"waterproof": "waterproof"}, "A waterproof roll-top. 防水卷口包"),
        ({"waterproof": "waterproof"}, "Waterproof shell. 防水"),
        ({"waterproof": "waterproof"}, "Fully waterproof. 防水"),
        # negated: neither "not waterproof" nor "不防水" says the phrase
        ({"waterproof": "none"}, "Not waterproof. 不防水"),
        ({"waterproof": "none"}, "A canvas daypack."),
    )

    learnt = learnt_phrases({WATERPROOF: {"waterproof", "防水"}}, products)

    assert learnt == {WATERPROOF: ["waterproof", "防水"]}


def test_too_few_imprecise_or_unspecific_phrases_are_not_learnt():
    products = texts(
        # "noise cancelling": 2 texts only (MIN_USES is 3)
        ({"noise_cancelling": "active"}, "Noise cancelling over-ears."),
        ({"noise_cancelling": "active"}, "Noise cancelling earbuds."),
        # the attribute's name needs NAME_PRECISION (0.9): 3 of 4 is not enough
        ({"noise_cancelling": "active"}, "主动降噪"),
        ({"noise_cancelling": "active"}, "降噪"),
        ({"noise_cancelling": "active"}, "降噪"),
        ({"noise_cancelling": "passive"}, "被动降噪"),
        # "travel": said of 3 travel books and 4 things that are no book at all
        ({"genre": "travel"}, "A travel memoir."),
        ({"genre": "travel"}, "Travel writing."),
        ({"genre": "travel"}, "On travel."),
        ({}, "A travel mug."),
        ({}, "A travel pillow."),
        ({}, "Travel adapter."),
        ({}, "Travel bottle."),
    )

    learnt = learnt_phrases(
        {ACTIVE: {"noise cancelling", "降噪"}, TRAVEL: {"travel"}},
        products,
        names={"noise_cancelling": {"noise cancelling", "降噪"}},
    )

    assert learnt == {}


@pytest.mark.django_db
def test_the_vocabulary_reads_learnt_features_only_beside_a_category_that_has_them():
    from tests.factories import (
        AttributeFactory,
        AttributeOptionFactory,
        CategoryAttributeFactory,
        CategoryFactory,
        ProductFactory,
    )

    backpacks = CategoryFactory(name="Backpacks", slug="backpacks")
    tea = CategoryFactory(name="Tea", slug="tea")
    waterproof = AttributeFactory(code="waterproof", name="Water protection", name_zh="防水性能")
    AttributeOptionFactory(attribute=waterproof, value="waterproof", label="Waterproof")
    AttributeOptionFactory(attribute=waterproof, value="none", label="Not waterproof")
    CategoryAttributeFactory(category=backpacks, attribute=waterproof, filterable=True)
    tea_type = AttributeFactory(code="tea_type", name="Tea type")
    AttributeOptionFactory(attribute=tea_type, value="white", label="White tea")
    CategoryAttributeFactory(category=tea, attribute=tea_type, filterable=True)
    for index in range(3):
        ProductFactory(
            title=f"Roll-Top {index}",
            category=backpacks,
            attributes={"waterproof": "waterproof"},
            description="A waterproof roll-top.",
        )
        ProductFactory(
            title=f"Silver Needle {index}",
            category=tea,
            attributes={"tea_type": "white"},
            description="A white tea.",
        )
    ProductFactory(title="Canvas Daypack", category=backpacks, attributes={"waterproof": "none"})

    vocabulary = QueryVocabulary.from_catalog()

    assert parse_query("waterproof backpack", vocabulary).attributes == {
        "waterproof": ("waterproof",)
    }
    # No category named: a learnt feature is no filter on its own.
    assert parse_query("waterproof", vocabulary).attributes == {}
    # "white tea" holds the Tea category's name: the phrase is not learnt, Tea is read.
    white_tea = parse_query("white tea", vocabulary)
    assert (white_tea.category_ids, white_tea.attributes) == ((tea.pk,), {})
    assert vocabulary.feature_codes == frozenset({"waterproof"})
