"""The lists every surface serves: rules, explanations, languages and freshness."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from recommend.models import RecommendationRule
from recommend.selectors import recommendations
from shop.catalog.models import Product
from tests.factories import InteractionFactory

from .conftest import view

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def ids(result):
    return [item.product_id for item in result.items]


def test_bought_together_names_the_product_it_goes_with(shop, trained):
    """The socks bought with the Trail Runner are its "frequently bought together" item."""
    result = recommendations("bought_together", user=ANONYMOUS, product_id=shop.trail.pk)
    assert ids(result) == [shop.wool.pk]
    assert result.items[0].source == "bought"
    assert result.items[0].reason == "Often bought with Trail Runner"
    assert result.model_version == trained.version
    assert (
        result.items[0].card.link
        == f"{shop.wool.get_absolute_url()}?from=rec-bought_together&pos=1"
    )


def test_similar_items_come_from_the_product_vectors_first(shop, trained):
    result = recommendations("product", user=ANONYMOUS, product_id=shop.road.pk, limit=2)
    assert set(ids(result)) == {shop.trail.pk, shop.spike.pk}
    assert [item.reason for item in result.items] == ["Similar to Road Racer"] * 2
    assert {item.source for item in result.items} == {"content"}


def test_chinese_lists_use_chinese_titles_and_reasons(shop, trained):
    together = recommendations(
        "bought_together", user=ANONYMOUS, product_id=shop.trail.pk, language="zh-hans"
    )
    assert together.items[0].card.title == "羊毛袜"
    assert together.items[0].reason == "常与越野跑鞋一起购买"
    similar = recommendations(
        "product", user=ANONYMOUS, product_id=shop.road.pk, language="zh-hans", limit=2
    )
    assert [item.reason for item in similar.items] == ["与公路跑鞋相似"] * 2


def test_out_of_stock_inactive_and_purchased_products_are_never_shown(shop, trained):
    Product.objects.filter(pk=shop.spike.pk).update(stock=0)
    Product.objects.filter(pk=shop.pan.pk).update(status=Product.Status.DRAFT)
    buyer = shop.customers[0]
    shown = set()
    for surface, options in [
        ("home", {}),
        ("product", {"product_id": shop.road.pk}),
        ("cart", {"cart_product_ids": [shop.road.pk]}),
        ("search", {"anchor_product_ids": [shop.kettle.pk]}),
    ]:
        shown |= set(ids(recommendations(surface, user=buyer, limit=10, **options)))
    assert shown  # the lists are not empty...
    # ...and hold none of these: out of stock, inactive, or bought by this customer.
    assert shown.isdisjoint({shop.spike.pk, shop.pan.pk, shop.trail.pk, shop.wool.pk})


def test_pins_come_first_and_exclusions_never_show(shop, trained):
    RecommendationRule.objects.create(action="pin", product=shop.kettle, surface="product")
    RecommendationRule.objects.create(action="exclude", product=shop.trail)
    result = recommendations("product", user=ANONYMOUS, product_id=shop.road.pk, limit=4)
    assert ids(result)[0] == shop.kettle.pk
    assert result.items[0].source == "pinned"
    assert result.items[0].reason == "Picked by our team"
    assert shop.trail.pk not in ids(result)
    # The pin is for the product page only; the exclusion everywhere.
    home = recommendations("home", user=ANONYMOUS, limit=10)
    assert home.items[0].source == "popularity"
    assert shop.trail.pk not in ids(home)


def test_a_pin_scoped_to_a_product_shows_only_on_that_products_page(shop, trained):
    RecommendationRule.objects.create(
        action="pin", product=shop.cotton, surface="product", scope_product=shop.trail
    )
    on_scope = recommendations("product", user=ANONYMOUS, product_id=shop.trail.pk, limit=3)
    elsewhere = recommendations("product", user=ANONYMOUS, product_id=shop.pan.pk, limit=3)
    assert ids(on_scope)[0] == shop.cotton.pk
    assert elsewhere.items[0].source != "pinned"


def test_a_new_visitor_gets_trending_explained_by_category(shop, trained):
    result = recommendations("home", user=ANONYMOUS, session_key="", limit=3)
    assert {item.source for item in result.items} == {"popularity"}
    # The most viewed and bought lead: the socks (each bought minutes after the shoes, so a
    # little fresher), then the Trail Runner.
    assert ids(result)[:2] == [shop.wool.pk, shop.trail.pk]
    assert [item.reason for item in result.items[:2]] == [
        "Popular in Socks this week",
        "Popular in Running this week",
    ]
    chinese = recommendations("home", user=ANONYMOUS, language="zh-hans", limit=1)
    assert chinese.items[0].reason == "袜子本周热门"


def test_a_session_view_changes_the_home_list_at_once(shop, trained):
    session = "fresh".ljust(32, "x")
    before = recommendations("home", user=ANONYMOUS, session_key=session, limit=3)
    view(shop.road, session_key=session)
    after = recommendations("home", user=ANONYMOUS, session_key=session, limit=3)
    assert ids(after) != ids(before)
    assert ids(after)[0] == shop.spike.pk
    assert after.items[0].reason == "Because you viewed Road Racer"
    # What the visitor just looked at is not recommended back.
    assert shop.road.pk not in ids(after)


def search(query, *, session_key):
    return InteractionFactory(
        kind="search", product=None, query=query, session_key=session_key, created_at=timezone.now()
    )


def test_a_search_without_a_click_brings_its_results_to_the_home_list(shop, trained):
    """A visitor who searched and clicked nothing still said what they want: the search's
    results join "For you", named by the query, in the page's language."""
    session = "searcher".ljust(32, "x")
    before = recommendations("home", user=ANONYMOUS, session_key=session, limit=3)
    search("kettle", session_key=session)

    after = recommendations("home", user=ANONYMOUS, session_key=session, limit=3)
    chinese = recommendations(
        "home", user=ANONYMOUS, session_key=session, limit=3, language="zh-hans"
    )

    assert "searched" not in {item.source for item in before.items}
    assert ids(after)[0] == shop.kettle.pk
    assert after.items[0].source == "searched"
    assert after.items[0].reason == "Because you searched “kettle”"
    assert chinese.items[0].reason == "因为您搜索过“kettle”"


def test_only_the_latest_searches_count_and_a_search_that_found_nothing_adds_nothing(
    shop, trained, settings
):
    settings.RECOMMEND_SEARCH_QUERIES = 1
    session = "searcher2".ljust(32, "x")
    search("kettle", session_key=session)
    search("zzzz nothing like it", session_key=session)
    plain = recommendations("home", user=ANONYMOUS, session_key="other".ljust(32, "x"), limit=3)

    result = recommendations("home", user=ANONYMOUS, session_key=session, limit=3)

    assert ids(result) == ids(plain)
    assert "searched" not in {item.source for item in result.items}


def test_the_cart_list_leaves_out_the_cart_and_names_its_products(shop, trained):
    result = recommendations("cart", user=ANONYMOUS, cart_product_ids=[shop.trail.pk], limit=3)
    assert ids(result)[0] == shop.wool.pk
    assert result.items[0].reason == "Often bought with Trail Runner"
    assert shop.trail.pk not in ids(result)


def test_one_category_does_not_fill_the_list(shop, trained):
    """Trending is led by running shoes, but the second category comes in before the third
    shoe (MMR over categories)."""
    result = recommendations("home", user=ANONYMOUS, limit=3)
    categories = [item.card.category_id for item in result.items]
    assert len(set(categories)) == 3


def test_without_a_trained_version_the_list_is_popular_products_and_says_so(shop):
    Product.objects.filter(pk=shop.kettle.pk).update(popularity=9.0)
    result = recommendations("home", user=ANONYMOUS, limit=2)
    assert result.model_version == ""
    assert result.degraded == "No trained recommender yet: popular products only."
    assert ids(result)[0] == shop.kettle.pk
    assert result.items[0].reason == "Popular in Kitchen this week"


def test_unknown_surface_and_missing_product_are_refused(shop):
    with pytest.raises(ValueError, match="Unknown surface 'nowhere'"):
        recommendations("nowhere", user=ANONYMOUS)
    with pytest.raises(ValueError, match="needs a product"):
        recommendations("product", user=ANONYMOUS)
