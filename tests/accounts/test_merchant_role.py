"""The Merchant group: staff who run the shop without the superuser's reach."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from shop.accounts.services import MERCHANT_GROUP_NAME, grant_merchant_role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant(client):
    user = UserFactory(username="shopkeeper", is_superuser=True)
    grant_merchant_role(user=user)
    client.force_login(user)
    return user


def test_merchant_group_holds_shop_permissions_only():
    """The migrations give the group catalog, order, review and copywriting permissions,
    blocked search suggestions and the review of machine translations (jobs: add, change,
    view; drafts: change, view; the cache: view), the support chat's staff work (answer and
    close conversations, read their messages, edit help articles and intent examples), and may
    view refunds and mark them made, and read the training runs it starts from the admin,
    nothing else; orders, refunds and conversations are never deleted."""
    group = Group.objects.get(name=MERCHANT_GROUP_NAME)
    labels = set(group.permissions.values_list("content_type__app_label", flat=True))
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert labels == {
        "catalog",
        "orders",
        "reviews",
        "copywriting",
        "search",
        "translation",
        "support_chat",
        "llm_services",
    }
    assert group.permissions.count() == 9 * 4 + 4 + 5 * 3 + 4 + 2 * 4 + 4 + 2 + 3 + 2 + 1 + 10 + 1
    assert set(
        group.permissions.filter(content_type__app_label="llm_services").values_list(
            "codename", flat=True
        )
    ) == {"view_trainingrun"}
    chat_models = {"conversation", "message", "helparticle", "intentexample"}
    assert {c for c in codenames if c.split("_", 1)[1] in chat_models} == {
        "change_conversation",
        "view_conversation",
        "view_message",
        "add_helparticle",
        "change_helparticle",
        "view_helparticle",
        "add_intentexample",
        "change_intentexample",
        "delete_intentexample",
        "view_intentexample",
    }
    translation_models = {"translationjob", "translationdraft", "translatedtext"}
    assert {c for c in codenames if c.split("_", 1)[1] in translation_models} == {
        "add_translationjob",
        "change_translationjob",
        "view_translationjob",
        "change_translationdraft",
        "view_translationdraft",
        "view_translatedtext",
    }
    assert {"change_product", "change_order", "change_review", "change_copydraft"} <= codenames
    assert {c for c in codenames if c.endswith("blockedsuggestion")} == {
        "add_blockedsuggestion",
        "change_blockedsuggestion",
        "delete_blockedsuggestion",
        "view_blockedsuggestion",
    }
    assert "delete_order" not in codenames
    assert {c for c in codenames if c.endswith("_refund")} == {"view_refund", "change_refund"}
    assert "delete_shippingmethod" in codenames


def test_grant_merchant_role_makes_staff_not_superuser(merchant):
    merchant.refresh_from_db()
    assert (merchant.is_staff, merchant.is_superuser) == (True, False)
    assert list(merchant.groups.values_list("name", flat=True)) == [MERCHANT_GROUP_NAME]


@pytest.mark.parametrize(
    ("url_name", "status"),
    [
        ("admin:catalog_product_changelist", 200),
        ("admin:orders_order_changelist", 200),
        ("admin:reviews_review_changelist", 200),
        ("admin:copywriting_copydraft_changelist", 200),
        ("admin:support_chat_conversation_changelist", 200),
        ("admin:support_chat_helparticle_changelist", 200),
        ("admin:support_chat_intentexample_changelist", 200),
        ("admin:auth_user_changelist", 403),
        ("admin:auth_group_changelist", 403),
        ("admin:llm_services_modelversion_changelist", 403),
        ("admin:llm_services_trainingrun_changelist", 200),
    ],
)
def test_merchant_reaches_the_shop_admin_but_not_accounts_or_models(
    client, merchant, url_name, status
):
    """The merchant opens the product and order admin; the user and ModelVersion admin are
    forbidden."""
    assert client.get(reverse(url_name)).status_code == status


def test_merchant_admin_index_lists_only_shop_apps(client, merchant):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    labels = {app["app_label"] for app in response.context["app_list"]}
    assert labels == {
        "catalog",
        "orders",
        "reviews",
        "copywriting",
        "search",
        "insights",
        "translation",
        "support_chat",
        "llm_services",
    }
    llm = next(app for app in response.context["app_list"] if app["app_label"] == "llm_services")
    assert [model["object_name"] for model in llm["models"]] == ["TrainingRun"]
    search = next(app for app in response.context["app_list"] if app["app_label"] == "search")
    assert [model["object_name"] for model in search["models"]] == ["BlockedSuggestion"]
