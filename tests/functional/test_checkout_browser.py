"""End-to-end: a customer buys a product and finds the order in their history."""

from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from shop.catalog.models import Product
from shop.orders.models import Order
from tests.factories import UserFactory
from tests.factories.orders import ShippingMethodFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_to_cart_checkout_confirmation_and_history(
    browser, live_server, demo_catalog, screenshot
):
    """Log in → add to cart (JS updates the mini-cart) → checkout → confirmation → history."""
    ShippingMethodFactory(code="std", name="Standard delivery", price=Decimal("5.00"))
    UserFactory(username="buyer", email="buyer@example.com")
    wait = WebDriverWait(browser, 10)
    browser.delete_all_cookies()

    browser.get(f"{live_server.url}/en/accounts/login/")
    browser.find_element(By.NAME, "username").send_keys("buyer")
    browser.find_element(By.NAME, "password").send_keys("correct-horse-battery")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait.until(expected_conditions.url_matches(r"/en/$"))

    browser.get(f"{live_server.url}/en/p/oxford-shirt/")
    quantity = browser.find_element(By.ID, "buy-quantity")
    quantity.clear()
    quantity.send_keys("2")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=add-to-cart]").click()
    wait.until(
        expected_conditions.text_to_be_present_in_element(
            (By.CSS_SELECTOR, "[data-cart-count]"), "2"
        )
    )
    screenshot("product-added-en")

    browser.find_element(By.CSS_SELECTOR, "[data-testid=mini-cart]").click()
    wait.until(expected_conditions.url_contains("/en/cart/"))
    browser.find_element(By.CSS_SELECTOR, "[data-testid=checkout]").click()
    wait.until(expected_conditions.url_contains("/en/checkout/"))
    for name, value in [
        ("full_name", "Ada Lovelace"),
        ("line1", "12 Analytical Row"),
        ("city", "London"),
        ("postcode", "N1 9GU"),
    ]:
        browser.find_element(By.NAME, name).send_keys(value)
    country = browser.find_element(By.NAME, "country")
    country.clear()
    country.send_keys("GB")
    browser.find_element(By.CSS_SELECTOR, 'input[name=payment_method][value="test_card"]').click()
    browser.find_element(By.NAME, "card_number").send_keys("4242 4242 4242 4242")
    screenshot("checkout-en")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=review-order]").click()

    place = wait.until(
        expected_conditions.element_to_be_clickable((By.CSS_SELECTOR, "[data-testid=place-order]"))
    )
    assert place.text == "Place order · $83.00"
    screenshot("review-en")
    place.click()
    wait.until(expected_conditions.url_contains("?placed=1"))
    order = Order.objects.get()
    assert browser.find_element(By.CSS_SELECTOR, "[data-testid=order-status]").text == "Paid"
    assert order.number in browser.page_source
    screenshot("confirmation-en")

    browser.get(f"{live_server.url}/en/orders/")
    history = browser.find_element(By.CSS_SELECTOR, "[data-testid=order-history]")
    assert order.number in history.text
    assert (order.total, order.lines.get().quantity) == (Decimal("83.00"), 2)
    assert Product.objects.get(slug="oxford-shirt").stock == 10
