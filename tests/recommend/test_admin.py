"""Merchant pins and exclusions, and the CTR and exposure report."""

from __future__ import annotations

import pytest
from django.utils import timezone

from recommend.models import RecommendationImpression, RecommendationRule
from recommend.reports import ctr_report, exposure_report
from shop.interactions.models import Interaction
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant(client):
    user = UserFactory(username="merchant", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def _shown(surface, product_ids):
    RecommendationImpression.objects.create(
        surface=surface, product_ids=product_ids, created_at=timezone.now()
    )


def test_ctr_is_clicks_per_product_shown_by_surface(shop):
    _shown("home", [shop.trail.pk, shop.wool.pk])
    _shown("home", [shop.trail.pk, shop.road.pk])
    Interaction.objects.create(
        kind="click", product=shop.trail, source="rec-home", position=1, created_at=timezone.now()
    )
    rows = {row.surface: row for row in ctr_report()}
    assert (rows["home"].lists, rows["home"].products_shown, rows["home"].clicks) == (2, 4, 1)
    assert rows["home"].ctr_percent == "25.00%"
    assert (rows["cart"].lists, rows["cart"].clicks, rows["cart"].ctr_percent) == (0, 0, "0.00%")


def test_exposure_shows_shares_and_the_starved_part_of_the_catalog(shop):
    _shown("home", [shop.trail.pk, shop.road.pk, shop.spike.pk, shop.trail.pk])
    report = exposure_report()
    by_category = {row.name: row for row in report["category"]}
    assert (by_category["Running"].shown, by_category["Running"].share_percent) == (4, "100.0%")
    assert by_category["Running"].catalog_share_percent == "42.9%"
    assert by_category["Kitchen"].starved is True
    assert by_category["Running"].starved is False
    assert [row.name for row in report["price"]] == ["$25–$50"]


def test_the_admin_lists_rules_and_shows_the_report(merchant, shop):
    RecommendationRule.objects.create(action="pin", product=shop.kettle, surface="home")
    _shown("product", [shop.kettle.pk])
    assert merchant.get("/en/admin/recommend/recommendationrule/").status_code == 200
    html = merchant.get("/en/admin/recommend/recommendationimpression/").content.decode()
    assert "Click-through by surface" in html
    assert "Product page: similar items" in html
    assert "(starved)" in html


def test_a_merchant_adds_an_exclusion_in_the_admin(merchant, shop):
    response = merchant.post(
        "/en/admin/recommend/recommendationrule/add/",
        {
            "action": "exclude",
            "product": shop.trail.pk,
            "surface": "",
            "position": 1,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    rule = RecommendationRule.objects.get()
    assert (rule.action, rule.product_id, rule.surface) == ("exclude", shop.trail.pk, "")
