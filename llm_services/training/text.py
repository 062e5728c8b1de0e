"""Cleaning training text: HTML out, whitespace normalised, a key to find duplicates."""

from __future__ import annotations

import html
import re

from django.utils.html import strip_tags

# Tags that end a line of text: their content must not run into the next block's words.
_BLOCK_TAGS = re.compile(r"<\s*(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^>]*>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_SPACES = re.compile(r"[^\S\n]+")  # whitespace except newlines (tabs, NBSP, ideographic space)
_BLANK_LINES = re.compile(r"\n{3,}")


def strip_html(text: str) -> str:
    """``text`` without tags, with entities decoded; block tags become line breaks."""
    if "<" not in text and "&" not in text:
        return text
    text = _LIST_ITEM.sub("\n- ", _BLOCK_TAGS.sub("\n", text))
    return html.unescape(strip_tags(text))


def normalise_whitespace(text: str) -> str:
    """One space between words, no blank-line runs, no invisible characters, trimmed lines.

    Newlines stay (paragraphs are part of a description's shape); full-width punctuation
    stays as written (Chinese copy uses it).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").translate(_INVISIBLE)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_text(text: str) -> str:
    """strip_html, then normalise_whitespace."""
    return normalise_whitespace(strip_html(text))


def duplicate_key(text: str) -> str:
    """Texts equal under this key are duplicates: case and whitespace do not count."""
    return " ".join(text.casefold().split())
