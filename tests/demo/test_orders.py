"""The demo customers' orders: planned from the purchase events of the demo's history
(``demo.orders``) and placed through the shop's order services (``demo.write_orders``)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from itertools import groupby

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from demo import loader
from demo.accounts import DemoPasswords
from demo.customers import EventSpec, ReviewSpec, build_customers, build_history
from demo.orders import plan_orders, showcase_sessions, showcase_steps, with_showcase
from demo.products import build_products
from shop.catalog.models import Product
from shop.interactions.models import Interaction
from shop.orders.models import Address, Order, ReturnRequest
from shop.orders.services import return_deadline
from support_chat.tools import order_number_in

NOW = datetime(2025, 3, 1, tzinfo=UTC)
SEED = loader.DEFAULT_SEED
OPTIONS = {"products": 60, "customers": 4, "now": NOW}


def load(**options) -> loader.DemoShopSummary:
    return loader.load_demo_shop(
        **{**OPTIONS, **options}, passwords=DemoPasswords.given("demo-test-password")
    )


def showcase_orders() -> list[Order]:
    """demo_customer_01's scripted orders, newest first, found by their sessions' keys."""
    customers = build_customers(count=1, seed=SEED)
    products = build_products(count=OPTIONS["products"], seed=SEED)
    _events, reviews = build_history(customers, products, seed=SEED, now=NOW)
    sessions = showcase_sessions(
        customers[0], products, reviews=reviews, seed=SEED, now=NOW, return_window_days=30
    )
    return [Order.objects.get(idempotency_key=f"demo-shop:{s.session_key}") for s in sessions]


@pytest.mark.django_db
def test_the_first_demo_customer_has_an_order_in_every_state():
    """demo_customer_01 has a pending cash-on-delivery order, a paid one, a shipped one with a
    tracking number, one delivered inside and one outside the 30-day return window, and one
    under a return request; every date follows the shop's flow."""
    summary = load()

    user = get_user_model().objects.get(username="demo_customer_01")
    orders = showcase_orders()
    assert [(o.user_id, o.status, o.payment_method) for o in orders] == [
        (user.pk, "pending", "cod"),
        (user.pk, "paid", "test_card"),
        (user.pk, "shipped", "test_card"),
        (user.pk, "delivered", "test_card"),
        (user.pk, "return_requested", "test_card"),
        (user.pk, "delivered", "test_card"),
    ]
    pending, paid, shipped, inside, returning, outside = orders
    assert pending.paid_at is None
    assert paid.paid_at == paid.placed_at
    assert (pending.tracking_number, paid.tracking_number) == ("", "")
    assert all(re.fullmatch(r"DEMO-\d{10}", o.tracking_number) for o in orders[2:])
    assert all(order_number_in(f"where is {o.number}?") == o.number for o in orders)
    assert shipped.shipped_at == shipped.placed_at + timedelta(days=1)
    assert shipped.delivered_at is None
    assert inside.delivered_at == inside.placed_at + timedelta(days=3)
    assert return_deadline(inside) > NOW + timedelta(days=26)
    assert outside.delivered_at == outside.placed_at + timedelta(days=4)
    assert return_deadline(outside) < NOW - timedelta(days=9)
    assert [timedelta(days=d) <= NOW - o.placed_at <= timedelta(days=d, minutes=30) for d, o in (
        (0.3, pending), (1.4, paid), (3.5, shipped), (6.5, inside), (8.5, returning), (44, outside)
    )] == [True] * 6  # fmt: skip

    request = ReturnRequest.objects.get(order__user=user)
    assert (request.order_id, request.status) == (returning.pk, "requested")
    assert request.created_at == returning.delivered_at + timedelta(days=1)
    assert list(returning.events.values_list("from_status", "to_status", "created_at")) == [
        ("", "paid", returning.placed_at),
        ("paid", "shipped", returning.shipped_at),
        ("shipped", "delivered", returning.delivered_at),
        ("delivered", "return_requested", request.created_at),
    ]
    assert Address.objects.filter(user=user, is_default=True).count() == 1
    assert Address.objects.get(user=user).as_snapshot() == pending.shipping_address
    # With the default seed, 60 products and 4 customers: one more (delivered) order from the
    # customer's own browsing, and 18 for the 3 other customers.
    assert Counter(user.orders.values_list("status", flat=True)) == Counter(
        {"delivered": 3, "pending": 1, "paid": 1, "shipped": 1, "return_requested": 1}
    )
    assert (summary.orders, summary.orders_by_status) == (
        25,
        {"delivered": 20, "paid": 1, "pending": 1, "return_requested": 2, "shipped": 1},
    )


@pytest.mark.django_db
def test_orders_are_the_purchase_sessions_of_the_interaction_log():
    """Each demo customer's session with purchases is exactly one order: the same products
    and quantities, placed at the first purchase, priced at the product's price; stock ends
    as the catalog gives it and the shop logs and emails nothing more."""
    load()

    sessions: dict[tuple[int, str], list[Interaction]] = defaultdict(list)
    purchases = Interaction.objects.filter(kind="purchase").select_related("product")
    for event in purchases.order_by("created_at", "id"):
        sessions[(event.user_id, event.session_key)].append(event)
    bought = {}
    for events in sessions.values():
        quantities: Counter[str] = Counter()
        for event in events:
            quantities[event.product.sku] += event.quantity
        bought[(events[0].user_id, events[0].created_at)] = quantities
    orders = Order.objects.prefetch_related("lines__product")
    placed = {
        (o.user_id, o.placed_at): Counter({line.sku: line.quantity for line in o.lines.all()})
        for o in orders
    }
    assert placed == bought
    assert len(placed) == orders.count() == len(sessions)
    assert {e.created_at.date() for events in sessions.values() for e in events} == {
        o.placed_at.date() for o in orders
    }
    for order in orders:
        for line in order.lines.all():
            assert (line.unit_price, line.line_total) == (
                line.product.price,
                line.product.price * line.quantity,
            )
        assert order.subtotal == sum(line.line_total for line in order.lines.all())
        assert order.total == order.subtotal + order.shipping_total
    specs = build_products(count=OPTIONS["products"], seed=SEED)
    assert dict(Product.objects.values_list("sku", "stock")) == {s.sku: s.stock for s in specs}
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_rerun_replaces_the_orders_and_leaves_the_users_own():
    """A second load gives the same demo orders (not twice as many), and an order the visitor
    placed while trying the demo stays."""
    first = load()
    own = Order.objects.filter(status="pending").first()
    own.idempotency_key = "visitor-checkout-1"
    own.number = "250301-ABCDEF"
    own.save()

    second = load()

    assert Order.objects.count() == first.orders + 1
    assert second.orders == first.orders + 1
    assert Order.objects.filter(idempotency_key="visitor-checkout-1").count() == 1


def test_showcase_outside_the_window_fits_in_the_history():
    """The old delivered order is placed 14 days more than the window ago, at most 89 days."""
    assert showcase_steps(30)[-1].placed_days_ago == 44.0
    assert showcase_steps(100)[-1].placed_days_ago == 89.0


def purchase(customer: int, session: str, at: datetime, product: int, quantity: int = 1):
    return EventSpec(
        kind="purchase",
        customer=customer,
        session_key=session,
        product_index=product,
        query="",
        result_count=None,
        position=None,
        source="",
        quantity=quantity,
        language="en",
        at=at,
    )


def test_plans_follow_the_status_flow_and_stop_at_now():
    """Orders of 300 sessions spread over 90 days: nothing happens after ``now``, an order not
    yet shipped is pending exactly when paid in cash, shipped orders have tracking numbers,
    and orders move on with age. Same input, same plans."""
    customers = build_customers(count=2, seed=7)
    events = [
        purchase(2, f"s{i}", NOW - timedelta(days=90 * i / 300, hours=1), product=i % 5)
        for i in range(300)
    ]

    plans = plan_orders(customers, events, showcase=[], seed=7, now=NOW, return_window_days=30)

    assert plans == plan_orders(
        customers, events, showcase=[], seed=7, now=NOW, return_window_days=30
    )
    assert len(plans) == 300
    assert len({p.number for p in plans}) == 300
    for plan in plans:
        moments = [plan.placed_at, plan.shipped_at, plan.delivered_at, plan.return_requested_at]
        reached = [m for m in moments if m is not None]
        assert reached == sorted(reached)
        assert reached[-1] < NOW
        assert moments[len(reached) :] == [None] * (4 - len(reached))
        assert (plan.status == "pending") == (plan.payment_method == "cod")
        assert bool(plan.tracking_number) == (plan.shipped_at is not None)
        assert bool(plan.return_reason) == (plan.return_requested_at is not None)
    by_age = [p.status for p in sorted(plans, key=lambda p: p.placed_at, reverse=True)]
    assert set(by_age[:2]) <= {"pending", "paid"}
    assert set(by_age[30:]) <= {"delivered", "return_requested"}
    assert Counter(p.status for p in plans) == Counter(
        {"delivered": 275, "return_requested": 9, "shipped": 13, "paid": 3}
    )


def test_showcase_sessions_go_where_their_time_falls():
    """The scripted sessions join their customer's events at their time, each one whole, and
    every other event keeps its place."""
    customer = build_customers(count=1, seed=SEED)[0]
    sessions = showcase_sessions(
        customer,
        build_products(count=60, seed=SEED),
        reviews=[],
        seed=SEED,
        now=NOW,
        return_window_days=30,
    )
    events = [purchase(1, f"own-{d}", NOW - timedelta(days=d), product=0) for d in (80, 20, 2)]
    events += [purchase(2, "other", NOW - timedelta(days=5), product=1)]
    events += [purchase(1, "own-0.1", NOW - timedelta(days=0.1), product=0)]

    merged = with_showcase(events, sessions)

    assert len(merged) == 5 + 3 * 6
    scripted = {session.session_key for session in sessions}
    assert [e for e in merged if e.session_key not in scripted] == events
    assert [e for e in merged if e.session_key in scripted] == [
        event
        for session in sorted(sessions, key=lambda s: s.events[0].at)
        for event in session.events
    ]
    own = [e for e in merged if e.customer == 1]
    assert [e.at for e in own] == sorted(e.at for e in own)
    blocks = [key for key, _ in groupby(e.session_key for e in merged)]
    pending, paid, shipped, inside, returning, outside = (s.session_key for s in sessions)
    assert blocks == [
        "own-80", outside, "own-20", returning, inside, shipped, "own-2", "other", paid, pending,
        "own-0.1",
    ]  # fmt: skip
    assert [e.kind for e in sessions[0].events] == ["view", "add_to_cart", "purchase"]


def test_showcase_never_buys_what_the_customer_reviewed_unbought():
    """A product demo_customer_01 reviewed without buying is skipped, so the review stays an
    unverified one; the next best product takes its place."""
    customer = build_customers(count=1, seed=SEED)[0]
    products = build_products(count=60, seed=SEED)
    options = {"seed": SEED, "now": NOW, "return_window_days": 30}
    first = showcase_sessions(customer, products, reviews=[], **options)
    best = first[0].events[0].product_index
    review = ReviewSpec(
        customer=1,
        product_index=best,
        rating=4,
        title="",
        text="",
        language="en",
        verified_purchase=False,
        at=NOW,
    )

    second = showcase_sessions(customer, products, reviews=[review], **options)

    bought = [session.events[-1].product_index for session in second]
    assert best not in bought
    assert bought[0] == first[1].events[-1].product_index


@pytest.mark.django_db
def test_production_like_settings_still_record_the_card_orders(settings):
    """Under production's payment settings (cash on delivery only, as `make stack` runs) the
    demo still records its test-card orders, and shoppers still cannot choose the test card."""
    from shop.orders.payments import available_gateways

    settings.SHOP_PAYMENT_GATEWAYS = ["shop.orders.payments.CashOnDelivery"]

    load()

    assert Order.objects.filter(payment_method="test_card", status="paid").count() >= 1
    assert list(available_gateways()) == ["cod"]


@pytest.mark.django_db
def test_the_demo_pending_order_does_not_expire_at_the_default_threshold():
    """demo_customer_01's pending order (placed hours before the load) outlives the expiry
    of unpaid orders at the default 72 hours, so the demo keeps an order in every state."""
    from shop.orders import selectors, services

    load()
    cutoff = services.unpaid_order_cutoff(now=NOW)
    expired = services.expire_unpaid_orders(
        order_ids=selectors.unpaid_orders_to_expire(placed_before=cutoff).values_list(
            "pk", flat=True
        ),
        placed_before=cutoff,
    )

    assert expired == 0
    assert showcase_orders()[0].status == "pending"
