"""The vocabulary the demo content is described in: plain frozen dataclasses.

``demo/content/*.yaml`` holds the words; ``demo.reader`` turns those files into these objects,
and ``demo.products`` and ``demo.customers`` generate the shop from them. Nothing here touches
the database or the files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Bilingual:
    en: str
    zh: str


@dataclass(frozen=True)
class Condition:
    """Attribute values a phrase is true for: every listed attribute must have one of its values
    (``*`` accepts any value as long as the product has the attribute)."""

    rules: tuple[tuple[str, frozenset[str]], ...] = ()

    def matches(self, attributes: dict[str, Any]) -> bool:
        return all(
            code in attributes and ("*" in values or str(attributes[code]) in values)
            for code, values in self.rules
        )


@dataclass(frozen=True)
class Feature:
    """A selling point: a short highlight bullet plus a full sentence, used only for products
    whose attributes meet ``when``."""

    highlight: Bilingual
    sentence: Bilingual
    when: Condition = Condition()


@dataclass(frozen=True)
class Qualifier:
    """A title word such as "Waterproof" / "防水", used only when its condition holds."""

    text: Bilingual
    when: Condition = Condition()


@dataclass(frozen=True)
class NumberRange:
    low: float
    high: float
    step: float = 1

    def values(self) -> list[float]:
        count = int(round((self.high - self.low) / self.step)) + 1
        return [round(self.low + i * self.step, 4) for i in range(count)]


@dataclass(frozen=True)
class DependsOn:
    """Allowed values that follow another attribute chosen earlier in the schema, e.g. a
    ring's colour follows its metal."""

    code: str
    choices: dict[str, tuple[Any, ...]]


@dataclass(frozen=True)
class SchemaItem:
    code: str
    required: bool = False
    filterable: bool = True


# attribute code -> allowed option values (repeats weight them), a NumberRange, a DependsOn,
# or None when the attribute does not apply
Constraints = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    """One kind of product inside a leaf category, e.g. "Trail Running Shoe"."""

    key: str
    noun: str
    noun_zh: str
    price: tuple[float, float]
    attrs: Constraints = field(default_factory=dict)
    qualifiers: tuple[Qualifier, ...] = ()
    features: tuple[Feature, ...] = ()
    plural: str = ""
    # "a pair of", "a set of"; empty means a/an
    article: str = ""
    # attribute codes worth showing in a title, e.g. capacity "2 L"
    title_spec: tuple[str, ...] = ()
    # "model" (model name + noun) or "book" (invented book titles)
    naming: str = "model"
    weight: int = 1
    # override the leaf's scenes and traits when they don't fit this kind
    scenes: tuple[Bilingual, ...] = ()
    traits: tuple[Bilingual, ...] = ()

    @property
    def nouns(self) -> str:
        if self.plural:
            return self.plural
        if self.article and self.article != "a" and not self.article.startswith("an"):
            return self.noun
        return pluralize(self.noun)


@dataclass(frozen=True)
class Leaf:
    slug: str
    name: str
    name_zh: str
    code: str
    kinds: tuple[Kind, ...]
    scenes: tuple[Bilingual, ...]
    traits: tuple[Bilingual, ...]
    features: tuple[Feature, ...] = ()
    schema: tuple[SchemaItem, ...] = ()
    attrs: Constraints = field(default_factory=dict)
    # relative share of the catalog
    weight: int = 2


@dataclass(frozen=True)
class Top:
    slug: str
    name: str
    name_zh: str
    description: Bilingual
    schema: tuple[SchemaItem, ...]
    leaves: tuple[Leaf, ...]
    model_words: tuple[Bilingual, ...]
    model_suffixes: tuple[str, ...]
    features: tuple[Feature, ...] = ()
    closers: tuple[Bilingual, ...] = ()
    praise: tuple[Bilingual, ...] = ()
    gripes: tuple[Bilingual, ...] = ()
    attrs: Constraints = field(default_factory=dict)


@dataclass(frozen=True)
class OptionSpec:
    value: str
    label: str
    label_zh: str


@dataclass(frozen=True)
class AttributeSpec:
    code: str
    name: str
    name_zh: str
    kind: str = "choice"
    unit: str = ""
    options: tuple[OptionSpec, ...] = ()
    # Colours and materials read naturally in lower case inside English sentences.
    lower_in_text: bool = False

    def option(self, value: str) -> OptionSpec:
        for option in self.options:
            if option.value == value:
                return option
        raise KeyError(f"{self.code} has no option {value!r}")


@dataclass(frozen=True)
class BrandSpec:
    slug: str
    name: str
    name_zh: str
    # top-level category slugs the brand sells in
    categories: tuple[str, ...]


def brand_slug(name: str) -> str:
    return name.lower().replace("&", "and").replace(" ", "-").replace("'", "")


def pluralize(noun: str) -> str:
    last = noun.split()[-1]
    head = noun[: len(noun) - len(last)]
    lower = last.lower()
    if lower.endswith(("s", "sh", "ch", "x", "z")):
        return f"{head}{last}es"
    if lower.endswith("y") and lower[-2:-1] not in "aeiou":
        return f"{head}{last[:-1]}ies"
    if lower.endswith("knife"):
        return f"{head}{last[:-2]}ves"
    return f"{head}{last}s"


def with_article(phrase: str) -> str:
    first = phrase.split()[0].lower()
    vowel_sound = first[0] in "aeiou" and not first.startswith(("usb", "uni", "use", "one"))
    return f"{'an' if vowel_sound or first in {'hour', 'hourly'} else 'a'} {phrase}"
