"""Checks on a translation: what flags it for a person's review, and what only warns.

Each finding is ``{"name", "severity": "error" | "warning", "detail"}``; an error flags the
translation (``is_flagged``). The protected terms come from ``translation.glossary``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from common.text import CHINESE, ENGLISH, HAN_CHAR
from translation.glossary import ProtectedTerm, extra_numbers, missing_terms

ERROR, WARNING = "error", "warning"
RESTORED = "restored_terms"


def make_check(name: str, severity: str, detail: str) -> dict[str, str]:
    return {"name": name, "severity": severity, "detail": detail}


def _han_share(text: str) -> float:
    letters = [c for c in unicodedata.normalize("NFKC", text) if c.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for c in letters if HAN_CHAR.match(c)) / len(letters)


def check_translation(
    source_text: str,
    text: str,
    *,
    target: str,
    terms: Sequence[ProtectedTerm],
    hit_length: bool = False,
    looped: bool = False,
    restored: Sequence[ProtectedTerm] = (),
) -> list[dict[str, str]]:
    """The findings for one translation of ``source_text`` (Simplified or English).

    Errors: no text; a protected term lost ("protected_terms"); a number the source does not
    state ("numbers"); the text left in the source language ("language"). Warnings: Chinese
    characters left in an English text; a segment cut at its length limit; a phrase the model
    looped on, cut back to once ("repetition"); names or codes the model lost and
    ``glossary.restore_terms`` put back at the start or end ("restored_terms").
    """
    if not text.strip():
        return [make_check("empty", ERROR, _("The model wrote no translation."))]
    checks = []
    lost = missing_terms(terms, text)
    if lost:
        checks.append(
            make_check(
                "protected_terms",
                ERROR,
                _("Missing from the translation: %(terms)s")
                % {"terms": ", ".join(term.text for term in lost)},
            )
        )
    extra = extra_numbers(source_text, text)
    if extra:
        checks.append(
            make_check(
                "numbers",
                ERROR,
                _("Numbers not in the source: %(numbers)s") % {"numbers": ", ".join(extra)},
            )
        )
    share = _han_share(text)
    if target == ENGLISH and share > 0.3:
        checks.append(make_check("language", ERROR, _("The text was not translated into English.")))
    elif target == ENGLISH and share > 0:
        checks.append(
            make_check("language", WARNING, _("Chinese characters are left in the English text."))
        )
    elif target == CHINESE and share == 0 and _han_share(source_text) == 0:
        protected = " ".join(term.text for term in terms)
        words = [w for w in source_text.split() if w.isalpha() and w not in protected]
        if words:
            checks.append(
                make_check("language", ERROR, _("The text was not translated into Chinese."))
            )
    if hit_length:
        checks.append(
            make_check("length", WARNING, _("The translation was cut at its length limit."))
        )
    if restored:
        checks.append(
            make_check(
                RESTORED,
                WARNING,
                _("Put back as written (check where they stand): %(terms)s")
                % {"terms": ", ".join(term.text for term in restored)},
            )
        )
    if looped:
        checks.append(
            make_check(
                "repetition", WARNING, _("A phrase the model repeated was cut back to once.")
            )
        )
    return checks


def is_flagged(checks: Sequence[dict[str, Any]]) -> bool:
    return any(check["severity"] == ERROR for check in checks)
