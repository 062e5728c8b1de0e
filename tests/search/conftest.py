from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tests.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    BrandFactory,
    CategoryAttributeFactory,
    CategoryFactory,
    CategoryTranslationFactory,
    ProductFactory,
    ProductTranslationFactory,
)


@pytest.fixture
def small_shop(db: Any) -> dict[str, Any]:
    """Two categories with a colour attribute, two brands, five products (one in Chinese only)."""
    color = AttributeFactory(code="color", name="Colour", name_zh="颜色")
    red = AttributeOptionFactory(attribute=color, value="red", label="Red", label_zh="红色")
    AttributeOptionFactory(attribute=color, value="blue", label="Blue", label_zh="蓝色")
    shoes = CategoryFactory(name="Running shoes", slug="running-shoes")
    CategoryTranslationFactory(category=shoes, name="跑步鞋")
    audio = CategoryFactory(name="Headphones", slug="headphones")
    CategoryTranslationFactory(category=audio, name="耳机")
    for category in (shoes, audio):
        CategoryAttributeFactory(category=category, attribute=color)
    stride = BrandFactory(name="Stride", slug="stride", name_zh="步履")
    sonic = BrandFactory(name="Sonic", slug="sonic", name_zh="声波")
    products = {
        "road": ProductFactory(
            category=shoes,
            brand=stride,
            title="Stride road running shoe",
            description="Light breathable running shoe with a cushioned sole.",
            attributes={"color": "red"},
            price=Decimal("89.00"),
        ),
        "trail": ProductFactory(
            category=shoes,
            brand=stride,
            title="Stride trail running shoe",
            description="Grippy trail shoe for muddy paths.",
            attributes={"color": "blue"},
            price=Decimal("129.00"),
        ),
        "anc": ProductFactory(
            category=audio,
            brand=sonic,
            title="Sonic wireless noise cancelling headphones",
            description="Bluetooth over-ear headphones with active noise cancelling.",
            attributes={"color": "blue"},
            price=Decimal("199.00"),
        ),
        "buds": ProductFactory(
            category=audio,
            brand=sonic,
            title="Sonic sport earbuds",
            description="Sweat-proof wireless earbuds for running.",
            attributes={"color": "red"},
            price=Decimal("59.00"),
        ),
        "zh": ProductFactory(
            category=shoes,
            brand=stride,
            language="zh-hans",
            title="轻便透气跑步鞋",
            description="适合日常慢跑的轻便跑鞋。",
            attributes={"color": "red"},
            price=Decimal("45.00"),
        ),
    }
    ProductTranslationFactory(
        product=products["road"], title="步履公路跑鞋", description="轻便透气的跑步鞋。"
    )
    return {"products": products, "shoes": shoes, "audio": audio, "red": red}


@pytest.fixture
def build_shop_index(small_shop: dict[str, Any]) -> Callable[..., Any]:
    from search.services import rebuild_shop_index

    def build(**options: Any) -> Any:
        return rebuild_shop_index(**options)

    return build
