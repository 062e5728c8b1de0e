"""Load and exercise the configured models before a process serves its first request.

A model loads on first use (``llm_services.llm``); a web or worker process calls
``warm_models`` when it starts (``config.readiness``) so that no shopper's request pays for the
load, the native kernels' build or the first forward pass's allocations. Each local alias gets
one tiny call of the kind it serves; remote aliases are not called (that would spend a paid
request per process start); aliases switched off are skipped.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from llm_services.conf import get_model_settings
from llm_services.exceptions import LLMError
from llm_services.handler import llm

logger = logging.getLogger("llm_services")

WARM_TEXTS = ("running shoes", "跑步鞋")


def warm_models(aliases: list[str] | None = None) -> dict[str, Any]:
    """Load ``aliases`` (default: every configured one) and run one small call on each.

    Returns ``{"ok": every alias warm or remote, "aliases": [{alias, state, seconds, detail}]}``
    with state "warm", "remote" (not called) or "error". Never raises for a model that cannot
    load: the failure is reported (and kept in ``llm.failures`` for /healthz), since a
    process whose generator is missing still sells.
    """
    report = []
    for alias in aliases if aliases is not None else list(llm):
        started = time.monotonic()
        if get_model_settings().get(alias) is None:
            continue
        try:
            backend = llm[alias]
            if getattr(backend, "is_local", False):
                _exercise(backend)
                state, detail = "warm", getattr(backend, "runtime", "")
            else:
                state, detail = "remote", "not called at start"
        except LLMError as exc:
            state, detail = "error", str(exc)
            logger.warning("LLM alias %s did not warm up: %s", alias, exc)
        seconds = round(time.monotonic() - started, 2)
        report.append({"alias": alias, "state": state, "seconds": seconds, "detail": detail})
    return {"ok": all(a["state"] != "error" for a in report), "aliases": report}


def warm_embedder() -> dict[str, Any]:
    """``warm_models`` for the "embed" alias only (index rebuilds, training)."""
    return warm_models(["embed"])


def warm_generator() -> dict[str, Any]:
    """``warm_models`` for the "generate" alias only (copy jobs)."""
    return warm_models(["generate"])


def _exercise(backend: object) -> None:
    """One call of each kind the backend serves, in both shop languages."""
    if hasattr(backend, "encode"):
        backend.encode(list(WARM_TEXTS), kind="query")
        backend.encode(list(WARM_TEXTS), kind="document")
    if hasattr(backend, "generate_batch"):
        # Numbers and a banned phrase build the vocabulary tables grounded decoding uses.
        backend.generate_batch(
            list(WARM_TEXTS),
            max_new_tokens=2,
            temperature=0,
            avoid=[["cotton"], ["棉"]],
            numbers=[["42"], ["42"]],
        )
    if hasattr(backend, "stream"):
        # Copying from given words (the chat's answers) needs a table of structural tokens.
        "".join(backend.stream(WARM_TEXTS[0], max_new_tokens=2, temperature=0, copy_from="42"))
