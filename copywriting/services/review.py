"""Review: the merchant approves a draft (applied to the product) or rejects it."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from copywriting import conf, selectors
from copywriting.checks import has_injection, is_flagged, run_checks
from copywriting.exceptions import ApprovalBlocked, CopywritingError
from copywriting.findings import describe
from copywriting.models import Channel, CopyDraft, Field
from copywriting.output import parse_text, parts_text
from copywriting.prompts import CHANNEL_PARTS
from shop.catalog.cache import invalidate_catalog_cache
from shop.catalog.models import Product, ProductTranslation

logger = logging.getLogger("copywriting")


def _lock_draft(draft_id: int) -> CopyDraft:
    return CopyDraft.objects.select_for_update().select_related("product").get(pk=draft_id)


def _recheck(draft: CopyDraft, parts: dict[str, Any]) -> list[dict[str, Any]]:
    facts = selectors.product_facts(draft.product, draft.language)
    others = selectors.other_copy(
        draft.product_id,
        category_id=draft.product.category_id,
        language=draft.language,
        limit=conf.get("NEAR_DUPLICATE_POOL"),
    )
    return run_checks(parts, facts=facts, vocabulary=selectors.catalog_vocabulary(), others=others)


def _has_content(parts: dict[str, Any]) -> bool:
    return any((v if isinstance(v, list) else str(v or "").strip()) for v in parts.values())


def _apply(draft: CopyDraft) -> None:
    CopyDraft.objects.filter(
        product_id=draft.product_id,
        channel=draft.channel,
        language=draft.language,
        is_applied=True,
    ).exclude(pk=draft.pk).update(is_applied=False)
    draft.is_applied = True
    if draft.channel != Channel.PRODUCT_PAGE:
        return  # marketing copy lives on the approved draft itself
    product = draft.product
    description = str(draft.parts.get("description") or "")
    highlights = [str(h) for h in draft.parts.get("highlights") or []]
    if draft.language == product.language:
        product.description = description
        if highlights:
            product.highlights = highlights
        product.save(update_fields=["description", "highlights", "updated_at"])
    else:
        translation = ProductTranslation.objects.filter(
            product=product, language_code=draft.language
        ).first()
        if translation is None:
            translation = ProductTranslation(
                product=product, language_code=draft.language, title=product.title
            )
        translation.description = description
        if highlights:
            translation.highlights = highlights
        translation.save()
        # The product page is cached by the product's updated_at.
        Product.objects.filter(pk=product.pk).update(updated_at=timezone.now())
    transaction.on_commit(invalidate_catalog_cache)


def _may_write_product(draft: CopyDraft, user: Any) -> bool:
    """Approving product-page copy writes the product: the approver must be allowed to."""
    if user is None or draft.channel != Channel.PRODUCT_PAGE:
        return True
    return bool(user.has_perm("catalog.change_product"))


def _second_person(draft: CopyDraft, user: Any) -> bool:
    """Whether ``user`` may approve ``draft`` as far as the two-person rule goes.

    The injection filter is a list of phrasings and misses some; one person who both asked
    for a draft and waved its flag through is the path a planted instruction would take.
    """
    if not has_injection(draft.checks) or draft.requested_by_id is None:
        return True
    user_id = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    return user_id is not None and user_id != draft.requested_by_id


def approve_draft(
    *, draft_id: int, user: Any, text: str | None = None, override_reason: str = ""
) -> CopyDraft:
    """Approve a draft (with the merchant's edits) and apply it to the product.

    Edited text is checked again. A flagged draft needs ``override_reason``, which is stored
    with the reviewer. A draft flagged for an instruction to the model (an "injection"
    check) also needs a second person: the staff user who requested it (or, when that user
    is recorded, an approver who cannot be identified) cannot override it. The product page
    copy is written to the product (or its translation); marketing copy stays on the draft,
    which becomes the channel's applied copy.

    A draft for the product page writes the product, so ``user`` needs the
    ``catalog.change_product`` permission for it (``user=None`` is the system itself: a
    command or a test).

    Raises:
        ApprovalBlocked: already reviewed, empty, flagged without an override reason,
            flagged for an injection and approved by the user who requested it, or a
            product-page draft approved by a user who may not change products.
    """
    blocked = ""
    with transaction.atomic():
        draft = _lock_draft(draft_id)
        if draft.status != CopyDraft.Status.DRAFT:
            raise ApprovalBlocked(_already(draft))
        if not _may_write_product(draft, user):
            raise ApprovalBlocked(
                _(
                    "You may not change products, so you cannot approve copy for the product "
                    "page. Ask a merchant with the “Can change product” permission."
                )
            )
        if text is not None and text.strip() != draft.text.strip():
            parts = parse_text(draft.channel, text, draft.language)
            draft.parts = parts
            draft.text = parts_text(draft.channel, parts, draft.language)
            draft.checks = _recheck(draft, parts)
            draft.is_flagged = is_flagged(draft.checks)
        if not _has_content(draft.parts):
            raise ApprovalBlocked(_("The draft is empty; there is nothing to approve."))
        reason = override_reason.strip()
        if draft.is_flagged and not reason:
            problems = "; ".join(describe(c) for c in draft.blocking_checks)
            blocked = _(
                "This draft is flagged (%(problems)s). Fix the text, or give a reason to "
                "override the checks."
            ) % {"problems": problems}
            # The re-checked edit is kept (committed), so the merchant sees why it is flagged.
            draft.save(update_fields=["parts", "text", "checks", "is_flagged", "updated_at"])
        elif not _second_person(draft, user):
            blocked = _(
                "This draft is flagged for an instruction to the model. Another staff "
                "member must approve it, not the one who requested it."
            )
            draft.save(update_fields=["parts", "text", "checks", "is_flagged", "updated_at"])
        else:
            draft.status = CopyDraft.Status.APPROVED
            draft.reviewer = user if getattr(user, "is_authenticated", False) else None
            draft.reviewed_at = timezone.now()
            draft.override_reason = reason if draft.is_flagged else ""
            _apply(draft)
            draft.save()
    if blocked:
        raise ApprovalBlocked(blocked)
    logger.info(
        "copy draft %s approved by %s%s",
        draft.pk,
        getattr(user, "pk", None),
        " with an override" if draft.override_reason else "",
    )
    return draft


def _already(draft: CopyDraft) -> str:
    return _("This draft is already %(status)s.") % {
        "status": str(draft.get_status_display()).lower()
    }


def reject_draft(*, draft_id: int, user: Any) -> CopyDraft:
    """Reject a draft; it stays stored (and is never applied).

    Raises:
        ApprovalBlocked: the draft is already reviewed.
    """
    with transaction.atomic():
        draft = _lock_draft(draft_id)
        if draft.status != CopyDraft.Status.DRAFT:
            raise ApprovalBlocked(_already(draft))
        draft.status = CopyDraft.Status.REJECTED
        draft.reviewer = user if getattr(user, "is_authenticated", False) else None
        draft.reviewed_at = timezone.now()
        draft.save(update_fields=["status", "reviewer", "reviewed_at", "updated_at"])
    return draft


@dataclass(frozen=True)
class ApprovedCopy:
    """Marketing copy a merchant already uses, written outside the model."""

    product_id: int
    channel: str
    language: str
    parts: dict[str, str]


def record_approved_copy(rows: Iterable[ApprovedCopy], *, source: str) -> int:
    """Store ``rows`` as approved marketing drafts: the examples drafting follows for their
    channel (:func:`copywriting.selectors.fewshot_examples`) and part of the shop's voice.

    ``source`` names where they came from (kept as the drafts' prompt version); the drafts an
    earlier call with the same source made for these products are replaced, so importing
    again does not pile them up.

    Raises:
        CopywritingError: a row's language is not the shop's, its channel is not a marketing
            channel or its parts are not that channel's; nothing is stored.
    """
    rows = list(rows)
    drafts = []
    for row in rows:
        if row.language not in dict(settings.LANGUAGES):
            raise CopywritingError(f"{row.language!r} is not one of the shop's languages.")
        expected = CHANNEL_PARTS.get(row.channel)
        if row.channel == Channel.PRODUCT_PAGE or expected is None:
            raise CopywritingError(f"{row.channel!r} is not a marketing channel.")
        if set(row.parts) != set(expected) or not all(str(v).strip() for v in row.parts.values()):
            raise CopywritingError(
                f"Copy for {row.channel} has the parts {', '.join(expected)}, each non-empty; "
                f"product {row.product_id} has {', '.join(row.parts) or 'none'}."
            )
        drafts.append(
            CopyDraft(
                product_id=row.product_id,
                field=Field.MARKETING,
                channel=row.channel,
                language=row.language,
                prompt_version=source,
                model_alias="",
                input_hash="",
                text=parts_text(row.channel, row.parts, row.language),
                parts=dict(row.parts),
                status=CopyDraft.Status.APPROVED,
                reviewed_at=timezone.now(),
            )
        )
    with transaction.atomic():
        # Recorded copy has no model; the model's drafts are never replaced.
        CopyDraft.objects.filter(
            product_id__in={row.product_id for row in rows}, prompt_version=source, model_alias=""
        ).delete()
        CopyDraft.objects.bulk_create(drafts)
    return len(drafts)
