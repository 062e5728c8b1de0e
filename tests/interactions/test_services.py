from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from shop.interactions import services
from shop.interactions.models import Interaction
from tests.factories import InteractionFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_record_immediate_mode_takes_user_session_and_language_from_request(settings):
    """In immediate mode the event is written at once with the request's user and language."""
    settings.SHOP_INTERACTIONS = {**settings.SHOP_INTERACTIONS, "MODE": "immediate"}
    user = UserFactory()
    product = ProductFactory()
    request = RequestFactory().get("/")
    request.user = user
    request.LANGUAGE_CODE = "zh-hans"

    event = services.record(kind="view", request=request, product_id=product.pk)

    saved = Interaction.objects.get()
    assert saved.pk == event.pk
    assert (saved.kind, saved.user_id, saved.product_id, saved.language) == (
        "view",
        user.pk,
        product.pk,
        "zh-hans",
    )


def test_record_rejects_unknown_kind():
    """A typo in an event kind is a programming error, not a silently stored row."""
    with pytest.raises(ValueError, match="Unknown interaction kind 'wishlist'"):
        services.record(kind="wishlist")
    assert Interaction.objects.count() == 0


def test_record_truncates_overlong_queries(settings):
    """A 10,000-character query is stored cut to the column size instead of failing."""
    settings.SHOP_INTERACTIONS = {**settings.SHOP_INTERACTIONS, "MODE": "immediate"}
    services.record(kind="search", query="鞋" * 10_000, result_count=0)
    assert len(Interaction.objects.get().query) == 255


def test_buffered_writer_defers_writes_until_flush(settings):
    """Buffered mode costs the request no query; flush writes the whole batch at once."""
    settings.SHOP_INTERACTIONS = {"MODE": "buffered", "MAX_BUFFER": 1000, "FLUSH_SECONDS": 3600}
    writer = services.BufferedWriter()
    product = ProductFactory()
    for position in range(3):
        writer.add(
            services.build_interaction(
                kind="click", product_id=product.pk, position=position, source="search"
            )
        )
    assert Interaction.objects.count() == 0
    assert writer.pending() == 3

    assert writer.flush() == 3

    assert writer.pending() == 0
    assert list(Interaction.objects.order_by("position").values_list("position", flat=True)) == [
        0,
        1,
        2,
    ]


def test_buffered_writer_keeps_events_when_the_write_fails(settings, monkeypatch):
    """A failed batch stays in the buffer for the next flush instead of being dropped."""
    from django.db import DatabaseError

    settings.SHOP_INTERACTIONS = {"MODE": "buffered", "MAX_BUFFER": 1000, "FLUSH_SECONDS": 3600}
    writer = services.BufferedWriter()
    writer.add(services.build_interaction(kind="search", query="boots", result_count=4))

    def broken(events, **kwargs):
        raise DatabaseError("database is down")

    monkeypatch.setattr(services, "write_batch", broken)
    assert writer.flush() == 0
    assert writer.pending() == 1
    monkeypatch.undo()

    assert writer.flush() == 1
    assert Interaction.objects.get().query == "boots"


def test_refresh_product_popularity_weights_kinds_and_decays_with_age():
    """A purchase counts 5, a view 1, and an event one week old counts half."""
    now = timezone.now()
    fresh, old, idle = ProductFactory(), ProductFactory(), ProductFactory(popularity=9.0)
    InteractionFactory(product=fresh, kind="purchase", created_at=now)
    InteractionFactory(product=fresh, kind="view", created_at=now)
    InteractionFactory(product=old, kind="view", created_at=now - timedelta(days=7))
    InteractionFactory(product=old, kind="view", created_at=now - timedelta(days=40))

    changed = services.refresh_product_popularity(days=30, now=now)

    assert changed == 3
    fresh.refresh_from_db()
    old.refresh_from_db()
    idle.refresh_from_db()
    assert (fresh.popularity, old.popularity, idle.popularity) == (6.0, 0.5, 0.0)
    assert services.refresh_product_popularity(days=30, now=now) == 0


def test_refresh_product_popularity_rejects_non_positive_window():
    """days=0 would silently zero every score, so it is refused."""
    with pytest.raises(ValueError, match="days must be positive"):
        services.refresh_product_popularity(days=0)
