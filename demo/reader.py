"""Reads the demo content files (``demo/content/*.yaml``) into the objects of ``demo.spec``.

The files are written for merchants and translators, so every mistake is reported as a
``ContentError`` naming the file and the key, e.g. ``…/categories/shoes.yaml:
leaves[0].scenes[2]: missing 'zh' (the Chinese text)``. Text comes in ``{en, zh}`` pairs and
both languages are required, except for brand names (a brand may have no Chinese name) and
model words (a plain word stays in English in Chinese titles).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Formatter

from .content_node import LANGUAGES, ByLanguage, Node
from .spec import (
    AttributeSpec,
    Bilingual,
    BrandSpec,
    Condition,
    Constraints,
    DependsOn,
    Feature,
    Kind,
    Leaf,
    NumberRange,
    OptionSpec,
    Qualifier,
    SchemaItem,
    Top,
    brand_slug,
)

CONTENT_DIR = Path(__file__).resolve().parent / "content"


@dataclass(frozen=True)
class ProductCopy:
    openers: ByLanguage
    book_openers: ByLanguage
    connectors: ByLanguage
    color_sentences: ByLanguage
    material_sentences: dict[str, tuple[Bilingual, ...]]
    generic_material_sentences: tuple[Bilingual, ...]
    generic_closers: tuple[Bilingual, ...]
    # genre -> title patterns, e.g. {en: "The {a} {n}", zh: "{a}的{n}"}
    book_titles: dict[str, tuple[Bilingual, ...]]
    # placeholder in a book title pattern -> the words it may take
    book_words: dict[str, tuple[Bilingual, ...]]
    authors: tuple[Bilingual, ...]


@dataclass(frozen=True)
class CustomerWords:
    en_first_names: tuple[str, ...]
    en_last_names: tuple[str, ...]
    zh_family_names: tuple[str, ...]
    zh_given_names: tuple[str, ...]
    zero_result_queries: tuple[Bilingual, ...]
    # star rating -> titles
    review_titles: dict[int, tuple[Bilingual, ...]]
    # "high", "mid", "low" -> first sentences
    review_openings: dict[str, tuple[Bilingual, ...]]
    review_context: Bilingual


@dataclass(frozen=True)
class DemoAddress:
    street: str
    city: str
    region: str
    postcode: str
    country: str


@dataclass(frozen=True)
class OrderWords:
    # "en" or "zh" -> the places customers shopping in that language ship to
    addresses: dict[str, tuple[DemoAddress, ...]]
    # the street and house number as each language writes them: {street}, {number}
    line1: Bilingual
    return_reasons: tuple[Bilingual, ...]


@dataclass(frozen=True)
class DemoContent:
    attribute_list: tuple[AttributeSpec, ...]
    attributes: dict[str, AttributeSpec]
    units_zh: dict[str, str]
    brands: tuple[BrandSpec, ...]
    tops: tuple[Top, ...]
    copy: ProductCopy
    customers: CustomerWords
    orders: OrderWords
    # Marketing part ("social_post" …) -> the patterns of the merchant's approved copy.
    marketing: dict[str, ByLanguage]


@cache
def demo_content() -> DemoContent:
    """The shipped content, read once per process."""
    return read_content(CONTENT_DIR)


def read_content(directory: Path) -> DemoContent:
    """Read and check every content file under ``directory``.

    Raises:
        ContentError: naming the file and key of the first problem found.
    """
    attributes_doc = Node.load(directory / "attributes.yaml")
    fields = attributes_doc.fields(required=("units_zh", "attributes"))
    units_zh = {unit: node.text() for unit, node in fields["units_zh"].entries()}
    attribute_list = tuple(_attribute(node) for node in fields["attributes"].items())
    attributes = {spec.code: spec for spec in attribute_list}
    if len(attributes) != len(attribute_list):
        raise fields["attributes"].error("an attribute code is listed twice")

    index = Node.load(directory / "categories.yaml").fields(required=("categories",))
    slugs = [node.text() for node in index["categories"].items()]
    tops = tuple(
        _top(Node.load(directory / "categories" / f"{slug}.yaml"), slug, attributes)
        for slug in slugs
    )

    brands_doc = Node.load(directory / "brands.yaml").fields(required=("brands",))
    brands = tuple(_brand(node, set(slugs)) for node in brands_doc["brands"].items())

    return DemoContent(
        attribute_list=attribute_list,
        attributes=attributes,
        units_zh=units_zh,
        brands=brands,
        tops=tops,
        copy=_copy(Node.load(directory / "copy.yaml")),
        customers=_customer_words(Node.load(directory / "customers.yaml")),
        orders=_order_words(Node.load(directory / "orders.yaml")),
        marketing=_marketing(Node.load(directory / "marketing.yaml")),
    )


MARKETING_PARTS = (
    "social_post",
    "banner_slogan",
    "email_subject",
    "email_preview",
    "seo_title",
    "meta_description",
)


def _marketing(node: Node) -> dict[str, ByLanguage]:
    fields = node.fields(required=MARKETING_PARTS)
    return {part: fields[part].by_language() for part in MARKETING_PARTS}


# --- attributes and brands -------------------------------------------------------------------


def _attribute(node: Node) -> AttributeSpec:
    fields = node.fields(
        required=("code", "name"), optional=("kind", "unit", "lower_in_text", "options")
    )
    name = fields["name"].bilingual()
    kind = fields["kind"].text() if "kind" in fields else "choice"
    if kind not in ("choice", "number"):
        raise fields["kind"].error(f"kind must be 'choice' or 'number', not {kind!r}")
    options = ()
    if "options" in fields:
        options = tuple(_option(option) for option in fields["options"].items())
    if (kind == "choice") != bool(options):
        raise node.error("a choice attribute needs options, a number attribute has none")
    return AttributeSpec(
        code=fields["code"].text(),
        name=name.en,
        name_zh=name.zh,
        kind=kind,
        unit=fields["unit"].text() if "unit" in fields else "",
        options=options,
        lower_in_text=fields["lower_in_text"].flag() if "lower_in_text" in fields else False,
    )


def _option(node: Node) -> OptionSpec:
    label = node.without("value").bilingual()
    fields = node.fields(required=("value", *LANGUAGES))
    return OptionSpec(value=fields["value"].text(), label=label.en, label_zh=label.zh)


def _brand(node: Node, top_slugs: set[str]) -> BrandSpec:
    fields = node.fields(required=("name", "categories"))
    name = fields["name"].bilingual(zh_optional=True)
    categories = fields["categories"].texts()
    for position, slug in enumerate(categories):
        if slug not in top_slugs:
            raise fields["categories"].child(position).error(f"no category {slug!r}")
    return BrandSpec(brand_slug(name.en), name.en, name.zh, categories)


# --- the category tree -----------------------------------------------------------------------

_TOP_KEYS = ("features", "closers", "praise", "gripes", "attrs")
_LEAF_KEYS = ("weight", "schema", "attrs", "features")
_KIND_KEYS = (
    "plural",
    "article",
    "naming",
    "weight",
    "title_spec",
    "attrs",
    "qualifiers",
    "scenes",
    "traits",
    "features",
)


def _top(node: Node, slug: str, attributes: dict[str, AttributeSpec]) -> Top:
    fields = node.fields(
        required=("slug", "name", "description", "schema", "model_words", "model_suffixes")
        + ("leaves",),
        optional=_TOP_KEYS,
    )
    if fields["slug"].text() != slug:
        raise fields["slug"].error(f"the file for {slug!r} describes {fields['slug'].value!r}")
    name = fields["name"].bilingual()
    return Top(
        slug=slug,
        name=name.en,
        name_zh=name.zh,
        description=fields["description"].bilingual(),
        schema=_schema(fields["schema"], attributes),
        leaves=tuple(_leaf(leaf, attributes) for leaf in fields["leaves"].items()),
        model_words=tuple(_model_word(word) for word in fields["model_words"].items()),
        model_suffixes=tuple(
            suffix.text(allow_empty=True) for suffix in fields["model_suffixes"].items()
        ),
        features=_features(fields.get("features"), attributes),
        closers=fields["closers"].bilinguals() if "closers" in fields else (),
        praise=fields["praise"].bilinguals() if "praise" in fields else (),
        gripes=fields["gripes"].bilinguals() if "gripes" in fields else (),
        attrs=_constraints(fields.get("attrs"), attributes),
    )


def _leaf(node: Node, attributes: dict[str, AttributeSpec]) -> Leaf:
    fields = node.fields(
        required=("slug", "name", "code", "scenes", "traits", "kinds"), optional=_LEAF_KEYS
    )
    name = fields["name"].bilingual()
    return Leaf(
        slug=fields["slug"].text(),
        name=name.en,
        name_zh=name.zh,
        code=fields["code"].text(),
        kinds=tuple(_kind(kind, attributes) for kind in fields["kinds"].items()),
        scenes=fields["scenes"].bilinguals(),
        traits=fields["traits"].bilinguals(),
        features=_features(fields.get("features"), attributes),
        schema=_schema(fields["schema"], attributes) if "schema" in fields else (),
        attrs=_constraints(fields.get("attrs"), attributes),
        weight=fields["weight"].integer() if "weight" in fields else 2,
    )


def _kind(node: Node, attributes: dict[str, AttributeSpec]) -> Kind:
    fields = node.fields(required=("key", "noun", "price"), optional=_KIND_KEYS)
    noun = fields["noun"].bilingual()
    price = tuple(bound.number() for bound in fields["price"].items())
    if len(price) != 2 or not 0 < price[0] <= price[1]:
        raise fields["price"].error("expected [lowest, highest], both above 0")
    naming = fields["naming"].text() if "naming" in fields else "model"
    if naming not in ("model", "book"):
        raise fields["naming"].error(f"naming must be 'model' or 'book', not {naming!r}")
    title_spec = fields["title_spec"].texts() if "title_spec" in fields else ()
    for position, code in enumerate(title_spec):
        _check_code(fields["title_spec"].child(position), code, attributes)
    qualifiers = ()
    if "qualifiers" in fields:
        qualifiers = tuple(_qualifier(q, attributes) for q in fields["qualifiers"].items())
    return Kind(
        key=fields["key"].text(),
        noun=noun.en,
        noun_zh=noun.zh,
        price=price,  # type: ignore[arg-type]
        attrs=_constraints(fields.get("attrs"), attributes),
        qualifiers=qualifiers,
        features=_features(fields.get("features"), attributes),
        plural=fields["plural"].text() if "plural" in fields else "",
        article=fields["article"].text() if "article" in fields else "",
        title_spec=title_spec,
        naming=naming,
        weight=fields["weight"].integer() if "weight" in fields else 1,
        scenes=fields["scenes"].bilinguals() if "scenes" in fields else (),
        traits=fields["traits"].bilinguals() if "traits" in fields else (),
    )


def _model_word(node: Node) -> Bilingual:
    """A plain word keeps its English form in Chinese titles."""
    if isinstance(node.value, str):
        return Bilingual(node.text(), node.text())
    return node.bilingual()


def _check_code(node: Node, code: str, attributes: dict[str, AttributeSpec]) -> None:
    if code not in attributes:
        raise node.error(f"no attribute {code!r} in attributes.yaml")


def _schema(node: Node, attributes: dict[str, AttributeSpec]) -> tuple[SchemaItem, ...]:
    items = []
    for item in node.items(allow_empty=True):
        if isinstance(item.value, str):
            code, required, filterable = item.text(), False, True
        else:
            fields = item.fields(required=("code",), optional=("required", "filterable"))
            code = fields["code"].text()
            required = fields["required"].flag() if "required" in fields else False
            filterable = fields["filterable"].flag() if "filterable" in fields else True
        _check_code(item, code, attributes)
        items.append(SchemaItem(code=code, required=required, filterable=filterable))
    return tuple(items)


def _constraints(node: Node | None, attributes: dict[str, AttributeSpec]) -> Constraints:
    if node is None:
        return {}
    constraints: Constraints = {}
    for code, child in node.entries():
        _check_code(child, code, attributes)
        value = child.value
        if value is None:
            constraints[code] = None
        elif isinstance(value, list):
            constraints[code] = tuple(option.scalar() for option in child.items())
        elif isinstance(value, dict) and "depends_on" in value:
            fields = child.fields(required=("depends_on", "choices"))
            constraints[code] = DependsOn(
                fields["depends_on"].text(),
                {
                    str(key): tuple(option.scalar() for option in choice.items())
                    for key, choice in fields["choices"].entries()
                },
            )
        elif isinstance(value, dict):
            fields = child.fields(required=("min", "max"), optional=("step",))
            step = fields["step"].number() if "step" in fields else 1
            constraints[code] = NumberRange(fields["min"].number(), fields["max"].number(), step)
        else:
            raise child.error(
                "expected a list of values, {min, max, step}, {depends_on, choices} or null"
            )
    return constraints


def _condition(node: Node, attributes: dict[str, AttributeSpec]) -> Condition:
    rules = []
    for code, values in node.entries():
        _check_code(values, code, attributes)
        rules.append((code, frozenset(str(value.scalar()) for value in values.items())))
    return Condition(tuple(rules))


def _features(node: Node | None, attributes: dict[str, AttributeSpec]) -> tuple[Feature, ...]:
    if node is None:
        return ()
    features = []
    for item in node.items():
        fields = item.fields(required=("highlight", "sentence"), optional=("when",))
        features.append(
            Feature(
                highlight=fields["highlight"].bilingual(),
                sentence=fields["sentence"].bilingual(),
                when=_condition(fields["when"], attributes) if "when" in fields else Condition(),
            )
        )
    return tuple(features)


def _qualifier(node: Node, attributes: dict[str, AttributeSpec]) -> Qualifier:
    text = node.without("when").bilingual()
    fields = node.fields(required=LANGUAGES, optional=("when",))
    when = _condition(fields["when"], attributes) if "when" in fields else Condition()
    return Qualifier(text=text, when=when)


# --- copy pools and customers ----------------------------------------------------------------


def _copy(node: Node) -> ProductCopy:
    fields = node.fields(
        required=(
            "openers",
            "book_openers",
            "connectors",
            "color_sentences",
            "material_sentences",
            "generic_material_sentences",
            "generic_closers",
            "book_titles",
            "book_words",
            "authors",
        )
    )
    return ProductCopy(
        openers=fields["openers"].by_language(),
        book_openers=fields["book_openers"].by_language(),
        connectors=fields["connectors"].by_language(),
        color_sentences=fields["color_sentences"].by_language(),
        material_sentences={
            str(material): sentences.bilinguals()
            for material, sentences in fields["material_sentences"].entries()
        },
        generic_material_sentences=fields["generic_material_sentences"].bilinguals(),
        generic_closers=fields["generic_closers"].bilinguals(),
        book_titles={
            str(genre): patterns.bilinguals() for genre, patterns in fields["book_titles"].entries()
        },
        book_words={
            str(slot): words.bilinguals() for slot, words in fields["book_words"].entries()
        },
        authors=fields["authors"].bilinguals(),
    )


def _customer_words(node: Node) -> CustomerWords:
    fields = node.fields(
        required=(
            "names",
            "zero_result_queries",
            "review_titles",
            "review_openings",
            "review_context",
        )
    )
    names = fields["names"].fields(required=LANGUAGES)
    en = names["en"].fields(required=("first", "last"))
    zh = names["zh"].fields(required=("family", "given"))
    titles = {}
    for stars, pool in fields["review_titles"].entries():
        if stars not in (1, 2, 3, 4, 5):
            raise pool.error("review titles are listed by star rating, 1 to 5")
        titles[stars] = pool.bilinguals()
    if len(titles) != 5:
        raise fields["review_titles"].error("needs titles for each rating, 1 to 5")
    openings = fields["review_openings"].fields(required=("high", "mid", "low"))
    return CustomerWords(
        en_first_names=en["first"].texts(),
        en_last_names=en["last"].texts(),
        zh_family_names=zh["family"].texts(),
        zh_given_names=zh["given"].texts(),
        zero_result_queries=fields["zero_result_queries"].bilinguals(),
        review_titles=titles,
        review_openings={band: pool.bilinguals() for band, pool in openings.items()},
        review_context=fields["review_context"].bilingual(),
    )


_LINE1_PLACEHOLDERS = {"street", "number"}


def _order_words(node: Node) -> OrderWords:
    fields = node.fields(required=("addresses", "line1", "return_reasons"))
    by_language = fields["addresses"].fields(required=LANGUAGES)
    addresses = {
        language: tuple(_address(item) for item in pool.items())
        for language, pool in by_language.items()
    }
    line1 = fields["line1"].bilingual()
    for language, text in (("en", line1.en), ("zh", line1.zh)):
        names = {name for _, name, _, _ in Formatter().parse(text) if name is not None}
        if names != _LINE1_PLACEHOLDERS:
            raise (
                fields["line1"]
                .child(language)
                .error("needs exactly the placeholders {street} and {number}")
            )
    return OrderWords(
        addresses=addresses, line1=line1, return_reasons=fields["return_reasons"].bilinguals()
    )


def _address(node: Node) -> DemoAddress:
    fields = node.fields(required=("street", "city", "region", "postcode", "country"))
    country = fields["country"].text()
    if len(country) != 2 or not country.isalpha() or not country.isupper():
        raise fields["country"].error(
            f"expected a two-letter country code such as US, not {country!r}"
        )
    return DemoAddress(
        street=fields["street"].text(),
        city=fields["city"].text(),
        region=fields["region"].text(allow_empty=True),
        postcode=fields["postcode"].text(),
        country=country,
    )
