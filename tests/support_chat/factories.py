"""Factories and a stub classifier for the chat's tests."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from support_chat.intents import IntentPrediction
from support_chat.models import Conversation
from tests.factories.orders import OrderFactory


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    language = "en"


def delivered_order(user, *, days_ago: int = 1, **kwargs):
    return OrderFactory(
        user=user,
        status="delivered",
        delivered_at=timezone.now() - timedelta(days=days_ago),
        **kwargs,
    )


def stub_classifier(monkeypatch, label: str, *, clarify=False, out_of_scope=False):
    """classify always answers ``label`` (MiniLM cannot classify the test's messages)."""
    prediction = IntentPrediction(
        label=label, confidence=0.9, out_of_scope=out_of_scope, clarify=clarify, version="stub"
    )
    monkeypatch.setattr("support_chat.selectors.classify", lambda text, language="en": prediction)
