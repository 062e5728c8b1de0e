import pytest

from llm_services import llm
from llm_services.metering import meter
from llm_services.warmup import warm_models


@pytest.fixture
def fresh_meter():
    meter.reset()
    yield meter
    meter.reset()
    llm.failures.clear()


def spy(monkeypatch, backend, name):
    calls = []
    method = getattr(backend, name)

    def record(texts, **kwargs):
        calls.append((list(texts), kwargs))
        return method(texts, **kwargs)

    monkeypatch.setattr(backend, name, record)
    return calls


def test_local_models_load_and_run_once_in_both_languages(
    monkeypatch, tiny_generator, embedder, fresh_meter
):
    encoded = spy(monkeypatch, embedder, "encode")
    generated = spy(monkeypatch, tiny_generator, "generate_batch")

    report = warm_models()

    assert report["ok"] is True
    assert [(a["alias"], a["state"]) for a in report["aliases"]] == [
        ("embed", "warm"),
        ("generate", "warm"),
    ]
    assert report["aliases"][0]["detail"] == embedder.runtime
    assert encoded == [
        (["running shoes", "跑步鞋"], {"kind": "query"}),
        (["running shoes", "跑步鞋"], {"kind": "document"}),
    ]
    # Numbers and a banned phrase: grounded decoding's tables are built now, not later.
    assert generated == [
        (
            ["running shoes", "跑步鞋"],
            {
                "max_new_tokens": 2,
                "temperature": 0,
                "avoid": [["cotton"], ["棉"]],
                "numbers": [["42"], ["42"]],
            },
        )
    ]


def test_a_model_that_cannot_load_is_reported_not_raised(settings, tmp_path, fresh_meter):
    settings.LLM_MODEL_DIR = tmp_path
    settings.LLM_MODELS = {
        "generate": {
            "BACKEND": "llm_services.backends.local_generate.CausalLMGenerator",
            "MODEL": "prepared:nowhere",
            "REVISION": "x",
        },
        "rerank": None,
    }

    report = warm_models()

    assert report["ok"] is False
    assert [(a["alias"], a["state"]) for a in report["aliases"]] == [("generate", "error")]
    assert "llm_prepare" in report["aliases"][0]["detail"]
    assert "generate" in llm.failures


def test_remote_models_are_not_called_at_start(settings, fresh_meter):
    settings.LLM_MODELS = {
        "embed": {
            "BACKEND": "llm_services.backends.openai_compat.OpenAICompatEmbedder",
            "MODEL": "text-embedding-3-small",
            "REVISION": "2024",
            "OPTIONS": {"BASE_URL": "http://127.0.0.1:9/v1"},
        }
    }

    report = warm_models()

    assert (report["ok"], report["aliases"][0]["state"], report["aliases"][0]["detail"]) == (
        True,
        "remote",
        "not called at start",
    )
    assert fresh_meter.snapshot()["aliases"] == {}
