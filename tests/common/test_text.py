"""The shared text helpers: Han detection, Chinese language codes, query cleaning, the units
copying is counted in."""

import pytest

from common.text import (
    CHINESE,
    ENGLISH,
    clean_message,
    clean_query,
    has_han,
    is_chinese,
    longest_shared_run,
    text_units,
    unit_ngrams,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("跑步鞋", True), ("Trail 跑鞋 2", True), ("㐀", True), ("running shoes", False),
     ("カナ", False)],
)  # fmt: skip
def test_has_han(text, expected):
    assert has_han(text) is expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [(CHINESE, True), ("zh", True), ("zh-CN", True), ("zh_Hans", True), (ENGLISH, False),
     ("", False), (None, False), ("zha", False)],
)  # fmt: skip
def test_is_chinese(code, expected):
    assert is_chinese(code) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  red\x00 dress\n\tsize M ", "red dress size M"),
        ("ｒｕｎｎｉｎｇ　ｓｈｏｅｓ", "running shoes"),
        ("zero\u200bwidth", "zero width"),
        (None, ""),
        (42, "42"),
        ("x" * 500, "x" * 200),
    ],
)
def test_clean_query(raw, expected):
    assert clean_query(raw) == expected


def test_clean_query_takes_its_own_limit():
    assert clean_query("abcdef", max_chars=3) == "abc"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Where is\tmy   order?  ", "Where is my order?"),
        ("line one\r\nline two\n\n\n\nline three", "line one\nline two\n\nline three"),
        ("ｏｒｄｅｒ\u200b ＃１２", "order #12"),
        ("lone \ud800 surrogate\x00", "lone surrogate"),
        ("\u202eevil", "evil"),
    ],
)
def test_clean_message_keeps_paragraphs_and_drops_the_invisible(raw, expected):
    assert clean_message(raw) == expected


def test_text_units_are_words_and_single_chinese_characters():
    assert text_units("Soft, cotton-blend TEE 2.0 纯棉面料") == [
        "soft",
        "cotton",
        "blend",
        "tee",
        "2",
        "0",
        "纯",
        "棉",
        "面",
        "料",
    ]


def test_longest_shared_run_joins_overlapping_runs():
    index = unit_ngrams(text_units("x a b c d e y"), 3)

    assert longest_shared_run(text_units("a b c d e f"), index, 3) == 5
    assert longest_shared_run(text_units("a b x d e f"), index, 3) == 0
