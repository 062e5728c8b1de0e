from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from shop.catalog.cache import invalidate_catalog_cache
from shop.catalog.models import Product, ProductImage
from shop.interactions.models import Interaction
from tests.catalog.test_selectors import build_small_catalog
from tests.factories import ProductTranslationFactory, ReviewFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reset_language():
    """Requests to /zh-hans/ activate Chinese in this thread; later tests expect the default."""
    yield
    translation.deactivate()


# 13: the review insights' "Customers mention" slot reads one stored summary row by key for a
# product with reviews (insights/templatetags/insights_tags.py).
MAX_QUERIES = 13


@pytest.fixture
def small_catalog():
    """The catalog described in test_selectors.build_small_catalog."""
    return build_small_catalog()


def titles(response):
    return [card.title for card in response.context["products"]]


def main(response):
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def ids(response):
    return [card.id for card in response.context["products"]]


# --- home -------------------------------------------------------------------------------------


def test_home_lists_top_categories_and_new_arrivals(client, small_catalog):
    """Home shows top-level categories, the newest active products and the empty slot."""
    c = small_catalog
    Product.objects.filter(pk=c.book.pk).update(created_at=c.p1.created_at.replace(year=2020))
    response = client.get("/en/")
    assert response.status_code == 200
    assert [n.slug for n in response.context["categories"]] == ["clothing", "books"]
    assert [card.id for card in response.context["new_arrivals"]] == [
        c.p4.pk,
        c.p3.pk,
        c.p2.pk,
        c.p1.pk,
        c.book.pk,
    ]
    html = response.content.decode()
    assert 'data-slot="recommendations"' in html
    assert "Draft Shirt" not in html
    assert "New arrivals" in html


def test_home_in_chinese(client, small_catalog):
    """The Chinese home page shows translated UI and category names."""
    html = client.get("/zh-hans/").content.decode()
    assert '<h2 id="new-title">新品上架</h2>' in html
    assert '<span class="category-name">服装</span>' in html
    assert '<span class="category-name" lang="en">Books</span>' in html


def test_home_query_budget(client, small_catalog, django_assert_max_num_queries):
    """Home stays within the query budget on a cold cache, in both languages."""
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/en/").status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/zh-hans/").status_code == 200


# --- category ---------------------------------------------------------------------------------


def test_category_page_lists_descendant_products_with_breadcrumbs(client, small_catalog):
    """The category page shows the category and subcategory products, facets and subnav."""
    c = small_catalog
    response = client.get("/en/c/clothing/")
    assert response.status_code == 200
    assert ids(response) == [c.p2.pk, c.p3.pk, c.p1.pk, c.p4.pk]
    html = response.content.decode()
    assert '<a class="chip" href="/en/c/shirts/">Shirts</a>' in html
    assert "4 products" in html
    assert (
        '<input type="checkbox" name="attr_color" value="red"> '
        '<svg class="swatch" viewBox="0 0 2 2" aria-hidden="true">'
        '<circle cx="1" cy="1" r="1" fill="#c0392b"/></svg>'
        '<span class="facet-label">Red</span> <span class="count">2</span>'
    ) in html
    assert "A Book" not in html
    shirts = client.get("/en/c/shirts/")
    assert ids(shirts) == [c.p2.pk, c.p1.pk]
    assert [n.slug for n in shirts.context["breadcrumbs"]] == ["clothing"]


def test_category_filters_from_query_string(client, small_catalog):
    """Brand, attribute, price and stock parameters narrow the listing exactly."""
    c = small_catalog
    response = client.get("/en/c/clothing/?brand=acme&attr_color=red&attr_color=blue")
    assert ids(response) == [c.p2.pk, c.p1.pk]
    response = client.get("/en/c/clothing/?price_min=30&price_max=60&in_stock=1")
    assert ids(response) == [c.p3.pk]
    response = client.get("/en/c/clothing/?attr_size=m&sort=price_desc")
    assert ids(response) == [c.p3.pk, c.p2.pk]
    html = response.content.decode()
    assert '<option value="price_desc" selected>' in html
    assert 'href="?sort=price_desc"' in html  # chip that removes the size filter


def test_category_facet_counts_in_page(client, small_catalog):
    """Facet counts shown on the page are disjunctive, as computed by the selector."""
    response = client.get("/en/c/clothing/?attr_color=red&brand=acme")
    facets = {f.param: {o.value: (o.count, o.selected) for o in f.options} for f in
              response.context["facets"]}  # fmt: skip
    assert facets == {
        "brand": {"acme": (1, True), "zenith": (1, False)},
        "attr_color": {"black": (0, False), "red": (1, True), "blue": (1, False)},
        "attr_size": {"s": (1, False), "m": (0, False)},
    }


def test_category_query_budget_with_filters(client, small_catalog, django_assert_max_num_queries):
    """A filtered, sorted category page stays within budget even on a cold cache."""
    url = "/en/c/clothing/?brand=acme&attr_color=red&price_min=1&in_stock=1&sort=newest"
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(url.replace("/en/", "/zh-hans/")).status_code == 200


def test_category_query_budget_logged_in(client, small_catalog, django_assert_max_num_queries):
    """Session and user lookups still fit the budget on a cold cache."""
    client.force_login(UserFactory())
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/zh-hans/c/clothing/?attr_size=s").status_code == 200


def test_warm_category_page_needs_no_query(client, small_catalog, django_assert_num_queries):
    """A repeated listing is served from the cached fragment: same HTML, no database query."""
    first = client.get("/en/c/clothing/?attr_color=red")
    with django_assert_num_queries(0):
        second = client.get("/en/c/clothing/?attr_color=red&utm_source=x")
    assert main(second) == main(first)
    assert "utm_source" not in main(second)


def test_category_fragment_refreshes_after_invalidation(client, small_catalog):
    """Catalog writes followed by invalidate_catalog_cache() show up on the next request."""
    client.get("/en/c/clothing/")
    Product.objects.filter(pk=small_catalog.p1.pk).update(price=Decimal("21.00"))
    assert "$21.00" not in client.get("/en/c/clothing/").content.decode()
    invalidate_catalog_cache()
    assert "$21.00" in client.get("/en/c/clothing/").content.decode()


@pytest.fixture
def page_size_two(settings):
    settings.SHOP_PAGE_SIZE = 2


@pytest.mark.parametrize(
    ("page", "expected_page", "expected"),
    [
        ("1", 1, ["p2", "p3"]),
        ("2", 2, ["p1", "p4"]),
        ("abc", 1, ["p2", "p3"]),
        ("999999", 2, ["p1", "p4"]),
        ("-1", 1, ["p2", "p3"]),
        ("", 1, ["p2", "p3"]),
    ],
)
def test_pagination_and_bad_page_params(
    client, small_catalog, page_size_two, page, expected_page, expected
):
    """Bad page numbers show page 1 (not a number) or the last page (too large)."""
    response = client.get(f"/en/c/clothing/?page={page}")
    assert response.status_code == 200
    assert response.context["page_obj"].number == expected_page
    assert ids(response) == [getattr(small_catalog, name).pk for name in expected]


def test_pagination_links_keep_filters(client, small_catalog, page_size_two):
    """Page links carry the active filters."""
    response = client.get("/en/c/clothing/?attr_size=s&attr_size=m")
    assert 'href="?attr_size=m&amp;attr_size=s&amp;page=2"' in response.content.decode()


def test_bad_price_is_ignored_with_a_visible_note(client, small_catalog):
    """A non-numeric price is reported next to the field and does not filter."""
    c = small_catalog
    response = client.get("/en/c/clothing/?price_min=abc&price_max=60")
    assert response.status_code == 200
    assert ids(response) == [c.p2.pk, c.p3.pk, c.p1.pk]
    html = response.content.decode()
    assert (
        '<p class="field-error" id="price-min-error">Minimum price ignored: Enter a number.</p>'
        in html
    )


def test_inverted_price_range_ignores_the_maximum(client, small_catalog):
    """A maximum below the minimum is dropped with an explanation; the minimum still applies."""
    c = small_catalog
    response = client.get("/en/c/clothing/?price_min=40&price_max=10")
    assert ids(response) == [c.p3.pk, c.p4.pk]
    assert "The maximum price is below the minimum price, so it was ignored." in (
        response.content.decode()
    )


def test_unknown_sort_and_options_fall_back_to_defaults(client, small_catalog):
    """An unknown sort means "popular"; unknown brands or options are ignored."""
    c = small_catalog
    response = client.get("/en/c/clothing/?sort=bogus&brand=nope&attr_color=purple&attr_x=1")
    assert response.status_code == 200
    assert response.context["filters"].sort == "popular"
    assert ids(response) == [c.p2.pk, c.p3.pk, c.p1.pk, c.p4.pk]


@pytest.mark.parametrize(
    "query",
    [
        "attr_color=%FF%FE&brand=%C0&sort=%00",
        "price_min=1e999&price_max=NaN",
        "price_min=" + "9" * 5000,
        "x=" + "a" * 20000,
        "attr_color=red&attr_color=" + "&attr_color=".join(["b"] * 500),
        "in_stock=%00&page=%FF",
    ],
)
def test_odd_query_strings_never_fail(client, small_catalog, query):
    """Invalid bytes, huge numbers and very long query strings still render the listing."""
    assert client.get(f"/en/c/clothing/?{query}").status_code == 200


def test_server_error_page_renders_without_context(rf):
    """The 500 page needs no request context, database or context processors."""
    response = server_error(rf.get("/en/"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_unknown_category_is_a_404_page(client, small_catalog):
    """Unknown category slugs get the shop's 404 page in the visitor's language."""
    response = client.get("/en/c/no-such-category/")
    assert response.status_code == 404
    assert "<h1>We couldn't find that page</h1>" in response.content.decode()


# --- product ----------------------------------------------------------------------------------


def test_product_page_content(client, small_catalog):
    """Title, brand, price with sale, stock, highlights, description, attributes, reviews."""
    c = small_catalog
    Product.objects.filter(pk=c.p1.pk).update(
        compare_at_price=Decimal("25.00"),
        highlights=["Breathable cotton", "Machine washable"],
        description="Soft red shirt.",
    )
    ReviewFactory(product=c.p1, rating=5, title="Lovely", author_name="Grace H.")
    ReviewFactory(product=c.p1, rating=4, title="Good fit", verified_purchase=True)
    response = client.get("/en/p/red-shirt/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="product-title">Red Shirt</h1>' in html
    assert '<p class="product-brand">Acme</p>' in html
    assert '<span class="price price-large">$20.00</span>' in html
    assert (
        '<s class="price-compare"><span class="visually-hidden">Regular price:</span> $25.00</s>'
    ) in html
    assert '<span class="badge badge-sale">Sale</span>' in html
    assert "Only 5 left in stock" in html
    assert "<li>Breathable cotton</li><li>Machine washable</li>" in html
    assert "<p>Soft red shirt.</p>" in html
    assert '<tr><th scope="row">Color</th><td>Red</td></tr>' in html
    assert '<tr><th scope="row">Size</th><td>S</td></tr>' in html
    assert "Rated 4.5 out of 5 from 2 reviews" in html
    assert html.count('<li class="review"') == 2
    assert "Grace H." in html
    assert '<span class="badge badge-verified">Verified purchase</span>' in html
    assert 'data-slot="similar-products"' in html
    assert [n.slug for n in response.context["product"].breadcrumbs] == ["clothing", "shirts"]


def test_product_page_placeholder_and_images(client, small_catalog):
    """Products without images get an inline SVG placeholder; images are shown otherwise."""
    c = small_catalog
    html = client.get("/en/p/red-shirt/").content.decode()
    assert '<svg class="gallery-main placeholder"' in html
    assert '<img class="gallery-main"' not in html
    ProductImage.objects.create(
        product=c.p1, external_url="https://img.example.com/red.jpg", alt_text="Red shirt, front"
    )
    invalidate_catalog_cache()
    html = client.get("/en/p/red-shirt/").content.decode()
    assert (
        '<img class="gallery-main" src="https://img.example.com/red.jpg" alt="Red shirt, front"'
    ) in html


def test_product_page_follows_price_and_stock_without_invalidation(client, small_catalog):
    """The cached product body is keyed by price and stock, so changes show at once."""
    assert "$20.00" in client.get("/en/p/red-shirt/").content.decode()
    Product.objects.filter(pk=small_catalog.p1.pk).update(price=Decimal("18.00"), stock=0)
    html = client.get("/en/p/red-shirt/").content.decode()
    assert '<span class="price price-large">$18.00</span>' in html
    assert "Out of stock" in html


def test_product_stock_states(client, small_catalog):
    """Out of stock, low stock and in stock read differently."""
    assert "Out of stock" in client.get("/en/p/blue-shirt/").content.decode()
    assert "Only 1 left in stock" in client.get("/en/p/black-coat/").content.decode()


def test_product_query_budget(client, small_catalog, django_assert_max_num_queries):
    """The product page, with a logged click, stays within budget on a cold cache."""
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/zh-hans/p/red-shirt/?from=search&pos=2").status_code == 200
    client.force_login(UserFactory())
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get("/en/p/red-shirt/").status_code == 200


def test_draft_and_unknown_products_are_404(client, small_catalog):
    """Draft products are invisible to shoppers, like unknown slugs."""
    assert client.get("/en/p/draft-shirt/").status_code == 404
    assert client.get("/en/p/nope/").status_code == 404
    assert Interaction.objects.count() == 0


def test_product_view_is_recorded(client, small_catalog):
    """Each product page view logs one view interaction with the visitor's language."""
    client.get("/zh-hans/p/red-shirt/")
    assert list(
        Interaction.objects.values_list(
            "kind", "product_id", "user_id", "language", "source", "position", "query"
        )
    ) == [("view", small_catalog.p1.pk, None, "zh-hans", "", None, "")]


def test_click_from_search_is_recorded_with_position(client, small_catalog):
    """A product link from a result list logs a click with its source and position."""
    user = UserFactory()
    client.force_login(user)
    client.get("/en/p/red-shirt/?from=search&pos=3")
    rows = Interaction.objects.order_by("id").values_list(
        "kind", "product_id", "user_id", "source", "position"
    )
    assert list(rows) == [
        ("view", small_catalog.p1.pk, user.pk, "", None),
        ("click", small_catalog.p1.pk, user.pk, "search", 3),
    ]


@pytest.mark.parametrize(
    "query", ["from=search&pos=abc", "from=search", "from=evil&pos=1", "pos=4", "from=search&pos=0"]
)
def test_bad_click_params_log_only_the_view(client, small_catalog, query):
    """Invalid or partial click parameters are ignored; the view is still logged."""
    response = client.get(f"/en/p/red-shirt/?{query}")
    assert response.status_code == 200
    assert list(Interaction.objects.values_list("kind", flat=True)) == ["view"]


# --- search -----------------------------------------------------------------------------------


def test_search_results_and_logging(client, small_catalog):
    """Results match every term; the search is logged with its result count."""
    c = small_catalog
    response = client.get("/en/search/?q=coat")
    assert response.status_code == 200
    assert ids(response) == [c.p3.pk, c.p4.pk]
    html = response.content.decode()
    assert "2 results for “coat”" in html
    assert 'href="/en/p/red-coat/?from=search&amp;pos=1"' in html
    assert 'href="/en/p/black-coat/?from=search&amp;pos=2"' in html
    # No search index in this test: the labelled keyword fallback answers.
    assert "data-degraded" in html
    assert list(Interaction.objects.values_list("kind", "query", "result_count", "language")) == [
        ("search", "coat", 2, "en")
    ]


def test_search_positions_continue_on_later_pages(client, small_catalog, page_size_two):
    """Positions count across pages, and paging does not log a new search."""
    response = client.get("/en/search/?q=e&page=2")
    assert [card.link.split("?")[1] for card in response.context["products"]] == [
        "from=search&pos=3",
        "from=search&pos=4",
    ]
    assert Interaction.objects.count() == 0


def test_search_finds_chinese_translations(client, small_catalog):
    """Chinese terms match translated titles; results are shown in Chinese."""
    ProductTranslationFactory(product=small_catalog.p3, title="红色大衣")
    response = client.get("/zh-hans/search/?q=大衣")
    assert titles(response) == ["红色大衣"]


def test_search_without_query_shows_a_prompt(client, small_catalog):
    """An empty query renders the prompt and logs nothing."""
    response = client.get("/en/search/?q=+++")
    assert response.status_code == 200
    assert "Type a word or two above" in response.content.decode()
    assert "products" not in response.context
    assert Interaction.objects.count() == 0


def test_search_without_results(client, small_catalog):
    """No match: a friendly message and the search is still logged with 0 results."""
    response = client.get("/en/search/?q=zzzz")
    assert "No products match your search." in response.content.decode()
    assert list(Interaction.objects.values_list("query", "result_count")) == [("zzzz", 0)]


@pytest.mark.parametrize("query", ["%00abc", "%FF%FE", "a" * 5000, "%25%5F%5C"])
def test_search_odd_input(client, small_catalog, query):
    """NUL bytes, invalid UTF-8, long and LIKE-special input never fail."""
    assert client.get(f"/en/search/?q={query}").status_code == 200


# --- languages --------------------------------------------------------------------------------


def test_language_switch_shows_chinese_ui_and_products(client, small_catalog):
    """After set_language the Chinese page shows Chinese UI, titles, and fallback badges."""
    ProductTranslationFactory(product=small_catalog.p1, title="红色衬衫")
    response = client.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": "/en/c/clothing/"}, follow=False
    )
    assert response.status_code == 302
    assert response["Location"] == "/zh-hans/c/clothing/"
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="zh-hans">' in html
    assert "筛选" in html  # "Filters"
    assert "4 件商品" in html
    assert '<h3 class="card-title">红色衬衫</h3>' in html
    assert '<h3 class="card-title" lang="en">Blue Shirt</h3>' in html
    assert '<span class="badge badge-lang">仅英文</span>' in html
    assert "<h1>服装</h1>" in html


def test_header_language_switcher_points_to_the_same_page(client, small_catalog):
    """The switcher posts to set_language with next = this page in the other language."""
    html = client.get("/en/p/red-shirt/?from=search&pos=1").content.decode()
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert (
        '<input type="hidden" name="next" value="/zh-hans/p/red-shirt/?from=search&amp;pos=1">'
    ) in html
    assert (
        'value="zh-hans" lang="zh-hans" title="简体中文" class="lang-button">中文</button>' in html
    )


def test_chinese_product_page_uses_translation_and_labels(client, small_catalog):
    """The Chinese product page shows the translated text and Chinese attribute labels."""
    ProductTranslationFactory(
        product=small_catalog.p1, title="红色衬衫", description="柔软的衬衫。", highlights=["透气"]
    )
    with translation.override("zh-hans"):
        html = client.get("/zh-hans/p/red-shirt/").content.decode()
    assert '<h1 id="product-title">红色衬衫</h1>' in html
    assert "<p>柔软的衬衫。</p>" in html
    assert "<li>透气</li>" in html
    assert '<tr><th scope="row">颜色</th><td>红色</td></tr>' in html
    assert "规格" in html  # "Specifications"
    assert "仅英文" not in html


def test_untranslated_product_page_shows_fallback_badge(client, small_catalog):
    """Without a Chinese translation the English text is shown, marked as English."""
    html = client.get("/zh-hans/p/blue-shirt/").content.decode()
    assert '<h1 id="product-title" lang="en">Blue Shirt</h1>' in html
    assert "仅英文" in html


def test_the_footer_states_the_return_window_of_the_settings(client, small_catalog, settings):
    """The footer's promise follows SHOP_RETURN_WINDOW_DAYS, in both languages."""
    settings.SHOP_RETURN_WINDOW_DAYS = 14

    english = client.get("/en/").content.decode()
    chinese = client.get("/zh-hans/").content.decode()

    assert "Free returns within 14 days." in english
    assert "14 天内免费退货" in chinese
