from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from . import selectors, services


def mini_cart(request: HttpRequest) -> dict[str, object]:
    """The header's item count; lazy, so pages that don't show it pay nothing."""

    def count() -> int:
        if not hasattr(request, "session"):
            return 0
        user = getattr(request, "user", None)
        return selectors.item_count(services.cart_for(user=user, session=request.session))

    return {"cart_item_count": SimpleLazyObject(count)}
