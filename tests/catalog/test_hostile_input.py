"""Hostile query strings on the category listing (issue #18): the filter form only reports
field errors and the category page answers without a server error."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given

from shop.catalog import selectors as catalog
from shop.catalog.forms import ProductFilterForm
from tests.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    CategoryAttributeFactory,
    CategoryFactory,
    ProductFactory,
)
from tests.hostile import HOSTILE, hostile_form_data, query_dict

FIELDS = ["brand", "price_min", "price_max", "in_stock", "sort", "page", "attr_color"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def shoes(db: Any) -> Any:
    color = AttributeFactory(code="color", name="Colour")
    AttributeOptionFactory(attribute=color, value="red", label="Red")
    category = CategoryFactory(name="Shoes", slug="shoes")
    CategoryAttributeFactory(category=category, attribute=color)
    for price in ("19.00", "49.00", "99.00"):
        ProductFactory(category=category, price=Decimal(price), attributes={"color": "red"})
    return category


@HOSTILE
@given(data=hostile_form_data(FIELDS))
def test_filter_form_only_reports_field_errors(shoes: Any, data: dict) -> None:
    """is_valid() is a bool; the valid part of the filters and the canonical URL are built."""
    form = ProductFilterForm(
        query_dict(data),
        brands=catalog.brands_by_id().values(),
        schema=catalog.category_schema(shoes.pk),
    )

    assert form.is_valid() in (True, False)
    form.get_filters()
    form.canonical_params()


@HOSTILE
@given(data=hostile_form_data(FIELDS))
def test_category_page_never_fails(client: Any, shoes: Any, data: dict) -> None:
    """Any query string gets the listing (200), never a 5xx."""
    response = client.get("/en/c/shoes/", query_dict(data))

    assert response.status_code == 200
