"""Reads of support chat: the active intent classifier and the examples it is trained on."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from support_chat.intents import HEAD_FILE, INTENTS_ALIAS, EmbeddingCache, IntentPrediction
from support_chat.models import Intent, IntentExample

logger = logging.getLogger("support_chat")

_state: dict[str, Any] = {"name": None, "head": None}
_state_lock = threading.Lock()


def training_examples() -> tuple[list[str], list[str]]:
    """Texts and labels of every stored intent example, in a stable order."""
    rows = IntentExample.objects.order_by("pk").values_list("text", "label")
    texts = [text for text, _label in rows]
    return texts, [label for _text, label in rows]


def active_intent_head() -> tuple[str, Any] | None:
    """(version name, OpenSetHead) of the active ``intents`` version, or None.

    Which version is active comes from ``llm_services.active_versions()`` (read at most every
    ``LLM_VERSION_CHECK_SECONDS``): a version activated by the worker that trained it is served
    within seconds, without a restart.
    """
    from llm_services import LLMUnavailable, active_versions
    from llm_services.training import OpenSetHead

    active = active_versions().get(INTENTS_ALIAS)
    name = active.name if active else None
    if name != _state["name"]:
        with _state_lock:
            if name != _state["name"]:
                head = None
                if active is not None:
                    try:
                        head = OpenSetHead.load(Path(active.model) / HEAD_FILE)
                    except LLMUnavailable as exc:
                        logger.warning("intent classifier %s cannot load: %s", name, exc)
                _state.update(name=name, head=head)
    head = _state["head"]
    return (_state["name"], head) if head is not None else None


def reset_intent_classifier() -> None:
    """Forget the loaded version (tests); the next call loads the active one."""
    with _state_lock:
        _state.update(name=None, head=None)


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
    embedder = cache.embedder
    trained_on = (head.head.embed_model_id, head.head.embed_revision)
    if head.dim != embedder.dim or trained_on != (embedder.model_id, embedder.revision):
        logger.warning("intent classifier %s was trained on another embedder; retrain it", name)
        return IntentPrediction(label="", confidence=0.0, out_of_scope=False, clarify=True)
    prediction = head.predict_vectors(cache.encode([text]))[0]
    return IntentPrediction(
        label=prediction.label,
        confidence=prediction.confidence,
        out_of_scope=prediction.out_of_scope,
        clarify=prediction.clarify,
        version=name,
    )


__all__ = [
    "Intent",
    "active_intent_head",
    "classify",
    "reset_intent_classifier",
    "training_examples",
]
