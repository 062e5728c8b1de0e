"""Popular searches count distinct visitors, skip robots and cross-site requests, obey blocks;
the search embedder's training pairs come from paying customers only."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from llm_services.training import CollectOptions
from search import selectors
from search.models import BlockedSuggestion, SearchLog
from search.training import collect_click_pairs
from shop.accounts.services import grant_merchant_role
from shop.orders.models import Order
from tests.factories import InteractionFactory, ProductFactory, UserFactory
from tests.factories.orders import OrderFactory
from tests.factories.search import BlockedSuggestionFactory, SearchLogFactory

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SUGGEST = "/api/search/suggest"


def suggested_queries(client: Any, prefix: str) -> list[str]:
    data = client.get(SUGGEST, {"q": prefix}, HTTP_USER_AGENT=BROWSER).json()
    return [s["text"] for s in data["suggestions"] if s["type"] == "query"]


@pytest.mark.django_db
def test_fifty_searches_from_one_session_do_not_make_a_query_popular(client: Any) -> None:
    """Rows are not visitors: one session repeating a query is one visitor, below 3."""
    SearchLogFactory.create_batch(50, query="buy cheap pills", session_key="a" * 32)

    assert selectors.popular_queries() == []
    assert suggested_queries(client, "buy") == []


@pytest.mark.django_db
def test_three_sessions_make_a_query_popular(client: Any) -> None:
    """Three distinct sessions reach SEARCH_SUGGEST_MIN_SESSIONS (default 3)."""
    for session in ("a", "b", "c"):
        SearchLogFactory.create_batch(2, query="buy cheap pills", session_key=session * 32)

    assert selectors.popular_queries() == [("buy cheap pills", 3)]
    assert suggested_queries(client, "buy") == ["buy cheap pills"]


@pytest.mark.django_db
def test_a_customer_counts_once_across_sessions_and_sessionless_searches_not_at_all() -> None:
    """One signed-in customer with three sessions is one visitor; searches with neither a
    session nor a customer cannot be told apart and never count."""
    customer = UserFactory()
    for session in ("a", "b", "c"):
        SearchLogFactory(query="wool socks", session_key=session * 32, user=customer)
    SearchLogFactory.create_batch(5, query="wool socks", session_key="")

    assert selectors.popular_queries() == []


@pytest.mark.django_db
def test_the_threshold_is_a_setting(settings: Any) -> None:
    settings.SEARCH_SUGGEST_MIN_SESSIONS = 2
    SearchLogFactory(query="wool socks", session_key="a" * 32)
    SearchLogFactory(query="wool socks", session_key="b" * 32)

    assert selectors.popular_queries() == [("wool socks", 2)]


def search_from_new_session(query: str, **headers: Any) -> SearchLog:
    client = Client()
    client.session.save()  # a browser that has a session, as shoppers' do
    response = client.get("/en/search/", {"q": query}, **headers)
    assert response.status_code == 200
    return SearchLog.objects.latest("pk")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0 Safari/537.36",
        "curl/8.5.0",
        "python-requests/2.32.3",
        "",
    ],
)
def test_searches_by_robots_are_logged_but_never_popular(
    build_shop_index: Any, user_agent: str
) -> None:
    """Three robot sessions searching a query that finds products make nothing popular."""
    build_shop_index()
    logs = [search_from_new_session("running shoe", HTTP_USER_AGENT=user_agent) for _ in range(3)]

    assert [(log.result_count > 0, log.counts_for_popularity) for log in logs] == [
        (True, False)
    ] * 3
    assert selectors.popular_queries() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_REFERER": "https://spam.example/pills.html"},
    ],
)
def test_searches_another_site_made_a_browser_send_never_count(
    build_shop_index: Any, headers: dict[str, str]
) -> None:
    """An <img src="/search/?q=…"> elsewhere makes every visitor's browser search: no count."""
    build_shop_index()
    for _ in range(3):
        search_from_new_session("running shoe", HTTP_USER_AGENT=BROWSER, **headers)

    assert list(SearchLog.objects.values_list("counts_for_popularity", flat=True)) == [False] * 3
    assert selectors.popular_queries() == []


@pytest.mark.django_db
def test_shoppers_searching_from_the_shop_make_a_query_popular(build_shop_index: Any) -> None:
    """Same-origin searches by three browsers count (the positive twin of the two above)."""
    build_shop_index()
    for headers in (
        {"HTTP_SEC_FETCH_SITE": "same-origin"},
        {"HTTP_REFERER": "http://testserver/en/"},
        {},
    ):
        search_from_new_session("running shoe", HTTP_USER_AGENT=BROWSER, **headers)

    assert selectors.popular_queries() == [("running shoe", 3)]


@pytest.mark.django_db
def test_a_blocked_term_never_shows_in_suggestions(client: Any) -> None:
    """A blocked term hides popular queries and product titles containing it, any case."""
    for session in ("a", "b", "c"):
        SearchLogFactory(query="Buy  CHEAP pills now", session_key=session * 32)
        SearchLogFactory(query="buy boots", session_key=session * 32)
    ProductFactory(title="Cheap Pills organiser")
    ProductFactory(title="Pill organiser")
    blocked = BlockedSuggestion.objects.create(term="Cheap   PILLS")

    assert blocked.term == "cheap pills"
    assert selectors.popular_queries() == [("buy boots", 3)]
    assert suggested_queries(client, "buy") == ["buy boots"]
    titles = [s["text"] for s in client.get(SUGGEST, {"q": "pill"}).json()["suggestions"]]
    assert titles == ["Pill organiser"]


@pytest.fixture
def merchant_client(db: Any) -> Client:
    user = UserFactory(username="merchant")
    grant_merchant_role(user=user)
    merchant = Client()
    merchant.force_login(user)
    return merchant


@pytest.mark.django_db
def test_a_merchant_blocks_a_suggestion_in_the_admin_and_it_applies_at_once(
    merchant_client: Any, client: Any
) -> None:
    """Popular queries are cached for minutes; a block the merchant adds is obeyed now."""
    for session in ("a", "b", "c"):
        SearchLogFactory(query="buy cheap pills", session_key=session * 32)
    assert suggested_queries(client, "buy") == ["buy cheap pills"]

    response = merchant_client.post(
        "/en/admin/search/blockedsuggestion/add/", {"term": "cheap pills"}
    )

    assert response.status_code == 302
    assert suggested_queries(client, "buy") == []
    BlockedSuggestion.objects.all().delete()
    cache.delete("search:blocked-suggestions")
    assert suggested_queries(client, "buy") == ["buy cheap pills"]


@pytest.mark.django_db
def test_blocked_suggestions_admin_speaks_chinese(merchant_client: Any) -> None:
    BlockedSuggestionFactory(term="cheap pills")

    html = merchant_client.get("/zh-hans/admin/search/blockedsuggestion/").content.decode()

    assert "屏蔽的搜索建议" in html
    assert "cheap pills" in html


def click_after_search(*, session: str, user: Any, product: Any, query: str) -> Any:
    InteractionFactory(kind="search", query=query, session_key=session, user=user, product=None)
    return InteractionFactory(
        kind="click", source="search", session_key=session, user=user, product=product
    )


@pytest.mark.django_db
def test_training_pairs_come_only_from_paying_customers() -> None:
    """Anonymous sessions, customers without an order and customers with only an unpaid
    order are not read; a customer with a paid order is."""
    product = ProductFactory(title="Wool socks", description="Warm merino socks.")
    payer, unpaid, browser = UserFactory(), UserFactory(), UserFactory()
    OrderFactory(user=payer, status=Order.Status.DELIVERED)
    OrderFactory(user=unpaid, status=Order.Status.PENDING, paid_at=None)
    for n in range(20):
        click_after_search(session=f"anon{n}", user=None, product=product, query="cheap pills")
    click_after_search(session="unpaid", user=unpaid, product=product, query="cheap pills")
    click_after_search(session="browser", user=browser, product=product, query="cheap pills")
    trusted = click_after_search(session="payer", user=payer, product=product, query="socks")

    pairs = list(collect_click_pairs(CollectOptions()))

    assert [(p.source, p.key) for p in pairs] == [({"query": "socks"}, f"click:{trusted.pk}")]
