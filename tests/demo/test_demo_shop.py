"""The deterministic bilingual demo shop: ``manage.py load_demo_shop`` and its generators."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache
from io import StringIO
from string import Formatter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from demo import loader
from demo.customers import build_customers
from demo.products import build_product, build_products, has_translation, leaf_cycle
from demo.reader import demo_content
from demo.text import TEXT_PLACEHOLDERS, sentence_count
from demo.write_history import write_demo_merchant
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
from shop.catalog.services import clean_attributes, get_attribute_schema
from shop.interactions.models import Interaction
from shop.orders.models import Address, Order, OrderEvent, OrderLine, ReturnRequest
from shop.reviews.models import Review

CONTENT = demo_content()
ATTRIBUTES, BRANDS, TOPS = CONTENT.attributes, CONTENT.brands, CONTENT.tops
PASSWORD = "demo-test-password"
SMALL = {"products": 120, "customers": 8, "password": PASSWORD, "not_production": True}
COLOR_BY_LABEL = {o.label.title(): o.value for o in ATTRIBUTES["color"].options}
NOW = datetime(2025, 3, 1, tzinfo=UTC)


@cache
def default_catalog() -> tuple:
    return tuple(build_products(count=2000, seed=loader.DEFAULT_SEED))


def load(**options):
    out = StringIO()
    call_command("load_demo_shop", **{**SMALL, **options}, stdout=out, stderr=StringIO())
    return out.getvalue()


def snapshot() -> dict:
    """Everything the demo writes, by natural keys (no primary keys), for comparisons."""
    users = get_user_model().objects.filter(username__startswith="demo_customer_")
    return {
        "counts": {
            model.__name__: model.objects.count()
            for model in (
                Category,
                CategoryTranslation,
                Attribute,
                AttributeOption,
                CategoryAttribute,
                Brand,
                Product,
                ProductTranslation,
                Review,
                Interaction,
                Order,
                OrderLine,
                OrderEvent,
                ReturnRequest,
                Address,
            )
        },
        "users": sorted(users.values_list("username", "first_name", "last_name", "email")),
        "products": sorted(
            Product.objects.values_list(
                "sku",
                "slug",
                "category__slug",
                "brand__slug",
                "title",
                "description",
                "price",
                "compare_at_price",
                "stock",
                "status",
                "created_at",
                "rating_average",
                "review_count",
                "popularity",
            )
        ),
        "attributes": {p.sku: (p.attributes, p.highlights) for p in Product.objects.all()},
        "translations": sorted(
            ProductTranslation.objects.values_list("product__sku", "title", "description")
        ),
        "reviews": sorted(
            Review.objects.values_list(
                "user__username", "product__sku", "rating", "title", "text", "created_at"
            )
        ),
        "interactions": sorted(
            Interaction.objects.values_list(
                "user__username",
                "kind",
                "product__sku",
                "query",
                "result_count",
                "position",
                "source",
                "quantity",
                "created_at",
            ),
            key=repr,
        ),
        "orders": sorted(
            Order.objects.values_list(
                "user__username",
                "number",
                "status",
                "email",
                "language",
                "shipping_address",
                "shipping_method_code",
                "subtotal",
                "shipping_total",
                "total",
                "payment_method",
                "payment_reference",
                "tracking_number",
                "placed_at",
                "paid_at",
                "shipped_at",
                "delivered_at",
                "updated_at",
            ),
            key=repr,
        ),
        "order_lines": sorted(
            OrderLine.objects.values_list("order__number", "sku", "unit_price", "quantity")
        ),
        "order_events": sorted(
            OrderEvent.objects.values_list(
                "order__number", "from_status", "to_status", "created_at"
            )
        ),
        "returns": sorted(
            ReturnRequest.objects.values_list("order__number", "reason", "status", "created_at")
        ),
        "addresses": sorted(
            Address.objects.values_list("user__username", "full_name", "line1", "city", "country")
        ),
    }


# --- catalog -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_builds_bilingual_category_tree_with_schemas():
    """15 top-level categories with subcategories, Chinese names and an attribute schema each;
    running shoes are a subcategory of shoes."""
    load(no_history=True)

    tops = Category.objects.filter(parent__isnull=True)
    assert tops.count() == 15
    assert Category.objects.count() == 15 + sum(len(top.leaves) for top in TOPS)
    assert all(top.children.count() >= 4 for top in tops)
    running = Category.objects.get(slug="running-shoes")
    assert running.parent.slug == "shoes"
    assert running.translations.get(language_code="zh-hans").name == "跑鞋"
    assert CategoryTranslation.objects.filter(language_code="zh-hans").count() == (
        Category.objects.count()
    )
    running_schema = get_attribute_schema(running)
    assert {"color", "shoe_size", "gender", "material", "cushioning", "drop", "terrain"} <= set(
        running_schema
    )
    assert running_schema["drop"].attribute.unit == "mm"
    battery = Attribute.objects.get(code="battery_life")
    assert (battery.kind, battery.unit, battery.name_zh) == ("number", "h", "续航时间")
    assert not Attribute.objects.filter(name_zh="").exists()
    assert not AttributeOption.objects.filter(label_zh="").exists()
    for leaf in Category.objects.filter(parent__isnull=False):
        assert get_attribute_schema(leaf), leaf.slug


@pytest.mark.django_db
def test_every_product_has_valid_attributes_prices_and_text():
    """Attributes pass the catalog's own validation, every product has English copy of 2–5
    sentences with 3–5 highlights, and 120 products cover all 77 subcategories."""
    load(no_history=True)

    products = list(Product.objects.select_related("category"))
    assert len(products) == 120
    schemas = {}
    for product in products:
        schema = schemas.setdefault(product.category_id, get_attribute_schema(product.category))
        assert clean_attributes(product.attributes, schema=schema) == product.attributes
        assert 2 <= sentence_count(product.description) <= 5, product.description
        assert 3 <= len(product.highlights) <= 5
        assert product.price > 0
        assert product.compare_at_price is None or product.compare_at_price > product.price
        assert product.sku.startswith("DEMO-")
    # every subcategory gets a product before any gets a second one
    leaves = {entry.leaf.slug for entry in leaf_cycle()}
    assert len(leaves) == 77
    assert {p.category.slug for p in products} == leaves
    running = Product.objects.filter(category__slug="running-shoes")
    assert running.exists()
    assert all(p.attributes["activity"] in ("running", "trail-running") for p in running)


@pytest.mark.django_db
def test_chinese_translations_cover_all_but_the_designed_gaps():
    """Every product has a Chinese translation except indexes 17, 49, 81 and 113 of 120, which
    are left untranslated on purpose so the storefront's fallback shows."""
    load(no_history=True)

    untranslated = Product.objects.exclude(translations__language_code="zh-hans")
    assert sorted(untranslated.values_list("sku", flat=True)) == sorted(
        build_product(i, seed=loader.DEFAULT_SEED).sku for i in (17, 49, 81, 113)
    )
    assert ProductTranslation.objects.filter(language_code="zh-hans").count() == 116
    translation = ProductTranslation.objects.exclude(title="").first()
    assert re.search(r"[\u4e00-\u9fff]", translation.title)
    assert re.search(r"[\u4e00-\u9fff]", translation.description)


@pytest.mark.django_db
def test_rerun_updates_instead_of_duplicating():
    """A second run with the same options leaves identical counts, titles, prices and history."""
    first_output = load()
    first = snapshot()
    second_output = load()

    assert snapshot() == first
    assert "Products: 120 (120 created, 0 updated)" in first_output
    assert "Products: 120 (0 created, 0 updated)" in second_output


@pytest.mark.django_db
def test_same_seed_on_a_fresh_database_gives_the_same_shop():
    """Deleting everything and loading again with the same seed reproduces every row."""
    loader.load_demo_shop(products=60, customers=4, now=NOW)
    first = snapshot()

    Interaction.objects.all().delete()
    Review.objects.all().delete()
    Product.objects.all().delete()
    CategoryAttribute.objects.all().delete()
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
    Attribute.objects.all().delete()
    Brand.objects.all().delete()
    get_user_model().objects.all().delete()
    assert Product.objects.count() == 0

    loader.load_demo_shop(products=60, customers=4, now=NOW)
    assert snapshot() == first


def test_product_content_depends_only_on_index_and_seed():
    """Product i is the same whatever the catalog size; another seed gives another catalog."""
    small = build_products(count=30, seed=7)
    large = build_products(count=300, seed=7)
    assert small == large[:30]
    assert build_products(count=5, seed=7, start=25) == small[25:]
    other = build_products(count=30, seed=8)
    assert [p.sku for p in other] == [p.sku for p in small]
    assert sum(a.en.title != b.en.title for a, b in zip(small, other, strict=True)) >= 25


# --- copy ----------------------------------------------------------------------------------


def _opener_patterns() -> list[re.Pattern]:
    patterns = []
    for template in CONTENT.copy.openers.en:
        regex = re.escape(template[0].upper() + template[1:])
        regex = re.sub(r"\\\{\w+\\\}", ".+?", regex)
        patterns.append(re.compile(f"^{regex}$"))
    return patterns


def test_descriptions_vary_in_structure_not_just_nouns():
    """Within running shoes (46 products of the default 2,000) every first sentence differs, the
    opening sentences spread over the opener shapes instead of one template with swapped nouns,
    and the sentence and highlight counts vary. Measured with the default seed: 46/46 distinct
    first sentences (42 in Chinese), 14 opening shapes with at most 7 products each, 11
    sentence/highlight-count combinations."""
    products = [p for p in default_catalog() if p.category_slug == "running-shoes"]
    assert len(products) == 46
    first_sentences = [re.split(r"(?<=[.?!])\s", p.en.description)[0] for p in products]
    assert len(set(first_sentences)) == 46
    zh_first = {re.split(r"(?<=[。？！])", p.zh.description)[0] for p in products if p.zh}
    assert len(zh_first) >= 40
    assert len({p.en.description for p in products}) == 46

    patterns = _opener_patterns()
    shapes = Counter()
    for sentence, product in zip(first_sentences, products, strict=True):
        matched = [i for i, pattern in enumerate(patterns) if pattern.match(sentence)]
        # "Looking for …?" openers span two sentences
        if not matched:
            two = " ".join(re.split(r"(?<=[.?!])\s", product.en.description)[:2])
            matched = [i for i, pattern in enumerate(patterns) if pattern.match(two)]
        shapes[matched[0] if matched else "feature-first"] += 1
    assert len(shapes) >= 12
    assert max(shapes.values()) <= 8
    assert len({(sentence_count(p.en.description), len(p.en.highlights)) for p in products}) >= 9


def test_copy_agrees_with_attributes():
    """Titles and selling points only claim what the attributes say: "Waterproof" products are
    waterproof, a running shoe talks about its drop and weight, gender and colour in titles
    match the attributes."""
    products = default_catalog()
    for product in products:
        attributes = product.attributes
        if "Waterproof" in product.en.title:
            assert attributes["waterproof"] == "waterproof", product.en.title
        if "waterproof membrane" in product.en.description.lower():
            assert attributes["waterproof"] == "waterproof"
        if "Men's" in product.en.title:
            assert attributes["gender"] == "men"
            assert product.zh is None or "男款" in product.zh.title
        parts = re.split(r" – | \(", product.en.title, maxsplit=1)
        for item in parts[1].rstrip(")").split(", ") if len(parts) == 2 else []:
            if item in COLOR_BY_LABEL:
                assert COLOR_BY_LABEL[item] == attributes["color"], product.en.title
        if "Max Cushion" in product.en.title:
            assert attributes["cushioning"] == "max"
    running = [p for p in products if p.category_slug == "running-shoes"]
    talks_shop = sum(
        bool(
            re.search(
                r"cushion|drop|midsole|per shoe|lugs|carbon|heel|upper|outsole|rock plate",
                p.en.description,
                re.I,
            )
        )
        for p in running
    )
    assert talks_shop / len(running) >= 0.9  # 44 of 46 with the default seed
    for product in running:
        for highlight in product.en.highlights:
            if highlight.startswith("Weight:"):
                assert highlight == f"Weight: {product.attributes['weight']} g"


def test_prices_stock_and_status_are_plausible():
    """Prices follow each kind's range (running shoes $60–180, phone cases $9–35); about a
    quarter are on sale, some are out of stock and a few are drafts."""
    products = default_catalog()
    for product in products:
        if product.category_slug == "running-shoes":
            assert Decimal("59") <= product.price <= Decimal("181")
        if product.kind_key == "case" and product.category_slug == "phone-accessories":
            assert Decimal("8") <= product.price <= Decimal("36")
    on_sale = sum(p.compare_at_price is not None for p in products)
    assert 0.2 <= on_sale / 2000 <= 0.3
    assert 0.04 <= sum(p.stock == 0 for p in products) / 2000 <= 0.1
    assert 10 <= sum(p.status == "draft" for p in products) <= 80
    assert all(0 <= p.stock <= 200 for p in products)
    assert sum(not has_translation(i) for i in range(2000)) == 62


def test_content_is_internally_consistent():
    """Every phrase condition names a real attribute and option, every placeholder is known,
    and the brand list is 40–80 invented names, some with Chinese names."""
    placeholder_names = set(ATTRIBUTES) | TEXT_PLACEHOLDERS | {"phone_charges"}
    for top in TOPS:
        features = [*top.features]
        for leaf in top.leaves:
            features += [*leaf.features]
            for kind in leaf.kinds:
                features += [*kind.features]
                for qualifier in kind.qualifiers:
                    for code, values in qualifier.when.rules:
                        assert values <= {o.value for o in ATTRIBUTES[code].options}
        for feature in features:
            for code, values in feature.when.rules:
                options = {o.value for o in ATTRIBUTES[code].options} | {"*"}
                if ATTRIBUTES[code].kind == "number":
                    continue
                assert values <= options, (code, values)
            for text in (feature.sentence.en, feature.sentence.zh, feature.highlight.en):
                names = {f for _, f, _, _ in Formatter().parse(text) if f}
                assert names <= placeholder_names, text
    assert 40 <= len(BRANDS) <= 80
    assert len({b.name for b in BRANDS}) == len(BRANDS)
    assert sum(bool(b.name_zh) for b in BRANDS) >= 30


# --- customers and history ----------------------------------------------------------------


@pytest.mark.django_db
def test_customers_get_coherent_reviews_and_history():
    """Demo customers have names in English or Chinese, the password given, reviews in
    their own language (verified exactly when they bought the product) and all five kinds of
    interactions; product ratings and popularity are refreshed from them."""
    output = load()

    users = get_user_model().objects.filter(username__startswith="demo_customer_")
    assert sorted(users.values_list("username", flat=True)) == [
        f"demo_customer_{n:02d}" for n in range(1, 9)
    ]
    assert all(u.first_name and u.last_name for u in users)
    assert users.filter(last_name__regex=r"^[\u4e00-\u9fff]").exists()
    assert users.filter(last_name__regex=r"^[A-Za-z]").exists()
    assert users.first().check_password(PASSWORD)
    assert "all with the password given by --password." in output
    assert PASSWORD not in output

    kinds = Counter(Interaction.objects.values_list("kind", flat=True))
    assert set(kinds) == {"view", "search", "click", "add_to_cart", "purchase"}
    assert sum(kinds.values()) >= 1000
    assert not Interaction.objects.filter(user__isnull=True).exists()
    assert not Interaction.objects.filter(kind="search", result_count__isnull=True).exists()
    assert not Interaction.objects.filter(kind="click", position__isnull=True).exists()
    assert not Interaction.objects.filter(kind="click", position=0).exists()
    assert not Interaction.objects.filter(kind="purchase", quantity__isnull=True).exists()
    oldest = Interaction.objects.order_by("created_at").first().created_at
    newest = Interaction.objects.order_by("created_at").last().created_at
    assert newest - oldest > timedelta(days=60)
    assert newest - oldest <= timedelta(days=90)

    reviews = Review.objects.select_related("user", "product")
    assert reviews.count() >= 15  # 21 with the default seed
    assert {r.rating for r in reviews} <= {1, 2, 3, 4, 5}
    bought = set(Interaction.objects.filter(kind="purchase").values_list("user_id", "product_id"))
    for review in reviews:
        assert review.verified_purchase == ((review.user_id, review.product_id) in bought)
        cjk = bool(re.search(r"[\u4e00-\u9fff]", review.text))
        assert cjk == (review.language == "zh-hans"), review.text
    assert reviews.filter(verified_purchase=True).exists()
    assert reviews.filter(language="zh-hans").exists()
    assert reviews.filter(language="en").exists()

    reviewed = Product.objects.filter(review_count__gt=0)
    assert reviewed.count() == reviews.values("product").distinct().count()
    for product in reviewed:
        ratings = [r.rating for r in reviews if r.product_id == product.pk]
        assert product.review_count == len(ratings)
        expected = Decimal(sum(ratings) / len(ratings)).quantize(Decimal("0.01"))
        assert abs(product.rating_average - expected) <= Decimal("0.01")
    assert Product.objects.filter(popularity__gt=0).exists()


def test_customer_profiles_mix_languages():
    """The default 60 customers mix English and Chinese names and storefront languages."""
    customers = build_customers(count=60, seed=loader.DEFAULT_SEED)
    languages = Counter(c.language for c in customers)
    assert languages["en"] >= 20
    assert languages["zh-hans"] >= 20
    assert len({c.username for c in customers}) == 60
    assert all(2 <= len(c.favourite_leaves) <= 4 for c in customers)


@pytest.mark.django_db
def test_no_history_writes_the_catalog_only():
    """``--no-history`` creates products but no accounts, reviews or interactions."""
    output = load(no_history=True)

    assert Product.objects.count() == 120
    assert not get_user_model().objects.exists()
    assert not Review.objects.exists()
    assert not Interaction.objects.exists()
    assert "password" not in output


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"products": 0}, "products must be between 1 and 99999, got 0"),
        ({"products": -5}, "products must be between 1 and 99999, got -5"),
        ({"customers": 0}, "customers must be between 1 and 9999, got 0"),
        ({"chunk_size": 0}, "chunk size must be at least 1, got 0"),
    ],
)
def test_bad_options_are_refused_before_writing(options, message):
    """Out-of-range options raise a CommandError naming the problem and write nothing."""
    with pytest.raises(CommandError, match=re.escape(message)):
        load(**options)
    assert not Category.objects.exists()
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_demo_merchant_can_use_the_admin_after_reruns():
    """The demo's admin account exists once, is staff in the Merchant group and not a
    superuser, and logs in with the password of the latest run."""
    first = write_demo_merchant("first-password")
    assert write_demo_merchant("second-password") == first
    merchant = get_user_model().objects.get(username="merchant")
    assert (merchant.is_staff, merchant.is_superuser) == (True, False)
    assert list(merchant.groups.values_list("name", flat=True)) == ["Merchant"]
    assert merchant.check_password("second-password")
    assert not merchant.check_password("first-password")
