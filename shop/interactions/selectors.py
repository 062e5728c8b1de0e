"""Reading the interaction log: one visitor's recent events, as fresh as the buffer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from .models import Interaction
from .services import writer


@dataclass(frozen=True, slots=True)
class VisitorEvent:
    kind: str
    product_id: int | None
    query: str
    created_at: datetime


def recent_events(
    *,
    user_id: int | None,
    session_key: str = "",
    days: int = 30,
    limit: int = 50,
    kinds: tuple[str, ...] = (
        Interaction.Kind.VIEW,
        Interaction.Kind.ADD_TO_CART,
        Interaction.Kind.PURCHASE,
        Interaction.Kind.SEARCH,
    ),
) -> list[VisitorEvent]:
    """A visitor's latest events, oldest first: stored ones plus this process's buffer.

    The visitor is the customer (``user_id``) and, when given, the browser session; events
    still waiting in the buffered writer are included, so a view counts the moment it happens.
    """
    if user_id is None and not session_key:
        return []
    who = Q()
    if user_id is not None:
        who |= Q(user_id=user_id)
    if session_key:
        who |= Q(session_key=session_key)
    since = timezone.now() - timedelta(days=days)
    rows = list(
        Interaction.objects.filter(who, kind__in=kinds, created_at__gte=since)
        .order_by("-created_at", "-id")
        .values_list("kind", "product_id", "query", "created_at")[:limit]
    )
    events = [VisitorEvent(kind, pid, query, at) for kind, pid, query, at in rows]
    for event in writer.pending_interactions(user_id=user_id, session_key=session_key):
        if event.kind in kinds and event.created_at >= since:
            events.append(VisitorEvent(event.kind, event.product_id, event.query, event.created_at))
    events.sort(key=lambda e: e.created_at)
    return events[-limit:]


def purchased_product_ids(*, user_id: int | None, session_key: str = "") -> set[int]:
    """Every product the visitor has bought (by customer, or by session for a guest)."""
    if user_id is None and not session_key:
        return set()
    who = Q(user_id=user_id) if user_id is not None else Q(session_key=session_key)
    stored = set(
        Interaction.objects.filter(who, kind=Interaction.Kind.PURCHASE, product__isnull=False)
        .values_list("product_id", flat=True)
        .distinct()
    )
    for event in writer.pending_interactions(user_id=user_id, session_key=session_key):
        if event.kind == Interaction.Kind.PURCHASE and event.product_id:
            stored.add(event.product_id)
    return stored
