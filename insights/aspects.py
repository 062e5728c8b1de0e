"""Aspects in review text: the catalogue, clauses, and the aspects each clause mentions.

No tagger reads the reviews: the aspect catalogue (``insights/data/aspects.yaml``) lists, for
each aspect, wordings whose polarity is known ("runs small", "不舒服") and neutral keywords
("fabric", "尺码"). A review is cut into clauses (sentences, and their parts at commas and at
"but" / "但是"), each clause is matched against the catalogue in English and Chinese, and a
keyword's polarity is left to the caller (the sentiment head reads the clause). The catalogue's
labels say each aspect in both languages, so a Chinese page shows Chinese labels for English
reviews and the other way round.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "aspects.yaml"
POSITIVE, NEGATIVE = "positive", "negative"
POLARITIES = (POSITIVE, NEGATIVE)
LANGUAGES = ("en", "zh")
# A clause longer than this is stored cut (the merchant's report quotes it).
MAX_CLAUSE_CHARS = 300

_CLAUSE_BREAK = re.compile(
    r"[.!?;。！？；…\n,，、:：()（）]+"
    r"|\s+(?:but|though|although|however|except|yet|whereas)\s+"
    r"|但是|不过|可惜|然而|只是|但"
)
_ENGLISH_WORD = re.compile(r"[a-z']+")
# Negations in the three words before an English wording turn it around ("not comfortable").
_ENGLISH_NEGATORS = frozenset(
    "not no never hardly barely nothing nor cannot isn't wasn't aren't weren't don't doesn't "
    "didn't won't can't couldn't wouldn't isnt wasnt arent dont doesnt didnt wont cant".split()
)
# Chinese negation sits just before the wording, often with a degree word between
# ("不是很舒服", "没那么吵"); the degree words are skipped before looking for the negation.
_CHINESE_NEGATORS = (
    "一点都不",
    "一点也不",
    "没有",
    "并不",
    "毫不",
    "从不",
    "从没",
    "不",
    "没",
    "别",
)
_CHINESE_DEGREE = "很太是够那么怎么算特别非常十分有点"
# "一点异味都没有": a negation after the wording.
_CHINESE_AFTER_NEGATORS = ("都没有", "也没有", "都没", "也没")
# Degree words allowed between a Chinese keyword and the rest of a wording that starts with it.
_DEGREE_WORDS = ("非常", "特别", "十分", "很", "挺", "超", "太", "真")
_CHINESE_INSERTED = "(?:" + "|".join(_DEGREE_WORDS) + ")?"


class CatalogueError(ValueError):
    """The aspect catalogue is malformed; the message names the entry."""


@dataclass(frozen=True)
class Aspect:
    """One aspect: its code and, per polarity it can have, its label in each language."""

    code: str
    labels: dict[str, dict[str, str]]

    def label(self, polarity: str, language: str) -> str | None:
        """The label of this aspect with ``polarity`` in ``language`` ("en" or "zh")."""
        return self.labels.get(polarity, {}).get(language)


@dataclass(frozen=True)
class AspectMatch:
    """A wording of the catalogue found in a clause.

    ``polarity`` is the wording's (already turned around when ``negated``), or None for a
    neutral keyword, whose polarity the caller decides.
    """

    aspect: str
    polarity: str | None
    wording: str
    negated: bool = False


@dataclass(frozen=True)
class Catalogue:
    version: str
    aspects: dict[str, Aspect]
    # wording (normalised) -> (aspect code, polarity or None for a keyword)
    wordings: dict[str, tuple[str, str | None]]
    pattern: re.Pattern[str]

    def _without_degree_word(self, matched: str) -> str:
        """The wording "物流很慢" was matched as (a keyword, a degree word, the rest)."""
        for index in range(1, len(matched)):
            for degree in _DEGREE_WORDS:
                if matched.startswith(degree, index):
                    wording = matched[:index] + matched[index + len(degree) :]
                    if wording in self.wordings:
                        return wording
        raise KeyError(matched)

    def match(self, clause: str) -> list[AspectMatch]:
        """The aspects ``clause`` mentions, at most one match per (aspect, polarity).

        Keywords count only in a clause without a judging wording: in "the fabric is itchy"
        or "尺码偏小" the keyword names what the wording already judges. A wording turned
        around by a negation
        into a polarity its aspect has no label for ("not too small") is dropped.
        """
        text = normalise(clause)
        found: dict[tuple[str, str | None], AspectMatch] = {}
        for hit in self.pattern.finditer(text):
            wording = hit.group(0)
            if wording not in self.wordings:
                wording = self._without_degree_word(wording)
            aspect, polarity = self.wordings[wording]
            negated = False
            if polarity is not None and _negated(text[: hit.start()], wording, text[hit.end() :]):
                negated = True
                polarity = NEGATIVE if polarity == POSITIVE else POSITIVE
                if polarity not in self.aspects[aspect].labels:
                    continue
            found.setdefault((aspect, polarity), AspectMatch(aspect, polarity, wording, negated))
        judged = [match for match in found.values() if match.polarity is not None]
        return judged or list(found.values())


def normalise(text: str) -> str:
    """NFKC, lower case, straight apostrophes, single spaces."""
    text = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'").replace("`", "'")
    return " ".join(text.split())


def split_clauses(text: str) -> list[str]:
    """The clauses of a review: sentences, cut again at commas and at "but" / "但是"."""
    return [part.strip() for part in _CLAUSE_BREAK.split(text or "") if part and part.strip()]


def _is_han(wording: str) -> bool:
    return any("\u3400" <= char <= "\u9fff" for char in wording)


def _negated(before: str, wording: str, after: str = "") -> bool:
    if _is_han(wording):
        if wording.startswith(("不", "没", "无")):
            return False
        if after.lstrip().startswith(_CHINESE_AFTER_NEGATORS):
            return True
        rest = before.rstrip()
        for _ in range(4):
            stripped = rest.rstrip(_CHINESE_DEGREE)
            if stripped == rest:
                break
            rest = stripped
        return rest.endswith(_CHINESE_NEGATORS)
    if wording.split()[0] in _ENGLISH_NEGATORS or "n't" in wording:
        return False
    return any(word in _ENGLISH_NEGATORS for word in _ENGLISH_WORD.findall(before)[-3:])


def _pattern(wordings: dict[str, tuple[str, str | None]]) -> re.Pattern[str]:
    # Longest first: the regex takes the first alternative that matches at a position, so
    # "不舒服" is found before "舒服" and "not worth the money" before "worth".
    keywords: dict[str, list[str]] = {}
    for wording, (aspect, polarity) in wordings.items():
        if polarity is None and _is_han(wording):
            keywords.setdefault(aspect, []).append(wording)
    alternatives = []
    for wording in sorted(wordings, key=lambda item: (-len(item), item)):
        if not _is_han(wording):
            alternatives.append(rf"(?<![a-z0-9']){re.escape(wording)}(?![a-z0-9])")
            continue
        aspect, polarity = wordings[wording]
        prefixes = [
            keyword
            for keyword in keywords.get(aspect, [])
            if polarity is not None and wording.startswith(keyword) and keyword != wording
        ]
        if prefixes:
            keyword = max(prefixes, key=len)
            rest = wording[len(keyword) :]
            alternatives.append(re.escape(keyword) + _CHINESE_INSERTED + re.escape(rest))
        else:
            alternatives.append(re.escape(wording))
    return re.compile("|".join(alternatives))


def parse_catalogue(data: dict) -> Catalogue:
    """A Catalogue from the YAML's structure.

    Raises:
        CatalogueError: no version or aspects, an aspect without labels, a phrase polarity
            without a label, a language other than en/zh, or one wording in two places.
    """
    if not isinstance(data, dict) or "version" not in data or not data.get("aspects"):
        raise CatalogueError("The aspect catalogue needs a version and aspects.")
    aspects: dict[str, Aspect] = {}
    wordings: dict[str, tuple[str, str | None]] = {}

    def add(code: str, polarity: str | None, language: str, items: list[str]) -> None:
        if language not in LANGUAGES:
            raise CatalogueError(f"{code}: unknown language {language!r} (en or zh).")
        for item in items:
            wording = normalise(str(item))
            if wording in wordings:
                raise CatalogueError(
                    f"{code}: {wording!r} is already listed under {wordings[wording][0]}."
                )
            wordings[wording] = (code, polarity)

    for code, entry in data["aspects"].items():
        labels = entry.get("label") or {}
        if not labels or set(labels) - set(POLARITIES):
            raise CatalogueError(f"{code}: needs labels for positive and/or negative only.")
        for polarity, names in labels.items():
            if set(names) != set(LANGUAGES):
                raise CatalogueError(f"{code}: the {polarity} label needs en and zh.")
        aspects[code] = Aspect(code=code, labels={p: dict(n) for p, n in labels.items()})
        for polarity, by_language in (entry.get("phrases") or {}).items():
            if polarity not in labels:
                raise CatalogueError(f"{code}: {polarity} phrases but no {polarity} label.")
            for language, items in by_language.items():
                add(code, polarity, language, items)
        for language, items in (entry.get("keywords") or {}).items():
            add(code, None, language, items)
    return Catalogue(
        version=str(data["version"]),
        aspects=aspects,
        wordings=wordings,
        pattern=_pattern(wordings),
    )


@functools.cache
def load_catalogue(path: str | Path = CATALOGUE_PATH) -> Catalogue:
    """The aspect catalogue at ``path`` (the shipped one by default), read once."""
    with Path(path).open(encoding="utf-8") as handle:
        return parse_catalogue(yaml.safe_load(handle))


def label_language(language_code: str | None) -> str:
    """The catalogue's label language for a Django language code: "zh" or "en"."""
    from common.text import is_chinese

    return "zh" if is_chinese(language_code) else "en"
