"""Attribute names and option labels: proposals the merchant checks before they are written."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from common.text import CHINESE, ENGLISH
from shop.catalog.cache import invalidate_catalog_cache
from shop.catalog.models import (
    Attribute,
    AttributeOption,
)
from translation import selectors
from translation.services import base
from translation.services.base import (
    ApprovalBlocked,
)

logger = logging.getLogger("translation")


def propose_attribute_labels(
    labels: Sequence[selectors.MissingLabel],
) -> dict[str, str]:
    """Machine translations of English-only attribute names and option labels into Chinese,
    keyed like :attr:`MissingLabel.key`, for the merchant to check before
    :func:`write_attribute_labels`. Labels the engine could not translate are left out.
    """
    if not labels:
        return {}
    results = base._translate(
        [label.source for label in labels], source=ENGLISH, target=CHINESE, kind="label"
    )
    return {
        label.key: result.text.strip()
        for label, result in zip(labels, results, strict=True)
        if not result.degraded and result.text.strip()
    }


def write_attribute_labels(*, labels: dict[str, str], user: Any) -> int:
    """Write the merchant's Chinese labels (``{"attribute-3": "颜色", "option-9": "红色"}``)
    where the catalog still has none; returns how many were written.

    A label filled in meanwhile (by hand, or by another merchant) is kept. ``user`` needs
    ``catalog.change_attribute`` (``None`` is the system itself).

    Raises:
        ApprovalBlocked: a user who may not change attributes.
    """
    if user is not None and not user.has_perm("catalog.change_attribute"):
        raise ApprovalBlocked(_("You may not change attributes, so you cannot write their labels."))
    written = 0
    with transaction.atomic():
        for key, text in labels.items():
            kind, _sep, raw_id = key.partition("-")
            text = str(text).strip()[:80]
            if not text or not raw_id.isdigit():
                continue
            if kind == "attribute":
                written += Attribute.objects.filter(pk=int(raw_id), name_zh="").update(name_zh=text)
            elif kind == "option":
                written += AttributeOption.objects.filter(pk=int(raw_id), label_zh="").update(
                    label_zh=text
                )
        if written:
            # Labels show on every listing's filters and in the search index.
            transaction.on_commit(invalidate_catalog_cache)
    logger.info("%d attribute labels written by %s", written, getattr(user, "pk", None))
    return written
