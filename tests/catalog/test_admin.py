import re
from decimal import Decimal

import pytest
from django.contrib import admin
from django.template import Template
from django.urls import reverse

from shop.catalog import admin_hooks
from shop.catalog.models import Product
from tests.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    CategoryAttributeFactory,
    CategoryFactory,
    ProductFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant(client):
    user = UserFactory(username="merchant", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "model",
    ["product", "category", "brand", "attribute"],
)
def test_changelists_render_with_filters_and_search(client, merchant, model):
    """Every catalog changelist renders, also with a search term and a filter applied."""
    ProductFactory.create_batch(3)
    url = reverse(f"admin:catalog_{model}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "Product 1"}).status_code == 200


def test_product_changelist_filters_by_price_band_and_stock(client, merchant):
    """The custom price and stock filters select exactly the matching products."""
    ProductFactory(title="Cheap", price=Decimal("10"), stock=0)
    ProductFactory(title="Mid", price=Decimal("40"), stock=3)
    ProductFactory(title="Dear", price=Decimal("700"), stock=50)
    url = reverse("admin:catalog_product_changelist")

    cheap = client.get(url, {"price_band": "0-25"}).context["cl"].queryset
    low = client.get(url, {"stock_state": "low"}).context["cl"].queryset
    dear = client.get(url, {"price_band": "500-"}).context["cl"].queryset

    assert [p.title for p in cheap] == ["Cheap"]
    assert [p.title for p in low] == ["Mid"]
    assert [p.title for p in dear] == ["Dear"]


def test_bulk_status_actions_publish_and_unpublish(client, merchant):
    """The bulk actions change status through the service and say how many changed."""
    drafts = ProductFactory.create_batch(2, status=Product.Status.DRAFT)
    url = reverse("admin:catalog_product_changelist")

    response = client.post(
        url,
        {"action": "make_active", "_selected_action": [p.pk for p in drafts]},
        follow=True,
    )

    assert Product.objects.filter(status="active").count() == 2
    assert "2 products set to Active." in [str(m) for m in response.context["messages"]]
    client.post(url, {"action": "make_draft", "_selected_action": [drafts[0].pk]})
    assert Product.objects.filter(status="draft").count() == 1


def test_product_form_rejects_attribute_values_outside_the_schema(client, merchant):
    """Saving a product with an unknown color shows the allowed values and saves nothing."""
    category = CategoryFactory()
    color = AttributeFactory(code="color")
    AttributeOptionFactory(attribute=color, value="red", label="Red")
    CategoryAttributeFactory(category=category, attribute=color)
    data = {
        "title": "Scarf",
        "slug": "scarf",
        "sku": "SC-1",
        "language": "en",
        "status": "active",
        "category": category.pk,
        "description": "",
        "highlights": "[]",
        "attributes": '{"color": "teal"}',
        "price": "20.00",
        "currency": "USD",
        "stock": "5",
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
    }

    response = client.post(reverse("admin:catalog_product_add"), data)

    assert response.status_code == 200
    assert "unknown value &#x27;teal&#x27; for attribute &#x27;color&#x27; (allowed: red)" in (
        response.content.decode()
    )
    assert Product.objects.count() == 0

    data["attributes"] = '{"color": "Red"}'
    response = client.post(reverse("admin:catalog_product_add"), data)
    assert response.status_code == 302
    assert Product.objects.get().attributes == {"color": "red"}


def test_product_changelist_links_to_import(client, merchant):
    """Merchants reach the importer from the product list."""
    response = client.get(reverse("admin:catalog_product_changelist"))
    assert reverse("admin:catalog_product_import") in response.content.decode()


def test_interaction_log_is_read_only_in_admin(client, merchant):
    """The log can be browsed but not added to or edited by hand."""
    assert client.get(reverse("admin:interactions_interaction_changelist")).status_code == 200
    assert client.get(reverse("admin:interactions_interaction_add")).status_code == 403


def action_choices(response) -> dict[str, str]:
    return {
        name: str(label) for name, label in response.context["action_form"]["action"].field.choices
    }


@pytest.fixture
def extensions(monkeypatch):
    """An empty registry in place of the one the installed apps filled."""
    registry = admin_hooks.ProductAdminExtensions()
    monkeypatch.setattr(admin_hooks, "product_admin_extensions", registry)
    return registry


def test_product_admin_works_with_no_extensions_registered(client, merchant, extensions):
    """Without other apps' registrations the product admin has its own actions and tools only."""
    product = ProductFactory(status=Product.Status.DRAFT)
    changelist_url = reverse("admin:catalog_product_changelist")

    choices = action_choices(client.get(changelist_url))
    page = client.get(reverse("admin:catalog_product_change", args=[product.pk]))
    add_page = client.get(reverse("admin:catalog_product_add"))
    client.post(changelist_url, {"action": "make_active", "_selected_action": [product.pk]})

    assert list(choices) == ["", "delete_selected", "make_active", "make_draft"]
    assert page.status_code == add_page.status_code == 200
    assert reverse("admin:catalog_product_history", args=[product.pk]) in page.content.decode()
    product.refresh_from_db()
    assert product.status == Product.Status.ACTIVE


def test_registered_action_and_object_tools_appear_on_the_product_admin(
    client, merchant, extensions
):
    """An app's action joins the changelist's actions and runs; its tools join the form's."""
    product = ProductFactory()

    @extensions.add_action
    @admin.action(description="Stamp selected products", permissions=["change"])
    def stamp_products(modeladmin, request, queryset):
        modeladmin.message_user(request, f"Stamped {queryset.count()}.")

    extensions.add_object_tools(Template('<li><a href="/stamp/{{ original.pk }}/">Stamp</a></li>'))
    changelist_url = reverse("admin:catalog_product_changelist")

    choices = action_choices(client.get(changelist_url))
    response = client.post(
        changelist_url,
        {"action": "stamp_products", "_selected_action": [product.pk]},
        follow=True,
    )
    page = client.get(reverse("admin:catalog_product_change", args=[product.pk])).content.decode()

    assert list(choices)[-1] == "stamp_products"
    assert choices["stamp_products"] == "Stamp selected products"
    assert "Stamped 1." in [str(m) for m in response.context["messages"]]
    assert f'<li><a href="/stamp/{product.pk}/">Stamp</a></li>' in page


def test_the_chinese_admin_index_names_every_model_in_chinese(client, merchant):
    """No English model name and no "商品s": every model has a translated plural."""
    html = client.get("/zh-hans/admin/").content.decode()
    names = re.findall(r'<th scope="row"[^>]*>\s*<a[^>]*>([^<]+)</a>', html)

    assert len(names) >= 20
    assert [name for name in names if re.search(r"[A-Za-z]", name)] == []
