"""Whether each alias can serve, without loading any model (cheap enough for a health check)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from django.utils.module_loading import import_string

from llm_services.conf import get_model_settings, normalise_config, resolve_model_path
from llm_services.exceptions import LLMUnavailable
from llm_services.handler import llm

State = Literal["loaded", "ready", "remote", "missing", "error", "disabled"]
# States in which a feature using the alias works; anything else means it runs degraded.
SERVING_STATES = frozenset({"loaded", "ready", "remote"})


@dataclass(frozen=True)
class AliasHealth:
    alias: str
    state: State
    detail: str = ""

    @property
    def serving(self) -> bool:
        return self.state in SERVING_STATES

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "serving": self.serving}


def alias_health() -> list[AliasHealth]:
    loaded = {getattr(b, "alias", None) for b in llm.all(initialized_only=True)}
    report = []
    for alias, raw in get_model_settings().items():
        if raw is None:
            report.append(AliasHealth(alias, "disabled", "switched off in LLM_MODELS"))
            continue
        if alias in llm.failures:
            report.append(AliasHealth(alias, "error", llm.failures[alias]))
            continue
        if alias in loaded:
            report.append(AliasHealth(alias, "loaded"))
            continue
        config = normalise_config(raw)
        try:
            backend_class = import_string(config["BACKEND"])
        except ImportError as exc:
            report.append(AliasHealth(alias, "error", f"backend not importable: {exc}"))
            continue
        if not getattr(backend_class, "is_local", False):
            base_url = config["OPTIONS"].get("BASE_URL", "")
            report.append(AliasHealth(alias, "remote", f"{base_url} (not probed)"))
            continue
        try:
            resolve_model_path(config["MODEL"], alias=alias)
        except LLMUnavailable as exc:
            report.append(AliasHealth(alias, "missing", str(exc)))
            continue
        report.append(AliasHealth(alias, "ready", "prepared; loads on first use"))
    return report
