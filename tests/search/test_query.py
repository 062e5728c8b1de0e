"""Query understanding: filters, sort, intent and the text left for retrieval."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from search.query import (
    MAX_QUERY_CHARS,
    MAX_RAW_CHARS,
    SORTS,
    SUPPORT_TOPICS,
    BrandTerm,
    CategoryTerm,
    OptionTerm,
    ParsedQuery,
    QueryVocabulary,
    Target,
    clean_query,
    english_key,
    parse_query,
)
from search.query.matching import _word_follows
from search.query.money import Money
from search.retrieval import prepare_query
from search.spelling import Speller

SHOES, RUNNING, HIKING = 1, 2, 3
APPAREL, DRESSES, MENS_TOPS = 10, 11, 12
PANTRY, TEA = 20, 21
ELECTRONICS, HEADPHONES = 30, 31
NORTHWEND, LINDEN, CARRYALL, LUMIEVE, WAYFARER = 100, 101, 102, 103, 104

SHOE_CODES = frozenset({"color", "shoe_size", "gender", "material"})
APPAREL_CODES = frozenset({"color", "size", "gender", "material"})


def _options(code: str, spec: str) -> list[OptionTerm]:
    """``value: English / 中文`` per line."""
    terms = []
    for line in spec.strip().splitlines():
        value, labels = line.split(":", 1)
        english, chinese = (part.strip() for part in labels.rsplit("/", 1))
        terms.append(OptionTerm(code, value.strip(), (english, chinese)))
    return terms


OPTIONS = [
    *_options(
        "color",
        """
        red: Red / 红色
        blue: Blue / 蓝色
        black: Black / 黑色
        white: White / 白色
        grey: Grey / 灰色
        burgundy: Burgundy / 酒红色
        beige: Beige / 米色
        multicolor: Multicolour / 多色
        """,
    ),
    *_options(
        "size",
        """
        xs: XS / XS码
        s: S / S码
        m: M / M码
        l: L / L码
        xl: XL / XL码
        """,
    ),
    *_options(
        "shoe_size",
        """
        eu-41: EU 41 / 41码
        eu-42: EU 42 / 42码
        eu-43: EU 43 / 43码
        """,
    ),
    *_options(
        "gender",
        """
        men: Men's / 男款
        women: Women's / 女款
        unisex: Unisex / 男女同款
        kids: Kids' / 儿童款
        """,
    ),
    *_options(
        "material",
        """
        cotton: Cotton / 纯棉
        leather: Leather / 真皮
        down: Down fill / 羽绒填充
        mesh: Engineered mesh / 工程网布
        bamboo: Bamboo / 竹
        """,
    ),
]
CATEGORIES = [
    CategoryTerm(SHOES, ("Shoes", "鞋靴"), None, SHOE_CODES),
    CategoryTerm(RUNNING, ("Running Shoes", "跑鞋"), SHOES, SHOE_CODES),
    CategoryTerm(HIKING, ("Hiking Boots", "徒步靴"), SHOES, SHOE_CODES),
    CategoryTerm(APPAREL, ("Apparel", "服装"), None, APPAREL_CODES),
    CategoryTerm(DRESSES, ("Women's Dresses", "女士连衣裙"), APPAREL, APPAREL_CODES),
    CategoryTerm(MENS_TOPS, ("Men's Tops", "男士上衣"), APPAREL, APPAREL_CODES),
    CategoryTerm(PANTRY, ("Tea, Coffee & Pantry", "茶饮食品"), None, frozenset({"origin"})),
    CategoryTerm(TEA, ("Tea", "茶"), PANTRY, frozenset({"origin", "tea_type"})),
    CategoryTerm(ELECTRONICS, ("Electronics", "数码电子"), None, frozenset({"color"})),
    CategoryTerm(HEADPHONES, ("Headphones & Earbuds", "耳机"), ELECTRONICS, frozenset({"color"})),
]
BRANDS = [
    BrandTerm(NORTHWEND, ("Northwend", "北境")),
    BrandTerm(LINDEN, ("Linden & Loom", "林登织造")),
    BrandTerm(CARRYALL, ("Carryall Co.",)),
    BrandTerm(LUMIEVE, ("Lumiève", "露米薇")),
    BrandTerm(WAYFARER, ("Wayfarer Lane", "行者")),
]
TITLES = [
    "Northwend Running Shoes",
    "Northwend Trail Running Shoes",
    "Linden & Loom Cotton Dress",
    "Carryall Backpack",
    "Wireless Headphones",
    "Wireless Earbuds",
    "Green Tea",
    "Hiking Boots Waterproof",
]


@pytest.fixture(scope="module")
def vocabulary() -> QueryVocabulary:
    return QueryVocabulary.build(
        categories=CATEGORIES, brands=BRANDS, options=OPTIONS, speller=Speller.from_texts(TITLES)
    )


def summary(parsed: ParsedQuery) -> dict:
    """Every field but ``raw`` and ``language``, for exact comparisons."""
    data = parsed.as_dict()
    del data["raw"], data["language"]
    return data


DEFAULTS = {
    "text": "",
    "category_ids": [],
    "brand_ids": [],
    "attributes": {},
    "price_min": None,
    "price_max": None,
    "price_quote": None,
    "sort": None,
    "intent": "product",
    "gift": None,
    "age_months": None,
    "support_topic": None,
    "did_you_mean": None,
    "compounds": {},
    "synonym": "",
}


def expect(**fields) -> dict:
    return {**DEFAULTS, **fields}


PRICE_CASES = [
    (
        "running shoes under $100",
        expect(text="running shoes", category_ids=[RUNNING], price_max="100"),
    ),
    ("below 100", expect(price_max="100")),
    ("less than 50 dollars", expect(price_max="50")),
    ("<100", expect(price_max="100")),
    ("<= 99.99", expect(price_max="99.99")),
    ("no more than $1,200", expect(price_max="1200")),
    ("over 50", expect(price_min="50")),
    ("at least 30", expect(price_min="30")),
    ("$40 and up", expect(price_min="40")),
    ("between 50 and 80", expect(price_min="50", price_max="80")),
    ("between 80 and 50", expect(price_min="50", price_max="80")),
    ("50-80", expect(price_min="50", price_max="80")),
    ("$50 to $80", expect(price_min="50", price_max="80")),
    ("price 20-30", expect(price_min="20", price_max="30")),
    ("over 20 under 60", expect(price_min="20", price_max="60")),
    ("100元以下", expect(price_max="100")),
    ("100块以内", expect(price_max="100")),
    ("低于100元", expect(price_max="100")),
    ("不超过200块", expect(price_max="200")),
    ("在100元以下", expect(price_max="100")),
    ("100元以上", expect(price_min="100")),
    ("50到80元", expect(price_min="50", price_max="80")),
    ("50-80元", expect(price_min="50", price_max="80")),
    ("价格在100到200之间", expect(price_min="100", price_max="200")),
    ("跑鞋100元以下", expect(text="跑鞋", category_ids=[RUNNING], price_max="100")),
    # quantities, codes and measurements are not prices
    ("drill under 5 lbs", expect(text="drill under 5 lbs")),
    ("2-4 players board game", expect(text="2-4 players board game")),
    ("1-1/2 in pvc", expect(text="1-1/2 in pvc")),
    ("paint sc-141", expect(text="paint sc-141")),
    ("最多3个", expect(text="最多3个")),
    ("under armour", expect(text="under armour")),
    ("stanley powermax 6", expect(text="stanley powermax 6")),
    ("in-use cover 1 gang", expect(text="in-use cover 1 gang")),
    ("fridge over 25 cu. ft.", expect(text="fridge over 25 cu. ft.")),
    ("anchor kit model 542-960", expect(text="anchor kit model 542-960")),
    ("casing 0000-245-586", expect(text="casing 0000-245-586")),
    ("2 x 12-16 fir", expect(text="2 x 12-16 fir")),
    ("under $99999999999999", expect(text="under $99999999999999")),
]

SORT_CASES = [
    ("cheap headphones", expect(text="headphones", category_ids=[HEADPHONES], sort="price_asc")),
    (
        "cheapest running shoes",
        expect(text="running shoes", category_ids=[RUNNING], sort="price_asc"),
    ),
    ("便宜的耳机", expect(text="耳机", category_ids=[HEADPHONES], sort="price_asc")),
    ("最便宜的跑鞋", expect(text="跑鞋", category_ids=[RUNNING], sort="price_asc")),
    ("most expensive boots", expect(text="boots", sort="price_desc")),
    ("price high to low", expect(sort="price_desc")),
    ("newest headphones", expect(text="headphones", category_ids=[HEADPHONES], sort="newest")),
    ("latest arrivals", expect(text="arrivals", sort="newest")),
    ("最新款耳机", expect(text="耳机", category_ids=[HEADPHONES], sort="newest")),
    ("best rated hiking boots", expect(text="hiking boots", category_ids=[HIKING], sort="rating")),
    ("好评跑鞋", expect(text="跑鞋", category_ids=[RUNNING], sort="rating")),
    ("most popular dresses", expect(text="dresses", category_ids=[DRESSES], sort="popular")),
    ("热销耳机", expect(text="耳机", category_ids=[HEADPHONES], sort="popular")),
    ("最受欢迎的跑鞋", expect(text="跑鞋", category_ids=[RUNNING], sort="popular")),
    # the first sort phrase wins
    ("newest cheapest", expect(sort="newest")),
]

ATTRIBUTE_CASES = [
    # "dress" and "连衣裙" alone name the catalog's "Women's Dresses" / "女士连衣裙".
    ("red dress", expect(text="dress", category_ids=[DRESSES], attributes={"color": ["red"]})),
    ("红色连衣裙", expect(text="连衣裙", category_ids=[DRESSES], attributes={"color": ["red"]})),
    # a one-character colour only in front of what it describes
    ("红裙子", expect(text="裙子", attributes={"color": ["red"]})),
    ("红茶", expect(text="红茶")),
    ("最多3个", expect(text="最多3个")),
    ("酒红色毛衣", expect(text="毛衣", attributes={"color": ["burgundy"]})),
    ("gray hoodie", expect(text="hoodie", attributes={"color": ["grey"]})),
    (
        "red or blue shoes",
        expect(text="shoes", category_ids=[SHOES], attributes={"color": ["red", "blue"]}),
    ),
    ("size m t-shirt", expect(text="t-shirt", attributes={"size": ["m"]})),
    ("size medium shirt", expect(text="shirt", attributes={"size": ["m"]})),
    ("xl hoodie", expect(text="hoodie", attributes={"size": ["xl"]})),
    ("M码卫衣", expect(text="卫衣", attributes={"size": ["m"]})),
    ("尺码L", expect(attributes={"size": ["l"]})),
    (
        "EU 42 hiking boots",
        expect(text="hiking boots", category_ids=[HIKING], attributes={"shoe_size": ["eu-42"]}),
    ),
    (
        "size 42 running shoes",
        expect(text="running shoes", category_ids=[RUNNING], attributes={"shoe_size": ["eu-42"]}),
    ),
    ("42码跑鞋", expect(text="跑鞋", category_ids=[RUNNING], attributes={"shoe_size": ["eu-42"]})),
    ("size 10 shoes", expect(text="size 10 shoes", category_ids=[SHOES])),
    ("men's jackets", expect(text="jackets", attributes={"gender": ["men"]})),
    ("jackets for women", expect(text="jackets", attributes={"gender": ["women"]})),
    (
        "womens running shoes",
        expect(text="running shoes", category_ids=[RUNNING], attributes={"gender": ["women"]}),
    ),
    ("男士外套", expect(text="外套", attributes={"gender": ["men"]})),
    ("女款跑鞋", expect(text="跑鞋", category_ids=[RUNNING], attributes={"gender": ["women"]})),
    ("跑鞋 女", expect(text="跑鞋", category_ids=[RUNNING], attributes={"gender": ["women"]})),
    # a gender word that also names the product stays in the text
    ("女鞋", expect(text="女鞋", attributes={"gender": ["women"]})),
    ("男女同款T恤", expect(text="t恤", attributes={"gender": ["unisex"]})),
    ("有红色的吗", expect(attributes={"color": ["red"]})),
    ("leather boots", expect(text="boots", attributes={"material": ["leather"]})),
    ("down jacket", expect(text="jacket", attributes={"material": ["down"]})),
    (
        "mesh running shoes",
        expect(text="running shoes", category_ids=[RUNNING], attributes={"material": ["mesh"]}),
    ),
    ("纯棉T恤", expect(text="t恤", attributes={"material": ["cotton"]})),
    ("竹 砧板", expect(text="砧板", attributes={"material": ["bamboo"]})),
    # an attribute the named category does not have stays text
    ("green tea", expect(text="green tea", category_ids=[TEA])),
    ("white tea", expect(text="white tea", category_ids=[TEA])),
    (
        "black headphones",
        expect(text="headphones", category_ids=[HEADPHONES], attributes={"color": ["black"]}),
    ),
    (
        "cheap red t-shirt size l for men",
        expect(
            text="t-shirt",
            attributes={"size": ["l"], "color": ["red"], "gender": ["men"]},
            sort="price_asc",
        ),
    ),
    (
        "女士红色连衣裙 200元以内",
        expect(
            text="连衣裙",
            category_ids=[DRESSES],
            attributes={"gender": ["women"], "color": ["red"]},
            price_max="200",
        ),
    ),
    (
        "women's red leather running shoes size 42 under $120",
        expect(
            text="running shoes",
            category_ids=[RUNNING],
            attributes={
                "shoe_size": ["eu-42"],
                "gender": ["women"],
                "color": ["red"],
                "material": ["leather"],
            },
            price_max="120",
        ),
    ),
]

NAME_CASES = [
    ("running shoe", expect(text="running shoe", category_ids=[RUNNING])),
    ("shoes", expect(text="shoes", category_ids=[SHOES])),
    # a one-word name is a category only as the head noun
    ("shoe rack", expect(text="shoe rack")),
    ("tea kettle", expect(text="tea kettle")),
    ("shoes for hiking", expect(text="shoes for hiking", category_ids=[SHOES])),
    ("hiking boots 30l", expect(text="hiking boots 30l", category_ids=[HIKING])),
    ("boots 30l", expect(text="boots 30l")),  # "boots" is no category name here
    (
        "red shoes under $50",
        expect(text="shoes", category_ids=[SHOES], attributes={"color": ["red"]}, price_max="50"),
    ),
    ("tea", expect(text="tea", category_ids=[TEA])),  # the leaf, not also its parent
    ("pantry", expect(text="pantry", category_ids=[PANTRY])),
    ("earbuds", expect(text="earbuds", category_ids=[HEADPHONES])),
    ("women's dresses", expect(text="women's dresses", category_ids=[DRESSES])),
    (
        "Northwend running shoes",
        expect(text="northwend running shoes", category_ids=[RUNNING], brand_ids=[NORTHWEND]),
    ),
    ("北境跑鞋", expect(text="北境跑鞋", category_ids=[RUNNING], brand_ids=[NORTHWEND])),
    (
        "linden and loom dress",
        expect(text="linden and loom dress", category_ids=[DRESSES], brand_ids=[LINDEN]),
    ),
    ("linden & loom", expect(text="linden & loom", brand_ids=[LINDEN])),
    ("carryall backpack", expect(text="carryall backpack", brand_ids=[CARRYALL])),
    ("lumieve", expect(text="lumieve", brand_ids=[LUMIEVE])),
    ("露米薇口红", expect(text="露米薇口红", brand_ids=[LUMIEVE])),
    # a Chinese name inside a longer word is not that name
    ("旅行者背包", expect(text="旅行者背包")),
    ("行者背包", expect(text="行者背包", brand_ids=[WAYFARER])),
    ("适合跑步的鞋子", expect(text="适合跑步的鞋子")),
]

SUPPORT_CASES = [
    ("how do I return", "returns"),
    ("How do I return these shoes?", "returns"),
    ("return policy", "returns"),
    ("refund", "returns"),
    ("where is my order", "order_status"),
    ("track my package", "order_status"),
    ("cancel my order", "order_status"),
    ("can I change my address", "account"),
    ("forgot my password", "account"),
    ("can i pay with paypal", "payment"),
    ("shipping cost", "shipping"),
    ("do you ship to canada", "shipping"),
    ("how long does delivery take", "shipping"),
    ("talk to a human", "contact"),
    ("i want to return my order", "returns"),
    ("my order hasn't arrived", "order_status"),
    ("发货时间", "shipping"),
    ("客服电话", "contact"),
    ("退货", "returns"),
    ("怎么退款", "returns"),
    ("运费多少", "shipping"),
    ("我的订单到哪了", "order_status"),
    ("怎么修改收货地址", "account"),
    ("可以用支付宝吗", "payment"),
]

PRODUCT_QUESTION_CASES = [
    (
        "which running shoes are best",
        expect(text="which running shoes are best", category_ids=[RUNNING]),
    ),
    (
        "what are good headphones for running",
        expect(text="what are good headphones for running", category_ids=[HEADPHONES]),
    ),
    (
        "free shipping running shoes",
        expect(text="free shipping running shoes", category_ids=[RUNNING]),
    ),
    ("return air grille", expect(text="return air grille")),
    ("shipping boxes", expect(text="shipping boxes")),
    ("包邮跑鞋", expect(text="包邮跑鞋", category_ids=[RUNNING])),
]


@pytest.mark.parametrize(("query", "expected"), PRICE_CASES)
def test_prices(vocabulary, query, expected):
    assert summary(parse_query(query, vocabulary)) == expected


@pytest.mark.parametrize(("query", "expected"), SORT_CASES)
def test_sorts(vocabulary, query, expected):
    assert summary(parse_query(query, vocabulary)) == expected


@pytest.mark.parametrize(("query", "expected"), ATTRIBUTE_CASES)
def test_attributes(vocabulary, query, expected):
    assert summary(parse_query(query, vocabulary)) == expected


@pytest.mark.parametrize(("query", "expected"), NAME_CASES)
def test_categories_and_brands_stay_in_the_text(vocabulary, query, expected):
    assert summary(parse_query(query, vocabulary)) == expected


@pytest.mark.parametrize(("query", "topic"), SUPPORT_CASES)
def test_support_questions(vocabulary, query, topic):
    """Questions about orders and the shop point to support, with no product filters."""
    parsed = parse_query(query, vocabulary)
    assert summary(parsed) == expect(
        text=clean_query(query).lower(), intent="support", support_topic=topic
    )


@pytest.mark.parametrize(("query", "expected"), PRODUCT_QUESTION_CASES)
def test_product_questions_stay_product_searches(vocabulary, query, expected):
    assert summary(parse_query(query, vocabulary)) == expected


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("northwend runing shoes", "northwend running shoes"),
        ("wireles headphones under $50", "wireless headphones under $50"),
        ("cheapest hikng boots", "cheapest hiking boots"),
        ("northwend running shoes", None),
        # grammar words are not "corrected" though no title has them
        ("which running shoes are best", None),
        ("跑鞋", None),
    ],
)
def test_did_you_mean(vocabulary, query, suggestion):
    """The whole query with its misspelt words corrected, or None."""
    assert parse_query(query, vocabulary).did_you_mean == suggestion


def test_no_speller_no_suggestion():
    parsed = parse_query("runing shoes", QueryVocabulary.empty())
    assert parsed.did_you_mean is None
    assert parsed.text == "runing shoes"


def test_empty_vocabulary_still_reads_the_grammar():
    """Prices, sorts and support questions need no catalog."""
    empty = QueryVocabulary.empty()
    assert summary(parse_query("cheapest shoes under $50", empty)) == expect(
        text="shoes", price_max="50", sort="price_asc"
    )
    assert parse_query("how do i return", empty).intent == "support"
    assert summary(parse_query("red shoes size m", empty)) == expect(text="red shoes size m")


def test_language_and_raw(vocabulary):
    parsed = parse_query("  Red   DRESS\t", vocabulary)
    assert (parsed.raw, parsed.language, parsed.text) == ("  Red   DRESS\t", "en", "dress")
    assert parse_query("红色连衣裙", vocabulary).language == "zh"
    assert parse_query("Northwend 跑鞋", vocabulary).language == "zh"


def test_as_dict_is_json():
    parsed = ParsedQuery(
        raw="x", attributes={"color": ("red",)}, price_min=Decimal("9.50"), category_ids=(1,)
    )
    data = json.loads(json.dumps(parsed.as_dict()))
    assert data["price_min"] == "9.50"
    assert data["attributes"] == {"color": ["red"]}
    assert data["category_ids"] == [1]
    assert parsed.has_filters is True
    assert ParsedQuery(raw="x").has_filters is False


BAD_INPUTS = [
    "",
    " ",
    "\t\n\r",
    "\x00\x01\x02\x7f",
    "\u200b\u200e\ufeff",
    "\udcff\ud800",
    "😀🎉👟",
    "👟 running shoes 👟",
    "<script>alert('x')</script>",
    "<b>shoes</b> under $50",
    "'; DROP TABLE catalog_product; --",
    "1 OR 1=1",
    "SELECT * FROM products WHERE price < 100",
    "%00%27%22",
    "$$$$$",
    "under under under",
    "between and",
    "-100",
    "0",
    "9" * 500,
    "a" * 10_000,
    "跑鞋" * 5_000,
    "under $50 " * 1_000,
    "ｓｈｏｅｓ　ｕｎｄｅｒ　＄５０",
    "ﬁne ﬂat",
]


@pytest.mark.parametrize("query", BAD_INPUTS)
def test_bad_input_gives_a_sane_result(vocabulary, query):
    parsed = parse_query(query, vocabulary)
    _check_sane(parsed)


def _check_sane(parsed: ParsedQuery) -> None:
    assert len(parsed.raw) <= MAX_RAW_CHARS
    assert len(parsed.text) <= MAX_QUERY_CHARS
    assert parsed.language in ("en", "zh")
    assert parsed.sort is None or parsed.sort in SORTS
    assert parsed.intent in ("product", "support")
    assert parsed.support_topic is None or parsed.support_topic in SUPPORT_TOPICS
    for bound in (parsed.price_min, parsed.price_max):
        assert bound is None or (bound >= 0 and bound.is_finite())
    if parsed.price_min is not None and parsed.price_max is not None:
        assert parsed.price_min <= parsed.price_max
    json.dumps(parsed.as_dict())


def test_specific_bad_inputs(vocabulary):
    assert summary(parse_query("", vocabulary)) == DEFAULTS
    assert summary(parse_query("\x00\x01\x02", vocabulary)) == DEFAULTS
    assert parse_query("<b>shoes</b> under $50", vocabulary).price_max == Decimal("50")
    assert parse_query("ｓｈｏｅｓ　ｕｎｄｅｒ　＄５０", vocabulary).price_max == Decimal("50")
    assert parse_query("a" * 10_000, vocabulary).raw == "a" * MAX_RAW_CHARS
    assert parse_query(None, vocabulary).raw == ""  # type: ignore[arg-type]
    assert parse_query(12, vocabulary).text == "12"  # type: ignore[arg-type]


def test_queries_are_cut_at_the_shared_limit(vocabulary):
    """The parser cuts where the search box and the API do: common.text's 200 characters."""
    assert MAX_QUERY_CHARS == 200
    assert clean_query("a" * 10_000) == "a" * 200
    assert parse_query("a" * 10_000, vocabulary).text == "a" * 200
    # Cut before parsing: a price after the 200th character is not read.
    parsed = parse_query("x" * 195 + " under $50", vocabulary)
    assert parsed.price_max is None
    assert parsed.text == "x" * 195 + " unde"


def test_random_unicode_never_raises(vocabulary):
    """Random strings over ASCII, Latin, CJK, symbols, controls and surrogates."""
    rng = random.Random(7)
    ranges = [(0, 0x7F), (0x80, 0x24F), (0x4E00, 0x4FFF), (0x2000, 0x206F), (0xD800, 0xDFFF)]
    pieces = ["under $", "元以下", "size ", "码", "-", " to ", "red", "跑鞋", "how do i ", "?"]
    for _ in range(400):
        parts = []
        for _ in range(rng.randint(0, 12)):
            if rng.random() < 0.3:
                parts.append(rng.choice(pieces))
            else:
                low, high = rng.choice(ranges)
                parts.append("".join(chr(rng.randint(low, high)) for _ in range(rng.randint(1, 6))))
        _check_sane(parse_query("".join(parts), vocabulary))


def test_vocabulary_keys():
    """English phrases compare by stems, possessives and "and" dropped, spellings unified."""
    assert english_key("Women's Running Shoes") == ("women", "running", "shoe")
    assert english_key("Linden & Loom") == english_key("linden and loom") == ("linden", "loom")
    assert english_key("Grey") == english_key("gray")
    vocabulary = QueryVocabulary.build(categories=[CategoryTerm(5, ("Sandals & Slides",))])
    target = Target("category", "", 5, True)
    assert vocabulary.english[("sandal", "slide")] == (target,)
    assert vocabulary.english[("slide",)] == (target,)


def test_one_word_two_attributes_is_not_a_filter():
    """A label two attributes share cannot tell which filter is meant."""
    vocabulary = QueryVocabulary.build(
        options=[
            OptionTerm("color", "black", ("Black",)),
            OptionTerm("ink_color", "black", ("Black",)),
        ]
    )
    assert summary(parse_query("black pen", vocabulary)) == expect(text="black pen")


# ---------------------------------------------------------------------------------------------
# From the catalog


@pytest.mark.django_db
def test_from_catalog(django_assert_num_queries):
    """Categories (with translations), brands and filterable options of the chosen codes."""
    from shop.catalog.cache import invalidate_catalog_cache
    from tests.factories import (
        AttributeFactory,
        AttributeOptionFactory,
        BrandFactory,
        CategoryAttributeFactory,
        CategoryFactory,
        CategoryTranslationFactory,
        ProductFactory,
    )

    shoes = CategoryFactory(name="Shoes", slug="shoes")
    running = CategoryFactory(name="Running Shoes", slug="running-shoes", parent=shoes)
    CategoryTranslationFactory(category=running, name="跑鞋")
    pantry = CategoryFactory(name="Pantry", slug="pantry")
    northwend = BrandFactory(name="Northwend", slug="northwend", name_zh="北境")
    color = AttributeFactory(code="color", name="Colour")
    AttributeOptionFactory(attribute=color, value="red", label="Red", label_zh="红色")
    AttributeOptionFactory(attribute=color, value="green", label="Green", label_zh="绿色")
    CategoryAttributeFactory(category=shoes, attribute=color, filterable=True)
    CategoryAttributeFactory(category=pantry, attribute=AttributeFactory(code="origin"))
    # not a recognised code
    fit = AttributeFactory(code="fit")
    AttributeOptionFactory(attribute=fit, value="slim", label="Slim")
    CategoryAttributeFactory(category=shoes, attribute=fit)
    # a recognised code that no category shows as a filter
    material = AttributeFactory(code="material")
    AttributeOptionFactory(attribute=material, value="leather", label="Leather")
    CategoryAttributeFactory(category=shoes, attribute=material, filterable=False)
    ProductFactory(title="Northwend Trail Runner", category=running, brand=northwend)

    vocabulary = QueryVocabulary.from_catalog()
    assert summary(parse_query("red running shoes under $100", vocabulary)) == expect(
        text="running shoes",
        category_ids=[running.pk],
        attributes={"color": ["red"]},
        price_max="100",
    )
    assert summary(parse_query("北境 跑鞋", vocabulary)) == expect(
        text="北境 跑鞋", category_ids=[running.pk], brand_ids=[northwend.pk]
    )
    # inherited schema: Running Shoes has colour through Shoes; Pantry has none
    assert parse_query("红色跑鞋", vocabulary).attributes == {"color": ("red",)}
    assert summary(parse_query("green pantry", vocabulary)) == expect(
        text="green pantry", category_ids=[pantry.pk]
    )
    assert summary(parse_query("slim leather shoes", vocabulary)) == expect(
        text="slim leather shoes", category_ids=[shoes.pk]
    )
    # the speller knows the titles' words
    assert parse_query("trail runer", vocabulary).did_you_mean == "trail runner"

    with django_assert_num_queries(0):
        assert QueryVocabulary.from_catalog() is vocabulary

    BrandFactory(name="Strideleaf", slug="strideleaf")
    invalidate_catalog_cache()
    fresh = QueryVocabulary.from_catalog()
    assert len(parse_query("strideleaf", fresh).brand_ids) == 1
    assert QueryVocabulary.from_catalog(spelling=False).speller is None


@pytest.mark.django_db
def test_from_catalog_on_an_empty_catalog():
    vocabulary = QueryVocabulary.from_catalog()
    assert summary(parse_query("red shoes under $20", vocabulary)) == expect(
        text="red shoes", price_max="20"
    )


# The shop prices in US dollars; 7.2 yuan to the dollar; no euro rate.
MONEY = Money(currency="USD", rates={"CNY": Decimal("7.2")})


def quoted(currency, rate, price_min=None, price_max=None):
    return {"currency": currency, "rate": rate, "price_min": price_min, "price_max": price_max}


CURRENCY_CASES = [
    # 100 / 7.2 = 13.888…: an upper bound rounds down, a lower bound up.
    ("100元以下", expect(price_max="13.88", price_quote=quoted("CNY", "7.2", price_max="100"))),
    ("¥100以上", expect(price_min="13.89", price_quote=quoted("CNY", "7.2", price_min="100"))),
    ("under 50 rmb", expect(price_max="6.94", price_quote=quoted("CNY", "7.2", price_max="50"))),
    (
        "50到80元",
        expect(
            price_min="6.95",
            price_max="11.11",
            price_quote=quoted("CNY", "7.2", price_min="50", price_max="80"),
        ),
    ),
    (
        "under 144 yuan",
        expect(price_max="20.00", price_quote=quoted("CNY", "7.2", price_max="144")),
    ),
    ("under $100", expect(price_max="100")),
    ("100美元以下", expect(price_max="100")),
    ("under 100", expect(price_max="100")),
    ("under €100", expect(price_quote=quoted("EUR", None, price_max="100"))),
    ("100欧元以下", expect(price_quote=quoted("EUR", None, price_max="100"))),
    ("under 100 euros", expect(price_quote=quoted("EUR", None, price_max="100"))),
]


@pytest.mark.parametrize(("query", "expected"), CURRENCY_CASES)
def test_prices_in_another_currency_are_converted(vocabulary, query, expected):
    with_money = replace(vocabulary, money=MONEY)

    assert summary(parse_query(query, with_money)) == expected


def test_a_grammar_only_vocabulary_takes_amounts_as_written():
    assert parse_query("100元以下", QueryVocabulary.empty()).price_max == Decimal("100")


@pytest.mark.parametrize("rate", ["0", "-7.2", "seven", "NaN"])
def test_a_bad_exchange_rate_is_a_configuration_error(settings, rate):
    settings.SHOP_CURRENCY_RATES = {"CNY": rate}

    with pytest.raises(ImproperlyConfigured, match=r"SHOP_CURRENCY_RATES\['CNY'\]"):
        Money.from_settings()


def test_rates_from_settings_are_keyed_by_upper_case_codes(settings):
    settings.SHOP_DEFAULT_CURRENCY = "usd"
    settings.SHOP_CURRENCY_RATES = {"cny": "7.2", "EUR": 0.92}

    assert Money.from_settings() == Money(
        currency="USD", rates={"CNY": Decimal("7.2"), "EUR": Decimal("0.92")}
    )


COMPOUND_CASES = [
    # The catalog says 跑鞋; shoppers also write the long form 跑步鞋.
    ("跑步鞋", expect(text="跑步鞋", category_ids=[RUNNING], compounds={"跑步鞋": "跑鞋"})),
    (
        "100元以下的跑步鞋",
        expect(
            text="跑步鞋", category_ids=[RUNNING], price_max="100", compounds={"跑步鞋": "跑鞋"}
        ),
    ),
    (
        "红色跑步鞋",
        expect(
            text="跑步鞋",
            category_ids=[RUNNING],
            attributes={"color": ["red"]},
            compounds={"跑步鞋": "跑鞋"},
        ),
    ),
    # A treadmill keeps its last character: not a running shoe.
    ("跑步机", expect(text="跑步机")),
    ("跑步", expect(text="跑步")),
    ("跑鞋", expect(text="跑鞋", category_ids=[RUNNING])),
]


@pytest.mark.parametrize(("query", "expected"), COMPOUND_CASES)
def test_chinese_compounds_read_as_the_catalogs_shorter_word(vocabulary, query, expected):
    assert summary(parse_query(query, vocabulary)) == expected


def test_the_catalogs_word_is_searched_beside_the_compound(vocabulary):
    """jieba reads 跑步鞋 as 跑步 + 鞋 and the catalog's 跑鞋 as one word: both readings are
    searched, and holding the terms of either makes a keyword match."""
    prepared = prepare_query("100元以下的跑步鞋", vocabulary)

    assert prepared.text == "跑步鞋"
    assert prepared.tokens == ["跑步", "鞋", "跑鞋"]
    assert prepared.term_sets == [["跑步", "鞋"], ["跑鞋"]]


GENDER_HEAD_CASES = [
    ("dress", expect(text="dress", category_ids=[DRESSES])),
    ("连衣裙", expect(text="连衣裙", category_ids=[DRESSES])),
    ("上衣", expect(text="上衣", category_ids=[MENS_TOPS])),
    ("tops", expect(text="tops", category_ids=[MENS_TOPS])),
    # The full name still works, and "women" is its gender, not a filter of its own.
    ("women's dresses", expect(text="women's dresses", category_ids=[DRESSES])),
]


@pytest.mark.parametrize(("query", "expected"), GENDER_HEAD_CASES)
def test_a_gendered_category_is_named_by_its_product_word(vocabulary, query, expected):
    assert summary(parse_query(query, vocabulary)) == expected


def test_a_product_word_two_gendered_categories_share_names_both():
    vocabulary = QueryVocabulary.build(
        categories=[
            CategoryTerm(1, ("Men's Tops", "男士上衣"), None, frozenset()),
            CategoryTerm(2, ("Women's Tops", "女士上衣"), None, frozenset()),
            CategoryTerm(3, ("Tees",), None, frozenset()),
        ]
    )

    assert parse_query("tops", vocabulary).category_ids == (1, 2)
    assert parse_query("上衣", vocabulary).category_ids == (1, 2)


@pytest.mark.parametrize(
    ("query", "category_ids", "head", "names_type"),
    [
        # 茶 describes the cup; the cup is what is sought (a word the catalog may not write).
        ("能给茶保温的杯子", (), "杯子", False),
        ("适合爬山的徒步靴", (HIKING,), "徒步靴", True),
        ("最便宜的跑鞋", (RUNNING,), "跑鞋", True),
        ("下雨天穿的鞋", (), "鞋", False),
        # 的 inside a word (目的, a purpose) is no particle; a bare 的 phrase has no head.
        ("旅行目的地", (), "", False),
        ("的鞋", (), "", False),
        ("跑鞋", (RUNNING,), "", False),
    ],
)
def test_a_chinese_phrase_is_about_the_word_after_its_last_de(
    vocabulary, query, category_ids, head, names_type
):
    parsed = parse_query(query, vocabulary)

    assert (parsed.category_ids, parsed.head, parsed.names_type) == (
        category_ids,
        head,
        names_type,
    )


def test_a_catalog_phrase_is_read_where_a_dictionary_word_follows_it():
    """jieba cuts 玫瑰 + 金耳环 (gold earrings); 耳环 is a dictionary word of its own, so the
    catalog's colour 玫瑰金 ends where it begins."""
    vocabulary = QueryVocabulary.build(
        categories=[], brands=[], options=_options("color", "rose-gold: Rose gold / 玫瑰金")
    )

    parsed = parse_query("玫瑰金耳环", vocabulary)

    assert (parsed.attributes, parsed.unread) == ({"color": ("rose-gold",)}, "耳环")
    assert _word_follows("玫瑰金耳环", 3) is True
    assert _word_follows("玫瑰金抓板", 3) is False  # 抓板 is no dictionary word
    assert _word_follows("玫瑰金 shoes", 3) is False
