"""The Chinese interface (issue #17, "Interface"): the zh_Hans catalogue is complete, and the
shop's main pages rendered in Chinese show no English interface words.

The page test builds a shop whose every product text is Chinese, so what Latin words remain
on a page come from the interface: a string not wrapped for translation, or one missing from
the catalogue. Words that are legitimately Latin (the SKUs, currency and country codes, the
language switcher's "EN") are named in ``ALLOWED_LATIN``.
"""

from __future__ import annotations

import os
import re
import shutil
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from shop.orders.models import Order
from shop.reviews.services import refresh_product_ratings
from tests.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    BrandFactory,
    CategoryAttributeFactory,
    CategoryFactory,
    CategoryTranslationFactory,
    ProductFactory,
    ProductTranslationFactory,
    ReviewFactory,
    UserFactory,
)
from tests.factories.orders import ShippingMethodFactory

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# What makemessages reads: the project's code and templates, not the virtualenv, the demo's
# var/ folder, the tests or the benchmarks.
NOT_EXTRACTED = {".git", ".venv", "locale", "var", "tests", "bench", "node_modules"}

# Latin words a Chinese page may show: codes and names that are not translated anywhere.
ALLOWED_LATIN = {
    "ai",  # "AI" in "AI-assisted description"
    "en",  # the language switcher's label for English
    "sku",  # product codes (SKU-00001) and the "SKU" label
    "usd",
    "cny",
    "us",  # country codes in addresses and the checkout's default
    "cn",
    "kg",
    "cm",
    "mm",
    "ml",
}
SHOPPER_EMAIL = "lilei@example.com"
# What the shopper typed that a page may show back: data, not interface.
SHOPPER_DATA = (SHOPPER_EMAIL,)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Attributes whose text a shopper sees or hears (screen readers read aria-label).
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _VisibleText(HTMLParser):
    """Text nodes and visible attributes, without <script>, <style> and elements marked as
    English on purpose (``lang="en"``: the language switcher's English button)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[tuple[str, bool]] = []

    @property
    def hidden(self) -> bool:
        return any(skip for _tag, skip in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        skip = tag in ("script", "style") or (values.get("lang") or "").startswith("en")
        if not self.hidden and not skip:
            self.parts.extend(values[name] or "" for name in VISIBLE_ATTRIBUTES if name in values)
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_ELEMENTS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def english_words(text: str) -> list[str]:
    """Latin-letter words of ``text`` that are not on the allow-list, in order, once each."""
    found = []
    for word in LATIN_WORD.findall(text):
        if word.casefold() not in ALLOWED_LATIN and word not in found:
            found.append(word)
    return found


def assert_chinese(response: Any, page: str, *, data: tuple[str, ...] = ()) -> None:
    """The page answered 200 and its visible text has no English word once the shopper's
    own data (and ``data``: an order number) is taken out."""
    assert response.status_code == 200, page
    text = visible_text(response.content.decode())
    for shown in (*SHOPPER_DATA, *data):
        text = text.replace(shown, "")
    words = english_words(text)
    assert words == [], f"English on the Chinese {page}: {words}\n{text}"


# --- the catalogue ----------------------------------------------------------------------------


def test_the_chinese_catalogue_has_no_untranslated_or_fuzzy_entries() -> None:
    """Every message of locale/zh_Hans is translated and none is fuzzy (makemessages marks
    a guessed translation fuzzy; Django never shows those)."""
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]

    assert untranslated == []
    assert fuzzy == []


def test_every_string_marked_in_the_code_has_a_chinese_translation(
    tmp_path: Path, settings: Any
) -> None:
    """makemessages over the current code finds no new or changed message: a string wrapped
    for translation but never added to the catalogue fails here, not only on a shopper's
    page. (Regenerate with ``manage.py makemessages -l zh_Hans --ignore=var --ignore=tests
    --ignore=bench --no-obsolete``, translate, then ``compilemessages``.)"""
    if shutil.which("xgettext") is None or shutil.which("msgmerge") is None:
        pytest.skip("GNU gettext (xgettext, msgmerge) is not installed")
    # A copy of the source tree made of links, beside a copy of the catalogue, so that the
    # real catalogue is never written.
    source = tmp_path / "source"
    source.mkdir()
    for entry in Path(settings.BASE_DIR).iterdir():
        if entry.name not in NOT_EXTRACTED and (entry.is_dir() or entry.suffix == ".py"):
            (source / entry.name).symlink_to(entry)
    copy = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    copy.parent.mkdir(parents=True)
    shutil.copy(CATALOGUE, copy)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    here = Path.cwd()
    os.chdir(source)
    try:
        call_command(
            "makemessages", locale=["zh_Hans"], symlinks=True, no_obsolete=True, verbosity=0
        )
    finally:
        os.chdir(here)

    catalogue = polib.pofile(str(copy))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_the_chinese_translations_keep_their_placeholders() -> None:
    """A translation names the same %(name)s placeholders as its English message."""
    placeholder = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")
    catalogue = polib.pofile(str(CATALOGUE))
    wrong = []
    for entry in catalogue.translated_entries():
        expected = set(placeholder.findall(entry.msgid_plural or entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            if set(placeholder.findall(text)) != expected:
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_the_compiled_catalogue_is_up_to_date() -> None:
    """django.mo is compiled from the current django.po (compilemessages after editing)."""
    source = polib.pofile(str(CATALOGUE))
    compiled = polib.mofile(str(CATALOGUE.with_suffix(".mo")))
    translated = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in compiled}
    stale = [
        entry.msgid
        for entry in source.translated_entries()
        if translated.get((entry.msgctxt, entry.msgid))
        != (entry.msgstr or entry.msgstr_plural.get(0))
    ]
    assert stale == []


def test_the_page_check_finds_english_words() -> None:
    """The checker itself: English text and attributes are found, scripts, styles, English
    marked with lang="en" and allowed codes are not."""
    html = (
        "<title>购物车</title><style>.x{color:red}</style><script>var quantity=1;</script>"
        '<p>数量 <span title="Remove">x</span></p><input placeholder="Search…">'
        '<button lang="en">English</button><p>SKU-00001 · 20.00 USD</p><p>Why this result?</p>'
    )
    assert english_words(visible_text(html)) == ["Remove", "Search", "Why", "this", "result"]


# --- the pages --------------------------------------------------------------------------------


@pytest.fixture
def chinese_shop(db: Any) -> dict[str, Any]:
    """A small shop whose products, brands, categories, attributes and reviews are Chinese."""
    color = AttributeFactory(code="color", name="颜色", name_zh="颜色")
    AttributeOptionFactory(attribute=color, value="red", label="红色", label_zh="红色")
    AttributeOptionFactory(attribute=color, value="blue", label="蓝色", label_zh="蓝色")
    audio = CategoryFactory(name="耳机", slug="headphones")
    CategoryTranslationFactory(category=audio, name="耳机")
    shoes = CategoryFactory(name="跑鞋", slug="running-shoes")
    CategoryTranslationFactory(category=shoes, name="跑鞋")
    for category in (audio, shoes):
        CategoryAttributeFactory(category=category, attribute=color)
    sonic = BrandFactory(name="声波", slug="sonic", name_zh="声波")
    stride = BrandFactory(name="步履", slug="stride", name_zh="步履")
    rows = [
        ("anc", audio, sonic, "声波无线降噪耳机", "蓝牙头戴式主动降噪耳机。", "blue", "199.00"),
        ("buds", audio, sonic, "声波运动耳塞", "防汗无线运动耳塞。", "red", "59.00"),
        ("road", shoes, stride, "步履公路跑鞋", "轻便透气的公路跑鞋。", "red", "89.00"),
        ("trail", shoes, stride, "步履越野跑鞋", "抓地力强的越野跑鞋。", "blue", "129.00"),
    ]
    products = {}
    for key, category, brand, title, description, colour, price in rows:
        product = ProductFactory(
            category=category,
            brand=brand,
            language="zh-hans",
            title=title,
            description=description,
            highlights=["轻便", "耐用"],
            attributes={"color": colour},
            price=Decimal(price),
            compare_at_price=Decimal(price) + 20,
            stock=3,
        )
        ProductTranslationFactory(
            product=product,
            language_code="en",
            title=f"{title}（英文版）",
            description=description,
        )
        products[key] = product
    ReviewFactory(
        product=products["anc"],
        author_name="李雷",
        rating=5,
        title="音质很好",
        text="降噪效果出色，佩戴舒适。",
        language="zh-hans",
        verified_purchase=True,
    )
    ReviewFactory(
        product=products["anc"],
        author_name="韩梅梅",
        rating=4,
        title="不错",
        text="续航长，发货快。",
        language="zh-hans",
    )
    refresh_product_ratings([products["anc"].pk])
    ShippingMethodFactory(
        code="std",
        name="标准配送",
        name_zh="标准配送",
        description="3至5个工作日",
        description_zh="3至5个工作日",
        price=Decimal("5.00"),
    )
    return {"products": products, "audio": audio}


@pytest.fixture
def indexed_chinese_shop(chinese_shop: dict[str, Any]) -> dict[str, Any]:
    from search.services import rebuild_shop_index

    rebuild_shop_index()
    return chinese_shop


CHECKOUT = {
    "email": SHOPPER_EMAIL,
    "full_name": "李雷",
    "line1": "世纪大道88号",
    "city": "上海",
    "postcode": "200120",
    "country": "cn",
    "shipping_method": "std",
    "payment_method": "cod",
}


def test_storefront_pages_in_chinese_have_no_english(
    client: Any, indexed_chinese_shop: Any
) -> None:
    """Home, a category (with filters), a product page with reviews, the login and sign-up
    pages (also with their errors) and the support chat page are all Chinese."""
    shop = indexed_chinese_shop
    assert_chinese(client.get("/zh-hans/"), "home page")
    assert_chinese(client.get("/zh-hans/c/headphones/"), "category page")
    assert_chinese(client.get("/zh-hans/c/headphones/?attr_color=red&sort=price_asc"), "filtered")
    assert_chinese(client.get(f"/zh-hans/p/{shop['products']['anc'].slug}/"), "product page")
    assert_chinese(client.get("/zh-hans/accounts/login/"), "login page")
    assert_chinese(
        client.post("/zh-hans/accounts/login/", {"username": "lilei", "password": "错误"}),
        "login page with an error",
    )
    assert_chinese(client.get("/zh-hans/accounts/signup/"), "sign-up page")
    assert_chinese(
        client.post("/zh-hans/accounts/signup/", {"username": "", "password1": "1"}),
        "sign-up page with errors",
    )
    assert_chinese(client.get("/zh-hans/support/"), "support chat page")


def test_search_pages_in_chinese_have_no_english(client: Any, indexed_chinese_shop: Any) -> None:
    """Results with their explanations and sort options, no results, and a search whose colour
    was dropped because nothing matched every part of it."""
    found = client.get("/zh-hans/search/", {"q": "耳机"})
    assert found.context["result"].total >= 2
    assert_chinese(found, "search results")
    assert_chinese(client.get("/zh-hans/search/"), "empty search page")

    nothing = client.get("/zh-hans/search/", {"q": "龘靐齉", "exact": "1"})
    assert_chinese(nothing, "search without results")

    relaxed = client.get("/zh-hans/search/", {"q": "蓝色 耳塞"})
    assert relaxed.context["result"].relaxed == ["attributes"]
    assert_chinese(relaxed, "search with a dropped constraint")


def test_cart_checkout_and_orders_in_chinese_have_no_english(
    client: Any, chinese_shop: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The cart, both checkout steps, the placed order, the order history and the
    confirmation email of a customer shopping in Chinese."""
    product = chinese_shop["products"]["buds"]
    client.force_login(UserFactory(username="李雷", first_name="雷", last_name="李"))
    client.post("/zh-hans/cart/add/", {"product_id": product.pk, "quantity": "2"})
    assert_chinese(client.get("/zh-hans/cart/"), "cart")
    assert_chinese(client.get("/zh-hans/checkout/"), "checkout, step 1")
    assert_chinese(
        client.post("/zh-hans/checkout/", {**CHECKOUT, "email": "", "action": "review"}),
        "checkout, step 1 with errors",
    )
    review = client.post("/zh-hans/checkout/", {**CHECKOUT, "action": "review"})
    assert review.context["stage"] == "review"
    assert_chinese(review, "checkout, step 2")

    with django_capture_on_commit_callbacks(execute=True):
        placed = client.post(
            "/zh-hans/checkout/",
            {
                **CHECKOUT,
                "action": "place",
                "idempotency_key": review.context["idempotency_key"],
                "expected_total": str(review.context["totals"].total),
            },
        )
    order = Order.objects.get()
    number = (order.number,)
    assert_chinese(client.get(placed.url), "order placed page", data=number)
    detail = client.get(reverse("orders:detail", args=[order.number]))
    assert_chinese(detail, "order page", data=number)
    assert_chinese(client.get("/zh-hans/orders/"), "order history", data=number)

    (email,) = mail.outbox
    text = (email.subject + "\n" + email.body).replace(order.number, "")
    assert "货到付款" in text
    assert english_words(text) == [], text
