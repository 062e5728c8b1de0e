"""GET /healthz: is this process able to serve, and which features run degraded?

200 with "ok" or "degraded" (a model or the broker is unavailable, so the features that need
them are switched off or fall back), 503 with "error" when the database or cache is down.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from llm_services import alias_health


def _database() -> dict[str, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return {"state": "error", "detail": str(exc)[:200]}
    return {"state": "ok", "detail": connection.vendor}


def _cache() -> dict[str, str]:
    try:
        cache.set("healthz", "1", 10)
        ok = cache.get("healthz") == "1"
    except Exception as exc:  # noqa: BLE001 - any cache client error means the cache is down
        return {"state": "error", "detail": str(exc)[:200]}
    return {"state": "ok" if ok else "error", "detail": ""}


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
    if any(check["state"] != "ok" for check in (checks["database"], checks["cache"])):
        status, code = "error", 503
    elif checks["broker"]["state"] != "ok" or not all(
        a.serving or a.state == "disabled" for a in aliases
    ):
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    body = {"status": status, "checks": checks, "models": [a.as_dict() for a in aliases]}
    return JsonResponse(body, status=code)
