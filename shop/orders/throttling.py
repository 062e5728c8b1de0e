"""Order placement limits per visitor and per client address (common.ratelimit counters).

Every order holds stock until it is paid or expires, so a script placing cash-on-delivery
orders could empty the shelves; a visitor (signed-in customer, else browser session) and an
address may each place only so many orders per window.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from common.ratelimit import client_ip, hit, parse_rate

SCOPE = "checkout"


def _visitor(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    if not request.session.session_key:
        request.session.save()
    return f"session:{request.session.session_key}"


def count_order_attempt(request: HttpRequest) -> int:
    """Count one order placement by this visitor and address.

    Returns:
        0 when the order may be placed, else the seconds until the exhausted limit's window
        ends (the 429's Retry-After).
    """
    limits = (
        (settings.SHOP_CHECKOUT_VISITOR_RATE_LIMIT, _visitor),
        (settings.SHOP_CHECKOUT_ADDRESS_RATE_LIMIT, lambda r: f"ip:{client_ip(r)}"),
    )
    retry_after = 0
    for setting, key in limits:
        rate = parse_rate(setting)
        if rate is None:
            continue
        verdict = hit(SCOPE, key(request), rate=rate)
        if not verdict.allowed:
            retry_after = max(retry_after, verdict.retry_after)
    return retry_after
