"""Another word for a query's one word the catalog never writes, from the dictionaries.

:mod:`search.category_reading` reads a category from such a word with the embedder. Where it
reads none, the word may still have a synonym the catalog does write: "jumper" is a sweater,
"rucksack" a backpack (WordNet, :mod:`search.wordnet`), 电饭锅 an "electric rice cooker"
(CC-CEDICT, :mod:`search.dictionary`), which the catalog writes as "rice cooker" and, in
Chinese, 电饭煲 (the dictionary's word for "rice cooker"). The query is then searched as that
synonym too; the page says so.

Where no synonym is written either, the WordNet synonyms of the word's most frequent goods
sense are the "senses" :func:`search.category_reading.read_category` reads a category from
("thermos": "thermos bottle", "thermos flask" → water bottles and flasks); failing that, a
broader word for it the catalog writes is searched where it names one kind of product
("sweatpants": trousers).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from search import wordnet
from search.dictionary import chinese_words, english_senses
from search.engine import SearchIndex
from search.text import analyze
from shop.catalog.models import Product

# A dictionary sense of this many words or more is cut from its front down to this many
# until the catalog writes it ("electric rice cooker" → "rice cooker"), never to one word:
# "system", the last word of 音响's "stereo sound system", names nothing.
MIN_SUFFIX_WORDS = 2
# A one-word synonym (or broader word) is searched only where this share of the products
# holding it are of one category: the catalog's word for that kind of product.
ONE_KIND_SHARE = 2 / 3


def _written(index: SearchIndex, phrase: str) -> bool:
    """Whether some product's text holds ``phrase``'s terms side by side, in order."""
    terms = analyze(phrase)
    if not terms or not all(term in index.vocabulary for term in terms):
        return False
    if len(terms) == 1:
        return True
    pairs = set(zip(terms, terms[1:], strict=False))
    cache = index.derived.setdefault("phrase-written", {})
    key = tuple(terms)
    if key not in cache:
        cache[key] = any(
            pairs <= set(zip(tokens, tokens[1:], strict=False)) for tokens in index.doc_tokens
        )
    return cache[key]


def _suffixes(sense: str) -> list[str]:
    words = sense.split()
    if len(words) < MIN_SUFFIX_WORDS:
        return [sense]
    return [" ".join(words[start:]) for start in range(len(words) - MIN_SUFFIX_WORDS + 1)]


def written_synonym(index: SearchIndex, word: str) -> str:
    """A synonym of ``word`` the catalog writes, or "": the WordNet synonyms of its goods
    senses in WordNet's order (English), or the longest end of a CC-CEDICT sense (Chinese)."""
    if _written(index, word):
        return ""
    senses = wordnet.noun_senses(word)
    candidates = [synonym for sense in senses for synonym in sense.synonyms]
    for sense in english_senses(word):
        for suffix in _suffixes(sense):
            # The Chinese word the catalog writes for it first: 电饭锅's "rice cooker" is
            # 电饭煲, which a Chinese page can show.
            if " " in suffix:  # one English word has too many Chinese ones ("audio": 语音)
                candidates += chinese_words(suffix)
            candidates.append(suffix)
    return next((phrase for phrase in candidates if _stands_for(index, phrase)), "")


def _stands_for(index: SearchIndex, phrase: str) -> bool:
    """Whether the catalog writes ``phrase`` as the name of a kind of product: side by side
    for two words or more ("rice cooker"), for one, mostly of one category ("bag", of purse's
    synonyms, is said of backpacks and toiletry bags alike; "handbag" is not)."""
    return _written(index, phrase) if len(analyze(phrase)) > 1 else _names_a_kind(index, phrase)


def written_hypernym(index: SearchIndex, word: str) -> str:
    """A broader word for an English ``word``'s most frequent goods sense that the catalog
    writes and uses for one kind of product ("sweatpants": "trousers"), or ""."""
    senses = wordnet.noun_senses(word)
    if not senses or _written(index, word):
        return ""
    return next((phrase for phrase in senses[0].hypernyms if _names_a_kind(index, phrase)), "")


def _names_a_kind(index: SearchIndex, phrase: str) -> bool:
    """Whether the products whose text holds ``phrase`` are mostly of one category: a broader
    word such as "seat" (for "sofa") or "pot" is said of car seats, high chairs and plant pots
    alike, and would list them all."""
    if not _written(index, phrase):
        return False
    kinds = categories_holding(index, analyze(phrase))
    return bool(kinds) and kinds.most_common(1)[0][1] >= ONE_KIND_SHARE * kinds.total()


def categories_holding(index: SearchIndex, terms: Iterable[str]) -> Counter[int]:
    """How many products of each category hold every one of ``terms`` in their text (cached
    on the index: it scans every row)."""
    wanted = frozenset(terms)
    cache = index.derived.setdefault("categories-holding", {})
    if wanted not in cache:
        holding = [
            int(index.keys[row])
            for row, tokens in enumerate(index.doc_tokens)
            if wanted <= set(tokens)
        ]
        cache[wanted] = Counter(
            Product.objects.filter(pk__in=holding).values_list("category_id", flat=True)
        )
    return cache[wanted]


def category_senses(word: str) -> tuple[str, ...]:
    """The WordNet synonyms of an English ``word``'s most frequent goods sense: phrases for
    the embedder to read the word's category from."""
    senses = wordnet.noun_senses(word)
    return senses[0].synonyms if senses else ()
