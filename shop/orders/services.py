"""Order writes: placing an order safely and moving it through its status flow."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from celery import current_app
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shop.catalog.models import Product
from shop.catalog.pricing import calculate_totals
from shop.interactions.services import build_interaction, write_batch

from .exceptions import CheckoutError, IdempotencyKeyReused, InvalidTransition
from .lock_objects import order_qs_select_for_update, product_qs_select_for_update
from .models import (
    ADDRESS_FIELDS,
    Address,
    Order,
    OrderEvent,
    OrderLine,
    ReturnRequest,
    ShippingMethod,
)
from .payments import get_gateway
from .refunds import record_cancellation_refund

logger = logging.getLogger(__name__)

Status = Order.Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.PAID, Status.CANCELLED}),
    Status.PAID: frozenset({Status.SHIPPED, Status.CANCELLED}),
    Status.SHIPPED: frozenset({Status.DELIVERED}),
    Status.DELIVERED: frozenset({Status.RETURN_REQUESTED}),
    # A rejected return request puts the order back to delivered.
    Status.RETURN_REQUESTED: frozenset({Status.RETURNED, Status.DELIVERED}),
    Status.RETURNED: frozenset({Status.REFUNDED}),
    Status.CANCELLED: frozenset(),
    Status.REFUNDED: frozenset(),
}
# Stock comes back when goods never left or came back.
RESTOCKING_STATUSES = frozenset({Status.CANCELLED, Status.RETURNED})
REQUIRED_ADDRESS_FIELDS = ("full_name", "line1", "city", "postcode", "country")
CONFIRMATION_TASK = "shop.orders.tasks.send_order_confirmation_task"


def _clean_address(address: dict[str, Any]) -> dict[str, str]:
    cleaned = {field: str(address.get(field) or "").strip() for field in ADDRESS_FIELDS}
    missing = [field for field in REQUIRED_ADDRESS_FIELDS if not cleaned[field]]
    if missing:
        raise CheckoutError(
            _("The shipping address is missing: %(fields)s.") % {"fields": ", ".join(missing)}
        )
    cleaned["country"] = cleaned["country"].upper()
    if len(cleaned["country"]) != 2 or not cleaned["country"].isalpha():
        raise CheckoutError(_("The country must be a two-letter code such as US or CN."))
    return cleaned


def _new_order_number() -> str:
    return f"{timezone.now():%y%m%d}-{secrets.token_hex(3).upper()}"


def place_order(
    *,
    lines: dict[int, int],
    user: AbstractBaseUser | None,
    email: str,
    address: dict[str, Any],
    shipping_method_code: str,
    payment_method: str,
    idempotency_key: str,
    payment_token: str = "",
    expected_total: Decimal | None = None,
    language: str = "en",
    session_key: str = "",
    log_purchase: bool = True,
    send_confirmation: bool = True,
) -> Order:
    """Place one order for ``{product_id: quantity}`` lines, exactly once per idempotency key.

    Product rows are locked (in primary-key order) for the whole transaction, so stock and
    prices are re-validated under the lock and no product is ever oversold. Stock is
    decremented with ``F()`` while the lock is held. A resubmit with the same key returns the
    order the first submit created; the same key for a different checkout (other lines,
    address, shipping, payment, total, or another customer or guest session) is refused.

    Args:
        expected_total: the total the customer confirmed; if prices changed since, the order
            is refused so they can review the new total.
        log_purchase: after commit, write a purchase interaction per line. Off for an order
            recorded after the fact (the demo's history) whose purchases are already logged.
        send_confirmation: after commit, email the confirmation. Off for such orders too.

    Raises:
        CheckoutError: empty cart, unknown shipping or payment method, bad address, a
            product no longer sold or short of stock, a changed total, a declined payment.
            Nothing is written.
        IdempotencyKeyReused: the key already placed an order for a different checkout.
    """
    if not idempotency_key or len(idempotency_key) > 64:
        raise CheckoutError(_("This checkout form has expired; please submit it again."))
    clean_address = _clean_address(address)
    request = CheckoutRequest(
        owner=_owner(user, session_key),
        email=email,
        address=clean_address,
        shipping_method_code=shipping_method_code,
        payment_method=payment_method,
        expected_total=expected_total,
    )
    existing = Order.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replayed_order_or_error(existing, request, lines)
    if not lines or any(quantity < 1 for quantity in lines.values()):
        raise CheckoutError(_("Your cart is empty."))
    shipping = ShippingMethod.objects.filter(code=shipping_method_code, is_active=True).first()
    if shipping is None:
        raise CheckoutError(_("Choose a shipping method."))
    gateway = get_gateway(payment_method)

    for _attempt in range(3):
        try:
            order = _place_order_locked(
                lines=lines,
                user=user,
                email=email,
                address=clean_address,
                shipping=shipping,
                gateway=gateway,
                payment_token=payment_token,
                idempotency_key=idempotency_key,
                fingerprint=request.fingerprint(lines),
                expected_total=expected_total,
                language=language,
                session_key=session_key,
                log_purchase=log_purchase,
                send_confirmation=send_confirmation,
            )
        except IntegrityError:
            # Either a concurrent submit with the same key won (return its order) or the
            # random order number collided (try again with a new one).
            existing = Order.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return _replayed_order_or_error(existing, request, lines)
            continue
        return order
    raise CheckoutError(_("We could not place your order; please try again."))


@dataclass(frozen=True)
class CheckoutRequest:
    """What an idempotency key protects, apart from the lines (see ``fingerprint``)."""

    owner: str
    email: str
    address: dict[str, str]
    shipping_method_code: str
    payment_method: str
    expected_total: Decimal | None

    def fingerprint(self, lines: dict[int, int]) -> str:
        """A digest of this request for ``lines``: equal only for the same checkout."""
        total = self.expected_total
        payload = {
            "owner": self.owner,
            "email": self.email.strip().lower(),
            "address": self.address,
            "shipping": self.shipping_method_code,
            "payment": self.payment_method,
            "total": None if total is None else str(total.quantize(Decimal("0.01"))),
            "lines": sorted((int(pid), int(quantity)) for pid, quantity in lines.items()),
        }
        encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(encoded.encode()).hexdigest()


def _owner(user: AbstractBaseUser | None, session_key: str) -> str:
    # A guest's key is bound to the browser session that reviewed the order: another guest
    # holding the key (a shared link, a leaked form) must not see the order it placed.
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"session:{session_key}"


def _replayed_order_or_error(
    order: Order, request: CheckoutRequest, lines: dict[int, int]
) -> Order:
    """The order a resubmitted key placed, if the resubmit is the same checkout.

    Like Stripe's idempotency keys, the same key with a different request is an error, never
    the earlier order: a stale review submitted after the cart changed must not hand back the
    old order (and clear the new cart), and nobody else may use the key.
    """
    if not lines:
        # The first submit emptied the cart, so a double click or a retry of the same form
        # arrives with no lines: it is the same checkout if it was for the order's lines.
        lines = dict(
            order.lines.filter(product__isnull=False).values_list("product_id", "quantity")
        )
    if not order.idempotency_fingerprint or not hmac.compare_digest(
        order.idempotency_fingerprint, request.fingerprint(lines)
    ):
        raise IdempotencyKeyReused(
            _(
                "This checkout form was already used for another order. Review your order "
                "and submit it again."
            )
        )
    return order


def _place_order_locked(
    *,
    lines: dict[int, int],
    user: AbstractBaseUser | None,
    email: str,
    address: dict[str, str],
    shipping: ShippingMethod,
    gateway: Any,
    payment_token: str,
    idempotency_key: str,
    fingerprint: str,
    expected_total: Decimal | None,
    language: str,
    session_key: str,
    log_purchase: bool,
    send_confirmation: bool,
) -> Order:
    with transaction.atomic():
        products = {p.pk: p for p in product_qs_select_for_update(lines)}
        problems = []
        for product_id, quantity in lines.items():
            product = products.get(product_id)
            if product is None or product.status != Product.Status.ACTIVE:
                problems.append(_("A product in your cart is no longer sold."))
            elif product.stock < quantity:
                problems.append(
                    _("Only %(stock)d of “%(title)s” left in stock.")
                    % {"stock": product.stock, "title": product.title}
                )
        if problems:
            raise CheckoutError(" ".join(problems))
        currencies = {products[pid].currency for pid in lines}
        if len(currencies) != 1:
            raise CheckoutError(_("Products priced in different currencies cannot share an order."))
        currency = currencies.pop()
        totals = calculate_totals(
            ((products[pid].price, quantity) for pid, quantity in lines.items()),
            currency=currency,
            shipping_price=shipping.price,
            free_shipping_over=shipping.free_over,
        )
        if expected_total is not None and totals.total != expected_total:
            raise CheckoutError(
                _("Prices changed since you reviewed your order: the total is now %(total)s.")
                % {"total": f"{totals.total} {currency}"}
            )
        # The test and cash gateways do not leave the process; a networked gateway would
        # authorise before this transaction and capture after commit, keyed by the same key.
        payment = gateway.charge(
            amount=totals.total,
            currency=currency,
            token=payment_token,
            idempotency_key=idempotency_key,
        )
        now = timezone.now()
        order = Order.objects.create(
            number=_new_order_number(),
            user=user if user is not None and user.is_authenticated else None,
            email=email,
            language=language,
            status=Status.PAID if payment.captured else Status.PENDING,
            shipping_address=address,
            shipping_method_code=shipping.code,
            shipping_method_name=shipping.name,
            subtotal=totals.subtotal,
            shipping_total=totals.shipping,
            total=totals.total,
            currency=currency,
            payment_method=gateway.code,
            payment_reference=payment.reference,
            idempotency_key=idempotency_key,
            idempotency_fingerprint=fingerprint,
            paid_at=now if payment.captured else None,
        )
        OrderLine.objects.bulk_create(
            OrderLine(
                order=order,
                product=products[pid],
                sku=products[pid].sku,
                title=products[pid].title,
                unit_price=products[pid].price,
                quantity=quantity,
                line_total=products[pid].price * quantity,
            )
            for pid, quantity in lines.items()
        )
        for product_id, quantity in lines.items():
            Product.objects.filter(pk=product_id).update(stock=F("stock") - quantity)
        OrderEvent.objects.create(order=order, to_status=order.status, note="placed")
        user_id = order.user_id
        if log_purchase:
            # robust: the order is committed whatever happens here; a failure is logged and
            # must not turn the shopper's successful checkout into an error page.
            transaction.on_commit(
                lambda: _log_purchases(order.pk, user_id, session_key), robust=True
            )
        if send_confirmation:
            transaction.on_commit(lambda: _enqueue_confirmation(order.pk), robust=True)
    return order


def _log_purchases(order_id: int, user_id: int | None, session_key: str) -> None:
    order = Order.objects.prefetch_related("lines").get(pk=order_id)
    write_batch(
        build_interaction(
            kind="purchase",
            user_id=user_id,
            session_key=session_key,
            product_id=line.product_id,
            quantity=line.quantity,
            language=order.language,
        )
        for line in order.lines.all()
    )


def _enqueue_confirmation(order_id: int) -> None:
    current_app.tasks[CONFIRMATION_TASK].delay(order_id)


def send_order_confirmation(*, order_id: int) -> bool:
    """Email the confirmation, in the language the customer ordered in, at most once.

    The send is recorded in ``Order.confirmation_sent_at``; a second call (a retried or
    redelivered task) sends nothing.

    Returns:
        True if the email was sent now, False if it had been sent before.

    Raises:
        smtplib.SMTPException, OSError: the mail server failed or timed out
            (``EMAIL_TIMEOUT``); nothing is recorded, so a retry sends it.
    """
    order = Order.objects.prefetch_related("lines").get(pk=order_id)
    if order.confirmation_sent_at is not None:
        return False
    with translation.override(order.language):
        subject = _("Your order %(number)s") % {"number": order.number}
        body = render_to_string("orders/email/confirmation.txt", {"order": order})
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [order.email])
    Order.objects.filter(pk=order_id, confirmation_sent_at__isnull=True).update(
        confirmation_sent_at=timezone.now()
    )
    return True


def transition_order(
    *,
    order_id: int,
    to_status: str,
    actor: AbstractBaseUser | None = None,
    note: str = "",
    tracking_number: str = "",
) -> Order:
    """Move an order to ``to_status`` if the status flow allows it.

    Cancelling or receiving a return puts the stock back. Cancelling a paid order records
    the refund it is owed (:func:`shop.orders.refunds.record_cancellation_refund`). The
    change and the note are recorded as an :class:`OrderEvent`. ``tracking_number`` is kept
    when the order ships.

    Raises:
        InvalidTransition: the flow does not allow this change; nothing is written.
    """
    with transaction.atomic():
        order = order_qs_select_for_update().get(pk=order_id)
        from_status = order.status
        if to_status not in ALLOWED_TRANSITIONS.get(from_status, frozenset()):
            raise InvalidTransition(
                _("An order cannot go from %(from)s to %(to)s.")
                % {"from": Status(from_status).label, "to": _status_label(to_status)}
            )
        now = timezone.now()
        order.status = to_status
        timestamp = {Status.PAID: "paid_at", Status.SHIPPED: "shipped_at"}.get(to_status)
        if to_status == Status.DELIVERED and from_status == Status.SHIPPED:
            timestamp = "delivered_at"
        if timestamp:
            setattr(order, timestamp, now)
        if to_status == Status.SHIPPED and tracking_number:
            order.tracking_number = tracking_number.strip()
        order.save()
        if to_status in RESTOCKING_STATUSES:
            _restock(order)
        OrderEvent.objects.create(
            order=order,
            from_status=from_status,
            to_status=to_status,
            note=note,
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
        if to_status == Status.CANCELLED and from_status == Status.PAID:
            # The customer paid: the money is owed back (shop.orders.refunds).
            record_cancellation_refund(order=order, actor=actor)
    return order


def _status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def _restock(order: Order) -> None:
    quantities = dict(
        order.lines.filter(product__isnull=False).values_list("product_id", "quantity")
    )
    list(product_qs_select_for_update(quantities))  # lock in pk order
    for product_id, quantity in quantities.items():
        Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)


def unpaid_order_cutoff(*, now: datetime | None = None) -> datetime:
    """Orders placed before this moment and still unpaid have expired."""
    return (now or timezone.now()) - timedelta(hours=settings.SHOP_UNPAID_ORDER_EXPIRY_HOURS)


def expire_unpaid_orders(*, order_ids: Iterable[int], placed_before: datetime) -> int:
    """Cancel these orders if they are still pending and unpaid and were placed before
    ``placed_before``; cancelling puts their stock back (:func:`transition_order`).

    Each order is re-checked under its row lock, so an order paid or cancelled meanwhile is
    left alone and a second run expires nothing twice.

    Returns:
        How many orders were cancelled.
    """
    hours = settings.SHOP_UNPAID_ORDER_EXPIRY_HOURS
    expired = 0
    for order_id in order_ids:
        with transaction.atomic():
            still_unpaid = (
                order_qs_select_for_update()
                .filter(
                    pk=order_id,
                    status=Status.PENDING,
                    paid_at__isnull=True,
                    placed_at__lt=placed_before,
                )
                .exists()
            )
            if not still_unpaid:
                continue
            transition_order(
                order_id=order_id,
                to_status=Status.CANCELLED,
                note=f"expired: not confirmed within {hours} hours",
            )
        expired += 1
    return expired


def add_order_note(*, order_id: int, note: str, actor: AbstractBaseUser | None = None) -> None:
    """A merchant note on the order's timeline (no status change)."""
    note = note.strip()
    if not note:
        raise ValueError("note is empty")
    OrderEvent.objects.create(order_id=order_id, note=note, actor=actor)


def return_deadline(order: Order) -> datetime | None:
    if order.delivered_at is None:
        return None
    return order.delivered_at + timedelta(days=settings.SHOP_RETURN_WINDOW_DAYS)


def request_return(
    *, order_id: int, user: AbstractBaseUser, reason: str, now: datetime | None = None
) -> ReturnRequest:
    """A customer asks to return a delivered order within the return window.

    Raises:
        Order.DoesNotExist: the order is not this customer's.
        CheckoutError: not delivered, outside the window, no reason given, or an earlier
            return of this order was rejected.
    """
    reason = reason.strip()
    if not reason:
        raise CheckoutError(_("Tell us why you are returning the order."))
    now = now or timezone.now()
    with transaction.atomic():
        order = order_qs_select_for_update().get(pk=order_id, user=user)
        if order.status != Status.DELIVERED:
            raise CheckoutError(_("Only delivered orders can be returned."))
        # One rejection is final for the shopper: re-filing after each "no" would put the
        # same order back in the merchant's queue indefinitely (issue #18). Changing that
        # answer is the merchant's call (reopen_return, an action in the admin).
        if order.return_requests.filter(status=ReturnRequest.Status.REJECTED).exists():
            raise CheckoutError(
                _("A return for this order was already declined. Contact us if you disagree.")
            )
        deadline = return_deadline(order)
        if deadline is None or now > deadline:
            raise CheckoutError(
                _("The %(days)d-day return window for this order has closed.")
                % {"days": settings.SHOP_RETURN_WINDOW_DAYS}
            )
        request = ReturnRequest.objects.create(order=order, reason=reason[:2000])
        transition_order(
            order_id=order.pk, to_status=Status.RETURN_REQUESTED, actor=user, note=reason
        )
    return request


def resolve_return(
    *, return_request_id: int, approve: bool, actor: AbstractBaseUser | None = None
) -> ReturnRequest:
    """The merchant approves (goods received: order returned, stock back) or rejects."""
    with transaction.atomic():
        request = ReturnRequest.objects.select_for_update().get(pk=return_request_id)
        if request.status != ReturnRequest.Status.REQUESTED:
            raise InvalidTransition(_("This return request was already resolved."))
        request.status = ReturnRequest.Status.APPROVED if approve else ReturnRequest.Status.REJECTED
        request.resolved_at = timezone.now()
        request.save(update_fields=["status", "resolved_at"])
        transition_order(
            order_id=request.order_id,
            to_status=Status.RETURNED if approve else Status.DELIVERED,
            actor=actor,
            note=f"return {request.status}",
        )
    return request


def reopen_return(
    *, return_request_id: int, actor: AbstractBaseUser | None = None
) -> ReturnRequest:
    """The merchant takes back a rejection: the request is pending again, the order too."""
    with transaction.atomic():
        request = ReturnRequest.objects.select_for_update().get(pk=return_request_id)
        if request.status != ReturnRequest.Status.REJECTED:
            raise InvalidTransition(_("Only a rejected return request can be reopened."))
        request.status = ReturnRequest.Status.REQUESTED
        request.resolved_at = None
        request.save(update_fields=["status", "resolved_at"])
        transition_order(
            order_id=request.order_id,
            to_status=Status.RETURN_REQUESTED,
            actor=actor,
            note="return reopened",
        )
    return request


def save_address(*, user: AbstractBaseUser, address: dict[str, str]) -> Address:
    """Keep a checkout address for next time, unless the customer already has it."""
    fields = {field: address.get(field, "") for field in ADDRESS_FIELDS}
    existing = Address.objects.filter(user=user, **fields).first()
    if existing is not None:
        return existing
    is_first = not Address.objects.filter(user=user).exists()
    return Address.objects.create(user=user, is_default=is_first, **fields)
