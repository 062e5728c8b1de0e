"""Template tags for the chat widget, which renders on pages whose views know nothing of it."""

from __future__ import annotations

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def chat_max_chars() -> int:
    """The longest message the chat accepts; the widget's input stops there, as the API does."""
    return settings.SUPPORT_CHAT_MAX_MESSAGE_CHARS
