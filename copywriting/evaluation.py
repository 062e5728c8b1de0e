"""``manage.py eval_copywriting``: few-shot base model against a fine-tuned one, on files.

Reads product files of two shapes, and any file of the same kind it has never seen:

- JSON Lines with a product name, brand, other scalar fields and a description (e.g. the
  Myntra catalog: ProductName, ProductBrand, Gender, PrimaryColor, Description);
- CSV with ``content`` as ``key#value*key#value…`` and ``summary`` (AdvertiseGen), or with a
  description column and other columns as attributes.

Both systems go through the shop's own code: ``services.prepare_copy`` builds the prompts
(the fine-tuned model gets the zero-shot prompt it was trained on, the base model the
``FEWSHOT_EXAMPLES`` most similar training items as examples), ``services.generate_parts``
generates with the served alias's backend class and OPTIONS, and ``checks.run_checks`` judges
grounding. Fine-tuning is ``llm_services.training.generator.finetune_generator`` under a step
and time budget; the trained folder is deleted afterwards unless kept.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common.text import CHINESE, ENGLISH, HAN_CHAR
from copywriting import services
from copywriting.checks import check_facts, grounding_violations
from copywriting.prompts import CopyExample, ProductFacts, build_facts, example_score
from copywriting.vocabulary import Term, Vocabulary
from llm_services import Generator, LLMBadRequest
from llm_services.training import Example, clean_text, generation_scores

TITLE_KEYS = ("productname", "title", "name", "product_name")
BRAND_KEYS = ("productbrand", "brand")
TARGET_KEYS = ("description", "summary", "copy", "target")
# Fields that are identifiers or bookkeeping, not facts to write from.
IGNORED_KEYS = ("productid", "id", "sku", "numimages", "price", "url", "image", "images")
KIND_OF_KEY = (
    ("color", ("color", "colour", "颜色")),
    ("material", ("material", "fabric", "材质", "面料")),
    ("size", ("size", "尺码")),
    ("gender", ("gender", "性别")),
)


class EvaluationError(Exception):
    """The file cannot be read as copywriting data; the message says why."""


@dataclass
class EvalItem:
    facts: ProductFacts
    target: str
    category: str = ""

    @property
    def language(self) -> str:
        return self.facts.language

    def example(self) -> Example:
        return Example(
            source=self.facts.source,
            target=self.target,
            language=self.language,
            key=f"item:{self.facts.product_id}",
        )


def _kind(key: str) -> str | None:
    folded = key.casefold()
    for kind, words in KIND_OF_KEY:
        if any(word in folded for word in words):
            return kind
    return None


def _language_of(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    cjk = sum(1 for c in letters if HAN_CHAR.match(c))
    return CHINESE if letters and cjk / len(letters) > 0.3 else ENGLISH


def _item(
    index: int, *, title: str, brand: str, pairs: list[tuple[str, str]], target: str, category: str
) -> EvalItem | None:
    target = clean_text(target)
    if not target:
        return None
    raw: dict[str, Any] = {}
    attributes = []
    for key, value in pairs:
        kind = _kind(key)
        code = kind or key
        attributes.append((code, key, value))
        if kind == "gender":
            raw["gender"] = value.casefold().rstrip("'s")
        elif code in raw:
            raw[code] = [*(raw[code] if isinstance(raw[code], list) else [raw[code]]), value]
        else:
            raw[code] = value
    facts = build_facts(
        product_id=index,
        language=_language_of(target),
        category_id=None,
        title=title,
        brand=brand,
        category=category,
        attributes=attributes,
        highlights=[],
        raw_attributes=raw,
    )
    return EvalItem(facts=facts, target=target, category=category)


def _rows_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise EvaluationError(f"{path}:{number}: not JSON ({exc})") from exc


def _rows_csv(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def _pick(row: dict[str, Any], keys: Sequence[str]) -> tuple[str, str]:
    for key, value in row.items():
        if key and key.casefold().replace(" ", "") in keys and value not in (None, ""):
            return key, str(value)
    return "", ""


def read_items(path: Path) -> list[EvalItem]:
    """Every usable row of a JSON Lines or CSV copywriting file.

    Raises:
        EvaluationError: unknown shape, no description column, or nothing usable.
    """
    if not path.is_file():
        raise EvaluationError(f"{path} does not exist.")
    with path.open(encoding="utf-8") as handle:
        first = handle.read(1)
    rows = _rows_jsonl(path) if first == "{" else _rows_csv(path)
    items: list[EvalItem] = []
    for index, row in enumerate(rows):
        target_key, target = _pick(row, TARGET_KEYS)
        if not target_key:
            if index == 0:
                raise EvaluationError(
                    f"{path}: no description column (one of {', '.join(TARGET_KEYS)})."
                )
            continue
        title_key, title = _pick(row, TITLE_KEYS)
        brand_key, brand = _pick(row, BRAND_KEYS)
        pairs: list[tuple[str, str]] = []
        category = ""
        content = row.get("content")
        if isinstance(content, str) and "#" in content:
            for chunk in content.split("*"):
                key, _sep, value = chunk.partition("#")
                if key.strip() and value.strip():
                    pairs.append((key.strip(), value.strip()))
            category = next((v for k, v in pairs if k in ("类型", "type", "category")), "")
        used = {target_key, title_key, brand_key, "content"}
        for key, value in row.items():
            if key in used or value in (None, "") or isinstance(value, dict | list):
                continue
            if key.casefold() in IGNORED_KEYS:
                continue
            pairs.append((key, str(value)))
        item = _item(index, title=title, brand=brand, pairs=pairs, target=target, category=category)
        if item is not None:
            items.append(item)
    if not items:
        raise EvaluationError(f"{path}: no row with a description.")
    return items


def vocabulary_for(items: Sequence[EvalItem]) -> Vocabulary:
    """Colour/material/size/gender values and brands seen in the files, plus the built-ins."""
    terms = []
    brands = set()
    for item in items:
        if item.facts.brand:
            brands.add(item.facts.brand)
        for code, _name, value in item.facts.attributes:
            if code in ("color", "material", "size", "gender"):
                raw = item.facts.raw_attributes.get(code)
                stored = value.casefold().rstrip("'s") if code == "gender" else value
                if raw is not None:
                    terms.append(Term(code, value, code, stored))
    return Vocabulary.with_builtins(terms, brands)


def choose_examples(
    item: EvalItem, pool: Sequence[EvalItem], *, limit: int, candidates: int = 200
) -> list[EvalItem]:
    """The shop's rule: same category and language, most similar facts first."""
    same = [p for p in pool if p.language == item.language and p.category == item.category]
    same = same[:candidates] if len(same) > candidates else same
    if not same:
        same = [p for p in pool if p.language == item.language][:candidates]
    ranked = sorted(same, key=lambda p: example_score(item.facts, p.facts), reverse=True)
    return ranked[:limit]


@dataclass
class SystemResult:
    name: str
    outputs: list[str]
    checks: list[list[dict[str, Any]]]
    seconds: float
    extra: dict[str, Any] = field(default_factory=dict)

    def scores(self, items: Sequence[EvalItem]) -> dict[str, Any]:
        references = [item.target for item in items]
        languages = [item.language for item in items]
        scored = generation_scores(self.outputs, references, languages=languages)
        violated = sum(1 for results in self.checks if grounding_violations(results))
        return {
            "bleu4": scored["bleu4"],
            "rougeL": scored["rouge_l"],
            "chrf": scored["chrf"],
            "violation_rate": round(violated / max(len(items), 1), 4),
            "items_per_min": round(60 * len(items) / self.seconds, 2) if self.seconds else None,
            "items": len(items),
            **self.extra,
        }


def run_system(
    name: str,
    backend: Generator,
    items: Sequence[EvalItem],
    *,
    examples_for: Callable[[EvalItem], list[EvalItem]],
    finetuned: bool,
    vocabulary: Vocabulary,
    batch_size: int,
    length: str,
    progress: Callable[[int], None] | None = None,
) -> SystemResult:
    """Generate descriptions for ``items`` through the shop's prompts, time them, check them."""
    request = services.CopyRequest(length=length)
    outputs: list[str] = []
    results: list[list[dict[str, Any]]] = []
    seconds = 0.0
    refused = 0
    raw_outputs: list[str] = []
    raw_results: list[list[dict[str, Any]]] = []
    for start in range(0, len(items), batch_size):
        chunk = items[start : start + batch_size]
        prepared = []
        for item in chunk:
            shots = [
                CopyExample(example.facts, {"description": example.target})
                for example in examples_for(item)
            ]
            copy = services.prepare_copy(
                item.facts,
                services.CopyRequest(language=item.language, length=request.length),
                examples=shots,
                finetuned=finetuned,
            )
            # The reference is a description: the highlights part is not generated.
            copy.prompts = [p for p in copy.prompts if p.part == "description"]
            prepared.append(copy)
        began = time.perf_counter()
        try:
            generated: list[Any] = services.generate_parts(backend, prepared, vocabulary=vocabulary)
        except LLMBadRequest:
            # One prompt does not fit the model: the others are generated one by one, and it
            # is scored as an empty (refused) item.
            generated = []
            for copy in prepared:
                try:
                    generated += services.generate_parts(backend, [copy], vocabulary=vocabulary)
                except LLMBadRequest:
                    generated.append(None)
                    refused += 1
        seconds += time.perf_counter() - began
        for copy, result in zip(prepared, generated, strict=True):
            text = str(result.parts.get("description") or "") if result is not None else ""
            # As the shop stores a draft: checked, and trimmed of ungrounded clauses when
            # COPYWRITING_TRIM_UNGROUNDED is on; the raw text is scored too.
            finished = services.finish_parts(
                copy, {"description": text}, vocabulary=vocabulary, others=[]
            )
            outputs.append(str(finished.parts.get("description") or ""))
            results.append(finished.checks)
            raw_outputs.append(text)
            raw_results.append(finished.raw_checks)
        if progress is not None:
            progress(len(chunk))
    # Against the prompt's examples only (no other copy is passed): mostly the same text, or
    # 8+ words (Chinese: characters) in a row of one.
    copies = sum(
        1 for r in raw_results if any(c["check"] in ("near_duplicate", "copying") for c in r)
    )
    raw_violations = sum(1 for r in raw_results if grounding_violations(r))
    # How often the file's own descriptions state what their item's data does not: the part
    # of ROUGE-L and BLEU that only text the checks would flag can earn.
    references_flagged = sum(
        1
        for item in items
        if check_facts(item.target, part="description", facts=item.facts, vocabulary=vocabulary)
    )
    references = [item.target for item in items]
    raw = generation_scores(raw_outputs, references, languages=[i.language for i in items])
    return SystemResult(
        name,
        outputs,
        results,
        seconds,
        extra={
            "copied_an_example": copies,
            "refused": refused,
            "raw_rougeL": raw["rouge_l"],
            "raw_violation_rate": round(raw_violations / max(len(items), 1), 4),
            "reference_violation_rate": round(references_flagged / max(len(items), 1), 4),
            "trimmed": sum(1 for a, b in zip(raw_outputs, outputs, strict=True) if a != b),
        },
    )


def split_items(
    items: list[EvalItem], *, test_size: int, seed: int
) -> tuple[list[EvalItem], list[EvalItem]]:
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    test = [items[i] for i in order[:test_size]]
    train = [items[i] for i in order[test_size:]]
    return train, test


def remove_folder(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
