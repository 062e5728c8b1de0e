"""A bilingual relevance set for the demo shop (``manage.py load_demo_shop``).

Each case is a query a shopper could type, in English or Chinese, and what a good first page
must hold: at least ``at_least`` of the top 10 hits satisfy ``want`` (a predicate over catalog
facts: category, brand, attribute values, price, the kind of product named in the English
title), and every product in ``skus`` is in the top 10. Products are named by catalog facts or
by SKU, never by database id: demo product ``i`` always gets SKU ``DEMO-<leaf code>-<i+1>``
and the same content for the default seed, whatever the catalog size.

The expectations were written from the demo content (demo/content/), by asking what a
shopper typing the query wants, not by copying what the search returns. ``at_least`` is set
from how many such products the catalog of :data:`DEMO_PRODUCTS` holds, with some slack where
a neighbouring product would be a fair answer too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from common.text import CHINESE, ENGLISH

# The catalog the expectations were written against: three rounds of the category cycle
# (demo.products.leaf_cycle, 170 products a round), so every subcategory has
# 3–12 products and the first page of a category query has something to rank.
DEMO_PRODUCTS = 510
TOP = 10
EN = ENGLISH
ZH = CHINESE


@dataclass(frozen=True)
class ProductFacts:
    """What a relevance predicate may look at, read from the catalog."""

    sku: str
    # The product's category, then its ancestors, by slug.
    category_slugs: tuple[str, ...]
    brand_slug: str
    attributes: Mapping[str, Any]
    price: Decimal
    title: str


@dataclass(frozen=True)
class Want:
    """Products a shopper would accept; every given condition must hold.

    ``attributes`` maps a code to the values that are fine (any of them); ``titles`` are
    phrases naming the kind of product, one of which the English title must contain
    (case-insensitive), for kinds that share a subcategory with others (air fryers and
    kettles are both kitchen appliances).
    """

    category: str = ""
    brand: str = ""
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    titles: tuple[str, ...] = ()
    price_max: Decimal | None = None

    def __call__(self, product: ProductFacts) -> bool:
        if self.category and self.category not in product.category_slugs:
            return False
        if self.brand and product.brand_slug != self.brand:
            return False
        for code, values in self.attributes.items():
            if str(product.attributes.get(code)) not in values:
                return False
        if self.titles and not any(t.casefold() in product.title.casefold() for t in self.titles):
            return False
        return self.price_max is None or product.price <= self.price_max

    def describe(self) -> str:
        parts = []
        if self.category:
            parts.append(f"category {self.category}")
        if self.brand:
            parts.append(f"brand {self.brand}")
        parts += [f"{code} in {'/'.join(values)}" for code, values in self.attributes.items()]
        if self.titles:
            parts.append(f"title has {' or '.join(repr(t) for t in self.titles)}")
        if self.price_max is not None:
            parts.append(f"price <= {self.price_max}")
        return ", ".join(parts) or "anything"


@dataclass(frozen=True)
class Case:
    query: str
    language: str
    want: Want = field(default_factory=Want)
    at_least: int = 0
    skus: tuple[str, ...] = ()
    # Why the expectation holds, for whoever reads a failure.
    intent: str = ""

    @property
    def id(self) -> str:
        return f"{self.language}:{self.query}"


def _price(amount: int) -> Decimal:
    return Decimal(amount)


RUNNING_SHOES = Want(category="running-shoes")
HEADPHONES = Want(category="headphones")
WATERPROOF_BOOTS = Want(category="hiking-boots", attributes={"waterproof": ("waterproof",)})
# Whole beans are what "coffee beans"/"咖啡豆" asks for; ground coffee is the other form.
COFFEE_BEANS = Want(category="coffee", attributes={"coffee_form": ("whole-bean",)})
WOMENS_RUNNING_SHOES = Want(category="running-shoes", attributes={"gender": ("women", "unisex")})
CHEAP_RUNNING_SHOES = Want(category="running-shoes", price_max=_price(100))
CHEAP_HEADPHONES = Want(category="headphones", price_max=_price(50))
NOISE_CANCELLING = Want(category="headphones", attributes={"noise_cancelling": ("active",)})
BLACK_DRESSES = Want(category="womens-dresses", attributes={"color": ("black",)})
GREY_BACKPACKS = Want(category="backpacks", attributes={"color": ("grey",)})
WHITE_TEA = Want(category="tea", attributes={"tea_type": ("white",)})
TESSARO = Want(brand="tessaro")
RIDGEWICK_BOOTS = Want(category="hiking-boots", brand="ridgewick")
AIR_FRYERS = Want(category="kitchen-appliances", titles=("Air Fryer",))
KEYBOARDS = Want(category="computer-accessories", titles=("Mechanical Keyboard",))
DOG_FOOD = Want(category="pet-food", titles=("Dry Dog Food",))
CAT_FOOD = Want(category="pet-food", titles=("Dry Cat Food",))
YOGA_MATS = Want(category="yoga-fitness", titles=("Yoga Mat",))
PHONE_CASES = Want(category="phone-accessories", titles=("Phone Case",))
STROLLERS = Want(category="strollers")
SUITCASES = Want(category="suitcases")
SMARTWATCHES = Want(category="wearables", titles=("Smartwatch",))
HAND_CREAM = Want(category="bath-body", titles=("Hand Cream",))
# A man shopping for a down jacket takes a unisex one too.
MENS_DOWN_JACKETS = Want(
    category="outerwear", titles=("Down Jacket",), attributes={"gender": ("men", "unisex")}
)
QUARRY_BOOT = "DEMO-HIK-00085"  # Tessaro Quarry 2 Waterproof Hiking Boot
NOOK_AIR_FRYER = "DEMO-KAP-00330"  # Nook Air Fryer – 5 L, White

CASES: tuple[Case, ...] = (
    # -- category words: the category's products fill the first page ----------------------
    Case("running shoes", EN, RUNNING_SHOES, 8, intent="the category by its English name"),
    Case("跑鞋", ZH, RUNNING_SHOES, 8, intent="the category by its Chinese name"),
    Case(
        "适合跑步的鞋子",
        ZH,
        RUNNING_SHOES,
        6,
        intent="shoes for running said as a phrase (the issue's own example), not the name",
    ),
    Case("baby stroller", EN, STROLLERS, 3, intent="strollers, named with a common extra word"),
    Case("婴儿推车", ZH, STROLLERS, 3, intent="strollers by their Chinese name"),
    Case("行李箱", ZH, SUITCASES, 6, intent="suitcases by their Chinese name"),
    Case("headphones", EN, HEADPHONES, 8, intent="every kind of headphone counts"),
    # -- one kind of product inside a subcategory that holds several ------------------------
    Case(
        "wireless earbuds",
        EN,
        Want(category="headphones", titles=("True Wireless Earbuds",)),
        5,
        intent="true wireless earbuds, not over-ear or wired ones",
    ),
    Case("air fryer", EN, AIR_FRYERS, 2, skus=(NOOK_AIR_FRYER,), intent="air fryers, not kettles"),
    Case("空气炸锅", ZH, AIR_FRYERS, 2, skus=(NOOK_AIR_FRYER,), intent="air fryers in Chinese"),
    Case("mechanical keyboard", EN, KEYBOARDS, 2, intent="keyboards, not mice or hubs"),
    Case("机械键盘", ZH, KEYBOARDS, 2, intent="keyboards in Chinese"),
    Case("dog food", EN, DOG_FOOD, 4, intent="dry dog food, not cat food or treats first"),
    Case("狗粮", ZH, DOG_FOOD, 4, intent="dog food in Chinese"),
    Case("cat food", EN, CAT_FOOD, 2, intent="dry cat food"),
    Case("猫粮", ZH, CAT_FOOD, 2, intent="cat food in Chinese"),
    Case("瑜伽垫", ZH, YOGA_MATS, 3, intent="yoga mats, not resistance bands or rollers"),
    Case("手机壳", ZH, PHONE_CASES, 4, intent="phone cases, not cables or chargers"),
    Case("smartwatch", EN, SMARTWATCHES, 3, intent="smartwatches, not fitness trackers"),
    Case("智能手表", ZH, SMARTWATCHES, 3, intent="smartwatches in Chinese"),
    Case("护手霜", ZH, HAND_CREAM, 2, intent="hand cream, not body lotion"),
    Case("coffee beans", EN, COFFEE_BEANS, 5, intent="whole-bean coffee"),
    Case("咖啡豆", ZH, COFFEE_BEANS, 5, intent="whole-bean coffee in Chinese (the form's label)"),
    # -- attributes: feature words -----------------------------------------------------------
    Case(
        "noise cancelling headphones",
        EN,
        NOISE_CANCELLING,
        4,
        intent="active noise cancelling, over-ear or earbuds",
    ),
    Case("降噪耳机", ZH, NOISE_CANCELLING, 4, intent="noise cancelling headphones in Chinese"),
    Case(
        "bluetooth speaker",
        EN,
        Want(category="speakers", attributes={"connectivity": ("bluetooth",)}),
        4,
        intent="Bluetooth speakers (the Bluetooth soundbar counts), not Wi-Fi ones first",
    ),
    Case(
        "蓝牙耳机",
        ZH,
        Want(category="headphones", attributes={"connectivity": ("bluetooth",)}),
        8,
        intent="Bluetooth headphones of any form",
    ),
    Case("waterproof hiking boots", EN, WATERPROOF_BOOTS, 5, intent="waterproof boots"),
    Case("防水徒步靴", ZH, WATERPROOF_BOOTS, 5, intent="waterproof boots in Chinese"),
    Case(
        "trail running shoes",
        EN,
        Want(category="running-shoes", attributes={"terrain": ("trail",)}),
        2,
        intent="trail shoes, not road shoes, first",
    ),
    Case(
        "merino wool sweater",
        EN,
        Want(category="knitwear", attributes={"material": ("merino-wool",)}),
        2,
        intent="merino sweaters, from the material attribute",
    ),
    Case(
        "women's running shoes",
        EN,
        WOMENS_RUNNING_SHOES,
        3,
        intent="women's (or unisex) running shoes",
    ),
    Case("女款跑鞋", ZH, WOMENS_RUNNING_SHOES, 3, intent="women's running shoes in Chinese"),
    Case("男款羽绒服", ZH, MENS_DOWN_JACKETS, 2, intent="men's down jackets in Chinese"),
    # -- colours: a colour word filters, and "white tea" is a tea, not a colour -------------
    Case("black dress", EN, BLACK_DRESSES, 3, intent="black dresses"),
    Case("黑色连衣裙", ZH, BLACK_DRESSES, 3, intent="black dresses in Chinese"),
    Case("grey backpack", EN, GREY_BACKPACKS, 3, intent="grey backpacks"),
    Case("灰色双肩包", ZH, GREY_BACKPACKS, 3, intent="grey backpacks in Chinese"),
    Case("white tea", EN, WHITE_TEA, 3, intent="the tea type, though 'white' is also a colour"),
    Case("白茶", ZH, WHITE_TEA, 3, intent="white tea in Chinese"),
    Case(
        "普洱茶",
        ZH,
        Want(category="tea", attributes={"tea_type": ("pu-erh",)}),
        1,
        skus=("DEMO-TEA-00239",),
        intent="the one pu-erh of the catalog",
    ),
    # -- price phrases: the budget is a filter, the rest is the query -----------------------
    Case("running shoes under $100", EN, CHEAP_RUNNING_SHOES, 4, intent="budget in dollars"),
    Case("100元以下的跑鞋", ZH, CHEAP_RUNNING_SHOES, 4, intent="budget in yuan"),
    Case("headphones under $50", EN, CHEAP_HEADPHONES, 2, intent="only the wired ones fit"),
    Case("50元以下的耳机", ZH, CHEAP_HEADPHONES, 2, intent="the same budget in Chinese"),
    Case(
        "cheapest phone case",
        EN,
        PHONE_CASES,
        4,
        intent="phone cases sorted by price, not the cheapest phone accessory",
    ),
    # -- brands: English and Chinese names --------------------------------------------------
    Case("tessaro", EN, TESSARO, 8, intent="a brand name alone lists the brand"),
    Case("泰萨罗", ZH, TESSARO, 8, intent="the brand by its Chinese name"),
    Case("ridgewick hiking boots", EN, RIDGEWICK_BOOTS, 2, intent="brand and category"),
    Case("岭威徒步靴", ZH, RIDGEWICK_BOOTS, 2, intent="brand and category in Chinese"),
    # -- known items: a product's own name finds it -----------------------------------------
    Case(
        "Tessaro Quarry 2 Waterproof Hiking Boot",
        EN,
        skus=(QUARRY_BOOT,),
        intent="the full English title",
    ),
    Case("泰萨罗 Quarry 2 防水徒步靴", ZH, skus=(QUARRY_BOOT,), intent="the Chinese title"),
    Case("Nook 空气炸锅", ZH, skus=(NOOK_AIR_FRYER,), intent="model name and Chinese noun"),
    # -- typos: the speller fixes the catalog's own words -----------------------------------
    Case("runing shoes", EN, RUNNING_SHOES, 8, intent="one letter missing"),
    Case("hedphones", EN, HEADPHONES, 8, intent="one letter missing"),
    Case("yoga matt", EN, YOGA_MATS, 3, intent="one letter doubled"),
    Case("mechanical keybaord", EN, KEYBOARDS, 2, intent="two letters swapped"),
    # -- cross-category: an occasion, not a product name ------------------------------------
    Case(
        "gift for runners",
        EN,
        Want(attributes={"activity": ("running", "trail-running")}),
        5,
        intent="running gear of any category (shoes, running tees) for a runner",
    ),
)
