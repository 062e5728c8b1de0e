"""A fixed-window rate limit per visitor on Django's cache.

No rate-limit library is pinned in requirements.txt, and one counter per visitor and window
is all the chat needs: ``cache.add`` starts a window, ``cache.incr`` counts in it (atomic on
Redis and on the local-memory cache). A signed-in customer is counted by account, anyone else
by client address, so dropping the session cookie does not reset the count.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def visitor_key(request: HttpRequest) -> str:
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    return f"a{request.META.get('REMOTE_ADDR', '')}"


def allow(request: HttpRequest) -> bool:
    """Count one message for this visitor; False once the window's limit is spent."""
    window = max(1, settings.SUPPORT_CHAT_RATE_WINDOW_SECONDS)
    key = f"support_chat:rate:{visitor_key(request)}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 1)
        count = 1
    return count <= settings.SUPPORT_CHAT_RATE_LIMIT
