"""A small fashion catalog with a colour/material/size/gender schema, and a fake generator."""

from __future__ import annotations

from typing import Any

import pytest

from shop.catalog.models import Attribute, Brand
from tests.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    CategoryAttributeFactory,
    CategoryFactory,
    ProductFactory,
)

FAKE_BACKEND = "llm_services.backends.fake.FakeGenerator"


@pytest.fixture
def fashion(db):
    """Category "Tees" with colour, material, size (required) and gender attributes."""
    category = CategoryFactory(name="Tees", slug="tees")
    options = {
        "color": [("navy", "Navy", "藏青色"), ("red", "Red", "红色"), ("black", "Black", "黑色")],
        "material": [("cotton", "Cotton", "纯棉"), ("linen", "Linen", "亚麻")],
        "size": [("s", "S", "S码"), ("m", "M", "M码"), ("xl", "XL", "XL码")],
        "gender": [
            ("men", "Men's", "男款"),
            ("women", "Women's", "女款"),
            ("unisex", "Unisex", "男女同款"),
        ],
    }
    names = {
        "color": ("Colour", "颜色"),
        "material": ("Material", "材质"),
        "size": ("Size", "尺码"),
        "gender": ("Gender", "适用性别"),
    }
    for position, (code, values) in enumerate(options.items()):
        attribute = AttributeFactory(
            code=code, name=names[code][0], name_zh=names[code][1], kind=Attribute.Kind.CHOICE
        )
        for value, label, label_zh in values:
            AttributeOptionFactory(attribute=attribute, value=value, label=label, label_zh=label_zh)
        CategoryAttributeFactory(
            category=category, attribute=attribute, required=code == "size", position=position
        )
    return category


@pytest.fixture
def make_product(fashion):
    def make(**kwargs: Any):
        defaults = {
            "category": fashion,
            "brand": Brand.objects.get_or_create(
                name="Northwind", defaults={"slug": "northwind", "name_zh": "北风"}
            )[0],
            "title": "Everyday Crew Tee",
            "description": "",
            "highlights": [],
            "attributes": {"color": "navy", "material": "cotton", "size": "m", "gender": "unisex"},
        }
        defaults.update(kwargs)
        return ProductFactory(**defaults)

    return make


@pytest.fixture
def fake_generator(settings):
    """Point the copywriting alias at the fake generator answering ``reply``."""
    from llm_services import llm

    def use(reply: str):
        settings.LLM_MODELS = {
            **settings.LLM_MODELS,
            "generate": {"BACKEND": FAKE_BACKEND, "MODEL": "fake", "OPTIONS": {"reply": reply}},
        }
        return llm["generate"]

    return use


@pytest.fixture
def finished_batch(make_product):
    """A done batch job of one product whose run took ``seconds``, holding one draft per
    (text, check results) pair."""
    from django.utils import timezone

    from copywriting.models import CopyDraft, CopyJob

    def make(drafts, *, seconds: float):
        product = make_product()
        began = timezone.now()
        job = CopyJob.objects.create(
            field="description",
            channel="product_page",
            language="en",
            product_ids=[product.pk],
            total=1,
            cursor=1,
            status="done",
            started_at=began,
            finished_at=began + timezone.timedelta(seconds=seconds),
        )
        for text, checks in drafts:
            CopyDraft.objects.create(
                product=product,
                field="description",
                channel="product_page",
                language="en",
                job=job,
                text=text,
                checks=checks,
                is_flagged=bool(checks),
            )
        return job

    return make
