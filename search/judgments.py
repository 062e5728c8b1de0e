"""Judged queries for the shop's own catalog: does the search give shoppers sensible rows?

A judgments file (YAML, e.g. ``demo/content/search_judgments.yaml``) lists queries in English
and Chinese with graded expectations written as predicates over catalog facts (category,
brand, attribute values, words of the English title, price), never as database ids, so one
file judges any size of the same catalog. A product in ``want`` has grade 2, in ``also``
grade 1, otherwise 0; ``forbid`` names the tempting wrong answers.

A query passes when it finds something and each of its top ``top`` results (4 unless the
case says otherwise, or fewer where the catalog holds fewer acceptable products) has grade
≥ 1, none is forbidden, and every ``skus`` product is among them. Reported beside the pass
rate: nDCG@4 on the grades (gain 2^grade − 1, the ideal order taken from the whole catalog),
the "absurd first rows" (a first result of grade 0 or forbidden), and for cases written in
both languages the overlap of the two top-10 lists (the same answer in Chinese as in
English).

This module only reads and judges; :func:`evaluate` takes the search as a function, so the
tests and ``manage.py eval_judged_search`` run the same code on the storefront search.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from common.text import CHINESE, ENGLISH

DEFAULT_TOP = 4
OVERLAP_AT = 10
NDCG_AT = 4
LANGUAGES = (ENGLISH, CHINESE)
PREDICATE_KEYS = {"category", "brand", "attributes", "title", "not_title", "price_min", "price_max"}
CASE_KEYS = {
    "en",
    "zh",
    "query",
    "language",
    "want",
    "also",
    "forbid",
    "top",
    "skus",
    "topic",
    "intent",
}


class JudgmentsError(ValueError):
    """The judgments file is not valid; the message names the case and the key."""


@dataclass(frozen=True)
class ProductFacts:
    """What a predicate may look at, read from the catalog."""

    product_id: int
    sku: str
    # The product's category, then its ancestors, by slug.
    category_slugs: tuple[str, ...]
    brand_slug: str
    attributes: Mapping[str, Any]
    price: Decimal
    title: str


@dataclass(frozen=True)
class Predicate:
    """Products a shopper would accept; every given condition must hold."""

    category: str = ""
    brand: str = ""
    attributes: Mapping[str, frozenset[str]] = field(default_factory=dict)
    titles: tuple[str, ...] = ()
    not_titles: tuple[str, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None

    def __call__(self, product: ProductFacts) -> bool:
        if self.category and self.category not in product.category_slugs:
            return False
        if self.brand and product.brand_slug != self.brand:
            return False
        for code, values in self.attributes.items():
            if str(product.attributes.get(code)) not in values:
                return False
        title = product.title.casefold()
        if self.titles and not any(t.casefold() in title for t in self.titles):
            return False
        if any(t.casefold() in title for t in self.not_titles):
            return False
        if self.price_min is not None and product.price < self.price_min:
            return False
        return self.price_max is None or product.price <= self.price_max

    def describe(self) -> str:
        parts = []
        if self.category:
            parts.append(f"category {self.category}")
        if self.brand:
            parts.append(f"brand {self.brand}")
        parts += [f"{code} in {'/'.join(sorted(v))}" for code, v in self.attributes.items()]
        if self.titles:
            parts.append(f"title has {' or '.join(repr(t) for t in self.titles)}")
        if self.not_titles:
            parts.append(f"title lacks {' and '.join(repr(t) for t in self.not_titles)}")
        if self.price_min is not None:
            parts.append(f"price >= {self.price_min}")
        if self.price_max is not None:
            parts.append(f"price <= {self.price_max}")
        return ", ".join(parts) or "anything"


@dataclass(frozen=True)
class Query:
    """One query of a case, in one language."""

    text: str
    language: str
    case: Case

    @property
    def id(self) -> str:
        return f"{self.language}:{self.text}"


@dataclass(frozen=True)
class Case:
    """One shopper's need, asked in one or both languages."""

    queries: tuple[tuple[str, str], ...]  # (language, text)
    want: tuple[Predicate, ...]
    also: tuple[Predicate, ...] = ()
    forbid: tuple[Predicate, ...] = ()
    top: int = DEFAULT_TOP
    skus: tuple[str, ...] = ()
    topic: str = ""
    intent: str = ""

    def grade(self, product: ProductFacts) -> int:
        if any(p(product) for p in self.want):
            return 2
        return 1 if any(p(product) for p in self.also) else 0

    def forbidden(self, product: ProductFacts) -> bool:
        return any(p(product) for p in self.forbid)

    def each_query(self) -> list[Query]:
        return [Query(text, language, self) for language, text in self.queries]

    @property
    def paired(self) -> bool:
        return len(self.queries) == 2

    def describe(self) -> str:
        lines = [f"want: {' | '.join(p.describe() for p in self.want)}"]
        if self.also:
            lines.append(f"also: {' | '.join(p.describe() for p in self.also)}")
        if self.forbid:
            lines.append(f"forbid: {' | '.join(p.describe() for p in self.forbid)}")
        return "; ".join(lines)


@dataclass(frozen=True)
class JudgedSet:
    cases: tuple[Case, ...]
    path: str = ""

    def queries(self) -> list[Query]:
        return [query for case in self.cases for query in case.each_query()]


# -- reading the file -------------------------------------------------------------------------


def _decimal(value: Any, where: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise JudgmentsError(f"{where}: {value!r} is not a number") from None
    if not amount.is_finite() or amount < 0:
        raise JudgmentsError(f"{where}: {value!r} is not a price")
    return amount


def _phrases(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise JudgmentsError(f"{where}: expected a list of phrases")
    return tuple(value)


def _predicate(raw: Any, where: str) -> Predicate:
    if not isinstance(raw, dict) or not raw:
        raise JudgmentsError(f"{where}: a predicate is a mapping of conditions")
    unknown = set(raw) - PREDICATE_KEYS
    if unknown:
        raise JudgmentsError(f"{where}: unknown condition(s) {sorted(unknown)}")
    attributes: dict[str, frozenset[str]] = {}
    for code, values in (raw.get("attributes") or {}).items():
        values = values if isinstance(values, list) else [values]
        attributes[str(code)] = frozenset(str(v) for v in values)
    return Predicate(
        category=str(raw.get("category", "")),
        brand=str(raw.get("brand", "")),
        attributes=attributes,
        titles=_phrases(raw["title"], f"{where}.title") if "title" in raw else (),
        not_titles=_phrases(raw["not_title"], f"{where}.not_title") if "not_title" in raw else (),
        price_min=_decimal(raw["price_min"], f"{where}.price_min") if "price_min" in raw else None,
        price_max=_decimal(raw["price_max"], f"{where}.price_max") if "price_max" in raw else None,
    )


def _predicates(raw: Any, kinds: dict[str, Predicate], where: str) -> tuple[Predicate, ...]:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    found = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            if item not in kinds:
                raise JudgmentsError(f"{where}[{i}]: unknown kind {item!r}")
            found.append(kinds[item])
        else:
            found.append(_predicate(item, f"{where}[{i}]"))
    return tuple(found)


def _case(raw: Any, kinds: dict[str, Predicate], where: str) -> Case:
    if not isinstance(raw, dict):
        raise JudgmentsError(f"{where}: a case is a mapping")
    unknown = set(raw) - CASE_KEYS
    if unknown:
        raise JudgmentsError(f"{where}: unknown key(s) {sorted(unknown)}")
    queries: list[tuple[str, str]] = []
    if "query" in raw:
        language = raw.get("language")
        if language not in LANGUAGES:
            raise JudgmentsError(f"{where}.language: one of {list(LANGUAGES)}, not {language!r}")
        queries.append((language, str(raw["query"])))
    else:
        queries += [(ENGLISH, str(raw["en"]))] if raw.get("en") else []
        queries += [(CHINESE, str(raw["zh"]))] if raw.get("zh") else []
    if not queries or not all(text.strip() for _, text in queries):
        raise JudgmentsError(f"{where}: needs 'query' and 'language', or 'en' and/or 'zh'")
    skus = _phrases(raw["skus"], f"{where}.skus") if "skus" in raw else ()
    want = _predicates(raw.get("want"), kinds, f"{where}.want")
    if not want and not skus:
        raise JudgmentsError(f"{where}: needs 'want' (or 'skus' for a known item)")
    top = raw.get("top", DEFAULT_TOP)
    if not isinstance(top, int) or isinstance(top, bool) or not 1 <= top <= OVERLAP_AT:
        raise JudgmentsError(f"{where}.top: a whole number from 1 to {OVERLAP_AT}")
    return Case(
        queries=tuple(queries),
        want=want,
        also=_predicates(raw.get("also"), kinds, f"{where}.also"),
        forbid=_predicates(raw.get("forbid"), kinds, f"{where}.forbid"),
        top=top,
        skus=skus,
        topic=str(raw.get("topic", "")),
        intent=str(raw.get("intent", "")),
    )


def parse_judgments(data: Any, path: str = "") -> JudgedSet:
    """The judged set in ``data`` (the YAML's content); raises JudgmentsError naming the case."""
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise JudgmentsError(f"{path or 'judgments'}: expected a mapping with a 'cases' list")
    raw_kinds = data.get("kinds") or {}
    kinds = {str(name): _predicate(raw, f"kinds.{name}") for name, raw in raw_kinds.items()}
    cases = tuple(_case(raw, kinds, f"cases[{i}]") for i, raw in enumerate(data["cases"]))
    seen: set[str] = set()
    for case in cases:
        for query in case.each_query():
            if query.id in seen:
                raise JudgmentsError(f"query {query.id!r} is judged twice")
            seen.add(query.id)
    return JudgedSet(cases=cases, path=path)


def load_judgments(path: str | Path) -> JudgedSet:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise JudgmentsError(f"{path}: cannot read ({error.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise JudgmentsError(f"{path}: not valid YAML ({error})") from None
    return parse_judgments(data, str(path))


# -- judging ----------------------------------------------------------------------------------


@dataclass
class Outcome:
    """How the search answered one query."""

    query: Query
    top: list[ProductFacts]
    total: int
    # The positions judged: the case's top, or fewer when the catalog holds fewer
    # acceptable products.
    judged: int
    grades: list[int]
    forbidden: list[str]
    missing_skus: list[str]
    ndcg: float

    @property
    def passed(self) -> bool:
        # Fewer rows than judged is no wrong row ("Sonic S Mechanical Keyboard" finds one);
        # what a short list misses, nDCG@4 counts.
        return (
            bool(self.top)
            and all(g >= 1 for g in self.grades[: self.judged])
            and not self.forbidden
            and not self.missing_skus
        )

    @property
    def absurd_first_row(self) -> bool:
        """The first result is no answer to the query (or forbidden); an empty page is not."""
        return bool(self.top) and (self.grades[0] == 0 or self.query.case.forbidden(self.top[0]))

    def report(self) -> str:
        case = self.query.case
        lines = [
            f"query {self.query.text!r} ({self.query.language}, {case.topic}): {case.intent}",
            f"each of the top {self.judged} must be acceptable; {case.describe()}",
        ]
        if self.forbidden:
            lines.append(f"forbidden in the top {self.judged}: {self.forbidden}")
        if case.skus:
            lines.append(f"expected SKUs {list(case.skus)}; missing {self.missing_skus}")
        lines.append(f"top {len(self.top)} of {self.total} (grade):")
        for position, (product, grade) in enumerate(zip(self.top, self.grades, strict=True), 1):
            mark = "x" if case.forbidden(product) else str(grade)
            lines.append(
                f"  {position:2d}. [{mark}] {product.sku} {product.title} "
                f"[{product.category_slugs[0]}, {product.brand_slug}, {product.price}]"
            )
        return "\n".join(lines)


def _dcg(grades: Iterable[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades))


def judge(query: Query, product_ids: Sequence[int], facts: Mapping[int, ProductFacts]) -> Outcome:
    """Grade a result list (product ids, best first) against the query's case."""
    case = query.case
    top = [facts[pid] for pid in product_ids[:OVERLAP_AT] if pid in facts]
    grades = [case.grade(product) for product in top]
    acceptable = sorted((case.grade(p) for p in facts.values()), reverse=True)
    judged = min(case.top, sum(1 for g in acceptable if g >= 1)) or case.top
    shown = top[:judged]
    skus = {product.sku for product in shown}
    ideal = _dcg(acceptable[:NDCG_AT])
    return Outcome(
        query=query,
        top=top,
        total=len(product_ids),
        judged=judged,
        grades=grades,
        forbidden=[p.sku for p in shown if case.forbidden(p)],
        missing_skus=[sku for sku in case.skus if sku not in skus],
        ndcg=_dcg(grades[:NDCG_AT]) / ideal if ideal else 0.0,
    )


@dataclass
class Report:
    outcomes: list[Outcome]
    # Per paired case: (English query, Chinese query, overlap of their top 10).
    overlaps: list[tuple[str, str, float]]

    def _share(self, outcomes: list[Outcome]) -> dict[str, Any]:
        count = len(outcomes)
        return {
            "queries": count,
            "passed": sum(o.passed for o in outcomes),
            "pass_rate": round(sum(o.passed for o in outcomes) / count, 4) if count else 0.0,
            "ndcg@4": round(sum(o.ndcg for o in outcomes) / count, 4) if count else 0.0,
            "absurd_first_rows": sum(o.absurd_first_row for o in outcomes),
            "empty": sum(not o.top for o in outcomes),
        }

    def summary(self) -> dict[str, Any]:
        summary = self._share(self.outcomes)
        summary["by_language"] = {
            language: self._share([o for o in self.outcomes if o.query.language == language])
            for language in LANGUAGES
        }
        topics = sorted({o.query.case.topic for o in self.outcomes})
        summary["by_topic"] = {
            topic: self._share([o for o in self.outcomes if o.query.case.topic == topic])
            for topic in topics
        }
        summary["pairs"] = len(self.overlaps)
        summary["overlap@10"] = (
            round(sum(o for *_, o in self.overlaps) / len(self.overlaps), 4)
            if self.overlaps
            else None
        )
        return summary

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.passed]


SearchFunction = Callable[[str, str], Sequence[int]]


def evaluate(
    judged: JudgedSet,
    search: SearchFunction,
    facts: Mapping[int, ProductFacts],
    *,
    progress: Callable[[Iterable[Query]], Iterable[Query]] = iter,
) -> Report:
    """Run every query through ``search(text, language) -> product ids`` and judge it."""
    outcomes: list[Outcome] = []
    lists: dict[str, list[int]] = {}
    for query in progress(judged.queries()):
        ids = list(search(query.text, query.language))
        lists[query.id] = ids[:OVERLAP_AT]
        outcomes.append(judge(query, ids, facts))
    overlaps = []
    for case in judged.cases:
        if case.paired:
            english, chinese = case.each_query()
            a, b = lists[english.id], lists[chinese.id]
            size = max(len(a), len(b))
            overlap = len(set(a) & set(b)) / size if size else 1.0
            overlaps.append((english.text, chinese.text, round(overlap, 4)))
    return Report(outcomes, overlaps)


def catalog_facts() -> dict[int, ProductFacts]:
    """Facts of every active product, by id."""
    from shop.catalog.models import Category, Product

    parents = dict(Category.objects.values_list("pk", "parent_id"))
    slugs = dict(Category.objects.values_list("pk", "slug"))

    def chain(category_id: int | None) -> tuple[str, ...]:
        found: list[str] = []
        while category_id is not None and category_id in slugs and len(found) < 32:
            found.append(slugs[category_id])
            category_id = parents[category_id]
        return tuple(found)

    return {
        product.pk: ProductFacts(
            product_id=product.pk,
            sku=product.sku,
            category_slugs=chain(product.category_id),
            brand_slug=product.brand.slug if product.brand else "",
            attributes=product.attributes or {},
            price=product.price,
            title=product.title,
        )
        for product in Product.objects.active().select_related("brand")
    }


def storefront_search(text: str, language: str) -> list[int]:
    """The storefront's answer to ``text`` typed on a page in ``language``: product ids."""
    from django.utils import translation

    from search.selectors import SearchParams, search_catalog

    with translation.override(language):
        return search_catalog(SearchParams(query=text, page_size=OVERLAP_AT)).product_ids
