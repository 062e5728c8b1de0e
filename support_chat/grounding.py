"""Whether a generated sentence says only what the facts say.

A sentence is *supported* by a window of the facts (one fact, or up to ``window`` neighbouring
ones) when the window holds every number it states, each number next to a word the sentence
puts next to it too (so 14.99 cannot move from express to standard shipping), every code
(an order or tracking number, a date) whole as the window writes it, and every one
of its content terms (``MIN_COVERAGE``: one new word can be the claim, "paid" for
"pending"; "not", "never", 不 and 未 are terms too, so a denial needs the facts' own). Content
terms: English words stemmed by search's analyzer; Chinese as overlapping character pairs
(robust where a segmenter cuts "下单于" and "下单日期" differently), function characters
removed. Facts are what retrieval and the tools found: an article's sentences (neighbours may
be merged, window 2), one order per fact (never merged with another's), or one product's
attributes (all one window, 0).

The check is lexical and deliberately strict: a correct paraphrase in words of its own is
rejected, and the chat shows the retrieved text instead, which is always right.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from llm_services import NUMBER

MIN_COVERAGE = 1.0
HAN = re.compile(r"[\u3400-\u9fff]")
HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
# Characters that carry no claim: removed before Chinese text is cut into pairs.
FUNCTION_CHARS = re.compile(r"[的了吗呢吧啊您你我他她它们这那是在和与及或]")
# A sentence ends at . ! ? followed by a space, or after a Chinese full stop (not in 15.00).
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[。！？；])")
# Codes: letters and digits joined by - or / with a digit in them (order numbers, dates,
# tracking numbers). They are stated whole or not at all: "12-05" is not an order number.
CODE = re.compile(r"(?<![\w-])(?=[\w/-]*\d)\w+(?:[-/]\w+)+(?![\w-])")
# How many terms before a number are its neighbours (see _anchored).
ANCHOR_TERMS = 2


@dataclass(frozen=True)
class Verdict:
    supported: bool
    reason: str = ""
    coverage: float = 0.0


def sentences(text: str) -> list[str]:
    """``text`` cut into sentences (numbers such as 15.00 are not cut)."""
    return [part.strip() for part in SENTENCE_END.split(text) if part.strip()]


def numbers(text: str) -> set[str]:
    return set(NUMBER.findall(text))


def term_sequence(text: str) -> list[str]:
    """The content terms of ``text`` in order, duplicates kept."""
    from search.text import analyze

    terms: list[str] = []
    for chunk in re.finditer(r"[\u3400-\u9fff]+|[^\u3400-\u9fff]+", text):
        part = chunk.group()
        if HAN.match(part):
            for piece in FUNCTION_CHARS.split(part):
                terms += [piece[i : i + 2] for i in range(max(1, len(piece) - 1)) if piece]
        else:
            terms += [t for t in analyze(part) if len(t) > 1 and not NUMBER.fullmatch(t)]
    return terms


def content_terms(text: str) -> set[str]:
    return set(term_sequence(text))


def _windows(facts: Sequence[str], size: int, within: int | None = None) -> list[str]:
    """Runs of up to ``size`` neighbouring facts (0: all of them as one), only those holding
    fact ``within`` when it is given."""
    if size == 0:  # the facts are about one thing: any of them may support a sentence
        return [" ".join(facts)]
    return [
        " ".join(facts[start : start + width])
        for width in range(1, min(size, len(facts)) + 1)
        for start in range(0, len(facts) - width + 1)
        if within is None or start <= within < start + width
    ]


def _anchored(sentence: str, window: str) -> bool:
    """The two terms before each number of ``sentence`` are among the three before that
    number somewhere in ``window`` (a number opening the sentence is not checked)."""
    for match in NUMBER.finditer(sentence):
        before = term_sequence(sentence[: match.start()])[-ANCHOR_TERMS:]
        if not before:
            continue
        pattern = rf"(?<![\w.]){re.escape(match.group())}(?!\d)"
        near = set()
        for found in re.finditer(pattern, window):
            near.update(term_sequence(window[: found.start()])[-ANCHOR_TERMS - 1 :])
        if not near.issuperset(before):
            return False
    return True


def check_sentence(
    sentence: str,
    facts: Sequence[str],
    *,
    window: int = 1,
    min_terms: int = 1,
    within: int | None = None,
) -> Verdict:
    """Is ``sentence`` supported by one window of ``facts``? (See the module's docstring.)

    ``within``: only windows holding that fact count (an answer's first sentence must say
    what the fact nearest the question says, not another true thing of the article).
    """
    terms = content_terms(sentence)
    if len(terms) < min_terms:
        return Verdict(False, "too little content")
    stated = numbers(sentence)
    best = Verdict(False, "no fact holds its terms")
    for text in _windows(facts, window, within):
        missing = stated - numbers(text)
        coverage = len(terms & content_terms(text)) / len(terms)
        codes = set(CODE.findall(sentence)) - set(CODE.findall(text))
        if missing:
            reason = f"numbers not in the facts: {', '.join(sorted(missing))}"
        elif codes:
            reason = f"codes not in the facts: {', '.join(sorted(codes))}"
        elif coverage < MIN_COVERAGE:
            reason = f"{coverage:.0%} of its terms in one fact"
        elif not _anchored(sentence, text):
            reason = "a number next to other words than in the facts"
        elif repeats_itself(sentence, text):
            reason = "repeats itself"
        else:
            return Verdict(True, "", coverage)
        if coverage >= best.coverage:
            best = Verdict(False, reason, coverage)
    return best


def _repetitions(text: str) -> Counter[tuple[str, ...]]:
    """Runs of two content terms, and numbers with the term after them, said twice or more."""
    terms = term_sequence(text)
    said = Counter(zip(terms, terms[1:], strict=False))
    said.update(
        (match.group(), *term_sequence(text[match.end() :])[:1]) for match in NUMBER.finditer(text)
    )
    return Counter({run: count for run, count in said.items() if count > 1})


def repeats_itself(sentence: str, window: str = "") -> bool:
    """Does ``sentence`` say something twice that ``window`` does not say as often?
    ("a 10000 mAh battery that can be a 10000 mAh battery")"""
    return bool(_repetitions(sentence) - _repetitions(window))


def check_language(text: str, *, chinese: bool) -> bool:
    """A Chinese answer holds Han characters; an English one none."""
    return bool(HAN.search(text)) == chinese
