"""Recommendation settings with their defaults, read at call time (never at import).

Every setting is ``RECOMMEND_<NAME>`` in the Django settings; a missing one takes the default.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # The ModelVersion alias the trained recommender is stored under.
    "ALIAS": "recommend",
    # How much each kind of event says about a visitor's taste.
    "EVENT_WEIGHTS": {"view": 1.0, "click": 1.0, "add_to_cart": 3.0, "purchase": 5.0},
    # Days of the interaction log a training reads.
    "TRAINING_DAYS": 180,
    # Neighbours kept per product and source at training (what requests read).
    "NEIGHBOURS": 40,
    # The visitor's latest items a request scores from, and how far back it looks.
    "HISTORY_ITEMS": 20,
    "HISTORY_DAYS": 30,
    # The visitor's latest distinct searches whose results join "For you" (0: none).
    "SEARCH_QUERIES": 2,
    # Seconds a training may spend on the sequential transformer (the other models are quick).
    "TIME_BUDGET": 300.0,
    # Diversity: how much a second, third... item of one category is held back (MMR).
    "DIVERSITY": 0.35,
    "DEFAULT_LIMIT": 8,
    "MAX_LIMIT": 50,
}


def setting(name: str) -> Any:
    return getattr(settings, f"RECOMMEND_{name}", DEFAULTS[name])
