"""What the search index holds for each active product of the shop.

BM25 reads every language a product has (title, brand, category path, attribute labels,
highlights, the start of the description), so a Chinese query matches a product written in
English once it has a translation, and the brand or colour words match too. The embedder reads
one compact text in the product's source language: multilingual e5 bridges languages itself.
"""

from __future__ import annotations

from collections.abc import Iterator

from search.engine import IndexDocument
from shop.catalog.models import (
    Attribute,
    AttributeOption,
    Brand,
    Category,
    CategoryTranslation,
    Product,
    ProductTranslation,
)

DESCRIPTION_CHARS = 400
DENSE_DESCRIPTION_CHARS = 200


def _label_maps() -> tuple[dict[tuple[str, str], tuple[str, str]], dict[str, tuple[str, str]]]:
    options = {
        (code, value): (label, label_zh)
        for code, value, label, label_zh in AttributeOption.objects.values_list(
            "attribute__code", "value", "label", "label_zh"
        )
    }
    names = {
        code: (name, name_zh)
        for code, name, name_zh in Attribute.objects.values_list("code", "name", "name_zh")
    }
    return options, names


def _category_paths() -> dict[int, tuple[list[str], str]]:
    """category id -> (names of it and its ancestors in every language, its own English name)."""

    categories = {c.pk: c for c in Category.objects.all()}
    translated: dict[int, list[str]] = {}
    for category_id, name in CategoryTranslation.objects.values_list("category_id", "name"):
        translated.setdefault(category_id, []).append(name)
    paths = {}
    for pk, category in categories.items():
        names: list[str] = []
        node = category
        seen = set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names += [node.name, *translated.get(node.pk, [])]
            node = categories.get(node.parent_id) if node.parent_id else None
        paths[pk] = (names, category.name)
    return paths


def _attribute_words(
    attributes: dict,
    options: dict[tuple[str, str], tuple[str, str]],
    names: dict[str, tuple[str, str]],
) -> tuple[list[str], list[str]]:
    """Attribute text for BM25 (every language) and for the embedder (English labels).

    An option's label alone can be meaningless ("Active", "Yes"): it is indexed with the
    attribute's name ("Noise cancelling Active"), so "noise cancelling" finds it.
    """
    every, english = [], []
    # By code: PostgreSQL's jsonb orders keys its own way, SQLite keeps them as written, and
    # the text (its word pairs, its embedding) must not depend on the database.
    for code, value in sorted((attributes or {}).items()):
        name, name_zh = names.get(code, ("", ""))
        values = value if isinstance(value, list) else [value]
        for item in values:
            labels = options.get((code, str(item)))
            if labels:
                every.append(" ".join(p for p in (name, labels[0]) if p))
                if labels[1]:
                    every.append(" ".join(p for p in (name_zh, labels[1]) if p))
                english.append(labels[0])
            elif isinstance(item, (int, float, str)) and str(item).strip():
                every.append(" ".join(p for p in (name, str(item)) if p))
    return every, english


def catalog_documents(*, chunk_size: int = 1000) -> Iterator[IndexDocument]:
    """One IndexDocument per active product, read ``chunk_size`` products at a time."""

    options, names = _label_maps()
    paths = _category_paths()
    brands = {
        pk: (name, name_zh)
        for pk, name, name_zh in Brand.objects.values_list("pk", "name", "name_zh")
    }
    ids = list(Product.objects.active().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), chunk_size):
        chunk = ids[start : start + chunk_size]
        translations: dict[int, list[tuple[str, str, list]]] = {}
        for product_id, title, description, highlights in ProductTranslation.objects.filter(
            product_id__in=chunk
        ).values_list("product_id", "title", "description", "highlights"):
            translations.setdefault(product_id, []).append((title, description, highlights))
        for product in Product.objects.filter(pk__in=chunk).order_by("pk"):
            brand = brands.get(product.brand_id, ("", ""))
            category_names, category_name = paths.get(product.category_id, ([], ""))
            attribute_words, english_labels = _attribute_words(product.attributes, options, names)
            lexical = [product.title, *brand, *category_names, *attribute_words]
            lexical += [h for h in product.highlights or [] if isinstance(h, str)]
            lexical.append(product.description[:DESCRIPTION_CHARS])
            other_titles = []
            for title, description, highlights in translations.get(product.pk, []):
                other_titles.append(title)
                lexical += [title, description[:DESCRIPTION_CHARS]]
                lexical += [h for h in highlights or [] if isinstance(h, str)]
            dense = " | ".join(
                part
                for part in (
                    product.title,
                    brand[0],
                    category_name,
                    ", ".join(english_labels),
                    product.description[:DENSE_DESCRIPTION_CHARS],
                )
                if part
            )
            yield IndexDocument(
                key=product.pk,
                lexical_text="\n".join(part for part in lexical if part),
                dense_text=dense,
            )
