"""Retention: expired sessions and log rows past DATA_RETENTION are deleted, recent ones kept."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from recommend.models import RecommendationImpression
from search.models import SearchLog
from shop.interactions.models import Interaction
from shop.interactions.retention import purge_expired_data
from shop.interactions.tasks import purge_expired_data_task
from support_chat.models import Conversation, Message
from tests.factories import InteractionFactory
from tests.factories.recommend import RecommendationImpressionFactory
from tests.factories.search import SearchLogFactory
from tests.factories.support_chat import ConversationFactory, MessageFactory

pytestmark = pytest.mark.django_db

RETENTION = {
    "interactions.Interaction": {"days": 30, "fields": ["created_at"]},
    "search.SearchLog": {"days": 30, "fields": ["created_at"]},
    "recommend.RecommendationImpression": {"days": 30, "fields": ["created_at"]},
    "support_chat.Conversation": {"days": 30, "fields": ["updated_at", "messages__created_at"]},
}


def session(*, expires_in: timedelta) -> str:
    store = SessionStore()
    store["cart"] = {"1": 2}
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


@pytest.fixture
def logs(settings):
    """One row of every log 31 days old and one a day old; a conversation that is old but
    whose last message is recent; an expired and a live session."""
    settings.DATA_RETENTION = RETENTION
    now = timezone.now()
    old, recent = now - timedelta(days=31), now - timedelta(days=1)
    rows = {
        "old_interaction": InteractionFactory(created_at=old),
        "recent_interaction": InteractionFactory(created_at=recent),
        "old_search": SearchLogFactory(),
        "recent_search": SearchLogFactory(),
        "old_impression": RecommendationImpressionFactory(created_at=old),
        "recent_impression": RecommendationImpressionFactory(created_at=recent),
        "old_chat": ConversationFactory(),
        "revived_chat": ConversationFactory(),
        "recent_chat": ConversationFactory(),
    }
    SearchLog.objects.filter(pk=rows["old_search"].pk).update(created_at=old)
    for name, last_message in (("old_chat", old), ("revived_chat", recent)):
        message = MessageFactory(conversation=rows[name])
        Message.objects.filter(pk=message.pk).update(created_at=last_message)
    Conversation.objects.filter(pk__in=[rows["old_chat"].pk, rows["revived_chat"].pk]).update(
        updated_at=old
    )
    MessageFactory(conversation=rows["recent_chat"])
    rows["expired_session"] = session(expires_in=-timedelta(seconds=1))
    rows["live_session"] = session(expires_in=timedelta(days=1))
    return rows


def test_old_rows_go_and_recent_rows_stay(logs):
    """Rows older than the retention go, with a conversation's messages; rows newer stay, and
    so does an old conversation with a recent message."""
    report = purge_expired_data()

    assert report.sessions == 1
    assert report.rows == {
        "interactions.Interaction": 1,
        "search.SearchLog": 1,
        "recommend.RecommendationImpression": 1,
        "support_chat.Conversation": 1,
    }
    assert list(Interaction.objects.values_list("pk", flat=True)) == [logs["recent_interaction"].pk]
    assert list(SearchLog.objects.values_list("pk", flat=True)) == [logs["recent_search"].pk]
    assert list(RecommendationImpression.objects.values_list("pk", flat=True)) == [
        logs["recent_impression"].pk
    ]
    assert sorted(Conversation.objects.values_list("pk", flat=True)) == sorted(
        [logs["revived_chat"].pk, logs["recent_chat"].pk]
    )
    assert Message.objects.filter(conversation_id=logs["old_chat"].pk).count() == 0
    assert Message.objects.count() == 2
    assert list(Session.objects.values_list("pk", flat=True)) == [logs["live_session"]]


def test_zero_days_keeps_a_model_and_the_command_and_task_report(logs, settings):
    """days 0 keeps that log whole; the command and the beat task run the same purge."""
    settings.DATA_RETENTION = {**RETENTION, "interactions.Interaction": {"days": 0, "fields": []}}
    out = StringIO()

    call_command("purge_expired_data", stdout=out)

    assert out.getvalue().splitlines() == [
        "Deleted 1 expired sessions.",
        "Deleted 1 search.SearchLog rows.",
        "Deleted 1 recommend.RecommendationImpression rows.",
        "Deleted 1 support_chat.Conversation rows.",
    ]
    assert Interaction.objects.count() == 2
    assert purge_expired_data_task.delay().get() == {
        "sessions": 0,
        "rows": {
            "search.SearchLog": 0,
            "recommend.RecommendationImpression": 0,
            "support_chat.Conversation": 0,
        },
    }


def test_beat_runs_the_purge_daily():
    from django.conf import settings

    assert settings.CELERY_BEAT_SCHEDULE["purge-expired-data"] == {
        "task": "shop.interactions.tasks.purge_expired_data_task",
        "schedule": 86400,
        "options": {"expires": 86400},
    }
