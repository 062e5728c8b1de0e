"""Feature words a shopper filters by, learnt from how the catalog's own copy uses them.

Colours, sizes, genders and materials are always read as filters. Other attributes' option
labels are often ordinary words ("Light", "Active", "Road"), so they are read only where the
catalog shows that a phrase means one option: among the products that have the attribute,
those whose title or copy says the phrase almost all have that value. "waterproof" for
backpacks whose water protection is Waterproof, "降噪" (the attribute's own name) for
headphones whose noise cancelling is Active (主动降噪), but not "light", which the copy says
of any shoe. The same rule as the copy checks' feature claims (copywriting.selectors).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable

from search.text import has_cjk
from shop.catalog.models import (
    Attribute,
    AttributeOption,
    CategoryAttribute,
    Product,
    ProductTranslation,
)

# A phrase stands for an option when at least this share of the products (having the
# attribute) whose text says it have that option, and at least MIN_USES of them: the option's
# own label ("防水", whose texts also say 防水渍 of suede that is not waterproof), or the
# attribute's name, a weaker sign ("降噪" for Active, "版型" is said of every fit).
LABEL_PRECISION = 0.6
NAME_PRECISION = 0.9
MIN_USES = 3
SPECIFICITY = 0.5
_NEGATIVE = re.compile(r"(?i)(none|no|not|without|false)\b")


def _pattern(phrase: str) -> re.Pattern[str]:
    """``phrase`` in a casefolded text, unless negated ("不防水", "not waterproof")."""
    escaped = re.escape(phrase.casefold()).replace(r"\ ", r"[\s-]+").replace(r"\-", r"[\s-]*")
    if has_cjk(phrase):
        return re.compile(rf"(?<![不非无]){escaped}")
    return re.compile(rf"(?<!not )(?<!non-)(?<!non )(?<![\w]){escaped}(?![\w])")


def _needle(phrase: str) -> str:
    """The longest word of ``phrase``: a text without it cannot match (a fast first test)."""
    return max(re.split(r"[\s-]+", phrase), key=len)


def learnt_phrases(
    candidates: dict[tuple[str, str], set[str]],
    products: Iterable[tuple[dict[str, str], str]],
    names: dict[str, set[str]] | None = None,
) -> dict[tuple[str, str], list[str]]:
    """Which of ``candidates`` ((code, value) → phrases) stand for their option; a phrase in
    ``names`` (code → the attribute's names) needs NAME_PRECISION, others LABEL_PRECISION.

    ``products``: (attribute values, the product's text in one language, casefolded) of
    every active product. A phrase stands for its option when, of the texts saying it,
    at least PRECISION of those of products having the attribute have that value and at
    least SPECIFICITY are of products having the attribute at all ("travel" is said of far
    more than travel books).
    """
    patterns = [
        (option, phrase, _needle(phrase), _pattern(phrase))
        for option, phrases in sorted(candidates.items())
        for phrase in sorted(phrases)
        if len(phrase) >= 2
    ]
    hits: Counter[tuple[tuple[str, str], str]] = Counter()
    having: Counter[tuple[tuple[str, str], str]] = Counter()
    said: Counter[tuple[tuple[str, str], str]] = Counter()
    for values, text in products:
        for (code, value), phrase, needle, pattern in patterns:
            if needle not in text or not pattern.search(text):
                continue
            key = ((code, value), phrase)
            said[key] += 1
            if values.get(code) not in (None, "", []):
                having[key] += 1
                hits[key] += str(values[code]) == value
    learnt: dict[tuple[str, str], list[str]] = {}
    for key, count in sorted(having.items()):
        option, phrase = key
        named = phrase in (names or {}).get(option[0], ())
        if (
            count >= MIN_USES
            and hits[key] / count >= (NAME_PRECISION if named else LABEL_PRECISION)
            and count / said[key] >= SPECIFICITY
        ):
            learnt.setdefault(option, []).append(phrase)
    return learnt


def feature_options(skip_codes: Collection[str]) -> dict[tuple[str, str], list[str]]:
    """(code, value) → the phrases the catalog's copy uses for that option, for the filterable
    choice attributes not in ``skip_codes``: their options' labels and the attribute's names
    (English and Chinese) are the candidates."""
    filterable = (
        CategoryAttribute.objects.filter(filterable=True, attribute__kind=Attribute.Kind.CHOICE)
        .exclude(attribute__code__in=list(skip_codes))
        .values_list("attribute__code", flat=True)
    )
    codes = set(filterable)
    if not codes:
        return {}
    names: dict[str, set[str]] = defaultdict(set)
    for code, name, name_zh in Attribute.objects.filter(code__in=codes).values_list(
        "code", "name", "name_zh"
    ):
        names[code].update(n.casefold() for n in (name, name_zh) if n)
    candidates: dict[tuple[str, str], set[str]] = {}
    for code, value, label, label_zh in AttributeOption.objects.filter(
        attribute__code__in=codes
    ).values_list("attribute__code", "value", "label", "label_zh"):
        if _NEGATIVE.match(value) or _NEGATIVE.match(label or ""):
            continue  # "None", "Not waterproof": what a shopper filters for is never absence
        own = {n.casefold() for n in (label, label_zh) if n}
        candidates[(code, value)] = own | names[code]
    return learnt_phrases(candidates, _product_texts(), names)


def _product_texts() -> Iterable[tuple[dict[str, str], str]]:
    """(attributes, text) of active products: the title and description in the source
    language, then in each translation."""
    active = Product.objects.active()
    rows = active.values_list("pk", "attributes", "title", "description")
    attributes: dict[int, dict[str, str]] = {}
    for pk, values, title, description in rows.iterator(chunk_size=2000):
        attributes[pk] = values if isinstance(values, dict) else {}
        yield attributes[pk], f"{title} {description}".casefold()
    translations = ProductTranslation.objects.filter(product__in=active).values_list(
        "product_id", "title", "description"
    )
    for pk, title, description in translations.iterator(chunk_size=2000):
        if pk in attributes:
            yield attributes[pk], f"{title} {description}".casefold()
