"""Errors raised by llm_services, split into retryable and terminal ones.

A caller (a Celery task, a view) decides what to do from the class alone: retry later on a
retryable error, give up and report on a terminal one. ``error.retryable`` says which.
"""

from __future__ import annotations


class LLMError(Exception):
    """Base class of every llm_services error."""

    retryable: bool = False


class LLMUnavailable(LLMError):
    """The model cannot be reached or loaded right now (missing weights, server down, 5xx).

    Retryable: the same call may succeed once the model is prepared or the server is back.
    """

    retryable = True


class LLMTimeout(LLMError):
    """The model did not answer within the configured timeout. Retryable."""

    retryable = True


class LLMBadRequest(LLMError):
    """The request itself is wrong (4xx, invalid arguments). Terminal: retrying cannot help."""


class ContentRejected(LLMError):
    """The model or its server refused the content (e.g. a content filter). Terminal."""


class UnknownAlias(LLMError, KeyError):
    """``llm[alias]`` for an alias that LLM_MODELS does not configure (or sets to None)."""

    def __init__(self, alias: str, known: list[str], *, disabled: bool = False) -> None:
        self.alias = alias
        self.known = known
        self.disabled = disabled
        super().__init__(alias)

    def __str__(self) -> str:
        known = ", ".join(repr(name) for name in self.known) or "none"
        if self.disabled:
            return (
                f"LLM model alias {self.alias!r} is disabled (LLM_MODELS[{self.alias!r}] is None). "
                f"Configured aliases: {known}."
            )
        return f"Unknown LLM model alias {self.alias!r}. Configured aliases: {known}."
