"""Query understanding: constraints, sort and intent pulled out of what a shopper typed.

``parse_query("women's running shoes under $100", vocabulary)`` gives gender "women" and a
price ceiling of 100 as filters and "running shoes" as the text to retrieve with (category and
brand words stay in the text: they match titles too). Everything is general rules:

* grammar that holds for any shop: price phrases ("under $100", "100元以下", "50-80"), sort
  phrases ("cheapest", "最新"), size phrases ("size m", "EU 42", "42码"), gender words,
  support questions ("how do I return", "运费多少");
* the catalog's own vocabulary (:class:`QueryVocabulary`): category names, brand names and
  the labels of filterable attribute options, in English and Chinese, matched longest first.
  English phrases compare words with plurals folded, so "shoe" finds "Shoes"; a one-word
  category name counts only as the query's head noun ("shoes", not "shoe rack"). Chinese
  phrases must start and end on a jieba word boundary, so the brand "行者" is not found inside
  "旅行者", and a single-character form (the colour "红" for "红色") must be a jieba word of its
  own, in front of what it describes, so "红裙子" is red but "红茶" is not.
* attributes only where they fit: a colour next to the Tea category ("green tea") is part of
  the text, because no tea has a colour.

Parsing never raises and never looks past the first :data:`MAX_QUERY_CHARS` characters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from .spelling import Speller
from .text import (
    CHINESE_STOPWORDS,
    ENGLISH_STOPWORDS,
    detect_language,
    fold_accents,
    get_jieba,
    has_cjk,
)

MAX_QUERY_CHARS = 256
# ``raw`` is kept for logging; a 10 kB paste is cut to this.
MAX_RAW_CHARS = 1000
SORTS = ("price_asc", "price_desc", "newest", "rating", "popular")
# In order of precedence when a query touches several.
SUPPORT_TOPICS = ("returns", "order_status", "payment", "account", "shipping", "contact")
# Attribute codes whose options are recognised in queries. Codes with generic option labels
# ("light", "all", "fine", "yes") are left out: a word like "light" is more often part of
# the product than a filter.
DEFAULT_ATTRIBUTE_CODES = ("color", "size", "shoe_size", "gender", "material")
VOCABULARY_TIMEOUT = 60 * 60

PRODUCT = "product"
SUPPORT = "support"


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


# ---------------------------------------------------------------------------------------------
# Normalisation shared by the vocabulary and the parser

_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ud800-\udfff\ufff0-\uffff]"
)
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_RUN = re.compile(f"[{_CJK}]+")
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


def clean_query(raw: object) -> str:
    """NFKC, control and invisible characters removed, whitespace collapsed, capped."""
    if not isinstance(raw, str):
        raw = "" if raw is None else str(raw)
    # NFKC may lengthen text (ligatures), so cut generously before and exactly after.
    text = _CONTROL.sub(" ", raw[: MAX_QUERY_CHARS * 4])
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())[:MAX_QUERY_CHARS].strip()


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
            for label in (*option.labels, option.value.replace("-", " ")):
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
        from shop.catalog.cache import cached, versioned_key

        codes = tuple(sorted(set(attribute_codes)))
        return cached(
            versioned_key("search-vocabulary", ",".join(codes), int(spelling)),
            lambda: _vocabulary_from_catalog(codes, spelling),
            VOCABULARY_TIMEOUT,
        )


def _vocabulary_from_catalog(codes: tuple[str, ...], spelling: bool) -> QueryVocabulary:
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
    return QueryVocabulary.build(
        categories=categories, brands=brands, options=options, speller=speller
    )


# ---------------------------------------------------------------------------------------------
# Parsed query


@dataclass(frozen=True)
class ParsedQuery:
    """What a query asks for.

    ``text`` is what is left for retrieval: the query in lower case without price, sort and
    attribute phrases (category and brand words stay). Filters are ``category_ids``,
    ``brand_ids``, ``attributes`` (code → option values; several values of one code mean
    any of them) and the price bounds, inclusive.
    """

    raw: str
    text: str = ""
    language: str = "en"
    category_ids: tuple[int, ...] = ()
    brand_ids: tuple[int, ...] = ()
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    sort: str | None = None
    intent: str = PRODUCT
    support_topic: str | None = None
    did_you_mean: str | None = None

    @property
    def has_filters(self) -> bool:
        return bool(
            self.category_ids
            or self.brand_ids
            or self.attributes
            or self.price_min is not None
            or self.price_max is not None
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable form (prices as decimal strings), for the API's "parsed"."""
        return {
            "raw": self.raw,
            "text": self.text,
            "language": self.language,
            "category_ids": list(self.category_ids),
            "brand_ids": list(self.brand_ids),
            "attributes": {code: list(values) for code, values in self.attributes.items()},
            "price_min": None if self.price_min is None else str(self.price_min),
            "price_max": None if self.price_max is None else str(self.price_max),
            "sort": self.sort,
            "intent": self.intent,
            "support_topic": self.support_topic,
            "did_you_mean": self.did_you_mean,
        }


# ---------------------------------------------------------------------------------------------
# Grammar: prices

_PRE = r"(?:us\$|[$¥€£]|usd|rmb|cny)\s?"
_POST = r"(?:\s?(?:dollars?|bucks?|usd|yuan|rmb|cny|美元|美金|人民币|块钱|元|块|刀))"


def _amount(name: str, *, guarded: bool = True) -> str:
    # A number glued to a word or code ("sc-141", "2x4") is not a price; the second number
    # of a range follows its separator and needs no such guard.
    guard = r"(?<![0-9a-z.,/#_-])" if guarded else ""
    return (
        rf"{guard}(?P<{name}_pre>{_PRE})?"
        rf"(?P<{name}>\d{{1,3}}(?:,\d{{3}}){{1,3}}|\d{{1,10}})(?P<{name}_cents>\.\d{{1,2}})?"
        rf"(?![0-9])(?P<{name}_post>{_POST})?(?![0-9a-z%/]|\.\d)"
    )


# Words that make a bare number a quantity rather than a price ("under 5 lbs", "2-4 players").
_QUANTITY_AFTER = re.compile(
    r"\s?(?:v|volts?|w|watts?|amps?|mah|wh|kw|hp|psi|btu|mm|cm|m|km|in|inch|inches|ft|feet|foot"
    r"|yd|yards?|lbs?|pounds?|oz|ounces?|kg|g|grams?|gal|gallons?|qt|quarts?|l|liters?|litres?|ml"
    r"|gb|tb|mb|hz|khz|mhz|fps|mp|k|x|pcs|pieces?|pk|pack|packs|count|ct|sets?|sheets?|rolls?"
    r"|pairs?|people|persons?|players?|seats?|seater|years?|yrs?|yo|months?|mos?|weeks?|days?"
    r"|hours?|hrs?|minutes?|mins?|seconds?|secs?|degrees?|deg|°|%|lumens?|lm|gauge|ga|grit"
    r"|series|year-old|th|st|nd|rd|cu|cubic|sq|square|awg|cfm|gpm|gpf|rpm|db|ohms?|ply|mil|cc"
    r"|mph|tons?)\b"
    r"|\s?[个件只双套张条把支瓶罐盒包袋斤克千万米寸码号岁人天年月周小时分钟度瓦伏升]"
)
# Every English keyword starts on a word boundary: "powermax 6" and "cover 1" are not prices.
_PRICE_WORD = (
    r"(?<![a-z])(?:(?:prices?|priced|costing|costs?|budget|价格|价位|预算)\s?(?:of|is|at|在)?\s?)?"
)
_RANGE_SEPARATOR = r"\s?(?:-|–|—|~|to|到|至)\s?"

_PRICE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "range",
        re.compile(
            rf"{_PRICE_WORD}(?P<between>between|from)\s{_amount('lo')}\s?(?:and|to|-|–|~)\s?"
            rf"{_amount('hi', guarded=False)}"
        ),
    ),
    (
        "range",
        re.compile(
            rf"(?P<word>{_PRICE_WORD}){_amount('lo')}{_RANGE_SEPARATOR}"
            rf"{_amount('hi', guarded=False)}"
            r"(?P<between>\s?之间)?"
        ),
    ),
    (
        "max",
        re.compile(
            rf"{_PRICE_WORD}(?<![a-z])(?:under|below|less than|cheaper than|lower than|"
            r"no more than|not more than|not over|up to|upto|within|max|maximum|at most|<=|=<|≤|<|"
            rf"低于|少于|不超过|不高于|不到|小于|最多|最高|便宜于)\s?{_amount('hi')}"
            r"(?:\s?(?:以下|以内|之内|之下|内))?"
        ),
    ),
    (
        "max",
        re.compile(
            rf"{_PRICE_WORD}(?:在\s?)?{_amount('hi')}\s?(?P<strong>以下|以内|之内|之下|内"
            r"|or less|or under|or below|and under|and below|or cheaper|max)"
        ),
    ),
    (
        "min",
        re.compile(
            rf"{_PRICE_WORD}(?<![a-z])(?:over|above|more than|greater than|higher than|"
            r"at least|min|minimum|starting at|starting from|from|>=|=>|≥|>|"
            rf"高于|超过|多于|大于|不低于|至少|最低|起码)\s?{_amount('lo')}(?:\s?(?:以上|起))?"
        ),
    ),
    (
        "min",
        re.compile(
            rf"{_PRICE_WORD}{_amount('lo')}\s?(?P<strong>以上|之上|起|\+|or more|or above|"
            r"or over|and up|and above|and over)"
        ),
    ),
)


def _has_currency(match: re.Match[str], name: str) -> bool:
    return bool(match.group(f"{name}_pre") or match.group(f"{name}_post"))


def _is_quantity(text: str, match: re.Match[str], name: str) -> bool:
    """A bare number followed by a unit or a counted noun is not a price."""
    if _has_currency(match, name):
        return False
    end = match.end(name) + len(match.group(f"{name}_cents") or "")
    return _QUANTITY_AFTER.match(text, end) is not None


def _decimal(match: re.Match[str], name: str) -> Decimal | None:
    try:
        return Decimal(match.group(name).replace(",", "") + (match.group(f"{name}_cents") or ""))
    except (InvalidOperation, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# Grammar: sort, sizes, filler, support

_SORT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "price_desc",
        re.compile(
            r"\b(?:most expensive|priciest|highest price[ds]?|price high to low|"
            r"high(?:est)? to low(?:est)?)\b"
            r"|价格从高到低|价格由高到低|从高到低|由高到低|价格最高|最贵"
        ),
    ),
    (
        "price_asc",
        re.compile(
            r"\b(?:cheapest|cheaper|cheap|inexpensive|affordable|lowest price[ds]?|"
            r"price low to high|low(?:est)? to high(?:est)?)\b"
            r"|价格从低到高|价格由低到高|从低到高|由低到高|价格最低|最便宜|便宜|实惠|平价|低价"
        ),
    ),
    (
        "newest",
        re.compile(
            r"\b(?:newest|latest|new arrivals?|newly added|just arrived|most recent)\b"
            r"|最新款|最新|新品|新款|上新|新到"
        ),
    ),
    (
        "rating",
        re.compile(
            r"\b(?:(?:best|top|highest)[ -]rated|best[ -]reviewed|top[ -]reviewed|"
            r"highest rating|most reviewed)\b"
            r"|好评如潮|好评最多|评分最高|评价最高|口碑最好|好评|高评分"
        ),
    ),
    (
        "popular",
        re.compile(
            r"\b(?:most popular|best[ -]?sell(?:ing|ers?)|top[ -]?sell(?:ing|ers?)|trending)\b"
            r"|最受欢迎|受欢迎|热销|畅销|爆款|人气|热门"
        ),
    ),
)

_LETTER_SIZES = "xxxl|xxl|xl|xs|xxs|s|m|l|2xl|3xl|x-large|xx-large|extra small|extra large|" + (
    "small|medium|large"
)
_SIZE_PATTERNS = (
    re.compile(rf"\bsize[sd]?\s?[:=]?\s?(?P<v>{_LETTER_SIZES}|\d{{1,2}}(?:\.5)?)(?![0-9a-z.])"),
    re.compile(r"\b(?:eu|eur)\s?(?P<v>\d{2}(?:\.5)?)(?![0-9a-z.])"),
    re.compile(r"(?<![0-9a-z.])(?P<v>\d{2}(?:\.5)?)\s?(?:eu|eur)\b"),
    re.compile(
        rf"(?:尺码|鞋码|码数|尺寸)\s?[:：]?\s?(?P<v>{_LETTER_SIZES}|\d{{1,2}}(?:\.5)?)(?![0-9a-z])"
    ),
    re.compile(r"(?<![0-9a-z.])(?P<v>xxxl|xxl|xl|xs|xxs|s|m|l|2xl|3xl|\d{2}(?:\.5)?)\s?(?:码|号)"),
)

# Dropped when they sit right before a removed phrase ("for" in "shoes for women") ...
_FILLER_BEFORE = frozenset(
    "for in with at from of a an the and or size sized color colour colored coloured price "
    "priced costing budget under below over above between by".split()
)
# What follows these modifies the noun before them ("headphones for running").
_PREPOSITIONS = frozenset("for with without in on under from to by near like".split())
# ... or right after one ("or" in "red or blue shoes").
_FILLER_AFTER = frozenset("and or & , / + with".split())
_ZH_PARTICLES = "的之款"

_EN_SUPPORT_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "order_status",
        re.compile(
            r"\b(?:my|an?|the|our)\s(?:orders?|package|parcel|purchase|delivery)\b"
            r"|\border\s(?:status|number|history|tracking|confirmation)\b"
            r"|\btrack(?:ing)?\s(?:my\s|an?\s|the\s)?(?:orders?|package|parcel)\b"
            r"|\bcancel(?:l?ing|l?ed)?\s(?:my\s|an?\s|the\s)?orders?\b|\bwhere(?:'s| is)\smy\b"
        ),
    ),
    (
        "returns",
        re.compile(
            r"\b(?:returns?|returning|returned|refunds?|refunded|exchanges?|exchanging|"
            r"send (?:it |them )?back|money back|warranty)\b"
        ),
    ),
    (
        "payment",
        re.compile(
            r"\b(?:pay|paying|paid|payments?|paypal|credit card|debit card|invoices?|receipts?|"
            r"charged|billing|checkout|promo code|coupons?|discount code|voucher|installments?)\b"
        ),
    ),
    (
        "account",
        re.compile(
            r"\b(?:account|password|log ?in|log ?out|sign ?in|sign ?up|register|username|"
            r"e-?mail address|my address|(?:shipping|delivery|billing) address|"
            r"change (?:my |the )?address|my details|unsubscribe|newsletter)\b"
        ),
    ),
    (
        "shipping",
        re.compile(
            r"\b(?:ship|ships|shipping|shipped|delivery|deliver|delivers|delivered|postage|"
            r"dispatch|dispatched|courier|arrive|arrives|arriving)\b"
        ),
    ),
    (
        "contact",
        re.compile(
            r"\b(?:customer (?:service|support|care)|contact (?:you|us|support)|"
            r"talk to (?:a )?(?:human|person|agent)|live chat|phone number|opening hours)\b"
        ),
    ),
)
_ZH_SUPPORT_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "order_status",
        re.compile(
            r"我的订单|订单状态|订单在哪|订单到哪|查订单|查询订单|订单查询|取消订单|订单号|物流信息"
            r"|到哪了|什么时候到|还没到|还没收到|没收到"
        ),
    ),
    ("returns", re.compile(r"退货|退款|换货|退换|退钱|退回|售后|保修")),
    ("payment", re.compile(r"付款|支付|发票|信用卡|支付宝|微信支付|扣款|扣费|优惠券|优惠码|分期")),
    (
        "account",
        re.compile(r"账户|账号|帐号|帐户|密码|登录|登陆|注册|收货地址|修改地址|改地址|更改地址"),
    ),
    ("shipping", re.compile(r"运费|邮费|包邮|配送|发货|快递|物流|送货|多久到|几天到|邮寄")),
    ("contact", re.compile(r"客服|人工服务|转人工|联系方式|联系你们")),
)
# A question or request about the shop rather than a description of a product.
_EN_ASKING = re.compile(
    r"\?|^(?:how|where|when|why|can|could|do|does|did|is|are|will|would|i|i'm|im|please|help)\b"
    r"|\b(?:my|policy|policies|how (?:do|can|to|long|much)|can i|could i|do you|i (?:want|need|"
    r"would like) to)\b"
)
_ZH_ASKING = re.compile(
    r"[?？]|怎么|怎样|如何|能不能|能否|可以|可不可以|吗|多少|多久|几天|在哪|哪里|为什么|我想|我要|请问|是否|我的"
)
# With these and stopwords removed, nothing should be left of a support question that has no
# question form ("return policy", "shipping cost", "退货").
_SUPPORT_WORDS = frozenset(
    "policy policies cost costs fee fees charge charges price time times status info "
    "information help free international express standard options rules days period window "
    "change cancel update reset forgot forgotten lost long much many late damaged wrong "
    "item items order orders".split()
)
_ZH_SUPPORT_WORDS = re.compile(
    r"时间|多久|几天|费用|多少钱|政策|规则|流程|状态|进度|电话|方式|信息|问题|怎么办|服务"
)
_ZH_FILLER = re.compile(r"[的了吗呢吧啊呀么是有在要想我你\s?？,，。!！]")

# Common words of shopping queries that need not occur in a catalog; the speller leaves them.
QUERY_WORDS = frozenset(
    "best good great nice top quality cheap new which what recommend recommended gift gifts "
    "ideas like looking want need find show buy sale deal deals under below over above "
    "between less more than most least dollars bucks price prices priced cheapest cheaper "
    "expensive priciest newest latest popular trending rated reviewed selling seller sellers "
    "size sized color colour mens womens ladies kids unisex".split()
)


# ---------------------------------------------------------------------------------------------
# Parser


class _Spans:
    """Character spans of the query already claimed by a constraint."""

    def __init__(self) -> None:
        self.items: list[tuple[int, int, bool]] = []  # (start, end, keep_in_text)

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in self.items)

    def claim(self, start: int, end: int, *, keep: bool = False) -> None:
        self.items.append((start, end, keep))

    def keep(self, start: int, end: int) -> None:
        """Leave a claimed span in the retrieval text after all."""
        self.items = [(s, e, k or (s == start and e == end)) for s, e, k in self.items]


def _support_topic(text: str) -> str | None:
    chinese = has_cjk(text)
    patterns = (*_ZH_SUPPORT_TOPICS, *_EN_SUPPORT_TOPICS) if chinese else _EN_SUPPORT_TOPICS
    matched = {topic for topic, pattern in patterns if pattern.search(text)}
    if not matched:
        return None
    # "return my order" is about a return, not about where the order is.
    topic = next(t for t in SUPPORT_TOPICS if t in matched)
    if _EN_ASKING.search(text) or (chinese and _ZH_ASKING.search(text)):
        return topic
    # No question form: a support query only when it is all support words.
    rest = text
    for _topic, pattern in patterns:
        rest = pattern.sub(" ", rest)
    if chinese:
        rest = _ZH_SUPPORT_WORDS.sub(" ", _ZH_FILLER.sub(" ", rest))
    leftover = [
        w
        for w in re.findall(r"[^\W_]+", rest)
        if w not in ENGLISH_STOPWORDS and w not in _SUPPORT_WORDS
    ]
    return None if leftover else topic


# Words after which "542-960" is a model or part number, not a price range.
_CODE_WORDS = re.compile(r"(?:model|sku|part|item|no|nr|number|series|style|type|ref|#)\.?\s?$")


def _looks_like_code(text: str, match: re.Match[str]) -> bool:
    """A range of bare numbers that reads as a code, a chain or a dimension."""
    if _has_currency(match, "lo") or _has_currency(match, "hi"):
        return False
    following = text[match.end() : match.end() + 2]
    if following[:1] in ("-", "/") and following[1:2].isdigit():
        return True  # "0000-245-586", "2-1/2"
    if any(len(n) > 1 and n.startswith("0") for n in (match.group("lo"), match.group("hi"))):
        return True  # "0000-245"
    before = text[: match.start()].rstrip()
    return bool(_CODE_WORDS.search(before) or before.endswith(("x", "×", "*")))


def _extract_prices(text: str, spans: _Spans) -> tuple[Decimal | None, Decimal | None]:
    low: Decimal | None = None
    high: Decimal | None = None
    for kind, pattern in _PRICE_PATTERNS:
        for match in pattern.finditer(text):
            if not spans.free(match.start(), match.end()):
                continue
            groups = match.groupdict()
            if kind == "range":
                if _looks_like_code(text, match):
                    continue
                marked = (
                    _has_currency(match, "lo")
                    or _has_currency(match, "hi")
                    or groups.get("between")
                    or (groups.get("word") or "").strip()
                )
                if not marked and (_is_quantity(text, match, "hi")):
                    continue
                lo_value, hi_value = _decimal(match, "lo"), _decimal(match, "hi")
                if lo_value is None or hi_value is None:
                    continue
                if not marked and lo_value >= hi_value:
                    # "2-1" or "10-10" is not a price range anyone types.
                    continue
                lo_value, hi_value = sorted((lo_value, hi_value))
                low, high = lo_value, hi_value
            else:
                name = "hi" if kind == "max" else "lo"
                if not groups.get("strong") and _is_quantity(text, match, name):
                    continue
                value = _decimal(match, name)
                if value is None:
                    continue
                if kind == "max":
                    high = value
                else:
                    low = value
            spans.claim(match.start(), match.end())
    if low is not None and high is not None and low > high:
        low, high = high, low
    return low, high


def _extract_sort(text: str, spans: _Spans) -> str | None:
    found: list[tuple[int, str]] = []
    for sort, pattern in _SORT_PATTERNS:
        for match in pattern.finditer(text):
            if spans.free(match.start(), match.end()):
                spans.claim(match.start(), match.end())
                found.append((match.start(), sort))
    return min(found)[1] if found else None


def _extract_sizes(
    text: str, spans: _Spans, vocabulary: QueryVocabulary, hits: list[tuple[str, str, int, int]]
) -> None:
    if not vocabulary.sizes:
        return
    for pattern in _SIZE_PATTERNS:
        for match in pattern.finditer(text):
            if not spans.free(match.start(), match.end()):
                continue
            word = match.group("v")
            target = vocabulary.sizes.get(LETTER_SIZE_WORDS.get(word, word))
            if target is None:
                continue
            code, value = target
            hits.append((code, value, match.start(), match.end()))
            spans.claim(match.start(), match.end())


def _jieba_boundaries(text: str) -> tuple[set[int], set[tuple[int, int]]]:
    """Word boundaries (fine segmentation) and whole words (normal segmentation) of CJK runs."""
    jieba = get_jieba()
    boundaries: set[int] = set()
    words: set[tuple[int, int]] = set()
    for run in _CJK_RUN.finditer(text):
        position = run.start()
        boundaries.add(position)
        for word in jieba.lcut(run.group(), HMM=False):
            position += len(word)
            boundaries.add(position)
        position = run.start()
        for word in jieba.lcut(run.group()):
            words.add((position, position + len(word)))
            position += len(word)
    return boundaries, words


def _edge_ok(text: str, index: int, inside: int, boundaries: set[int]) -> bool:
    """Whether a phrase may start or end at ``index``; ``inside`` is the phrase's edge char."""
    outside = index - 1 if inside >= index else index
    if outside < 0 or outside >= len(text):
        return True
    if _CJK_CHAR.match(text[inside]):
        return not _CJK_CHAR.match(text[outside]) or index in boundaries
    return not text[outside].isalnum() or bool(_CJK_CHAR.match(text[outside]))


def _match_chinese(
    text: str, spans: _Spans, vocabulary: QueryVocabulary
) -> list[tuple[int, int, tuple[Target, ...], bool]]:
    if not vocabulary.chinese:
        return []
    boundaries, words = _jieba_boundaries(text)
    matches = []
    index = 0
    length = len(text)
    while index < length:
        if text[index].isspace():
            index += 1
            continue
        found = None
        for size in range(min(vocabulary.chinese_max, length - index), 0, -1):
            end = index + size
            key = text[index:end]
            targets = vocabulary.chinese.get(key)
            if targets is None or not spans.free(index, end):
                continue
            if key in vocabulary.chinese_modifiers and not (
                end < length
                and _CJK_CHAR.match(text[end])
                and (index == 0 or not text[index - 1].isdigit())
            ):
                continue
            if size == 1 and _CJK_CHAR.match(text[index]):
                if (index, end) not in words:
                    continue
            elif not (
                _edge_ok(text, index, index, boundaries)
                and _edge_ok(text, end, end - 1, boundaries)
            ):
                continue
            found = (index, end, targets, False)
            break
        if found:
            matches.append(found)
            index = found[1]
        else:
            index += 1
    return matches


def _match_english(
    text: str, spans: _Spans, vocabulary: QueryVocabulary
) -> list[tuple[int, int, tuple[Target, ...], bool]]:
    if not vocabulary.english:
        return []
    # Runs of free tokens; a phrase never reaches across a claimed span.
    runs: list[list[tuple[int, int, str]]] = [[]]
    for match in _EN_TOKEN.finditer(text):
        if not spans.free(match.start(), match.end()):
            runs.append([])
            continue
        key = _token_key(match.group())
        if key and key != "and":
            runs[-1].append((match.start(), match.end(), key))
    matches = []
    for tokens in runs:
        index = 0
        while index < len(tokens):
            found = None
            for size in range(min(vocabulary.english_max, len(tokens) - index), 0, -1):
                key = tuple(t[2] for t in tokens[index : index + size])
                targets = vocabulary.english.get(key)
                if targets is not None:
                    found = (tokens[index][0], tokens[index + size - 1][1], targets, size)
                    break
            if found:
                # A one-word name counts as a category only as the query's head noun.
                matches.append((*found[:3], found[3] == 1))
                index += found[3]
            else:
                index += 1
    return matches


def _apply_targets(
    matches: Iterable[tuple[int, int, tuple[Target, ...], bool]],
    spans: _Spans,
    categories: list[tuple[int, int, bool]],
    brands: list[int],
    hits: list[tuple[str, str, int, int]],
) -> None:
    for start, end, targets, head_only in matches:
        named = [t for t in targets if t.kind in ("category", "brand")]
        if named:
            for target in named:
                if target.kind == "category":
                    categories.append((int(target.value), end, head_only))
                elif target.value not in brands:
                    brands.append(int(target.value))
            spans.claim(start, end, keep=True)
            continue
        codes = {t.code for t in targets}
        if len(codes) != 1:
            # One word, several attributes: which filter is meant cannot be told.
            continue
        code = codes.pop()
        for target in targets:
            hits.append((code, str(target.value), start, end))
        spans.claim(start, end, keep=all(t.keep_in_text for t in targets))


def _attribute_filters(
    hits: list[tuple[str, str, int, int]],
    category_ids: list[int],
    vocabulary: QueryVocabulary,
    spans: _Spans,
) -> dict[str, tuple[str, ...]]:
    """Attribute values by code, leaving out codes no category named in the query has.

    "green tea" names the Tea category, whose products have no colour: "green" is then part
    of what is searched for, not a filter.
    """
    allowed: set[str] | None = None
    if category_ids and all(c in vocabulary.category_attributes for c in category_ids):
        allowed = set().union(*(vocabulary.category_attributes[c] for c in category_ids))
    attributes: dict[str, list[str]] = {}
    for code, value, start, end in hits:
        if allowed is not None and code not in allowed:
            spans.keep(start, end)
            continue
        values = attributes.setdefault(code, [])
        if value not in values:
            values.append(value)
    return {code: tuple(values) for code, values in attributes.items()}


def _is_head(text: str, end: int, spans: _Spans) -> bool:
    """Whether nothing but filler and claimed phrases follows ``end`` up to a preposition
    ("shoe" in "shoe rack" is not the head; in "red shoes under $50" and "shoes for hiking"
    it is)."""
    for match in _EN_TOKEN.finditer(text, end):
        if not spans.free(match.start(), match.end()):
            continue
        word = match.group()
        if word in _PREPOSITIONS:
            return True
        # Numbers are specifications ("backpack 30l"), not another noun.
        if word not in ENGLISH_STOPWORDS and word not in _FILLER_BEFORE and word.isalpha():
            return False
    return all(not spans.free(m.start(), m.end()) for m in _CJK_RUN.finditer(text, end))


def _categories(
    found: list[tuple[int, int, bool]], text: str, spans: _Spans, vocabulary: QueryVocabulary
) -> list[int]:
    ids: list[int] = []
    for category_id, end, head_only in found:
        if head_only and not _is_head(text, end, spans):
            continue
        if category_id not in ids:
            ids.append(category_id)
    return _most_specific(ids, vocabulary.category_parents)


def _most_specific(category_ids: list[int], parents: Mapping[int, int | None]) -> list[int]:
    """Drop categories that are ancestors of another one found ("tea" in both levels)."""
    ancestors: set[int] = set()
    for category_id in category_ids:
        parent = parents.get(category_id)
        seen = 0
        while parent is not None and seen < 64:
            ancestors.add(parent)
            parent = parents.get(parent)
            seen += 1
    return [c for c in category_ids if c not in ancestors]


def _remaining_text(text: str, spans: _Spans) -> str:
    removed = sorted((s, e) for s, e, keep in spans.items if not keep)
    if not removed:
        return text
    pieces: list[str] = []
    position = 0
    bounds = [*removed, (len(text), len(text))]
    for index, (start, end) in enumerate(bounds):
        if start < position:
            position = max(position, end)
            continue
        piece = text[position:start]
        after_removed = index > 0
        before_removed = index < len(bounds) - 1
        words = piece.split()
        if before_removed:
            while words and (words[-1] in _FILLER_BEFORE or not re.search(r"[^\W_]", words[-1])):
                words.pop()
        if after_removed:
            while words and (words[0] in _FILLER_AFTER or not re.search(r"[^\W_]", words[0])):
                words.pop(0)
        if words:
            # "shoes, under $100": the comma belonged to the removed phrase.
            if before_removed:
                words[-1] = words[-1].rstrip(",;:/&+-")
            if after_removed:
                words[0] = words[0].lstrip(",;:/&+-")
        if words:
            if after_removed and has_cjk(words[0][:1]):
                words[0] = words[0].lstrip(_ZH_PARTICLES)
            if before_removed and has_cjk(words[-1][-1:]):
                words[-1] = words[-1].rstrip(_ZH_PARTICLES)
        pieces.extend(w for w in words if w)
        position = max(position, end)
    # "有红色的吗" without its colour leaves "有" and "吗", which say nothing on their own.
    return " ".join(w for w in pieces if w not in CHINESE_STOPWORDS)


class _Protected:
    """The query grammar's words and the vocabulary's, without building their union per query."""

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words

    def __contains__(self, word: object) -> bool:
        return word in QUERY_WORDS or word in self.words


def _suggestion(parsed_text: str, query: str, vocabulary: QueryVocabulary) -> str | None:
    if vocabulary.speller is None or not parsed_text:
        return None
    correction = vocabulary.speller.correct(parsed_text, keep=_Protected(vocabulary.known_words))
    if not correction.changed:
        return None
    suggestion = query
    for wrong, right in correction.corrections:
        pattern = r"(?<![^\W_])" + r"\s+".join(map(re.escape, wrong.split())) + r"(?![^\W_])"
        suggestion = re.sub(pattern, right, suggestion, count=1)
    return suggestion if suggestion != query else None


def parse_query(raw: str, vocabulary: QueryVocabulary) -> ParsedQuery:
    """Split a shopper's query into retrieval text, filters, sort and intent.

    Args:
        raw: the query as typed; any string (or anything ``str()`` accepts) is fine.
        vocabulary: the catalog's phrases; :meth:`QueryVocabulary.empty` for grammar only.

    Returns:
        A :class:`ParsedQuery`; never raises. A support question ("how do I return this")
        comes back with ``intent="support"``, its topic, the cleaned query as ``text`` and no
        filters.
    """
    if not isinstance(raw, str):
        raw = "" if raw is None else str(raw)
    raw_kept = raw[:MAX_RAW_CHARS]
    query = clean_query(raw).lower()
    if not query:
        return ParsedQuery(raw=raw_kept)
    language = detect_language(query)

    topic = _support_topic(query)
    if topic is not None:
        return ParsedQuery(
            raw=raw_kept, text=query, language=language, intent=SUPPORT, support_topic=topic
        )

    spans = _Spans()
    price_min, price_max = _extract_prices(query, spans)
    sort = _extract_sort(query, spans)
    hits: list[tuple[str, str, int, int]] = []
    categories: list[tuple[int, int, bool]] = []
    brands: list[int] = []
    _extract_sizes(query, spans, vocabulary, hits)
    if has_cjk(query):
        matches = _match_chinese(query, spans, vocabulary)
        _apply_targets(matches, spans, categories, brands, hits)
    matches = _match_english(query, spans, vocabulary)
    _apply_targets(matches, spans, categories, brands, hits)
    category_ids = _categories(categories, query, spans, vocabulary)
    attributes = _attribute_filters(hits, category_ids, vocabulary, spans)

    text = _remaining_text(query, spans)
    return ParsedQuery(
        raw=raw_kept,
        text=text,
        language=language,
        category_ids=tuple(category_ids),
        brand_ids=tuple(brands),
        attributes=attributes,
        price_min=price_min,
        price_max=price_max,
        sort=sort,
        did_you_mean=_suggestion(text, query, vocabulary),
    )
