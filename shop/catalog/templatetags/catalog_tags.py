"""Link helpers for listing pages; anything heavier belongs in selectors.

They take an explicit ``params`` QueryDict (the recognised filters, see
``ProductFilterForm.canonical_params``) rather than ``request.GET``, so cached listing HTML
never echoes parameters that are not part of its cache key.
"""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.http import QueryDict
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from shop.catalog.slots import slot_templates

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


@register.simple_tag(takes_context=True)
def slot(context: template.Context, name: str, **extra: Any) -> str:
    """Whatever higher apps registered for slot ``name`` (see shop.catalog.slots)."""
    names = slot_templates(name)
    if not names:
        return ""
    values = {**context.flatten(), **extra}
    request = context.get("request")
    return mark_safe(  # noqa: S308 - the concatenation of rendered (auto-escaped) templates
        "".join(get_template(n).render(values, request) for n in names)
    )


@register.filter
def highlight(text: str, terms: list[str]) -> SafeString:
    """``text`` escaped, with each of ``terms`` (case-insensitive) wrapped in <mark>."""
    text = str(text)
    usable = sorted({t for t in terms or [] if t and len(t) <= 60}, key=len, reverse=True)
    if not usable:
        return escape(text)
    # Latin terms match as word starts, so a query's stem ("shoe", "run") marks "Shoes" and
    # "Running"; Chinese terms match anywhere.
    pattern = re.compile(
        "|".join(rf"(?<!\w){re.escape(t)}\w*" if t.isascii() else re.escape(t) for t in usable),
        re.IGNORECASE,
    )
    out, position = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308  (every piece is escaped above)
