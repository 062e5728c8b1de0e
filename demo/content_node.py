"""One value of a demo content file, with the file and key path it came from.

``Node`` checks types and keys as the reader walks a file, so every problem is reported as a
``ContentError`` naming the file and the key (``leaves[0].scenes[2]``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .spec import Bilingual

LANGUAGES = ("en", "zh")
# libyaml's SafeLoader reads the content eight times faster than the pure-Python one.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LANGUAGE_NAMES = {"en": "the English text", "zh": "the Chinese text"}


class ContentError(ValueError):
    """A demo content file is missing, malformed or lacks a translation."""


@dataclass(frozen=True)
class ByLanguage:
    """Pools written separately in each language (openers, connectors)."""

    en: tuple[str, ...]
    zh: tuple[str, ...]


@dataclass(frozen=True)
class Node:
    value: Any
    file: Path
    where: str = ""

    @classmethod
    def load(cls, file: Path) -> Node:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as error:
            raise ContentError(f"{file}: cannot be read ({error.strerror})") from error
        try:
            value = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError as error:
            raise ContentError(f"{file}: not valid YAML: {error}") from error
        return cls(value, file)

    def error(self, message: str) -> ContentError:
        where = f"{self.where}: " if self.where else ""
        return ContentError(f"{self.file}: {where}{message}")

    def child(self, key: str | int) -> Node:
        if isinstance(key, int):
            where = f"{self.where}[{key}]"
        else:
            where = f"{self.where}.{key}" if self.where else str(key)
        return Node(self.value[key], self.file, where)

    def without(self, key: str) -> Node:
        """The same mapping less one key, e.g. an option's labels without its value."""
        if not isinstance(self.value, dict):
            return self
        return Node({k: v for k, v in self.value.items() if k != key}, self.file, self.where)

    def fields(self, *, required: Iterable[str] = (), optional: Iterable[str] = ()) -> dict:
        """The children of a mapping by key; unknown keys (typos) and missing ones are errors."""
        required, optional = tuple(required), tuple(optional)
        if not isinstance(self.value, dict):
            raise self.error(f"expected a mapping with {', '.join(required)}")
        for key in self.value:
            if key not in required and key not in optional:
                known = ", ".join(repr(k) for k in (*required, *optional))
                raise self.error(f"unknown key {key!r} (expected {known})")
        for key in required:
            if key not in self.value:
                language = f" ({_LANGUAGE_NAMES[key]})" if key in _LANGUAGE_NAMES else ""
                raise self.error(f"missing {key!r}{language}")
        return {key: self.child(key) for key in self.value}

    def entries(self) -> list[tuple[Any, Node]]:
        """The children of a mapping whose keys are data (attribute codes, materials)."""
        if not isinstance(self.value, dict) or not self.value:
            raise self.error("expected a non-empty mapping")
        return [(key, self.child(key)) for key in self.value]

    def items(self, *, allow_empty: bool = False) -> list[Node]:
        if not isinstance(self.value, list) or not (self.value or allow_empty):
            raise self.error("expected a non-empty list")
        return [self.child(i) for i in range(len(self.value))]

    def text(self, *, allow_empty: bool = False) -> str:
        if self.value is None:
            raise self.error("is empty")
        if not isinstance(self.value, str):
            raise self.error(f"expected text, got {_describe(self.value)}")
        if not self.value.strip() and not allow_empty:
            raise self.error("is empty")
        return self.value

    def number(self) -> int | float:
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise self.error(f"expected a number, got {_describe(self.value)}")
        return self.value

    def integer(self) -> int:
        if isinstance(self.value, bool) or not isinstance(self.value, int):
            raise self.error(f"expected a whole number, got {_describe(self.value)}")
        return self.value

    def flag(self) -> bool:
        if not isinstance(self.value, bool):
            raise self.error(f"expected true or false, got {_describe(self.value)}")
        return self.value

    def scalar(self) -> str | int | float:
        """An attribute value: text or a number."""
        if isinstance(self.value, str):
            return self.text()
        return self.number()

    def bilingual(self, *, zh_optional: bool = False) -> Bilingual:
        if not isinstance(self.value, dict):
            raise self.error(f"expected {{en: …, zh: …}}, got {_describe(self.value)}")
        fields = self.fields(required=("en",) if zh_optional else LANGUAGES, optional=LANGUAGES)
        texts = {language: node.text() for language, node in fields.items()}
        return Bilingual(texts["en"], texts.get("zh", ""))

    def bilinguals(self) -> tuple[Bilingual, ...]:
        return tuple(node.bilingual() for node in self.items())

    def texts(self) -> tuple[str, ...]:
        return tuple(node.text() for node in self.items())

    def by_language(self) -> ByLanguage:
        fields = self.fields(required=LANGUAGES)
        return ByLanguage(en=fields["en"].texts(), zh=fields["zh"].texts())


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)
