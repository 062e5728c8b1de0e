from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


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


@register.filter
def get_item(mapping: dict, key: Any) -> Any:
    return (mapping or {}).get(key)
