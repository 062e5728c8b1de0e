"""Every Celery task is a DeliveryCappedTask: one message runs at most TASK_MAX_DELIVERIES times."""

import logging

import pytest

from common.tasks import DeliveryCappedTask
from config.celery import app
from shop.interactions import tasks as interaction_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshes(monkeypatch):
    """Calls of the popularity refresh behind refresh_product_popularity_task."""
    calls = []

    def refresh(*, days):
        calls.append(days)
        return 7

    monkeypatch.setattr(interaction_tasks.services, "refresh_product_popularity", refresh)
    return calls


def deliver(task, *, task_id, retries=0):
    """Run ``task`` as a worker runs a message delivered to it (not eager, with an id)."""
    task.push_request(id=task_id, retries=retries, is_eager=False, called_directly=False)
    try:
        return task(days=30)
    finally:
        task.pop_request()


def test_a_redelivered_message_runs_at_most_task_max_deliveries_times(settings, refreshes, caplog):
    """The fourth delivery of one message (its worker died three times) does not run: it is
    acknowledged with an error logged; another message, or a retry of it, runs."""
    settings.TASK_MAX_DELIVERIES = 3
    task = interaction_tasks.refresh_product_popularity_task

    results = [deliver(task, task_id="message-1") for _ in range(3)]
    with caplog.at_level(logging.ERROR, logger="tasks"):
        fourth = deliver(task, task_id="message-1")

    assert (results, fourth, refreshes) == ([7, 7, 7], None, [30, 30, 30])
    assert [r.getMessage() for r in caplog.records] == [
        "task shop.interactions.tasks.refresh_product_popularity_task[message-1] given up: "
        "delivered 4 times (TASK_MAX_DELIVERIES=3), its workers died or were killed each "
        "time; args=() kwargs={'days': 30}"
    ]
    assert deliver(task, task_id="message-2") == 7
    assert deliver(task, task_id="message-1", retries=1) == 7
    assert len(refreshes) == 5


def test_inline_tasks_are_not_counted(settings, refreshes):
    """Without a broker tasks run inline (eager): nothing is redelivered, nothing capped."""
    settings.TASK_MAX_DELIVERIES = 1
    task = interaction_tasks.refresh_product_popularity_task

    assert [task.delay(days=30).get() for _ in range(3)] == [7, 7, 7]


def test_every_task_is_capped_and_the_long_ones_have_their_time_limits():
    """The app's task class is the capped one; long tasks (index rebuilds, copy and
    translation jobs, training, admin catalog imports) get 2 h soft / 2 h 5 min hard limits,
    the others the 5 / 6 minute defaults."""
    app.loader.import_default_modules()
    names = sorted(n for n in app.tasks if not n.startswith("celery."))
    long_tasks = {
        "copywriting.tasks.generate_copy_job_task",
        "copywriting.tasks.retrain_copy_model_task",
        "recommend.tasks.train_recommender_task",
        "search.tasks.rebuild_search_index_task",
        "shop.catalog.tasks.run_catalog_import_task",
        "support_chat.tasks.train_intents_task",
        "translation.tasks.run_translation_job_task",
    }

    assert all(isinstance(app.tasks[n], DeliveryCappedTask) for n in names)
    assert long_tasks < set(names)
    assert {n: (app.tasks[n].soft_time_limit, app.tasks[n].time_limit) for n in names} == {
        n: (7200, 7500) if n in long_tasks else (300, 360) for n in names
    }
    assert (app.conf.task_soft_time_limit, app.conf.task_time_limit) == (300, 360)
