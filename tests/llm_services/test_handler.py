import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from llm_services import (
    ContentRejected,
    LLMBadRequest,
    LLMError,
    LLMTimeout,
    LLMUnavailable,
    ModelHandler,
    UnknownAlias,
    llm,
)
from llm_services.backends.fake import FakeEmbedder, FakeGenerator

FAKE_EMBEDDER = "llm_services.backends.fake.FakeEmbedder"
FAKE_GENERATOR = "llm_services.backends.fake.FakeGenerator"
REPO_ROOT = Path(__file__).resolve().parents[2]


class SlowCountingEmbedder(FakeEmbedder):
    """A backend whose construction is slow, to widen the race between first accesses."""

    built = 0
    lock = threading.Lock()

    def __init__(self, **kwargs):
        time.sleep(0.05)
        with SlowCountingEmbedder.lock:
            SlowCountingEmbedder.built += 1
        super().__init__(**kwargs)


class ClosingEmbedder(FakeEmbedder):
    closed: list[str] = []

    def close(self):
        ClosingEmbedder.closed.append(self.alias)


def fake_settings(**aliases):
    return {
        alias: {"BACKEND": backend, "OPTIONS": {"dim": 8}} for alias, backend in aliases.items()
    }


def test_nothing_is_built_before_first_access():
    """A fresh handler has no backends until an alias is used; then it has exactly that one."""
    handler = ModelHandler(fake_settings(embed=FAKE_EMBEDDER, generate=FAKE_GENERATOR))

    assert handler.all(initialized_only=True) == []
    embedder = handler["embed"]

    assert isinstance(embedder, FakeEmbedder)
    assert handler.all(initialized_only=True) == [embedder]
    assert handler["embed"] is embedder


def test_all_builds_every_configured_alias_in_order():
    """all() without initialized_only builds every alias, skipping aliases set to None."""
    settings = {**fake_settings(embed=FAKE_EMBEDDER, generate=FAKE_GENERATOR), "off": None}
    handler = ModelHandler(settings)

    backends = handler.all()

    assert [type(b) for b in backends] == [FakeEmbedder, FakeGenerator]
    assert [b.alias for b in backends] == ["embed", "generate"]
    assert list(handler) == ["embed", "generate"]
    assert "off" not in handler
    assert "embed" in handler


def test_concurrent_first_access_builds_one_instance():
    """Eight threads asking for a cold alias at once all get the same, single instance."""
    SlowCountingEmbedder.built = 0
    handler = ModelHandler(fake_settings(embed=f"{__name__}.SlowCountingEmbedder"))
    barrier = threading.Barrier(8)
    seen = []

    def access():
        barrier.wait()
        seen.append(handler["embed"])

    threads = [threading.Thread(target=access) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert SlowCountingEmbedder.built == 1
    assert len(seen) == 8
    assert all(backend is seen[0] for backend in seen)


def test_unknown_alias_names_the_configured_ones():
    """An unknown alias raises UnknownAlias (a KeyError) listing the configured aliases."""
    handler = ModelHandler(fake_settings(embed=FAKE_EMBEDDER, generate=FAKE_GENERATOR))

    with pytest.raises(UnknownAlias) as caught:
        handler["rerank"]

    assert isinstance(caught.value, KeyError)
    assert str(caught.value) == (
        "Unknown LLM model alias 'rerank'. Configured aliases: 'embed', 'generate'."
    )
    assert handler.all(initialized_only=True) == []


def test_alias_set_to_none_is_reported_as_disabled():
    """An alias configured as None is switched off, and the error says so."""
    handler = ModelHandler({**fake_settings(embed=FAKE_EMBEDDER), "generate": None})

    with pytest.raises(UnknownAlias) as caught:
        handler["generate"]

    assert str(caught.value) == (
        "LLM model alias 'generate' is disabled (LLM_MODELS['generate'] is None). "
        "Configured aliases: 'embed'."
    )


def test_unimportable_backend_is_improperly_configured():
    """A BACKEND that cannot be imported fails with the alias and dotted path in the message."""
    handler = ModelHandler({"embed": {"BACKEND": "llm_services.backends.nope.Missing"}})

    with pytest.raises(ImproperlyConfigured, match=r"LLM_MODELS\['embed'\]\['BACKEND'\]"):
        handler["embed"]
    assert handler.all(initialized_only=True) == []


def test_close_all_closes_and_forgets_every_backend():
    """close_all() calls close() on each built backend; the next access builds a new one."""
    ClosingEmbedder.closed = []
    handler = ModelHandler(fake_settings(a=f"{__name__}.ClosingEmbedder", b=FAKE_EMBEDDER))
    first = handler["a"]

    handler.close_all()

    assert ClosingEmbedder.closed == ["a"]
    assert handler.all(initialized_only=True) == []
    assert handler["a"] is not first


def test_setting_override_rebuilds_only_changed_aliases(settings):
    """Changing LLM_MODELS rebuilds the aliases whose configuration changed, and only those."""
    settings.LLM_MODELS = {**settings.LLM_MODELS, **fake_settings(a=FAKE_EMBEDDER, b=FAKE_EMBEDDER)}
    a, b = llm["a"], llm["b"]
    assert b.dim == 8

    settings.LLM_MODELS = {
        **settings.LLM_MODELS,
        "b": {"BACKEND": FAKE_EMBEDDER, "OPTIONS": {"dim": 16}},
    }

    assert llm["a"] is a
    assert llm["b"] is not b
    assert llm["b"].dim == 16


def test_setting_override_removing_an_alias_forgets_it(settings):
    """An alias removed from LLM_MODELS is closed and becomes unknown."""
    settings.LLM_MODELS = {**settings.LLM_MODELS, **fake_settings(extra=FAKE_EMBEDDER)}
    extra = llm["extra"]
    assert extra in llm.all(initialized_only=True)

    settings.LLM_MODELS = {k: v for k, v in settings.LLM_MODELS.items() if k != "extra"}

    assert extra not in llm.all(initialized_only=True)
    with pytest.raises(UnknownAlias):
        llm["extra"]


def test_model_dir_change_rebuilds_only_prepared_models(settings, tmp_path):
    """LLM_MODEL_DIR moves prepared:<folder> models only; other backends stay loaded."""
    settings.LLM_MODELS = {
        **settings.LLM_MODELS,
        "prepared": {"BACKEND": FAKE_EMBEDDER, "MODEL": "prepared:folder"},
        "remote": {"BACKEND": FAKE_EMBEDDER, "MODEL": "remote-model"},
    }
    prepared, remote = llm["prepared"], llm["remote"]

    settings.LLM_MODEL_DIR = tmp_path

    assert llm["remote"] is remote
    assert llm["prepared"] is not prepared


def test_exceptions_split_into_retryable_and_terminal():
    """Callers can decide to retry from the class alone."""
    assert [cls.retryable for cls in (LLMUnavailable, LLMTimeout)] == [True, True]
    assert [cls.retryable for cls in (LLMBadRequest, ContentRejected)] == [False, False]
    assert all(
        issubclass(cls, LLMError)
        for cls in (LLMUnavailable, LLMTimeout, LLMBadRequest, ContentRejected, UnknownAlias)
    )


LAZINESS_SCRIPT = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
import django
django.setup()
import llm_services
from llm_services import llm
from django.core import checks
errors = checks.run_checks()
heavy = sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules)
ours = [e.id for e in errors if e.id.startswith("llm_services")]
print(heavy, llm.all(initialized_only=True), ours)
"""


def test_import_setup_and_checks_load_no_model_code():
    """django.setup(), importing llm_services and the system checks import neither torch nor
    transformers, and build no backend (so migrate and manage.py check stay cheap)."""
    result = subprocess.run(  # noqa: S603 - fixed interpreter and script
        [sys.executable, "-c", LAZINESS_SCRIPT],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[] [] []"
