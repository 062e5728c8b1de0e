"""Link helpers for listing pages; anything heavier belongs in selectors.

They take an explicit ``params`` QueryDict (the recognised filters, see
``ProductFilterForm.canonical_params``) rather than ``request.GET``, so cached listing HTML
never echoes parameters that are not part of its cache key.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict

register = template.Library()


def _href(params: QueryDict) -> str:
    # "?" alone would keep the path and drop every filter, which is what an empty query means.
    return f"?{params.urlencode()}"


@register.simple_tag
def query_with(params: QueryDict | None, **updates: Any) -> str:
    """``params`` with the given keys replaced, e.g. ``{% query_with params page=2 %}``."""
    result = params.copy() if params is not None else QueryDict(mutable=True)
    for key, value in updates.items():
        result[key] = str(value)
    return _href(result)


@register.simple_tag
def query_without(params: QueryDict, name: str, value: str | None = None) -> str:
    """``params`` without ``name`` (or only without its ``value``), back on the first page."""
    result = params.copy()
    result.pop("page", None)
    if value is None:
        result.pop(name, None)
    else:
        remaining = [v for v in result.getlist(name) if v != value]
        if remaining:
            result.setlist(name, remaining)
        else:
            result.pop(name, None)
    return _href(result)
