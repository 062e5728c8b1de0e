"""What the model wrote, made into a draft's parts, and the parts as the merchant edits them.

:func:`tidy_output` cleans one part's text (HTML, repeats, a cut-off last sentence, one
highlight per line); :func:`parts_text` and :func:`parse_text` turn a candidate's parts into
the one text a merchant reads and edits, and back.
"""

from __future__ import annotations

import html
import re
from typing import Any

from common.text import has_han, text_units
from copywriting import conf
from copywriting.prompts import (
    CHANNEL_PARTS,
    HTML_TAG,
    ONE_LINE_PARTS,
    SENTENCE_END,
    WHITESPACE,
    part_labels,
)

_SPACE_BEFORE_STOP = re.compile(r"\s+([.,!?;:])(?=\s|$)")


def part_items(value: Any) -> list[str]:
    """A part's items: the strings of a list part ("highlights"), else its one text."""
    return [str(v) for v in value] if isinstance(value, list) else [str(value or "")]


def with_items(value: Any, items: list[str]) -> Any:
    """``items`` shaped as the part ``value`` was: a list, or one text ("" for none)."""
    return items if isinstance(value, list) else (items[0] if items else "")


def tidy_output(text: str, *, part: str, hit_length: bool) -> Any:
    """The model's text for a part, cleaned: HTML removed, repeats dropped, cut to a sentence.

    Returns a list of strings for "highlights", else a string.
    """
    text = html.unescape(HTML_TAG.sub(" ", text)).strip()
    if part == "highlights":
        return _tidy_highlights(text)
    if part in ONE_LINE_PARTS:
        first = next((line for line in text.split("\n") if line.strip()), "")
        return WHITESPACE.sub(" ", first).strip().strip('"“”')
    sentences, seen = [], set()
    for sentence in SENTENCE_END.split(WHITESPACE.sub(" ", text)):
        key = sentence.strip().casefold()
        if key and key not in seen:
            seen.add(key)
            sentences.append(sentence.strip())
    if hit_length and len(sentences) > 1 and not re.search(r"[.!?。！？]$", sentences[-1]):
        sentences = sentences[:-1]  # cut off mid-sentence by the token budget
    # Chinese sentences follow each other without a space, Latin ones after one.
    sentences = [_SPACE_BEFORE_STOP.sub(r"\1", s) for s in sentences]
    text = ""
    for sentence in sentences:
        if text and not (text[-1] in "。！？" or (has_han(text[-1]) and has_han(sentence[:1]))):
            text += " "
        text += sentence
    return text


# "Highlights: soft" / "卖点（简短要点）：柔软": the model echoing the prompt's label.
_LABEL_ECHO = re.compile(
    r"^(?:highlights?|卖点)\s*(?:[(（][^)）]*[)）])?\s*[:：]\s*", re.IGNORECASE
)


def _tidy_highlights(text: str) -> list[str]:
    """One highlight per line or per ";"-separated piece (the data line's separator), label
    echoes dropped, and an item dropped when another holds all its words ("50 g" beside
    "Net weight: 50 g"): a reader sees one fact once."""
    items: list[str] = []
    for line in text.split("\n"):
        for piece in re.split(r"[;；]", line):
            item = _LABEL_ECHO.sub("", piece.strip().lstrip("-•*·").strip())
            if item and not item.endswith((":", "：")):
                items.append(item)
    keys = [tuple(text_units(item)) for item in items]
    kept = []
    for index, (item, key) in enumerate(zip(items, keys, strict=True)):
        if not key:
            continue
        covered = any(
            _holds(other, key) and (len(other) > len(key) or other_index < index)
            for other_index, other in enumerate(keys)
            if other_index != index
        )
        if not covered:
            kept.append(item)
    return kept[: conf.get("MAX_HIGHLIGHTS")]


def _holds(whole: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(whole[i : i + len(part)] == part for i in range(len(whole) - len(part) + 1))


def parts_text(channel: str, parts: dict[str, Any], language: str) -> str:
    """The parts of a candidate as one text, the way the merchant reads and edits it."""
    labels = part_labels(language)
    lines = []
    for part in CHANNEL_PARTS[channel]:
        value = parts.get(part)
        if part == "description":
            lines.append(str(value or ""))
        elif part == "highlights":
            lines += [f"- {item}" for item in value or []]
        elif len(CHANNEL_PARTS[channel]) == 1:
            lines.append(str(value or ""))
        else:
            lines.append(f"{labels[part]}: {value or ''}")
    return "\n".join(lines).strip()


def parse_text(channel: str, text: str, language: str) -> dict[str, Any]:
    """The inverse of :func:`parts_text`, for a merchant's edited text."""
    parts_of = CHANNEL_PARTS[channel]
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    if channel == "product_page":
        body = [line for line in lines if not line.lstrip().startswith("- ")]
        bullets = [line.lstrip()[2:].strip() for line in lines if line.lstrip().startswith("- ")]
        return {"description": "\n".join(body).strip(), "highlights": [b for b in bullets if b]}
    if len(parts_of) == 1:
        return {parts_of[0]: text.strip()}
    labels = part_labels(language)
    parts: dict[str, Any] = dict.fromkeys(parts_of, "")
    for line in lines:
        for part in parts_of:
            prefix = f"{labels[part]}:"
            if line.startswith(prefix):
                parts[part] = line[len(prefix) :].strip()
    return parts
