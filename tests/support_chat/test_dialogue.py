"""The chat's answers: routing per intent, cited articles with the shop's real facts, order
tools on the authenticated identity only, returns after a confirmation, Chinese replies."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore

from shop.orders.models import Order, ReturnRequest, ShippingMethod
from support_chat import services
from support_chat.models import Conversation, Message
from tests.factories import ProductFactory, UserFactory
from tests.factories.orders import OrderFactory
from tests.support_chat.factories import ConversationFactory, delivered_order, stub_classifier

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    return services.seed_help_articles()


def ask(text, *, user=None, language="en", conversation=None):
    user = user or AnonymousUser()
    conversation = conversation or ConversationFactory(
        user=user if user.is_authenticated else None, session_key="s1"
    )
    answer = services.reply(
        conversation, text, user=user, session=SessionStore(), language=language
    )
    return answer, conversation


def test_seed_articles_once(articles):
    """Seven articles in both languages are seeded, and seeding again adds none."""
    assert articles == 7
    assert services.seed_help_articles() == 0


def test_return_question_cites_the_policy_with_the_settings_window(articles, monkeypatch, settings):
    """The return window in the answer is SHOP_RETURN_WINDOW_DAYS, and follows a change."""
    stub_classifier(monkeypatch, "return_refund")

    answer, _ = ask("how many days do I have to return an item")
    settings.SHOP_RETURN_WINDOW_DAYS = 14
    changed, _ = ask("how many days do I have to return an item")

    assert "within 30 days of delivery" in answer.text
    assert "within 14 days of delivery" in changed.text
    assert answer.citations == [
        {"title": "Returns policy", "url": "/en/support/articles/returns-policy/"},
        {"title": "Refunds", "url": "/en/support/articles/refunds/"},
    ]
    assert answer.intent == "return_refund"
    assert answer.degraded is True


def test_shipping_answer_lists_the_active_methods(articles, monkeypatch):
    """The methods come from the ShippingMethod rows: a changed price is the new answer."""
    stub_classifier(monkeypatch, "shipping")
    ShippingMethod.objects.exclude(code="standard").update(is_active=False)
    ShippingMethod.objects.filter(code="standard").update(
        price=Decimal("4.50"), free_over=Decimal("60.00"), description="3-5 days"
    )

    answer, _ = ask("how much is shipping")

    assert answer.text.startswith(
        "We offer these shipping methods: Standard delivery (4.50 USD, free over 60.00 USD, "
        "3-5 days)."
    )
    assert answer.citations[0]["url"] == "/en/support/articles/shipping-options/"


def test_payment_answer_names_the_enabled_gateways(articles, monkeypatch, settings):
    stub_classifier(monkeypatch, "payment")
    settings.SHOP_PAYMENT_GATEWAYS = ["shop.orders.payments.CashOnDelivery"]

    answer, _ = ask("which payment methods do you accept")

    assert "You can pay with: Cash on delivery." in answer.text
    assert "Test card" not in answer.text


def test_chinese_question_gets_a_chinese_cited_answer(articles, monkeypatch):
    stub_classifier(monkeypatch, "return_refund")

    answer, conversation = ask("退货期限是多少天？", language="en")

    assert "订单送达后 30 天内可以申请退货" in answer.text
    assert answer.citations[0] == {
        "title": "退货政策",
        "url": "/zh-hans/support/articles/returns-policy/",
    }
    assert "退货。请在" in answer.text
    conversation.refresh_from_db()
    assert conversation.language == "zh-hans"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("small_talk", "Hello! I can help with your orders"),
        ("out_of_scope", "Sorry, I can only help with this shop"),
        ("complaint", "I am sorry to hear that."),
    ],
)
def test_template_intents(monkeypatch, label, expected):
    stub_classifier(monkeypatch, label, out_of_scope=label == "out_of_scope")

    answer, _ = ask("something")

    assert answer.text.startswith(expected)
    assert answer.intent == label
    offers_a_person = [{"type": "handoff", "label": "Talk to a person"}]
    assert answer.actions == (offers_a_person if label != "small_talk" else [])


def test_low_confidence_asks_a_clarifying_question(monkeypatch):
    stub_classifier(monkeypatch, "shipping", clarify=True)

    answer, _ = ask("hmm")

    assert answer.text.startswith("I am not sure I understood.")
    assert answer.intent == ""


def test_product_search_links_products_from_search(monkeypatch):
    stub_classifier(monkeypatch, "product_search")
    product = ProductFactory(title="Trail running shoe")
    ProductFactory(title="Kitchen kettle")

    answer, _ = ask("trail running shoe")

    assert answer.citations[0] == {"title": "Trail running shoe", "url": product.get_absolute_url()}
    assert "Kitchen kettle" not in answer.text


def test_handoff_phrase_opens_a_ticket(monkeypatch):
    stub_classifier(monkeypatch, "small_talk")

    answer, conversation = ask("I want to talk to a person")
    later, _ = ask("are you there?", conversation=conversation)

    conversation.refresh_from_db()
    assert answer.handoff is True
    assert conversation.status == Conversation.Status.HANDOFF
    assert later.text == "Thank you, your message was added. A member of staff will reply here."
    assert conversation.messages.count() == 4


def test_order_status_for_the_customers_own_order(monkeypatch):
    stub_classifier(monkeypatch, "order_status")
    user = UserFactory()
    order = OrderFactory(user=user, number="T-000101", status=Order.Status.SHIPPED)

    answer, _ = ask("where is order T-000101", user=user)

    assert answer.text.startswith("Order T-000101 is Shipped")
    assert answer.citations == [{"title": "Order T-000101", "url": order.get_absolute_url()}]


def test_a_shipped_order_names_its_tracking_number_and_method_in_the_shoppers_language(
    monkeypatch,
):
    """The method by its Chinese name on a Chinese reply, though the order was placed in
    English (it records the English name)."""
    stub_classifier(monkeypatch, "order_status")
    ShippingMethod.objects.update_or_create(
        code="std", defaults={"name": "Standard delivery", "name_zh": "标准配送", "price": 5}
    )
    user = UserFactory()
    OrderFactory(
        user=user,
        number="T-000102",
        status=Order.Status.SHIPPED,
        shipping_method_code="std",
        shipped_at=datetime(2026, 12, 3, 10, tzinfo=UTC),
        tracking_number="TRK-42",
        language="en",
    )

    english, _ = ask("where is order T-000102", user=user)
    chinese, _ = ask("订单 T-000102 到哪了", user=user, language="zh-hans")

    assert english.text.endswith(
        "Shipped on 2026-12-03 with Standard delivery. Tracking number: TRK-42."
    )
    assert chinese.text.endswith("已于 2026-12-03 通过标准配送发货。快递单号：TRK-42。")


def test_another_customers_order_reads_like_a_missing_one(monkeypatch):
    """Another customer's number gives exactly the answer of a number that does not exist."""
    stub_classifier(monkeypatch, "order_status")
    OrderFactory(number="T-000201", status=Order.Status.SHIPPED)
    me = UserFactory()

    other, _ = ask("status of T-000201", user=me)
    missing, _ = ask("status of T-000999", user=me)

    assert other.text.replace("T-000201", "N") == missing.text.replace("T-000999", "N")
    assert "Shipped" not in other.text
    assert other.citations == []


def test_guest_needs_the_orders_email(monkeypatch):
    stub_classifier(monkeypatch, "order_status")
    OrderFactory(number="T-000301", user=None, email="guest@example.com", status="paid")

    without, _ = ask("where is T-000301")
    wrong, _ = ask("where is T-000301 mallory@example.com")
    right, _ = ask("where is T-000301 guest@example.com")

    assert without.text.startswith("To look up an order without signing in")
    assert wrong.text.startswith("I could not find order T-000301")
    assert right.text.startswith("Order T-000301 is Paid")


def test_return_starts_only_after_yes_for_an_own_delivered_order(monkeypatch):
    stub_classifier(monkeypatch, "return_refund")
    services.seed_help_articles()
    user = UserFactory()
    order = delivered_order(user, number="T-000401")

    offer, conversation = ask("I want to return T-000401", user=user)
    assert "Shall I start a return for it?" in offer.text
    assert ReturnRequest.objects.count() == 0

    done, _ = ask("yes", user=user, conversation=conversation)

    assert done.text == (
        "Your return for order T-000401 has been requested. We will email you the next steps."
    )
    assert ReturnRequest.objects.get().order == order
    order.refresh_from_db()
    assert order.status == Order.Status.RETURN_REQUESTED


def test_no_return_for_another_customers_order_or_outside_the_window(monkeypatch, settings):
    stub_classifier(monkeypatch, "return_refund")
    services.seed_help_articles()
    me = UserFactory()
    delivered_order(UserFactory(), number="T-000501")
    delivered_order(me, number="T-000502", days_ago=settings.SHOP_RETURN_WINDOW_DAYS + 1)
    OrderFactory(user=me, number="T-000503", status=Order.Status.SHIPPED)

    others, conversation = ask("return T-000501", user=me)
    ask("yes", user=me, conversation=conversation)
    late, _ = ask("return T-000502", user=me)
    shipped, _ = ask("return T-000503", user=me)

    assert "Shall I start" not in others.text
    assert "The return window for order T-000502 closed on" in late.text
    assert "Order T-000503 cannot be returned: it is Shipped." in shipped.text
    assert ReturnRequest.objects.count() == 0


def test_declining_the_return_creates_nothing(monkeypatch):
    stub_classifier(monkeypatch, "return_refund")
    services.seed_help_articles()
    user = UserFactory()
    delivered_order(user, number="T-000601")

    _, conversation = ask("return T-000601", user=user)
    answer, _ = ask("no", user=user, conversation=conversation)

    assert answer.text == "All right, no return was started."
    assert ReturnRequest.objects.count() == 0
    conversation.refresh_from_db()
    assert conversation.pending == {}


def test_messages_are_stored_with_citations(articles, monkeypatch):
    stub_classifier(monkeypatch, "payment")

    _, conversation = ask("how can I pay")

    roles = list(conversation.messages.values_list("role", flat=True))
    assert roles == [Message.Role.CUSTOMER, Message.Role.ASSISTANT]
    assert conversation.messages.last().citations[0]["title"] == "Payment methods"


@pytest.mark.parametrize(
    ("label", "clarify", "out_of_scope"),
    [("small_talk", False, False), ("", True, False), ("out_of_scope", False, True)],
)
def test_an_order_number_is_an_order_question_whatever_the_classifier_says(
    monkeypatch, label, clarify, out_of_scope
):
    """ "T-000123?" alone is about that order; a guest is asked for the order's email."""
    stub_classifier(monkeypatch, label, clarify=clarify, out_of_scope=out_of_scope)

    answer, _ = ask("T-000123?")

    assert answer.intent == "order_status"
    assert answer.text == (
        "To look up an order without signing in, send its order number together with the "
        "email address used for the order."
    )


def test_a_return_is_offered_for_a_delivered_order_behind_newer_ones(articles, monkeypatch):
    """The customer's three newest orders are not delivered yet: the delivered one behind
    them is still offered."""
    stub_classifier(monkeypatch, "return_refund")
    customer = UserFactory()
    delivered = delivered_order(customer, number="T-000601")
    for number in ("T-000602", "T-000603", "T-000604"):
        OrderFactory(user=customer, number=number, status=Order.Status.PAID)

    answer, _ = ask("I want to return something", user=customer)

    assert answer.pending == {"action": "start_return", "order": delivered.number}
    assert "Order T-000601 can be returned until" in answer.text
