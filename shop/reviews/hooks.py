"""Review hooks: higher apps register what follows a change to a product's reviews.

The shop cannot import the apps above it, so they register a callable from their
``AppConfig.ready()``::

    register_reviews_changed_hook(queue_my_refresh)

and every write to reviews (``services.create_review``, the review admin's save and delete)
calls each hook with the ids of the products whose reviews changed, inside the write's
transaction: a hook that queues work defers it with ``transaction.on_commit``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

ReviewsChangedHook = Callable[..., object]
_hooks: list[ReviewsChangedHook] = []


def register_reviews_changed_hook(hook: ReviewsChangedHook) -> None:
    """Call ``hook(product_ids=[...])`` after reviews change (registered once)."""
    if hook not in _hooks:
        _hooks.append(hook)


def unregister_reviews_changed_hook(hook: ReviewsChangedHook) -> None:
    """Remove a registration (tests)."""
    if hook in _hooks:
        _hooks.remove(hook)


def run_reviews_changed_hooks(product_ids: Iterable[int]) -> None:
    ids = sorted(set(product_ids))
    if not ids:
        return
    for hook in _hooks:
        hook(product_ids=ids)
