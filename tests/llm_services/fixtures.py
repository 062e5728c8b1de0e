"""Fixtures for tests that need real (small) models behind the `llm` handler.

Other apps' tests can use them too once the root conftest lists this module in
``pytest_plugins``; tests/llm_services/conftest.py imports them for this directory.

- ``embedder``: the "embed" alias of the test settings (all-MiniLM-L6-v2, loaded once per
  process and kept across setting overrides that leave "embed" unchanged).
- ``tiny_generator``: points the "generate" alias at a tiny random Llama built once per session,
  and returns the backend. Greedy output is deterministic nonsense in printable ASCII.
- ``tiny_chat_generator``: the same model with a chat template in its tokenizer.
- ``kernels``: the process's native kernels (``llm_services.kernels``) on 2 threads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.llm_services.tiny_models import CHAT_TEMPLATE, build_tiny_causal_lm, build_tiny_gemma3

GENERATOR_BACKEND = "llm_services.backends.local_generate.CausalLMGenerator"
TINY_REVISION = "tiny-random-llama-seed0"


@pytest.fixture(scope="session")
def tiny_causal_lm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_causal_lm(tmp_path_factory.mktemp("models") / "tiny-causal-lm")


@pytest.fixture(scope="session")
def tiny_gemma3_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_gemma3(tmp_path_factory.mktemp("models") / "tiny-gemma3")


@pytest.fixture(scope="session")
def tiny_chat_lm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_causal_lm(
        tmp_path_factory.mktemp("models") / "tiny-chat-lm", chat_template=CHAT_TEMPLATE
    )


@pytest.fixture
def use_generator(settings: Any) -> Callable[..., Any]:
    """Point "generate" at a model folder (with OPTIONS) and return the built backend."""
    from llm_services import llm

    def use(path: Path, **options: Any) -> Any:
        settings.LLM_MODELS = {
            **settings.LLM_MODELS,
            "generate": {
                "BACKEND": GENERATOR_BACKEND,
                "MODEL": str(path),
                "REVISION": TINY_REVISION,
                "OPTIONS": options,
            },
        }
        return llm["generate"]

    return use


@pytest.fixture
def tiny_generator(use_generator: Callable[..., Any], tiny_causal_lm_dir: Path) -> Any:
    return use_generator(tiny_causal_lm_dir)


@pytest.fixture
def tiny_chat_generator(use_generator: Callable[..., Any], tiny_chat_lm_dir: Path) -> Any:
    return use_generator(tiny_chat_lm_dir)


@pytest.fixture
def embedder() -> Any:
    from llm_services import llm

    return llm["embed"]


@pytest.fixture(scope="session")
def kernels() -> Any:
    from llm_services.kernels import native_kernels

    return native_kernels(2)
