"""End-to-end: a shopper searches, reads why a result is there, narrows it, and gets suggestions."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def indexed_catalog(demo_catalog):
    from search.services import rebuild_shop_index

    rebuild_shop_index()
    return demo_catalog


def test_search_highlights_explains_and_filters(browser, live_server, indexed_catalog, screenshot):
    wait = WebDriverWait(browser, 10)
    browser.get(f"{live_server.url}/en/search/?q=shirt+under+%2440&sort=price_asc")

    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".card-title")]
    assert titles == ["Flannel Shirt", "Oxford Shirt"]
    marks = browser.find_elements(By.CSS_SELECTOR, ".card-title mark")
    assert [m.text for m in marks] == ["Shirt", "Shirt"]
    chips = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".parsed-filters .chip")]
    assert chips == ["Shirts", "≤ $40.00"]
    why = browser.find_element(By.CSS_SELECTOR, "details.why")
    why.find_element(By.TAG_NAME, "summary").click()
    assert "Matches your words: shirt" in why.text
    screenshot("search-why")

    browser.find_element(By.CSS_SELECTOR, 'input[name="attr_color"][value="red"]').click()
    browser.find_element(By.CSS_SELECTOR, ".filters button[type=submit]").click()
    wait.until(expected_conditions.url_contains("attr_color=red"))
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".card-title")]
    assert titles == ["Flannel Shirt"]


def test_search_box_suggests_titles(browser, live_server, indexed_catalog):
    browser.get(f"{live_server.url}/en/")
    box = browser.find_element(By.ID, "site-search")
    box.send_keys("lin")
    WebDriverWait(browser, 10).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, "#site-search-suggestions option")
    )
    options = browser.find_elements(By.CSS_SELECTOR, "#site-search-suggestions option")
    assert [o.get_attribute("value") for o in options] == ["Linen Shirt"]
