"""Merchant rules as requests read them: pins and exclusions, cached between admin edits."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.cache import cache

from recommend.models import RecommendationRule

RULES_CACHE_KEY = "recommend:rules"
RULES_TIMEOUT = 60


def active_rules() -> list[tuple[str, int, str, int | None]]:
    """(action, product id, surface, scope product id) of every active merchant rule, cached
    (``recommend.services.rules_changed`` drops the cache when the admin saves a rule)."""
    rules = cache.get(RULES_CACHE_KEY)
    if rules is None:
        rules = list(
            RecommendationRule.objects.filter(is_active=True)
            .order_by("position", "id")
            .values_list("action", "product_id", "surface", "scope_product_id")
        )
        cache.set(RULES_CACHE_KEY, rules, RULES_TIMEOUT)
    return rules


def rules_for(surface: str, anchors: Sequence[int]) -> tuple[list[int], set[int]]:
    """(pins in order, excluded products) of ``surface`` with these products in play."""
    pins: list[int] = []
    excluded: set[int] = set()
    for action, product_id, rule_surface, scope in active_rules():
        if rule_surface not in ("", surface) or (scope is not None and scope not in anchors):
            continue
        if action == RecommendationRule.Action.EXCLUDE:
            excluded.add(product_id)
        elif product_id not in pins:
            pins.append(product_id)
    return [p for p in pins if p not in excluded], excluded


__all__ = ["RULES_CACHE_KEY", "active_rules", "rules_for"]
