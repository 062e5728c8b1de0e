"""A small indexed catalog for the JSON API tests, so searches and recommendations have
products to answer with."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    BrandFactory,
    CategoryAttributeFactory,
    CategoryFactory,
    ProductFactory,
    ProductTranslationFactory,
    ReviewFactory,
)


@pytest.fixture
def api_catalog(db: Any) -> dict[str, Any]:
    """Two categories with a colour filter, four products (one translated, one with a Chinese
    review to translate), indexed."""
    from search.services import rebuild_shop_index

    color = AttributeFactory(code="color", name="Colour", name_zh="颜色")
    AttributeOptionFactory(attribute=color, value="red", label="Red", label_zh="红色")
    AttributeOptionFactory(attribute=color, value="blue", label="Blue", label_zh="蓝色")
    shoes = CategoryFactory(name="Running shoes", slug="running-shoes")
    audio = CategoryFactory(name="Headphones", slug="headphones")
    for category in (shoes, audio):
        CategoryAttributeFactory(category=category, attribute=color)
    stride = BrandFactory(name="Stride", slug="stride")
    sonic = BrandFactory(name="Sonic", slug="sonic")
    products = [
        ProductFactory(
            category=shoes,
            brand=stride,
            title="Stride road running shoe",
            attributes={"color": "red"},
            price=Decimal("89.00"),
        ),
        ProductFactory(
            category=shoes,
            brand=stride,
            title="Stride trail running shoe",
            attributes={"color": "blue"},
            price=Decimal("129.00"),
            stock=0,
        ),
        ProductFactory(
            category=audio,
            brand=sonic,
            title="Sonic wireless headphones",
            attributes={"color": "blue"},
            price=Decimal("199.00"),
        ),
        ProductFactory(
            category=audio,
            brand=sonic,
            title="Sonic sport earbuds",
            attributes={"color": "red"},
            price=Decimal("59.00"),
        ),
    ]
    ProductTranslationFactory(product=products[0], title="步履公路跑鞋")
    review = ReviewFactory(product=products[0], title="很好", text="穿着舒服。", language="zh-hans")
    rebuild_shop_index()
    return {"products": products, "shoes": shoes, "audio": audio, "review": review}
