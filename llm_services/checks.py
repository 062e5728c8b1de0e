"""System checks for LLM_MODELS (``manage.py check``; run before runserver and migrate).

They import backend classes, which is cheap (no torch), and never load a model.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from llm_services.conf import (
    MANIFEST_NAME,
    PACKAGE_PREFIX,
    PREPARED_PREFIX,
    SETTING_NAME,
    get_model_settings,
    resolve_model_path,
)
from llm_services.cpu import isa_cap
from llm_services.exceptions import LLMUnavailable

TAG = "llm_services"


def is_test_settings() -> bool:
    """True under a settings module named test/tests (config.settings.test)."""
    # override_settings hides SETTINGS_MODULE (None); the environment still names the module.
    module = (
        getattr(settings, "SETTINGS_MODULE", None) or os.environ.get("DJANGO_SETTINGS_MODULE") or ""
    )
    return module.rsplit(".", 1)[-1].startswith("test")


@checks.register(TAG)
def check_llm_models(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    raw = getattr(settings, SETTING_NAME, {})
    if not isinstance(raw, dict):
        return [
            checks.Error(
                f"{SETTING_NAME} must be a dict of alias -> config.", id="llm_services.E001"
            )
        ]
    messages: list[checks.CheckMessage] = []
    for alias, config in get_model_settings().items():
        if config is not None:
            messages += _check_alias(alias, config)
    return messages


def _check_alias(alias: str, config: Any) -> list[checks.CheckMessage]:
    where = f"{SETTING_NAME}[{alias!r}]"
    if not isinstance(config, dict):
        return [checks.Error(f"{where} must be a dict or None.", id="llm_services.E001")]
    if not config.get("BACKEND"):
        return [checks.Error(f"{where} has no BACKEND.", id="llm_services.E002")]
    try:
        backend = import_string(config["BACKEND"])
    except ImportError as exc:
        return [
            checks.Error(
                f"{where}['BACKEND'] {config['BACKEND']!r} cannot be imported: {exc}",
                id="llm_services.E003",
            )
        ]
    messages: list[checks.CheckMessage] = []
    options = config.get("OPTIONS") or {}
    model = str(config.get("MODEL") or "")
    if options.get("trust_remote_code"):
        messages.append(
            checks.Error(
                f"{where}['OPTIONS']['trust_remote_code'] is true.",
                hint="Remote code is never run: remove the option.",
                id="llm_services.E005",
            )
        )
    if getattr(backend, "is_local", False):
        if not config.get("REVISION"):
            messages.append(
                checks.Error(
                    f"{where} is a local model without a REVISION.",
                    hint="Pin it, e.g. to the weight package's version: it is stored with "
                    "every vector and generated text.",
                    id="llm_services.E004",
                )
            )
        local_forms = (PREPARED_PREFIX, PACKAGE_PREFIX)
        if not model.startswith(local_forms) and not Path(model).is_absolute():
            messages.append(
                checks.Error(
                    f"{where}['MODEL'] {model!r} is not a local model.",
                    hint="Use 'prepared:<folder>', 'package:<module>' or an absolute path.",
                    id="llm_services.E006",
                )
            )
        else:
            try:
                path = resolve_model_path(model, alias=alias)
            except LLMUnavailable as exc:
                messages.append(checks.Warning(str(exc), id="llm_services.W002"))
            else:
                messages += _check_manifest_revision(where, path, str(config.get("REVISION") or ""))
    elif _is_http_backend(backend) and not options.get("BASE_URL"):
        messages.append(
            checks.Error(f"{where}['OPTIONS'] has no BASE_URL.", id="llm_services.E007")
        )
    if getattr(backend, "is_fake", False) and not is_test_settings():
        messages.append(
            checks.Warning(
                f"{where} uses the fake backend {config['BACKEND']!r} outside tests.",
                hint="Fake backends return meaningless vectors and text; point the alias at a "
                "real model.",
                id="llm_services.W001",
            )
        )
    return messages


def _check_manifest_revision(where: str, path: Path, revision: str) -> list[checks.CheckMessage]:
    """A prepared folder's manifest names its source package; REVISION must say the same."""
    try:
        source = json.loads((path / MANIFEST_NAME).read_text()).get("source") or {}
        built_from = f"{source['package']}=={source['version']}"
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []  # not a prepared folder, or a manifest without a source
    if not revision or revision == built_from:
        return []
    return [
        checks.Warning(
            f"{where}['REVISION'] is {revision!r} but {path} was built from {built_from}.",
            hint="Update REVISION, or rerun `python manage.py llm_prepare` for the pinned "
            "package: the revision is stored with every vector and generated text.",
            id="llm_services.W003",
        )
    ]


def _is_http_backend(backend: Any) -> bool:
    from llm_services.backends.openai_compat import OpenAICompatBackend

    return isinstance(backend, type) and issubclass(backend, OpenAICompatBackend)


@checks.register(TAG)
def check_kernel_isa(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A misspelt LLM_KERNEL_ISA would otherwise surface only when a model loads."""
    try:
        isa_cap()
    except ValueError as exc:
        return [checks.Error(str(exc), id="llm_services.E008")]
    return []
