"""Sentences no data backs: the shop's voice per category, and what a draft says beyond it."""

import pytest
from django.utils import translation

from copywriting import support
from copywriting.checks import trim_unsupported
from copywriting.findings import describe
from copywriting.prompts import build_facts

SHOES, SERUMS, TEES, MUGS = 1, 2, 3, 4

# Each category's copy; "comfortable" and "every day" are said in all of them.
COPY = [
    (SHOES, "A comfortable shoe for every day. The foam midsole cushions each stride."),
    (SHOES, "Comfortable on long runs, every day. A sock liner keeps feet warm."),
    (SERUMS, "A comfortable serum for every day. Dermatologist tested."),
    (TEES, "A comfortable tee for every day."),
    (MUGS, "A comfortable mug for every day."),
    (SHOES, "舒适轻便的跑鞋，每天都能穿。"),
    (SERUMS, "舒适的精华，每天都能用。"),
    (TEES, "舒适的T恤，每天都能穿。"),
]


def serum_facts():
    return build_facts(
        product_id=7,
        language="en",
        category_id=SERUMS,
        title="Glow Serum",
        brand="Lumen",
        category="Serums",
        attributes=[("volume", "Volume", "30 ml")],
        highlights=[],
    )


@pytest.fixture
def index(monkeypatch):
    # A shop this small would be too little to tell its voice (see the last test).
    monkeypatch.setattr(support, "MIN_SHOP_TEXTS", len(COPY))
    monkeypatch.setattr(support, "MIN_CATEGORY_TEXTS", 1)
    return support.VoiceIndex(COPY)


def test_sentences_end_at_a_stop_before_a_space_not_inside_a_number():
    assert support.sentences("The Compass 2.0 holds 5.5 L. It is light! 舒适。好看") == [
        "The Compass 2.0 holds 5.5 L.",
        "It is light!",
        "舒适。",
        "好看",
    ]


def test_units_are_stemmed_words_and_han_pairs():
    assert support.units("Animals tested, 跑鞋!") == {"animal", "test", "跑鞋"}


def test_a_category_backs_what_its_own_copy_says_and_the_shop_what_many_categories_say(index):
    shoes = index.voice(SHOES)
    serums = index.voice(SERUMS)

    assert {"sock", "liner", "midsole"} <= shoes.units
    assert "liner" not in serums.units
    assert {"comfortable", "every", "day"} <= serums.units
    assert "每天" in serums.units
    # "的" is in 3 of the 8 texts (at least COMMON_CHAR_SHARE of them): backed on its own.
    assert "的" in serums.chars


def test_unsupported_names_the_words_neither_the_data_nor_the_voice_backs(index):
    own = "Glow Serum | Lumen | Serums | 30 ml"

    found = support.unsupported(
        "A comfortable serum, tested on animals in a lab.", own=own, voice=index.voice(SERUMS)
    )

    # "tested" is the serums' copy's own word ("Dermatologist tested").
    assert found == ["animal", "lab"]


def test_backed_words_run_together_are_backed(index):
    own = "Glow Serum | Lumen | Serums | 30 ml"

    found = support.unsupported(
        "An every-day serum. #glowserums #serumlab #dayz", own=own, voice=index.voice(SERUMS)
    )

    assert found == ["serumlab", "dayz"]


def test_an_absence_the_data_does_not_state_is_found_however_common_its_words(index):
    own = "晨露咖啡 | 咖啡豆 | 无香料 | Paraben-free"
    voice = index.voice(SERUMS)

    # (不含 itself is in none of this small shop's texts either)
    assert support.unsupported("舒适的精华，不含咖啡豆。", own=own, voice=voice) == [
        "不含咖啡",
        "不含",
    ]
    assert support.unsupported("舒适的精华，无香料。", own=own, voice=voice) == []
    assert support.unsupported(
        "A comfortable serum. BPA-free, paraben-free.", own=own, voice=voice
    ) == ["BPA-free", "bpa-free"]


def test_han_runs_without_a_backed_pair_are_found(index):
    own = "焕颜精华 | 30毫升"

    found = support.unsupported("舒适的精华，不含棉花糖。", own=own, voice=index.voice(SERUMS))

    assert found == ["不含棉花", "不含棉花糖"]


def test_sentences_are_cut_with_a_note_naming_the_words(index):
    facts = serum_facts()
    parts = {
        "description": (
            "A comfortable serum for every day. Tested on animals. Dermatologist tested."
        ),
        "highlights": ["Comfortable every day", "Vegan formula"],
    }

    trimmed, notes = trim_unsupported(parts, facts=facts, voice=index.voice(SERUMS))

    assert trimmed == {
        "description": "A comfortable serum for every day. Dermatologist tested.",
        "highlights": ["Comfortable every day"],
    }
    assert [(n["check"], n["severity"], n["part"], n["text"]) for n in notes] == [
        ("unsupported_removed", "warning", "description", "Tested on animals."),
        ("unsupported_removed", "warning", "highlights", "Vegan formula"),
    ]
    assert notes[0]["message"] == (
        "Removed “Tested on animals.”: neither the product's data nor the shop's copy for "
        "this kind of product says “animal”."
    )


def test_a_description_nothing_of_which_is_backed_is_kept_and_flagged(index):
    facts = serum_facts()
    parts = {"description": "Tested on animals. Vegan formula."}

    trimmed, notes = trim_unsupported(parts, facts=facts, voice=index.voice(SERUMS))

    assert trimmed == parts
    assert [(n["check"], n["severity"], n["text"]) for n in notes] == [
        ("unsupported", "error", "Tested on animals."),
        ("unsupported", "error", "Vegan formula."),
    ]
    assert notes[1]["message"] == (
        "Neither the product's data nor the shop's copy for this kind of product says "
        "“vegan”, “formula”: “Vegan formula.”."
    )
    with translation.override("zh-hans"):
        assert describe(notes[1]) == (
            "商品数据和本店同类商品的文案都没有说过“vegan”、“formula”：“Vegan formula.”。"
        )


def test_a_marketing_line_no_data_backs_is_flagged_not_cut(index):
    parts = {"social_post": "A comfortable serum. It's a bit too expensive for what it's worth."}

    trimmed, notes = trim_unsupported(parts, facts=serum_facts(), voice=index.voice(SERUMS))

    assert trimmed == parts
    assert [(n["check"], n["severity"], n["part"], n["text"]) for n in notes] == [
        (
            "unsupported",
            "error",
            "social_post",
            "It's a bit too expensive for what it's worth.",
        )
    ]


def test_a_shop_or_category_with_too_little_copy_cuts_nothing(monkeypatch):
    assert support.VoiceIndex(COPY).voice(SHOES).known is False
    monkeypatch.setattr(support, "MIN_SHOP_TEXTS", len(COPY))
    monkeypatch.setattr(support, "MIN_CATEGORY_TEXTS", 3)
    index = support.VoiceIndex(COPY)

    assert index.voice(SHOES).known is True  # 3 texts
    assert index.voice(MUGS).known is False  # 1 text
    voice = index.voice(MUGS)
    assert support.unsupported_sentences("Tested on animals.", own="", voice=voice) == []
