"""Ages in queries and in the catalog's age options: "toys for a 3 year old", "适合3岁孩子的
玩具", "6 month old baby", "六个月宝宝" against options such as "3–5 years", "0–6个月", "12+
years", "Adults".

General grammar, not a shop's list: a query's age is read in months; an age option's label
(or value: "3-5", "0-6m", "12-plus", "adult") is read as the range of months it covers.
``search.listing.suits_age`` then leaves out the products whose age options exclude it.
"""

from __future__ import annotations

import math
import re

from search.query.grammar import _Spans

_ZH_NUMERALS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_EN_NUMERALS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_EN_NUMBER = r"(\d{1,2}|" + "|".join(_EN_NUMERALS) + ")"
_ZH_NUMBER = r"(\d{1,2}|十?[一二两三四五六七八九]|[一二三四五六七八九]?十[一二三四五六七八九]?)"
# "3 year old", "3-year-old", "3 years old", "3 yo", "aged 3", "age 3", "6 month old": "old"
# is required after years and months ("3 year warranty" is no age).
_EN_AGE = re.compile(
    rf"(?<![\w$.])(?:aged?\s+{_EN_NUMBER}(?!\s*(?:months?|years?)\b)|{_EN_NUMBER}\s*-?\s*"
    r"(?:(years?|months?)\s*-?\s*olds?|(yo|y/o)))(?![\w%])"
)
# "3岁", "三周岁"; months only of a baby ("6个月大", "十个月的宝宝": "保修3个月" is no age).
_ZH_AGE = re.compile(
    rf"{_ZH_NUMBER}\s*(?:(周岁|岁)|(个月)(?=大|的?宝宝|的?婴儿|的?孩子|的?小孩))(?:大|以上|左右)?"
)
# Age options that name grown-ups.
ADULT = re.compile(r"^(?:adults?|grown-?ups?|成人|成年人?)$", re.IGNORECASE)
ADULT_MONTHS = 18 * 12
_RANGE = re.compile(
    r"(\d+(?:\.\d+)?)\s*(?:[-–~至到]\s*(\d+(?:\.\d+)?))?\s*"
    r"(\+|plus|以上)?\s*(months?|mos?|m|个月|years?|yrs?|y|岁)?\s*(\+|plus|以上)?",
    re.IGNORECASE,
)
_MONTH_UNITS = ("month", "months", "mo", "mos", "m", "个月")


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text in _EN_NUMERALS:
        return _EN_NUMERALS[text]
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _ZH_NUMERALS.get(tens, 1) * 10 + _ZH_NUMERALS.get(ones, 0)
    return _ZH_NUMERALS[text]


def extract_age(text: str, spans: _Spans) -> int | None:
    """Claim the first age phrase of ``text`` (lower case) and return the age in months."""
    for pattern, chinese in ((_EN_AGE, False), (_ZH_AGE, True)):
        for match in pattern.finditer(text):
            if not spans.free(match.start(), match.end()):
                continue
            if chinese:
                number, unit = match.group(1), match.group(2) or match.group(3)
            else:
                number = match.group(1) or match.group(2)
                unit = match.group(3) or "years"
            value = _number(number)
            months = value if unit.startswith(("month", "mo", "个月")) else value * 12
            if months > ADULT_MONTHS:
                continue
            spans.claim(match.start(), match.end())
            spans.explain(match.start(), match.end())
            return months
    return None


def option_months(value: str, label: str = "") -> tuple[float, float] | None:
    """The months an age option covers, [low, high), from its label or value; None when
    neither reads as an age ("3–5 years" → (36, 72); "0–6个月" → (0, 6); "12+ years" →
    (144, inf); "Adults" → (216, inf))."""
    for text in (label, value):
        text = (text or "").strip()
        if not text:
            continue
        if ADULT.match(text):
            return (ADULT_MONTHS, math.inf)
        match = _RANGE.fullmatch(text.replace("-plus", "+"))
        if match is None:
            continue
        low, high, plus_before, unit, plus_after = match.groups()
        scale = 1 if (unit or "").lower() in _MONTH_UNITS else 12
        if plus_before or plus_after:
            return (float(low) * scale, math.inf)
        top = float(high) if high is not None else float(low)
        # "3–5 years" ends at the sixth birthday; "0–6 months" at six months.
        return (float(low) * scale, (top + (1 if scale == 12 else 0)) * scale)
    return None


def covers(option: tuple[float, float], months: int) -> bool:
    low, high = option
    return low <= months < high
