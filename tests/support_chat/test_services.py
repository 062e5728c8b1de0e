"""Seeding the examples, training versions, the task and command, and the selector's swap."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from llm_services.models import ModelVersion
from support_chat import selectors, services
from support_chat.models import Intent, IntentExample
from tests.support_chat.conftest import FAR_AWAY, INTENTS

pytestmark = pytest.mark.django_db


def store(examples: dict[str, list[str]]) -> None:
    IntentExample.objects.bulk_create(
        IntentExample(text=text, label=label, language="en")
        for label, texts in examples.items()
        for text in texts
    )


def test_seed_data_loads_every_label_in_both_languages():
    """The demo file seeds >= 25 examples of every label in English and in Chinese, once."""
    added = services.seed_intent_examples()

    assert added == IntentExample.objects.count()
    for language in ("en", "zh-hans"):
        for label in Intent.values:
            count = IntentExample.objects.filter(language=language, label=label).count()
            assert count >= 25, (language, label, count)
    assert services.seed_intent_examples() == 0


def test_seeding_keeps_a_merchants_relabelling():
    """A seeded example relabelled in the admin keeps its new label when seeding again."""
    services.seed_intent_examples()
    example = IntentExample.objects.get(text="Where is my order?", language="en")
    example.label = Intent.SHIPPING
    example.save()

    services.seed_intent_examples()

    assert IntentExample.objects.get(pk=example.pk).label == Intent.SHIPPING


def test_classify_without_a_version_asks_to_clarify():
    """Before any training nothing is known: an empty label and a clarifying question."""
    prediction = selectors.classify("where is my parcel", "en")

    assert prediction.label == ""
    assert prediction.clarify is True
    assert prediction.out_of_scope is False


def test_selector_swaps_to_a_newly_activated_version():
    """classify serves the active version and moves to a newer one once it is activated."""
    store({"order_status": INTENTS["track"], "return_refund": INTENTS["refund"]})
    first = services.train_intent_classifier()

    before = selectors.classify("has my order shipped yet", "en")

    IntentExample.objects.filter(label="return_refund").update(label="small_talk")
    store({"return_refund": INTENTS["greet"]})
    second = services.train_intent_classifier()
    after = selectors.classify("i want my money back", "en")

    assert before.version == first.version
    assert before.label == "order_status"
    assert after.version == second.version
    assert after.label == "small_talk"
    assert ModelVersion.objects.get(is_active=True, alias="intents").name == second.version


def test_a_stored_version_is_not_served_until_activated():
    """--no-activate stores a version but classify keeps serving the active one."""
    store({"order_status": INTENTS["track"], "return_refund": INTENTS["refund"]})
    active = services.train_intent_classifier()
    services.train_intent_classifier(activate=False)

    assert selectors.classify("refund my purchase please").version == active.version
    assert ModelVersion.objects.filter(alias="intents").count() == 2


def test_far_away_text_is_out_of_scope_without_examples():
    """No out_of_scope examples stored: a far-away message is still out of scope."""
    store({"order_status": INTENTS["track"], "return_refund": INTENTS["refund"]})
    store({"small_talk": INTENTS["greet"]})
    services.train_intent_classifier()

    prediction = selectors.classify(FAR_AWAY, "en")

    assert prediction.out_of_scope is True
    assert prediction.label == "out_of_scope"


def test_training_needs_two_intents():
    """Examples of one intent only are refused with a message that says what to do."""
    store({"order_status": INTENTS["track"]})

    with pytest.raises(services.IntentTrainingError, match="at least two intents"):
        services.train_intent_classifier()
    with pytest.raises(CommandError, match="at least two intents"):
        call_command("train_intents", "--json")


def test_task_and_command_train_and_activate():
    """The Celery task (inline under tests) and the command each store an active version."""
    from support_chat.tasks import train_intents_task

    store({"order_status": INTENTS["track"], "return_refund": INTENTS["refund"]})
    result = train_intents_task.delay().get()
    out = StringIO()
    call_command("train_intents", "--json", stdout=out)
    report = json.loads(out.getvalue())

    assert result["activated"] is True
    assert report["activated"] is True
    assert report["rows"] == 16
    assert ModelVersion.objects.get(is_active=True).name == report["version"]
    assert ModelVersion.objects.get(name=report["version"]).kind == "classifier"


def test_train_intents_seed_adds_the_demo_examples_first():
    """--seed stores the demo file's examples, then trains on them (every label, 2 languages)."""
    out = StringIO()

    call_command("train_intents", "--seed", "--no-activate", "--json", stdout=out)
    report = json.loads(out.getvalue().strip().splitlines()[-1])

    assert report["rows"] == IntentExample.objects.count() >= 500
    assert report["labels"] == len(Intent.values)
    assert report["oos_rows"] >= 50
    assert report["activated"] is False
    assert not ModelVersion.objects.filter(is_active=True).exists()


def test_classify_when_the_embedder_is_down_asks_to_clarify_instead_of_failing(monkeypatch):
    """An LLMError from the embedder never reaches the shopper as a 500."""
    from llm_services import LLMUnavailable
    from support_chat import intents, selectors

    def down(self):
        raise LLMUnavailable("embed model missing")

    monkeypatch.setattr(selectors, "active_intent_head", lambda: ("intents-1", object()))
    monkeypatch.setattr(intents.EmbeddingCache, "embedder", property(down))

    prediction = selectors.classify("where is my order", "en")

    assert (prediction.label, prediction.clarify, prediction.unavailable) == (
        "",
        True,
        "embed model missing",
    )


def test_warm_intents_classifies_with_the_active_version():
    """At process start the active head is loaded and used once per shop language."""
    from support_chat.warmup import warm_intents

    store({"order_status": INTENTS["track"], "return_refund": INTENTS["refund"]})
    trained = services.train_intent_classifier()

    assert warm_intents() == {"ok": True, "version": trained.version, "unavailable": None}
    assert ModelVersion.objects.get(name=trained.version).method == "logistic+lexical"


def test_warm_intents_without_a_version_is_ok():
    from support_chat.warmup import warm_intents

    assert warm_intents() == {"ok": True, "version": None}
