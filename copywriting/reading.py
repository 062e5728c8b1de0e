"""What a reader notices that the facts check does not: repeats, padding, other products' names.

- repetition: a sentence or clause written twice, or a run of ``REPEAT_WORDS`` words
  (Chinese: characters) written twice in one part, unless the run is the product's own data
  (its name may recur); a highlight that repeats another, or repeats itself.
- padding: a number stated twice in one sentence ("350-hour battery life, which means it can
  last for up to 350 hours").
- copying: a run of ``COPY_WORDS`` words (Chinese: characters) or more taken from another
  product's copy or from one of the prompt's examples, outside the product's own data; for a
  one-line part, ``COPY_LINE_WORDS`` (``COPY_LINE_CHARACTERS``) from an example's line of the
  same part.
- other names: a product name of the catalog that is not this product's ("The Jetstream 3"
  in the copy of the Zenith 3 earphones). Names are the title words the catalog never writes in
  lower case (:func:`name_words`), so "Essential" in "Wren Essential" is a name only where the
  catalog does not also say "essential".

Each finding is a check result of :mod:`copywriting.checks` (severity "error": a reader would
stop at it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext_noop

from common.text import longest_shared_run, text_units, unit_ngrams
from copywriting.findings import Source, finding, message, plain
from copywriting.output import part_items
from llm_services import NUMBER

REPEAT_WORDS = 6
COPY_WORDS = 8
# A one-line part (a banner, a subject line) copies an example's line of the same part with a
# run this long: words, and for Chinese characters.
COPY_LINE_WORDS = 4
COPY_LINE_CHARACTERS = 5
_SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]?")
_CLAUSE = re.compile(r"[^,;:.!?，；：、。！？]+")
# A clause shorter than this (in words, Chinese characters) may recur: "yes", "轻".
_MIN_CLAUSE_UNITS = 2
_TITLE_WORD = re.compile(r"\b[A-Z][a-z][A-Za-z]+\b")  # "USB" is no name; "McKee" is


def _spans(pattern: re.Pattern[str], text: str) -> list[str]:
    return [m.group(0).strip() for m in pattern.finditer(text) if m.group(0).strip()]


def repeats(text: str, *, names: Sequence[str] = (), own: str = "") -> list[str]:
    """Clauses ``text`` holds twice, then the runs of ``REPEAT_WORDS`` units or more it holds
    twice (each as its units, overlapping runs joined). The product's ``names`` (title, brand)
    count as one word, and runs of its ``own`` data may recur."""
    found: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for clause in _spans(_CLAUSE, text):
        units = tuple(text_units(clause))
        if len(units) < _MIN_CLAUSE_UNITS:
            continue
        if units in seen:
            found.append(clause)
        seen.add(units)
    raw = text_units(text)
    for index in range(2, len(raw)):
        unit = raw[index]
        if unit == raw[index - 1] == raw[index - 2] and (index < 3 or raw[index - 3] != unit):
            found.append(("" if not unit.isascii() else " ").join([unit] * 3))
    allowed = unit_ngrams(text_units(own), REPEAT_WORDS)
    units = _collapse(raw, names)
    first: set[tuple[str, ...]] = set()
    starts = []
    for start in range(len(units) - REPEAT_WORDS + 1):
        run = tuple(units[start : start + REPEAT_WORDS])
        if run in first and run not in allowed:
            starts.append(start)
        first.add(run)
    chinese = any(len(u) == 1 and not u.isascii() for u in units)
    spans: list[list[int]] = []
    for start in starts:
        if spans and start <= spans[-1][1]:
            spans[-1][1] = start + REPEAT_WORDS
        else:
            spans.append([start, start + REPEAT_WORDS])
    for start, end in spans:
        run = tuple(units[start:end])
        if not any(_contains(tuple(text_units(f)), run) for f in found):
            found.append(("" if chinese else " ").join(run))
    return found


def _collapse(units: list[str], names: Sequence[str]) -> list[str]:
    """``units`` with each occurrence of a name's units replaced by the name as one unit."""
    for name in sorted(names, key=len, reverse=True):
        key = text_units(name)
        if len(key) < 2:
            continue
        out, index = [], 0
        while index < len(units):
            if units[index : index + len(key)] == key:
                out.append(" ".join(key))
                index += len(key)
            else:
                out.append(units[index])
                index += 1
        units = out
    return units


def check_repetition(
    parts: dict[str, Any], *, names: Sequence[str] = (), own: str = ""
) -> list[dict[str, Any]]:
    """Repeated sentences, clauses and runs within a part; highlights that repeat."""
    results = []
    for part, value in parts.items():
        items = part_items(value)
        for item in items:
            for text in repeats(item, names=names, own=own):
                results.append(
                    finding(
                        "repetition",
                        message(gettext_noop("Says “{text}” twice."), text=text),
                        part=part,
                        text=text,
                    )
                )
        if isinstance(value, list):
            keys = [tuple(text_units(item)) for item in items]
            for index, key in enumerate(keys):
                if key and any(
                    other and (_contains(other, key) or _contains(key, other))
                    for other in keys[:index]
                ):
                    results.append(
                        finding(
                            "repetition",
                            message(
                                gettext_noop("Highlight “{text}” repeats an earlier one."),
                                text=items[index],
                            ),
                            part=part,
                            text=items[index],
                        )
                    )
    return results


def _contains(whole: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(whole[i : i + len(part)] == part for i in range(len(whole) - len(part) + 1))


def check_padding(text: str, *, part: str) -> list[dict[str, Any]]:
    """A number stated twice in one sentence: the second restates the first."""
    results = []
    for sentence in _spans(_SENTENCE, text):
        numbers = NUMBER.findall(sentence)
        twice = sorted({n for n in numbers if numbers.count(n) > 1}, key=numbers.index)
        for number in twice:
            results.append(
                finding(
                    "padding",
                    message(
                        gettext_noop("States {number} twice in one sentence: “{sentence}”."),
                        number=number,
                        sentence=sentence,
                    ),
                    part=part,
                    text=sentence,
                )
            )
    return results


def name_words(titles: Iterable[str], texts: Iterable[str]) -> set[str]:
    """The words of ``titles`` that name products: capitalised (not all capitals), three
    letters or more, and never written in lower case in ``texts`` (the catalog's descriptions
    and highlights) or in the titles themselves."""
    candidates: set[str] = set()
    lower: set[str] = set()
    for title in titles:
        candidates.update(_TITLE_WORD.findall(title))
        lower.update(re.findall(r"\b[a-z]{3,}\b", title))
    for text in texts:
        lower.update(re.findall(r"\b[a-z]{3,}\b", text))
    return {word for word in candidates if word.lower() not in lower}


def grounding_words(own: str) -> list[str]:
    """The capitalised words of a product's own data, as :func:`check_names` reads them."""
    return _TITLE_WORD.findall(own)


def check_names(text: str, *, part: str, names: Iterable[str], own: str) -> list[dict[str, Any]]:
    """Product names of the catalog that are not in this product's data."""
    mine = set(grounding_words(own))
    results = []
    for word in dict.fromkeys(_TITLE_WORD.findall(text)):
        if word in names and word not in mine:
            results.append(
                finding(
                    "name",
                    message(
                        gettext_noop(
                            "Names “{name}”, another product of the catalog; this one is not "
                            "called that."
                        ),
                        name=word,
                    ),
                    part=part,
                    text=word,
                )
            )
    return results


def check_copying(
    text: str, *, part: str, others: Iterable[Source], own: str, size: int = COPY_WORDS
) -> list[dict[str, Any]]:
    """The longest run of ``size`` units or more that ``text`` shares with one of ``others``
    ((label, text) of other copy), runs of the product's ``own`` data aside."""
    units = text_units(text)
    if len(units) < size:
        return []
    allowed = unit_ngrams(text_units(own), size)
    mine = unit_ngrams(units, size) - allowed
    best = (0, "")
    for label, other in others:
        shared = mine & unit_ngrams(text_units(other), size)
        if shared:
            run = longest_shared_run(units, shared, size)
            if run > best[0]:
                best = (run, label)
    if not best[0]:
        return []
    template = (
        gettext_noop("Copies {count} characters in a row from {source}.")
        if any(len(u) == 1 and not u.isascii() for u in units)
        else gettext_noop("Copies {count} words in a row from {source}.")
    )
    return [
        finding(
            "copying",
            message(template, count=best[0], source=best[1]),
            part=part,
            text=plain(best[1]),
        )
    ]
