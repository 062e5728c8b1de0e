"""Protected terms: what a translation must carry over unchanged, found in the source.

Brand names (the catalog's brands and the merchant's glossary, ``TRANSLATION_PROTECTED_TERMS``),
model names and codes ("SC-MK-010", "910-006559", "20000mAh"), Latin-script names inside
Chinese text ("iFairies", "Hello Kitty"), sizes ("XL", "M码"), metric units after a number
("750 ml") and numbers. The engine checks every output for them (a missing one is an error
that flags the translation) and, while decoding, lets the generator state only the source's
numbers (``generate_batch(numbers=...)``); the generator API has no way to force a phrase in.

``TRANSLATION_PROTECTED_TERMS`` is a list of entries, each a string ("Walkman") or a list of
the term's accepted spellings (["Xiaomi", "小米"]): any of them counts as kept.
A catalog brand's English and Chinese names are accepted for each other.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings

from common.text import HAN_CHAR
from llm_services import NUMBER

# A Latin-script word or code: letters and digits joined by - _ . / +
LATIN_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-_./+][A-Za-z0-9]+)*")
# Codes that are all digits but joined ("910-006559", "2024/25").
_JOINED_DIGITS = re.compile(r"^\d+(?:[-_/]\d+)+$")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,7}(?:-[A-Z0-9]+)*$")
_CAMEL = re.compile(r"^[A-Za-z]*[a-z][A-Z][A-Za-z]*$")
_SIZE_WORD = re.compile(r"(?<![\w'’])(?:XXS|XS|XL|XXL|XXXL|[2-6]XL)(?![\w'’])")
_SIZE_LETTER = re.compile(r"(?:(?<![A-Za-z'’])([SML])(?=\s?[码号])|\b[Ss]ize:?\s+([SML])\b)")
_UNIT = re.compile(
    r"(?<![\w.])(\d+(?:[.,]\d+)*)\s?"
    r"(mAh|ml|mL|kg|mg|g|mm|cm|km|m|L|W|kW|V|GB|TB|MB|GHz|kHz|Hz|oz|lb|°C|°F)(?![A-Za-z])"
)
_SQUEEZE = re.compile(r"[\s\-‐‑–—_·]+")


@dataclass(frozen=True)
class ProtectedTerm:
    """A term of the source the translation must keep.

    Attributes:
        text: as written in the source.
        kind: "brand", "glossary", "code", "name", "size", "unit" or "number".
        accepted: every spelling that counts as kept (``text`` first).
    """

    text: str
    kind: str
    accepted: tuple[str, ...] = ()

    @property
    def spellings(self) -> tuple[str, ...]:
        return self.accepted or (self.text,)


def _normal(text: str) -> str:
    """NFKC, case-folded, without spaces and dashes: "SC - MK - 010" is "sc-mk-010" kept."""
    return _SQUEEZE.sub("", unicodedata.normalize("NFKC", text).casefold())


def configured_glossary() -> list[tuple[str, ...]]:
    """The merchant's entries from settings.TRANSLATION_PROTECTED_TERMS, as tuples."""
    entries = []
    for entry in getattr(settings, "TRANSLATION_PROTECTED_TERMS", None) or ():
        names = (entry,) if isinstance(entry, str) else tuple(entry)
        names = tuple(str(name).strip() for name in names if str(name).strip())
        if names:
            entries.append(names)
    return entries


def catalog_glossary() -> list[tuple[str, ...]]:
    """The catalog's brands as (name, Chinese name) and the merchant's glossary entries."""
    from shop.catalog.models import Brand

    brands = [
        tuple(name for name in (name, name_zh) if name)
        for name, name_zh in Brand.objects.values_list("name", "name_zh")
    ]
    return [*configured_glossary(), *(names for names in brands if names)]


def entries_in(text: str, glossary: Iterable[Sequence[str]]) -> list[tuple[str, ...]]:
    """The glossary entries ``text`` names (by any spelling)."""
    text = unicodedata.normalize("NFKC", text)
    folded = text.casefold()
    return [tuple(names) for names in glossary if any(_found(n, text, folded) for n in names)]


def _found(name: str, text: str, folded: str) -> bool:
    if not name:
        return False
    if name.isascii():
        pattern = r"(?<![A-Za-z0-9])" + re.escape(name.casefold()) + r"(?![A-Za-z0-9])"
        return re.search(pattern, folded) is not None
    return name in text


def extract_terms(
    text: str, *, glossary: Iterable[Sequence[str]] = (), chinese_source: bool | None = None
) -> list[ProtectedTerm]:
    """The protected terms of a source text, each once, in order of kind.

    Args:
        text: the source (Simplified Chinese or English).
        glossary: entries of accepted spellings (brands, the merchant's terms); an entry
            found in the text by any spelling is protected with all of them accepted.
        chinese_source: whether the text is Chinese (default: it holds Han characters);
            then every Latin-script word of two letters or more is protected as a name.
    """
    text = unicodedata.normalize("NFKC", text)
    folded = text.casefold()
    if chinese_source is None:
        chinese_source = HAN_CHAR.search(text) is not None
    terms: list[ProtectedTerm] = []
    seen: set[str] = set()

    def add(term: str, kind: str, accepted: Sequence[str] = ()) -> None:
        key = _normal(term)
        if key and key not in seen:
            seen.add(key)
            terms.append(ProtectedTerm(term, kind, tuple(accepted)))

    for names in glossary:
        for name in names:
            if _found(name, text, folded):
                # The spelling found first, then the others (a brand's Chinese name).
                add(name, "glossary", [name, *(n for n in names if n != name)])
                for other in names:
                    seen.add(_normal(other))
                break
    for match in _UNIT.finditer(text):
        add(match.group(0), "unit")
    for match in _SIZE_WORD.finditer(text):
        add(match.group(0), "size")
    for match in _SIZE_LETTER.finditer(text):
        add(match.group(1) or match.group(2), "size")
    for match in LATIN_TOKEN.finditer(text):
        token = match.group(0)
        has_digit = any(c.isdigit() for c in token)
        has_letter = any(c.isalpha() for c in token)
        if (has_digit and has_letter) or _JOINED_DIGITS.match(token):
            add(token, "code")
        elif has_letter and (
            (chinese_source and sum(c.isalpha() for c in token) >= 2)
            or _ACRONYM.match(token)
            or _CAMEL.match(token)
        ):
            add(token, "name")
    for number in NUMBER.findall(text):
        add(number, "number")
    return terms


def _number_present(number: str, output: str) -> bool:
    digits = number.replace(",", "")
    return re.search(rf"(?<![\d.]){re.escape(digits)}(?![\d]|\.\d)", output) is not None


def is_kept(term: ProtectedTerm, output: str) -> bool:
    """Whether ``output`` carries ``term`` (case, spaces and dashes aside)."""
    if term.kind == "number":
        return _number_present(term.text, unicodedata.normalize("NFKC", output).replace(",", ""))
    if term.kind == "size" and len(term.text) == 1:
        pattern = rf"(?<![A-Za-z'’]){term.text}(?![A-Za-z'’])"
        return re.search(pattern, unicodedata.normalize("NFKC", output)) is not None
    normal = _normal(output)
    return any(_normal(spelling) in normal for spelling in term.spellings)


# Kinds a lost term of which is put back as written: names and codes read the same in both
# languages. Sizes, units in words and short numbers do not (a "1.7 litre" is "1.7升" in
# Chinese, a lost "12" means nothing at the end of a title); a unit written in Latin letters
# ("900ml") and a number of five digits or more (an item number) do.
RESTORABLE_KINDS = frozenset({"glossary", "code", "name"})
_LATIN_UNIT = re.compile(r"^[0-9.,]+[A-Za-z]+$")
_ITEM_NUMBER = re.compile(r"^[0-9]{5,}$")
LEADING_SHARE = 0.25


def restorable(term: ProtectedTerm) -> bool:
    """Whether a lost ``term`` can be put back as written (see RESTORABLE_KINDS)."""
    if term.kind in RESTORABLE_KINDS:
        return True
    if term.kind == "unit":
        return _LATIN_UNIT.match(term.text) is not None
    return term.kind == "number" and _ITEM_NUMBER.match(term.text) is not None


def restore_terms(source: str, output: str, terms: Sequence[ProtectedTerm]) -> tuple[str, list]:
    """``output`` with every restorable term it lost put back, and the terms put back.

    A term from the first quarter of the source goes in front (brands lead titles), any other
    at the end (model codes trail them). The translation is then marked for the
    merchant to check the placement (``translation.checks``); the model's own survival rate
    is what evaluations report as ``model_term_survival``.
    """
    source = unicodedata.normalize("NFKC", source)
    restored = []
    for term in missing_terms(terms, output):
        if not restorable(term) or is_kept(term, output):
            # Kept now: a code put back carries its number ("SC-MK-010" and "010").
            continue
        position = source.find(term.text)
        if 0 <= position <= len(source) * LEADING_SHARE:
            output = f"{term.text} {output}".strip()
        else:
            output = f"{output} {term.text}".strip()
        restored.append(term)
    return output, restored


def missing_terms(terms: Sequence[ProtectedTerm], output: str) -> list[ProtectedTerm]:
    """The terms ``output`` lost."""
    return [term for term in terms if not is_kept(term, output)]


def source_numbers(text: str) -> set[str]:
    """The numbers a translation of ``text`` may state (for constrained decoding)."""
    numbers = set(NUMBER.findall(unicodedata.normalize("NFKC", text)))
    return numbers | {n.replace(",", "") for n in numbers}


def extra_numbers(source: str, output: str) -> list[str]:
    """Numbers of ``output`` that ``source`` does not state."""
    source = unicodedata.normalize("NFKC", source).replace(",", "")
    return [
        number
        for number in NUMBER.findall(unicodedata.normalize("NFKC", output))
        if not _number_present(number, source)
    ]
