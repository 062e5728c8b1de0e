"""Sentences a draft cannot back: words that neither the product's data nor the shop's copy for
its kind of product use.

A small model fine-tuned on a shop's copy writes in its voice, and between the facts it adds
what it has seen nowhere in this shop: "Tested on animals." for a serum, "a sock liner keeps
the feet warm" for a racing shoe, "不含棉花糖" for a towel, "经美国纺织品监督机构检测". Word
lists cannot foresee those. The shop's own copy tells which words are its voice for a kind of
product (used in the copy of another product of the same category, or of several categories:
"comfortable", "every day", "轻便"), and the product's data which are its facts. A word that is
neither is a claim no one can back; the sentence holding it is cut from the draft
(:func:`copywriting.checks.trim_unsupported`).

Units are words (English, by a light stem so that "animals" is "animal"; a word that runs
backed words together, "crew-neck" or the hashtag "#outdoorlights", is backed) and pairs of Han
characters (Chinese has no spaces: a pair is the shortest unit with a meaning of its own,
棉花, 纺织). A Han character is backed by a backed pair that holds it or by being one of the
characters most of the shop's copy uses (的, 是, 为); a run of two or more unbacked characters
is a finding. Numbers are the facts check's (:func:`copywriting.checks.allowed_numbers`).

Calibrated leave-one-out on the demo shop's own copy (docs/benchmarks.md, "Sentences no data
backs"): 1.5% of its English and 1.3% of its Chinese sentences would be cut, each a claim only
one product of its category makes ("unused items can be returned within 30 days").
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from common.text import HAN_CHAR, HAN_CLASS, HAN_RUN

# A unit used in the copy of this share of the shop's categories (at least SHOP_MIN_CATEGORIES)
# is the shop's voice for every product.
SHOP_CATEGORY_SHARE = 0.05
SHOP_MIN_CATEGORIES = 3
# Below these, the shop's copy is too little to tell its voice: nothing is cut.
MIN_SHOP_TEXTS = 50
MIN_CATEGORY_TEXTS = 5
# A Han character used in this share of the shop's texts is backed on its own (的, 是, 为).
COMMON_CHAR_SHARE = 0.3

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*[A-Za-z]")
# A sentence ends at 。！？ or at . ! ? before a space or the end ("2.0", "5.5 mm" go on).
_SENTENCE = re.compile(r"(?:[^.!?。！？]|[.!?](?=\S))+[.!?。！？]*\s*")
_SUFFIXES = ("ies", "es", "s", "ing", "ed", "ly", "er", "est")


def _stem(word: str) -> str:
    word = word.lower().strip("'-").removesuffix("'s")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    # "pets", "days": a short plural is its noun ("glass" is not "glas").
    if word.endswith("s") and not word.endswith("ss") and len(word) >= 4:
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text) if len(w) >= 3]


def units(text: str) -> set[str]:
    """The words (stemmed, three letters or more) and Han character pairs of ``text``."""
    found = set(_words(text))
    for run in HAN_RUN.findall(text):
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


@dataclass(frozen=True)
class Voice:
    """What the shop's copy says for one category: the units it backs, and the Han characters
    common enough to need no pair."""

    units: frozenset[str]
    chars: frozenset[str]

    @property
    def known(self) -> bool:
        return bool(self.units)


class VoiceIndex:
    """Which categories' copy uses each unit; :meth:`voice` for one category."""

    def __init__(self, documents: Iterable[tuple[int | None, str]]) -> None:
        self._categories: dict[str, Counter[int | None]] = defaultdict(Counter)
        char_texts: Counter[str] = Counter()
        self._texts: Counter[int | None] = Counter()
        for category_id, text in documents:
            if not text.strip():
                continue
            self._texts[category_id] += 1
            for unit in units(text):
                self._categories[unit][category_id] += 1
            char_texts.update(set(HAN_CHAR.findall(text)))
        categories = {c for counts in self._categories.values() for c in counts}
        floor = max(SHOP_MIN_CATEGORIES, SHOP_CATEGORY_SHARE * len(categories))
        self._shop = frozenset(u for u, counts in self._categories.items() if len(counts) >= floor)
        texts = self._texts.total()
        self._chars = frozenset(c for c, n in char_texts.items() if n >= COMMON_CHAR_SHARE * texts)

    def voice(self, category_id: int | None) -> Voice:
        """The category's voice; an empty one (nothing is cut) where the shop or the
        category has too little copy to tell."""
        if self._texts.total() < MIN_SHOP_TEXTS or self._texts[category_id] < MIN_CATEGORY_TEXTS:
            return Voice(units=frozenset(), chars=frozenset())
        own = {u for u, counts in self._categories.items() if counts.get(category_id)}
        return Voice(units=self._shop | own, chars=self._chars)


# "不含咖啡豆" (no coffee beans) in a coffee's copy, "BPA-free", "free from parabens": what a
# product is without is a fact like any other, however common its words are. Its data must
# say it.
_ABSENCE = re.compile(
    rf"不含(?P<zh>[{HAN_CLASS}]{{1,2}})|(?:无|零)(?P<zh2>[{HAN_CLASS}]{{2}})"
    r"|(?P<en>\b[A-Za-z][\w-]*-free\b|\bfree (?:of|from) [A-Za-z-]+|\bcontains no [A-Za-z-]+)",
    re.IGNORECASE,
)


def _absence_claims(text: str, own: str) -> list[str]:
    mine = own.casefold()
    found = []
    for match in _ABSENCE.finditer(text):
        claim, thing = match.group(0), match.group("zh") or match.group("zh2")
        said = [f"{word}{thing}" for word in ("不含", "无", "零")] if thing else [claim]
        if not any(s.casefold() in mine for s in said):
            found.append(claim)
    return found


def _compound(word: str, backed: Collection[str]) -> bool:
    """Whether ``word`` is backed words run together: "crew-neck", "#outdoorlights" (a
    hashtag is its words without spaces), each part three letters or more."""
    word = word.replace("-", "")
    if len(word) < 6:
        return False
    # ends[i]: the word's first i letters are backed parts.
    ends = [True] + [False] * len(word)
    for end in range(3, len(word) + 1):
        ends[end] = any(
            ends[start] and _stem(word[start:end]) in backed for start in range(0, end - 2)
        )
    return ends[-1]


def unsupported(text: str, *, own: str, voice: Voice) -> list[str]:
    """The words and Han character runs of ``text`` that neither the product's ``own`` data
    nor the shop's ``voice`` backs, and the absences its data does not state, in their order
    in the text."""
    backed = units(own) | voice.units
    found = _absence_claims(text, own)
    found += [w for w in _words(text) if w not in backed and not _compound(w, backed)]
    for run in HAN_RUN.findall(text):
        covered = [ch in voice.chars for ch in run]
        for i in range(len(run) - 1):
            if run[i : i + 2] in backed:
                covered[i] = covered[i + 1] = True
        gaps = "".join(" " if ok else ch for ch, ok in zip(run, covered, strict=True)).split()
        found += [gap for gap in gaps if len(gap) >= 2]
    return list(dict.fromkeys(found))


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def unsupported_sentences(text: str, *, own: str, voice: Voice) -> list[tuple[str, list[str]]]:
    """(sentence, what no one backs in it) for each sentence of ``text`` that holds some."""
    if not voice.known:
        return []
    return [
        (sentence, found)
        for sentence in sentences(text)
        if (found := unsupported(sentence, own=own, voice=voice))
    ]


def without_sentences(text: str, drop: Iterable[str]) -> str:
    """``text`` without the sentences in ``drop``."""
    removed = set(drop)
    joiner = "" if HAN_CHAR.search(text) else " "
    return joiner.join(s for s in sentences(text) if s not in removed).strip()
