"""Load the active intent classifier before the first chat message.

``config.readiness`` calls ``warm_intents`` when a web process starts: the head is read from
disk and one message per shop language is classified, which also imports scikit-learn's text
features for the lexical head (0.7 s on its own, measured), so the first shopper's message
costs what every later one does.
"""

from __future__ import annotations

from typing import Any

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
