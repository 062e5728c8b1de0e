"""The catalog's vocabulary as query phrases, and how English and Chinese phrases compare."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from search.query.features import feature_options
from search.query.money import Money
from search.spelling import Speller
from search.text import fold_accents, has_cjk
from shop.catalog.cache import cached, versioned_key
from shop.catalog.models import (
    Attribute,
    AttributeOption,
    Brand,
    Category,
    CategoryAttribute,
    CategoryTranslation,
    Product,
    ProductTranslation,
)

# Attribute codes whose options are recognised in queries. Codes with generic option labels
# ("light", "all", "fine", "yes") are left out: a word like "light" is more often part of
# the product than a filter.
DEFAULT_ATTRIBUTE_CODES = ("color", "size", "shoe_size", "gender", "material")
VOCABULARY_TIMEOUT = 60 * 60
# Part of the shared cache key: a vocabulary pickled by an older release (without ``money``)
# is never read back by this one.
VOCABULARY_FORMAT = 4


class Target(NamedTuple):
    """What a vocabulary phrase stands for."""

    kind: str  # "category" | "brand" | "attribute"
    code: str  # the attribute code; "" for categories and brands
    value: int | str  # category/brand id, or the option value
    # Category and brand words also help ranking; attribute words are replaced by the filter.
    keep_in_text: bool


@dataclass(frozen=True)
class CategoryTerm:
    id: int
    names: tuple[str, ...]
    parent_id: int | None = None
    # Attribute codes in the category's schema (inherited ones included); None: not known.
    attribute_codes: frozenset[str] | None = None


@dataclass(frozen=True)
class BrandTerm:
    id: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class OptionTerm:
    code: str
    value: str
    labels: tuple[str, ...]
    # Phrases learnt from the catalog's copy (search.query.features): only they stand for
    # the option, not its value's own word ("active").
    learnt: bool = False


# ---------------------------------------------------------------------------------------------
# Normalisation shared by the vocabulary and the parser

# English words of a query or a label; the apostrophe keeps "men's" one token.
_EN_TOKEN = re.compile(r"[0-9a-z\u00c0-\u024f]+(?:['’][a-z]+)?")

# British and American spellings compare equal.
SPELLING_VARIANTS = {
    "colour": "color",
    "colours": "colors",
    "grey": "gray",
    "greys": "grays",
    "multicolour": "multicolor",
    "aluminium": "aluminum",
    "fibre": "fiber",
    "microfibre": "microfiber",
    "jewellery": "jewelry",
    "organisation": "organization",
    "organiser": "organizer",
    "organisers": "organizers",
    "centre": "center",
    "metre": "meter",
    "litre": "liter",
    "favourite": "favorite",
    "pyjamas": "pajamas",
}
CORPORATE_SUFFIXES = frozenset({"co", "inc", "ltd", "llc", "corp", "company", "gmbh"})
_NAME_SEPARATORS = re.compile(r"\s*(?:&|,|/|\+|\band\b|、|与|和|及)\s*")


def singular(word: str) -> str:
    """A light English plural folding ("shoes" → "shoe", "dresses" → "dress", "ladies" → "lady").

    Phrases are compared this way rather than by Snowball stems, which conflate too much for
    names: "fitness" and "fit", "watering" and "water", "running" and "run".
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _token_key(token: str) -> str:
    token = token.replace("’", "'")
    if token.endswith("'s"):
        token = token[:-2]
    token = fold_accents(token.replace("'", ""))
    return singular(SPELLING_VARIANTS.get(token, token))


def english_key(text: str) -> tuple[str, ...]:
    """The comparable form of an English phrase: word stems, without "and"."""
    lowered = unicodedata.normalize("NFKC", text).lower()
    return tuple(
        key for key in (_token_key(t) for t in _EN_TOKEN.findall(lowered)) if key and key != "and"
    )


def chinese_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


# ---------------------------------------------------------------------------------------------
# Vocabulary

# Canonical gender option (by its English label's key) → words shoppers use for it. Words that
# also name a product ("男鞋", men's shoes) set the filter but stay in the text.
GENDER_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # (English words, Chinese words removed from the text, Chinese words kept in it)
    "men": (
        ("men", "mens", "gentlemen", "gents"),
        ("男士", "男式", "男款", "男生", "男性", "男人", "男"),
        ("男鞋", "男装"),
    ),
    "women": (
        ("women", "womens", "ladies", "lady"),
        ("女士", "女式", "女款", "女生", "女性", "女人", "女"),
        ("女鞋", "女装"),
    ),
    "kid": (
        ("kid", "kids", "child", "children", "childrens", "boys", "girls", "youth"),
        ("儿童", "儿童款", "童款", "孩子", "小孩"),
        ("童鞋", "童装"),
    ),
    "unisex": (("unisex",), ("男女同款", "男女通用", "中性"), ()),
}
LETTER_SIZE_WORDS = {
    "extra small": "xs",
    "x-small": "xs",
    "small": "s",
    "medium": "m",
    "large": "l",
    "x-large": "xl",
    "extra large": "xl",
    "xx-large": "xxl",
    "2xl": "xxl",
}


@dataclass(frozen=True)
class QueryVocabulary:
    """The catalog's names as query phrases: phrase → what it stands for.

    Build it with :meth:`from_catalog` (cached per catalog version), :meth:`build` from plain
    terms (tests, evaluation folders), or :meth:`empty` (grammar only: prices, sorts,
    support questions).
    """

    english: Mapping[tuple[str, ...], tuple[Target, ...]] = field(default_factory=dict)
    chinese: Mapping[str, tuple[Target, ...]] = field(default_factory=dict)
    category_parents: Mapping[int, int | None] = field(default_factory=dict)
    category_attributes: Mapping[int, frozenset[str]] = field(default_factory=dict)
    # Chinese short forms that only count right before a Chinese word ("红" in "红裙子").
    chinese_modifiers: frozenset[str] = frozenset()
    # size words after "size"/"尺码"/before "码": "m" → ("size", "m"), "42" → ("shoe_size", …)
    sizes: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    speller: Speller | None = None
    # Lower-case English words of the phrases, never "corrected" by the speller.
    known_words: frozenset[str] = frozenset()
    english_max: int = 0
    chinese_max: int = 0
    # The shop's currency and exchange rates, for prices written in another currency.
    money: Money = field(default_factory=Money)
    # English title word pairs in which an option's word names no option of the product
    # ("olive oil", "hand cream", "white noise"): in a query the pair names the product.
    title_phrases: frozenset[tuple[str, str]] = frozenset()
    # Codes of options learnt from the catalog's copy (search.query.features): a filter only
    # for a category the query names that has the attribute ("waterproof backpack"), never
    # on their own ("蓝牙" alone is said of headphones and speakers alike).
    feature_codes: frozenset[str] = frozenset()

    @classmethod
    def empty(cls) -> QueryVocabulary:
        return cls()

    def with_speller(self, speller: Speller | None) -> QueryVocabulary:
        """A copy that suggests corrections with ``speller`` (e.g. one built with the index)."""
        return replace(self, speller=speller)

    @classmethod
    def build(
        cls,
        *,
        categories: Iterable[CategoryTerm] = (),
        brands: Iterable[BrandTerm] = (),
        options: Iterable[OptionTerm] = (),
        speller: Speller | None = None,
        money: Money | None = None,
    ) -> QueryVocabulary:
        """Phrase tables from plain terms; grammar words (gender, sizes) are added here."""
        english: dict[tuple[str, ...], list[Target]] = {}
        chinese: dict[str, list[Target]] = {}
        words: set[str] = set()

        def add(phrase: str, target: Target) -> None:
            if not phrase or not phrase.strip():
                return
            if has_cjk(phrase):
                key = chinese_key(phrase)
                if key and target not in chinese.setdefault(key, []):
                    chinese[key].append(target)
                return
            en_key = english_key(phrase)
            # One letter or a bare number is too ambiguous alone ("m", "42"); the size
            # grammar recognises those after "size" or before "码".
            if not en_key or (len(en_key) == 1 and (len(en_key[0]) < 2 or en_key[0].isdigit())):
                return
            if target not in english.setdefault(en_key, []):
                english[en_key].append(target)
            words.update(t.lower() for t in _EN_TOKEN.findall(phrase.lower()))

        parents: dict[int, int | None] = {}
        category_list = list(categories)
        for category in category_list:
            parents[category.id] = category.parent_id
            target = Target("category", "", category.id, True)
            for name in category.names:
                add(name, target)
                parts = [p for p in _NAME_SEPARATORS.split(name) if p]
                if len(parts) > 1:
                    for part in parts:
                        add(part, target)
        _add_gender_heads(category_list, english, chinese)
        for brand in brands:
            target = Target("brand", "", brand.id, True)
            for name in brand.names:
                add(name, target)
                tokens = name.split()
                if len(tokens) > 1 and tokens[-1].lower().strip(".") in CORPORATE_SUFFIXES:
                    add(" ".join(tokens[:-1]), target)

        sizes: dict[str, tuple[str, str] | None] = {}
        option_list = list(options)
        for option in option_list:
            target = Target("attribute", option.code, option.value, False)
            value_word = () if option.learnt else (option.value.replace("-", " "),)
            for label in (*option.labels, *value_word):
                add(label, target)
            if option.code == "size" or option.code.endswith("_size"):
                for label in option.labels:
                    if has_cjk(label):
                        continue
                    letters = label.strip().lower()
                    numbers = re.findall(r"\d+(?:\.5)?", label)
                    if re.fullmatch(r"[a-z]{1,4}", letters):
                        size_key = letters
                    elif len(numbers) == 1:
                        size_key = numbers[0]
                    else:
                        continue
                    previous = sizes.get(size_key, (option.code, option.value))
                    sizes[size_key] = (
                        (option.code, option.value)
                        if previous == (option.code, option.value)
                        else None
                    )
            if option.code == "gender":
                canonical = english_key(option.labels[0] if option.labels else option.value)
                synonyms = GENDER_WORDS.get(canonical[0] if len(canonical) == 1 else "")
                if synonyms:
                    english_words, chinese_words, kept_words = synonyms
                    for word in (*english_words, *chinese_words):
                        add(word, target)
                    for word in kept_words:
                        add(word, target._replace(keep_in_text=True))
        # Chinese colour names drop their "色": "红色" → "红", unless the short form already
        # means something else in this vocabulary. A short form only counts in front of what
        # it describes ("红裙子"), so "多" (from "多色") in "最多3个" is not a colour.
        modifiers: set[str] = set()
        for option in option_list:
            for label in option.labels:
                key = chinese_key(label)
                if has_cjk(key) and len(key) >= 2 and key.endswith("色"):
                    short = key[:-1]
                    if short not in chinese:
                        chinese[short] = [Target("attribute", option.code, option.value, False)]
                        modifiers.add(short)
        return cls(
            english={k: tuple(v) for k, v in english.items()},
            chinese={k: tuple(v) for k, v in chinese.items()},
            category_parents=parents,
            category_attributes={
                c.id: c.attribute_codes for c in category_list if c.attribute_codes is not None
            },
            chinese_modifiers=frozenset(modifiers),
            sizes={k: v for k, v in sizes.items() if v is not None},
            speller=speller,
            known_words=frozenset(words),
            english_max=max((len(k) for k in english), default=0),
            chinese_max=max((len(k) for k in chinese), default=0),
            money=money or Money(),
            feature_codes=frozenset(o.code for o in option_list if o.learnt),
        )

    @classmethod
    def from_catalog(
        cls,
        *,
        attribute_codes: Collection[str] = DEFAULT_ATTRIBUTE_CODES,
        spelling: bool = True,
    ) -> QueryVocabulary:
        """The shop's vocabulary, cached per catalog version (process-local and shared).

        Reads every category (with its translations), every brand, and the options of
        ``attribute_codes`` that are choice attributes shown as a filter in some category.
        With ``spelling``, the speller learns the words of those names and of active
        products' titles (source and translations).
        """

        codes = tuple(sorted(set(attribute_codes)))
        return cached(
            versioned_key("search-vocabulary", VOCABULARY_FORMAT, ",".join(codes), int(spelling)),
            lambda: _vocabulary_from_catalog(codes, spelling),
            VOCABULARY_TIMEOUT,
        )


def _add_gender_heads(
    categories: Iterable[CategoryTerm],
    english: dict[tuple[str, ...], list[Target]],
    chinese: dict[str, list[Target]],
) -> None:
    """A category named for a gender ("Women's Dresses", "女士连衣裙") is also what its
    product word alone asks for ("dress", "连衣裙"), unless the catalog already uses that word
    for something else; categories sharing a word ("Men's Tops", "Women's Tops") share it."""
    english_gender = {word for words, _, _ in GENDER_WORDS.values() for word in words}
    chinese_gender = sorted(
        {word for _, words, _ in GENDER_WORDS.values() for word in words}, key=len, reverse=True
    )
    heads_en: dict[tuple[str, ...], list[Target]] = {}
    heads_zh: dict[str, list[Target]] = {}
    for category in categories:
        target = Target("category", "", category.id, True)
        for name in category.names:
            if has_cjk(name):
                key = chinese_key(name)
                word = next((w for w in chinese_gender if key.startswith(w)), "")
                if word and len(key) - len(word) >= 2:
                    heads_zh.setdefault(key[len(word) :], []).append(target)
            else:
                en_key = english_key(name)
                if len(en_key) > 1 and en_key[0] in english_gender:
                    heads_en.setdefault(en_key[1:], []).append(target)
    for en_key, targets in heads_en.items():
        english.setdefault(en_key, targets)
    for key, targets in heads_zh.items():
        chinese.setdefault(key, targets)


def _vocabulary_from_catalog(codes: tuple[str, ...], spelling: bool) -> QueryVocabulary:

    names: dict[int, list[str]] = {}
    parents: dict[int, int | None] = {}
    for pk, name, parent_id in Category.objects.values_list("pk", "name", "parent_id"):
        names[pk] = [name]
        parents[pk] = parent_id
    for category_id, name in CategoryTranslation.objects.values_list("category_id", "name"):
        names.setdefault(category_id, []).append(name)
    own_codes: dict[int, set[str]] = {}
    for category_id, code in CategoryAttribute.objects.values_list(
        "category_id", "attribute__code"
    ):
        own_codes.setdefault(category_id, set()).add(code)

    def schema_codes(pk: int) -> frozenset[str] | None:
        codes: set[str] = set()
        current: int | None = pk
        for _ in range(64):  # a guard against a cycle in bad data
            if current is None:
                break
            codes |= own_codes.get(current, set())
            current = parents.get(current)
        # A category without any schema tells nothing about which filters fit it.
        return frozenset(codes) or None

    categories = [
        CategoryTerm(
            id=pk,
            names=tuple(n for n in names[pk] if n),
            parent_id=parents.get(pk),
            attribute_codes=schema_codes(pk),
        )
        for pk in names
    ]
    brands = [
        BrandTerm(id=pk, names=tuple(n for n in (name, name_zh) if n))
        for pk, name, name_zh in Brand.objects.values_list("pk", "name", "name_zh")
    ]
    filterable = CategoryAttribute.objects.filter(
        filterable=True, attribute__code__in=codes, attribute__kind=Attribute.Kind.CHOICE
    ).values("attribute_id")
    options = [
        OptionTerm(code=code, value=value, labels=tuple(x for x in (label, label_zh) if x))
        for code, value, label, label_zh in AttributeOption.objects.filter(
            attribute_id__in=filterable
        ).values_list("attribute__code", "value", "label", "label_zh")
    ]
    names_in_use = [n for term in (*categories, *brands) for n in term.names]
    for (code, value), phrases in feature_options(codes).items():
        # "white tea" would hide the Tea category its phrase names: such phrases stay out.
        kept = tuple(p for p in phrases if not _holds_a_name(p, names_in_use))
        if kept:
            options.append(OptionTerm(code=code, value=value, labels=kept, learnt=True))
    speller = None
    if spelling:

        def texts() -> Iterable[str]:
            for category in categories:
                yield from category.names
            for brand in brands:
                yield from brand.names
            for option in options:
                yield from option.labels
            active = Product.objects.active()
            yield from active.values_list("title", flat=True).iterator(chunk_size=2000)
            yield from (
                ProductTranslation.objects.filter(product__in=active)
                .values_list("title", flat=True)
                .iterator(chunk_size=2000)
            )

        speller = Speller.from_texts(texts())
    vocabulary = QueryVocabulary.build(
        categories=categories,
        brands=brands,
        options=options,
        speller=speller,
        money=Money.from_settings(),
    )
    return replace(vocabulary, title_phrases=_title_phrases(options))


def _holds_a_name(phrase: str, names: Iterable[str]) -> bool:
    """Whether a category or brand name is part of ``phrase`` (as words; Chinese: as text)."""
    if has_cjk(phrase):
        key = chinese_key(phrase)
        return any(
            has_cjk(name) and 0 < len(k := chinese_key(name)) < len(key) and k in key
            for name in names
        )
    words = english_key(phrase)
    for name in names:
        other = english_key(name)
        if other and len(other) < len(words) and not has_cjk(name):
            if any(words[i : i + len(other)] == other for i in range(len(words))):
                return True
    return False


def _title_phrases(options: Iterable[OptionTerm]) -> frozenset[tuple[str, str]]:
    """English word pairs of active products' titles in which one word is an option's
    one-word English label the product does not have (see QueryVocabulary.title_phrases)."""
    words: dict[str, list[tuple[str, str]]] = {}
    for option in options:
        for label in option.labels:
            key = english_key(label)
            if len(key) == 1 and not has_cjk(label):
                words.setdefault(key[0], []).append((option.code, option.value))
    found: set[tuple[str, str]] = set()
    titles = Product.objects.active().values_list("title", "attributes")
    for title, attributes in titles.iterator(chunk_size=2000):
        attributes = attributes if isinstance(attributes, dict) else {}
        key = english_key(title or "")
        for first, second in zip(key, key[1:], strict=False):
            for word in (first, second):
                meanings = words.get(word, ())
                if meanings and not any(attributes.get(c) == v for c, v in meanings):
                    found.add((first, second))
    return frozenset(found)
