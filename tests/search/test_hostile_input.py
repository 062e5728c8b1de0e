"""Hostile query strings (issue #18): the search form, strict (the API) and lenient (the
page), only ever reports field errors, and the search page answers every query string
without a server error."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from search.forms import SearchForm
from tests.hostile import HOSTILE, hostile_form_data, query_dict

FIELDS = [
    "q",
    "category",
    "brand",
    "price_min",
    "price_max",
    "in_stock",
    "sort",
    "page",
    "page_size",
    "exact",
    "attr_color",
]

pytestmark = pytest.mark.django_db


@HOSTILE
@given(data=hostile_form_data(FIELDS))
def test_search_form_only_reports_field_errors(small_shop: Any, data: dict) -> None:
    """is_valid() is a bool for both modes; the lenient form always yields parameters."""
    strict = SearchForm(query_dict(data), strict=True)
    assert strict.is_valid() in (True, False)
    if strict.is_valid():
        strict.get_params()

    lenient = SearchForm(query_dict(data))
    lenient.is_valid()
    params = lenient.get_params()
    assert 1 <= params.page <= 1000
    assert 1 <= params.page_size <= 100
    lenient.canonical_params()


@pytest.fixture
def indexed(build_shop_index: Any) -> None:
    build_shop_index()


@HOSTILE
@given(data=hostile_form_data(FIELDS))
def test_search_page_never_fails(client: Any, indexed: None, data: dict) -> None:
    """Any query string gets the results page (200), never a 5xx."""
    response = client.get("/en/search/", query_dict(data))

    assert response.status_code == 200
