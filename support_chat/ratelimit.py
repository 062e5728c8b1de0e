"""A fixed-window rate limit per visitor on Django's cache (counted by common.ratelimit).

A signed-in customer is counted by account. A visitor is counted by session and, with
ADDRESS_SHARE times the limit, by client address (``common.ratelimit.client_ip``, which
believes X-Forwarded-For only behind TRUSTED_PROXY_COUNT proxies): dropping the session cookie
does not escape the address's count, and visitors behind one proxy or NAT address do not share
the per-visitor limit.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from common.ratelimit import Rate, Verdict, client_ip, hit

# How many visitors' worth of messages one client address may send per window.
ADDRESS_SHARE = 10


def counters(request: HttpRequest) -> list[tuple[str, int]]:
    """(counter key, limit) pairs this message counts against."""
    limit = settings.SUPPORT_CHAT_RATE_LIMIT
    if request.user.is_authenticated:
        return [(f"u{request.user.pk}", limit)]
    keys = [(f"a{client_ip(request)}", limit * ADDRESS_SHARE)]
    if hasattr(request, "session"):
        # The chat keeps a visitor's conversation in the session anyway: start it here, so
        # the first message already counts against the visitor's own limit.
        if not request.session.session_key:
            request.session.save()
        keys.append((f"s{request.session.session_key}", limit))
    return keys


def check(request: HttpRequest) -> Verdict:
    """Count one message for this visitor; the first refusing counter's verdict, if any
    (its ``retry_after`` is what a 429's Retry-After should say)."""
    window = max(1, settings.SUPPORT_CHAT_RATE_WINDOW_SECONDS)
    verdict = Verdict(allowed=True, count=0, retry_after=0)
    for key, limit in counters(request):
        verdict = hit("support_chat", key, rate=Rate(limit=limit, window=window))
        if not verdict.allowed:
            return verdict
    return verdict


def allow(request: HttpRequest) -> bool:
    """Count one message for this visitor; False once a window's limit is spent."""
    return check(request).allowed
