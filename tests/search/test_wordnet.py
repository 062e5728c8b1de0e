"""English goods nouns from WordNet 3.0 (search.wordnet)."""

from __future__ import annotations

from search import wordnet
from search.wordnet import Sense

# data.noun lines: offset, lexicographer file, type, word count (hex), words with their lexical
# ids, pointer count, pointers (symbol, offset, part of speech, source/target), gloss.
DATA = [
    "  1 This software and database is being provided to you, the LICENSEE, by\r",
    "03419014 06 n 01 garment 0 000 | an article of clothing\r",
    "04370048 06 n 02 sweater 0 jumper 0 001 @ 03419014 n 0000 | a knitted garment\r",
    "10225219 18 n 01 jumper 0 000 | a person who jumps\r",
    "03550153 06 n 03 thermos 0 thermos_bottle 0 Thermos_flask 0 001 @ 04516672 n 0000 | x\r",
    "04516672 06 n 01 vacuum_flask 0 000 | a flask\r",
]
# index.noun lines: lemma, part of speech, synset count, pointer count, pointer symbols,
# sense count, tagged sense count, the synsets most frequent first.
INDEX = [
    "  1 This software and database is being provided to you, the LICENSEE, by\r",
    "jumper n 2 1 @ 2 1 10225219 04370048  \r",
    "sweater n 1 1 @ 1 1 04370048  \r",
    "thermos n 1 1 @ 1 0 03550153  \r",
]


def test_only_goods_senses_are_kept_with_their_synonyms_and_broader_words():
    assert wordnet.parse(DATA, INDEX) == {
        "jumper": (Sense(synonyms=("sweater",), hypernyms=("garment",)),),
        "sweater": (Sense(synonyms=("jumper",), hypernyms=("garment",)),),
        "thermos": (
            Sense(synonyms=("thermos bottle", "thermos flask"), hypernyms=("vacuum flask",)),
        ),
    }


def test_the_packaged_wordnet_knows_a_words_goods_senses_in_singular_or_plural():
    assert wordnet.noun_senses("jumper")[0] == Sense(("sweater",), ("garment",))
    assert wordnet.noun_senses("Rucksacks")[0].synonyms == (
        "backpack",
        "back pack",
        "knapsack",
        "packsack",
        "haversack",
    )
    assert wordnet.noun_senses("trainers") == (
        Sense(("flight simulator",), ("simulator",)),
    )  # the coach (a person) is no product
    assert wordnet.noun_senses("happiness") == ()
