"""A stand-in for ``translation.engine`` in the workflow's tests: ``translate_texts`` answers
from a table (else "[target] source"), records its calls, can answer degraded or flagged, and
writes the engine's cache rows (``TranslatedText``) the way the engine does, so provenance is
read from them."""

from __future__ import annotations

import hashlib
import sys
import types
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest


@dataclass(frozen=True)
class Translation:
    source_text: str
    text: str
    checks: list[dict]
    is_flagged: bool
    cached: bool
    degraded: str = ""


@dataclass
class FakeEngine:
    table: dict[str, str] = field(default_factory=dict)
    degraded: str = ""
    # Source texts answered flagged, with a protected-term error check.
    flagged: set[str] = field(default_factory=set)
    calls: list[dict[str, Any]] = field(default_factory=list)
    write_cache: bool = True

    def translate_texts(
        self,
        texts: Sequence[str],
        *,
        source: str,
        target: str,
        kind: str = "text",
        interactive: bool = False,
    ) -> list[Translation]:
        from translation.models import TranslatedText

        self.calls.append(
            {
                "texts": list(texts),
                "source": source,
                "target": target,
                "kind": kind,
                "interactive": interactive,
            }
        )
        if self.degraded:
            # As the engine: a degraded result has no text, never the source posing as one.
            return [Translation(t, "", [], False, False, self.degraded) for t in texts]
        answers = []
        for text in texts:
            translated = self.table.get(text, f"[{target}] {text}")
            checks = (
                [{"name": "protected_terms", "severity": "error", "detail": "missing: X-100"}]
                if text in self.flagged
                else []
            )
            key = hashlib.sha256(f"{source}|{target}|{text}".encode()).hexdigest()
            cached = TranslatedText.objects.filter(source_hash=key).exists()
            if self.write_cache and not cached:
                TranslatedText.objects.create(
                    source_hash=key,
                    source_language=source,
                    target_language=target,
                    source_text=text,
                    text=translated,
                    prompt_version="translate-v1",
                    model_alias="generate",
                    model_revision="gemma-3-270m@int8",
                    checks=checks,
                    is_flagged=bool(checks),
                )
            answers.append(Translation(text, translated, checks, bool(checks), cached))
        return answers


@pytest.fixture(name="fake_engine")
def fake_engine_fixture(monkeypatch: pytest.MonkeyPatch) -> FakeEngine:
    """``translation.engine`` replaced by a :class:`FakeEngine` for the test."""
    engine = FakeEngine()
    module = types.ModuleType("translation.engine")
    module.Translation = Translation  # type: ignore[attr-defined]
    module.translate_texts = engine.translate_texts  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "translation.engine", module)
    return engine
