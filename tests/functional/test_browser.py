"""End-to-end: a shopper browses from the home page to a product, then switches to Chinese."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_browse_to_a_product_and_switch_to_chinese(browser, live_server, demo_catalog, screenshot):
    """Home → category → product shows title and price; search works; 中文 shows Chinese."""
    wait = WebDriverWait(browser, 10)
    browser.get(f"{live_server.url}/en/")
    assert browser.find_element(By.ID, "hero-title").is_displayed()
    screenshot("home-en")

    browser.find_element(By.CSS_SELECTOR, 'a.category-tile[href="/en/c/clothing/"]').click()
    wait.until(expected_conditions.url_contains("/en/c/clothing/"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Clothing"
    screenshot("category-en")

    browser.find_element(By.XPATH, '//h3[@class="card-title"][text()="Oxford Shirt"]').click()
    wait.until(expected_conditions.url_contains("/en/p/oxford-shirt/"))
    title = browser.find_element(By.ID, "product-title")
    price = browser.find_element(By.CSS_SELECTOR, ".product-price .price")
    assert (title.text, title.is_displayed()) == ("Oxford Shirt", True)
    assert (price.text, price.is_displayed()) == ("$39.00", True)
    assert browser.find_element(By.CSS_SELECTOR, ".product-price .badge-sale").text == "Sale"
    screenshot("product-en")

    search_box = browser.find_element(By.ID, "site-search")
    search_box.send_keys("linen")
    search_box.submit()
    wait.until(expected_conditions.url_contains("/en/search/?q=linen"))
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".card-title")]
    assert titles == ["Linen Shirt"]
    screenshot("search-en")
    browser.back()
    wait.until(expected_conditions.url_contains("/en/p/oxford-shirt/"))

    browser.find_element(By.CSS_SELECTOR, 'button.lang-button[value="zh-hans"]').click()
    wait.until(expected_conditions.url_contains("/zh-hans/p/oxford-shirt/"))
    assert browser.find_element(By.ID, "product-title").text == "牛津衬衫"
    assert browser.find_element(By.ID, "specs-title").text == "规格参数"
    assert browser.find_element(By.CSS_SELECTOR, "html").get_attribute("lang") == "zh-hans"
    screenshot("product-zh")
    browser.find_element(By.CSS_SELECTOR, "a.logo").click()
    wait.until(expected_conditions.url_matches(r"/zh-hans/$"))
    assert browser.find_element(By.ID, "new-title").text == "新品上架"
    screenshot("home-zh")


def test_filters_work_without_javascript_submit(browser, live_server, demo_catalog, screenshot):
    """Ticking a brand and applying the filter form narrows the listing (a plain GET form)."""
    browser.get(f"{live_server.url}/en/c/clothing/")
    browser.find_element(By.CSS_SELECTOR, 'input[name="brand"][value="acme"]').click()
    browser.find_element(By.CSS_SELECTOR, "#filter-form button[type=submit]").click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("brand=acme"))
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".card-title")]
    assert titles == ["Linen Shirt", "Rain Jacket"]
    browser.set_window_size(390, 900)
    browser.get(f"{live_server.url}/zh-hans/c/clothing/")
    screenshot("category-zh-mobile")
    browser.set_window_size(1280, 900)
