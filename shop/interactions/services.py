"""Writing to the interaction log without slowing page views.

Views call :func:`record`. In ``buffered`` mode (the default) the event is appended to a
process-local buffer and a daemon thread writes the buffer with one ``bulk_create`` every
``FLUSH_SECONDS`` or as soon as ``MAX_BUFFER`` events wait, so a page view costs a list append,
not a database round trip. The price is that a process killed with ``SIGKILL`` loses at most the
last flush interval of events; a normal shutdown flushes through ``atexit``. ``immediate`` mode
writes inside the request (tests, and deployments that prefer durability to latency).

The buffer is bounded so that a database outage cannot grow a web process without limit: past
``MAX_PENDING`` events the oldest are dropped (and counted). A batch the database refuses
(``IntegrityError``: typically an event whose product or user was deleted before the flush) is
split in halves until the offending events are alone; those are dropped and counted, and the
rest of the batch is written. :meth:`BufferedWriter.stats` gives the counters (``/healthz``).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from collections import defaultdict, deque
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, close_old_connections, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from shop.catalog.models import Product

from .models import Interaction

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = Interaction._meta.get_field("query").max_length
# Used when SHOP_INTERACTIONS has no MAX_PENDING: about 10 MB of unsaved model instances.
DEFAULT_MAX_PENDING = 10_000


def _config() -> dict[str, Any]:
    return settings.SHOP_INTERACTIONS


def build_interaction(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user_id: int | None = None,
    session_key: str = "",
    product_id: int | None = None,
    query: str = "",
    result_count: int | None = None,
    position: int | None = None,
    source: str = "",
    quantity: int | None = None,
    language: str = "",
) -> Interaction:
    """Return an unsaved event, taking user, session and language from ``request`` if given."""
    if kind not in Interaction.Kind.values:
        raise ValueError(f"Unknown interaction kind {kind!r}")
    if request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id = user.pk
        if hasattr(request, "session"):
            session_key = request.session.session_key or ""
        language = language or getattr(request, "LANGUAGE_CODE", "")
    return Interaction(
        kind=kind,
        user_id=user_id,
        session_key=session_key,
        product_id=product_id,
        query=query[:MAX_QUERY_LENGTH],
        result_count=result_count,
        position=position,
        source=source[:30],
        quantity=quantity,
        language=language,
        created_at=timezone.now(),
    )


def record(**kwargs: Any) -> Interaction:
    """Log one interaction; see :func:`build_interaction` for the arguments.

    Returns the event, saved in ``immediate`` mode and queued in ``buffered`` mode.
    """
    event = build_interaction(**kwargs)
    log_row(event)
    return event


def log_row(row: models.Model) -> None:
    """Write a log row the way interactions are written: now, or through the buffer.

    For interactions and for other apps' append-only logs (e.g. recommendation impressions),
    which then cost a page view a list append too.
    """
    if _config()["MODE"] == "immediate":
        row.save()
    else:
        writer.add(row)


def write_batch(events: Iterable[models.Model], *, batch_size: int = 500) -> int:
    """Write events in one transaction; returns how many were written.

    The events are interactions, or rows of another log model an app buffers through
    :data:`writer` (e.g. recommendation impressions); each model gets one ``bulk_create``.
    """
    events = list(events)
    by_model: dict[type[models.Model], list[models.Model]] = defaultdict(list)
    for event in events:
        by_model[type(event)].append(event)
    with transaction.atomic():
        for model, rows in by_model.items():
            model.objects.bulk_create(rows, batch_size=batch_size)
    return len(events)


class BufferedWriter:
    """A process-local buffer drained by one daemon thread (started lazily, after any fork)."""

    def __init__(self) -> None:
        self._events: deque[models.Model] = deque()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._dropped_overflow = 0
        self._dropped_rejected = 0
        # Dropped for overflow since the last flush: reported there, once per flush interval.
        self._overflow_unreported = 0

    def add(self, event: models.Model) -> None:
        with self._lock:
            self._events.append(event)
            self._trim()
            pending = len(self._events)
        self._ensure_thread()
        if pending >= _config()["MAX_BUFFER"]:
            self._wake.set()

    def _trim(self) -> None:
        # Called with the lock held. The oldest go first: the live visitor's newest events feed
        # what they are shown next (pending_interactions), and popularity weights recent
        # events most; an outage long enough to fill the buffer loses its start, not its end.
        overflow = len(self._events) - _config().get("MAX_PENDING", DEFAULT_MAX_PENDING)
        if overflow <= 0:
            return
        for _ in range(overflow):
            self._events.popleft()
        self._dropped_overflow += overflow
        self._overflow_unreported += overflow

    def pending(self) -> int:
        with self._lock:
            return len(self._events)

    def stats(self) -> dict[str, int]:
        """This process's counters: events waiting, and dropped because the buffer was full
        (``dropped_overflow``) or because the database refused them (``dropped_rejected``)."""
        with self._lock:
            return {
                "pending": len(self._events),
                "dropped_overflow": self._dropped_overflow,
                "dropped_rejected": self._dropped_rejected,
            }

    def pending_interactions(self, *, user_id: int | None, session_key: str) -> list[Interaction]:
        """This process's unwritten interactions of one visitor (user, or else session)."""
        with self._lock:
            events = list(self._events)
        return [
            e
            for e in events
            if isinstance(e, Interaction)
            and (
                (user_id is not None and e.user_id == user_id)
                or (session_key and e.session_key == session_key)
            )
        ]

    def attach_session(self, *, session_key: str, user_id: int) -> int:
        """Give the buffered anonymous events of ``session_key`` to ``user_id``."""
        changed = 0
        with self._lock:
            for event in self._events:
                if (
                    isinstance(event, Interaction)
                    and event.session_key == session_key
                    and event.user_id is None
                ):
                    event.user_id = user_id
                    changed += 1
        return changed

    def flush(self) -> int:
        """Write everything buffered so far; returns how many events were written.

        Events survive a failed write (the database is down) for the next try. A batch the
        database refuses is bisected: the events it refuses on their own are dropped and
        counted, the others are written.
        """
        with self._lock:
            events = list(self._events)
            self._events.clear()
            overflow, self._overflow_unreported = self._overflow_unreported, 0
        if overflow:
            logger.warning("Interaction buffer full: dropped the %d oldest events", overflow)
        if not events:
            return 0
        written = rejected = 0
        # Chunks still to write, the earliest last (popped first), so a retry keeps the order.
        chunks = [events]
        while chunks:
            chunk = chunks.pop()
            try:
                written += write_batch(chunk)
            except IntegrityError:
                if len(chunk) == 1:
                    rejected += 1
                    continue
                middle = len(chunk) // 2
                chunks += [chunk[middle:], chunk[:middle]]
            except DatabaseError:
                unwritten = chunk + [event for rest in reversed(chunks) for event in rest]
                logger.exception(
                    "Could not write %d interactions; keeping them for retry", len(unwritten)
                )
                with self._lock:
                    self._events.extendleft(reversed(unwritten))
                    self._trim()
                break
        if rejected:
            # Counts only: the rows carry session keys, queries and user ids.
            logger.warning("Dropped %d interaction log events the database refused", rejected)
            with self._lock:
                self._dropped_rejected += rejected
        return written

    def _ensure_thread(self) -> None:
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(
                target=self._run, name="interaction-log-writer", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait(timeout=_config()["FLUSH_SECONDS"])
            self._wake.clear()
            self.flush()
            # The thread holds its own connection; let Django recycle it like a request would.
            close_old_connections()


writer = BufferedWriter()
atexit.register(writer.flush)


def attach_session_to_user(*, session_key: str, user_id: int) -> int:
    """Make a visitor's anonymous events (by session key) the customer's who just logged in.

    Called by the login views with the session key from before login (login rotates it), so
    what a visitor browsed before signing in counts for their recommendations. Events still in
    this process's buffer are attached too.

    Returns:
        How many events were attached.
    """
    if not session_key:
        return 0
    buffered = writer.attach_session(session_key=session_key, user_id=user_id)
    stored = Interaction.objects.filter(session_key=session_key, user__isnull=True).update(
        user_id=user_id
    )
    return buffered + stored


# Weights for the popularity score: a purchase says much more than a view.
POPULARITY_WEIGHTS = {
    Interaction.Kind.VIEW: 1.0,
    Interaction.Kind.CLICK: 1.0,
    Interaction.Kind.ADD_TO_CART: 3.0,
    Interaction.Kind.PURCHASE: 5.0,
}


def refresh_product_popularity(*, days: int = 30, now: datetime | None = None) -> int:
    """Recompute ``Product.popularity`` from the last ``days`` of the interaction log.

    Each event counts with its kind's weight, halved for every week of age, so the
    "popular" sort follows what shoppers do now. Products with no recent events drop to 0.

    Returns:
        The number of products whose score changed.
    """

    if days <= 0:
        raise ValueError("days must be positive")
    now = now or timezone.now()
    since = now - timedelta(days=days)
    scores: dict[int, float] = defaultdict(float)
    rows = (
        Interaction.objects.filter(
            created_at__gte=since, product__isnull=False, kind__in=list(POPULARITY_WEIGHTS)
        )
        .values_list("product_id", "kind", "created_at")
        .iterator(chunk_size=5000)
    )
    for product_id, kind, created_at in rows:
        age_weeks = (now - created_at).total_seconds() / (7 * 24 * 3600)
        scores[product_id] += POPULARITY_WEIGHTS[kind] * 0.5**age_weeks
    changed = []
    for product in Product.objects.only("id", "popularity").iterator(chunk_size=2000):
        score = round(scores.get(product.pk, 0.0), 4)
        if product.popularity != score:
            product.popularity = score
            changed.append(product)
    with transaction.atomic():
        Product.objects.bulk_update(changed, ["popularity"], batch_size=500)
    return len(changed)
