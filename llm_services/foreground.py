"""Background generation gives way to web requests on the same machine.

On one small machine the ``llm`` worker's decoding and the web workers share the cores and,
above all, the memory bandwidth and last-level cache: every decode step streams the whole
model (about 270 MB for Gemma 3 270M int8), which slows a concurrent page render by half or
more (docs/benchmarks.md, "Storefront under load"). CPU priorities (``nice``) cannot fix
that, so background generation steps aside instead: web processes mark the requests they are
serving on a small shared board (an mmap'd file under VAR_DIR), and a background generation
waits between decode steps while any request is marked, for at most
``LLM_GIVE_WAY_MAX_WAIT`` seconds per step (default 0.25) so a busy shop still drafts copy.

Interactive calls (a shopper's chat) never wait. Where the web and the workers run on
different machines the board is never marked and nothing waits. ``LLM_GIVE_WAY = False``
turns it off.
"""

from __future__ import annotations

import mmap
import os
import struct
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from llm_services.resilience import call_budget

SLOTS = 256
SLOT = struct.Struct("d")
# A mark older than this belongs to a killed or stuck request: ignored.
STALE_SECONDS = 5.0
POLL_SECONDS = 0.002
DEFAULT_MAX_WAIT = 0.25


class Board:
    """``SLOTS`` start times (0.0: idle), one per web process (by pid), in a shared file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < SLOTS * SLOT.size:
                os.ftruncate(fd, SLOTS * SLOT.size)
            self._map = mmap.mmap(fd, SLOTS * SLOT.size)
        finally:
            os.close(fd)

    def mark(self, slot: int, started: float) -> None:
        SLOT.pack_into(self._map, (slot % SLOTS) * SLOT.size, started)

    def busy(self, now: float | None = None, *, ignore: int | None = None) -> bool:
        """Whether some web request began less than STALE_SECONDS ago and is still running
        (in another process than slot ``ignore``'s)."""
        now = time.time() if now is None else now
        skip = None if ignore is None else ignore % SLOTS
        return any(
            0.0 < start <= now and now - start < STALE_SECONDS and slot != skip
            for slot, (start,) in enumerate(SLOT.iter_unpack(self._map))
        )

    def wait_until_idle(self, max_wait: float, *, ignore: int | None = None) -> float:
        """Sleep while a request is marked, ``max_wait`` seconds at most; the seconds waited."""
        began = time.perf_counter()
        while self.busy(ignore=ignore) and time.perf_counter() - began < max_wait:
            time.sleep(POLL_SECONDS)
        return time.perf_counter() - began


_boards: dict[Path, Board] = {}


def _enabled() -> bool:
    return bool(getattr(settings, "LLM_GIVE_WAY", True))


def board() -> Board | None:
    """This machine's board (None when giving way is off or the file cannot be made)."""
    if not _enabled():
        return None
    path = Path(settings.LLM_GIVE_WAY_BOARD)
    found = _boards.get(path)
    if found is None:
        try:
            found = _boards[path] = Board(path)
        except OSError:
            return None
    return found


class ForegroundMarker:
    """Marks the process's slot while it serves a request (the pid is read each time: a
    server that loads the app before forking its workers shares this object)."""

    def __init__(self) -> None:
        self.board = board()

    def __enter__(self) -> None:
        if self.board is not None:
            self.board.mark(os.getpid(), time.time())

    def __exit__(self, *exc: object) -> None:
        if self.board is not None:
            self.board.mark(os.getpid(), 0.0)


def give_way_hook() -> Callable[[], None] | None:
    """For a background call: a function to call between decode steps. None for interactive
    calls or when giving way is off. Decide in the caller's context (a stream decodes in
    another thread, which would not see the request's interactive budget)."""
    if call_budget() is not None:
        return None
    found = board()
    if found is None:
        return None
    max_wait = float(getattr(settings, "LLM_GIVE_WAY_MAX_WAIT", DEFAULT_MAX_WAIT))
    # A task run eagerly inside a request must not wait for that request to end.
    own = os.getpid()

    def give_way() -> None:
        found.wait_until_idle(max_wait, ignore=own)

    return give_way


class ForegroundRequestsMiddleware:
    """Marks this web process busy on the board while it answers a request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.marker = ForegroundMarker()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with self.marker:
            return self.get_response(request)
