from __future__ import annotations

import json
from typing import Any

import pytest

from search.models import SearchLog

API = "/api/search"


@pytest.fixture
def indexed(build_shop_index: Any, small_shop: Any) -> Any:
    build_shop_index()
    return small_shop


def _api(client: Any, **params: Any) -> Any:
    return client.get(API, params)


@pytest.mark.django_db
def test_api_returns_results_facets_total_and_parsed(client: Any, indexed: Any) -> None:
    # "light" is no category, brand or option: the words rank the results.
    response = _api(client, q="light running shoe")

    assert response.status_code == 200
    data = response.json()
    products = indexed["products"]
    ids = [r["id"] for r in data["results"]]
    assert ids[:2] == [products["road"].pk, products["trail"].pk]
    assert data["total"] == len(ids)
    assert data["parsed"]["text"] == "light running shoe"
    assert data["mode"] == "hybrid"
    assert data["degraded"] is None
    assert data["results"][0]["why"]["matched_terms"] == ["running", "shoe"]
    assert {f["slug"] for f in data["facets"]["category"]} >= {"running-shoes"}
    colour = next(f for f in data["facets"]["attributes"] if f["param"] == "attr_color")
    assert {o["value"] for o in colour["options"]} == {"red", "blue"}


@pytest.mark.django_db
def test_price_in_the_query_becomes_a_filter(client: Any, indexed: Any) -> None:
    data = _api(client, q="running shoe under $100").json()

    products = indexed["products"]
    ids = {r["id"] for r in data["results"]}
    assert products["trail"].pk not in ids
    assert products["road"].pk in ids
    assert data["parsed"]["price_max"] == "100"
    assert data["applied_filters"] == [
        {"kind": "category", "label": "Running shoes"},
        {"kind": "price", "label": "≤ $100.00"},
    ]
    road = next(r for r in data["results"] if r["id"] == products["road"].pk)
    assert road["price"] == "$89.00"
    assert road["price_amount"] == 89.0
    assert road["currency"] == "USD"
    assert data["parsed"]["price_quote"] is None
    assert data["dropped_filters"] == []


@pytest.mark.django_db
def test_a_price_in_yuan_is_converted_with_the_shops_rate(
    client: Any, indexed: Any, settings: Any
) -> None:
    """700 CNY at 7.2 per USD is $97.22: the $89 road shoe stays, the $129 trail shoe goes."""
    settings.SHOP_CURRENCY_RATES = {"CNY": "7.2"}

    data = _api(client, q="running shoe under 700 rmb").json()

    products = indexed["products"]
    ids = {r["id"] for r in data["results"]}
    assert products["road"].pk in ids
    assert products["trail"].pk not in ids
    assert data["parsed"]["price_max"] == "97.22"
    assert data["parsed"]["price_quote"] == {
        "currency": "CNY",
        "rate": "7.2",
        "price_min": None,
        "price_max": "700",
    }
    assert data["applied_filters"][-1] == {"kind": "price", "label": "≤ $97.22 (¥700.00)"}


@pytest.mark.django_db
def test_a_currency_without_a_rate_applies_no_price_and_says_so(
    client: Any, indexed: Any, settings: Any
) -> None:
    settings.SHOP_CURRENCY_RATES = {"CNY": "7.2"}

    data = _api(client, q="running shoe under €100").json()

    products = indexed["products"]
    ids = {r["id"] for r in data["results"]}
    assert {products["road"].pk, products["trail"].pk} <= ids
    assert data["parsed"]["price_max"] is None
    assert data["parsed"]["price_quote"]["rate"] is None
    assert data["applied_filters"][-1] == {
        "kind": "price",
        "label": "No exchange rate for EUR: price not applied",
    }


@pytest.mark.django_db
def test_chinese_query_finds_products_through_their_translation(client: Any, indexed: Any) -> None:
    data = _api(client, q="跑步鞋", lang="zh").json()

    ids = [r["id"] for r in data["results"]]
    products = indexed["products"]
    assert products["road"].pk in ids
    assert products["zh"].pk in ids
    assert products["anc"].pk not in ids


@pytest.mark.django_db
def test_url_filters_and_sort(client: Any, indexed: Any) -> None:
    data = _api(client, q="shoe", attr_color="red", sort="price_asc").json()

    products = indexed["products"]
    assert [r["id"] for r in data["results"]] == [products["zh"].pk, products["road"].pk]
    assert data["sort"] == "price_asc"


@pytest.mark.django_db
def test_zero_results_relax_the_constraints_read_from_the_query(client: Any, indexed: Any) -> None:
    data = _api(client, q="headphones under $10").json()

    assert data["relaxed_filters"] == ["price"]
    assert data["dropped_filters"] == [{"kind": "price", "label": "≤ $10.00"}]
    assert data["applied_filters"] == [{"kind": "category", "label": "Headphones"}]
    # Nothing under the budget: the nearest to it first.
    products = indexed["products"]
    assert [r["id"] for r in data["results"]] == [products["buds"].pk, products["anc"].pk]
    assert data["sort"] == "price_asc"


@pytest.mark.django_db
def test_exact_turns_query_understanding_off(client: Any, indexed: Any) -> None:
    data = _api(client, q="headphones under $10", exact="1").json()

    assert data["parsed"]["price_max"] is None
    assert data["applied_filters"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "shoe", "page": "abc"}, "page"),
        ({"q": "shoe", "page": "0"}, "page"),
        ({"q": "shoe", "page": "99999999999999999999"}, "page"),
        ({"q": "shoe", "page_size": "1000"}, "page_size"),
        ({"q": "shoe", "sort": "'; DROP TABLE x"}, "sort"),
        ({"q": "shoe", "price_min": "-5"}, "price_min"),
        ({"q": "shoe", "price_max": "1e999"}, "price_max"),
        ({"q": "shoe", "category": "no-such-category"}, "category"),
    ],
)
def test_api_rejects_bad_parameters_with_400(
    client: Any, indexed: Any, params: dict, field: str
) -> None:
    response = _api(client, **params)

    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


@pytest.mark.django_db
def test_api_rejects_an_unknown_language(client: Any, indexed: Any) -> None:
    response = _api(client, q="shoe", lang="fr")

    assert response.status_code == 400
    assert response.json()["error"] == "lang must be en or zh-hans."


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "",
        "x" * 10_000,
        "\x00\x01\x02 shoe \x7f",
        "👟🔥",
        "<script>alert(1)</script>",
        "' OR 1=1; --",
        "\ufffd\ufffe",
    ],
)
def test_odd_queries_give_a_sane_answer(client: Any, indexed: Any, query: str) -> None:
    response = _api(client, q=query)
    page = client.get("/en/search/", {"q": query})

    assert response.status_code == 200
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.content.decode()
    assert response.json()["total"] == len(response.json()["results"]) or response.json()[
        "total"
    ] > len(response.json()["results"])


@pytest.mark.django_db
def test_page_beyond_the_last_is_empty_not_an_error(client: Any, indexed: Any) -> None:
    data = _api(client, q="shoe", page="50").json()

    assert data["results"] == []
    assert data["page"] == 50
    assert data["total"] == 3


@pytest.mark.django_db
def test_results_page_highlights_explains_and_escapes(client: Any, indexed: Any) -> None:
    response = client.get("/en/search/", {"q": "running <b>shoe</b>"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<mark>running</mark>" in html.lower()
    assert "Why this result?" in html
    assert "&lt;b&gt;shoe&lt;/b&gt;" in html
    assert "<b>shoe</b>" not in html


@pytest.mark.django_db
def test_support_questions_point_to_customer_service(client: Any, indexed: Any) -> None:
    response = client.get("/en/search/", {"q": "how do I return this"})

    html = response.content.decode()
    assert 'data-support-topic="returns"' in html
    assert "/en/accounts/login/" in html


@pytest.mark.django_db
def test_every_first_page_search_is_logged(client: Any, indexed: Any) -> None:
    _api(client, q="Running Shoe")
    _api(client, q="running shoe", page="2")
    _api(client, q="nothing matches zzqx", exact="1")

    logs = list(SearchLog.objects.order_by("pk").values_list("normalized", "result_count", "mode"))
    assert logs[0][0] == "running shoe"
    assert logs[0][2] == "hybrid"
    assert len(logs) == 2
    assert logs[1][0] == "nothing matches zzqx"


@pytest.mark.django_db
def test_no_index_degrades_to_keyword_search_and_says_so(client: Any, small_shop: Any) -> None:
    data = _api(client, q="headphones").json()

    assert data["mode"] == "keyword"
    assert data["degraded"].startswith("the search index is not built yet")
    assert [r["id"] for r in data["results"]] == [small_shop["products"]["anc"].pk]
    page = client.get("/en/search/", {"q": "headphones"}).content.decode()
    assert "data-degraded" in page


@pytest.mark.django_db
def test_index_of_another_embedder_serves_lexical_and_says_so(
    client: Any, indexed: Any, settings: Any
) -> None:
    from search import selectors

    settings.LLM_MODELS = {
        **settings.LLM_MODELS,
        "embed": {**settings.LLM_MODELS["embed"], "REVISION": "another-model"},
    }
    selectors.reset_caches()

    data = _api(client, q="headphones").json()

    assert data["mode"] == "lexical"
    assert data["degraded"].startswith("the search index was built with another embedding model")
    # "headphones" is read as the category: both of its products, the earbuds too.
    products = indexed["products"]
    assert {r["id"] for r in data["results"]} == {products["anc"].pk, products["buds"].pk}


@pytest.mark.django_db
def test_suggest_offers_popular_queries_categories_and_titles(
    client: Any, indexed: Any, settings: Any
) -> None:
    # One browser with a session is enough here; tests/search/test_popularity.py has the rules.
    settings.SEARCH_SUGGEST_MIN_SESSIONS = 1
    client.session.save()
    client.get(API, {"q": "running shoe"}, HTTP_USER_AGENT="Mozilla/5.0 Firefox/133.0")

    data = client.get("/api/search/suggest", {"q": "run"}).json()

    assert data["suggestions"][0] == {"type": "query", "text": "running shoe", "url": ""}
    kinds = [s["type"] for s in data["suggestions"]]
    assert "category" in kinds
    assert "product" in kinds
    assert client.get("/api/search/suggest", {"q": ""}).json()["suggestions"] == []


@pytest.mark.django_db
def test_admin_shows_top_and_zero_result_queries(admin_client: Any, indexed: Any) -> None:
    client_queries = ["running shoe", "running shoe", "zzqx"]
    for query in client_queries:
        admin_client.get(API, {"q": query, "exact": "1"})

    html = admin_client.get("/en/admin/search/searchlog/").content.decode()

    assert 'id="top-queries"' in html
    top = html.split('id="top-queries"')[1].split("</table>")[0]
    zero = html.split('id="zero-result-queries"')[1].split("</table>")[0]
    assert "<td>running shoe</td><td>2</td>" in top
    assert "<td>zzqx</td><td>1</td>" in zero
    assert "running shoe" not in zero


@pytest.mark.django_db
def test_clicks_from_results_carry_their_position(client: Any, indexed: Any) -> None:
    html = client.get("/en/search/", {"q": "running shoe"}).content.decode()

    assert "?from=search&amp;pos=1" in html
    assert json.dumps(1)


@pytest.mark.django_db
def test_a_query_of_only_constraints_browses_by_them(client: Any, indexed: Any) -> None:
    data = _api(client, q="under $60").json()

    products = indexed["products"]
    assert data["mode"] == "browse"
    assert data["parsed"]["price_max"] == "60"
    assert sorted(r["id"] for r in data["results"]) == sorted(
        [products["zh"].pk, products["buds"].pk]
    )


@pytest.mark.django_db
def test_filters_without_a_query_browse_the_category(client: Any, indexed: Any) -> None:
    data = _api(client, category="headphones", sort="price_desc").json()

    products = indexed["products"]
    assert [r["id"] for r in data["results"]] == [products["anc"].pk, products["buds"].pk]


@pytest.mark.django_db
def test_the_brand_alone_is_dropped_when_that_keeps_the_colour(client: Any, indexed: Any) -> None:
    """Stride makes no earbuds: the red earbuds of another brand, not Stride's shoes nor
    earbuds of any colour."""
    data = _api(client, q="stride red earbuds").json()

    assert data["relaxed_filters"] == ["brand"]
    assert data["dropped_filters"] == [{"kind": "brand", "label": "Stride"}]
    assert data["applied_filters"] == [{"kind": "attribute", "label": "Colour: Red"}]
    assert [r["id"] for r in data["results"]] == [indexed["products"]["buds"].pk]


@pytest.mark.django_db
def test_constraints_that_leave_only_similar_products_are_dropped(
    client: Any, indexed: Any
) -> None:
    """No blue earbuds exist: the colour read from the query goes, the red earbuds come back."""
    data = _api(client, q="blue earbuds").json()

    assert data["relaxed_filters"] == ["attributes"]
    assert data["results"][0]["id"] == indexed["products"]["buds"].pk


@pytest.mark.django_db
def test_two_word_queries_need_both_words(client: Any, indexed: Any) -> None:
    data = _api(client, q="trail shoe").json()

    assert [r["id"] for r in data["results"]][0] == indexed["products"]["trail"].pk
    assert data["results"][0]["why"]["query_coverage"] == 1.0
    keyword = [r for r in data["results"] if r["why"]["query_coverage"] == 1.0]
    assert [r["id"] for r in keyword] == [indexed["products"]["trail"].pk]


@pytest.mark.django_db
def test_support_questions_list_no_products(client: Any, indexed: Any) -> None:
    data = _api(client, q="how do I return this").json()

    assert data["parsed"]["intent"] == "support"
    assert data["results"] == []
    assert data["total"] == 0


@pytest.mark.django_db
def test_the_query_is_cleaned_and_cut_alike_everywhere(client: Any, indexed: Any) -> None:
    """The search form, the suggest API and the parser all use common.text.clean_query: NFKC,
    invisible characters out, 200 characters at most."""
    data = _api(client, q="  ｓｈｏｅ\u200b " + "x" * 10_000).json()
    suggest = client.get("/api/search/suggest", {"q": "ｒｕｎ\x00" + "y" * 300}).json()

    assert data["query"] == "shoe " + "x" * 195
    assert data["parsed"]["raw"] == "shoe " + "x" * 195
    assert suggest["query"] == "run " + "y" * 196


@pytest.mark.django_db
def test_a_search_fetches_its_product_cards_once(
    client: Any, indexed: Any, monkeypatch: Any
) -> None:
    from shop.catalog import selectors as catalog

    fetched: list[list[int]] = []
    cards_for_ids = catalog.cards_for_ids

    def counting(ids: Any, **options: Any) -> Any:
        fetched.append(list(ids))
        return cards_for_ids(ids, **options)

    monkeypatch.setattr(catalog, "cards_for_ids", counting)
    html = client.get("/en/search/", {"q": "running shoe"}).content.decode()
    data = _api(client, q="running shoe").json()

    ids = [r["id"] for r in data["results"]]
    assert fetched == [ids, ids]
    assert "?from=search&amp;pos=1" in html
    assert "?from=" not in data["results"][0]["url"]


class _FailingModels:
    """Stands in for llm: the embedder's error names an internal host, as a real client's does."""

    def __getitem__(self, alias: str) -> Any:
        from llm_services import LLMUnavailable

        raise LLMUnavailable("embed: cannot reach http://10.0.0.5:8000/v1 (connection refused)")


@pytest.mark.django_db
def test_a_failing_embedder_s_error_text_reaches_neither_api_nor_page(
    client: Any, indexed: Any, monkeypatch: Any
) -> None:
    """The public degraded note is generic; the exception (hosts, URLs) goes to the log only."""
    from search import ranking

    monkeypatch.setattr(ranking, "llm", _FailingModels())

    api = _api(client, q="headphones")
    page = client.get("/en/search/", {"q": "headphones"})

    assert api.json()["degraded"] == "semantic search is unavailable; showing keyword matches only"
    assert "10.0.0.5" not in api.content.decode()
    assert (page.status_code, "10.0.0.5" in page.content.decode()) == (200, False)


@pytest.mark.django_db
def test_a_price_sort_keeps_only_matches_the_embedder_finds_near(
    client: Any, indexed: Any, monkeypatch: Any
) -> None:
    """ "running" is in the earbuds' description ("wireless earbuds for running"), so by price
    the $59 earbuds would lead the running shoes. With no match whose title holds the words,
    once the embedder does not find them near the query (the demo's 2,000 products: outside
    its top 400), only the shoes are sorted."""
    from search import narrowing
    from search.ranking import Ranking

    products = indexed["products"]
    monkeypatch.setattr(narrowing, "titled", lambda ids, term_sets: [])
    before = _api(client, q="running", sort="price_asc").json()
    shoes = {products["road"].pk, products["trail"].pk}
    monkeypatch.setattr(Ranking, "near_ids", lambda self: shoes)

    after = _api(client, q="running", sort="price_asc").json()

    assert [r["id"] for r in before["results"]] == [
        products[name].pk for name in ("zh", "buds", "road", "trail")
    ]
    assert [r["id"] for r in after["results"]] == [products["road"].pk, products["trail"].pk]
    # Relevance order is the ranking's own: nothing is removed from it.
    relevance = _api(client, q="running").json()
    assert products["buds"].pk in {r["id"] for r in relevance["results"]}


def test_near_ids_are_the_matches_with_a_dense_rank() -> None:
    import types

    import numpy as np

    from search.query import parse_query
    from search.query.vocabulary import QueryVocabulary
    from search.ranking import Ranking
    from search.retrieval import Candidate, PreparedQuery

    prepared = PreparedQuery(parse_query("dress", QueryVocabulary.empty()), "dress", ["dress"])
    index = types.SimpleNamespace(keys=np.array([10, 11, 12]))
    candidates = [Candidate(row=0, dense_rank=3), Candidate(row=1), Candidate(row=2, dense_rank=1)]

    with_vector = Ranking(prepared, [10, 11, 12], candidates, index=index, vector=np.ones(3))
    without = Ranking(prepared, [10, 11, 12], candidates, index=index, vector=None)

    assert with_vector.near_ids() == {10, 12}
    assert without.near_ids() is None


@pytest.mark.django_db
def test_a_dropped_colour_lists_the_nearest_colours_first(client: Any, small_shop: Any) -> None:
    """No burgundy running shoe exists: the colour is dropped, and the red shoes (burgundy's
    nearest colour in CIELAB among red and blue) come before the blue one."""
    from search.services import rebuild_shop_index
    from tests.factories import AttributeOptionFactory

    AttributeOptionFactory(
        attribute=small_shop["red"].attribute, value="burgundy", label="Burgundy", label_zh="酒红色"
    )
    rebuild_shop_index()
    products = small_shop["products"]

    data = _api(client, q="burgundy running shoe").json()
    zh = _api(client, q="酒红色跑步鞋", lang="zh-hans").json()

    assert data["relaxed_filters"] == ["attributes"]
    assert data["dropped_filters"] == [{"kind": "attribute", "label": "Colour: Burgundy"}]
    ids = [r["id"] for r in data["results"]]
    reds = {products["road"].pk, products["zh"].pk}
    assert set(ids[:2]) == reds
    assert ids[2] == products["trail"].pk
    assert data["alternatives"] == ["Red", "Blue"]
    assert zh["alternatives"] == ["红色", "蓝色"]


@pytest.mark.django_db
def test_a_query_read_whole_gets_the_same_order_in_both_languages(
    client: Any, indexed: Any
) -> None:
    """Every word became a filter (the category): the category's products by popularity,
    whichever language named it, except that the first row is what the page's reader can
    read (nothing sold yet: newest first, so the Chinese-only shoe leads in Chinese only)."""
    english = _api(client, q="running shoes").json()
    chinese = _api(client, q="跑步鞋", lang="zh-hans").json()

    products = indexed["products"]
    assert [r["id"] for r in english["results"]] == [
        products[k].pk for k in ("trail", "road", "zh")
    ]
    assert [r["id"] for r in chinese["results"]] == [
        products[k].pk for k in ("zh", "road", "trail")
    ]
    assert english["sort"] == chinese["sort"] == "popular"


@pytest.mark.django_db
def test_sorting_by_price_keeps_the_matches_whose_title_holds_the_words(
    client: Any, indexed: Any
) -> None:
    """The earbuds' copy says "wireless", their title does not: the cheapest wireless
    product is the headphones."""
    data = _api(client, q="cheapest wireless").json()

    assert [r["id"] for r in data["results"]] == [indexed["products"]["anc"].pk]
    assert data["sort"] == "price_asc"


@pytest.mark.django_db
def test_a_gift_for_someone_lists_what_suits_them(client: Any, small_shop: Any) -> None:
    from search.services import rebuild_shop_index
    from shop.catalog.cache import invalidate_catalog_cache
    from tests.factories import AttributeFactory, AttributeOptionFactory, CategoryAttributeFactory

    gender = AttributeFactory(code="gender", name="Gender", name_zh="性别")
    for value, label in (("women", "Women"), ("men", "Men"), ("unisex", "Unisex")):
        AttributeOptionFactory(attribute=gender, value=value, label=label)
    CategoryAttributeFactory(category=small_shop["shoes"], attribute=gender, filterable=True)
    products = small_shop["products"]
    for key, value in (("road", "women"), ("trail", "men"), ("zh", "unisex")):
        products[key].attributes = {**products[key].attributes, "gender": value}
        products[key].save()
    invalidate_catalog_cache()
    rebuild_shop_index()

    mum = _api(client, q="gift for mum").json()
    dad = _api(client, q="送给爸爸的礼物", lang="zh-hans").json()

    assert sorted(r["id"] for r in mum["results"]) == sorted(
        [products["road"].pk, products["zh"].pk]
    )
    assert sorted(r["id"] for r in dad["results"]) == sorted(
        [products["trail"].pk, products["zh"].pk]
    )
    assert mum["parsed"]["gift"] == {"recipient": "women", "occasion": "", "youngest": False}
    assert mum["applied_filters"] == [{"kind": "gift", "label": "Gift for her"}]
    assert dad["applied_filters"] == [{"kind": "gift", "label": "送给他的礼物"}]


@pytest.mark.django_db
def test_words_no_product_holds_keep_the_product_type_named(client: Any, indexed: Any) -> None:
    """No product holds both "sole" (a shoe word) and "headphones": the headphones (the
    type named) come, closest first, not whatever else is nearest; the page says why."""
    data = _api(client, q="sole headphones").json()
    page = client.get("/en/search/", {"q": "sole headphones"}).content.decode()

    products = indexed["products"]
    assert {r["id"] for r in data["results"]} == {products["anc"].pk, products["buds"].pk}
    assert (data["relaxed_filters"], data["dropped_filters"]) == (["words"], [])
    assert data["applied_filters"] == [{"kind": "category", "label": "Headphones"}]
    assert "No product of this kind holds every word of your search" in page


@pytest.mark.django_db
def test_words_no_product_holds_keep_the_other_constraints_when_products_meet_them(
    client: Any, indexed: Any
) -> None:
    """ "blue sole headphones": still no product holds the words; the blue pair meets the
    colour too, so it alone comes, the colour's chip kept."""
    data = _api(client, q="blue sole headphones").json()

    assert [r["id"] for r in data["results"]] == [indexed["products"]["anc"].pk]
    assert (data["relaxed_filters"], data["dropped_filters"]) == (["words"], [])
    assert [chip["kind"] for chip in data["applied_filters"]] == ["category", "attribute"]


@pytest.mark.django_db
def test_the_embedders_additions_come_from_the_keyword_matches_categories(
    client: Any, indexed: Any, monkeypatch: Any
) -> None:
    """A product the embedder adds after the keyword matches stays when it is in one of
    their categories and is left out when it is not."""
    from search import narrowing
    from search.ranking import Ranking

    products = indexed["products"]
    keyword = {products[k].pk for k in ("road", "trail", "buds")}
    # "running" as if the Chinese-only shoe were no keyword match, only the embedder's.
    monkeypatch.setattr(Ranking, "keyword_ids", property(lambda self: keyword))
    before = {r["id"] for r in _api(client, q="running").json()["results"]}
    categories = {p.pk: p.category_id for p in products.values()}
    monkeypatch.setattr(
        narrowing, "product_categories", lambda: {**categories, products["zh"].pk: -1}
    )
    after = {r["id"] for r in _api(client, q="running").json()["results"]}

    assert before == keyword | {products["zh"].pk}
    assert after == keyword


@pytest.mark.django_db
def test_a_gift_for_a_newborn_lists_the_youngest_age_range_first(client: Any, db: Any) -> None:
    from search.services import rebuild_shop_index
    from tests.factories import (
        AttributeFactory,
        AttributeOptionFactory,
        CategoryAttributeFactory,
        CategoryFactory,
        ProductFactory,
    )

    baby = CategoryFactory(name="Baby clothing", slug="baby-clothing")
    age = AttributeFactory(code="baby_age", name="Baby age")
    for position, value in enumerate(("0-6m", "6-12m", "12-24m")):
        AttributeOptionFactory(attribute=age, value=value, label=value, position=position)
    CategoryAttributeFactory(category=baby, attribute=age, filterable=True)
    older = ProductFactory(category=baby, title="Bodysuit set", attributes={"baby_age": "12-24m"})
    young = ProductFactory(category=baby, title="Bodysuit set", attributes={"baby_age": "0-6m"})
    middle = ProductFactory(category=baby, title="Bodysuit set", attributes={"baby_age": "6-12m"})
    rebuild_shop_index()

    newborn = _api(client, q="gift for a newborn").json()
    any_baby = _api(client, q="gift for a baby").json()

    assert [r["id"] for r in newborn["results"]] == [young.pk, middle.pk, older.pk]
    assert {r["id"] for r in any_baby["results"]} == {young.pk, middle.pk, older.pk}


@pytest.mark.django_db
def test_a_gift_brings_forward_what_shoppers_choose_for_the_recipient(client: Any, db: Any) -> None:
    """Once the log shows activity on women's products of one category, a gift for her lists
    that category earlier: the page's order is the nearest-first order fused with the
    recipient's category affinity (search.listing.affinity_first)."""
    from search.listing import affinity_first
    from search.services import rebuild_shop_index
    from shop.catalog.cache import invalidate_catalog_cache
    from tests.factories import (
        AttributeFactory,
        AttributeOptionFactory,
        CategoryAttributeFactory,
        CategoryFactory,
        ProductFactory,
    )

    gender = AttributeFactory(code="gender", name="Gender")
    AttributeOptionFactory(attribute=gender, value="women", label="Women")
    products = []
    for name in ("Necklaces", "Scarves", "Handbags", "Perfume"):
        category = CategoryFactory(name=name, slug=name.lower())
        CategoryAttributeFactory(category=category, attribute=gender, filterable=True)
        products.append(
            ProductFactory(category=category, title=f"{name} gift", attributes={"gender": "women"})
        )
    rebuild_shop_index()
    before = [r["id"] for r in _api(client, q="gift for mum").json()["results"]]
    last = next(p for p in products if p.pk == before[-1])
    type(last).objects.filter(pk=last.pk).update(popularity=5.0)
    invalidate_catalog_cache()

    after = [r["id"] for r in _api(client, q="gift for mum").json()["results"]]

    assert sorted(before) == sorted(p.pk for p in products)
    assert after == affinity_first(before, "women")
    assert after.index(last.pk) < before.index(last.pk)


@pytest.mark.django_db
def test_an_age_lists_the_products_for_it_or_is_named_as_dropped(client: Any, db: Any) -> None:
    """ "toys for a 3 year old": the 3-5 toy only, the age shown as understood; no running shoe
    states an age, so for shoes the age is dropped, not the shoes."""
    from search.services import rebuild_shop_index
    from tests.factories import (
        AttributeFactory,
        AttributeOptionFactory,
        CategoryAttributeFactory,
        CategoryFactory,
        ProductFactory,
    )

    age = AttributeFactory(code="age_range", name="Age range")
    for value, label in (("0-2", "0–2 years"), ("3-5", "3–5 years")):
        AttributeOptionFactory(attribute=age, value=value, label=label)
    toys = CategoryFactory(name="Toys", slug="toys")
    CategoryAttributeFactory(category=toys, attribute=age, filterable=True)
    baby_toy = ProductFactory(
        category=toys, title="Stacking rings toy", attributes={"age_range": "0-2"}
    )
    toddler_toy = ProductFactory(
        category=toys, title="Wooden train toy", attributes={"age_range": "3-5"}
    )
    shoes = CategoryFactory(name="Running shoes", slug="running-shoes")
    shoe = ProductFactory(category=shoes, title="Road running shoe", attributes={})
    rebuild_shop_index()

    toddler = _api(client, q="toys for a 3 year old").json()
    running = _api(client, q="running shoes for a 3 year old").json()
    chinese = _api(client, q="3岁", lang="zh-hans").json()

    assert [r["id"] for r in toddler["results"]] == [toddler_toy.pk]
    assert toddler["applied_filters"] == [
        {"kind": "category", "label": "Toys"},
        {"kind": "age", "label": "Age: 3 years"},
    ]
    assert [r["id"] for r in running["results"]] == [shoe.pk]
    assert running["dropped_filters"] == [{"kind": "age", "label": "Age: 3 years"}]
    assert [r["id"] for r in chinese["results"]] == [toddler_toy.pk]
    assert chinese["applied_filters"] == [{"kind": "age", "label": "年龄：3岁"}]
    assert baby_toy.pk not in {r["id"] for r in toddler["results"] + chinese["results"]}


@pytest.mark.django_db
def test_keyword_matches_whose_title_holds_the_words_come_first(client: Any, db: Any) -> None:
    """ "slide": the sandal whose copy says "slide" again and again ranks first on its words;
    the product titled a slide is listed before it (no learned stage orders them)."""
    from search.ranking import rank_products
    from search.services import rebuild_shop_index
    from tests.factories import CategoryFactory, ProductFactory

    shoes = CategoryFactory(name="Sandals", slug="sandals")
    sandal = ProductFactory(
        category=shoes,
        title="Sport sandal",
        description="Slide it on, slide it off: a slide-easy strap for every slide.",
    )
    pool = ProductFactory(
        category=shoes,
        title="Pool slide",
        description="A soft footbed and a wide strap, for the beach and the changing room.",
    )
    rebuild_shop_index()

    served = rank_products("slide").product_ids
    data = _api(client, q="slide").json()

    assert served == [sandal.pk, pool.pk]
    assert [r["id"] for r in data["results"]] == [pool.pk, sandal.pk]
