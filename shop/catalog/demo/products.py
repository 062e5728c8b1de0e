"""Deterministic product generation: attributes, prices and bilingual copy.

Product ``index`` always gets the same category, SKU and content for a given seed, whatever the
total count, because each product draws from its own ``random.Random`` seeded with
``(seed, index)``. Copy is assembled from several pools (openers with different sentence shapes,
category and kind selling points that are only used when the product's attributes make them
true, attribute sentences, connectors and closers), and the Chinese text is assembled
independently from its own pools over the same facts rather than translated sentence by sentence.
"""

from __future__ import annotations

import math
import random
import re
import string
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

from django.utils.text import slugify

from .schema import ATTRIBUTES, BRANDS, TOPS, BrandSpec
from .spec import (
    Bilingual,
    DependsOn,
    Feature,
    Kind,
    Leaf,
    NumberRange,
    Top,
    pairs,
    with_article,
)

# One product in this many has no Chinese translation, so the storefront's fallback shows.
NO_TRANSLATION_EVERY = 32
NO_TRANSLATION_OFFSET = 17


@dataclass(frozen=True)
class ProductText:
    title: str
    description: str
    highlights: tuple[str, ...]


@dataclass(frozen=True)
class ProductSpec:
    index: int
    sku: str
    slug: str
    top_slug: str
    category_slug: str
    kind_key: str
    brand_slug: str
    attributes: dict[str, Any]
    price: Decimal
    compare_at_price: Decimal | None
    stock: int
    status: str
    # 0..1, drives price position and review ratings
    quality: float
    created_days_ago: float
    en: ProductText
    zh: ProductText | None


@dataclass(frozen=True)
class LeafEntry:
    top: Top
    leaf: Leaf


def has_translation(index: int) -> bool:
    """Whether product ``index`` gets a Chinese translation (about 97% do)."""
    return index % NO_TRANSLATION_EVERY != NO_TRANSLATION_OFFSET


@cache
def leaf_cycle() -> tuple[LeafEntry, ...]:
    """Leaves in the order products are dealt to them.

    The first pass lists every leaf once, so any catalog of at least that many products covers
    every category; later passes repeat the leaves with more weight.
    """
    entries = [LeafEntry(top, leaf) for top in TOPS for leaf in top.leaves]
    rounds = max(entry.leaf.weight for entry in entries)
    return tuple(e for r in range(1, rounds + 1) for e in entries if e.leaf.weight >= r)


@cache
def brands_by_top() -> dict[str, tuple[BrandSpec, ...]]:
    result: dict[str, list[BrandSpec]] = {}
    for brand in BRANDS:
        for slug in brand.categories:
            result.setdefault(slug, []).append(brand)
    return {slug: tuple(brands) for slug, brands in result.items()}


def schema_codes(top: Top, leaf: Leaf) -> list[tuple[str, bool]]:
    """(attribute code, required) for a leaf, its own entries overriding the top's."""
    entries: dict[str, bool] = {}
    for item in (*top.schema, *leaf.schema):
        entries[item.code] = item.required
    return list(entries.items())


_MISSING = object()


def choose_attributes(
    rng: random.Random, top: Top, leaf: Leaf, kind: Kind
) -> dict[str, int | float | str]:
    """Pick a value for every schema attribute that the kind's constraints allow.

    Constraints are looked up kind first, then leaf, then top. ``None`` means the attribute does
    not apply to this kind; an unconstrained choice attribute may take any option; an
    unconstrained number attribute is left out.
    """
    values: dict[str, int | float | str] = {}
    for code, required in schema_codes(top, leaf):
        constraint: Any = _MISSING
        for layer in (kind.attrs, leaf.attrs, top.attrs):
            if code in layer:
                constraint = layer[code]
                break
        spec = ATTRIBUTES[code]
        if constraint is None or (constraint is _MISSING and spec.kind == "number"):
            if required:
                raise ValueError(f"{leaf.slug}/{kind.key}: required attribute {code} has no value")
            continue
        if constraint is _MISSING:
            constraint = tuple(option.value for option in spec.options)
        if isinstance(constraint, DependsOn):
            constraint = constraint.choices[str(values[constraint.code])]
        if isinstance(constraint, NumberRange):
            value: Any = rng.choice(constraint.values())
        else:
            value = rng.choice(constraint)
        if spec.kind == "number":
            value = int(value) if float(value).is_integer() else round(float(value), 2)
        values[code] = value
    return values


# --- formatting helpers -------------------------------------------------------------------

_UNITS_ZH = {
    "L": "升",
    "ml": "毫升",
    "g": "克",
    "kg": "公斤",
    "W": "W",
    "mAh": "mAh",
    "lm": "流明",
    "mm": "毫米",
    "cm": "厘米",
    "m": "米",
    "people": "人",
    "pcs": "件",
    "in": "英寸",
    "h": "小时",
    "°C": "°C",
    "pages": "页",
}


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def value_text(code: str, value: Any, *, language: str) -> str:
    """How an attribute value reads inside a sentence."""
    spec = ATTRIBUTES[code]
    if spec.kind == "number":
        return format_number(value)
    option = spec.option(str(value))
    if language == "zh":
        return option.label_zh
    return option.label.lower() if spec.lower_in_text else option.label


def spec_text(code: str, value: Any, *, language: str, compact: bool = True) -> str:
    """An attribute value with its unit: compact for titles ("2-Person", "65W"), plain for
    highlights ("2 people", "65 W")."""
    spec = ATTRIBUTES[code]
    if spec.kind != "number":
        option = spec.option(str(value))
        return option.label_zh if language == "zh" else option.label
    unit = spec.unit
    number = float(value)
    if unit == "g" and number >= 1000:
        number, unit = number / 1000, "kg"
    text = format_number(number)
    if code == "spf":
        return f"SPF{text}" if language == "zh" else f"SPF {text}"
    if language == "zh":
        return f"{text}{_UNITS_ZH.get(unit, unit)}"
    if not compact:
        return f"{text} {unit}" if unit else text
    if unit == "people":
        return f"{text}-Person"
    if unit == "pcs":
        return f"{text}-Piece"
    if unit == "in":
        return f"{text}″"
    if unit in ("h", "W"):
        return f"{text}{unit}"
    return f"{text} {unit}" if unit else text


def lower_noun(noun: str) -> str:
    words = []
    for word in noun.split():
        letters = re.sub(r"[^A-Za-z]", "", word)
        if letters.isupper() and len(letters) > 1:
            words.append(word)
        elif re.match(r"^[A-Z]-", word):
            words.append(word[:2] + word[2:].lower())
        else:
            words.append(word.lower())
    return " ".join(words)


def zh_join(*parts: str) -> str:
    """Chinese shop titles separate their segments with spaces."""
    return " ".join(p.strip() for p in parts if p and p.strip())


_ZH_PUNCTUATION = "，。？！：；、“”《》（）——"


def tidy_zh(text: str) -> str:
    """Latin names sit between spaces in Chinese text, but never next to punctuation."""
    text = re.sub(r" {2,}", " ", text)
    text = re.sub(rf" ?([{_ZH_PUNCTUATION}]) ?", r"\1", text)
    return text.strip()


def zh_name(text: str) -> str:
    return f" {text} " if text[:1].isascii() or text[-1:].isascii() else text


def capitalize_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def decapitalize_first(text: str) -> str:
    """Lower-case a sentence's first word unless it is an acronym or a name like "USB-C"."""
    first = text.split(" ", 1)[0]
    if re.fullmatch(r"A|[A-Z][a-z]+(?:[-'][a-z]+)*[,.:;]?", first):
        return text[0].lower() + text[1:]
    return text


TEXT_PLACEHOLDERS = frozenset({"name", "brand", "noun", "scene", "scene2", "trait", "author"})


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def feature_placeholders(feature: Feature) -> set[str]:
    texts = (feature.sentence.en, feature.sentence.zh, feature.highlight.en, feature.highlight.zh)
    return set().union(*(placeholders(t) for t in texts))


MAX_SENTENCES = 5
_SENTENCE_END = re.compile(r"(?<!No)[.?!。？！](?=\s|$)|[。？！]")


def sentence_count(text: str) -> int:
    """Sentences in a piece of copy; "No. 3" in a model name doesn't end one."""
    return len(_SENTENCE_END.findall(text)) or 1


class _Values(dict):
    def __missing__(self, key: str) -> str:
        raise KeyError(f"unknown placeholder {{{key}}}")


# --- copy pools -----------------------------------------------------------------------------

EN_OPENERS = (
    "The {name} is {a_trait_noun} made for {scene}.",
    "Meet the {name} from {brand}: {a_trait_noun} for {scene}.",
    "Designed with {scene} in mind, the {name} is {brand}'s take on {the_trait_noun}.",
    "Whether it's {scene} or {scene2}, the {name} has you covered.",
    "Looking for {a_trait_noun} for {scene}? The {name} is a strong pick.",
    "{brand} built the {name} for anyone who wants {a_trait_noun} without the fuss.",
    "{This} {trait} {noun} from {brand} {was} designed for {scene}.",
    "Built for {scene}, the {name} keeps things simple and gets the details right.",
    "Every detail of the {name} was chosen with {scene} in mind.",
    "Made for {scene}, {this} {noun} from {brand} {is} {trait} where it counts.",
    "{brand} designed the {name} around {scene}.",
    "Our customers reach for the {name} for {scene}, and it's easy to see why.",
    "Simple, {trait} and made for {scene}: that's the {name}.",
)
ZH_OPENERS = (
    "{name}是一款专为{scene}打造的{noun}，主打{trait}。",
    "{brand}{name}{noun}，为{scene}而生。",
    "无论是{scene}还是{scene2}，{name}都能从容应对。",
    "想找一款适合{scene}的{noun}？不妨看看{brand}{name}。",
    "这款来自{brand}的{noun}主打{trait}，特别适合{scene}。",
    "{name}延续了{brand}一贯的简洁设计，{trait}而不失质感。",
    "{noun}不必复杂，{brand}把{name}的心思都花在了{trait}上。",
    "专为{scene}设计的{name}，是{brand}旗下一款{trait}的{noun}。",
    "{brand}为{scene}设计了这款{name}{noun}。",
    "简单、{trait}，专为{scene}而设计——这就是{name}。",
)
EN_BOOK_OPENERS = (
    "{name} is {a_trait_noun} by {author}, perfect for {scene}.",
    "From {author} comes {name}, {a_trait_noun} for {scene}.",
    "Readers call {name} {trait}, and it is ideal for {scene}.",
    "In {name}, {author} delivers {a_trait_noun} you'll want to press on friends.",
    "{author}'s {name} is made for {scene}.",
)
ZH_BOOK_OPENERS = (
    "《{name}》是{author}的一部{trait}的{noun}，适合{scene}时翻阅。",
    "{author}笔下的《{name}》{trait}，很适合{scene}。",
    "适合{scene}的{noun}：{author}的《{name}》。",
    "读者评价《{name}》“{trait}”，是{scene}的理想读物。",
)
EN_CONNECTORS = ("On top of that, ", "Better still, ", "Also worth knowing: ", "And ")
ZH_CONNECTORS = ("此外，", "另外，", "值得一提的是，", "更贴心的是，")
EN_COLOR_SENTENCES = (
    "Shown here in {color}.",
    "The {color} finish looks good from every angle.",
    "This listing is for the {color} version.",
    "Finished in {color}, it suits almost any setting.",
)
ZH_COLOR_SENTENCES = (
    "此款为{color}。",
    "{color}配色，越看越顺眼。",
    "本商品页为{color}款。",
    "{color}外观，放在哪里都很协调。",
)
MATERIAL_SENTENCES: dict[str, tuple[Bilingual, ...]] = {
    "merino-wool": pairs(
        "Merino wool regulates temperature and resists odour between washes. "
        "|| 美利奴羊毛调温透气，穿几次也不易有异味。",
    ),
    "organic-cotton": pairs(
        "The organic cotton is grown without synthetic pesticides. "
        "|| 有机棉在种植过程中不使用化学合成农药。",
    ),
    "linen": pairs("Linen gets softer every time you wash it. || 亚麻越洗越软，越穿越舒服。"),
    "cashmere": pairs(
        "Cashmere this fine feels weightless yet warm. || 细腻的羊绒轻若无物，却很保暖。"
    ),
    "recycled-polyester": pairs(
        "The fabric is spun from recycled plastic bottles. || 面料由回收塑料瓶再生纺成。"
    ),
    "leather": pairs(
        "The leather comes from a tannery audited for water and chemical use. "
        "|| 皮革来自通过用水与化学品管理审核的制革厂。",
        "Good leather only gets better with age. || 好皮革会随着时间越用越有味道。",
    ),
    "suede": pairs("The suede is treated to resist water spots. || 麂皮经防水渍处理。"),
    "cast-iron": pairs("Cast iron like this can last for generations. || 这样的铸铁锅可以传家。"),
    "stainless-steel": pairs(
        "Stainless steel won't rust, stain or hold on to smells. "
        "|| 不锈钢不生锈、不染色，也不串味。",
    ),
    "bamboo": pairs(
        "Bamboo grows fast and needs no replanting. || 竹子生长迅速，采伐后无需重新栽种。"
    ),
    "silicone": pairs(
        "Food-grade silicone is soft, flexible and heat-safe. || 食品级硅胶柔软有弹性，耐高温。"
    ),
    "recycled-plastic": pairs(
        "The body is moulded from recycled plastic. || 主体由再生塑料注塑而成。"
    ),
    "acacia-wood": pairs(
        "Solid acacia wood with a warm, varied grain. || 实木相思木，纹理温润而富于变化。"
    ),
    "beech-wood": pairs(
        "Smooth, pale beech wood from managed forests. || 浅色榉木来自可持续管理的森林，触感光滑。"
    ),
    "stoneware": pairs("Each piece of stoneware is glazed by hand. || 每件粗陶都经手工上釉。"),
    "down": pairs(
        "The down is traceable to farms with audited animal welfare. "
        "|| 羽绒可追溯至通过动物福利审核的农场。"
    ),
    "canvas": pairs(
        "Heavy cotton canvas softens and fades handsomely. || 厚实帆布越用越软，褪色后更有味道。"
    ),
    "denim": pairs("The denim is woven on vintage shuttle looms. || 牛仔布由老式梭织机织造。"),
}
GENERIC_MATERIAL_SENTENCES = pairs(
    "Made from {material}. || 采用{material}材质。",
    "The {material} construction feels solid in the hand. || {material}材质，手感扎实。",
)
GENERIC_CLOSERS = pairs(
    "Ships in recyclable packaging. || 采用可回收包装发货。",
    "Questions? Our support team answers within a day. || 有任何疑问，客服一天内回复。",
    "It pairs well with the rest of the {brand} range. || 可与{brand}其他系列搭配使用。",
)

BOOK_TITLE_PARTS = {
    "fiction": (
        ("The {a} {n}", "{a}的{n}"),
        ("{n} in {season}", "{season}的{n}"),
        ("A {n} for {person}", "给{person}的{n}"),
    ),
    "cookbook": (
        ("{cuisine} at Home", "在家做{cuisine}"),
        ("The {kitchen} Kitchen", "{kitchen}厨房"),
        ("Simply {cuisine}", "简单{cuisine}"),
    ),
    "travel": (
        ("{place} on Foot", "徒步{place}"),
        ("{days} Days in {place}", "{place}{days}日"),
        ("The Slow Guide to {place}", "{place}慢游指南"),
    ),
    "picture-book": (
        ("{animal} Can't Sleep", "睡不着的{animal}"),
        ("Where Is {animal}?", "{animal}去哪儿了？"),
        ("{animal} and the {a} {n}", "{animal}和{a}的{n}"),
    ),
    "popular-science": (
        ("The Secret Life of {things}", "{things}的秘密生活"),
        ("A Short History of {things}", "{things}简史"),
        ("Why {things} Matter", "{things}为什么重要"),
    ),
}
BOOK_WORDS: dict[str, tuple[Bilingual, ...]] = {
    "a": pairs(
        "Quiet || 安静",
        "Last || 最后",
        "Hidden || 隐秘",
        "Paper || 纸做",
        "Salt || 咸味",
        "Borrowed || 借来",
        "Northern || 北方",
        "Lantern-Lit || 灯火通明",
        "Small || 小小",
    ),
    "n": pairs(
        "Orchard || 果园",
        "Harbour || 港湾",
        "Lighthouse || 灯塔",
        "Garden || 花园",
        "River || 河流",
        "Letters || 书信",
        "Kitchen || 厨房",
        "Map || 地图",
        "Island || 岛屿",
        "House || 房子",
        "Bicycle || 自行车",
    ),
    "season": pairs("Winter || 冬天", "Late Summer || 夏末", "Spring || 春天", "Autumn || 秋天"),
    "person": pairs("Clara || 克拉拉", "Wen || 文", "Jonah || 约拿", "Mei || 梅", "Ada || 艾达"),
    "cuisine": pairs(
        "Noodles || 面食",
        "Dumplings || 饺子",
        "Vegetables || 蔬菜",
        "Tofu || 豆腐",
        "Soups || 汤品",
        "Baking || 烘焙",
    ),
    "kitchen": pairs("Weeknight || 快手", "Green || 绿色", "Slow || 慢煮", "One-Pot || 一锅出"),
    "place": pairs(
        "Yunnan || 云南",
        "Kyoto || 京都",
        "Lisbon || 里斯本",
        "Patagonia || 巴塔哥尼亚",
        "Iceland || 冰岛",
        "Scotland || 苏格兰",
        "Sichuan || 四川",
    ),
    "days": pairs("Three || 三", "Five || 五", "Seven || 七"),
    "animal": pairs(
        "Little Bear || 小熊", "Bunny || 小兔", "Panda || 熊猫", "Fox || 小狐狸", "Owl || 猫头鹰"
    ),
    "things": pairs(
        "Clouds || 云",
        "Bees || 蜜蜂",
        "Fungi || 真菌",
        "Rivers || 河流",
        "Stars || 星星",
        "Soil || 土壤",
        "Octopuses || 章鱼",
    ),
}
AUTHORS = pairs(
    "Clara Whitby || 克拉拉·惠特比",
    "Lin Xiao || 林晓",
    "Tomas Reyne || 托马斯·雷恩",
    "Zhou Yiran || 周亦然",
    "Maeve Calder || 梅芙·考尔德",
    "Chen Mo || 陈默",
    "Idris Fenn || 伊德里斯·芬",
    "Su Wanqing || 苏晚晴",
)


# --- generation ------------------------------------------------------------------------------


def build_products(*, count: int, seed: int, start: int = 0) -> list[ProductSpec]:
    """Products ``start`` .. ``start + count - 1``; each depends only on its index and the seed."""
    return [build_product(index, seed=seed) for index in range(start, start + count)]


def build_product(index: int, *, seed: int) -> ProductSpec:
    rng = random.Random(f"demo-shop:{seed}:product:{index}")
    entry = leaf_cycle()[index % len(leaf_cycle())]
    top, leaf = entry.top, entry.leaf
    kind = rng.choices(leaf.kinds, weights=[k.weight for k in leaf.kinds])[0]
    brand = rng.choice(brands_by_top()[top.slug])
    attributes = choose_attributes(rng, top, leaf, kind)
    quality = round(rng.betavariate(4, 2), 4)
    price, compare_at = _prices(rng, kind, quality)
    stock = 0 if rng.random() < 0.07 else int(rng.triangular(1, 200, 35))
    status = "draft" if rng.random() < 0.02 else "active"
    created_days_ago = round(rng.uniform(0, 365), 3)

    writer = _Writer(rng, top=top, leaf=leaf, kind=kind, brand=brand, attributes=attributes)
    en, zh = writer.write()
    sku = f"DEMO-{leaf.code}-{index + 1:05d}"
    slug = f"{slugify(en.title)[:120].strip('-')}-{sku.lower()}"
    return ProductSpec(
        index=index,
        sku=sku,
        slug=slug,
        top_slug=top.slug,
        category_slug=leaf.slug,
        kind_key=kind.key,
        brand_slug=brand.slug,
        attributes=attributes,
        price=price,
        compare_at_price=compare_at,
        stock=stock,
        status=status,
        quality=quality,
        created_days_ago=created_days_ago,
        en=en,
        zh=zh if has_translation(index) else None,
    )


def _prices(rng: random.Random, kind: Kind, quality: float) -> tuple[Decimal, Decimal | None]:
    low, high = kind.price
    # Better products sit higher in the kind's range, with plenty of noise.
    position = min(1.0, max(0.0, 0.55 * quality + 0.45 * rng.random()))
    raw = low * (high / low) ** position
    ending = rng.choice((0.99, 0.99, 0.95, 0.0, 0.5)) if raw >= 10 else rng.choice((0.99, 0.49))
    price = max(low - 0.01, math.floor(raw) + ending) if ending else float(round(raw))
    price_decimal = Decimal(str(price)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    compare_at = None
    if rng.random() < 0.25:
        markup = price * rng.uniform(1.15, 1.45)
        compare_at = Decimal(math.ceil(markup)) - Decimal("0.01")
        if compare_at <= price_decimal:
            compare_at = price_decimal + Decimal("5.00")
    return price_decimal, compare_at


class _Writer:
    """Writes one product's English and Chinese copy from the same facts."""

    def __init__(
        self,
        rng: random.Random,
        *,
        top: Top,
        leaf: Leaf,
        kind: Kind,
        brand: BrandSpec,
        attributes: dict[str, Any],
    ) -> None:
        self.rng = rng
        self.top, self.leaf, self.kind, self.brand = top, leaf, kind, brand
        self.attributes = attributes
        self.is_book = kind.naming == "book"

    # The English and Chinese texts share every random choice that is a fact (features,
    # qualifier, title parts) and draw their own wording choices (opener, order, connectors).
    def write(self) -> tuple[ProductText, ProductText]:
        rng = self.rng
        scenes = self.kind.scenes or self.leaf.scenes
        traits = self.kind.traits or self.leaf.traits
        # "an insulated insulated water bottle": skip traits the noun already says.
        noun_words = set(self.kind.noun.lower().split())
        traits = tuple(t for t in traits if t.en not in noun_words) or traits
        scene, scene2 = rng.sample(scenes, 2) if len(scenes) > 1 else (scenes[0], scenes[0])
        trait = rng.choice(traits)
        name = self._name()
        author = rng.choice(AUTHORS) if self.is_book else None

        applicable = self._features()
        rng.shuffle(applicable)
        # Lead with something only this kind of product would say (cushioning for a running
        # shoe, not the shop-wide returns policy) whenever there is one.
        generic = set(self.top.features)
        specific = [f for f in applicable if f not in generic]
        if specific:
            applicable.remove(specific[0])
            applicable.insert(0, specific[0])
        feature_count = min(len(applicable), rng.choice((1, 2, 2, 3, 3)))
        described = applicable[:feature_count]
        others = applicable[feature_count:]

        qualifiers = [q for q in self.kind.qualifiers if q.when.matches(self.attributes)]
        qualifier = rng.choice(qualifiers) if qualifiers and rng.random() < 0.7 else None
        title_layout = {
            "brand": rng.random() < 0.35,
            "gender": rng.random() < 0.85,
            "color": rng.random() < 0.85,
            "brackets": rng.random() < 0.2,
        }
        extras = {
            "color": "color" in self.attributes and rng.random() < 0.35,
            "material": "material" in self.attributes and rng.random() < 0.3,
            "closer": rng.random() < 0.4,
            "opener": rng.random() < 0.88,
        }
        highlight_count = rng.randint(3, 5)
        # Spec lines ("Volume: 75 ml") for facts no selling point already quotes ("75 ml").
        quoted = set().union(*(placeholders(f.highlight.en) for f in applicable))
        spec_codes = [
            c
            for c in self.attributes
            if (ATTRIBUTES[c].kind == "number" or c == "material") and c not in quoted
        ]
        highlight_specs = rng.sample(spec_codes, min(len(spec_codes), 2))

        shared = {
            "name": name,
            "scene": scene,
            "scene2": scene2,
            "trait": trait,
            "author": author,
            "described": described,
            "others": others,
            "qualifier": qualifier,
            "title_layout": title_layout,
            "extras": extras,
            "highlight_count": highlight_count,
            "highlight_specs": highlight_specs,
        }
        return self._text("en", **shared), self._text("zh", **shared)

    def _name(self) -> Bilingual:
        rng = self.rng
        if self.is_book:
            genre = str(self.attributes.get("genre", "fiction"))
            en_pattern, zh_pattern = rng.choice(BOOK_TITLE_PARTS[genre])
            picks = {key: rng.choice(options) for key, options in BOOK_WORDS.items()}
            return Bilingual(
                en_pattern.format(**{k: v.en for k, v in picks.items()}),
                zh_pattern.format(**{k: v.zh for k, v in picks.items()}),
            )
        word = rng.choice(self.top.model_words)
        suffix = rng.choice(self.top.model_suffixes)
        en = f"{word.en} {suffix}".strip()
        # A word with a Chinese rendering reads better alone in Chinese than with a Latin suffix.
        zh = word.zh if word.zh != word.en else en
        return Bilingual(en, zh)

    def _features(self) -> list[Feature]:
        pool = (*self.kind.features, *self.leaf.features, *self.top.features)
        known = set(self.attributes) | TEXT_PLACEHOLDERS
        if "battery_capacity" in self.attributes:
            known.add("phone_charges")
        # A selling point that quotes an attribute the product lacks (battery life of wired
        # earphones) doesn't apply, whatever its condition says.
        return [
            f for f in pool if f.when.matches(self.attributes) and feature_placeholders(f) <= known
        ]

    def _values(self, language: str, **extra: str) -> _Values:
        values = _Values()
        for code, value in self.attributes.items():
            values[code] = value_text(code, value, language=language)
        capacity = self.attributes.get("battery_capacity")
        if capacity:
            values["phone_charges"] = format_number(max(1, round(float(capacity) * 0.65 / 4000)))
        values.update(extra)
        return values

    def _text(
        self,
        language: str,
        *,
        name: Bilingual,
        scene: Bilingual,
        scene2: Bilingual,
        trait: Bilingual,
        author: Bilingual | None,
        described: list[Feature],
        others: list[Feature],
        qualifier: Any,
        title_layout: dict[str, bool],
        extras: dict[str, bool],
        highlight_count: int,
        highlight_specs: list[str],
    ) -> ProductText:
        zh = language == "zh"
        pick = (lambda b: b.zh) if zh else (lambda b: b.en)
        brand = self.brand.name_zh or self.brand.name if zh else self.brand.name
        noun = self.kind.noun_zh if zh else lower_noun(self.kind.noun)
        values = self._values(
            language,
            name=zh_name(name.zh) if zh else name.en,
            brand=zh_name(brand) if zh else brand,
            noun=noun,
            scene=pick(scene),
            scene2=pick(scene2),
            trait=pick(trait),
            author=pick(author) if author else "",
        )
        finish = tidy_zh if zh else str.strip
        if not zh:
            values.update(self._english_grammar(pick(trait)))

        # Local random stream per language: wording differs, facts don't.
        wording = random.Random(f"{self.rng.random()}:{language}")

        sentences: list[str] = []
        feature_sentences = [finish(pick(f.sentence).format_map(values)) for f in described]
        first_feature_is_pronoun = bool(feature_sentences) and re.match(
            r"^(It|Its|It's|They|This|These)\b", feature_sentences[0]
        )
        use_opener = extras["opener"] or first_feature_is_pronoun or len(described) < 2
        if use_opener:
            if self.is_book:
                pool = ZH_BOOK_OPENERS if zh else EN_BOOK_OPENERS
            else:
                pool = ZH_OPENERS if zh else EN_OPENERS
            sentences.append(capitalize_first(finish(wording.choice(pool).format_map(values))))
        wording.shuffle(feature_sentences)
        connectors = list(ZH_CONNECTORS if zh else EN_CONNECTORS)
        wording.shuffle(connectors)
        for i, sentence in enumerate(feature_sentences):
            if (sentences or i) and wording.random() < 0.25:
                # each connector at most once per description
                connector = connectors.pop()
                sentence = connector + (sentence if zh else decapitalize_first(sentence))
            sentences.append(sentence)

        def fits(text: str) -> bool:
            return sum(map(sentence_count, sentences)) + sentence_count(text) <= MAX_SENTENCES

        if extras["material"]:
            material = str(self.attributes["material"])
            options = MATERIAL_SENTENCES.get(material, GENERIC_MATERIAL_SENTENCES)
            sentence = finish(pick(wording.choice(options)).format_map(values))
            if fits(sentence):
                sentences.insert(wording.randint(1, len(sentences)), sentence)
        if extras["color"]:
            pool = ZH_COLOR_SENTENCES if zh else EN_COLOR_SENTENCES
            sentence = finish(wording.choice(pool).format_map(values))
            if fits(sentence):
                sentences.append(sentence)
        if extras["closer"] or sum(map(sentence_count, sentences)) < 2:
            closer = wording.choice((*self.top.closers, *GENERIC_CLOSERS))
            sentence = finish(pick(closer).format_map(values))
            if fits(sentence):
                sentences.append(sentence)
        description = ("" if zh else " ").join(sentences)

        highlights = [finish(pick(f.highlight).format_map(values)) for f in described]
        highlights += [finish(pick(f.highlight).format_map(values)) for f in others]
        specs = [self._spec_highlight(code, language) for code in highlight_specs]
        # Facts from the description first, then spec lines, then other selling points.
        ordered = highlights[: len(described)] + specs + highlights[len(described) :]
        seen: set[str] = set()
        unique = [h for h in ordered if not (h in seen or seen.add(h))]
        return ProductText(
            title=self._title(language, name, qualifier, title_layout),
            description=description,
            highlights=tuple(unique[:highlight_count]),
        )

    def _english_grammar(self, trait: str) -> dict[str, str]:
        kind = self.kind
        noun = lower_noun(kind.noun)
        plural = kind.article in ("a pair of", "a set of")
        if kind.article and kind.article not in ("a", "an"):
            a_trait_noun = f"{kind.article} {trait} {noun}"
        else:
            a_trait_noun = with_article(f"{trait} {noun}")
        return {
            "a_trait_noun": a_trait_noun,
            "the_trait_noun": f"the {trait} {noun}",
            "nouns": lower_noun(kind.nouns),
            "this": "these" if plural else "this",
            "This": "These" if plural else "This",
            "is": "are" if plural else "is",
            "was": "were" if plural else "was",
        }

    def _spec_highlight(self, code: str, language: str) -> str:
        spec = ATTRIBUTES[code]
        text = spec_text(code, self.attributes[code], language=language, compact=False)
        if language == "zh":
            return f"{spec.name_zh}：{text}"
        return f"{spec.name}: {text}"

    def _title(
        self, language: str, name: Bilingual, qualifier: Any, layout: dict[str, bool]
    ) -> str:
        zh = language == "zh"
        attributes = self.attributes
        gender = attributes.get("gender") if layout["gender"] else None
        color = attributes.get("color") if layout["color"] else None
        specs = [spec_text(c, attributes[c], language=language) for c in self.kind.title_spec]
        if self.is_book:
            fmt = attributes.get("book_format")
            if zh:
                format_text = f"（{value_text('book_format', fmt, language='zh')}）" if fmt else ""
                return f"《{name.zh}》{self.kind.noun_zh}{format_text}"
            suffix = ": A Novel" if self.kind.key == "novel" else ""
            format_text = f" ({ATTRIBUTES['book_format'].option(str(fmt)).label})" if fmt else ""
            return f"{name.en}{suffix}{format_text}"
        if zh:
            brand = (self.brand.name_zh or self.brand.name) if layout["brand"] else ""
            gender_text = value_text("gender", gender, language="zh") if gender else ""
            qualifier_text = qualifier.text.zh if qualifier else ""
            head = zh_join(brand, name.zh)
            body = f"{gender_text}{qualifier_text}{self.kind.noun_zh}"
            color_text = value_text("color", color, language="zh") if color else ""
            return zh_join(head, body, *specs, color_text)
        head = f"{self.brand.name} {name.en}" if layout["brand"] else name.en
        body = f"{qualifier.text.en} {self.kind.noun}" if qualifier else self.kind.noun
        tail = []
        if gender:
            tail.append(ATTRIBUTES["gender"].option(str(gender)).label)
        tail.extend(specs)
        if color:
            tail.append(ATTRIBUTES["color"].option(str(color)).label.title())
        if not tail:
            return f"{head} {body}"
        if layout["brackets"]:
            return f"{head} {body} ({', '.join(tail)})"
        return f"{head} {body} – {', '.join(tail)}"
