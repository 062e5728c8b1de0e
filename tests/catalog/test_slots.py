"""Template slots: higher apps fill the shop's pages; the shop renders without them."""

from collections import defaultdict

import pytest
from django.template import Context, Template

from shop.catalog import slots
from shop.catalog.models import Product
from tests.catalog.test_selectors import build_small_catalog

pytestmark = pytest.mark.django_db

TAG = Template('{% load catalog_tags %}[{% slot "test_slot" why=why %}]')


@pytest.fixture
def empty_slots(monkeypatch):
    monkeypatch.setattr(slots, "_slots", defaultdict(list))


def test_an_unfilled_slot_renders_nothing(empty_slots):
    assert TAG.render(Context({"why": {"matched_terms": ["red"]}})) == "[]"


def test_a_filled_slot_renders_its_templates_with_the_tag_arguments(empty_slots):
    slots.register_slot("test_slot", "search/_why.html")
    slots.register_slot("test_slot", "search/_why.html")  # registered once

    html = TAG.render(Context({"why": {"matched_terms": ["red"]}}))

    assert slots.slot_templates("test_slot") == ("search/_why.html",)
    assert html.count("Why this result?") == 1
    assert "<mark>red</mark>" in html


def test_the_product_page_renders_with_no_app_filling_its_slots(client, empty_slots):
    build_small_catalog()
    Product.objects.filter(slug="red-shirt").update(description="Soft red shirt.")

    response = client.get("/en/p/red-shirt/")

    assert response.status_code == 200
    assert "Soft red shirt." in response.content.decode()


def test_copywriting_fills_the_description_slot():
    assert slots.slot_templates("product_description_after") == (
        "copywriting/_ai_assisted_slot.html",
        "translation/_machine_translated_slot.html",
    )
