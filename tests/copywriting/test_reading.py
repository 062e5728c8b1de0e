"""What a reader stops at: repeats, padding, other products' names, copied runs."""

from copywriting.reading import (
    check_copying,
    check_names,
    check_padding,
    check_repetition,
    name_words,
    repeats,
)


def test_a_clause_written_twice_is_a_repeat():
    assert repeats("Made to last. Soft and warm. Made to last!") == ["Made to last"]
    assert repeats("轻便透气，适合通勤，轻便透气。") == ["轻便透气"]


def test_a_unit_three_times_in_a_row_is_a_repeat():
    assert repeats("附带说明书。附附附附。") == ["附附附"]
    assert repeats("It is very very very soft.") == ["very very very"]


def test_a_long_run_written_twice_is_one_repeat_however_long():
    text = (
        "It is designed to be used in a variety of environments, and the strap is designed "
        "to be used in a variety of environments too."
    )

    assert repeats(text) == ["is designed to be used in a variety of environments"]


def test_the_products_own_name_counts_as_one_word():
    text = "The Zenith 3 Pro Wired Earphones fold flat. Pack the Zenith 3 Pro Wired Earphones."

    assert repeats(text, names=["Zenith 3 Pro Wired Earphones", "Audiora"]) == []
    assert repeats(text) == ["the zenith 3 pro wired earphones"]


def test_highlights_that_repeat_each_other_or_themselves_are_flagged():
    results = check_repetition(
        {
            "highlights": [
                "Lifetime repairs, lifetime repairs",
                "Packs small",
                "Packs small and light",
            ]
        },
        own="",
    )

    assert [(r["check"], r["part"], r["text"]) for r in results] == [
        ("repetition", "highlights", "lifetime repairs"),
        ("repetition", "highlights", "Packs small and light"),
    ]
    assert {r["severity"] for r in results} == {"error"}


def test_a_number_stated_twice_in_one_sentence_is_padding():
    text = "350-hour battery life, which means it can last for up to 350 hours. Weighs 2 kg."

    assert [r["message"] for r in check_padding(text, part="description")] == [
        "States 350 twice in one sentence: “350-hour battery life, which means it can last for "
        "up to 350 hours.”."
    ]
    assert check_padding("Holds 2 L. Weighs 2 kg.", part="description") == []


def test_name_words_are_title_words_the_catalog_never_writes_in_lower_case():
    titles = ["Wren Essential Down Jacket", "Jetstream 3 Earphones"]
    texts = ["An essential down jacket.", "Wired earphones."]

    assert name_words(titles, texts) == {"Wren", "Jetstream"}


def test_another_products_name_is_flagged_but_not_this_ones():
    found = check_names(
        "The Jetstream 3 sounds like the Zenith.",
        part="description",
        names={"Jetstream", "Zenith", "Wren"},
        own="Zenith 3 Wired Earphones",
    )

    assert [(r["check"], r["text"]) for r in found] == [("name", "Jetstream")]


def test_copying_eight_units_from_other_copy_names_the_source():
    others = [
        ("the description of product 5 “Tee”", "one two three four five six seven eight nine"),
        ("the description of product 6 “Cap”", "一二三四五六七八九十"),
    ]

    english = check_copying(
        "zero one two three four five six seven eight nine ten",
        part="description",
        others=others,
        own="",
    )
    chinese = check_copying("〇一二三四五六七八九", part="description", others=others, own="")

    assert [r["message"] for r in english] == [
        "Copies 9 words in a row from the description of product 5 “Tee”."
    ]
    assert [r["message"] for r in chinese] == [
        "Copies 9 characters in a row from the description of product 6 “Cap”."
    ]
    assert (
        check_copying("一二三四五六七八", part="description", others=others, own="一二三四五六七八")
        == []
    )
