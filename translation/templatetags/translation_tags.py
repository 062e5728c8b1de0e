"""Template tags: the storefront's "Machine-translated" mark and the reviews' translate
buttons, and the catalog import's "Translate the imported products" form."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from common.text import CHINESE, ENGLISH
from translation import selectors

register = template.Library()

# Each language's name in its own script, as a reader of that language looks for it.
LANGUAGE_NAMES = {ENGLISH: "English", CHINESE: "中文"}


@register.simple_tag
def machine_translated_mark(card: Any, description: str) -> str:
    """A label when the product's shown title or description is an approved machine
    translation (``card``: the page's ProductCard)."""
    if card is None or card.is_fallback:
        return ""
    if not selectors.is_machine_translated(
        product_id=card.id,
        language=card.text_language,
        title=card.title,
        description=description,
    ):
        return ""
    return format_html(
        '<p class="muted small machine-translated" title="{}">{}</p>',
        _("Translated by a machine translation model and approved by the shop."),
        _("Machine-translated"),
    )


@register.inclusion_tag("translation/_review_translation.html", takes_context=True)
def review_translation(context: template.Context, reviews: list[Any]) -> dict[str, Any]:
    """The data the reviews' "Translate to …" buttons need (reviews/translation.js adds one to
    each review written in another language than the page's)."""
    language = (context.get("LANGUAGE_CODE") or ENGLISH).lower()
    if language not in LANGUAGE_NAMES:
        language = ENGLISH
    return {
        "wanted": any(getattr(r, "language", language) != language for r in reviews or []),
        "language": language,
        "endpoint": reverse("review-translation-api"),
        "language_name": LANGUAGE_NAMES[language],
    }


@register.inclusion_tag("admin/translation/_import_translate_form.html", takes_context=True)
def import_translation_form(context: template.Context, catalog_import: Any) -> dict[str, Any]:
    """The import status page's form: translate what this import wrote, as one batch job."""
    request = context.get("request")
    user = getattr(request, "user", None)
    allowed = bool(user is not None and user.has_perm("catalog.change_product"))
    ids = selectors.imported_product_ids(catalog_import) if allowed and catalog_import else []
    return {
        "count": len(ids),
        "action": reverse("admin:translation_translationjob_from_import", args=[catalog_import.pk])
        if ids
        else "",
        "targets": [(ENGLISH, _("English")), (CHINESE, _("Simplified Chinese"))],
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def product_translation_tools(product: Any) -> dict[str, Any]:
    """What the product change form's translation buttons need: the languages the product
    can be translated into (not its own) and its drafts waiting for review."""
    labels = {ENGLISH: _("Translate into English"), CHINESE: _("Translate into Chinese")}
    return {
        "targets": [(code, label) for code, label in labels.items() if code != product.language],
        "pending": selectors.pending_draft_count(product.pk),
    }
