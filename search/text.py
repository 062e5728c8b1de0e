"""The one text analyzer shared by the lexical index and queries.

``analyze`` turns a title or a query into index terms: NFKC, lower case, Latin words split on
anything that is not a letter or digit and stemmed with the English Snowball stemmer, Chinese
runs segmented by jieba in search mode (overlapping words, so "连衣裙" also yields "连衣" and
"衣裙"). Index and queries must go through the same function, or BM25 matches nothing.

Token rule for Latin text: a token is a run of letters and digits, split where letters meet
digits ("18v" → "18", "v"; "2x4" → "2", "x", "4"; "m12" → "m", "12"), so "18v", "18 v" and
"18-volt"'s "18" agree (in a BM25 check on the Home Depot set, nDCG@10 0.388 against 0.382
for whole tokens). Digits joined by "/" or "." stay one token ("3/4", "2.5", "1/2"), anything else
splits ("1-1/2" → "1", "1/2"; "t-shirt" → "t", "shirt"). A possessive "'s" is dropped and other
apostrophes join ("men's" → "men", "don't" → "dont"). Accents are folded ("Lumiève" →
"lumieve"). Letters are stemmed, numbers are not.

Which characters are Chinese (Han) is :mod:`common.text`'s decision (HAN_CHAR, HAN_RUN); Kana
and Hangul are treated as ordinary word characters.

Nothing is loaded at import: the stemmer and jieba's dictionary (about half a second) are set
up on first use, once per process.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from typing import Any

from common.text import HAN_CHAR, HAN_RUN

# Bump whenever analyze() gives different terms for some text: an index built by another
# version must be rebuilt, or its terms and the queries' stop agreeing.
ANALYZER_VERSION = 2
# Longer tokens are cut: nothing real is this long, and a 10 kB run of letters must not cost a
# 10 kB dictionary key.
MAX_TOKEN_CHARS = 64
# The word caches are cleared when they reach this size, so hostile input cannot grow them
# without bound; a real catalog vocabulary (Home Depot: about 40k words) fits well inside.
CACHE_LIMIT = 300_000

# Deliberately short: BM25's IDF already discounts common words. Negations ("no", "not",
# "without") and units ("ft", "oz") stay out of it; "in" is in it because queries use it as a
# preposition far more often than as inches.
ENGLISH_STOPWORDS = frozenset(
    """
    a an the and or of for to in on at by with from into onto as is are was were be been
    it its this that these those i me my you your we our they their he she his her
    do does did can could would should will shall may might must have has had
    what which who whom where when how why than then so such very just
    """.split()
)
CHINESE_STOPWORDS = frozenset(
    """
    的 了 和 与 及 或 是 在 有 我 你 他 她 它 我们 你们 吗 呢 吧 啊 呀 哦 嘛 之 也 都 就 而 又
    把 被 给 让 一个 这个 那个 这 那
    """.split()
)

# ASCII fast path: most titles and queries are plain ASCII, which NFKC leaves unchanged.
_ASCII_TOKEN = re.compile(r"\d+(?:[./]\d+)+|[a-z0-9]+(?:'[a-z0-9]+)*")
# General path, run on text with the CJK runs already cut out.
_TOKEN = re.compile(r"\d+(?:[./]\d+)+|[^\W_]+(?:['’][^\W_]+)*")
_LATIN_WORD = re.compile(r"[^\W\d_]+")
_LETTERS_OR_DIGITS = re.compile(r"\d+|[^\W\d_]+")

_lock = threading.Lock()
_stemmer: Any = None
_jieba: Any = None
# surface token -> index term, or "" for a stopword
_term_cache: dict[str, str | tuple[str, ...]] = {}
# CJK run -> its index terms (lists are never mutated after insertion)
_cjk_cache: dict[str, list[str]] = {}


def _get_stemmer() -> Any:
    global _stemmer
    if _stemmer is None:
        with _lock:
            if _stemmer is None:
                import Stemmer

                _stemmer = Stemmer.Stemmer("english")
    return _stemmer


def get_jieba() -> Any:
    """The jieba module with its dictionary loaded and its logging quietened (lazy, once)."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                import jieba

                # jieba logs "Building prefix dict..." at INFO on every process start.
                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def normalize(text: str) -> str:
    """NFKC and lower case: the form every comparison in search works on."""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKC", text).lower()


def fold_accents(word: str) -> str:
    """``"lumiève"`` → ``"lumieve"``; words without accents come back unchanged."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _surface(token: str) -> str:
    """The comparable surface form of a raw Latin token (possessive and accents removed)."""
    if len(token) > MAX_TOKEN_CHARS:
        token = token[:MAX_TOKEN_CHARS]
    if "'" in token or "’" in token:
        token = token.replace("’", "'")
        if token.endswith("'s"):
            token = token[:-2]
        token = token.replace("'", "")
    return fold_accents(token)


def stem(word: str) -> str:
    """The index term for one lower-case Latin word (stopwords included, no filtering)."""
    if any(c.isdigit() for c in word):
        return word
    return _get_stemmer().stemWord(word)


def _word_term(surface: str) -> str:
    if not surface or surface in ENGLISH_STOPWORDS:
        return ""
    return stem(surface)


def _term(token: str) -> str | tuple[str, ...]:
    """The term of one raw token: a string ("" for a stopword), or a tuple when the token
    mixes letters and digits and splits into several ("18v" → ("18", "v"))."""
    term = _term_cache.get(token)
    if term is None:
        surface = _surface(token)
        if surface.isalpha() or surface.isdigit() or not surface.isalnum():
            term = _word_term(surface)
        else:
            parts = (_word_term(part) for part in _LETTERS_OR_DIGITS.findall(surface))
            term = tuple(part for part in parts if part)
        if len(_term_cache) >= CACHE_LIMIT:
            _term_cache.clear()
        _term_cache[token] = term
    return term


def _cjk_terms(run: str) -> list[str]:
    terms = _cjk_cache.get(run)
    if terms is None:
        terms = [
            word
            for word in get_jieba().lcut_for_search(run)
            if word not in CHINESE_STOPWORDS and not word.isspace()
        ]
        if len(_cjk_cache) >= CACHE_LIMIT:
            _cjk_cache.clear()
        _cjk_cache[run] = terms
    return terms


def _latin_terms(segment: str, out: list[str]) -> None:
    for token in _TOKEN.findall(segment):
        term = _term(token)
        if term.__class__ is str:
            if term:
                out.append(term)
        else:
            out.extend(term)


def analyze(text: str) -> list[str]:
    """Index terms for ``text``, in order, duplicates kept (BM25 counts them).

    The same function builds the lexical index and analyzes queries. Never raises: None
    gives no terms, anything else that is not a string is turned into one with ``str``.
    """
    if not isinstance(text, str):
        if text is None:
            return []
        text = str(text)
    if text.isascii():
        terms = []
        for token in _ASCII_TOKEN.findall(text.lower()):
            term = _term_cache.get(token)
            if term is None:
                term = _term(token)
            if term.__class__ is str:
                if term:
                    terms.append(term)
            else:
                terms.extend(term)
        return terms
    text = normalize(text)
    terms = []
    position = 0
    for match in HAN_RUN.finditer(text):
        if match.start() > position:
            _latin_terms(text[position : match.start()], terms)
        terms.extend(_cjk_terms(match.group()))
        position = match.end()
    if position < len(text):
        _latin_terms(text[position:], terms)
    return terms


def terms_for_highlight(text: str) -> list[str]:
    """Unstemmed surface terms of ``text``, unique, in order, without stopwords.

    For highlighting: find these (case-insensitively) in a result's title. Latin words come
    back lower-cased with possessives and accents removed; Chinese runs as jieba's
    precise-mode words.
    """
    if not isinstance(text, str):
        if text is None:
            return []
        text = str(text)
    text = normalize(text)
    found: dict[str, None] = {}
    position = 0

    def latin(segment: str) -> None:
        for token in _TOKEN.findall(segment):
            surface = _surface(token)
            if surface and surface not in ENGLISH_STOPWORDS:
                found.setdefault(surface)

    for match in HAN_RUN.finditer(text):
        if match.start() > position:
            latin(text[position : match.start()])
        for word in get_jieba().lcut(match.group()):
            if word not in CHINESE_STOPWORDS:
                found.setdefault(word)
        position = match.end()
    if position < len(text):
        latin(text[position:])
    return list(found)


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds at least one Chinese character."""
    return not text.isascii() and HAN_CHAR.search(text) is not None


def detect_language(text: str) -> str:
    """``"zh"`` or ``"en"``: Chinese when its characters are at least as many as Latin words.

    One Chinese character is counted against one Latin word (not one letter), because a
    Chinese word is one or two characters: "Northwend 跑鞋" is Chinese, "iPhone case 壳" is
    not. Text with neither (empty, digits, emoji) is English.
    """
    if not isinstance(text, str) or text.isascii():
        return "en"
    text = unicodedata.normalize("NFKC", text)
    cjk = len(HAN_CHAR.findall(text))
    if not cjk:
        return "en"
    latin_words = len(_LATIN_WORD.findall(HAN_RUN.sub(" ", text)))
    return "zh" if cjk >= latin_words else "en"
