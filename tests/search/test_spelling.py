"""The catalog speller: what it corrects, what it leaves alone, and how fast."""

from __future__ import annotations

import pickle

import pytest

from search.spelling import Correction, Speller, edit_distance

TITLES = [
    "Cordless Drill Driver 18V",
    "Cordless Drill Kit with Battery",
    "Hammer Drill 20V",
    "Claw Hammer 16 oz.",
    "Claw Hammer Fiberglass Handle",
    "Wood Screws #8 x 1-1/4 in.",
    "Wood Screws #10 x 2 in.",
    "Wood Glue",
    "Drywall Screws",
    "Deck Screws",
    "Screwdriver Set",
    "Screwdriver Set Magnetic",
    "Stainless Steel Kitchen Sink",
    "Kitchen Faucet Stainless",
    "Faucet Cartridge",
    "Running Shoes",
    "Hiking Shoes",
    "Shoe Rack",
    "Paint Roller",
    "Paint Brush",
    "Extension Cord 50 ft.",
    "Porcelain Floor Tile",
    "Ceramic Wall Tile",
    "Lumiève Lipstick",
]


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller.from_texts(TITLES)


@pytest.mark.parametrize(
    ("query", "text", "corrections"),
    [
        # one edit for words of four to seven letters
        ("cordles drill", "cordless drill", [("cordles", "cordless")]),
        ("hamer", "hammer", [("hamer", "hammer")]),
        ("paitn roller", "paint roller", [("paitn", "paint")]),  # a swap is one edit
        # two edits from eight letters on
        ("screwdrivr set", "screwdriver set", [("screwdrivr", "screwdriver")]),
        ("porcelian tile", "porcelain tile", [("porcelian", "porcelain")]),
        (
            "faucett cartrige",
            "faucet cartridge",
            [("faucett", "faucet"), ("cartrige", "cartridge")],
        ),
        # glued and split words
        ("woodscrews", "wood screws", [("woodscrews", "wood screws")]),
        ("stain less steel sink", "stainless steel sink", [("stain less", "stainless")]),
        # accents are folded, so the unaccented brand is known
        ("lumieve lipstik", "lumieve lipstick", [("lipstik", "lipstick")]),
    ],
)
def test_corrects_unknown_words(speller, query, text, corrections):
    assert speller.correct(query) == Correction(text=text, changed=True, corrections=corrections)


@pytest.mark.parametrize(
    "query",
    [
        "cordless drill",  # known words
        "drills hammers",  # other forms of known stems
        "drill 18v 20v 3/4",  # numbers and units
        "xyz",  # shorter than four letters
        "qwertyuiop",  # nothing near enough
        "跑鞋 红色",  # Chinese
        "the and for with",  # stopwords
        "",
    ],
)
def test_leaves_alone(speller, query):
    """Known words, inflections, numbers, short words, CJK and far-off words are not changed."""
    assert speller.correct(query) == Correction(text=query, changed=False, corrections=[])


def test_short_words_keep_their_first_letter():
    """A short word the catalog lacks is not turned into a neighbour with another first letter."""
    speller = Speller({"jeans": 40, "bean": 0, "hammer": 3})
    assert speller.suggest("beans") is None
    assert speller.suggest("hamer") == "hammer"
    assert Speller({"colts": 3}).suggest("bolts") is None
    # from six letters on, the first letter may be the typo
    assert Speller({"vacuums": 3}).suggest("bacuums") == "vacuums"


def test_keep_words_are_never_corrected(speller):
    """The caller's own words ("cheapest") are kept even when a catalog word is near."""
    assert speller.correct("hamer", keep={"hamer"}).changed is False


def test_nearest_then_most_frequent():
    """The nearest candidate wins; among equally near ones, the more frequent."""
    # "shoes", "shoer" and "shoe" are all one edit from "shoex".
    assert Speller({"shoes": 5, "shoer": 1, "shoe": 2}).suggest("shoex") == "shoes"
    assert Speller({"shoes": 1, "shoer": 7, "shoe": 2}).suggest("shoex") == "shoer"
    # one edit beats two, however frequent
    nearest = Speller({"screwdriver": 1, "screwdrivers": 50})
    assert nearest.suggest("screwdrivr") == "screwdriver"


def test_only_text_is_replaced(speller):
    """Case, punctuation and spacing around corrected words are kept."""
    correction = speller.correct("Cordles  drill, 18V!")
    assert correction.text == "cordless  drill, 18V!"


def test_split_needs_frequent_halves():
    """A split is only offered when both halves occur more than once."""
    once = Speller({"wood": 1, "screws": 1})
    assert once.suggest("woodscrews") is None
    twice = Speller({"wood": 2, "screws": 2})
    assert twice.suggest("woodscrews") == "wood screws"


def test_edit_distance():
    assert edit_distance("shoes", "shoes", 2) == 0
    assert edit_distance("shoes", "shose", 2) == 1  # transposition
    assert edit_distance("hamer", "hammer", 2) == 1
    assert edit_distance("kitten", "sitting", 3) == 3
    assert edit_distance("abc", "xyzxyz", 2) == 3  # capped at limit + 1


def test_pickle_keeps_only_the_counts(speller):
    """The delete table is rebuilt on demand, so cached spellers stay small."""
    speller.correct("hamer")
    copy = pickle.loads(pickle.dumps(speller))  # noqa: S301
    assert copy.frequencies == speller.frequencies
    assert copy._deletes is None
    assert copy.correct("hamer").text == "hammer"
    assert len(pickle.dumps(speller)) < 2_000


def test_never_raises():
    speller = Speller.from_texts(["shoes", None, "", 42])
    for query in ["\x00\x01", "😀" * 50, "a" * 10_000, "<b>shoez</b>", "shoez" * 100]:
        assert isinstance(speller.correct(query), Correction)
    assert speller.correct(None) == Correction(text="", changed=False)  # type: ignore[arg-type]
