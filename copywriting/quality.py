"""The figures of a batch of drafts: what share a merchant could not approve as written, and why.

``manage.py copy_quality_report`` prints them for drafts it makes without storing; the admin
shows them for a stored batch job (:func:`job_summary`). Both count from the drafts' checks,
so the figures mean the same in both places.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from common.text import text_units
from copywriting.checks import is_flagged
from copywriting.models import CopyJob


@dataclass(frozen=True)
class QualitySummary:
    language: str
    items: int
    # Share of drafts with at least one error (a merchant must edit or override).
    flagged_share: float
    # Check -> share of drafts with an error of that check.
    by_check: dict[str, float] = field(default_factory=dict)
    repetition_share: float = 0.0
    copy_share: float = 0.0
    # Words per draft (Chinese: characters), all parts.
    mean_length: float = 0.0
    # Drafts per minute of wall time; None when unknown.
    per_min: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "items": self.items,
            "flagged_share": round(self.flagged_share, 4),
            "by_check": {k: round(v, 4) for k, v in sorted(self.by_check.items())},
            "repetition_share": round(self.repetition_share, 4),
            "copy_share": round(self.copy_share, 4),
            "mean_length": round(self.mean_length, 1),
            "per_min": None if self.per_min is None else round(self.per_min, 1),
        }


def summarise(
    drafts: Sequence[tuple[str, Sequence[dict[str, Any]]]],
    *,
    language: str,
    seconds: float | None = None,
) -> QualitySummary:
    """``drafts``: (text, check results) of each draft."""
    items = len(drafts)
    if not items:
        return QualitySummary(language=language, items=0, flagged_share=0.0)
    errors = [
        {r["check"] for r in checks if r.get("severity") == "error"} for _text, checks in drafts
    ]
    counts = Counter(check for found in errors for check in found)
    return QualitySummary(
        language=language,
        items=items,
        flagged_share=sum(1 for _t, checks in drafts if is_flagged(checks)) / items,
        by_check={check: count / items for check, count in counts.items()},
        repetition_share=counts.get("repetition", 0) / items,
        copy_share=counts.get("copying", 0) / items,
        mean_length=sum(len(text_units(text)) for text, _c in drafts) / items,
        per_min=60 * items / seconds if seconds else None,
    )


def job_summary(job: CopyJob) -> QualitySummary:
    """The figures of a stored batch job's drafts (drafts per minute from its run time)."""
    rows = list(job.drafts.values_list("text", "checks"))
    seconds = None
    if job.started_at and job.finished_at:
        seconds = (job.finished_at - job.started_at).total_seconds()
    return summarise([(t, c or []) for t, c in rows], language=job.language, seconds=seconds)
