"""Reads of support chat: the intent classifier and its examples, conversations, articles."""

from __future__ import annotations

import functools
import logging
from typing import Any

from llm_services import LLMError
from support_chat.intents import HEAD_FILE, INTENTS_ALIAS, EmbeddingCache, IntentPrediction
from support_chat.models import Conversation, HelpArticle, Intent, IntentExample, Message

logger = logging.getLogger("support_chat")


def training_examples() -> tuple[list[str], list[str]]:
    """Texts and labels of every stored intent example, in a stable order."""
    rows = IntentExample.objects.order_by("pk").values_list("text", "label")
    texts = [text for text, _label in rows]
    return texts, [label for _text, label in rows]


def active_intent_head() -> tuple[str, Any] | None:
    """(version name, OpenSetHead) of the active ``intents`` version, or None (see
    ``llm_services.training.ActiveHead``: a newly activated version is served within seconds,
    without a restart)."""
    return _intent_head().get()


def reset_intent_classifier() -> None:
    """Forget the loaded version (tests); the next call loads the active one."""
    _intent_head().reset()


@functools.cache
def _intent_head() -> Any:
    from llm_services.training import ActiveHead, OpenSetHead

    return ActiveHead(INTENTS_ALIAS, OpenSetHead.load, HEAD_FILE)


def classify(text: str, language: str = "en") -> IntentPrediction:
    """The intent of one shopper message, from the active ``intents`` version.

    ``language`` is the message's language (the e5 encoder is multilingual, so one head serves
    both). Without an active version nothing is known: the answer is an empty label with
    ``clarify`` set, so the dialogue asks what the shopper means.
    """
    loaded = active_intent_head()
    text = (text or "").strip()
    if loaded is None or not text:
        return IntentPrediction(label="", confidence=0.0, out_of_scope=False, clarify=True)
    name, head = loaded
    cache = EmbeddingCache()
    try:
        embedder = cache.embedder
        trained_on = (head.head.embed_model_id, head.head.embed_revision)
        if head.dim != embedder.dim or trained_on != (embedder.model_id, embedder.revision):
            logger.warning("intent classifier %s was trained on another embedder", name)
            return IntentPrediction(label="", confidence=0.0, out_of_scope=False, clarify=True)
        vectors = cache.encode([text])
    except LLMError as exc:
        # The embedder is down or timed out: the dialogue asks instead of failing the request.
        logger.warning("intent classifier %s cannot embed: %s", name, exc)
        return IntentPrediction(
            label="", confidence=0.0, out_of_scope=False, clarify=True, unavailable=str(exc)
        )
    prediction = head.predict_vectors(vectors, [text])[0]
    return IntentPrediction(
        label=prediction.label,
        confidence=prediction.confidence,
        out_of_scope=prediction.out_of_scope,
        clarify=prediction.clarify,
        version=name,
    )


def conversation_for(pk: Any, *, user: Any, session_key: str) -> Conversation | None:
    """Conversation ``pk`` if it is this visitor's: a customer's own, or a visitor's by the
    session key. Anyone else's (or an unknown id, or not a number) gives None."""
    try:
        pk = int(pk)
    except (TypeError, ValueError, OverflowError):
        return None
    if not 0 < pk < 2**63:
        return None
    if user is not None and user.is_authenticated:
        return Conversation.objects.filter(pk=pk, user=user).first()
    if not session_key:
        return None
    return Conversation.objects.filter(pk=pk, user__isnull=True, session_key=session_key).first()


def latest_conversation(*, user: Any, session_key: str) -> Conversation | None:
    """The visitor's most recent conversation that is not closed."""
    if user is not None and user.is_authenticated:
        rows = Conversation.objects.filter(user=user)
    elif session_key:
        rows = Conversation.objects.filter(user__isnull=True, session_key=session_key)
    else:
        return None
    return rows.exclude(status=Conversation.Status.CLOSED).order_by("-updated_at").first()


def transcript(conversation: Conversation) -> list[Message]:
    return list(conversation.messages.order_by("created_at", "id"))


def staff_messages_after(conversation: Conversation, after_id: int) -> list[Message]:
    """Staff replies in ``conversation`` newer than message ``after_id`` (the shopper's own
    and the assistant's messages are already on their screen)."""
    return list(
        conversation.messages.filter(role=Message.Role.STAFF, pk__gt=after_id).order_by("id")
    )


def last_message_id(conversation: Conversation) -> int:
    return conversation.messages.order_by("-id").values_list("id", flat=True).first() or 0


def customer_message_count(conversation: Conversation) -> int:
    """How many messages the shopper has sent in ``conversation`` (staff's do not count)."""
    return conversation.messages.filter(role=Message.Role.CUSTOMER).count()


def help_article(slug: str) -> HelpArticle | None:
    return HelpArticle.objects.filter(slug=slug, is_published=True).first()


__all__ = [
    "Intent",
    "conversation_for",
    "customer_message_count",
    "help_article",
    "last_message_id",
    "latest_conversation",
    "staff_messages_after",
    "transcript",
    "active_intent_head",
    "classify",
    "reset_intent_classifier",
    "training_examples",
]
