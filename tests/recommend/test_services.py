"""Training, storing and swapping versions; the login merge; impressions and clicks."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from llm_services import artifact_folder
from llm_services.models import ModelVersion
from recommend import artifacts
from recommend.models import RecommendationImpression
from recommend.selectors import recommendations
from recommend.services import (
    record_impression,
    train_recommender,
)
from recommend.tasks import train_recommender_task
from shop.interactions.models import Interaction
from shop.interactions.services import attach_session_to_user
from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_training_stores_one_active_version_with_its_figures(shop):
    report = train_recommender(time_budget=0)
    version = ModelVersion.objects.get(alias="recommend")
    assert version.name == report.version
    assert version.is_active is True
    assert version.task == "recommend"
    folder = artifact_folder(version.artifact_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["items"] == 7
    assert manifest["visitors"] == 8
    assert manifest["baskets"] == 8
    assert manifest["neighbour_sources"] == ["bought", "content", "item_knn", "transitions"]
    assert manifest["degraded"] == ""
    # Leave-one-out on the eight customers: every model and the served one measured.
    assert set(version.metrics["after"]) == {
        "popularity",
        "item_knn",
        "transitions",
        "content",
        "served",
    }
    assert version.metrics["after"]["served"]["users"] == 8
    assert (folder / "neighbours.npz").is_file()


def test_a_shop_without_history_still_serves_trending_and_says_so(db, monkeypatch):
    products = [ProductFactory(popularity=float(i)) for i in range(3)]
    monkeypatch.setattr("recommend.signals_data.product_vectors", lambda: None)
    report = train_recommender(time_budget=0)
    assert report.activated is True
    assert report.visitors == 0
    assert report.degraded == "No interaction history yet: trending and similar products only."
    assert report.models == ["popularity"]
    result = recommendations("home", user=AnonymousUser(), limit=3)
    assert result.degraded == report.degraded
    assert {item.product_id for item in result.items} == {p.pk for p in products}


def test_the_task_is_idempotent(shop):
    """Running it twice stores two versions of the same data; one is active, lists equal."""
    first = train_recommender_task(time_budget=0)
    before = recommendations("product", user=AnonymousUser(), product_id=shop.road.pk)
    second = train_recommender_task(time_budget=0)
    after = recommendations("product", user=AnonymousUser(), product_id=shop.road.pk)
    assert second["version"] != first["version"]
    assert ModelVersion.objects.filter(alias="recommend").count() == 2
    assert ModelVersion.objects.filter(alias="recommend", is_active=True).count() == 1
    assert ModelVersion.objects.get(is_active=True).name == second["version"]
    assert second["metrics"] == first["metrics"]
    assert [i.product_id for i in after.items] == [i.product_id for i in before.items]
    assert after.model_version == second["version"]


def test_serving_switches_to_a_newer_active_version_without_restart(shop):
    first = train_recommender(time_budget=0)
    assert artifacts.active_recommender().name == first.version
    second = train_recommender(time_budget=0)
    assert artifacts.active_recommender().name == second.version


def test_anonymous_browsing_is_attached_to_the_customer_at_login(shop):
    customer = UserFactory(username="newcomer")
    session = "anon".ljust(32, "x")
    Interaction.objects.create(
        kind="view", product=shop.road, session_key=session, created_at=shop.road.created_at
    )
    assert attach_session_to_user(session_key=session, user_id=customer.pk) == 1
    assert list(Interaction.objects.filter(user=customer).values_list("product_id", flat=True)) == [
        shop.road.pk
    ]
    assert attach_session_to_user(session_key="", user_id=customer.pk) == 0


def test_an_impression_is_one_row_per_list(shop):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    record_impression(
        surface="home",
        product_ids=[shop.road.pk, shop.kettle.pk],
        request=request,
        language="en",
        model_version="v1",
    )
    record_impression(
        surface="home", product_ids=[], request=request, language="en", model_version=""
    )
    row = RecommendationImpression.objects.get()
    assert (row.surface, row.product_ids, row.model_version) == (
        "home",
        [shop.road.pk, shop.kettle.pk],
        "v1",
    )


def test_a_click_from_a_recommendation_list_is_logged_with_surface_and_position(shop, client):
    """The shop's product page logs ?from=rec-<surface>&pos=n: recommend registered its lists."""
    url = shop.road.get_absolute_url()

    client.get(url, {"from": "rec-cart", "pos": "3"})
    client.get(url, {"from": "rec-nowhere", "pos": "1"})
    client.get(url, {"from": "rec-home", "pos": "0"})  # tests log immediately

    clicks = Interaction.objects.filter(kind="click")
    assert [(c.product_id, c.source, c.position) for c in clicks] == [(shop.road.pk, "rec-cart", 3)]


def test_the_web_warm_up_loads_the_active_version(shop, trained):
    from recommend.warmup import warm_recommender

    assert warm_recommender() == {
        "ok": True,
        "version": trained.version,
        "served_model": "served",
        "degraded": None,
    }


def test_the_warm_up_is_ready_without_a_version(db):
    from recommend.warmup import warm_recommender

    assert warm_recommender() == {"ok": True, "version": None}
