"""Fixed-window request limits on Django's cache, for any app's views.

A limit is a setting holding a rate such as ``"60/m"`` (count per second, minute, hour or
day); ``None`` or ``""`` switches it off. Counters live in the default cache (Redis in
production, so every web process shares them; local memory in development): ``cache.add``
starts a window and ``cache.incr`` counts in it, both atomic on Redis and on the local-memory
cache. A fixed window lets a client send up to twice the rate across a window boundary, which
is acceptable for shedding load and costs one cache round trip per request. While Redis is down
the cache (``common.cache.FailOpenRedisCache``) keeps these counters in each process: limits
still hold, per process, rather than refusing every request or none.

Clients are told apart by :func:`client_ip`, which believes ``X-Forwarded-For`` only as far as
``TRUSTED_PROXY_COUNT`` says proxies of this deployment put addresses in it.

Usage::

    @rate_limit("search", setting="SEARCH_RATE_LIMIT")
    def search_api(request): ...
"""

from __future__ import annotations

import functools
import ipaddress
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import ngettext

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    window: int  # seconds


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    # Seconds until the window that refused the request ends (0 when allowed).
    retry_after: int


@functools.lru_cache(maxsize=64)
def parse_rate(value: str | None) -> Rate | None:
    """``"60/m"`` → ``Rate(60, 60)``; ``None`` or ``""`` → ``None`` (no limit).

    The period is read by its first letter, so ``"60/min"`` and ``"60/minute"`` work too.

    Raises:
        ImproperlyConfigured: the value is not ``<positive count>/<s|m|h|d>``.
    """
    if not value:
        return None
    count, _, period = str(value).partition("/")
    window = PERIODS.get(period.strip()[:1].lower())
    if not count.strip().isdigit() or int(count) < 1 or window is None:
        raise ImproperlyConfigured(
            f"Rate {value!r} is not '<count>/<s|m|h|d>' with a count of at least 1; "
            "use None to switch a limit off."
        )
    return Rate(limit=int(count), window=window)


def client_ip(request: HttpRequest) -> str:
    """The address a request came from.

    ``REMOTE_ADDR`` unless ``TRUSTED_PROXY_COUNT`` is n > 0: then the n-th address from the
    right of ``X-Forwarded-For``. Each trusted proxy appends the address it was reached from,
    so the entries left of those are whatever the client chose to send and are never read.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def hit(scope: str, key: str, *, rate: Rate) -> Verdict:
    """Count one request by ``key`` against ``scope``'s limit and say whether it may go on.

    Args:
        scope: what is limited (``"search"``); counters of different scopes never mix.
        key: who is counted (an address, ``"user:12"``, a session key).
        rate: the limit, from :func:`parse_rate`.
    """
    now = time.time()
    window_index = int(now // rate.window)
    cache_key = f"ratelimit:{scope}:{key}:{window_index}"
    # One second past the window, so a counter never expires while its window still runs.
    timeout = rate.window + 1
    cache.add(cache_key, 0, timeout=timeout)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # evicted or expired between add and incr
        cache.add(cache_key, 1, timeout=timeout)
        count = 1
    if count <= rate.limit:
        return Verdict(allowed=True, count=count, retry_after=0)
    retry_after = max(1, math.ceil((window_index + 1) * rate.window - now))
    return Verdict(allowed=False, count=count, retry_after=retry_after)


def too_many_requests_message(retry_after: int) -> str:
    return ngettext(
        "Too many requests. Try again in %(seconds)d second.",
        "Too many requests. Try again in %(seconds)d seconds.",
        retry_after,
    ) % {"seconds": retry_after}


def too_many_requests_json(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The default answer over a limit: a JSON error the API clients already parse."""
    return JsonResponse(
        {"error": too_many_requests_message(retry_after), "retry_after": retry_after},
        status=429,
        json_dumps_params={"ensure_ascii": False},
    )


def rate_limit(
    scope: str,
    *,
    setting: str,
    key: Callable[[HttpRequest], str] = client_ip,
    response: Callable[[HttpRequest, int], HttpResponse] = too_many_requests_json,
) -> Callable:
    """A view decorator: over the rate in ``settings.<setting>``, answer 429 with Retry-After.

    Args:
        scope: the counter's name; views sharing a scope share one budget.
        setting: the name of the setting holding the rate (read on every request, so tests
            and ``override_settings`` change it).
        key: who a request is counted as; the client's address by default.
        response: builds the 429 answer from the request and the seconds to wait.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            rate = parse_rate(getattr(settings, setting))
            if rate is not None:
                verdict = hit(scope, key(request), rate=rate)
                if not verdict.allowed:
                    refused = response(request, verdict.retry_after)
                    refused.status_code = 429
                    refused["Retry-After"] = str(verdict.retry_after)
                    return refused
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
