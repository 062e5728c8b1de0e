"""Prepare the chat before the first message: the intent classifier and the answer prompts.

``config.readiness`` calls these when a web process starts. ``warm_intents`` reads the head
from disk and classifies one message per shop language, which also imports scikit-learn's
text features for the lexical head (0.7 s on its own, measured). ``warm_phrasing`` has the
local generator compute the fixed part of the answer prompt (instruction and examples) in
each language once; every answer then reuses it (``llm_services.prefix_cache``), which is what
keeps the first checked sentence within its limit on an AVX2-only CPU. Either way the first
shopper's message costs what every later one does.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from support_chat import phrasing
from support_chat.selectors import active_intent_head, classify

WARM_MESSAGES = (("en", "where is my order"), ("zh-hans", "我的订单到哪了"))


def warm_intents() -> dict[str, Any]:
    """``ok`` is True without an active version too: the chat then asks what the shopper
    means, by design (``train_intents`` makes one)."""
    loaded = active_intent_head()
    if loaded is None:
        return {"ok": True, "version": None}
    predictions = [classify(text, language) for language, text in WARM_MESSAGES]
    unavailable = next((p.unavailable for p in predictions if p.unavailable), "")
    return {"ok": not unavailable, "version": loaded[0], "unavailable": unavailable or None}


def warm_phrasing() -> dict[str, Any]:
    """``ok`` is True when the generator is off or remote (nothing to prepare: remote servers
    cache prompts themselves) and when it fails here: ``llm_services.warmup.warm_models``
    reports that failure, and the chat shows retrieved text meanwhile, marked as degraded."""
    from llm_services import LLMError, llm

    if settings.LLM_MODELS.get(phrasing.ALIAS) is None:
        return {"ok": True, "prepared": 0, "detail": "the generator is switched off"}
    try:
        backend = llm[phrasing.ALIAS]
        if not getattr(backend, "is_local", False):
            return {"ok": True, "prepared": 0, "detail": "remote generator"}
        for chinese in (False, True):
            backend.generate(phrasing.prompt_for("", [], chinese=chinese), max_new_tokens=1)
    except LLMError as exc:
        return {"ok": True, "prepared": 0, "detail": f"not prepared: {exc}"}
    return {"ok": True, "prepared": 2, "detail": ""}
