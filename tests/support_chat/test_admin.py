"""Merchants list and edit intent examples and retrain the classifier from the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from llm_services.models import ModelVersion, TrainingRun
from support_chat.models import IntentExample
from tests.factories import UserFactory
from tests.support_chat.conftest import INTENTS

pytestmark = pytest.mark.django_db


@pytest.fixture
def merchant(client):
    client.force_login(UserFactory(username="merchant", is_staff=True, is_superuser=True))
    return client


def test_the_admin_lists_examples(merchant):
    """The changelist shows each example with its intent."""
    IntentExample.objects.create(text="where is my parcel", label="order_status")

    response = merchant.get(reverse("admin:support_chat_intentexample_changelist"))

    assert response.status_code == 200
    assert "where is my parcel" in response.content.decode()


def test_retrain_action_trains_and_activates_a_version(
    merchant, django_capture_on_commit_callbacks
):
    """The action queues training (inline under tests); the new version becomes active."""
    IntentExample.objects.bulk_create(
        IntentExample(text=text, label=label, language="en")
        for label, texts in (("order_status", INTENTS["track"]), ("small_talk", INTENTS["greet"]))
        for text in texts
    )
    pks = list(IntentExample.objects.values_list("pk", flat=True)[:1])

    with django_capture_on_commit_callbacks(execute=True):
        response = merchant.post(
            reverse("admin:support_chat_intentexample_changelist"),
            {"action": "retrain_classifier", "_selected_action": pks},
            follow=True,
        )

    version = ModelVersion.objects.get(alias="intents", is_active=True)
    run = TrainingRun.objects.get()
    assert response.status_code == 200
    assert "Training queued" in response.content.decode()
    assert (run.task, run.status, run.version) == ("support_chat", "done", version)


def test_a_retraining_that_cannot_train_says_why(merchant, django_capture_on_commit_callbacks):
    """Examples of one intent only: the run fails with the classifier's own message, shown on
    the admin's Training runs page; the action's page still answers (tasks run inline here)."""
    IntentExample.objects.bulk_create(
        IntentExample(text=text, label="order_status", language="en") for text in INTENTS["track"]
    )
    pks = list(IntentExample.objects.values_list("pk", flat=True)[:1])

    with django_capture_on_commit_callbacks(execute=True):
        response = merchant.post(
            reverse("admin:support_chat_intentexample_changelist"),
            {"action": "retrain_classifier", "_selected_action": pks},
            follow=True,
        )

    run = TrainingRun.objects.get()
    listing = merchant.get(reverse("admin:llm_services_trainingrun_changelist"))
    assert response.status_code == 200
    assert run.status == "failed"
    assert "at least two intents" in run.error
    assert "at least two intents" in listing.content.decode()
