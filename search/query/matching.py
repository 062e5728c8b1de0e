"""The vocabulary's phrases found in a query: Chinese on jieba word boundaries, English by
word keys, and what the found categories, brands and attributes become."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from common.text import HAN_CHAR, HAN_CLASS, HAN_RUN
from search.dictionary import english_senses
from search.query.grammar import _FILLER_BEFORE, _PREPOSITIONS, _Spans
from search.query.vocabulary import _EN_TOKEN, QueryVocabulary, Target, _token_key, english_key
from search.text import ENGLISH_STOPWORDS, get_jieba


def _jieba_boundaries(text: str) -> tuple[set[int], set[tuple[int, int]]]:
    """Word boundaries (fine segmentation) and whole words (normal segmentation) of CJK runs."""
    jieba = get_jieba()
    boundaries: set[int] = set()
    words: set[tuple[int, int]] = set()
    for run in HAN_RUN.finditer(text):
        position = run.start()
        boundaries.add(position)
        for word in jieba.lcut(run.group(), HMM=False):
            position += len(word)
            boundaries.add(position)
        position = run.start()
        for word in jieba.lcut(run.group()):
            words.add((position, position + len(word)))
            position += len(word)
    return boundaries, words


def _edge_ok(text: str, index: int, inside: int, boundaries: set[int]) -> bool:
    """Whether a phrase may start or end at ``index``; ``inside`` is the phrase's edge char."""
    outside = index - 1 if inside >= index else index
    if outside < 0 or outside >= len(text):
        return True
    if HAN_CHAR.match(text[inside]):
        return not HAN_CHAR.match(text[outside]) or index in boundaries
    return not text[outside].isalnum() or bool(HAN_CHAR.match(text[outside]))


def _compound(key: str, vocabulary: QueryVocabulary) -> tuple[str, tuple[Target, ...]] | None:
    """The category name a Chinese compound abbreviates, with its targets, or None.

    Chinese shortens compounds by dropping inner characters (跑步鞋 → 跑鞋, 连衣长裙 → 连衣裙),
    and a shopper may write the long form of the catalog's short one: a run of Chinese
    characters that is a category name with one more character inside it (the first and
    last characters the same) stands for that category. 跑步机 (a treadmill) is not 跑鞋.
    """
    if len(key) < 3 or not all(HAN_CHAR.match(char) for char in key):
        return None
    for inner in range(1, len(key) - 1):
        short = key[:inner] + key[inner + 1 :]
        targets = vocabulary.chinese.get(short)
        if targets and any(target.kind == "category" for target in targets):
            return short, tuple(t for t in targets if t.kind == "category")
    return None


def _word_follows(text: str, end: int) -> bool:
    """Whether the rest of the Chinese run after ``end`` is one dictionary word: jieba cuts
    玫瑰金耳环 as 玫瑰 + 金耳环 (gold earrings), but 玫瑰金 is the catalog's colour and 耳环 a
    word of its own."""
    run = HAN_RUN.match(text, end)
    return run is not None and len(run.group()) >= 2 and bool(english_senses(run.group()))


def _match_chinese(
    text: str,
    spans: _Spans,
    vocabulary: QueryVocabulary,
    compounds: list[tuple[str, str]] | None = None,
) -> list[tuple[int, int, tuple[Target, ...], bool]]:
    """Catalog phrases in the Chinese runs of ``text``; each compound found by
    :func:`_compound` is added to ``compounds`` with the catalog's word for it."""
    if not vocabulary.chinese:
        return []
    boundaries, words = _jieba_boundaries(text)
    matches = []
    index = 0
    length = len(text)
    while index < length:
        if text[index].isspace():
            index += 1
            continue
        found = None
        for size in range(min(vocabulary.chinese_max + 1, length - index), 0, -1):
            end = index + size
            key = text[index:end]
            targets = vocabulary.chinese.get(key)
            short = None
            if targets is None and (compound := _compound(key, vocabulary)) is not None:
                short, targets = compound
            if targets is None or not spans.free(index, end):
                continue
            if key in vocabulary.chinese_modifiers and not (
                end < length
                and HAN_CHAR.match(text[end])
                and (index == 0 or not text[index - 1].isdigit())
            ):
                continue
            if size == 1 and HAN_CHAR.match(text[index]):
                if (index, end) not in words:
                    continue
            elif not (
                _edge_ok(text, index, index, boundaries)
                and (_edge_ok(text, end, end - 1, boundaries) or _word_follows(text, end))
            ):
                continue
            found = (index, end, targets, False)
            if short is not None and compounds is not None:
                compounds.append((key, short))
            break
        if found:
            matches.append(found)
            index = found[1]
        else:
            index += 1
    return matches


def _match_english(
    text: str, spans: _Spans, vocabulary: QueryVocabulary
) -> list[tuple[int, int, tuple[Target, ...], bool]]:
    if not vocabulary.english:
        return []
    # Runs of free tokens; a phrase never reaches across a claimed span.
    runs: list[list[tuple[int, int, str]]] = [[]]
    for match in _EN_TOKEN.finditer(text):
        if not spans.free(match.start(), match.end()):
            runs.append([])
            continue
        key = _token_key(match.group())
        if key and key != "and":
            runs[-1].append((match.start(), match.end(), key))
    matches = []
    for tokens in runs:
        index = 0
        while index < len(tokens):
            found = None
            for size in range(min(vocabulary.english_max, len(tokens) - index), 0, -1):
                key = tuple(t[2] for t in tokens[index : index + size])
                targets = vocabulary.english.get(key)
                if targets is not None:
                    found = (tokens[index][0], tokens[index + size - 1][1], targets, size)
                    break
            if found:
                # A one-word name counts as a category only as the query's head noun.
                matches.append((*found[:3], found[3] == 1))
                index += found[3]
            else:
                index += 1
    return matches


def _apply_targets(
    matches: Iterable[tuple[int, int, tuple[Target, ...], bool]],
    spans: _Spans,
    categories: list[tuple[int, int, int, bool]],
    brands: list[int],
    hits: list[tuple[str, str, int, int]],
) -> None:
    for start, end, targets, head_only in matches:
        named = [t for t in targets if t.kind in ("category", "brand")]
        if named:
            for target in named:
                if target.kind == "category":
                    categories.append((int(target.value), start, end, head_only))
                else:
                    if target.value not in brands:
                        brands.append(int(target.value))
                    spans.explain(start, end)
            spans.claim(start, end, keep=True)
            continue
        codes = {t.code for t in targets}
        if len(codes) != 1:
            # One word, several attributes: which filter is meant cannot be told.
            continue
        code = codes.pop()
        for target in targets:
            hits.append((code, str(target.value), start, end))
        spans.claim(start, end, keep=all(t.keep_in_text for t in targets))


def _attribute_filters(
    text: str,
    hits: list[tuple[str, str, int, int]],
    category_ids: list[int],
    vocabulary: QueryVocabulary,
    spans: _Spans,
) -> dict[str, tuple[str, ...]]:
    """Attribute values by code, leaving out codes no category named in the query has, and
    learnt feature codes where the query names no category.

    "green tea" names the Tea category, whose products have no colour: "green" is then part
    of what is searched for, not a filter.
    """
    allowed: set[str] | None = None
    if category_ids and all(c in vocabulary.category_attributes for c in category_ids):
        allowed = set().union(*(vocabulary.category_attributes[c] for c in category_ids))
    attributes: dict[str, list[str]] = {}
    for code, value, start, end in hits:
        fits = code in allowed if allowed is not None else code not in vocabulary.feature_codes
        if not fits or _names_a_product(text, start, end, vocabulary):
            spans.keep(start, end)
            continue
        spans.explain(start, end)
        values = attributes.setdefault(code, [])
        if value not in values:
            values.append(value)
    return {code: tuple(values) for code, values in attributes.items()}


def _names_a_product(text: str, start: int, end: int, vocabulary: QueryVocabulary) -> bool:
    """Whether an option's word makes a product's name with the word beside it, as the
    catalog's titles write it ("olive oil", "hand cream": not the colours olive and cream)."""
    word = english_key(text[start:end])
    if len(word) != 1 or not vocabulary.title_phrases:
        return False
    before = english_key(text[:start])[-1:]
    after = english_key(text[end:])[:1]
    pairs = [(before[0], word[0])] if before else []
    pairs += [(word[0], after[0])] if after else []
    return any(pair in vocabulary.title_phrases for pair in pairs)


def _is_head(text: str, end: int, spans: _Spans) -> bool:
    """Whether nothing but filler and claimed phrases follows ``end`` up to a preposition
    ("shoe" in "shoe rack" is not the head; in "red shoes under $50" and "shoes for hiking"
    it is)."""
    for match in _EN_TOKEN.finditer(text, end):
        if not spans.free(match.start(), match.end()):
            continue
        word = match.group()
        if word in _PREPOSITIONS:
            return True
        # Numbers are specifications ("backpack 30l"), not another noun.
        if word not in ENGLISH_STOPWORDS and word not in _FILLER_BEFORE and word.isalpha():
            return False
    return all(not spans.free(m.start(), m.end()) for m in HAN_RUN.finditer(text, end))


# The last 的 of a Chinese phrase and the word after it, up to the end of the query.
_ZH_HEAD = re.compile(rf"的([{HAN_CLASS}]{{1,4}})[\s?？!！。.]*$")


def _chinese_head(text: str) -> tuple[int, str] | None:
    """(position, word) of the thing a Chinese phrase describes: the word after its last 的
    (下雨天穿的鞋: 鞋; 能给咖啡保温的杯子: 杯子), when words come before it and 的 is a word
    of its own (目的地 is a destination, not a 地)."""
    match = _ZH_HEAD.search(text)
    if match is None or match.start() == 0:
        return None
    _boundaries, words = _jieba_boundaries(text)
    if (match.start(), match.start() + 1) not in words:
        return None
    return match.start(1), match.group(1)


def _categories(
    found: list[tuple[int, int, int, bool]], text: str, spans: _Spans, vocabulary: QueryVocabulary
) -> list[int]:
    ids: list[int] = []
    for category_id, start, end, head_only in found:
        if head_only and not _is_head(text, end, spans):
            continue
        spans.explain(start, end)
        if category_id not in ids:
            ids.append(category_id)
    return _most_specific(ids, vocabulary.category_parents)


def _most_specific(category_ids: list[int], parents: Mapping[int, int | None]) -> list[int]:
    """Drop categories that are ancestors of another one found ("tea" in both levels)."""
    ancestors: set[int] = set()
    for category_id in category_ids:
        parent = parents.get(category_id)
        seen = 0
        while parent is not None and seen < 64:
            ancestors.add(parent)
            parent = parents.get(parent)
            seen += 1
    return [c for c in category_ids if c not in ancestors]
