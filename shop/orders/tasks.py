from __future__ import annotations

import logging
import smtplib

from celery import shared_task

from . import selectors, services

logger = logging.getLogger(__name__)

# Mail servers recover in minutes: 1, 2, 4, 8, 16 minutes between tries (about half an hour).
CONFIRMATION_MAX_RETRIES = 5
CONFIRMATION_RETRY_SECONDS = 60
# Orders cancelled per run; each one locks its order and products, so a batch stays short.
EXPIRE_BATCH_SIZE = 200


@shared_task(bind=True, max_retries=CONFIRMATION_MAX_RETRIES)
def send_order_confirmation_task(self, order_id: int) -> bool:
    """After commit (queue "default"): email the order confirmation, retrying mail errors.

    Idempotent: the service records the send, so a retry or a redelivery sends nothing more.
    Running inline (no broker), a failure is logged instead of retried: sleeping through
    retries would hold the shopper's request, and raising would fail a committed checkout.
    """
    try:
        return services.send_order_confirmation(order_id=order_id)
    except (smtplib.SMTPException, OSError) as error:
        if self.request.is_eager or self.request.retries >= self.max_retries:
            logger.error(
                "order %s: the confirmation email was not sent: %s",
                order_id,
                error,
                exc_info=True,
            )
            return False
        raise self.retry(
            exc=error, countdown=CONFIRMATION_RETRY_SECONDS * 2**self.request.retries
        ) from error


@shared_task
def expire_unpaid_orders_task(batch_size: int = EXPIRE_BATCH_SIZE) -> int:
    """Periodic (beat, hourly): cancel one batch of expired unpaid orders, releasing their
    stock; a full batch queues the next one. Idempotent: an order is re-checked under lock."""
    cutoff = services.unpaid_order_cutoff()
    order_ids = list(
        selectors.unpaid_orders_to_expire(placed_before=cutoff).values_list("pk", flat=True)[
            :batch_size
        ]
    )
    expired = services.expire_unpaid_orders(order_ids=order_ids, placed_before=cutoff)
    if len(order_ids) == batch_size:
        expire_unpaid_orders_task.delay(batch_size)
    return expired
