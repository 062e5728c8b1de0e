"""The demo customers' orders, planned from their purchase events (pure: no database).

Every shopping session with purchases in the interaction log becomes one order: the products
bought in it, in the quantities bought, placed at the session's first purchase. What happened
to the order since depends on its age when the history ends (``now``): not yet shipped (paid
by card, or pending when it is cash on delivery), shipped with a tracking number, delivered,
and now and then returned within the return window.

The first demo customer is the account a visitor tries the demo as, so the chat's order
questions must have an answer whatever the seed: ``showcase_sessions`` adds six scripted
purchase sessions to their history whose orders are pending (cash on delivery), paid, shipped,
delivered inside and outside the return window, and under a return request.

Everything is a pure function of the seed, the customers, the events and ``now``; the
addresses and return reasons come from ``demo/content/orders.yaml``.
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from common.text import CHINESE

from .customers import HISTORY_DAYS, CustomerSpec, EventSpec, ReviewSpec
from .products import ProductSpec
from .reader import demo_content

SHOWCASE_CUSTOMER = 1
# Order.Status and payment gateway codes (shop.orders); this module stays free of models.
PENDING, PAID, SHIPPED, DELIVERED = "pending", "paid", "shipped", "delivered"
RETURN_REQUESTED = "return_requested"
CASH_ON_DELIVERY, CARD = "cod", "test_card"
# Idempotency keys of the demo's orders start with this, so a rerun finds and replaces them.
ORDER_KEY_PREFIX = "demo-shop:"
TRACKING_PREFIX = "DEMO-"
# Of the orders not yet shipped, the share paid in cash on delivery (the rest by card);
# of delivered orders, the share their customer asks to return.
CASH_RATE = 0.3
RETURN_RATE = 0.05
EXPRESS_RATE = 0.2


@dataclass(frozen=True)
class ShowcaseStep:
    """One scripted order of the showcase customer: its status and its dates, in days."""

    status: str
    placed_days_ago: float
    shipped_after: float | None = None
    delivered_after: float | None = None
    # days after delivery the customer asks to return it
    return_after: float | None = None


@dataclass(frozen=True)
class ShowcaseSession:
    step: ShowcaseStep
    session_key: str
    events: tuple[EventSpec, ...]


@dataclass(frozen=True)
class OrderPlan:
    customer: int
    number: str
    idempotency_key: str
    language: str
    email: str
    address: dict[str, str]
    # (product index, quantity), in the order the session bought them
    lines: tuple[tuple[int, int], ...]
    shipping_method: str
    payment_method: str
    status: str
    placed_at: datetime
    paid_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    tracking_number: str
    return_requested_at: datetime | None
    return_reason: str


def showcase_steps(return_window_days: int) -> tuple[ShowcaseStep, ...]:
    """The showcase customer's orders, newest first. The last one was delivered ten days
    more than the return window ago, so its window has closed (unless the window is so long
    that the 90-day history cannot hold it)."""
    old = min(HISTORY_DAYS - 1.0, return_window_days + 14.0)
    return (
        ShowcaseStep(PENDING, 0.3),
        ShowcaseStep(PAID, 1.4),
        ShowcaseStep(SHIPPED, 3.5, shipped_after=1.0),
        ShowcaseStep(DELIVERED, 6.5, shipped_after=1.0, delivered_after=2.0),
        ShowcaseStep(RETURN_REQUESTED, 8.5, 1.0, 3.0, return_after=1.0),
        ShowcaseStep(DELIVERED, old, shipped_after=1.0, delivered_after=3.0),
    )


# Each scripted session: (kind, source, quantity, seconds before the purchase).
_SHOWCASE_SESSION = (
    ("view", "recommendations", None, 150),
    ("add_to_cart", "", 1, 60),
    ("purchase", "", 1, 0),
)


def showcase_sessions(
    customer: CustomerSpec,
    products: list[ProductSpec],
    *,
    reviews: list[ReviewSpec],
    seed: int,
    now: datetime,
    return_window_days: int,
) -> list[ShowcaseSession]:
    """Scripted sessions (a product page, the cart, the purchase) for the showcase customer's
    orders: products in stock from their favourite categories first, best first, except those
    they reviewed without buying (buying them would make those reviews' "unverified" wrong)."""
    if customer.number != SHOWCASE_CUSTOMER:
        return []
    rng = random.Random(f"demo-shop:{seed}:showcase:{customer.number}")
    unbought = {
        r.product_index
        for r in reviews
        if r.customer == customer.number and not r.verified_purchase
    }
    on_sale = [
        p for p in products if p.status == "active" and p.stock > 0 and p.index not in unbought
    ]
    if not on_sale:
        return []
    on_sale.sort(
        key=lambda p: (
            p.category_slug not in customer.favourite_leaves,
            p.top_slug not in customer.favourite_tops,
            -p.quality,
            p.index,
        )
    )
    sessions = []
    for position, step in enumerate(showcase_steps(return_window_days)):
        product = on_sale[position % len(on_sale)]
        bought_at = now - timedelta(days=step.placed_days_ago, minutes=rng.uniform(0, 30))
        session_key = f"{rng.getrandbits(128):032x}"
        events = tuple(
            EventSpec(
                kind=kind,
                customer=customer.number,
                session_key=session_key,
                product_index=product.index,
                query="",
                result_count=None,
                position=None,
                source=source,
                quantity=quantity,
                language=customer.language,
                at=bought_at - timedelta(seconds=seconds_before),
            )
            for kind, source, quantity, seconds_before in _SHOWCASE_SESSION
        )
        sessions.append(ShowcaseSession(step=step, session_key=session_key, events=events))
    return sessions


def with_showcase(events: list[EventSpec], sessions: list[ShowcaseSession]) -> list[EventSpec]:
    """``events`` with each showcase session put, whole, where its time falls among its
    customer's events (the customer's other events keep their order)."""
    merged = list(events)
    for session in sorted(sessions, key=lambda s: s.events[0].at):
        customer = session.events[0].customer
        own = [i for i, e in enumerate(merged) if e.customer == customer]
        times = [merged[i].at for i in own]
        position = bisect.bisect_right(times, session.events[0].at)
        if position < len(own):
            at = own[position]
        else:
            at = own[-1] + 1 if own else len(merged)
        merged[at:at] = session.events
    return merged


def plan_orders(
    customers: list[CustomerSpec],
    events: list[EventSpec],
    *,
    showcase: list[ShowcaseSession],
    seed: int,
    now: datetime,
    return_window_days: int,
) -> list[OrderPlan]:
    """One order per session with purchases, oldest first within each customer."""
    pinned = {session.session_key: session.step for session in showcase}
    by_number = {customer.number: customer for customer in customers}
    sessions: dict[tuple[int, str], list[EventSpec]] = defaultdict(list)
    for event in events:
        if event.kind == "purchase" and event.product_index is not None:
            sessions[(event.customer, event.session_key)].append(event)
    numbers_taken: set[str] = set()
    plans = []
    for (number, session_key), purchases in sessions.items():
        customer = by_number[number]
        rng = random.Random(f"demo-shop:{seed}:order:{number}:{session_key}")
        lines: dict[int, int] = {}
        for purchase in purchases:
            lines[purchase.product_index] = lines.get(purchase.product_index, 0) + (
                purchase.quantity or 1
            )
        placed_at = purchases[0].at
        plans.append(
            _plan(
                rng,
                customer,
                session_key=session_key,
                lines=tuple(lines.items()),
                placed_at=placed_at,
                step=pinned.get(session_key),
                address=_address(customer, seed=seed),
                number=_order_number(rng, placed_at, numbers_taken),
                now=now,
                return_window_days=return_window_days,
            )
        )
    plans.sort(key=lambda plan: (plan.customer, plan.placed_at))
    return plans


def _plan(
    rng: random.Random,
    customer: CustomerSpec,
    *,
    session_key: str,
    lines: tuple[tuple[int, int], ...],
    placed_at: datetime,
    step: ShowcaseStep | None,
    address: dict[str, str],
    number: str,
    now: datetime,
    return_window_days: int,
) -> OrderPlan:
    if step is not None:
        shipped_at = _after(placed_at, step.shipped_after)
        delivered_at = _after(shipped_at, step.delivered_after)
        return_at = _after(delivered_at, step.return_after)
        cash = step.status == PENDING
    else:
        shipped_at = placed_at + timedelta(days=rng.uniform(0.4, 2.0))
        delivered_at = shipped_at + timedelta(days=rng.uniform(1.5, 5.0))
        return_at = delivered_at + timedelta(days=rng.uniform(1.0, 10.0))
        window = timedelta(days=return_window_days)
        if rng.random() >= RETURN_RATE or return_at - delivered_at > window:
            return_at = None
        cash = shipped_at >= now and rng.random() < CASH_RATE
    # Nothing has happened after `now`, the moment the history ends.
    shipped_at, delivered_at, return_at = (
        moment if moment is not None and moment < now else None
        for moment in (shipped_at, delivered_at, return_at)
    )
    if shipped_at is None:
        delivered_at = return_at = None
    if delivered_at is None:
        return_at = None
    if return_at is not None:
        status = RETURN_REQUESTED
    elif delivered_at is not None:
        status = DELIVERED
    elif shipped_at is not None:
        status = SHIPPED
    else:
        status = PENDING if cash else PAID
    reason = rng.choice(demo_content().orders.return_reasons)
    return OrderPlan(
        customer=customer.number,
        number=number,
        idempotency_key=f"{ORDER_KEY_PREFIX}{session_key}",
        language=customer.language,
        email=customer.email,
        address=address,
        lines=lines,
        shipping_method="express" if rng.random() < EXPRESS_RATE else "standard",
        payment_method=CASH_ON_DELIVERY if cash else CARD,
        status=status,
        placed_at=placed_at,
        paid_at=None if cash else placed_at,
        shipped_at=shipped_at,
        delivered_at=delivered_at,
        tracking_number=f"{TRACKING_PREFIX}{rng.randrange(10**10):010d}" if shipped_at else "",
        return_requested_at=return_at,
        return_reason=(reason.zh if customer.language == CHINESE else reason.en)
        if return_at
        else "",
    )


def _after(moment: datetime | None, days: float | None) -> datetime | None:
    if moment is None or days is None:
        return None
    return moment + timedelta(days=days)


def _order_number(rng: random.Random, placed_at: datetime, taken: set[str]) -> str:
    """``yymmdd-XXXXXX`` like the shop's own numbers (and the chat's pattern for them)."""
    while True:
        number = f"{placed_at:%y%m%d}-{rng.getrandbits(24):06X}"
        if number not in taken:
            taken.add(number)
            return number


def _address(customer: CustomerSpec, *, seed: int) -> dict[str, str]:
    """The one address a customer ships to: a place where their shop language is spoken."""
    rng = random.Random(f"demo-shop:{seed}:address:{customer.number}")
    words = demo_content().orders
    zh = customer.language == CHINESE
    place = rng.choice(words.addresses["zh" if zh else "en"])
    line1 = (words.line1.zh if zh else words.line1.en).format(
        street=place.street, number=rng.randint(2, 240)
    )
    chinese_name = not customer.last_name[:1].isascii()
    return {
        "full_name": f"{customer.last_name}{customer.first_name}"
        if chinese_name
        else f"{customer.first_name} {customer.last_name}",
        "line1": line1,
        "line2": "",
        "city": place.city,
        "region": place.region,
        "postcode": place.postcode,
        "country": place.country,
        "phone": "",
    }
