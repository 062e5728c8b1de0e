"""Headless Chromium for the browser tests, and a small catalog worth looking at."""

from __future__ import annotations

import base64
import os
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

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
)
from tests.utils import skip_unless_available

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session; Selenium Manager never downloads anything."""
    skip_unless_available(
        bool(shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)),
        reason=f"{CHROMIUM} and {CHROMEDRIVER} are needed (`make system-deps` installs them)",
        required_by="REQUIRE_BROWSER",
    )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--lang=en-US",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


@pytest.fixture
def screenshot(browser):
    """``screenshot(name)`` saves a full-page PNG to var/screenshots/ when SCREENSHOTS=1."""
    enabled = os.environ.get("SCREENSHOTS") == "1"
    folder = Path(settings.BASE_DIR) / "var" / "screenshots"

    def take(name: str) -> None:
        if not enabled:
            return
        folder.mkdir(parents=True, exist_ok=True)
        # Chromium's DevTools capture includes the part of the page below the viewport.
        size = browser.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = browser.execute_cdp_cmd(
            "Page.captureScreenshot",
            {"format": "png", "captureBeyondViewport": True, "clip": clip},
        )
        (folder / f"{name}.png").write_bytes(base64.b64decode(shot["data"]))

    return take


@pytest.fixture
def demo_catalog(transactional_db):
    """Clothing > Shirts and Home with a handful of products, Chinese text on most of them."""
    clothing = CategoryFactory(name="Clothing", slug="clothing", position=1,
                               description="Everyday clothing that lasts.")  # fmt: skip
    CategoryTranslationFactory(category=clothing, name="服装", description="经久耐穿的日常服装。")
    shirts = CategoryFactory(name="Shirts", slug="shirts", parent=clothing)
    CategoryTranslationFactory(category=shirts, name="衬衫")
    home = CategoryFactory(name="Home & Kitchen", slug="home-kitchen", position=2)
    CategoryTranslationFactory(category=home, name="家居厨房")
    CategoryFactory(name="Books", slug="books", position=3)
    color = AttributeFactory(code="color", name="Color", name_zh="颜色")
    for position, (value, label, label_zh) in enumerate(
        [
            ("navy", "Navy", "藏青色"),
            ("red", "Red", "红色"),
            ("green", "Green", "绿色"),
            ("beige", "Beige", "米色"),
        ]  # fmt: skip
    ):
        AttributeOptionFactory(
            attribute=color, value=value, label=label, label_zh=label_zh, position=position
        )
    CategoryAttributeFactory(category=clothing, attribute=color)
    CategoryAttributeFactory(category=home, attribute=color)
    northwind = BrandFactory(name="Northwind", slug="northwind", name_zh="北风")
    acme = BrandFactory(name="Acme", slug="acme", name_zh="艾克美")
    rows = [
        ("oxford-shirt", "Oxford Shirt", "牛津衬衫", shirts, northwind, "39.00", "49.00", "navy"),
        ("linen-shirt", "Linen Shirt", "亚麻衬衫", shirts, acme, "45.00", None, "beige"),
        ("flannel-shirt", "Flannel Shirt", None, shirts, northwind, "29.50", None, "red"),
        ("rain-jacket", "Rain Jacket", "防雨夹克", clothing, acme, "119.00", "149.00", "green"),
        ("wool-scarf", "Wool Scarf", "羊毛围巾", clothing, northwind, "24.00", None, "red"),
        ("tea-towel", "Tea Towel Set", "茶巾套装", home, acme, "12.00", None, "beige"),
        ("enamel-mug", "Enamel Mug", "搪瓷杯", home, northwind, "9.90", None, "green"),
    ]
    products = {}
    for popularity, (slug, title, title_zh, category, brand, price, compare, tint) in enumerate(
        rows
    ):
        product = ProductFactory(
            slug=slug,
            title=title,
            category=category,
            brand=brand,
            price=Decimal(price),
            compare_at_price=Decimal(compare) if compare else None,
            attributes={"color": tint},
            popularity=100 - popularity,
            description=f"A well-made {title.lower()} for everyday use.\n\nEasy care.",
            highlights=["Made to last", "Easy care"],
            stock=0 if slug == "linen-shirt" else 12,
        )
        if title_zh:
            ProductTranslationFactory(
                product=product,
                title=title_zh,
                description=f"一件做工精良的{title_zh}，适合日常使用。",
                highlights=["经久耐用", "易于打理"],
            )
        products[slug] = product
    oxford = products["oxford-shirt"]
    for rating, title in [(5, "Great shirt"), (4, "Nice fabric")]:
        ReviewFactory(product=oxford, rating=rating, title=title)
    oxford.rating_average, oxford.review_count = Decimal("4.50"), 2
    oxford.save()
    return products
