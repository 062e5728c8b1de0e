"""Per-process usage figures for every alias: calls, items, tokens, errors, recent latency.

Recording is an in-memory update under a lock (no database write on a hot path). Each process
publishes a snapshot to the Django cache at most every ``PUBLISH_SECONDS``, so
``manage.py llm_status`` can show every web and worker process when the cache is shared
(Redis); with the local-memory cache it sees only its own process.
"""

from __future__ import annotations

import logging
import os
import resource
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

PUBLISH_SECONDS = 10.0
SNAPSHOT_TTL = 300
REGISTRY_KEY = "llm_services:meter:processes"
logger = logging.getLogger("llm_services")
LATENCY_WINDOW = 500


@dataclass
class AliasStats:
    calls: int = 0
    errors: int = 0
    items: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    revision: str = ""
    last_used: float = 0.0
    latencies_ms: deque[float] = field(default_factory=lambda: deque(maxlen=LATENCY_WINDOW))

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)

        def percentile(p: float) -> float | None:
            if not ordered:
                return None
            return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))], 1)

        return {
            "calls": self.calls,
            "errors": self.errors,
            "items": self.items,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "revision": self.revision,
            "last_used": self.last_used,
            "p50_ms": percentile(0.5),
            "p95_ms": percentile(0.95),
        }


class Meter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stats: dict[str, AliasStats] = {}
        self._published = 0.0

    def record(
        self,
        alias: str,
        *,
        revision: str = "",
        items: int = 0,
        prompt_tokens: int | None = None,
        completion_tokens: int | None = None,
        latency_ms: float | None = None,
        error: bool = False,
    ) -> None:
        with self._lock:
            stats = self._stats.setdefault(alias, AliasStats())
            stats.calls += 1
            stats.errors += int(error)
            stats.items += items
            stats.prompt_tokens += prompt_tokens or 0
            stats.completion_tokens += completion_tokens or 0
            stats.revision = revision or stats.revision
            stats.last_used = time.time()
            if latency_ms is not None and not error:
                stats.latencies_ms.append(latency_ms)
            due = time.monotonic() - self._published >= PUBLISH_SECONDS
            if due:
                self._published = time.monotonic()
        if due:
            self.publish()

    def snapshot(self) -> dict[str, Any]:
        """This process: its usage per alias, the aliases it has loaded and its peak RSS."""
        from llm_services.handler import llm

        with self._lock:
            aliases = {alias: stats.summary() for alias, stats in self._stats.items()}
        loaded = llm.all(initialized_only=True)
        return {
            "process": process_key(),
            "time": time.time(),
            # ru_maxrss is in KiB on Linux.
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "loaded": sorted(getattr(b, "alias", "?") for b in loaded),
            # How a loaded local model computes (decoder, kernels), where the backend says.
            "runtimes": {
                getattr(b, "alias", "?"): b.runtime for b in loaded if getattr(b, "runtime", None)
            },
            "aliases": aliases,
        }

    def publish(self) -> None:
        """Share the snapshot through the cache; a cache outage must never break a request."""
        try:
            key = f"llm_services:meter:{process_key()}"
            cache.set(key, self.snapshot(), SNAPSHOT_TTL)
            known = set(cache.get(REGISTRY_KEY) or [])
            if key not in known:
                cache.set(REGISTRY_KEY, sorted(known | {key}), None)
        except Exception:  # noqa: BLE001 - metering is best effort by design
            logger.warning("could not publish usage", exc_info=True)

    def reset(self) -> None:
        with self._lock:
            self._stats.clear()
            self._published = 0.0


def process_key() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def published_snapshots() -> list[dict[str, Any]]:
    """Snapshots other processes published within the last few minutes (expired ones drop)."""
    keys = cache.get(REGISTRY_KEY) or []
    found = cache.get_many(keys)
    return [found[key] for key in keys if key in found]


meter = Meter()
