"""The buffered writer stays bounded and a refused event cannot block the rest of its batch."""

import logging

import pytest
from django.db import DatabaseError

from shop.interactions import services
from shop.interactions.models import Interaction
from tests.factories import ProductFactory

BUFFERED = {"MODE": "buffered", "MAX_BUFFER": 1000, "FLUSH_SECONDS": 3600}


def click(product_id: int | None, position: int) -> Interaction:
    return services.build_interaction(
        kind="click", product_id=product_id, position=position, source="search"
    )


@pytest.mark.django_db
def test_buffer_drops_and_counts_the_oldest_events_past_max_pending(settings, caplog):
    """Past MAX_PENDING the oldest events go; the next flush logs how many, without content."""
    settings.SHOP_INTERACTIONS = {**BUFFERED, "MAX_PENDING": 3}
    writer = services.BufferedWriter()
    for position in range(5):
        writer.add(click(None, position))

    assert writer.stats() == {"pending": 3, "dropped_overflow": 2, "dropped_rejected": 0}
    with caplog.at_level(logging.WARNING, logger="shop.interactions.services"):
        assert writer.flush() == 3

    assert sorted(Interaction.objects.values_list("position", flat=True)) == [2, 3, 4]
    assert [r.getMessage() for r in caplog.records] == [
        "Interaction buffer full: dropped the 2 oldest events"
    ]


@pytest.mark.django_db
def test_events_kept_for_retry_still_respect_max_pending(settings, monkeypatch):
    """A failed write puts its events back, but never beyond MAX_PENDING (oldest dropped)."""
    settings.SHOP_INTERACTIONS = {**BUFFERED, "MAX_PENDING": 4}
    writer = services.BufferedWriter()
    for position in range(3):
        writer.add(click(None, position))

    def database_down(events, **kwargs):
        raise DatabaseError("database is down")

    monkeypatch.setattr(services, "write_batch", database_down)
    assert writer.flush() == 0
    monkeypatch.undo()
    writer.add(click(None, 3))
    writer.add(click(None, 4))

    assert writer.stats() == {"pending": 4, "dropped_overflow": 1, "dropped_rejected": 0}
    assert writer.flush() == 4
    assert sorted(Interaction.objects.values_list("position", flat=True)) == [1, 2, 3, 4]


# Foreign keys are checked at commit: the flush must run in real transactions, not inside the
# test's own, to see the database refuse an event.
@pytest.mark.django_db(transaction=True)
def test_event_of_a_deleted_product_is_dropped_and_the_rest_of_its_batch_written(settings, caplog):
    """One event whose product was deleted before the flush costs only itself: it is dropped,
    counted and logged by count, and the other events of the batch are written."""
    settings.SHOP_INTERACTIONS = BUFFERED
    kept = ProductFactory()
    deleted = ProductFactory()
    writer = services.BufferedWriter()
    for position in range(7):
        writer.add(click(deleted.pk if position == 4 else kept.pk, position))
    deleted.delete()

    with caplog.at_level(logging.WARNING, logger="shop.interactions.services"):
        assert writer.flush() == 6

    assert sorted(Interaction.objects.values_list("position", flat=True)) == [0, 1, 2, 3, 5, 6]
    assert writer.stats() == {"pending": 0, "dropped_overflow": 0, "dropped_rejected": 1}
    assert [r.getMessage() for r in caplog.records] == [
        "Dropped 1 interaction log events the database refused"
    ]
    # A later flush does not try the dropped event again.
    assert writer.flush() == 0


@pytest.mark.django_db(transaction=True)
def test_outage_during_the_split_keeps_the_unwritten_events_in_order(settings, monkeypatch):
    """If the database goes down while a refused batch is being split, the events not yet
    written stay buffered, in their order, and none is written twice."""
    settings.SHOP_INTERACTIONS = BUFFERED
    product = ProductFactory()
    deleted = ProductFactory()
    writer = services.BufferedWriter()
    for position in range(4):
        writer.add(click(deleted.pk if position == 0 else product.pk, position))
    deleted.delete()
    real_write_batch = services.write_batch
    calls = []

    def down_after_three_calls(events, **kwargs):
        calls.append([e.position for e in events])
        if len(calls) > 3:
            raise DatabaseError("database is down")
        return real_write_batch(events, **kwargs)

    monkeypatch.setattr(services, "write_batch", down_after_three_calls)
    assert writer.flush() == 0
    monkeypatch.undo()

    # [0..3] refused, [0, 1] refused, [0] refused and dropped, then [1] meets the outage.
    assert calls == [[0, 1, 2, 3], [0, 1], [0], [1]]
    assert writer.stats() == {"pending": 3, "dropped_overflow": 0, "dropped_rejected": 1}
    assert writer.flush() == 3
    assert list(Interaction.objects.order_by("id").values_list("position", flat=True)) == [1, 2, 3]
