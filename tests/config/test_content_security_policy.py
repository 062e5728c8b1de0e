"""Content-Security-Policy (django-csp): one strict policy on every page, in every settings."""

import importlib
import re
import sys

import pytest
from django.urls import reverse

from tests.factories import ProductFactory, UserFactory

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "object-src": "'none'",
}

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def directives(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def test_storefront_page_sends_the_exact_policy(client):
    """A product page carries the policy, directive for directive, and nothing it forbids."""
    product = ProductFactory(title="Trail Shoe")

    response = client.get(product.get_absolute_url())

    assert response.status_code == 200
    assert directives(response) == POLICY
    assert "Content-Security-Policy-Report-Only" not in response.headers
    assert INLINE.findall(response.content.decode()) == []


def test_admin_pages_need_nothing_inline(client):
    """The admin's product form and the shop's own admin pages run under the same policy."""
    product = ProductFactory()
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))

    for url in (
        reverse("admin:catalog_product_change", args=[product.pk]),
        reverse("admin:catalog_product_changelist"),
        reverse("admin:search_searchlog_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert directives(response) == POLICY
        assert INLINE.findall(response.content.decode()) == [], url


@pytest.mark.parametrize("module", ["config.settings.dev", "config.settings.prod"])
def test_every_settings_module_keeps_the_policy(monkeypatch, module):
    """dev and prod (test is what runs here) keep the middleware and the same policy."""
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "shop.example")
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.delitem(sys.modules, module, raising=False)
    settings = importlib.import_module(module)
    monkeypatch.delitem(sys.modules, module)

    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
    assert {k: " ".join(v) for k, v in settings.CONTENT_SECURITY_POLICY["DIRECTIVES"].items()} == (
        POLICY
    )
