"""How long a model call may take, and when an alias stops being called at all.

Two kinds of caller reach the backends. A web request has a shopper waiting: its calls get
one attempt within ``LLM_INTERACTIVE_TIMEOUT`` seconds (default 2) and then degrade (search
falls back to keywords). Celery tasks, management commands and shells have nobody waiting:
their calls keep each alias's TIMEOUT and MAX_RETRIES. ``InteractiveCallsMiddleware`` marks a
web request's calls; everything else is background unless it enters :func:`interactive_calls`.
A Celery task run eagerly inside a request enters :func:`background_calls` (config/celery.py).

A :class:`CircuitBreaker` per HTTP backend stops calling a server that keeps failing:
after ``LLM_BREAKER_FAILURES`` consecutive failed calls (default 3) the alias answers
LLMUnavailable at once for ``LLM_BREAKER_COOLDOWN`` seconds (default 30); then one trial
call goes through, and its outcome closes the breaker or opens it for another cool-down.
The state is process-local: each web or worker process learns about a dead server itself,
at the cost of N failed calls each.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from llm_services.exceptions import LLMError, LLMUnavailable

DEFAULT_INTERACTIVE_TIMEOUT = 2.0
DEFAULT_BREAKER_FAILURES = 3
DEFAULT_BREAKER_COOLDOWN = 30.0
DEFAULT_LOAD_RETRY_SECONDS = 60.0

# Seconds an interactive call may take in all; None: a background call.
_interactive_budget: ContextVar[float | None] = ContextVar("llm_interactive_budget", default=None)


def interactive_timeout() -> float:
    """settings.LLM_INTERACTIVE_TIMEOUT: the whole budget of one call on the web path."""
    return float(getattr(settings, "LLM_INTERACTIVE_TIMEOUT", DEFAULT_INTERACTIVE_TIMEOUT))


def load_retry_seconds() -> float:
    """settings.LLM_LOAD_RETRY_SECONDS: how long a failed model load is answered from memory."""
    return float(getattr(settings, "LLM_LOAD_RETRY_SECONDS", DEFAULT_LOAD_RETRY_SECONDS))


def call_budget() -> float | None:
    """Seconds the current call may take without retries, or None for a background call."""
    return _interactive_budget.get()


@contextmanager
def interactive_calls(timeout: float | None = None) -> Iterator[None]:
    """Model calls inside the block make one attempt, ``timeout`` seconds at most in all.

    Args:
        timeout: the budget; default settings.LLM_INTERACTIVE_TIMEOUT.
    """
    token = _interactive_budget.set(interactive_timeout() if timeout is None else timeout)
    try:
        yield
    finally:
        _interactive_budget.reset(token)


@contextmanager
def background_calls() -> Iterator[None]:
    """Model calls inside the block keep their alias's TIMEOUT and MAX_RETRIES."""
    token = _interactive_budget.set(None)
    try:
        yield
    finally:
        _interactive_budget.reset(token)


class InteractiveCallsMiddleware:
    """Every model call a web request makes is interactive (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with interactive_calls():
            return self.get_response(request)


class CircuitBreaker:
    """Closed → (``failures`` in a row) → open for ``cooldown`` s → one trial → closed or open.

    Thread-safe; ``clock`` is injectable for tests. Read its settings when built (the handler
    rebuilds backends when LLM_MODELS changes, not when these settings do).
    """

    def __init__(
        self,
        name: str,
        *,
        failures: int | None = None,
        cooldown: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.threshold = max(
            1,
            int(
                failures
                if failures is not None
                else getattr(settings, "LLM_BREAKER_FAILURES", DEFAULT_BREAKER_FAILURES)
            ),
        )
        self.cooldown = float(
            cooldown
            if cooldown is not None
            else getattr(settings, "LLM_BREAKER_COOLDOWN", DEFAULT_BREAKER_COOLDOWN)
        )
        self.clock = clock
        self._lock = threading.Lock()
        self.consecutive_failures = 0
        self._open_until: float | None = None
        self._trial_running = False

    @property
    def state(self) -> str:
        """ "closed", "open" or "half-open" (cool-down over, a trial call allowed or running)."""
        with self._lock:
            if self._open_until is None:
                return "closed"
            return "open" if self.clock() < self._open_until else "half-open"

    def before_call(self) -> None:
        """Let a call through, or refuse it while open (and while a trial call runs).

        Raises:
            LLMUnavailable: the breaker is open.
        """
        with self._lock:
            if self._open_until is None:
                return
            remaining = self._open_until - self.clock()
            if remaining <= 0 and not self._trial_running:
                self._trial_running = True
                return
        wait = max(remaining, 0.0)
        raise LLMUnavailable(
            f"LLM alias {self.name!r} is paused after {self.threshold} failed calls in a row "
            f"(circuit open; next trial in {wait:.0f}s)."
        )

    def record_success(self) -> None:
        with self._lock:
            self.consecutive_failures = 0
            self._open_until = None
            self._trial_running = False

    def record_failure(self) -> None:
        with self._lock:
            self.consecutive_failures += 1
            if self._trial_running or self.consecutive_failures >= self.threshold:
                self._open_until = self.clock() + self.cooldown
            self._trial_running = False

    def call(self, function: Callable[[], Any]) -> Any:
        """Run ``function`` through the breaker.

        A retryable LLM error (timeout, unreachable, 5xx) or an unexpected exception counts
        as a failure; a terminal one (4xx, content rejected) means the server answered.
        """
        self.before_call()
        failed = True
        try:
            result = function()
            failed = False
        except LLMError as exc:
            failed = exc.retryable
            raise
        finally:
            if failed:
                self.record_failure()
            else:
                self.record_success()
        return result
