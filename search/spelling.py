"""Typo correction against the catalog's own vocabulary ("did you mean").

A :class:`Speller` holds how often each Latin word occurs in the catalog's texts and corrects a
query word only when the catalog has never seen it (nor any word with the same stem), it is a
plain Latin word of at least four letters, and a catalog word lies within a small edit
distance: one edit for words of four to seven letters, two for longer ones (Damerau-
Levenshtein, so a swap of neighbours is one edit), keeping the first letter for words under
six letters. The nearest word wins, then the most frequent one. Two words glued together
("woodscrews") are split when both halves are catalog words seen more than once, and two
words split apart ("stain less" with one half unknown) are joined when the catalog has the
joined word.

Lookup is SymSpell's symmetric delete: every catalog word is stored under the strings left by
deleting up to two of its letters, so a query word's own deletes find its neighbours with a few
dictionary lookups instead of a scan of the vocabulary. That table is built on the first
correction, not when the speller is built or unpickled; pickling keeps only the word counts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field

from .text import ENGLISH_STOPWORDS, _surface, normalize, stem

MIN_WORD_LENGTH = 4
# Words of this length or longer may be two edits away; shorter ones only one.
TWO_EDITS_FROM_LENGTH = 8
# Shorter words are only corrected to words with the same first letter: typos rarely hit the
# first letter, and a short real word the catalog lacks ("beans") is otherwise one letter from
# one it has ("jeans").
KEEP_FIRST_LETTER_BELOW = 6
# A split's halves must each be a catalog word at least this long, and seen more than once.
MIN_SPLIT_PART = 3
MIN_SPLIT_FREQUENCY = 2
# A query is capped long before this, but a caller might pass anything.
MAX_WORDS_CHECKED = 32

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_LATIN_LETTERS = re.compile(r"[a-z\u00c0-\u024f]+")


@dataclass(frozen=True)
class Correction:
    """A corrected query: its text, whether anything changed and each (wrong, right) pair."""

    text: str
    changed: bool
    corrections: list[tuple[str, str]] = field(default_factory=list)


def _is_latin_word(word: str) -> bool:
    return _LATIN_LETTERS.fullmatch(word) is not None


def _deletes(word: str, distance: int) -> set[str]:
    found = {word}
    edge = {word}
    for _ in range(distance):
        edge = {w[:i] + w[i + 1 :] for w in edge for i in range(len(w))} - found
        found |= edge
    return found


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance, or ``limit + 1`` as soon as it must exceed ``limit``."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


class Speller:
    """Corrects query words against a word-frequency table of the catalog's own texts.

    Build it with :meth:`from_texts` (titles, descriptions, category and brand names) or from
    saved counts with the constructor. Instances are read-only after construction and safe
    to share between threads.
    """

    def __init__(self, frequencies: Mapping[str, int]) -> None:
        self._frequencies: dict[str, int] = {
            word: int(count) for word, count in frequencies.items() if count > 0
        }
        self._stems = {stem(word) for word in self._frequencies if _is_latin_word(word)}
        self._deletes: dict[str, str | list[str]] | None = None

    def __reduce__(self) -> tuple[type[Speller], tuple[dict[str, int]]]:
        # The delete table is several times the size of the counts and cheap to rebuild.
        return (Speller, (self._frequencies,))

    def __len__(self) -> int:
        return len(self._frequencies)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Speller:
        """Count the Latin words of ``texts`` (lower-cased, possessives and accents removed).

        Numbers, codes and Chinese are left out: they are never corrected, nor suggested.
        """
        counts: Counter[str] = Counter()
        for text in texts:
            if text:
                counts.update(_surface(token) for token in _WORD.findall(normalize(str(text))))
        return cls({word: count for word, count in counts.items() if _is_latin_word(word)})

    @property
    def frequencies(self) -> dict[str, int]:
        """Word → occurrences; saving this is enough to rebuild the speller."""
        return dict(self._frequencies)

    def frequency(self, word: str) -> int:
        return self._frequencies.get(word, 0)

    def is_known(self, word: str) -> bool:
        """Whether ``word`` (lower case) or another form with its stem is in the vocabulary."""
        return word in self._frequencies or stem(word) in self._stems

    def _table(self) -> dict[str, str | list[str]]:
        if self._deletes is None:
            table: dict[str, str | list[str]] = {}
            for word in self._frequencies:
                if len(word) < MIN_WORD_LENGTH - 1 or not _is_latin_word(word):
                    continue
                # A query word two edits away is at least TWO_EDITS_FROM_LENGTH long, so only
                # words within two letters of that length need their two-letter deletes.
                distance = 2 if len(word) >= TWO_EDITS_FROM_LENGTH - 2 else 1
                for key in _deletes(word, distance):
                    entry = table.get(key)
                    if entry is None:
                        table[key] = word
                    elif isinstance(entry, str):
                        table[key] = [entry, word]
                    else:
                        entry.append(word)
            self._deletes = table
        return self._deletes

    def suggest(self, word: str) -> str | None:
        """The best correction for one unknown lower-case word, or None.

        Known words, short words, and anything with digits or non-Latin letters get None.
        A correction may be two words ("woodscrews" → "wood screws").
        """
        if (
            len(word) < MIN_WORD_LENGTH
            or not _is_latin_word(word)
            or word in ENGLISH_STOPWORDS
            or self.is_known(word)
        ):
            return None
        limit = 2 if len(word) >= TWO_EDITS_FROM_LENGTH else 1
        table = self._table()
        best: tuple[int, int, str] | None = None
        seen: set[str] = set()
        for key in _deletes(word, limit):
            entry = table.get(key)
            if entry is None:
                continue
            for candidate in (entry,) if isinstance(entry, str) else entry:
                if candidate in seen:
                    continue
                seen.add(candidate)
                if len(word) < KEEP_FIRST_LETTER_BELOW and candidate[0] != word[0]:
                    continue
                distance = edit_distance(word, candidate, limit)
                if distance > limit:
                    continue
                rank = (distance, -self._frequencies[candidate], candidate)
                if best is None or rank < best:
                    best = rank
        split = self._split(word)
        if split is not None and (best is None or split < best):
            best = split
        return best[2] if best else None

    def _split(self, word: str) -> tuple[int, int, str] | None:
        best: tuple[int, int, str] | None = None
        for i in range(MIN_SPLIT_PART, len(word) - MIN_SPLIT_PART + 1):
            left, right = word[:i], word[i:]
            if left in ENGLISH_STOPWORDS or right in ENGLISH_STOPWORDS:
                continue
            frequency = min(self.frequency(left), self.frequency(right))
            if frequency >= MIN_SPLIT_FREQUENCY:
                # Counted as one edit (the missing space), ranked by the rarer half.
                rank = (1, -frequency, f"{left} {right}")
                if best is None or rank < best:
                    best = rank
        return best

    def correct(self, query: str, *, keep: Container[str] = ()) -> Correction:
        """Correct the unknown words of ``query``; everything else is left as it was.

        Args:
            query: any text; corrected words come back in lower case.
            keep: lower-case words never to correct (e.g. the query grammar's own words,
                such as "under" or "cheapest", which need not occur in the catalog).

        Returns:
            A :class:`Correction`; ``changed`` is False and ``text`` is ``query`` when
            nothing needed correcting.
        """
        if not isinstance(query, str) or not query:
            return Correction(text=query if isinstance(query, str) else "", changed=False)
        matches = list(_WORD.finditer(query))[:MAX_WORDS_CHECKED]
        words = [_surface(normalize(m.group())) for m in matches]

        def is_candidate(word: str) -> bool:
            return (
                len(word) >= MIN_WORD_LENGTH
                and _is_latin_word(word)
                and word not in keep
                and word not in ENGLISH_STOPWORDS
                and not self.is_known(word)
            )

        replacements: list[tuple[int, int, str, str]] = []
        index = 0
        while index < len(matches):
            match, word = matches[index], words[index]
            if index + 1 < len(matches):
                following, next_word = matches[index + 1], words[index + 1]
                joined = word + next_word
                between = query[match.end() : following.start()]
                if (
                    between.isspace()
                    and _is_latin_word(joined)
                    and (is_candidate(word) or is_candidate(next_word))
                    and word not in keep
                    and next_word not in keep
                    and self.frequency(joined) >= MIN_SPLIT_FREQUENCY
                ):
                    wrong = query[match.start() : following.end()]
                    replacements.append((match.start(), following.end(), wrong, joined))
                    index += 2
                    continue
            if is_candidate(word):
                right = self.suggest(word)
                if right is not None:
                    replacements.append((match.start(), match.end(), match.group(), right))
            index += 1
        if not replacements:
            return Correction(text=query, changed=False)
        parts = []
        position = 0
        for start, end, _wrong, right in replacements:
            parts.append(query[position:start])
            parts.append(right)
            position = end
        parts.append(query[position:])
        return Correction(
            text="".join(parts),
            changed=True,
            corrections=[(normalize(wrong), right) for _s, _e, wrong, right in replacements],
        )
