"""Copywriting's errors; each message is meant for the merchant."""

from __future__ import annotations


class CopywritingError(Exception):
    """Base class of copywriting errors; the message is meant for the merchant."""


class CopywritingUnavailable(CopywritingError):
    """The model that writes copy cannot serve (switched off, not prepared, not loadable)."""


class CopyRefused(CopywritingError):
    """This product cannot get copy as it is (nothing to write from, data too long)."""


class ApprovalBlocked(CopywritingError):
    """The draft cannot be approved: flagged without an override, empty, or already reviewed."""
