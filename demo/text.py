"""How attribute values, names and sentences are written in the demo's English and Chinese copy.

Pure string helpers shared by the product writer (``demo.product_copy``) and the customers'
searches (``demo.customers``); the words themselves come from ``demo/content/``.
"""

from __future__ import annotations

import re
import string
from typing import Any

from .reader import demo_content
from .spec import Feature


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def value_text(code: str, value: Any, *, language: str) -> str:
    """How an attribute value reads inside a sentence."""
    spec = demo_content().attributes[code]
    if spec.kind == "number":
        return format_number(value)
    option = spec.option(str(value))
    if language == "zh":
        return option.label_zh
    return option.label.lower() if spec.lower_in_text else option.label


def spec_text(code: str, value: Any, *, language: str, compact: bool = True) -> str:
    """An attribute value with its unit: compact for titles ("2-Person", "65W"), plain for
    highlights ("2 people", "65 W")."""
    content = demo_content()
    spec = content.attributes[code]
    if spec.kind != "number":
        option = spec.option(str(value))
        return option.label_zh if language == "zh" else option.label
    unit = spec.unit
    number = float(value)
    if unit == "g" and number >= 1000:
        number, unit = number / 1000, "kg"
    text = format_number(number)
    if code == "spf":
        return f"SPF{text}" if language == "zh" else f"SPF {text}"
    if language == "zh":
        return f"{text}{content.units_zh.get(unit, unit)}"
    if not compact:
        return f"{text} {unit}" if unit else text
    if unit == "people":
        return f"{text}-Person"
    if unit == "pcs":
        return f"{text}-Piece"
    if unit == "in":
        return f"{text}″"
    if unit in ("h", "W"):
        return f"{text}{unit}"
    return f"{text} {unit}" if unit else text


def lower_noun(noun: str) -> str:
    words = []
    for word in noun.split():
        letters = re.sub(r"[^A-Za-z]", "", word)
        if letters.isupper() and len(letters) > 1:
            words.append(word)
        elif re.match(r"^[A-Z]-", word):
            words.append(word[:2] + word[2:].lower())
        else:
            words.append(word.lower())
    return " ".join(words)


def zh_join(*parts: str) -> str:
    """Chinese shop titles separate their segments with spaces."""
    return " ".join(p.strip() for p in parts if p and p.strip())


_ZH_PUNCTUATION = "，。？！：；、“”《》（）——"


def tidy_zh(text: str) -> str:
    """Latin names sit between spaces in Chinese text, but never next to punctuation."""
    text = re.sub(r" {2,}", " ", text)
    text = re.sub(rf" ?([{_ZH_PUNCTUATION}]) ?", r"\1", text)
    return text.strip()


def zh_name(text: str) -> str:
    return f" {text} " if text[:1].isascii() or text[-1:].isascii() else text


def capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def decapitalize_first(text: str) -> str:
    """Lower-case a sentence's first word unless it is an acronym or a name like "USB-C"."""
    first = text.split(" ", 1)[0]
    if re.fullmatch(r"A|[A-Z][a-z]+(?:[-'][a-z]+)*[,.:;]?", first):
        return text[0].lower() + text[1:]
    return text


TEXT_PLACEHOLDERS = frozenset({"name", "brand", "noun", "scene", "scene2", "trait", "author"})


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def feature_placeholders(feature: Feature) -> set[str]:
    texts = (feature.sentence.en, feature.sentence.zh, feature.highlight.en, feature.highlight.zh)
    return set().union(*(placeholders(t) for t in texts))


MAX_SENTENCES = 5
_SENTENCE_END = re.compile(r"(?<!No)[.?!。？！](?=\s|$)|[。？！]")


def sentence_count(text: str) -> int:
    """Sentences in a piece of copy; "No. 3" in a model name doesn't end one."""
    return len(_SENTENCE_END.findall(text)) or 1


class Values(dict):
    """Placeholder values; a placeholder nobody filled in is a content bug, so it raises."""

    def __missing__(self, key: str) -> str:
        raise KeyError(f"unknown placeholder {{{key}}}")
