from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import translation

from shop.catalog import selectors
from shop.catalog.cache import invalidate_catalog_cache
from shop.catalog.models import Attribute, Category, Product
from shop.catalog.selectors import ListingFilters, cards
from tests.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    BrandFactory,
    CategoryAttributeFactory,
    CategoryFactory,
    CategoryTranslationFactory,
    ProductFactory,
    ProductTranslationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Selectors read the active language; requests in other tests may leave another active."""
    with translation.override("en"):
        yield


@dataclass
class SmallCatalog:
    clothing: Category
    shirts: Category
    books: Category
    p1: Product
    p2: Product
    p3: Product
    p4: Product
    draft: Product
    book: Product


def build_small_catalog() -> SmallCatalog:
    """Clothing > Shirts with four active products, a draft and an unrelated book.

    | product | category | brand  | price | color | size | stock | popularity | rating |
    | p1      | Shirts   | Acme   | 20    | red   | s    | 5     | 10         | 4.50   |
    | p2      | Shirts   | Acme   | 35    | blue  | m    | 0     | 30         | -      |
    | p3      | Clothing | Zenith | 50    | red   | m    | 2     | 20         | 3.00   |
    | p4      | Clothing | Zenith | 80    | black | s    | 1     | 5          | 5.00   |
    """
    clothing = CategoryFactory(name="Clothing", slug="clothing", position=1)
    CategoryTranslationFactory(category=clothing, name="服装")
    shirts = CategoryFactory(name="Shirts", slug="shirts", parent=clothing)
    CategoryTranslationFactory(category=shirts, name="衬衫")
    books = CategoryFactory(name="Books", slug="books", position=2)
    color = AttributeFactory(code="color", name="Color", name_zh="颜色")
    for position, (value, label, label_zh) in enumerate(
        [("black", "Black", "黑色"), ("red", "Red", "红色"), ("blue", "Blue", "蓝色")]
    ):
        AttributeOptionFactory(
            attribute=color, value=value, label=label, label_zh=label_zh, position=position
        )
    size = AttributeFactory(code="size", name="Size", name_zh="尺码")
    AttributeOptionFactory(attribute=size, value="s", label="S", position=0)
    AttributeOptionFactory(attribute=size, value="m", label="M", position=1)
    fabric = AttributeFactory(code="fabric", name="Fabric", kind=Attribute.Kind.TEXT)
    weight = AttributeFactory(code="weight", name="Weight", kind=Attribute.Kind.NUMBER, unit="g")
    CategoryAttributeFactory(category=clothing, attribute=color, position=0)
    CategoryAttributeFactory(category=clothing, attribute=size, position=1)
    CategoryAttributeFactory(category=shirts, attribute=fabric, position=2, filterable=False)
    CategoryAttributeFactory(category=shirts, attribute=weight, position=3)
    acme = BrandFactory(name="Acme", slug="acme", name_zh="艾克美")
    zenith = BrandFactory(name="Zenith", slug="zenith")

    def product(slug, category, brand, price, color, size, stock, popularity, **extra):
        return ProductFactory(
            slug=slug,
            title=slug.replace("-", " ").title(),
            category=category,
            brand=brand,
            price=Decimal(price),
            attributes={"color": color, "size": size},
            stock=stock,
            popularity=popularity,
            **extra,
        )

    p1 = product(
        "red-shirt", shirts, acme, "20.00", "red", "s", 5, 10,
        rating_average=Decimal("4.50"), review_count=2,
    )  # fmt: skip
    p2 = product("blue-shirt", shirts, acme, "35.00", "blue", "m", 0, 30)
    p3 = product(
        "red-coat", clothing, zenith, "50.00", "red", "m", 2, 20,
        rating_average=Decimal("3.00"), review_count=1,
    )  # fmt: skip
    p4 = product(
        "black-coat", clothing, zenith, "80.00", "black", "s", 1, 5,
        rating_average=Decimal("5.00"), review_count=1,
    )  # fmt: skip
    draft = product(
        "draft-shirt", shirts, acme, "10.00", "red", "s", 9, 99, status=Product.Status.DRAFT
    )
    book = ProductFactory(slug="a-book", title="A Book", category=books, popularity=50)
    # Newest first by creation order: p4 was created after p1, so force distinct timestamps.
    for offset, item in enumerate([p1, p2, p3, p4]):
        Product.objects.filter(pk=item.pk).update(
            created_at=p1.created_at.replace(year=2024, month=1, day=1 + offset)
        )
    return SmallCatalog(clothing, shirts, books, p1, p2, p3, p4, draft, book)


@pytest.fixture
def small_catalog():
    return build_small_catalog()


def listing(catalog, **filters):
    node = selectors.category_tree().get(catalog.clothing.slug)
    return selectors.category_listing(node, ListingFilters(**filters))


def test_category_listing_includes_descendants_and_only_active_products(small_catalog):
    """A parent category lists its own and its subcategories' active products, nothing else."""
    c = small_catalog
    result = listing(c)
    assert result.product_ids == [c.p2.pk, c.p3.pk, c.p1.pk, c.p4.pk]  # popularity desc
    assert result.base_count == 4


def test_unfiltered_facet_counts(small_catalog):
    """Without filters every facet counts the whole category."""
    c = small_catalog
    result = listing(c)
    acme, zenith = c.p1.brand_id, c.p3.brand_id
    assert result.brand_counts == {acme: 2, zenith: 2}
    assert result.attribute_counts == {
        "color": {"red": 2, "blue": 1, "black": 1},
        "size": {"s": 2, "m": 2},
    }
    assert result.in_stock_count == 3
    assert (result.price_low, result.price_high) == (Decimal("20"), Decimal("80"))


def test_facet_counts_are_disjunctive(small_catalog):
    """Each facet is counted with every filter applied except its own."""
    c = small_catalog
    acme, zenith = c.p1.brand_id, c.p3.brand_id
    result = listing(c, attributes={"color": frozenset({"red"})}, brand_ids=frozenset({acme}))
    assert result.product_ids == [c.p1.pk]
    # brand facet: only color=red applies -> p1 (Acme), p3 (Zenith)
    assert result.brand_counts == {acme: 1, zenith: 1}
    # color facet: only brand=Acme applies -> p1 red, p2 blue; black still listed with 0
    assert result.attribute_counts["color"] == {"red": 1, "blue": 1, "black": 0}
    # size facet: both filters apply -> p1 only
    assert result.attribute_counts["size"] == {"s": 1, "m": 0}
    assert result.in_stock_count == 1


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"brand_ids": "zenith"}, ["p3", "p4"]),
        ({"price_min": Decimal("35")}, ["p2", "p3", "p4"]),
        ({"price_max": Decimal("35")}, ["p2", "p1"]),
        ({"price_min": Decimal("30"), "price_max": Decimal("60")}, ["p2", "p3"]),
        ({"attributes": {"color": frozenset({"red", "black"})}}, ["p3", "p1", "p4"]),
        ({"attributes": {"color": frozenset({"red"}), "size": frozenset({"m"})}}, ["p3"]),
        ({"in_stock": True}, ["p3", "p1", "p4"]),
        ({"in_stock": True, "price_max": Decimal("20")}, ["p1"]),
        ({"attributes": {"color": frozenset({"blue"})}, "in_stock": True}, []),
    ],
)
def test_filters_give_exact_product_sets(small_catalog, filters, expected):
    """Brand, price range, attribute and stock filters combine with AND (options with OR)."""
    c = small_catalog
    if filters.get("brand_ids") == "zenith":
        filters["brand_ids"] = frozenset({c.p3.brand_id})
    result = listing(c, **filters)
    assert result.product_ids == [getattr(c, name).pk for name in expected]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("popular", ["p2", "p3", "p1", "p4"]),
        ("newest", ["p4", "p3", "p2", "p1"]),
        ("price_asc", ["p1", "p2", "p3", "p4"]),
        ("price_desc", ["p4", "p3", "p2", "p1"]),
        ("rating", ["p4", "p1", "p3", "p2"]),
    ],
)
def test_sort_orders(small_catalog, sort, expected):
    """Every sort key orders the listing as named; unrated products sort last by rating."""
    c = small_catalog
    assert listing(c, sort=sort).product_ids == [getattr(c, name).pk for name in expected]


def test_listing_is_cached_until_invalidated(small_catalog, django_assert_num_queries):
    """A repeated listing costs no query; invalidate_catalog_cache() makes the next one fresh."""
    c = small_catalog
    listing(c)
    with django_assert_num_queries(0):
        assert listing(c).base_count == 4
    Product.objects.filter(pk=c.p4.pk).update(status=Product.Status.DRAFT)
    assert listing(c).base_count == 4
    invalidate_catalog_cache()
    assert listing(c).base_count == 3


@pytest.mark.usefixtures("small_catalog")
def test_build_facets_localizes_labels_and_marks_selection():
    """Facet labels come from the Chinese names; brand options use the brand's Chinese name."""
    with translation.override("zh-hans"):
        node = selectors.category_tree().get("clothing")
        schema = selectors.category_schema(node.id)
        filters = ListingFilters(attributes={"color": frozenset({"red"})})
        result = selectors.category_listing(node, filters, schema=schema)
        facets = selectors.build_facets(result, filters, schema)
    assert [(f.param, f.label) for f in facets] == [
        ("brand", "品牌"),
        ("attr_color", "颜色"),
        ("attr_size", "尺码"),
    ]
    assert [(o.value, o.label, o.count, o.selected) for o in facets[0].options] == [
        ("zenith", "Zenith", 1, False),
        ("acme", "艾克美", 1, False),
    ]
    assert [(o.value, o.label, o.count, o.selected) for o in facets[1].options] == [
        ("black", "黑色", 1, False),
        ("red", "红色", 2, True),
        ("blue", "蓝色", 1, False),
    ]


def test_category_tree_uses_translations_and_falls_back_visibly(small_catalog):
    """Chinese names come from CategoryTranslation; untranslated ones keep English, flagged."""
    with translation.override("zh-hans"):
        tree = selectors.category_tree()
    clothing, books = tree.get("clothing"), tree.get("books")
    assert (clothing.name, clothing.is_fallback, clothing.text_language) == (
        "服装",
        False,
        "zh-hans",
    )
    assert (books.name, books.is_fallback, books.text_language) == ("Books", True, "en")
    assert books.fallback_label == "仅英文"
    assert [n.slug for n in tree.root_nodes()] == ["clothing", "books"]
    assert [n.slug for n in tree.ancestors(small_catalog.shirts.pk)] == ["clothing", "shirts"]
    assert tree.get("shirts").url == "/zh-hans/c/shirts/"


def test_product_cards_show_the_visitors_language_or_a_marked_fallback(small_catalog):
    """A translated product shows its Chinese title; an untranslated one its English title."""
    c = small_catalog
    ProductTranslationFactory(product=c.p1, title="红色衬衫")
    with translation.override("zh-hans"):
        cards = selectors.cards_for_ids([c.p1.pk, c.p2.pk])
    assert [(card.title, card.is_fallback, card.text_language) for card in cards] == [
        ("红色衬衫", False, "zh-hans"),
        ("Blue Shirt", True, "en"),
    ]
    assert cards[1].fallback_label == "仅英文"
    assert cards[0].brand == "艾克美"
    assert cards[0].url == "/zh-hans/p/red-shirt/"


def test_cards_for_ids_keeps_order_and_skips_inactive(small_catalog, django_assert_num_queries):
    """Cards follow the id order given; drafts are dropped; products + images: 2 queries."""
    c = small_catalog
    selectors.category_tree()
    selectors.brands_by_id()
    with translation.override("en"), django_assert_num_queries(2):
        cards = selectors.cards_for_ids([c.p4.pk, c.draft.pk, c.p1.pk])
    assert [card.id for card in cards] == [c.p4.pk, c.p1.pk]
    card = cards[1]
    assert (card.price, card.compare_at_price, card.is_on_sale, card.in_stock) == (
        "$20.00",
        "",
        False,
        True,
    )
    assert (card.rating, card.rating_percent, card.review_count) == ("4.5", 90, 2)
    assert card.rating_label == "Rated 4.5 out of 5 from 2 reviews"


def test_sale_price_and_placeholder_tint(small_catalog):
    """Compare-at prices above the price mark a sale; the placeholder is tinted by color."""
    c = small_catalog
    Product.objects.filter(pk=c.p1.pk).update(compare_at_price=Decimal("1299.00"))
    (card,) = selectors.cards_for_ids([c.p1.pk])
    assert (card.compare_at_price, card.is_on_sale) == ("$1,299.00", True)
    assert card.image_url == ""
    red = selectors.COLOR_HEX["red"]
    assert card.placeholder == selectors.Placeholder(
        background=cards._mix(red, "#ffffff", 0.78),
        foreground=cards._mix(red, "#000000", 0.45),
        initial="S",
    )


def test_product_detail_resolves_attribute_labels(small_catalog):
    """The attribute table lists schema attributes in order with localized names and labels."""
    c = small_catalog
    Product.objects.filter(pk=c.p1.pk).update(
        attributes={"color": "red", "size": "s", "fabric": "Oxford cotton", "weight": 180}
    )
    with translation.override("zh-hans"):
        detail = selectors.get_product_detail("red-shirt")
    assert [(row.name, row.value, row.name_is_fallback) for row in detail.attributes] == [
        ("颜色", "红色", False),
        ("尺码", "S", False),
        ("Fabric", "Oxford cotton", True),
        ("Weight", "180 g", True),
    ]
    assert [node.slug for node in detail.breadcrumbs] == ["clothing", "shirts"]


def test_product_detail_is_none_for_drafts_and_unknown_slugs(small_catalog):
    """Draft and missing products have no detail (the view turns that into a 404)."""
    assert selectors.get_product_detail("draft-shirt") is None
    assert selectors.get_product_detail("no-such-product") is None


def test_keyword_search_matches_both_languages(small_catalog):
    """Every term must match the title or description in English or in a translation."""
    c = small_catalog
    ProductTranslationFactory(product=c.p3, title="红色大衣", description="保暖")
    assert list(selectors.keyword_search("coat")) == [c.p3, c.p4]
    assert list(selectors.keyword_search("RED coat")) == [c.p3]
    assert list(selectors.keyword_search("大衣")) == [c.p3]
    assert list(selectors.keyword_search("shirt")) == [c.p2, c.p1]  # the draft is excluded
    assert list(selectors.keyword_search("")) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"from": "search", "pos": "3"}, ("search", 3)),
        ({"from": "search", "pos": "abc"}, None),
        ({"from": "search", "pos": "0"}, None),
        ({"from": "search", "pos": "-2"}, None),
        ({"from": "search", "pos": "99999999"}, None),
        ({"from": "search", "pos": "²"}, None),
        ({"from": "elsewhere", "pos": "1"}, None),
        ({"pos": "1"}, None),
    ],
)
def test_parse_click(params, expected):
    """Only a known source with a positive integer position is a loggable click."""
    assert selectors.parse_click(params) == expected


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        (Decimal("49"), "USD", "$49.00"),
        (Decimal("1234.5"), "EUR", "€1,234.50"),
        (Decimal("10"), "CHF", "10.00 CHF"),
        (None, "USD", ""),
    ],
)
def test_format_price(amount, currency, expected):
    """Known currencies get their symbol, others their code."""
    assert selectors.format_price(amount, currency) == expected


def test_a_click_source_longer_than_the_log_column_is_refused():
    with pytest.raises(ValueError, match="1 to 30 characters"):
        selectors.register_click_sources("x" * 31)
