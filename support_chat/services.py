"""Writes of support chat: intent examples and the classifier, help articles, conversations.

``reply`` answers a shopper's message (routing in ``support_chat.dialogue``) and stores it.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from llm_services.models import TrainingRun
from llm_services.training import queue_training_run
from support_chat import dialogue, selectors, tools
from support_chat.intents import (
    HEAD_FILE,
    INTENTS_ALIAS,
    EmbeddingCache,
    background_for,
    fit_intent_head,
)
from support_chat.models import Conversation, HelpArticle, Intent, IntentExample, Message
from support_chat.phrasing import phrase

logger = logging.getLogger("support_chat")
DIGIT = re.compile(r"\d")

SEED_FILE = Path(__file__).resolve().parent / "data" / "intents.yaml"
TRAIN_TASK = "support_chat.tasks.train_intents_task"
TRAIN_QUEUE = "index"  # the worker that holds the embedder
# The name of the training (its ModelVersion's task and its training runs').
INTENTS_TASK = "support_chat"


class IntentTrainingError(Exception):
    """The stored examples cannot train a classifier; the message says why."""


@dataclass
class IntentTrainingReport:
    version: str
    activated: bool
    examples: int
    facts: dict[str, Any] = field(default_factory=dict)


def load_seed_examples(path: str | Path = SEED_FILE) -> dict[str, dict[str, list[str]]]:
    """language -> label -> texts, read from a seed YAML file (see support_chat/data/)."""
    import yaml

    with Path(path).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    languages = {code for code, _name in IntentExample.Language.choices}
    labels = set(Intent.values)
    for language, by_label in data.items():
        if language not in languages:
            raise ValueError(f"{path}: unknown language {language!r}.")
        unknown = set(by_label) - labels
        if unknown:
            raise ValueError(f"{path}: unknown labels {sorted(unknown)}.")
    return data


@transaction.atomic
def seed_intent_examples(path: str | Path = SEED_FILE) -> int:
    """Add the seed file's examples that are not stored yet; returns how many were added.

    Examples a merchant edited or relabelled are left alone (a text is matched with its
    language), so seeding again never undoes their work.
    """
    data = load_seed_examples(path)
    existing = set(IntentExample.objects.values_list("text", "language"))
    new = [
        IntentExample(text=text, label=label, language=language)
        for language, by_label in data.items()
        for label, texts in by_label.items()
        for text in texts
        if (text, language) not in existing
    ]
    IntentExample.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _fingerprint(texts: list[str], labels: list[str]) -> str:
    digest = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        digest.update(f"{label}\t{text}\n".encode())
    return digest.hexdigest()


def train_intent_classifier(*, activate: bool = True) -> IntentTrainingReport:
    """Train the intent head on the stored examples and store it as a ModelVersion.

    The ``out_of_scope`` examples, if any, are a class of their own; out-of-scope messages are
    also flagged by a confidence threshold calibrated on held-out in-scope examples. The new
    version is activated when ``activate`` is set; processes serving ``classify`` switch to it
    within seconds.

    Raises:
        IntentTrainingError: fewer than two in-scope intents have examples.
    """
    from llm_services.training import activate_version, store_version

    texts, labels = selectors.training_examples()
    inscope = {label for label in labels if label != Intent.OUT_OF_SCOPE}
    if len(inscope) < 2:
        raise IntentTrainingError(
            f"Need examples of at least two intents besides {Intent.OUT_OF_SCOPE}; "
            f"found {sorted(inscope)}. Run `manage.py train_intents --seed` or add some."
        )
    cache = EmbeddingCache()
    background = background_for(labels, oos_label=Intent.OUT_OF_SCOPE)
    head, facts = fit_intent_head(
        texts, labels, oos_label=Intent.OUT_OF_SCOPE, cache=cache, background=background
    )
    embedder = cache.embedder

    def write(folder: Path, name: str) -> dict[str, Any]:
        head.save(folder / HEAD_FILE)
        return {"labels": list(head.labels), **facts}

    with transaction.atomic():
        version = store_version(
            INTENTS_ALIAS,
            write,
            kind="classifier",
            task=INTENTS_TASK,
            method="logistic+lexical" if head.lexical is not None else "open-set-logistic",
            base_model=embedder.model_id,
            base_revision=embedder.revision,
            training_data_hash=_fingerprint(texts, labels),
            metrics={"after": {"held_out_accuracy": facts.get("held_out_accuracy")}},
            training=facts,
        )
        if activate:
            activate_version(version.pk)
    if activate:
        selectors.reset_intent_classifier()
    logger.info("intent classifier %s trained on %d examples", version.name, len(texts))
    return IntentTrainingReport(
        version=version.name, activated=activate, examples=len(texts), facts=facts
    )


def queue_intent_training(*, user: Any = None) -> TrainingRun:
    """Record a queued training run and train on the ``index`` queue's worker once the
    current transaction commits; the run shows how it ended (Training runs, in the admin)."""
    from celery import current_app

    run = queue_training_run(task=INTENTS_TASK, user=user)
    transaction.on_commit(
        lambda: current_app.tasks[TRAIN_TASK].apply_async(
            kwargs={"run_id": run.pk}, queue=TRAIN_QUEUE
        )
    )
    return run


# --- Knowledge -------------------------------------------------------------------------------

ARTICLES_FILE = Path(__file__).resolve().parent / "data" / "articles.yaml"


@transaction.atomic
def seed_help_articles(path: str | Path = ARTICLES_FILE) -> int:
    """Add the seed file's help articles whose slug is not stored yet; returns how many.

    Articles a merchant edited are left alone (matched by slug).
    """
    import yaml

    with Path(path).open(encoding="utf-8") as handle:
        rows = yaml.safe_load(handle) or []
    topics = set(HelpArticle.Topic.values)
    existing = set(HelpArticle.objects.values_list("slug", flat=True))
    new = []
    for row in rows:
        if row["topic"] not in topics:
            raise ValueError(f"{path}: unknown topic {row['topic']!r} for {row['slug']}.")
        if row["slug"] not in existing:
            new.append(HelpArticle(**{key: row.get(key, "") for key in ARTICLE_FIELDS}))
    HelpArticle.objects.bulk_create(new)
    return len(new)


ARTICLE_FIELDS = ("slug", "topic", "title_en", "title_zh", "body_en", "body_zh")


# --- Conversations ---------------------------------------------------------------------------


def start_conversation(*, user: Any, session_key: str, language: str) -> Conversation:
    signed_in = user is not None and user.is_authenticated
    return Conversation.objects.create(
        user=user if signed_in else None,
        session_key="" if signed_in else session_key,
        language=language,
    )


def reply(
    conversation: Conversation, message: str, *, user: Any, session: Any, language: str
) -> dialogue.Reply:
    """Answer one shopper message in ``conversation`` and store both (see ``reply_stream``)."""
    stream = reply_stream(conversation, message, user=user, language=language)
    while True:
        try:
            next(stream)
        except StopIteration as done:
            return done.value


def reply_stream(
    conversation: Conversation, message: str, *, user: Any, language: str
) -> Generator[str, None, dialogue.Reply]:
    """Yield the answer to one shopper message as it is written; return it once stored.

    The tools get ``user`` (the authenticated identity) and never an identity from the text.
    A conversation handed to staff gets no automatic answers until staff close it. Past
    ``SUPPORT_CHAT_MAX_MESSAGES_PER_CONVERSATION`` shopper messages the answer is a fixed offer
    of a person or a new conversation, and nothing is classified or searched. An answer that
    states facts is phrased by the generator outside any transaction (it takes seconds, and
    SQLite has one writer).
    """
    received = time.monotonic()
    answer, language = _take_message(conversation, message, user=user, language=language)
    with translation.override(language):
        if answer.facts:
            phrasing = yield from phrase(
                message,
                answer.facts,
                fallback=answer.text,
                language=language,
                window=answer.fact_window,
                lead_with_nearest=answer.lead_with_nearest,
                received=received,
            )
            answer.text, answer.source = phrasing.text, phrasing.source
            answer.degraded = answer.degraded or phrasing.degraded
            if phrasing.note:
                # Why, without the values: a refused number may be an order or phone number.
                logger.info("chat answer %s: %s", phrasing.source, DIGIT.sub("#", phrasing.note))
        else:
            yield answer.text
        if answer.suffix:
            yield "\n\n" + answer.suffix
            answer.text, answer.suffix = answer.full_text, ""
    _store_answer(conversation, answer)
    return answer


@transaction.atomic
def _take_message(
    conversation: Conversation, message: str, *, user: Any, language: str
) -> tuple[dialogue.Reply, str]:
    """Store the shopper's message, decide the answer and the conversation's next state."""
    # The row lock serialises messages of one conversation: two quick "yes" replies cannot both
    # start a return, and a status staff set meanwhile is read, not overwritten.
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    language = dialogue.reply_language(message, language)
    Message.objects.create(conversation=conversation, role=Message.Role.CUSTOMER, text=message)
    with translation.override(language):
        answer = _answer(conversation, message, user=user, language=language)
    if answer.pending is not None:
        conversation.pending = answer.pending
    if answer.handoff and conversation.status != Conversation.Status.HANDOFF:
        conversation.status = Conversation.Status.HANDOFF
    conversation.language = language
    conversation.save(update_fields=["pending", "status", "language", "updated_at"])
    return answer, language


@transaction.atomic
def _store_answer(conversation: Conversation, answer: dialogue.Reply) -> None:
    Message.objects.create(
        conversation=conversation,
        role=Message.Role.ASSISTANT,
        text=answer.text,
        intent=answer.intent,
        citations=answer.citations,
        actions=answer.actions,
        degraded=answer.degraded,
        source=answer.source,
    )
    Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
    # Ids and labels only: the message text may hold an email, an address or an order number.
    logger.info(
        "chat reply conversation=%d intent=%s handoff=%s source=%s degraded=%s",
        conversation.pk,
        answer.intent or "-",
        answer.handoff,
        answer.source,
        answer.degraded,
    )


def _answer(conversation: Conversation, message: str, *, user: Any, language: str) -> Any:
    if conversation.status == Conversation.Status.HANDOFF:
        return dialogue.waiting_for_staff_reply()
    pending = conversation.pending or {}
    if pending.get("action") == "start_return":
        decision = dialogue.confirmation(message)
        if decision is True:
            return _start_return(pending["order"], user=user)
        if decision is False:
            return dialogue.Reply(
                text=_("All right, no return was started."),
                intent=Intent.RETURN_REFUND,
                pending={},
            )
    limit = settings.SUPPORT_CHAT_MAX_MESSAGES_PER_CONVERSATION
    if dialogue.wants_person(message):
        # Asking for a person costs no model call, so it works past the limit too.
        answer = dialogue.handoff_reply()
    elif selectors.customer_message_count(conversation) > limit:
        # Every answer embeds the message and may search the catalog: a conversation that
        # never ends would consume without bound, so past the limit nothing is computed.
        answer = dialogue.message_limit_reply(limit)
    else:
        prediction = selectors.classify(message, language)
        answer = dialogue.route(message, prediction, language=language, user=user)
    if answer.pending is None and pending:
        answer.pending = {}
    return answer


def _start_return(number: str, *, user: Any) -> dialogue.Reply:
    """Create the shop's own ReturnRequest for the signed-in customer's order ``number``."""
    from shop.orders.exceptions import CheckoutError
    from shop.orders.models import Order
    from shop.orders.services import request_return

    order_id = tools.order_id_for(number=number, user=user)
    answer = dialogue.Reply(text="", intent=Intent.RETURN_REFUND, pending={})
    if order_id is None:
        answer.text = _("I could not find order %(number)s for you.") % {"number": number}
        return answer
    try:
        with transaction.atomic():
            request_return(order_id=order_id, user=user, reason=RETURN_REASON)
    except (CheckoutError, Order.DoesNotExist) as exc:
        answer.text = str(exc) if isinstance(exc, CheckoutError) else _("Not possible.")
        return answer
    answer.text = _(
        "Your return for order %(number)s has been requested. We will email you the next steps."
    ) % {"number": number}
    answer.citations = [
        {
            "title": _("Order %(number)s") % {"number": number},
            "url": reverse("orders:detail", kwargs={"number": number}),
        }
    ]
    answer.actions = [{"type": "return_started", "order": number}]
    return answer


RETURN_REASON = "Requested in the support chat."


@transaction.atomic
def staff_reply(*, conversation_id: int, text: str, staff: Any = None) -> Message:
    """A member of staff answers in the conversation (the shopper sees it on their next read)."""
    text = text.strip()
    if not text:
        raise ValueError("the reply is empty")
    conversation = Conversation.objects.select_for_update().get(pk=conversation_id)
    message = Message.objects.create(conversation=conversation, role=Message.Role.STAFF, text=text)
    conversation.save(update_fields=["updated_at"])
    return message


def close_conversations(*, conversation_ids: list[int]) -> int:
    """Close these conversations (and drop any pending confirmation); returns how many."""
    return Conversation.objects.filter(pk__in=conversation_ids).update(
        status=Conversation.Status.CLOSED, pending={}
    )


def attach_conversations_to_user(*, session_key: str, user_id: int) -> int:
    """A visitor's conversations (by the session key before login) become the customer's."""
    if not session_key:
        return 0
    return Conversation.objects.filter(session_key=session_key, user__isnull=True).update(
        user_id=user_id, session_key=""
    )
