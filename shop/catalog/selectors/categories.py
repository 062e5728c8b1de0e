"""Categories (the tree in the active language), their attribute schemas, and brands.

All three change rarely and live in the cache until :func:`invalidate_catalog_cache`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse

from common.text import is_chinese

from ..cache import cached, versioned_key
from ..models import Attribute, Brand, Category, CategoryTranslation
from ..services import get_attribute_schema
from .base import current_language, fallback_label

# Navigation and schemas change rarely and are invalidated explicitly.
STRUCTURE_TIMEOUT = 60 * 60


@dataclass(frozen=True, slots=True)
class CategoryNode:
    id: int
    slug: str
    name: str
    description: str
    url: str
    parent_id: int | None
    children: tuple[int, ...]
    text_language: str
    is_fallback: bool
    fallback_label: str

    @property
    def initial(self) -> str:
        return self.name[:1].upper() or "?"


@dataclass(frozen=True, slots=True)
class CategoryTree:
    """Every category in one language, for navigation, breadcrumbs and descendant lookups."""

    nodes: dict[int, CategoryNode]
    by_slug: dict[str, int]
    roots: tuple[int, ...]

    def get(self, slug: str) -> CategoryNode | None:
        category_id = self.by_slug.get(slug)
        return self.nodes[category_id] if category_id is not None else None

    def root_nodes(self) -> list[CategoryNode]:
        return [self.nodes[i] for i in self.roots]

    def children_of(self, category_id: int) -> list[CategoryNode]:
        return [self.nodes[i] for i in self.nodes[category_id].children]

    def ancestors(self, category_id: int) -> list[CategoryNode]:
        """Root first, the category itself last."""
        chain: list[CategoryNode] = []
        seen: set[int] = set()
        current: int | None = category_id
        while current is not None and current not in seen and current in self.nodes:
            seen.add(current)
            chain.append(self.nodes[current])
            current = self.nodes[current].parent_id
        return chain[::-1]

    def descendant_ids(self, category_id: int) -> list[int]:
        """The category and everything below it."""
        found: list[int] = []
        stack = [category_id]
        seen: set[int] = set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            found.append(current)
            stack.extend(self.nodes[current].children)
        return found


def category_tree() -> CategoryTree:
    """The cached category tree in the active language."""
    language = current_language()
    return cached(
        versioned_key("tree", language), lambda: _build_category_tree(language), STRUCTURE_TIMEOUT
    )


def _build_category_tree(language: str) -> CategoryTree:
    categories = list(Category.objects.order_by("position", "name", "id"))
    source = settings.LANGUAGE_CODE
    translations: dict[int, CategoryTranslation] = {}
    if language != source:
        translations = {
            t.category_id: t for t in CategoryTranslation.objects.filter(language_code=language)
        }
    children: dict[int | None, list[int]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category.pk)
    url_template = reverse("catalog:category", kwargs={"slug": "__slug__"})
    nodes: dict[int, CategoryNode] = {}
    for category in categories:
        translation = translations.get(category.pk)
        if translation is not None or language == source:
            name = translation.name if translation else category.name
            description = translation.description if translation else category.description
            text_language, is_fallback = language, False
        else:
            name, description = category.name, category.description
            text_language, is_fallback = source, True
        nodes[category.pk] = CategoryNode(
            id=category.pk,
            slug=category.slug,
            name=name,
            description=description,
            url=url_template.replace("__slug__", category.slug),
            parent_id=category.parent_id,
            children=tuple(children.get(category.pk, [])),
            text_language=text_language,
            is_fallback=is_fallback,
            fallback_label=fallback_label(text_language),
        )
    known = set(nodes)
    roots = tuple(c.pk for c in categories if c.parent_id is None or c.parent_id not in known)
    return CategoryTree(nodes=nodes, by_slug={c.slug: c.pk for c in categories}, roots=roots)


def top_categories() -> list[CategoryNode]:
    return category_tree().root_nodes()


@dataclass(frozen=True, slots=True)
class AttributeInfo:
    code: str
    name: str
    name_is_fallback: bool
    kind: str
    unit: str
    filterable: bool
    # option value -> label in the active language, in the schema's option order
    options: dict[str, str] = field(default_factory=dict)

    @property
    def is_filter(self) -> bool:
        return self.filterable and self.kind == Attribute.Kind.CHOICE


def category_schema(category_id: int) -> list[AttributeInfo]:
    """The category's attributes (own and inherited) with localized names, cached."""
    language = current_language()
    return cached(
        versioned_key("schema", category_id, language),
        lambda: _build_schema(category_id, language),
        STRUCTURE_TIMEOUT,
    )


def _category_with_ancestors(category_id: int) -> Category | None:
    """An unsaved Category chain built from the cached tree.

    ``get_attribute_schema`` walks ``.parent``; handing it this chain saves one query per level.
    """
    category: Category | None = None
    for node in category_tree().ancestors(category_id):
        child = Category(pk=node.id, slug=node.slug, name=node.name, parent_id=node.parent_id)
        child.parent = category
        category = child
    return category


def _build_schema(category_id: int, language: str) -> list[AttributeInfo]:
    category = _category_with_ancestors(category_id)
    if category is None:
        return []
    chinese = is_chinese(language)
    infos = []
    for code, entry in get_attribute_schema(category).items():
        attribute = entry.attribute
        name = attribute.name_zh if chinese and attribute.name_zh else attribute.name
        options = {
            value: (option.label_zh if chinese and option.label_zh else option.label)
            for value, option in entry.options.items()
        }
        infos.append(
            AttributeInfo(
                code=code,
                name=name,
                name_is_fallback=chinese and not attribute.name_zh,
                kind=attribute.kind,
                unit=attribute.unit,
                filterable=entry.filterable,
                options=options,
            )
        )
    return infos


@dataclass(frozen=True, slots=True)
class BrandInfo:
    id: int
    slug: str
    name: str
    name_zh: str

    def display_name(self, language: str) -> str:
        return self.name_zh if is_chinese(language) and self.name_zh else self.name


def brands_by_id() -> dict[int, BrandInfo]:
    def build() -> dict[int, BrandInfo]:
        return {
            b.pk: BrandInfo(id=b.pk, slug=b.slug, name=b.name, name_zh=b.name_zh)
            for b in Brand.objects.all()
        }

    return cached(versioned_key("brands"), build, STRUCTURE_TIMEOUT)
