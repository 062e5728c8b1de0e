"""The product called by its own name in generated English copy.

The shop's copy calls a product by its model name ("the Kinetic 3", "the Canyon"), and the
fine-tuned model learnt to, but a small model picks the wrong word of the title: "The Olive is
a sleeping bag from Tidewell" for the Tidewell Canyon Sleeping Bag – Olive, "The Brown is a
lightweight mascara". A word the catalog never uses as a name (its colour, a feature, the
product type) standing where the name goes is replaced by the model name, and the draft says
so (a warning).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from django.utils.translation import gettext_noop

from copywriting.checks import Trimmed, trim_parts
from copywriting.findings import WARNING, finding, message
from copywriting.prompts import ProductFacts

# "The Olive is", "the Carbon-Plated from", "The X's": a capitalised run where a name goes.
_REFERENCE = re.compile(
    r"\b(?P<the>[Tt]he) (?P<name>[A-Z][\w'-]*(?: (?:[A-Z][\w'-]*|\d[\w.]*))*)"
    r"(?=(?: is| was| has| keeps| gets| comes| from|'s)\b)"
)
# After the first name word, these belong to the model name: "Timber XT", "Kinetic 3", "Cove II".
_NAME_TAIL = re.compile(r"\d[\w.]*|[A-Z]{1,4}|[IVX]+")
_VARIANT = re.compile(r"\s+(?:[–—(]|-\s)")


def model_name(title: str, brand: str, names: Collection[str]) -> str:
    """The title's model name: its first run of the catalog's name words, brand words aside,
    with the numbers and letter codes after it ("Kinetic 3" of "Kinetic 3 Trail Running Shoe –
    Unisex, Red"); "" when the title has none."""
    head = _VARIANT.split(title, maxsplit=1)[0]
    brand_words = set(brand.split())
    run: list[str] = []
    for word in head.split():
        if word in names and word not in brand_words:
            run.append(word)
        elif run and _NAME_TAIL.fullmatch(word):
            run.append(word)
        elif run:
            break
    return " ".join(run)


def rename_product(
    parts: dict[str, Any], *, facts: ProductFacts, names: Collection[str]
) -> Trimmed:
    """English parts with a non-name where the product's name goes replaced by its model name,
    and one warning per replacement."""
    name = model_name(facts.title, facts.brand, names)
    if facts.language != "en" or not name:
        return parts, []
    own = set(name.split()) | set(facts.brand.split())

    def rename(part: str, item: str, is_list: bool) -> tuple[str, list[dict[str, Any]]]:
        notes: list[dict[str, Any]] = []

        def replace(match: re.Match[str]) -> str:
            words = match["name"].split()
            if any(word in names or word in own for word in words):
                return match.group()
            notes.append(
                finding(
                    "name_fixed",
                    message(
                        gettext_noop("Called the product “{wrong}”; written as “{name}”."),
                        wrong=match["name"],
                        name=name,
                    ),
                    part=part,
                    text=match["name"],
                    severity=WARNING,
                )
            )
            return f"{match['the']} {name}"

        return _REFERENCE.sub(replace, item), notes

    return trim_parts(parts, rename)
