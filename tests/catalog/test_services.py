from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from shop.catalog import services
from shop.catalog.models import Attribute, Product, ProductTranslation
from tests.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    CategoryAttributeFactory,
    CategoryFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shoes():
    """Shoes > Running shoes; color is declared on the parent, drop (mm) on the child."""
    parent = CategoryFactory(name="Shoes", slug="shoes")
    child = CategoryFactory(name="Running shoes", slug="running-shoes", parent=parent)
    color = AttributeFactory(code="color", name="Color", name_zh="颜色")
    AttributeOptionFactory(attribute=color, value="black", label="Black", label_zh="黑色")
    AttributeOptionFactory(attribute=color, value="navy", label="Navy", label_zh="藏青色")
    drop = AttributeFactory(code="drop", name="Drop", kind=Attribute.Kind.NUMBER, unit="mm")
    CategoryAttributeFactory(category=parent, attribute=color, required=True)
    CategoryAttributeFactory(category=child, attribute=drop)
    return child


def test_schema_includes_ancestor_attributes(shoes):
    """A subcategory's schema is its own attributes plus everything its ancestors declare."""
    schema = services.get_attribute_schema(shoes)
    assert sorted(schema) == ["color", "drop"]
    assert schema["color"].required is True
    assert sorted(schema["color"].options) == ["black", "navy"]


def test_clean_attributes_accepts_labels_in_both_languages(shoes):
    """Merchants may type an option's English or Chinese label; the option value is stored."""
    schema = services.get_attribute_schema(shoes)
    assert services.clean_attributes({"Color": "藏青色", "drop": "8"}, schema=schema) == {
        "color": "navy",
        "drop": 8,
    }
    assert services.clean_attributes({"color": "BLACK", "drop": "6.5"}, schema=schema) == {
        "color": "black",
        "drop": 6.5,
    }


def test_clean_attributes_reports_every_problem_at_once(shoes):
    """Unknown attributes, unknown options and bad numbers are all named in one error."""
    schema = services.get_attribute_schema(shoes)
    with pytest.raises(ValidationError) as error:
        services.clean_attributes(
            {"colour": "red", "drop": "high", "color": "purple"}, schema=schema
        )
    assert error.value.messages == [
        "unknown attribute 'colour' for this category (allowed: color, drop)",
        "attribute 'drop' must be a number, got 'high'",
        "unknown value 'purple' for attribute 'color' (allowed: black, navy)",
        "missing required attribute(s): color",
    ]


def test_upsert_product_creates_then_updates_by_sku(shoes):
    """Upserting twice with one SKU updates the row and its translation, never duplicates."""
    data = services.ProductData(
        sku="RUN-1",
        category=shoes,
        title="Cloudrunner 3",
        price=Decimal("120.00"),
        attributes={"color": "black"},
        translations={"zh-hans": {"title": "云跑者 3", "highlights": ["轻量"]}},
    )
    product, created = services.upsert_product(data)
    assert created is True
    assert product.slug == "cloudrunner-3"

    data.price = Decimal("99.00")
    data.translations["zh-hans"]["title"] = "云跑者 3 代"
    again, created = services.upsert_product(data)

    assert created is False
    assert again.pk == product.pk
    assert Product.objects.count() == 1
    assert Product.objects.get().price == Decimal("99.00")
    assert list(ProductTranslation.objects.values_list("title", "highlights")) == [
        ("云跑者 3 代", ["轻量"])
    ]


def test_upsert_product_writes_nothing_when_invalid(shoes):
    """A bad compare-at price or attribute leaves the database untouched."""
    bad_price = services.ProductData(
        sku="RUN-2",
        category=shoes,
        title="Tempo",
        price=Decimal("100"),
        compare_at_price=Decimal("80"),
        attributes={"color": "navy"},
    )
    with pytest.raises(ValidationError, match="compare-at price must not be below the price"):
        services.upsert_product(bad_price)
    bad_language = services.ProductData(
        sku="RUN-3",
        category=shoes,
        title="Tempo",
        price=Decimal("100"),
        attributes={"color": "navy"},
        translations={"klingon": {"title": "x"}},
    )
    with pytest.raises(ValidationError, match="unknown language 'klingon'"):
        services.upsert_product(bad_language)
    assert Product.objects.count() == 0
    assert ProductTranslation.objects.count() == 0


def test_upsert_product_slug_clash_uses_sku():
    """Two products with one title get distinct, stable slugs."""
    category = CategoryFactory()
    first, _ = services.upsert_product(
        services.ProductData(sku="A-1", category=category, title="Mug", price=Decimal("5"))
    )
    second, _ = services.upsert_product(
        services.ProductData(sku="B-2", category=category, title="Mug", price=Decimal("6"))
    )
    assert (first.slug, second.slug) == ("mug", "mug-b-2")


def test_set_products_status_counts_only_changed_rows():
    """Publishing a mix of drafts and active products reports how many actually changed."""
    drafts = ProductFactory.create_batch(2, status=Product.Status.DRAFT)
    active = ProductFactory(status=Product.Status.ACTIVE)
    ids = [p.pk for p in [*drafts, active]]

    assert services.set_products_status(product_ids=ids, status="active") == 2
    assert Product.objects.filter(status="active").count() == 3
    with pytest.raises(ValidationError):
        services.set_products_status(product_ids=ids, status="archived")


def test_database_refuses_compare_at_price_below_price():
    """The invariant holds even for writes that bypass the service."""
    with pytest.raises(IntegrityError):
        ProductFactory(price=Decimal("10"), compare_at_price=Decimal("5"))


def test_unique_slug_falls_back_to_sku_for_chinese_titles():
    """A Chinese-only title would slugify to almost nothing, so the SKU carries the slug."""
    assert services.unique_slug("有机T恤", sku="TEE-42") == "t-tee-42"
    assert services.unique_slug("跑步鞋", sku="RUN 7") == "run-7"
