"""Template tags: the storefront's "AI-assisted" mark and the product admin's copy tools."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

from copywriting import conf
from copywriting.selectors import ai_assisted_parts, pending_draft_count
from copywriting.services import generator_state

register = template.Library()


@register.simple_tag
def ai_assisted_mark(product_id: int, language: str, description: str) -> str:
    """A badge when the shown description is approved AI text and the setting is on."""
    if not conf.get("MARK_AI_ASSISTED"):
        return ""
    if not ai_assisted_parts(product_id, language, description):
        return ""
    return format_html(
        '<p class="muted small ai-assisted" title="{}">{}</p>',
        _("Drafted with an AI model and approved by the shop."),
        _("AI-assisted description"),
    )


@register.simple_tag
def copywriting_product_tools(product) -> dict:
    """What the product change form shows: whether the model serves, drafts to review."""
    serving, detail = generator_state()
    return {
        "copywriting_serving": serving,
        "copywriting_detail": detail,
        "copywriting_drafts": pending_draft_count(product.pk),
    }
