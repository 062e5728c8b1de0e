"""Prompts for translating with the base generator (few-shot) or a fine-tuned one (zero-shot).

A prompt names the direction and the kind of text, then shows examples as
``Chinese: …`` / ``English: …`` line pairs and ends with the text to translate and the
target language's label; the model writes the translation on that line (the engine stops
it at the line's end). A model fine-tuned with ``manage.py finetune generator --task
translation`` learnt the same prompt without examples (``translation.training``), so it is
asked exactly what it learnt.

The examples are data (``translation/data/fewshot.yaml``, each pair usable both ways); for
one text the ones of its kind and most alike in characters are chosen, the most alike
last, next to the text. Every text is reduced to one line before it enters a prompt, so it
cannot start a new example line of its own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from common.text import CHINESE, ENGLISH
from translation.glossary import extract_terms
from translation.languages import NAMES, to_simplified

# Stored with every cached translation and fine-tuned version: change it with the prompt
# or the examples file.
# v2: a "Keep:" line lists the source's protected terms under each source line; repeated
# phrases trimmed from the output. v3: the line only in zero-shot prompts (fine-tuned
# models): it confused the base model few-shot (chrF 34.3 -> 23.8 on held-out Shopee titles,
# docs/benchmarks.md), while a model fine-tuned with it kept more terms.
PROMPT_VERSION = "translation-v3"
KINDS = ("title", "description", "highlight", "label", "review", "text")
_KIND_WORDS = {
    "title": "product titles",
    "description": "product descriptions",
    "highlight": "product highlights",
    "label": "shop labels",
    "review": "customer reviews",
    "text": "shop texts",
}
# The most tokens one segment's translation may take, per kind.
MAX_NEW_TOKENS = {
    "title": 64,
    "label": 32,
    "highlight": 64,
    "description": 160,
    "review": 160,
    "text": 160,
}
# Longer texts are translated a sentence group at a time (a small model loses its way in
# long lines); titles, labels and highlights are one segment, whatever their length.
SEGMENTED_KINDS = ("description", "review", "text")
SEGMENT_CHARS = 240
EXAMPLES_FILE = Path(__file__).resolve().parent / "data" / "fewshot.yaml"
STOP = ("\n",)
KEEP_LABEL = "Keep"
MAX_KEPT = 8
# A phrase of four characters or more said three times or more in a row: a model's loop.
_LOOP = re.compile(r"(\S.{3,}?)(?:[\s,;/|-]*\1){2,}")
# A short text (a title) said twice in a row: "厨房智能锅 厨房智能锅".
_DOUBLED = re.compile(r"^(\S.{3,}?)[\s,;/|-]*\1$")
# Markup a base model copies from web text ("<strong>"): never part of a translation.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_SENTENCE_END = re.compile(r"(?<=[。！？!?])|(?<=[.;；])\s+(?=[A-Z\"“(0-9])")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Pair:
    """A source text and its translation (an example, or a training or test item)."""

    source: str
    target: str
    kind: str = "text"


def one_line(text: str) -> str:
    """``text`` on one line, spaces collapsed."""
    return _SPACES.sub(" ", text).strip()


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"Unknown kind {kind!r}: use one of {', '.join(KINDS)}.")
    return kind


@lru_cache(maxsize=1)
def _example_file() -> tuple[tuple[str, str, str], ...]:
    data = yaml.safe_load(EXAMPLES_FILE.read_text(encoding="utf-8"))
    return tuple((p["kind"], p["en"], p["zh"]) for p in data["pairs"])


def example_pool(source: str, target: str) -> list[Pair]:
    """The examples file's pairs for one direction ("en" / "zh-hans")."""
    pairs = []
    for kind, english, chinese in _example_file():
        if source == ENGLISH and target == CHINESE:
            pairs.append(Pair(english, chinese, kind))
        elif source == CHINESE and target == ENGLISH:
            pairs.append(Pair(chinese, english, kind))
    return pairs


def _grams(text: str) -> Counter[str]:
    folded = text.casefold()
    return Counter(folded[i : i + 2] for i in range(len(folded) - 1)) or Counter([folded])


def choose_examples(text: str, pool: Sequence[Pair], *, kind: str, limit: int) -> list[Pair]:
    """``limit`` examples for ``text``: of its kind first, then the most alike in character
    bigrams; ordered least alike first, so the closest example sits next to the text."""
    if limit <= 0 or not pool:
        return []
    grams = _grams(text)

    def score(pair: Pair) -> tuple[int, float]:
        other = _grams(pair.source)
        shared = sum((grams & other).values())
        return (pair.kind == kind, shared / (1 + sum(other.values())) ** 0.5)

    ranked = sorted(pool, key=score, reverse=True)[:limit]
    return list(reversed(ranked))


def keep_terms(text: str, *, source: str, glossary: Sequence[Sequence[str]] = ()) -> list[str]:
    """The protected terms of ``text`` a prompt lists to keep (a number inside a listed code
    or unit is not listed again), at most MAX_KEPT."""
    terms = [
        term.text
        for term in extract_terms(text, glossary=glossary, chinese_source=source == CHINESE)
    ]
    kept = [term for term in terms if not any(term != other and term in other for other in terms)]
    return kept[:MAX_KEPT]


def build_prompt(
    text: str,
    *,
    source: str,
    target: str,
    kind: str = "text",
    examples: Sequence[Pair] = (),
    glossary: Sequence[Sequence[str]] = (),
    list_terms: bool = False,
) -> str:
    """The prompt for one segment (``text``, already in Simplified Chinese or English).

    With ``list_terms`` (the zero-shot prompt a fine-tuned model learns), a "Keep:" line
    under the source line lists its protected terms (``glossary``: brands and the
    merchant's terms, see ``translation.glossary``), so the model learns to carry them
    over. Few-shot prompts for the base model go without it: it copied the list instead
    of translating.
    """
    source_name, target_name = NAMES[source], NAMES[target]
    lines = [
        f"Translate {_KIND_WORDS[check_kind(kind)]} from {source_name} to {target_name}. "
        "Keep brand names, model numbers, sizes, units and numbers unchanged.",
        "",
    ]

    def source_lines(segment: str) -> list[str]:
        keep = keep_terms(segment, source=source, glossary=glossary) if list_terms else []
        listed = [f"{KEEP_LABEL}: {', '.join(keep)}"] if keep else []
        return [f"{source_name}: {one_line(segment)}", *listed]

    for example in examples:
        lines += [
            *source_lines(example.source),
            f"{target_name}: {one_line(example.target)}",
            "",
        ]
    lines += [*source_lines(text), f"{target_name}:"]
    return "\n".join(lines)


def max_new_tokens(text: str, *, source: str, kind: str) -> int:
    """A generation budget for one segment: room for its translation, capped by kind."""
    # English runs to about 1.5 tokens per Chinese character at most; Chinese to about two
    # tokens per English word.
    size = len(text) * 2 if source == CHINESE else len(text.split()) * 3
    return max(8, min(MAX_NEW_TOKENS[kind], 12 + size))


def split_segments(text: str, *, kind: str) -> list[list[str]]:
    """``text`` as lines of segments: one segment for short kinds, else each line cut at
    sentence ends into groups of at most SEGMENT_CHARS (a longer sentence stays whole)."""
    if kind not in SEGMENTED_KINDS:
        return [[one_line(text)]]
    lines = []
    for line in text.splitlines():
        line = one_line(line)
        if not line:
            lines.append([])
            continue
        groups: list[str] = []
        for sentence in (s.strip() for s in _SENTENCE_END.split(line)):
            if not sentence:
                continue
            if groups and len(groups[-1]) + len(sentence) + 1 <= SEGMENT_CHARS:
                glue = "" if groups[-1][-1] in "。！？；" else " "
                groups[-1] = f"{groups[-1]}{glue}{sentence}"
            else:
                groups.append(sentence)
        lines.append(groups)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def join_segments(lines: Sequence[Sequence[str]], *, target: str) -> str:
    """Translated segments back into lines (Chinese sentences run on, English ones spaced)."""
    glue = "" if target == CHINESE else " "
    return "\n".join(glue.join(s for s in line if s) for line in lines).strip()


def tidy_output(text: str, *, target: str) -> tuple[str, bool]:
    """The generated line without what a model may add around it, and whether a phrase it
    looped on was cut back to its first saying."""
    text = text.split("\n", 1)[0].strip()
    for name in NAMES.values():
        if text.startswith(f"{name}:"):
            text = text[len(name) + 1 :].strip()
    text = _SPACES.sub(" ", _TAG.sub(" ", text)).strip()
    if target == CHINESE:
        # The base model slips into Traditional characters (its web text mixes both).
        text = to_simplified(text)
    trimmed = _DOUBLED.sub(r"\1", _LOOP.sub(r"\1", text)).strip()
    return trimmed, trimmed != text
