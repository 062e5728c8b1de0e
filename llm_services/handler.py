"""``llm``: the process-wide registry of model backends, built lazily from LLM_MODELS.

The shape of django.utils.connection.BaseConnectionHandler, with one difference: one backend
instance per *process*, shared by every thread, because the weights are large.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from llm_services.conf import (
    PREPARED_PREFIX,
    SETTING_NAME,
    VERSIONS_SETTING,
    ActiveVersion,
    active_model_override,
    get_model_settings,
    invalidate_active_versions,
    normalise_config,
)
from llm_services.exceptions import LLMUnavailable, UnknownAlias
from llm_services.metering import meter
from llm_services.resilience import load_retry_seconds


class ModelHandler:
    """Lazy access to the configured model backends: ``llm["embed"].encode([...])``.

    Nothing is imported or loaded until an alias is first used; concurrent first uses of an
    alias build exactly one backend. While a fine-tuned ModelVersion of an alias is active, the
    alias serves that version's folder; activating or rolling back a version is picked up on
    the next access after the version check interval, without a restart.

    A model that fails to load is not loaded again on every access: for
    LLM_LOAD_RETRY_SECONDS (default 60) the alias answers the same LLMUnavailable from memory,
    so a missing or broken model costs a web request nothing but the error.
    """

    settings_name = SETTING_NAME

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        self._explicit_settings = settings
        self._settings: dict[str, Any] | None = None
        self._backends: dict[str, Any] = {}
        # alias -> the active version its backend was built with (None: the configured MODEL).
        self._versions: dict[str, ActiveVersion | None] = {}
        # Re-entrant: a backend's constructor may itself look up another alias.
        self._lock = threading.RLock()
        # alias -> why its model could not load in this process (for health and llm_status)
        self.failures: dict[str, str] = {}
        # alias -> (version tried, monotonic time of the next load attempt, the error)
        self._load_failures: dict[str, tuple[ActiveVersion | None, float, LLMUnavailable]] = {}
        self.clock = time.monotonic

    @property
    def settings(self) -> dict[str, Any]:
        if self._settings is None:
            source = self._explicit_settings
            self._settings = dict(source) if source is not None else get_model_settings()
        return self._settings

    @property
    def aliases(self) -> list[str]:
        """The configured aliases, without those set to None (features switched off)."""
        return [alias for alias, config in self.settings.items() if config is not None]

    def __contains__(self, alias: object) -> bool:
        return alias in self.aliases

    def __iter__(self) -> Iterator[str]:
        return iter(self.aliases)

    def __getitem__(self, alias: str) -> Any:
        version = self._active_version(alias)
        backend = self._backends.get(alias)
        if backend is not None and self._versions.get(alias) == version:
            return backend
        with self._lock:
            backend = self._backends.get(alias)
            if backend is None or self._versions.get(alias) != version:
                # The old backend is dropped, not closed: a request still using it finishes,
                # and its weights are freed with the last reference.
                failed = self._load_failures.get(alias)
                if failed is not None and failed[0] == version and self.clock() < failed[1]:
                    meter.record(alias, error=True)
                    raise LLMUnavailable(str(failed[2]))
                try:
                    backend = self.create_backend(alias, version=version)
                except LLMUnavailable as exc:
                    self.failures[alias] = str(exc)
                    self._load_failures[alias] = (version, self.clock() + load_retry_seconds(), exc)
                    meter.record(alias, error=True)
                    raise
                self.failures.pop(alias, None)
                self._load_failures.pop(alias, None)
                self._backends[alias] = backend
                self._versions[alias] = version
            return backend

    def _active_version(self, alias: str) -> ActiveVersion | None:
        """The active fine-tuned version to serve for ``alias`` (None: its configured MODEL)."""
        if self._explicit_settings is not None:
            return None  # a handler built from explicit settings serves exactly those
        raw = self.settings.get(alias)
        if not isinstance(raw, dict) or not raw.get("BACKEND"):
            return None
        return active_model_override(alias, normalise_config(raw))

    def create_backend(self, alias: str, *, version: ActiveVersion | None = None) -> Any:
        """Build the backend for ``alias`` from its settings (loads the model).

        With ``version`` (an active fine-tuned version of a local backend), the backend loads
        the version's folder and reports the version's revision.

        Raises:
            UnknownAlias: ``alias`` is not configured, or configured as None.
            ImproperlyConfigured: its BACKEND is missing or cannot be imported.
            LLMUnavailable: the model cannot be loaded.
        """
        settings = self.settings
        if settings.get(alias) is None:
            raise UnknownAlias(alias, self.aliases, disabled=alias in settings)
        raw = settings[alias]
        if not isinstance(raw, dict) or not raw.get("BACKEND"):
            raise ImproperlyConfigured(f"{SETTING_NAME}[{alias!r}] needs a BACKEND.")
        config = normalise_config(raw)
        try:
            backend_class = import_string(config["BACKEND"])
        except ImportError as exc:
            raise ImproperlyConfigured(
                f"Could not import {SETTING_NAME}[{alias!r}]['BACKEND'] "
                f"{config['BACKEND']!r}: {exc}"
            ) from exc
        model, revision = config["MODEL"], config["REVISION"]
        if version is not None and getattr(backend_class, "is_local", False):
            model, revision = version.model, version.revision
        return backend_class(alias=alias, model=model, revision=revision, options=config["OPTIONS"])

    def all(self, initialized_only: bool = False) -> list[Any]:
        """Every backend; with ``initialized_only`` only those already built (builds nothing)."""
        if initialized_only:
            with self._lock:
                return list(self._backends.values())
        return [self[alias] for alias in self.aliases]

    def close_all(self) -> None:
        """Close and forget every built backend; the next access builds a fresh one."""
        with self._lock:
            backends, self._backends = self._backends, {}
            self._versions.clear()
            self._load_failures.clear()
        for backend in backends.values():
            backend.close()

    def reset(self, *, keep_unchanged: bool = False) -> None:
        """Forget the settings and the built backends (after LLM_MODELS changes).

        With ``keep_unchanged``, a backend whose alias configuration is the same in the new
        settings survives: overriding one alias in a test does not reload the others.
        """
        with self._lock:
            old_settings = self._settings
            self._settings = None
            self._load_failures.clear()
            stale = list(self._backends)
            if keep_unchanged and old_settings is not None:
                try:
                    new_settings = self.settings
                except ImproperlyConfigured:
                    pass  # reported on the next access; nothing survives a broken setting
                else:
                    stale = [a for a in stale if new_settings.get(a) != old_settings.get(a)]
            backends = [self._backends.pop(alias) for alias in stale]
            for alias in stale:
                self._versions.pop(alias, None)
        for backend in backends:
            backend.close()

    def forget(self, aliases: Iterable[str]) -> None:
        """Close and drop the built backends of ``aliases``; they rebuild on next access."""
        with self._lock:
            aliases = list(aliases)
            for alias in aliases:
                self._load_failures.pop(alias, None)
            aliases = [alias for alias in aliases if alias in self._backends]
            backends = [self._backends.pop(alias) for alias in aliases]
            for alias in aliases:
                self._versions.pop(alias, None)
        for backend in backends:
            backend.close()


llm = ModelHandler()


@receiver(setting_changed)
def _reset_models(*, setting: str, **kwargs: Any) -> None:
    if setting in (VERSIONS_SETTING, "LLM_MODEL_DIR"):
        invalidate_active_versions()
    if setting == SETTING_NAME:
        llm.reset(keep_unchanged=True)
    elif setting == "LLM_MODEL_DIR":
        # Only prepared:<folder> models live under LLM_MODEL_DIR; the others stay loaded.
        try:
            configs = llm.settings
        except ImproperlyConfigured:
            llm.reset()
            return
        llm.forget(
            alias
            for alias, config in configs.items()
            if isinstance(config, dict) and str(config.get("MODEL", "")).startswith(PREPARED_PREFIX)
        )
