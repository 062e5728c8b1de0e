"""The shop's language codes as translation sees them, and Traditional → Simplified Chinese.

Translation works between English and Simplified Chinese. A Traditional Chinese source
("zh-hant", "zh-tw", "zh-hk") is converted to Simplified with OpenCC first, so the prompts,
the cache and a fine-tuned model see one script.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from common.text import CHINESE, ENGLISH

TARGETS = (ENGLISH, CHINESE)
# Source code -> the OpenCC configuration that converts it to Simplified Chinese ("" none).
# tw2sp / hk2s also convert Taiwan / Hong Kong phrasing ("滑鼠" -> "鼠标").
_SOURCES = {
    ENGLISH: "",
    CHINESE: "",
    "zh-cn": "",
    "zh-sg": "",
    "zh": "",
    "zh-hant": "t2s",
    "zh-tw": "tw2sp",
    "zh-hk": "hk2s",
    "zh-mo": "hk2s",
}
NAMES = {ENGLISH: "English", CHINESE: "Chinese"}


class LanguageError(ValueError):
    """A language code translation does not serve."""


def _code(code: str) -> str:
    return str(code).strip().lower().replace("_", "-")


def source_language(code: str) -> tuple[str, str]:
    """(the language translated from, the OpenCC configuration to apply first or "").

    Raises:
        LanguageError: not English or Chinese.
    """
    normalised = _code(code)
    if normalised not in _SOURCES:
        raise LanguageError(f"Cannot translate from {code!r}: use en, zh-hans, zh-hant or zh-tw.")
    conversion = _SOURCES[normalised]
    return (ENGLISH if normalised == ENGLISH else CHINESE), conversion


def target_language(code: str) -> str:
    """The language translated into ("en" or "zh-hans").

    Raises:
        LanguageError: another language.
    """
    normalised = _code(code)
    if normalised in ("zh", "zh-cn", "zh-sg"):
        normalised = CHINESE
    if normalised not in TARGETS:
        raise LanguageError(f"Cannot translate into {code!r}: use en or zh-hans.")
    return normalised


@lru_cache(maxsize=4)
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def to_simplified(text: str, conversion: str = "t2s") -> str:
    """``text`` in Simplified Chinese (OpenCC ``conversion``); other scripts stay as they are."""
    if not conversion or not text:
        return text
    return _converter(conversion).convert(text)
