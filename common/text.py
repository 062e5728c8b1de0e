"""Scripts, language codes and query cleaning: one definition for every app.

The storefront speaks English and Simplified Chinese. Which characters count as Chinese, which
language codes mean Chinese and how a shopper's raw query is cleaned are decided here, so search,
the catalog, copywriting and the model layer cannot drift apart.
"""

from __future__ import annotations

import re
import unicodedata

ENGLISH = "en"
CHINESE = "zh-hans"

# CJK Unified Ideographs with extension A and the compatibility block (NFKC folds most
# compatibility ideographs already). Kana and Hangul are not Han and are left to word rules.
HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_CHAR = re.compile(f"[{HAN_CLASS}]")
HAN_RUN = re.compile(f"[{HAN_CLASS}]+")

# A query longer than this is cut: the interaction log stores 255 characters, and no shopper
# types more than a sentence or two into a search box.
MAX_QUERY_CHARS = 200

# Control characters (PostgreSQL refuses NUL), zero-width and bidi controls, lone surrogates and
# non-characters: invisible in a search box, harmful in an index or a log.
_INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff\ufff0-\uffff]"
)

# The same, but a line break (\n, and \r\n folded to it) is kept: messages have paragraphs.
_INVISIBLE_EXCEPT_NEWLINE = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff"
    "\ufff0-\uffff]"
)
_BLANK_LINES = re.compile(r"\n{3,}")


def has_han(text: str) -> bool:
    """Whether ``text`` holds at least one Han character."""
    return HAN_CHAR.search(text) is not None


def is_chinese(language_code: str | None) -> bool:
    """Whether a Django language code means Chinese ("zh-hans", "zh", "zh-cn", "zh_Hans"...)."""
    code = (language_code or "").strip().lower().replace("_", "-")
    return code == "zh" or code.startswith("zh-")


def clean_message(raw: str) -> str:
    """A shopper's free text (a chat message, a review): NFKC, invisible characters removed,
    spaces within a line collapsed, line breaks kept (at most one blank line), trimmed. The
    caller checks the length: cutting a message silently would change what it says."""
    text = _INVISIBLE_EXCEPT_NEWLINE.sub(" ", raw.replace("\r\n", "\n"))
    text = _INVISIBLE_EXCEPT_NEWLINE.sub(" ", unicodedata.normalize("NFKC", text))
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_query(raw: object, max_chars: int = MAX_QUERY_CHARS) -> str:
    """NFKC, invisible characters removed, whitespace collapsed, cut to ``max_chars``."""
    if not isinstance(raw, str):
        raw = "" if raw is None else str(raw)
    # NFKC may lengthen text (ligatures), so cut generously before and exactly after.
    text = _INVISIBLE.sub(" ", raw[: max_chars * 4])
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub(" ", text)
    return " ".join(text.split())[:max_chars].strip()


# What "copying N words" counts: each Han character is one unit (Chinese has no spaces), any
# other run of letters and digits one word. Punctuation and spacing do not count, so a copy
# with its commas changed is still a copy.
_UNIT = re.compile(f"[{HAN_CLASS}]|(?:(?![{HAN_CLASS}])[^\\W_])+")


def text_units(text: str) -> list[str]:
    """``text`` as the units copying is counted in, case-folded (see ``_UNIT``)."""
    return [match.group(0).casefold() for match in _UNIT.finditer(text)]


def unit_ngrams(units: list[str], size: int) -> set[tuple[str, ...]]:
    """Every run of ``size`` consecutive units."""
    return {tuple(units[i : i + size]) for i in range(len(units) - size + 1)}


def longest_shared_run(units: list[str], index: set[tuple[str, ...]], size: int) -> int:
    """The most consecutive units of ``units`` found elsewhere, given ``index`` (the runs of
    ``size`` units of the other texts): 0 when no run of ``size`` is shared, else at least
    ``size`` (overlapping shared runs joined)."""
    longest = current = 0
    for start in range(len(units) - size + 1):
        if tuple(units[start : start + size]) in index:
            current = size if current == 0 else current + 1
            longest = max(longest, current)
        else:
            current = 0
    return longest
