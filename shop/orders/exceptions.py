class CheckoutError(Exception):
    """The order cannot be placed as submitted; the message is shown to the customer."""


class PaymentDeclined(CheckoutError):
    pass


class IdempotencyKeyReused(CheckoutError):
    """The idempotency key already placed an order for a different checkout."""


class InvalidTransition(Exception):
    """An order status change that the status flow does not allow."""
