"""Copywriting's errors; each message is meant for the merchant."""

from __future__ import annotations

from typing import Any

from copywriting.findings import Message, english, message


class CopywritingError(Exception):
    """Base class of copywriting errors; the message is meant for the merchant.

    ``i18n`` keeps it as a template and parameters (:mod:`copywriting.findings`), so that a
    job that failed on a worker says why in the language of whoever reads it.
    """

    def __init__(self, text: str = "", *, i18n: Message | None = None) -> None:
        super().__init__(text or (english(i18n) if i18n else ""))
        self.i18n = i18n if i18n is not None else message("{detail}", detail=str(self))

    @classmethod
    def said(cls, template: str, **params: Any) -> CopywritingError:
        """The error with a translatable ``template`` (marked with ``gettext_noop``)."""
        return cls(i18n=message(template, **params))


class CopywritingUnavailable(CopywritingError):
    """The model that writes copy cannot serve (switched off, not prepared, not loadable)."""


class CopyRefused(CopywritingError):
    """This product cannot get copy as it is (nothing to write from, data too long)."""


class ApprovalBlocked(CopywritingError):
    """The draft cannot be approved: flagged without an override, empty, or already reviewed."""
