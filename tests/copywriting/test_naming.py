"""The product called by its own name in generated English copy (copywriting.naming)."""

from __future__ import annotations

import pytest

from copywriting.findings import describe
from copywriting.naming import model_name, rename_product
from copywriting.prompts import build_facts
from copywriting.services.generation import CopyRequest, PreparedCopy, finish_parts
from copywriting.vocabulary import Vocabulary

NAMES = frozenset({"Tidewell", "Canyon", "Kinetic", "Timber", "Acorn", "Junior", "Lumen"})


@pytest.mark.parametrize(
    ("title", "brand", "expected"),
    [
        ("Tidewell Canyon Sleeping Bag – Olive", "Tidewell", "Canyon"),
        ("Kinetic 3 Trail Running Shoe – Unisex, Red", "", "Kinetic 3"),
        ("Northwend Timber XT Bike Helmet (Black)", "Northwend", "Timber XT"),
        ("Acorn Junior Science Kit - Multicolour", "Pipsqueak Works", "Acorn Junior"),
        ("Sleeping Bag – Olive", "Tidewell", ""),
    ],
)
def test_the_model_name_is_the_titles_first_run_of_name_words(title, brand, expected):
    assert model_name(title, brand, NAMES) == expected


def canyon(language: str = "en"):
    return build_facts(
        product_id=1,
        language=language,
        category_id=1,
        title="Tidewell Canyon Sleeping Bag – Olive",
        brand="Tidewell",
        category="Camping",
        attributes=[("color", "Colour", "Olive")],
        highlights=[],
    )


def test_a_colour_where_the_name_goes_is_replaced_by_the_model_name():
    parts = {
        "description": "The Olive is a sleeping bag from Tidewell. The Canyon's collar stays put."
    }

    renamed, notes = rename_product(parts, facts=canyon(), names=NAMES)

    assert renamed == {
        "description": "The Canyon is a sleeping bag from Tidewell. The Canyon's collar stays put."
    }
    assert [(n["check"], n["severity"], n["message"]) for n in notes] == [
        ("name_fixed", "warning", "Called the product “Olive”; written as “Canyon”.")
    ]


def test_names_brands_and_other_languages_are_left_as_written():
    parts = {"description": "The Tidewell is warm. The Kinetic is another product's name."}

    assert rename_product(parts, facts=canyon(), names=NAMES) == (parts, [])
    assert rename_product(
        {"description": "The Olive is warm."}, facts=canyon("zh-hans"), names=NAMES
    ) == ({"description": "The Olive is warm."}, [])


def test_a_draft_is_renamed_before_it_is_trimmed_so_its_findings_quote_the_draft():
    item = PreparedCopy(
        facts=canyon(), request=CopyRequest(), prompts=[], input_hash="", prompt_version=""
    )
    vocabulary = Vocabulary.with_builtins((), ["Tidewell"], names=NAMES)

    finished = finish_parts(
        item,
        {"description": "The Olive is a red sleeping bag. It packs small."},
        vocabulary=vocabulary,
        others=[],
    )

    assert finished.parts == {"description": "It packs small."}
    assert [(c["check"], describe(c)) for c in finished.checks] == [
        ("name_fixed", "Called the product “Olive”; written as “Canyon”."),
        (
            "facts_removed",
            "Removed “The Canyon is a red sleeping bag.”: it stated red, which the product's "
            "data does not have.",
        ),
    ]
