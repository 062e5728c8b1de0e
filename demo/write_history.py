"""Writes the demo's accounts and history: the merchant, the customers, their reviews and log.

Customers are matched by username, so a rerun updates them; their reviews and interaction log
are replaced by the freshly generated ones the loader passes in (``demo.customers``).
Passwords are set on every run (``demo.accounts``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from shop.accounts.services import grant_merchant_role
from shop.interactions.models import Interaction
from shop.interactions.services import write_batch
from shop.reviews.models import Review

from .customers import DEMO_MERCHANT_USERNAME, CustomerSpec, EventSpec, ReviewSpec
from .write_catalog import ProgressFactory

_USER_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
    "password",
]


def write_demo_merchant(password: str) -> int:
    """The demo's merchant, so the admin can be tried at once; returns its id.

    Staff in the Merchant group (catalog, orders, copy, reviews), not a superuser: the demo's
    sign-in is shown to everyone who loads it, so it must not open accounts or model versions.
    """
    user, _created = get_user_model().objects.update_or_create(
        username=DEMO_MERCHANT_USERNAME,
        defaults={
            "email": "merchant@example.com",
            "first_name": "Demo",
            "last_name": "Merchant",
            "is_active": True,
            "password": make_password(password),
        },
    )
    grant_merchant_role(user=user)
    return user.pk


def write_customers(
    specs: Sequence[CustomerSpec], *, password: str, progress: ProgressFactory
) -> dict[int, int]:
    """Create or update the demo users; every one gets ``password``.

    Returns:
        A map from customer number to user id.
    """
    user_model = get_user_model()
    # One hash for all accounts: hashing 60 passwords would dominate the run, so the demo
    # customers share one password (printed by the command).
    hashed = make_password(password)
    with progress(total=len(specs), desc="Customers", unit="customer") as bar, transaction.atomic():
        existing = {
            u.username: u
            for u in user_model.objects.filter(username__in=[s.username for s in specs])
        }
        new, changed = [], []
        for spec in specs:
            values = {
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": spec.email,
                "is_active": True,
                "is_staff": False,
                "is_superuser": False,
                "password": hashed,
            }
            user = existing.get(spec.username)
            if user is None:
                new.append(user_model(username=spec.username, **values))
            else:
                for name, value in values.items():
                    setattr(user, name, value)
                changed.append(user)
            bar.update(1)
        user_model.objects.bulk_create(new)
        user_model.objects.bulk_update(changed, _USER_FIELDS)
    ids = dict(
        user_model.objects.filter(username__in=[s.username for s in specs]).values_list(
            "username", "id"
        )
    )
    return {spec.number: ids[spec.username] for spec in specs}


def write_history(
    customers: Sequence[CustomerSpec],
    events: Sequence[EventSpec],
    reviews: Sequence[ReviewSpec],
    *,
    user_ids: dict[int, int],
    product_ids: dict[int, int],
    chunk_size: int,
    progress: ProgressFactory,
) -> None:
    """Replace the demo customers' reviews and interaction log with ``reviews`` and ``events``."""
    numbers = {spec.number: spec for spec in customers}
    with transaction.atomic():
        Interaction.objects.filter(user_id__in=list(user_ids.values())).delete()
        Review.objects.filter(user_id__in=list(user_ids.values())).delete()
        rows = [
            Review(
                product_id=product_ids[r.product_index],
                user_id=user_ids[r.customer],
                author_name=numbers[r.customer].author_name,
                rating=r.rating,
                title=r.title,
                text=r.text,
                language=r.language,
                verified_purchase=r.verified_purchase,
            )
            for r in reviews
        ]
        Review.objects.bulk_create(rows, batch_size=chunk_size)
        # created_at is auto_now_add; put the review dates from the history back.
        for row, review in zip(rows, reviews, strict=True):
            row.created_at = review.at
        Review.objects.bulk_update(rows, ["created_at"], batch_size=chunk_size)

    with progress(total=len(events), desc="Interactions", unit="event") as bar:
        for batch in _chunks(events, chunk_size):
            write_batch(
                (
                    Interaction(
                        kind=e.kind,
                        user_id=user_ids[e.customer],
                        session_key=e.session_key,
                        product_id=product_ids[e.product_index]
                        if e.product_index is not None
                        else None,
                        query=e.query,
                        result_count=e.result_count,
                        position=e.position,
                        source=e.source,
                        quantity=e.quantity,
                        language=e.language,
                        created_at=e.at,
                    )
                    for e in batch
                ),
                batch_size=chunk_size,
            )
            bar.update(len(batch))


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
