"""``manage.py eval_translation``: parallel text files, their scores and the term survival.

A file is CSV with a header naming the two languages ("zh_tw,en", "en,zh-hans"); each row
is a source text and its reference translation (the first two columns). Traditional Chinese
sources are converted to Simplified as the engine converts them; a Traditional reference is
converted too, since the engine writes Simplified.

Scores are sacreBLEU's corpus BLEU and chrF (the zh tokenizer for Chinese references), with
their signatures, so the figures can be reproduced outside the shop.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.text import CHINESE
from llm_services.training import Example
from translation.glossary import entries_in, extract_terms, missing_terms
from translation.languages import LanguageError, source_language, to_simplified
from translation.prompts import KINDS, Pair


class TranslationFileError(ValueError):
    """The file cannot be read as parallel text; the message says why and where."""


@dataclass(frozen=True)
class PairFile:
    """A file's pairs, converted to the languages the engine works in."""

    path: Path
    source: str  # "en" or "zh-hans"
    target: str
    source_code: str  # as the header wrote it ("zh_tw")
    target_code: str
    pairs: list[Pair] = field(default_factory=list)
    skipped: int = 0


def read_pairs(path: Path | str, *, kind: str = "title") -> PairFile:
    """Read a two-column CSV of (source, reference) with a header naming the languages.

    Rows with an empty source or reference are skipped (counted).

    Raises:
        TranslationFileError: missing or unreadable file, not UTF-8, no header, a header
            that does not name two different languages, a row with fewer than two columns,
            or no pairs.
    """
    path = Path(path)
    if kind not in KINDS:
        raise TranslationFileError(f"Unknown kind {kind!r}: use one of {', '.join(KINDS)}.")
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except FileNotFoundError as exc:
        raise TranslationFileError(f"{path}: no such file.") from exc
    except UnicodeDecodeError as exc:
        raise TranslationFileError(f"{path}: not UTF-8 text ({exc.reason}).") from exc
    except (OSError, csv.Error) as exc:
        raise TranslationFileError(f"{path}: cannot be read as CSV ({exc}).") from exc
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise TranslationFileError(f"{path}: empty; expected a header such as 'zh_tw,en'.")
    header = [cell.strip() for cell in rows[0]]
    if len(header) < 2:
        raise TranslationFileError(
            f"{path}: the header has {len(header)} column; expected the source and target "
            "languages, such as 'zh_tw,en'."
        )
    try:
        source, conversion = source_language(header[0])
        target, target_conversion = source_language(header[1])
    except LanguageError as exc:
        raise TranslationFileError(
            f"{path}: the header {','.join(header[:2])!r} must name the languages of the two "
            f"columns, such as 'zh_tw,en' or 'en,zh-hans' ({exc})"
        ) from exc
    if source == target:
        raise TranslationFileError(
            f"{path}: both columns are {source}; translation needs two different languages."
        )
    pairs, skipped = [], 0
    for line, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) < 2:
            raise TranslationFileError(
                f"{path}, line {line}: {len(row)} column; expected a source and a reference."
            )
        text, reference = row[0].strip(), row[1].strip()
        if not text or not reference:
            skipped += 1
            continue
        pairs.append(
            Pair(to_simplified(text, conversion), to_simplified(reference, target_conversion), kind)
        )
    if not pairs:
        raise TranslationFileError(f"{path}: no rows with both a source and a reference.")
    return PairFile(
        path=path,
        source=source,
        target=target,
        source_code=header[0],
        target_code=header[1],
        pairs=pairs,
        skipped=skipped,
    )


def pair_examples(
    pairs: Sequence[Pair],
    *,
    source: str,
    target: str,
    prefix: str,
    glossary: Sequence[Sequence[str]] = (),
) -> list[Example]:
    """Pairs as training examples of the "translation" task (with the glossary entries each
    source names, which its prompt lists to keep)."""
    return [
        Example(
            source={
                "text": pair.source,
                "source": source,
                "kind": pair.kind,
                "glossary": entries_in(pair.source, glossary),
            },
            target=pair.target,
            language=target,
            key=f"{prefix}:{index}",
        )
        for index, pair in enumerate(pairs)
    ]


def split_pairs(
    pairs: Sequence[Pair], *, test_size: int, seed: int = 0
) -> tuple[list[Pair], list[Pair]]:
    """A seeded shuffle cut into (train, test)."""
    shuffled = list(pairs)
    random.Random(seed).shuffle(shuffled)
    return shuffled[test_size:], shuffled[:test_size]


def corpus_scores(hypotheses: Sequence[str], references: Sequence[str], *, target: str) -> dict:
    """sacreBLEU corpus BLEU and chrF, rounded, with their signatures."""
    from sacrebleu.metrics import BLEU, CHRF

    bleu = BLEU(tokenize="zh" if target == CHINESE else "13a")
    chrf = CHRF()
    hyps, refs = list(hypotheses), [list(references)]
    return {
        "bleu": round(bleu.corpus_score(hyps, refs).score, 2),
        "chrf": round(chrf.corpus_score(hyps, refs).score, 2),
        "bleu_signature": str(bleu.get_signature()),
        "chrf_signature": str(chrf.get_signature()),
    }


def term_survival(
    sources: Sequence[str],
    outputs: Sequence[str],
    *,
    source: str,
    glossary: Sequence[Sequence[str]] = (),
) -> dict[str, Any]:
    """How many protected terms of the sources the outputs kept, and in how many outputs all."""
    total = kept = items_with_terms = items_all_kept = 0
    for text, output in zip(sources, outputs, strict=True):
        terms = extract_terms(text, glossary=glossary, chinese_source=source == CHINESE)
        if not terms:
            continue
        lost = missing_terms(terms, output)
        total += len(terms)
        kept += len(terms) - len(lost)
        items_with_terms += 1
        items_all_kept += not lost
    return {
        "terms": total,
        "terms_kept": kept,
        "term_survival": round(kept / total, 4) if total else None,
        "outputs_with_terms": items_with_terms,
        "outputs_all_kept": round(items_all_kept / items_with_terms, 4)
        if items_with_terms
        else None,
    }
