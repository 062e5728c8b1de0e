"""Warm start: a process loads what it serves when it starts, and ``GET /readyz`` says when.

Models load on first use and the search index on the first search; without this, the first
shopper after a start waited 15.9 s. ``start(role)`` runs the warmers that
``SERVING_WARMUP[role]`` names (dotted paths) in a background thread: the web process ("web",
from config/wsgi.py, so runserver and each gunicorn worker) and each Celery worker process
("worker:<queues>", from config/celery.py: a worker warms what its queues' tasks use, see
``warmup_steps``). A forked child (gunicorn ``--preload``, Celery prefork) runs its own
warm-up, since the parent's thread does not survive ``fork``.

``/readyz`` (no language prefix) answers 503 while this process warms, and 200 after: status
"ready", or "degraded" when a warmer failed or reported a fallback (a model that could not
load; the shop still sells without it). A process where warm-up is switched off
(``SERVING_WARMUP_ON_START``) answers 200 "cold". A warmer returns a dict with ``ok`` (bool)
and whatever else it wants shown.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger("config.readiness")


def warmup_steps(role: str) -> list[str]:
    """The warmers of ``role``: SERVING_WARMUP[role], or for "worker:<q1>,<q2>" (a Celery
    worker consuming those queues) those of "worker:<q1>" then "worker:<q2>", each once."""
    configured = settings.SERVING_WARMUP
    if role in configured or not role.startswith("worker:"):
        return list(configured.get(role, ()))
    steps: list[str] = []
    for queue in role.removeprefix("worker:").split(","):
        steps += [s for s in configured.get(f"worker:{queue}", ()) if s not in steps]
    return steps


class Readiness:
    """This process's warm-up: its state ("cold", "warming", "ready", "degraded") and steps."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.role: str | None = None
        self.state = "cold"
        self.steps: list[dict[str, Any]] = []
        self.thread: threading.Thread | None = None

    def start(self, role: str, *, wait: bool = False) -> None:
        """Warm this process for ``role`` in a background thread (once; ``wait`` joins it)."""
        with self._lock:
            if self.thread is None:
                self.role, self.state, self.steps = role, "warming", []
                self.thread = threading.Thread(
                    target=self._run, args=(role,), name=f"warmup-{role}", daemon=True
                )
                self.thread.start()
            thread = self.thread
        if wait:
            thread.join()

    def _run(self, role: str) -> None:
        started = time.monotonic()
        degraded = False
        for path in warmup_steps(role):
            step_started = time.monotonic()
            try:
                result = dict(import_string(path)())
            except Exception as exc:  # noqa: BLE001 - a failed warmer leaves the process serving
                logger.exception("warm-up step %s failed", path)
                result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
            result.setdefault("ok", True)
            degraded = degraded or not result["ok"]
            self.steps.append(
                {"step": path, "seconds": round(time.monotonic() - step_started, 2), **result}
            )
        self.state = "degraded" if degraded else "ready"
        logger.info(
            "%s process %d %s in %.1f s", role, os.getpid(), self.state, time.monotonic() - started
        )

    def restart_after_fork(self) -> None:
        # The parent's warm-up thread does not exist in a forked child: start the child's own.
        role = self.role
        self.__init__()
        if role is not None:
            self.start(role)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.state, "role": self.role, "pid": os.getpid(), "steps": self.steps}


readiness = Readiness()
os.register_at_fork(after_in_child=readiness.restart_after_fork)


def start(role: str) -> None:
    """Warm this process for ``role`` unless SERVING_WARMUP_ON_START is off."""
    if settings.SERVING_WARMUP_ON_START:
        readiness.start(role)


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    body = readiness.as_dict()
    return JsonResponse(body, status=503 if body["status"] == "warming" else 200)
