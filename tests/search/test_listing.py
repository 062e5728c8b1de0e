from __future__ import annotations

from typing import Any

import pytest

from search.listing import (
    affinity_first,
    made_for,
    recipient_affinity,
    suits_recipient,
    title_tiers,
    titled,
    varied,
)
from shop.catalog.cache import invalidate_catalog_cache
from tests.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    CategoryAttributeFactory,
    CategoryFactory,
    CategoryTranslationFactory,
    ProductFactory,
    ProductTranslationFactory,
)


@pytest.fixture
def gendered(db: Any) -> dict[str, Any]:
    """Three categories with a gender attribute; products for women, men and anyone."""
    gender = AttributeFactory(code="gender", name="Gender")
    for value in ("women", "men", "unisex"):
        AttributeOptionFactory(attribute=gender, value=value, label=value.title())
    categories = {
        slug: CategoryFactory(name=slug.title(), slug=slug)
        for slug in ("jewellery", "scarves", "mugs")
    }
    for category in categories.values():
        CategoryAttributeFactory(category=category, attribute=gender, filterable=True)

    def product(category: str, gender: str, popularity: float) -> Any:
        return ProductFactory(
            category=categories[category],
            title=f"{category} for {gender}",
            attributes={"gender": gender},
            popularity=popularity,
        )

    products = {
        "necklace": product("jewellery", "women", 2.0),
        "ring": product("jewellery", "women", 0.0),
        "scarf": product("scarves", "women", 6.0),
        "tie": product("scarves", "men", 50.0),
        "mug": product("mugs", "unisex", 30.0),
    }
    invalidate_catalog_cache()
    return {"categories": categories, "products": products}


def test_made_for_a_recipient_leaves_out_other_genders_and_unisex(gendered: Any) -> None:
    products = gendered["products"]

    assert made_for("women") == {products[k].pk for k in ("necklace", "ring", "scarf")}
    assert made_for("men") == {products["tie"].pk}


def test_a_recipients_affinity_is_the_logs_activity_on_products_made_for_them(
    gendered: Any,
) -> None:
    """Women's products: scarves 6 of 8, jewellery 2 of 8; the men's tie and the unisex mug,
    however popular, say nothing about what is chosen for her."""
    categories = gendered["categories"]

    assert recipient_affinity("women") == {
        categories["scarves"].pk: 0.75,
        categories["jewellery"].pk: 0.25,
    }
    assert recipient_affinity("kid") == {}


def test_affinity_first_orders_kinds_by_nearness_and_affinity_and_products_by_popularity(
    gendered: Any,
) -> None:
    """Nearest first: ring, mug, scarf, necklace, so by nearness jewellery, mugs, scarves; by
    affinity scarves (0.75), jewellery (0.25), mugs. Reciprocal rank fusion (k = 60):
    jewellery (1/61 + 1/62), scarves (1/63 + 1/61), mugs (1/62 + 1/63); within jewellery the
    more popular necklace before the nearer ring."""
    products = gendered["products"]
    nearest = [products[k].pk for k in ("ring", "mug", "scarf", "necklace")]

    fused = affinity_first(nearest, "women")

    assert fused == [products[k].pk for k in ("necklace", "ring", "scarf", "mug")]


def test_varied_moves_a_third_product_of_a_kind_after_the_first_rows() -> None:
    category_of = {1: 10, 2: 10, 3: 10, 4: 20, 5: 10}

    assert varied([1, 2, 3, 4, 5], category_of) == [1, 2, 4, 3, 5]


def test_a_childs_present_is_made_for_children_not_adults(db: Any) -> None:
    age = AttributeFactory(code="age_range", name="Age range")
    for value, label in (("6-8", "6–8 years"), ("adult", "Adults")):
        AttributeOptionFactory(attribute=age, value=value, label=label)
    games = CategoryFactory(name="Games", slug="games")
    CategoryAttributeFactory(category=games, attribute=age, filterable=True)
    child = ProductFactory(category=games, attributes={"age_range": "6-8"})
    grown = ProductFactory(category=games, attributes={"age_range": "adult"})
    invalidate_catalog_cache()

    assert suits_recipient([grown.pk, child.pk], "kid", gendered_only=True) == [child.pk]
    assert made_for("kid") == {child.pk}


def test_affinity_first_keeps_the_order_while_the_log_is_silent(db: Any) -> None:
    gender = AttributeFactory(code="gender", name="Gender")
    AttributeOptionFactory(attribute=gender, value="women", label="Women")
    category = CategoryFactory(name="Jewellery", slug="jewellery")
    CategoryAttributeFactory(category=category, attribute=gender, filterable=True)
    ids = [
        ProductFactory(category=category, attributes={"gender": "women"}, popularity=0.0).pk
        for _ in range(3)
    ]
    invalidate_catalog_cache()

    assert affinity_first(list(reversed(ids)), "women") == list(reversed(ids))


@pytest.mark.django_db
def test_a_title_holding_the_words_comes_before_a_category_name_that_does() -> None:
    """拖鞋: the slide titled so (in Chinese) is tier 0; the sport sandal of 凉鞋拖鞋 only by
    its category's name, tier 1; a product of another category, 2."""
    sandals = CategoryFactory(name="Sandals & Slides", slug="sandals")
    CategoryTranslationFactory(category=sandals, name="凉鞋拖鞋")
    slide = ProductFactory(category=sandals, title="Quarry Slide Sandal")
    ProductTranslationFactory(product=slide, title="Quarry 拖鞋")
    sport = ProductFactory(category=sandals, title="Kinetic Sport Sandal")
    ProductTranslationFactory(product=sport, title="Kinetic 运动凉鞋")
    mug = ProductFactory(category=CategoryFactory(name="Mugs", slug="mugs"), title="Mug")
    ids = [sport.pk, mug.pk, slide.pk]

    assert title_tiers(ids, [["拖鞋"]]) == {sport.pk: 1, mug.pk: 2, slide.pk: 0}
    assert titled(ids, [["拖鞋"]]) == [sport.pk, slide.pk]
    assert title_tiers(ids, [[]]) == {}
