"""The Redis broker's visibility timeout (issue #18, fault drills): a message taken by a worker
that died comes back, but never while its task may still be running."""

from __future__ import annotations

from typing import Any


def test_a_running_task_is_never_handed_to_a_second_worker(settings: Any) -> None:
    longest = max(
        settings.CELERY_TASK_TIME_LIMIT,
        *(limits.get("time_limit", 0) for limits in settings.CELERY_TASK_ANNOTATIONS.values()),
    )
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS

    # Kombu's default (an hour) was shorter than the long tasks' 2 h 5 min hard limit.
    assert options["visibility_timeout"] > longest
    # A dead worker's message is looked for at least every 10 seconds by the other workers.
    assert options["unacked_restore_throttle"] == 1
    assert options["unacked_restore_interval"] <= 10


def test_the_worker_s_celery_app_reads_them() -> None:
    from config.celery import app

    assert app.conf.broker_transport_options["visibility_timeout"] > 2 * 3600
