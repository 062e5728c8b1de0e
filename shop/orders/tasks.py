from __future__ import annotations

import logging
import smtplib

from celery import shared_task

from . import services

logger = logging.getLogger(__name__)

# Mail servers recover in minutes: 1, 2, 4, 8, 16 minutes between tries (about half an hour).
CONFIRMATION_MAX_RETRIES = 5
CONFIRMATION_RETRY_SECONDS = 60


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
