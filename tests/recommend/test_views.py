"""The API and the pages the lists appear on, in both languages."""

from __future__ import annotations

import pytest

from recommend.models import RecommendationImpression
from shop.interactions.models import Interaction

pytestmark = pytest.mark.django_db

API = "/api/recommendations"


def test_api_returns_the_documented_shape(client, shop, trained):
    response = client.get(API, {"surface": "bought_together", "product": shop.trail.pk})
    assert response.status_code == 200
    assert response.json() == {
        "surface": "bought_together",
        "items": [
            {
                "id": shop.wool.pk,
                "title": "Wool Socks",
                "url": f"http://testserver/en/p/{shop.wool.slug}/?from=rec-bought_together&pos=1",
                "price": "$49.00",
                "reason": "Often bought with Trail Runner",
                "source": "bought",
                "score": 1.0,
            }
        ],
        "model_version": trained.version,
        "degraded": None,
    }
    assert RecommendationImpression.objects.get().product_ids == [shop.wool.pk]


def test_api_speaks_chinese_by_lang_or_accept_language(client, shop, trained):
    by_param = client.get(
        API, {"surface": "bought_together", "product": shop.trail.pk, "lang": "zh-hans"}
    ).json()
    by_header = client.get(
        API,
        {"surface": "bought_together", "product": shop.trail.pk},
        HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9",
    ).json()
    for body in (by_param, by_header):
        assert body["items"][0]["title"] == "羊毛袜"
        assert body["items"][0]["reason"] == "常与越野跑鞋一起购买"
        assert body["items"][0]["url"].startswith("http://testserver/zh-hans/p/")


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        (
            {"surface": "garden"},
            "surface",
            "surface must be one of: home, product, bought_together, cart.",
        ),
        ({"surface": "product"}, "product", "surface=product needs product=ID."),
        ({"surface": "product", "product": "abc"}, "product", "No active product 'abc'."),
        ({"surface": "product", "product": "999999"}, "product", "No active product '999999'."),
        ({"surface": "home", "limit": "0"}, "limit", "limit must be a whole number from 1 to 50."),
        ({"surface": "home", "limit": "51"}, "limit", "limit must be a whole number from 1 to 50."),
        ({"surface": "home", "lang": "fr"}, "lang", "lang must be en or zh-hans."),
    ],
)
def test_api_refuses_bad_input_with_a_clear_error(client, shop, params, field, message):
    response = client.get(API, params)
    assert response.status_code == 400
    assert response.json() == {"error": message, "fields": {field: [message]}}


def test_home_shows_recommendations_with_explanations_and_tracked_links(client, shop, trained):
    html = client.get("/en/").content.decode()
    assert "Trending now" in html
    assert "Popular in Socks this week" in html
    assert f"/en/p/{shop.wool.slug}/?from=rec-home&amp;pos=1" in html
    chinese = client.get("/zh-hans/").content.decode()
    assert "当下热门" in chinese
    assert "袜子本周热门" in chinese


def test_the_product_page_shows_both_lists_and_logs_a_recommendation_click(client, shop, trained):
    response = client.get(f"/en/p/{shop.trail.slug}/", {"from": "rec-home", "pos": "2"})
    html = response.content.decode()
    assert "Frequently bought together" in html
    assert "Often bought with Trail Runner" in html
    assert "Similar items" in html
    click = Interaction.objects.get(kind="click")
    assert (click.product_id, click.source, click.position) == (shop.trail.pk, "rec-home", 2)
    assert set(RecommendationImpression.objects.values_list("surface", flat=True)) == {
        "bought_together",
        "product",
    }


def test_a_view_changes_the_next_home_page(client, shop, trained):
    """A first-time visitor gets a session on the first page, so the next view counts."""
    assert "Trending now" in client.get("/en/").content.decode()
    client.get(f"/en/p/{shop.road.slug}/")
    html = client.get("/en/").content.decode()
    assert "Recommended for you" in html
    assert "Because you viewed Road Racer" in html


def test_the_cart_page_recommends_what_goes_with_the_cart(client, shop, trained):
    client.post("/en/cart/add/", {"product_id": shop.trail.pk, "quantity": 1})
    html = client.get("/en/cart/").content.decode()
    assert "You may also like" in html
    assert "Often bought with Trail Runner" in html
    chinese = client.get("/zh-hans/cart/").content.decode()
    assert "您可能还喜欢" in chinese
    assert "常与越野跑鞋一起购买" in chinese


def test_lists_are_not_shared_between_visitors(client, shop, trained):
    """Nothing personal is cached: a second visitor without history sees trending."""
    client.get("/en/")
    client.get(f"/en/p/{shop.road.slug}/")
    assert "Because you viewed Road Racer" in client.get("/en/").content.decode()
    client.logout()
    client.cookies.clear()
    html = client.get("/en/").content.decode()
    assert "Because you viewed" not in html
    assert "Trending now" in html


def test_browsing_before_login_counts_for_the_customer(client, shop, trained):
    """What a visitor viewed anonymously is theirs after logging in (the session key
    changes at login), so their home page follows it."""
    from tests.factories import UserFactory

    UserFactory(username="returning", password="correct-horse-battery")
    client.get("/en/")
    client.get(f"/en/p/{shop.road.slug}/")
    response = client.post(
        "/en/accounts/login/", {"username": "returning", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert Interaction.objects.filter(kind="view", user__username="returning").count() == 1
    assert not Interaction.objects.filter(user__isnull=True).exists()
    assert "Because you viewed Road Racer" in client.get("/en/").content.decode()
