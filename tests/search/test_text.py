"""The shared analyzer: tokens, stems, Chinese segmentation, language detection, speed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from search.text import (
    MAX_TOKEN_CHARS,
    analyze,
    detect_language,
    fold_accents,
    has_cjk,
    normalize,
    stem,
    terms_for_highlight,
)


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Running Shoes", ["run", "shoe"]),
        ("running shoe", ["run", "shoe"]),
        ("Simpson Strong-Tie 12-Gauge Angle", ["simpson", "strong", "tie", "12", "gaug", "angl"]),
        # digits joined by "/" or "." stay one token; "-" splits
        ("3/4 in. PVC pipe", ["3/4", "pvc", "pipe"]),
        ("1-1/2 in. coupling", ["1", "1/2", "coupl"]),
        ("2.5 gal. bucket", ["2.5", "gal", "bucket"]),
        # letters and digits split where they meet; numbers are not stemmed
        (
            "18V cordless drill 2x4 IPX4",
            ["18", "v", "cordless", "drill", "2", "x", "4", "ipx", "4"],
        ),
        ("18volts m12", ["18", "volt", "m", "12"]),
        ("Men's shoes", ["men", "shoe"]),
        ("Kids' boots", ["kid", "boot"]),
        ("don't stop", ["dont", "stop"]),
        ("the shoes for a walk in the park", ["shoe", "walk", "park"]),
        ("Lumiève lipstick", ["lumiev", "lipstick"]),
        # full-width letters and digits are folded by NFKC
        ("ＡＢＣ１２３ ｓｈｏｅｓ", ["abc", "123", "shoe"]),
        ("", []),
        ("   ", []),
        ("!!! ??? ...", []),
    ],
)
def test_analyze_latin(text, terms):
    """Latin text is lower-cased, split on non-alphanumerics, stopwords dropped, words stemmed."""
    assert analyze(text) == terms


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("适合跑步的鞋子", ["适合", "跑步", "鞋子"]),
        # search mode adds the words inside a long word
        ("红色连衣裙", ["红色", "连衣", "衣裙", "连衣裙"]),
        ("北境 running shoes 跑鞋", ["北境", "run", "shoe", "跑鞋"]),
        ("白色T恤", ["白色", "t", "恤"]),
        ("100元以下的跑鞋", ["100", "元", "以下", "跑鞋"]),
    ],
)
def test_analyze_chinese(text, terms):
    """Chinese runs are segmented by jieba in search mode, particles such as "的" dropped."""
    assert analyze(text) == terms


def test_analyze_keeps_duplicates_for_term_frequency():
    """BM25 counts repeated terms, so analyze keeps them."""
    assert analyze("shoe shoes SHOES") == ["shoe", "shoe", "shoe"]


def test_analyze_is_the_same_for_index_and_query_forms():
    """Case, width and accents do not change the terms."""
    assert analyze("LUMIÈVE Ｓｈｏｅｓ") == analyze("lumieve shoes")


def test_analyze_never_raises_on_hostile_input():
    """Control characters, emoji, lone surrogates, markup and non-strings give terms or nothing."""
    assert analyze("\x00\x01abc\x7f") == ["abc"]
    assert analyze("😀🎉") == []
    assert analyze("\udcff shoes") == ["shoe"]
    assert analyze("<script>alert(1)</script>") == ["script", "alert", "1", "script"]
    assert analyze(12345) == ["12345"]
    assert analyze(None) == []
    assert terms_for_highlight(None) == []


def test_long_tokens_are_cut():
    """A 10 kB run of letters becomes one bounded term instead of a 10 kB dictionary key."""
    (term,) = analyze("a" * 10_000)
    assert term == "a" * MAX_TOKEN_CHARS


def test_stem():
    """Words are Snowball-stemmed; tokens with digits are left alone."""
    assert [stem(w) for w in ("batteries", "drills", "18v", "running")] == [
        "batteri",
        "drill",
        "18v",
        "run",
    ]


def test_normalize_and_fold_accents():
    assert normalize("ＳＨＯＥＳ Größe") == "shoes größe"
    assert fold_accents("lumiève crème") == "lumieve creme"
    assert fold_accents("plain") == "plain"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("running shoes", "en"),
        ("适合跑步的鞋子", "zh"),
        # one Chinese character weighs as much as one Latin word
        ("Northwend 跑鞋", "zh"),
        ("iPhone case 壳", "en"),
        ("红色 dress", "zh"),
        ("", "en"),
        ("12345", "en"),
        ("😀", "en"),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


def test_has_cjk():
    assert has_cjk("跑鞋") is True
    assert has_cjk("shoes") is False
    assert has_cjk("café") is False


def test_terms_for_highlight_are_unstemmed_and_unique():
    """Highlighting needs the words as written (lower case), once each, without stopwords."""
    assert terms_for_highlight("The Running Shoes for running") == ["running", "shoes"]
    assert terms_for_highlight("Men's 红色连衣裙") == ["men", "红色", "连衣裙"]
    assert terms_for_highlight("") == []


def test_nothing_is_loaded_at_import():
    """Importing the module loads neither jieba nor the stemmer."""
    code = "import sys; import search.text; print('jieba' in sys.modules, 'Stemmer' in sys.modules)"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False False"
