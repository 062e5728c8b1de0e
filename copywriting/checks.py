"""Checks every draft goes through before a merchant sees it.

Each check returns findings ``{"check", "severity", "part", "message", "text", "span", "i18n"}``
(:mod:`copywriting.findings`: the message is rendered in the reader's language when shown);
``span`` is ``[start, end]`` in that part's text (None when the finding is not in the text).
A result of severity "error" flags the draft: it cannot be approved without an override
reason. "warning" results inform only.

- facts: colours, materials, sizes and gender the draft states must be the product's own
  (its attribute values, title, brand, category or highlights); numbers must appear in them;
  another brand of the catalog must not be named.
- banned: configurable claims (superlatives, medical claims, competitor names).
- length: per-channel part limits.
- near_duplicate: character 5-gram overlap with other products' copy and the prompt's examples.
- bias: gendered wording for a product that is not gendered; exclusionary wording anywhere.
- injection: instructions to a model found in the product data (cut out of the prompt) or
  echoed back in the draft; the filter is one signal for the reviewer, and overriding it
  takes a second person.
- repetition, padding, name: what a reader stops at (:mod:`copywriting.reading`).
- input: missing required attributes, cut fields.
- output: empty text, the wrong language.

Nothing here touches the database; :mod:`copywriting.selectors` builds the vocabulary
(:mod:`copywriting.vocabulary`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_noop

from common.text import CHINESE, ENGLISH, HAN_CHAR, HAN_CLASS
from copywriting import conf
from copywriting.findings import (
    ERROR,
    EXAMPLE_SOURCE,
    FACT_KIND_NAMES,
    FEATURE,
    REASON_NAMES,
    WARNING,
    Source,
    finding,
    message,
    plain,
    word,
)
from copywriting.output import part_items, with_items
from copywriting.prompts import INJECTION_PATTERNS, ProductFacts, normalise_for_matching
from copywriting.reading import (
    COPY_LINE_CHARACTERS,
    COPY_LINE_WORDS,
    check_copying,
    check_names,
    check_padding,
    check_repetition,
    grounding_words,
)
from copywriting.support import Voice, unsupported_sentences, without_sentences
from copywriting.vocabulary import Term, Vocabulary
from llm_services import NUMBER

# Instructions to a model, in the product data or echoed in the draft: a flag that only a
# second person may override (copywriting.services.review).
INJECTION = "injection"
FACT_KINDS = ("color", "material", "size", "gender")
# Where a product comes from: "Made in the USA", "产自福建". The place must be in the data.
_ORIGIN_CLAIM = re.compile(
    r"\b(?i:made|produced|manufactured|grown|crafted|sewn|assembled) in (?:the )?"
    r"(?P<place>[A-Z][A-Za-z]+(?:[ -][A-Z][A-Za-z]+)*)"
    rf"|(?:产自|产于|原产于|原产地为?)(?P<place_zh>[{HAN_CLASS}]{{2,5}}?)(?=[的，。、；\s]|$)"
)


def _is_latin(text: str) -> bool:
    return not HAN_CHAR.search(text)


def _pattern(term: str, *, case_sensitive: bool = False) -> re.Pattern[str]:
    escaped = re.escape(term).replace(r"\ ", r"\s+")
    flags = 0 if case_sensitive else re.IGNORECASE
    if _is_latin(term):
        return re.compile(rf"(?<![\w]){escaped}(?![\w])", flags)
    return re.compile(escaped, flags)


def _size_pattern(label: str) -> re.Pattern[str]:
    # A one-letter size ("S", "M") is a size only next to the word size.
    escaped = re.escape(label)
    if _is_latin(label) and len(label) == 1:
        return re.compile(rf"(?i:\bsize\s+){escaped}(?![\w])|(?<![\w]){escaped}(?i:\s+size\b)")
    return _pattern(label, case_sensitive=_is_latin(label))


def _grounded(term: Term, facts: ProductFacts, grounding: str) -> bool:
    raw = facts.raw_attributes.get(term.code) if term.code else None
    if term.contradicts_only and raw in (None, "", []):
        return True  # the product has no such attribute: nothing to contradict
    values = raw if isinstance(raw, list) else [raw]
    if term.value and term.value in [str(v) for v in values if v is not None]:
        return True
    return bool(_pattern(term.text).search(grounding))


def allowed_numbers(facts: ProductFacts) -> set[str]:
    """The numbers a draft may state: those in the product's data (NUMBER finds them)."""
    numbers = set(NUMBER.findall(facts.grounding_text()))
    for value in facts.raw_attributes.values():
        for item in value if isinstance(value, list) else [value]:
            numbers.update(NUMBER.findall(str(item)))
    return numbers


def check_facts(
    text: str, *, part: str, facts: ProductFacts, vocabulary: Vocabulary
) -> list[dict[str, Any]]:
    """Colour, material, size, gender, feature, number, origin and brand claims that the
    product does not have."""
    results: list[dict[str, Any]] = []
    grounding = facts.grounding_text()
    taken: list[tuple[int, int]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(start < e and s < end for s, e in taken)

    def found(match: re.Match[str], msg: dict[str, Any]) -> None:
        taken.append(match.span())
        results.append(finding("facts", msg, part=part, text=match.group(0), span=match.span()))

    # Longest terms first: "rose gold" is judged before "gold", "organic cotton" before
    # "cotton"; a shorter term inside a span already judged is not judged again.
    for term in vocabulary.terms:
        pattern = _size_pattern(term.text) if term.kind == "size" else _pattern(term.text)
        for match in pattern.finditer(text):
            if overlaps(*match.span()):
                continue
            if _grounded(term, facts, grounding):
                taken.append(match.span())
            else:
                found(
                    match,
                    message(
                        gettext_noop(
                            "States {kind} “{text}”, which is not among the product's attributes."
                        ),
                        kind=word(term.kind, FACT_KIND_NAMES, default=FEATURE),
                        text=match.group(0),
                    ),
                )
    numbers = allowed_numbers(facts)
    for match in NUMBER.finditer(text):
        if not overlaps(*match.span()) and match.group(0) not in numbers:
            found(
                match,
                message(
                    gettext_noop(
                        "States the number “{text}”, which the product's data does not have."
                    ),
                    text=match.group(0),
                ),
            )
    for match in _ORIGIN_CLAIM.finditer(text):
        place = match.group("place") or match.group("place_zh")
        if not overlaps(*match.span()) and not _pattern(place).search(grounding):
            found(
                match,
                message(
                    gettext_noop(
                        "States the origin “{text}”, which the product's data does not have."
                    ),
                    text=match.group(0),
                ),
            )
    own = facts.brand.casefold()
    for brand in vocabulary.brands:
        if brand.casefold() == own or (own and brand.casefold() in own):
            continue
        for match in _pattern(brand, case_sensitive=True).finditer(text):
            if not overlaps(*match.span()):
                found(
                    match,
                    message(
                        gettext_noop("Names the brand “{brand}”; the product's brand is “{own}”."),
                        brand=brand,
                        own=facts.brand or "—",
                    ),
                )
    return sorted(results, key=lambda result: result["span"][0])


def ungrounded_terms(facts: ProductFacts, vocabulary: Vocabulary) -> list[str]:
    """What the facts check would flag for this product: the phrases generation should avoid.

    Colour, material, size and gender terms the product's data does not support, other
    brands and the names of other products. One-letter sizes ("S", "M") are left out:
    banning a lone Latin letter would ban far more than the size. A single Chinese character
    ("铜", copper) stays: the check flags it wherever it is written. Numbers are not listed
    (``allowed_numbers`` says which may be written).
    """
    grounding = facts.grounding_text()
    own = facts.brand.casefold()
    phrases = {
        term.text
        for term in vocabulary.terms
        if (len(term.text) > 1 or not term.text.isascii()) and not _grounded(term, facts, grounding)
    }
    phrases.update(
        brand
        for brand in vocabulary.brands
        if brand.casefold() != own and not (own and brand.casefold() in own)
    )
    # Other products' names ("Pebble" in the copy of the "Peanut" night light).
    phrases.update(vocabulary.names - set(grounding_words(grounding)))
    return sorted(phrases)


def check_banned(text: str, *, part: str) -> list[dict[str, Any]]:
    results = []
    for reason, phrases in conf.get("BANNED_CLAIMS").items():
        for phrase in phrases:
            for match in _pattern(phrase).finditer(text):
                results.append(
                    finding(
                        "banned",
                        message(
                            gettext_noop("Banned claim ({reason}): “{text}”."),
                            reason=word(reason, REASON_NAMES),
                            text=match.group(0),
                        ),
                        part=part,
                        text=match.group(0),
                        span=match.span(),
                    )
                )
    return results


def check_length(text: str, *, part: str, language: str) -> list[dict[str, Any]]:
    limits = conf.get("LENGTH_LIMITS").get(part)
    if not limits:
        return []
    limit = conf.per_language(limits, language)
    if limit is None or len(text) <= limit:
        return []
    return [
        finding(
            "length",
            message(
                gettext_noop("{count} characters; the limit for this channel is {limit}."),
                count=len(text),
                limit=limit,
            ),
            part=part,
            text=text[limit:],
            span=(limit, len(text)),
        )
    ]


def check_bias(text: str, *, part: str, facts: ProductFacts) -> list[dict[str, Any]]:
    results = []
    language = CHINESE if facts.language == CHINESE else ENGLISH
    gendered_product = facts.gender in ("men", "women")
    if not gendered_product:
        for term in conf.per_language(conf.get("GENDERED_TERMS"), language) or []:
            for match in _pattern(term).finditer(text):
                results.append(
                    finding(
                        "bias",
                        message(
                            gettext_noop(
                                "Gendered wording “{text}” for a product that is not gendered."
                            ),
                            text=match.group(0),
                        ),
                        part=part,
                        text=match.group(0),
                        span=match.span(),
                    )
                )
    for term in conf.per_language(conf.get("EXCLUSIONARY_TERMS"), language) or []:
        for match in _pattern(term).finditer(text):
            results.append(
                finding(
                    "bias",
                    message(gettext_noop("Exclusionary wording “{text}”."), text=match.group(0)),
                    part=part,
                    text=match.group(0),
                    span=match.span(),
                )
            )
    return results


def shingles(text: str, size: int = 5) -> set[str]:
    compact = "".join(text.casefold().split())
    if len(compact) <= size:
        return {compact} if compact else set()
    return {compact[i : i + size] for i in range(len(compact) - size + 1)}


def similarity(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def check_near_duplicate(text: str, *, part: str, others: Sequence[Source]) -> list[dict[str, Any]]:
    """``others``: (label, text) of other products' copy and of the prompt's examples."""
    threshold = conf.get("NEAR_DUPLICATE_THRESHOLD")
    own = shingles(text)
    if len(own) < 4:
        return []
    best: tuple[float, str] = (0.0, "")
    for label, other in others:
        score = similarity(own, shingles(other))
        if score > best[0]:
            best = (score, label)
    if best[0] < threshold:
        return []
    return [
        finding(
            "near_duplicate",
            message(
                gettext_noop("{share}% the same as {source}."),
                share=round(best[0] * 100),
                source=best[1],
            ),
            part=part,
            text=plain(best[1]),
        )
    ]


_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'&-]*")


def check_output(text: str, *, part: str, language: str, own: str = "") -> list[dict[str, Any]]:
    """Empty text, the wrong language (Latin names of the product's ``own`` data aside: "扑扑新品：
    Barkley Bros" is Chinese), instructions to a model."""
    if not text.strip():
        return [
            finding(
                "output", message(gettext_noop("The model wrote nothing for this part.")), part=part
            )
        ]
    results = []
    names = {word.casefold() for word in _LATIN_WORD.findall(own)}
    prose = _LATIN_WORD.sub(lambda m: "" if m.group(0).casefold() in names else m.group(0), text)
    letters = [c for c in prose if c.isalpha()]
    cjk_share = sum(1 for c in letters if HAN_CHAR.match(c)) / max(len(letters), 1)
    if language == CHINESE and letters and cjk_share < 0.3:
        results.append(
            finding("output", message(gettext_noop("Not written in Chinese.")), part=part)
        )
    elif language != CHINESE and cjk_share > 0.1:
        results.append(
            finding("output", message(gettext_noop("Not written in English.")), part=part)
        )
    normal = normalise_for_matching(text)
    # Spans index the draft's own text; where normalising changed its length, the original
    # is matched so that a highlight lands on the right characters.
    matched = normal if len(normal) == len(text) else text
    for pattern in INJECTION_PATTERNS:
        for match in pattern.finditer(matched):
            results.append(
                finding(
                    INJECTION,
                    message(
                        gettext_noop("Reads as an instruction to a model: “{text}”."),
                        text=match.group(0).strip(),
                    ),
                    part=part,
                    text=match.group(0),
                    span=match.span(),
                )
            )
    return results


def check_input(facts: ProductFacts) -> list[dict[str, Any]]:
    results = [
        finding(
            INJECTION,
            message(
                gettext_noop(
                    "The product's {field} contains an instruction to the model (“{text}”); "
                    "it was left out of the prompt."
                ),
                field=found.field,
                text=found.text,
            ),
            text=found.text,
        )
        for found in facts.findings
    ]
    if facts.missing_required:
        results.append(
            finding(
                "input",
                message(
                    gettext_noop(
                        "Required attributes missing: {names}; the draft cannot be checked "
                        "against them."
                    ),
                    names=", ".join(facts.missing_required),
                ),
            )
        )
    if facts.truncated:
        results.append(
            finding(
                "input",
                message(
                    gettext_noop("Cut to length before prompting: {fields}."),
                    fields=", ".join(facts.truncated),
                ),
                severity=WARNING,
            )
        )
    return results


def run_checks(
    parts: dict[str, Any],
    *,
    facts: ProductFacts,
    vocabulary: Vocabulary,
    others: Sequence[Source] = (),
    example_lines: Mapping[str, Sequence[str]] | None = None,
) -> list[dict[str, Any]]:
    """Every check on every part of a candidate, input findings first.

    ``example_lines``: the prompt's examples' texts of each one-line part, which that part
    may not copy even a few words of.
    """
    results = check_input(facts)
    language = facts.language
    own = facts.grounding_text()
    results += check_repetition(parts, names=(facts.title, facts.brand), own=own)
    for part, value in parts.items():
        items = part_items(value)
        if part == "highlights" and not items:
            continue
        for item in items:
            length_part = "highlight" if part == "highlights" else part
            results += check_output(item, part=part, language=language, own=own)
            results += check_facts(item, part=part, facts=facts, vocabulary=vocabulary)
            results += check_banned(item, part=part)
            results += check_bias(item, part=part, facts=facts)
            results += check_length(item, part=length_part, language=language)
            results += check_padding(item, part=part)
            results += check_names(item, part=part, names=vocabulary.names, own=own)
        if part in ("description", "social_post"):
            results += check_near_duplicate(" ".join(items), part=part, others=others)
        lines = (example_lines or {}).get(part, ())
        copied = check_copying(
            " ".join(items),
            part=part,
            others=[(EXAMPLE_SOURCE, line) for line in lines],
            own=own,
            size=COPY_LINE_CHARACTERS if language == CHINESE else COPY_LINE_WORDS,
        )
        results += copied or check_copying(" ".join(items), part=part, others=others, own=own)
    return results


_CLAUSE_END = re.compile(r"(?<=[,;.!?，；。！？、])\s*")


def _trim_text(text: str, spans: list[tuple[int, int]]) -> tuple[str, list[str]]:
    """``text`` without the clauses that hold a span, and the clauses removed."""
    kept, removed, position = [], [], 0
    for clause in _CLAUSE_END.split(text):
        start = text.find(clause, position)
        end = start + len(clause)
        position = end
        if not clause:
            continue
        if any(start < e and s < end for s, e in spans):
            removed.append(clause.strip())
        else:
            kept.append(clause.strip())
    joiner = "" if HAN_CHAR.search(text) else " "
    result = joiner.join(kept).strip()
    if removed and result and result[-1] in ",;，；、":
        result = result[:-1] + ("。" if joiner == "" else ".")
    # "Made in Italy, this sandal…" without its first clause starts a sentence.
    return _capitalise_sentences(result), removed


_SENTENCE_START = re.compile(r"(^|[.!?]\s+)([a-z])")


def _capitalise_sentences(text: str) -> str:
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


Trimmed = tuple[dict[str, Any], list[dict[str, Any]]]
# One item of a part -> (what stays of it, "" for nothing; the findings about it).
ItemTrimmer = Callable[[str, str, bool], tuple[str, list[dict[str, Any]]]]


def trim_parts(parts: dict[str, Any], trim_item: ItemTrimmer) -> Trimmed:
    """Each part with each of its items trimmed by ``trim_item(part, item, is_list)``; a list
    part loses the items that become empty."""
    trimmed: dict[str, Any] = {}
    notes: list[dict[str, Any]] = []
    for part, value in parts.items():
        kept = []
        for item in part_items(value):
            text, found = trim_item(part, item, isinstance(value, list))
            notes += found
            if text:
                kept.append(text)
        trimmed[part] = with_items(value, kept)
    return trimmed, notes


def trim_ungrounded(
    parts: dict[str, Any], *, facts: ProductFacts, vocabulary: Vocabulary
) -> Trimmed:
    """Parts without the clauses (or highlight items) that state facts the product lacks.

    Returns the trimmed parts and one warning per removed clause, naming what it stated, so
    the merchant sees what was taken out (the model's full text stays on the draft).
    """

    def trim_item(part: str, item: str, is_list: bool) -> tuple[str, list[dict[str, Any]]]:
        found = check_facts(item, part=part, facts=facts, vocabulary=vocabulary)
        if not found:
            return item, []
        if is_list:
            text, removed = "", [item]
        else:
            text, removed = _trim_text(item, [tuple(r["span"]) for r in found])
        stated = ", ".join(dict.fromkeys(r["text"] for r in found))
        return text, [
            finding(
                "facts_removed",
                message(
                    gettext_noop(
                        "Removed “{clause}”: it stated {stated}, which the product's "
                        "data does not have."
                    ),
                    clause=clause,
                    stated=stated,
                ),
                part=part,
                text=clause,
                severity=WARNING,
            )
            for clause in removed
        ]

    return trim_parts(parts, trim_item)


# Generated parts a sentence may be cut from: the product page's. Marketing lines are flagged
# instead (a slogan or subject line is one sentence; cutting it leaves nothing).
_TRIMMED_PARTS = ("description", "highlights")


def trim_unsupported(parts: dict[str, Any], *, facts: ProductFacts, voice: Voice) -> Trimmed:
    """Parts without the sentences (or highlight items) holding words that neither the
    product's data nor the shop's copy for its category back (:mod:`copywriting.support`).

    Returns the trimmed parts and one warning per removed sentence, naming the words; a
    sentence of a marketing part, or of a description nothing of which is backed, stays and
    is an error instead.
    """
    own = " | ".join([facts.grounding_text(), *(name for _code, name, _v in facts.attributes)])

    def trim_item(part: str, item: str, is_list: bool) -> tuple[str, list[dict[str, Any]]]:
        found = unsupported_sentences(item, own=own, voice=voice)
        if not found:
            return item, []
        text = without_sentences(item, [sentence for sentence, _words in found])
        # Nothing backed at all: the text stays, flagged, for the merchant to rewrite
        # (an empty draft would say less than the model's text with its findings).
        if part in _TRIMMED_PARTS and (text or part != "description"):
            return text, [
                finding(
                    "unsupported_removed",
                    message(
                        gettext_noop(
                            "Removed “{sentence}”: neither the product's data nor the shop's "
                            "copy for this kind of product says “{words}”."
                        ),
                        sentence=sentence,
                        words=list(words),
                    ),
                    part=part,
                    text=sentence,
                    severity=WARNING,
                )
                for sentence, words in found
            ]
        return item, [
            finding(
                "unsupported",
                message(
                    gettext_noop(
                        "Neither the product's data nor the shop's copy for this kind "
                        "of product says “{words}”: “{sentence}”."
                    ),
                    words=list(words),
                    sentence=sentence,
                ),
                part=part,
                text=sentence,
            )
            for sentence, words in found
        ]

    return trim_parts(parts, trim_item)


def is_flagged(results: Iterable[dict[str, Any]]) -> bool:
    return any(result.get("severity") == ERROR for result in results)


def has_injection(results: Iterable[dict[str, Any]]) -> bool:
    return any(result.get("check") == INJECTION for result in results)


def grounding_violations(results: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [result for result in results if result.get("check") == "facts"]
