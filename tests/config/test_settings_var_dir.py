"""VAR_DIR: one folder for what a deployment writes, shared by its web and worker processes."""

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from config.env import BASE_DIR

OVERRIDES = ("VAR_DIR", "DATABASE_URL", "MEDIA_ROOT", "LLM_MODEL_DIR", "SEARCH_INDEX_DIR")


def load_base_settings(monkeypatch: pytest.MonkeyPatch, **environ: str) -> ModuleType:
    """A fresh copy of config/settings/base.py read with exactly ``environ`` set."""
    for name in OVERRIDES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location(
        "base_settings_under_test", BASE_DIR / "config" / "settings" / "base.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def var_paths(module: ModuleType) -> dict[str, str]:
    return {
        "VAR_DIR": str(module.VAR_DIR),
        "database": module.DATABASES["default"]["NAME"],
        "STATIC_ROOT": str(module.STATIC_ROOT),
        "MEDIA_ROOT": str(module.MEDIA_ROOT),
        "LLM_MODEL_DIR": str(module.LLM_MODEL_DIR),
        "SEARCH_INDEX_DIR": str(module.SEARCH_INDEX_DIR),
    }


def test_var_dir_defaults_to_the_repository_var_folder(monkeypatch):
    settings = load_base_settings(monkeypatch)

    var = str(BASE_DIR / "var")
    assert var_paths(settings) == {
        "VAR_DIR": var,
        "database": f"{var}/db.sqlite3",
        "STATIC_ROOT": f"{var}/static",
        "MEDIA_ROOT": f"{var}/media",
        "LLM_MODEL_DIR": f"{var}/models",
        "SEARCH_INDEX_DIR": f"{var}/search",
    }


def test_every_var_path_follows_the_var_dir_environment_variable(monkeypatch):
    settings = load_base_settings(monkeypatch, VAR_DIR="/srv/shop/var")

    assert isinstance(settings.VAR_DIR, Path)
    assert var_paths(settings) == {
        "VAR_DIR": "/srv/shop/var",
        "database": "/srv/shop/var/db.sqlite3",
        "STATIC_ROOT": "/srv/shop/var/static",
        "MEDIA_ROOT": "/srv/shop/var/media",
        "LLM_MODEL_DIR": "/srv/shop/var/models",
        "SEARCH_INDEX_DIR": "/srv/shop/var/search",
    }


def test_one_folder_can_still_live_elsewhere(monkeypatch):
    settings = load_base_settings(monkeypatch, VAR_DIR="/srv/shop/var", LLM_MODEL_DIR="/opt/models")

    assert var_paths(settings)["LLM_MODEL_DIR"] == "/opt/models"
    assert var_paths(settings)["SEARCH_INDEX_DIR"] == "/srv/shop/var/search"


def test_a_filesystem_broker_keeps_its_messages_under_var_dir(monkeypatch, tmp_path):
    """make demo's worker without Redis: kombu's file transport, one folder both ways, and no
    result backend (nothing reads task results; "filesystem://" is no backend URL)."""
    monkeypatch.delenv("CELERY_RESULT_BACKEND", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    settings = load_base_settings(
        monkeypatch, VAR_DIR=str(tmp_path), CELERY_BROKER_URL="filesystem://"
    )

    folder = str(tmp_path / "broker")
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS == {
        "data_folder_in": folder,
        "data_folder_out": folder,
        "control_folder": f"{folder}/control",
        "store_processed": False,
    }
    assert (settings.CELERY_RESULT_BACKEND, settings.CELERY_TASK_ALWAYS_EAGER) == (None, False)
    assert (tmp_path / "broker").is_dir()
    # The web server's and the workers' one cache: a catalog version for all of them.
    assert settings.CACHES["default"] == {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(tmp_path / "cache"),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
