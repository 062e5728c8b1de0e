"""Limits and privacy of the chat: the widget's length limit, the per-conversation message
limit, and no personal data from a message in the logs."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.test import Client

from support_chat.models import Conversation, Message
from support_chat.redaction import redact
from tests.factories import UserFactory
from tests.support_chat.factories import ConversationFactory

pytestmark = pytest.mark.django_db

API = "/api/chat"


def post(client, message, conversation=None):
    return client.post(
        API,
        data=json.dumps({"message": message, "conversation": conversation}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    ).json()


@pytest.fixture
def classified(monkeypatch):
    """classify always says small_talk; the list holds every message it was asked about."""
    from support_chat.intents import IntentPrediction

    seen: list[str] = []

    def classify(text, language="en"):
        seen.append(text)
        return IntentPrediction(
            label="small_talk", confidence=0.9, out_of_scope=False, clarify=False
        )

    monkeypatch.setattr("support_chat.selectors.classify", classify)
    return seen


@pytest.mark.parametrize("limit", [1000, 321])
def test_widget_input_stops_at_the_settings_length(client, settings, limit):
    """The widget's maxlength is SUPPORT_CHAT_MAX_MESSAGE_CHARS, as on the chat page."""
    settings.SUPPORT_CHAT_MAX_MESSAGE_CHARS = limit

    page = client.get("/en/search/").content.decode()
    support = client.get("/en/support/").content.decode()

    widget_input = re.search(r'<input id="chat-widget-message"[^>]*>', page).group(0)
    assert f'maxlength="{limit}"' in widget_input
    assert f'maxlength="{limit}"' in support


def test_past_the_message_limit_nothing_is_computed(client, settings, classified):
    """With a limit of 3, the 4th message gets the limit answer without being classified; a
    request for a person still reaches staff."""
    settings.SUPPORT_CHAT_MAX_MESSAGES_PER_CONVERSATION = 3
    first = post(client, "hello")
    for text in ("one", "two"):
        post(client, text, first["conversation"])

    limited = post(client, "three", first["conversation"])
    person = post(client, "talk to a person", first["conversation"])

    assert classified == ["hello", "one", "two"]
    assert limited["reply"] == (
        "This conversation has reached its limit of 3 messages. Start a new conversation, or "
        "ask for a person and a member of staff will reply here."
    )
    assert [action["type"] for action in limited["actions"]] == ["handoff", "new_conversation"]
    assert limited["intent"] == ""
    assert person["handoff"] is True
    conversation = Conversation.objects.get(pk=first["conversation"])
    assert conversation.status == Conversation.Status.HANDOFF
    assert conversation.messages.filter(role=Message.Role.CUSTOMER).count() == 5


def test_the_limit_counts_per_conversation_and_in_chinese(client, settings, classified):
    """A new conversation starts with the full allowance; the limit answer is in Chinese for a
    Chinese message, its number in digits."""
    settings.SUPPORT_CHAT_MAX_MESSAGES_PER_CONVERSATION = 1
    first = post(client, "hello")

    limited = post(client, "你好", first["conversation"])
    fresh = post(client, "hello again")

    assert limited["reply"] == (
        "此对话已达到 1 条消息的上限。请开始新的对话，或要求转人工客服，客服人员会在这里回复您。"
    )
    assert fresh["conversation"] != first["conversation"]
    assert fresh["reply"].startswith("Hello! I can help")
    assert classified == ["hello", "hello again"]


def test_staff_messages_do_not_count_towards_the_limit(settings, classified):
    """Only the shopper's own messages count."""
    settings.SUPPORT_CHAT_MAX_MESSAGES_PER_CONVERSATION = 1
    user = UserFactory()
    conversation = ConversationFactory(user=user)
    Message.objects.create(conversation=conversation, role=Message.Role.STAFF, text="Hi there")
    client = Client()
    client.force_login(user)

    answer = post(client, "hello", conversation.pk)

    assert answer["reply"].startswith("Hello! I can help")


def test_the_page_offers_a_new_conversation(client, classified):
    """?new=1 shows an empty chat, and the next message opens a second conversation."""
    client.post("/en/support/", {"message": "hello"})

    page = client.get("/en/support/").content.decode()
    empty = client.get("/en/support/?new=1").content.decode()
    client.post("/en/support/", {"message": "hello again"})

    assert 'href="/en/support/?new=1">Start a new conversation</a>' in page
    assert "Hello! How can I help you today?" in empty
    assert 'name="conversation"' not in empty
    assert Conversation.objects.count() == 2


def test_personal_data_in_a_message_never_reaches_the_logs(client, caplog, classified):
    """An email, an order number and a phone number in a message appear in no log record of
    any logger, while the chat still logs the reply (ids and labels)."""
    message = "I am ada.private@example.org, order T-000123, call +44 7700 900456"

    with caplog.at_level(logging.DEBUG):
        body = post(client, message)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    # The order number makes it an order question, whatever the classifier said.
    assert f"chat reply conversation={body['conversation']} intent=order_status" in logged
    for secret in ("ada.private@example.org", "T-000123", "7700 900456"):
        assert secret not in logged


def test_the_chat_logger_redacts_what_others_put_in_its_messages(caplog):
    """A log line of the chat quoting a backend error that holds a message is redacted."""
    logger = logging.getLogger("support_chat")

    with caplog.at_level(logging.WARNING, logger="support_chat"):
        logger.warning("embedder refused: %s", "bad input 'mail ada@example.org about T-000123'")
        try:
            raise ValueError("cannot embed '13800138000 / 240101-ABCDEF'")
        except ValueError:
            logger.exception("classifier failed")

    assert [record.getMessage() for record in caplog.records] == [
        "embedder refused: bad input 'mail [EMAIL] about [ORDER]'",
        "classifier failed",
    ]
    assert "ValueError: cannot embed '[PHONE] / [ORDER]'" in caplog.records[1].exc_text
    assert "13800138000" not in caplog.text


def test_redact_replaces_each_kind_of_personal_data():
    text = "Ada: ada@example.org, +44 7700 900456, 221B Baker Street, order 240101-ABCDEF"

    assert redact(text) == "Ada: [EMAIL], [PHONE], [ADDRESS], order [ORDER]"
