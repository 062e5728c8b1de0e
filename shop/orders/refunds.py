"""Refunds: what the shop owes back when a paid order is cancelled, and staff paying it.

Split from ``services.py`` (which calls :func:`record_cancellation_refund` inside its status
change). The payment gateways cannot send money back, so a cancelled paid order is never
left silent: it gets a :class:`~shop.orders.models.Refund` "to be refunded", listed for staff
in the admin (Orders › Refunds, and on the order) and shown to the customer on the order
page, until staff mark it refunded with :func:`mark_refund_made`.
"""

from __future__ import annotations

import logging

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .exceptions import InvalidTransition
from .models import Order, OrderEvent, Refund

logger = logging.getLogger(__name__)


def record_cancellation_refund(*, order: Order, actor: AbstractBaseUser | None = None) -> Refund:
    """Record the refund a cancelled paid ``order`` is owed (its total); idempotent.

    Call it inside the transaction that cancels the order, with the order row locked.
    """
    refund, created = Refund.objects.get_or_create(
        order=order,
        kind=Refund.Kind.CANCELLATION,
        defaults={
            "amount": order.total,
            "currency": order.currency,
            "payment_method": order.payment_method,
            "payment_reference": order.payment_reference,
        },
    )
    if created:
        OrderEvent.objects.create(
            order=order,
            note=f"Refund of {refund.amount} {refund.currency} to be made.",
            actor=actor if actor is not None and actor.is_authenticated else None,
        )
        logger.warning(
            "order %s cancelled after payment: refund %s of %s %s to be made",
            order.number,
            refund.pk,
            refund.amount,
            refund.currency,
        )
    return refund


def mark_refund_made(
    *, refund_id: int, actor: AbstractBaseUser | None = None, reference: str = ""
) -> Refund:
    """Record that staff sent a due refund's money back (``reference``: the transfer's).

    Raises:
        InvalidTransition: the refund was already marked refunded; nothing is written.
    """
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("order").get(pk=refund_id)
        if refund.status != Refund.Status.DUE:
            raise InvalidTransition(f"Refund {refund.pk} was already made.")
        refund.status = Refund.Status.REFUNDED
        refund.refunded_at = timezone.now()
        refund.refunded_by = actor if actor is not None and actor.is_authenticated else None
        refund.refund_reference = reference.strip()
        refund.save()
        OrderEvent.objects.create(
            order=refund.order,
            note=f"Refund of {refund.amount} {refund.currency} made"
            + (f" ({refund.refund_reference})." if refund.refund_reference else "."),
            actor=refund.refunded_by,
        )
    return refund
