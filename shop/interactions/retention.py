"""Retention: expired sessions and old log rows are deleted (writes; a service module).

What is kept, and for how long, is the ``DATA_RETENTION`` setting: model label (``app_label.
ModelName``) -> ``{"days": N, "fields": [...]}``. A row is old when every listed field (a
field or a lookup path such as ``messages__created_at``) is older than N days; ``days`` 0 or
None keeps that model's rows. Models are looked up by label in the app registry, so the shop
purges the logs of the apps above it (search, recommendations, support chat) without
importing them, and a model whose app is not installed is skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger(__name__)

# Rows deleted per transaction: short deletes keep the log's writers (page views) waiting
# little, on SQLite above all.
PURGE_BATCH_SIZE = 1000


@dataclass
class RetentionReport:
    sessions: int = 0
    rows: dict[str, int] = field(default_factory=dict)


def clear_expired_sessions() -> int:
    """Delete expired sessions (what ``manage.py clearsessions`` does); returns how many,
    or 0 for a session engine that cannot count them (cache, signed cookies)."""
    engine = import_module(settings.SESSION_ENGINE)
    store = engine.SessionStore
    model = getattr(store, "get_model_class", None)
    if model is None:
        store.clear_expired()
        return 0
    count, _ = model().objects.filter(expire_date__lt=timezone.now()).delete()
    return count


def purge_model(
    label: str, *, days: int, fields: list[str], now: datetime, batch_size: int = PURGE_BATCH_SIZE
) -> int:
    """Delete ``label``'s rows whose every ``fields`` value is older than ``days`` days.

    Returns the number of rows of ``label`` deleted (cascaded rows are not counted).
    """
    model = apps.get_model(label)
    cutoff = now - timedelta(days=days)
    recent = Q()
    for name in fields:
        recent |= Q(**{f"{name}__gte": cutoff})
    old = model._default_manager.exclude(recent).order_by().values_list("pk", flat=True)
    deleted = 0
    while True:
        batch = list(old[:batch_size])
        if not batch:
            return deleted
        with transaction.atomic():
            _, per_model = model._default_manager.filter(pk__in=batch).delete()
        deleted += per_model.get(model._meta.label, 0)


def purge_expired_data(*, now: datetime | None = None) -> RetentionReport:
    """Clear expired sessions and delete log rows past ``DATA_RETENTION``."""
    now = now or timezone.now()
    report = RetentionReport(sessions=clear_expired_sessions())
    for label, rule in getattr(settings, "DATA_RETENTION", {}).items():
        days = rule.get("days")
        if not days:
            continue
        try:
            apps.get_model(label)
        except LookupError:
            logger.warning("DATA_RETENTION names %s, which is not an installed model", label)
            continue
        report.rows[label] = purge_model(label, days=days, fields=rule["fields"], now=now)
    logger.info(
        "retention: %d expired sessions, %s",
        report.sessions,
        ", ".join(f"{n} {label}" for label, n in report.rows.items()) or "no log rows",
    )
    return report
