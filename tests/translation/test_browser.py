"""End-to-end in headless Chromium: a shopper translates a review on the product page and
switches back to the original; a degraded engine answer shows its message, not a translation.
The engine is a stand-in (tests/translation/engine_stub.py); the live server runs in this
process, so it answers through the stand-in."""

from __future__ import annotations

import shutil

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from shop.catalog.models import Product
from tests.factories import ProductFactory, ReviewFactory
from tests.translation.engine_stub import fake_engine_fixture  # noqa: F401
from tests.utils import skip_unless_available

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def chromium():
    skip_unless_available(
        bool(shutil.which(CHROMIUM) and shutil.which(CHROMEDRIVER)),
        reason=f"{CHROMIUM} and {CHROMEDRIVER} are needed (`make system-deps` installs them)",
        required_by="REQUIRE_BROWSER",
    )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    yield driver
    driver.quit()


def _answered(item):
    def check(_driver):
        status = item.find_element(By.CSS_SELECTOR, ".review-translate-status").text
        return item.find_elements(By.CSS_SELECTOR, ".review-translated") or status not in (
            "",
            "Translating…",
        )

    return check


def test_a_review_is_translated_on_demand_and_back(chromium, live_server, fake_engine):
    product = ProductFactory(slug="kettle")
    ReviewFactory(product=product, language="en", title="Fine", text="Boils fast.")
    chinese = ReviewFactory(product=product, language="zh-hans", title="很好", text="烧水很快。")
    Product.objects.filter(pk=product.pk).update(review_count=2, rating_average=5)
    fake_engine.table = {"很好": "Very good", "烧水很快。": "Boils water quickly."}

    chromium.get(f"{live_server.url}/en/p/kettle/")
    buttons = chromium.find_elements(By.CSS_SELECTOR, "li.review .review-translate button")
    assert [b.text for b in buttons] == ["Translate to English"]
    item = chromium.find_element(By.CSS_SELECTOR, f'li[data-review-id="{chinese.pk}"]')

    buttons[0].click()
    WebDriverWait(chromium, 10).until(_answered(item))

    translated = item.find_element(By.CSS_SELECTOR, ".review-translated")
    assert translated.get_attribute("lang") == "en"
    assert translated.text.splitlines() == [
        "Very good",
        "Boils water quickly.",
        "Machine-translated",
    ]
    assert item.find_element(By.CSS_SELECTOR, "p.review-text").is_displayed() is False
    assert buttons[0].text == "Show original"

    buttons[0].click()

    assert item.find_element(By.CSS_SELECTOR, "p.review-text").text == "烧水很快。"
    assert item.find_element(By.CSS_SELECTOR, "p.review-text").is_displayed() is True
    assert translated.is_displayed() is False
    assert buttons[0].text == "Translate to English"
    assert len(fake_engine.calls) == 1


def test_a_degraded_answer_shows_a_message_and_the_original(chromium, live_server, fake_engine):
    product = ProductFactory(slug="mug")
    review = ReviewFactory(product=product, language="zh-hans", title="好看", text="颜色很正。")
    Product.objects.filter(pk=product.pk).update(review_count=1, rating_average=5)
    fake_engine.degraded = "generator switched off"

    chromium.get(f"{live_server.url}/en/p/mug/")
    item = chromium.find_element(By.CSS_SELECTOR, f'li[data-review-id="{review.pk}"]')
    button = item.find_element(By.CSS_SELECTOR, ".review-translate button")
    button.click()
    WebDriverWait(chromium, 10).until(_answered(item))

    assert item.find_element(By.CSS_SELECTOR, ".review-translate-status").text == (
        "The translation is unavailable right now; the review is shown as written."
    )
    assert item.find_elements(By.CSS_SELECTOR, ".review-translated") == []
    assert item.find_element(By.CSS_SELECTOR, "p.review-text").is_displayed() is True
    assert button.text == "Translate to English"
