"""GET /healthz: is this process able to serve, and which features run degraded?

200 with "ok" or "degraded" (a model, the broker or a cache that fails open is unavailable, so
the features that need them are switched off or fall back: with the cache "down", pages are
built from the database), 503 with "error" when the database is down, or a cache that does not
fail open (its errors would be 500s).

"interactions" has this process's interaction-log buffer counters (events waiting, dropped
because the buffer was full or because the database refused them); they never change the
status.

Failure details (exception text, internal URLs) are for operators: they go to the log, and into
the body only for a signed-in staff user or with HEALTHZ_SHOW_DETAIL; everyone else gets the
states alone, each "detail" empty.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from llm_services import alias_health
from shop.interactions.services import writer as interaction_writer

logger = logging.getLogger(__name__)


def _database() -> dict[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return {"state": "error", "detail": str(exc)[:200]}
    return {"state": "ok", "detail": connection.vendor}


def _cache() -> dict[str, str]:
    # A cache that fails open answers a failed set/get like a miss: ask it directly.
    ping = getattr(cache, "ping", None)
    try:
        if ping is not None:
            ping()
        cache.set("healthz", "1", 10)
        ok = cache.get("healthz") == "1"
    except Exception as exc:  # noqa: BLE001 - any cache client error means the cache is down
        return {"state": "down", "detail": str(exc)[:200]}
    return {"state": "ok" if ok else "down", "detail": ""}


def _broker() -> dict[str, str]:
    if not settings.CELERY_BROKER_URL:
        return {"state": "ok", "detail": "no broker: tasks run inline"}
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001 - kombu raises transport-specific errors
        return {"state": "error", "detail": str(exc)[:200]}
    return {"state": "ok", "detail": "reachable"}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "cache": _cache(), "broker": _broker()}
    aliases = alias_health()
    cache_serves = checks["cache"]["state"] == "ok" or getattr(cache, "fails_open", False)
    if checks["database"]["state"] != "ok" or not cache_serves:
        status, code = "error", 503
    elif (
        checks["cache"]["state"] != "ok"
        or checks["broker"]["state"] != "ok"
        or not all(a.serving or a.state == "disabled" for a in aliases)
    ):
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    models = [a.as_dict() for a in aliases]
    if status != "ok":
        logger.warning("healthz %s: checks=%s models=%s", status, checks, models)
    if not (settings.HEALTHZ_SHOW_DETAIL or getattr(request.user, "is_staff", False)):
        # /healthz is public (load balancers probe it unauthenticated): exception strings
        # and backend URLs would map the internal network for anyone.
        checks = {name: {**check, "detail": ""} for name, check in checks.items()}
        models = [{**model, "detail": ""} for model in models]
    body = {
        "status": status,
        "checks": checks,
        "models": models,
        "interactions": interaction_writer.stats(),
    }
    return JsonResponse(body, status=code)
