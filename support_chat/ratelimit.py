"""A fixed-window rate limit per visitor on Django's cache.

No rate-limit library is pinned in requirements.txt, and a few counters per visitor and window
are all the chat needs: ``cache.add`` starts a window, ``cache.incr`` counts in it (atomic on
Redis and on the local-memory cache). A signed-in customer is counted by account. A visitor is
counted by session and, with ADDRESS_SHARE times the limit, by client address: dropping the
session cookie does not escape the address's count, and visitors behind one proxy or NAT
address do not share the per-visitor limit.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

# How many visitors' worth of messages one client address may send per window.
ADDRESS_SHARE = 10


def counters(request: HttpRequest) -> list[tuple[str, int]]:
    """(counter key, limit) pairs this message counts against."""
    limit = settings.SUPPORT_CHAT_RATE_LIMIT
    if request.user.is_authenticated:
        return [(f"u{request.user.pk}", limit)]
    keys = [(f"a{request.META.get('REMOTE_ADDR', '')}", limit * ADDRESS_SHARE)]
    if hasattr(request, "session"):
        # The chat keeps a visitor's conversation in the session anyway: start it here, so
        # the first message already counts against the visitor's own limit.
        if not request.session.session_key:
            request.session.save()
        keys.append((f"s{request.session.session_key}", limit))
    return keys


def _count(key: str, window: int) -> int:
    key = f"support_chat:rate:{key}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        return 1


def allow(request: HttpRequest) -> bool:
    """Count one message for this visitor; False once a window's limit is spent."""
    window = max(1, settings.SUPPORT_CHAT_RATE_WINDOW_SECONDS)
    return all(_count(key, window) <= limit for key, limit in counters(request))
