"""Answers phrased by the generator: checked sentence by sentence, streamed, and the retrieved
text shown (and said) when the generator cannot answer."""

from __future__ import annotations

import json
import logging
import time

import pytest
from django.contrib.auth.models import AnonymousUser

from llm_services import LLMTimeout, LLMUnavailable, llm
from support_chat import phrasing, services
from support_chat.models import Message
from tests.support_chat.factories import ConversationFactory, stub_classifier

pytestmark = pytest.mark.django_db

FACTS = [
    "You can return a delivered order within 30 days of delivery.",
    "Items must be unused and in their original packaging.",
]
FALLBACK = " ".join(FACTS)
# Near both sentences the fake answers with: the generator is shown the 4 facts nearest the
# question.
RETURN_QUESTION = "how long do I have to return an unused item in its original packaging?"


@pytest.fixture
def generator_says(settings):
    def configure(reply: str) -> None:
        settings.LLM_MODELS = {
            **settings.LLM_MODELS,
            "generate": {
                "BACKEND": "llm_services.backends.fake.FakeGenerator",
                "MODEL": "fake",
                "OPTIONS": {"reply": reply},
            },
        }

    return configure


def run(question: str, facts=FACTS, *, language: str = "en"):
    stream = phrasing.phrase(question, facts, fallback=FALLBACK, language=language, window=2)
    pieces = []
    while True:
        try:
            pieces.append(next(stream))
        except StopIteration as done:
            return pieces, done.value


def test_supported_sentences_stream_one_by_one(generator_says):
    generator_says(
        "You can return a delivered order within 30 days of delivery. Items must be unused."
    )

    pieces, result = run("how long can I return things?")

    assert pieces == [
        "You can return a delivered order within 30 days of delivery.",
        " Items must be unused.",
    ]
    assert result == phrasing.Phrasing(
        text="You can return a delivered order within 30 days of delivery. Items must be unused.",
        source="generated",
        degraded=False,
        note="",
    )
    prompt = llm["generate"].calls[-1]["prompt"]
    assert prompt.endswith(
        f"Facts: {' '.join(FACTS)}\nQuestion: how long can I return things?\nAnswer:"
    )


def test_an_unsupported_sentence_ends_the_answer(generator_says):
    generator_says("You can return a delivered order within 30 days of delivery. Returns are free.")

    pieces, result = run("how long can I return things?")

    assert pieces == ["You can return a delivered order within 30 days of delivery."]
    assert result.source == "generated"
    assert result.note == "unsupported sentence dropped: 50% of its terms in one fact"


def test_nothing_supported_shows_the_retrieved_text(generator_says):
    generator_says("You can return it within 90 days.")

    pieces, result = run("how long can I return things?")

    assert pieces == [FALLBACK]
    assert result == phrasing.Phrasing(
        text=FALLBACK,
        source="passage",
        degraded=False,
        note="unsupported sentence dropped: numbers not in the facts: 90",
    )


def test_an_answer_in_the_other_language_is_not_shown(generator_says):
    generator_says("您可以在 30 天内退货。")

    _pieces, result = run("how long can I return things?")

    assert (result.source, result.note) == (
        "passage",
        "unsupported sentence dropped: in the other language",
    )


def test_without_the_generator_the_answer_is_the_retrieved_text_and_degraded(settings):
    settings.LLM_MODELS = {**settings.LLM_MODELS, "generate": None}

    pieces, result = run("how long can I return things?")

    assert pieces == [FALLBACK]
    assert (result.source, result.degraded, result.note) == (
        "passage",
        True,
        "the generator is switched off",
    )


def test_a_failing_generator_degrades(generator_says, monkeypatch):
    generator_says("unused")

    def fail(*args, **kwargs):
        raise LLMUnavailable("down")

    monkeypatch.setattr(llm["generate"], "stream", fail)

    pieces, result = run("how long can I return things?")

    assert pieces == [FALLBACK]
    assert (result.source, result.degraded, result.note) == (
        "passage",
        True,
        "the generator failed: LLMUnavailable",
    )


def test_out_of_time_keeps_nothing_unchecked(generator_says, settings):
    settings.SUPPORT_CHAT_GENERATION_SECONDS = 0
    generator_says("You can return a delivered order within 30 days of delivery.")

    pieces, result = run("how long can I return things?")

    assert pieces == [FALLBACK]
    assert (result.source, result.note) == ("passage", "out of time")


def test_no_first_sentence_in_time_shows_the_retrieved_text(generator_says, settings):
    settings.SUPPORT_CHAT_FIRST_SENTENCE_SECONDS = 0
    generator_says("You can return a delivered order within 30 days of delivery.")

    pieces, result = run("how long can I return things?")

    assert pieces == [FALLBACK]
    assert (result.source, result.degraded, result.note) == ("passage", False, "out of time")


def test_a_generator_busy_past_the_first_sentence_limit_shows_the_retrieved_text(
    generator_says, monkeypatch, settings
):
    """The first token is waited for only until the first-sentence limit (another shopper's
    answer may hold the model): then the retrieved text, at once."""
    settings.SUPPORT_CHAT_FIRST_SENTENCE_SECONDS = 1.2
    generator_says("unused")
    limits = []

    def busy(*args, first_token_timeout=None, **kwargs):
        limits.append(first_token_timeout)
        raise LLMTimeout("no first token within its limit")
        yield  # a generator, as the backends' streams are

    monkeypatch.setattr(llm["generate"], "stream", busy)

    pieces, result = run("how long can I return things?")

    assert pieces == [FALLBACK]
    assert (result.source, result.degraded, result.note) == ("passage", False, "out of time")
    assert len(limits) == 1
    assert 0 < limits[0] <= 1.2  # the limit less the time the facts took to rank


def test_the_limits_count_from_the_shoppers_message(generator_says, monkeypatch, settings):
    """Classifying and retrieving used the whole first-sentence limit: the generator is not
    started at all."""
    settings.SUPPORT_CHAT_FIRST_SENTENCE_SECONDS = 1.2
    generator_says("You can return a delivered order within 30 days of delivery.")
    started = []
    monkeypatch.setattr(llm["generate"], "stream", lambda *a, **k: started.append(1))

    stream = phrasing.phrase(
        "how long can I return things?",
        FACTS,
        fallback=FALLBACK,
        language="en",
        received=time.monotonic() - 1.5,
    )

    assert list(stream) == [FALLBACK]
    assert started == []


def test_chinese_prompt_and_answer(generator_says):
    facts = ["订单送达后 30 天内可以申请退货。", "商品须未使用并保留原包装。"]
    generator_says("订单送达后 30 天内可以申请退货。")

    pieces, result = run("退货期限是多久？", facts, language="zh-hans")

    assert pieces == ["订单送达后 30 天内可以申请退货。"]
    assert result.source == "generated"
    prompt = llm["generate"].calls[-1]["prompt"]
    assert prompt.endswith(f"资料：{''.join(facts)}\n问题：退货期限是多久？\n回答：")


def test_the_api_streams_the_checked_answer_and_stores_it(
    client, generator_says, monkeypatch, settings
):
    """SSE: start, one delta per checked sentence, the reply, done; the stored message says
    the generator wrote it."""
    services.seed_help_articles()
    stub_classifier(monkeypatch, "return_refund")
    settings.SHOP_RETURN_WINDOW_DAYS = 30
    generator_says(
        "You can return a delivered order within 30 days of delivery. "
        "Items must be unused and in their original packaging."
    )

    response = client.post(
        "/api/chat",
        data=json.dumps({"message": RETURN_QUESTION, "conversation": None}),
        content_type="application/json",
        HTTP_ACCEPT="text/event-stream",
    )

    blocks = b"".join(response.streaming_content).decode().split("\n\n")
    events = [block.split("\n", 1) for block in blocks if block]
    names = [name.removeprefix("event: ") for name, _ in events]
    data = [json.loads(line.removeprefix("data: ")) for _, line in events]
    assert names == ["start", "delta", "delta", "reply", "done"]
    assert [d["text"] for d in data[1:3]] == [
        "You can return a delivered order within 30 days of delivery.",
        " Items must be unused and in their original packaging.",
    ]
    reply = data[3]
    assert reply["reply"] == "".join(d["text"] for d in data[1:3])
    assert (reply["source"], reply["degraded"]) == ("generated", False)
    assert [c["title"] for c in reply["citations"]] == ["Returns policy", "Refunds"]
    stored = Message.objects.get(role=Message.Role.ASSISTANT)
    assert (stored.text, stored.source, stored.degraded) == (reply["reply"], "generated", False)


def test_an_offer_to_start_a_return_follows_the_phrased_part(generator_says, monkeypatch):
    """The templated offer is not phrased: it follows the generated sentences."""
    services.seed_help_articles()
    stub_classifier(monkeypatch, "return_refund")
    conversation = ConversationFactory(session_key="s1")
    generator_says("Card refunds usually appear within 5 to 10 business days.")

    answer = services.reply(
        conversation,
        "when do refunds arrive?",
        user=AnonymousUser(),
        session=None,
        language="en",
    )

    assert answer.text == "Card refunds usually appear within 5 to 10 business days."
    assert answer.source == "generated"


def test_the_first_sentence_says_what_the_nearest_fact_says(generator_says):
    """Another true sentence of the article does not answer the question."""
    facts = [
        "You can return a delivered order within 30 days of delivery.",
        "Items must be unused and in their original packaging.",
        "Card refunds usually appear within 5 to 10 business days.",
    ]
    generator_says("You can return a delivered order within 30 days of delivery.")
    stream = phrasing.phrase(
        "when does a card refund appear?",
        facts,
        fallback="the article",
        language="en",
        window=2,
        lead_with_nearest=True,
    )

    pieces = list(stream)

    assert pieces == ["the article"]


def test_why_an_answer_was_refused_is_logged_without_its_numbers(
    generator_says, monkeypatch, caplog
):
    """A refused number may be an order or a phone number: the log keeps the reason only."""
    services.seed_help_articles()
    stub_classifier(monkeypatch, "return_refund")
    generator_says("You can return a delivered order within 9071 days of delivery.")

    with caplog.at_level(logging.INFO, logger="support_chat"):
        services.reply(
            ConversationFactory(session_key="s1"),
            "how long do I have to return?",
            user=AnonymousUser(),
            session=None,
            language="en",
        )

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "chat answer passage: unsupported sentence dropped: numbers not in the facts: ####" in (
        logged
    )
    assert "9071" not in logged
