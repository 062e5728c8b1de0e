"""The real prepared models (``manage.py llm_prepare``). Slow: deselect with -m "not slow".

They skip when the prepared folders are missing, unless REQUIRE_REAL_MODELS=1 (then they fail).
"""

import copy

import numpy as np
import pytest

from config.settings import base as base_settings
from llm_services import llm
from llm_services.conf import model_dir
from tests.utils import skip_unless_available

pytestmark = pytest.mark.slow

# The served configuration exactly as the base settings define it (int8 Gemma, bf16 e5), so
# CI checks what the shop runs, not a float32 stand-in.
REAL_MODELS = {
    alias: copy.deepcopy(base_settings.LLM_MODELS[alias]) for alias in ("embed", "generate")
}


def use_prepared(test_settings, alias):
    folder = REAL_MODELS[alias]["MODEL"].removeprefix("prepared:")
    prepared = (model_dir() / folder / "manifest.json").is_file()
    skip_unless_available(
        prepared,
        reason=f"{folder} is not prepared (run `manage.py llm_prepare`)",
        required_by="REQUIRE_REAL_MODELS",
    )
    test_settings.LLM_MODELS = {**test_settings.LLM_MODELS, alias: REAL_MODELS[alias]}
    return llm[alias]


def test_e5_matches_english_queries_to_chinese_products(settings):
    """The multilingual embedder ranks the Chinese running shoes above Chinese earphones."""
    embedder = use_prepared(settings, "embed")

    query = embedder.encode(["running shoes"], kind="query")[0]
    shoes, earphones = embedder.encode(["跑步鞋 轻便透气", "蓝牙耳机 无线降噪"], kind="document")

    assert embedder.dim == 384
    assert float(np.dot(query, shoes)) > float(np.dot(query, earphones))


def test_gemma_generates_text(settings):
    """The prepared Gemma continues a prompt with non-empty text and exact accounting."""
    generator = use_prepared(settings, "generate")

    generation = generator.generate("The capital of France is", max_new_tokens=8, temperature=0)

    assert generation.text.strip() != ""
    assert 1 <= generation.completion_tokens <= 8
    assert generation.prompt_tokens > 1
