import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from llm_services import LLMUnavailable, llm
from llm_services.cpu import describe as describe_cpu
from llm_services.metering import Meter, meter, published_snapshots

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_models(settings):
    settings.LLM_MODELS = {
        "embed": {"BACKEND": "llm_services.backends.fake.FakeEmbedder", "REVISION": "fake-1"},
        "generate": {"BACKEND": "llm_services.backends.fake.FakeGenerator", "REVISION": "fake-2"},
        "rerank": None,
    }
    meter.reset()
    yield
    llm.close_all()
    llm.failures.clear()
    meter.reset()


def test_meter_aggregates_calls_tokens_and_latency_percentiles():
    """Usage is summed per alias; p50/p95 come from the recent latencies; errors are counted."""
    local = Meter()
    for latency in [10.0, 20.0, 30.0, 40.0]:
        local.record("generate", revision="r1", items=1, prompt_tokens=5,
                     completion_tokens=7, latency_ms=latency)  # fmt: skip
    local.record("generate", error=True)

    summary = local.snapshot()["aliases"]["generate"]

    assert {k: summary[k] for k in ("calls", "errors", "items", "prompt_tokens",
                                    "completion_tokens", "revision", "p50_ms", "p95_ms")} == {
        "calls": 5, "errors": 1, "items": 4, "prompt_tokens": 20, "completion_tokens": 28,
        "revision": "r1", "p50_ms": 30.0, "p95_ms": 40.0,
    }  # fmt: skip


def test_every_generation_is_metered_without_a_database_write(
    fake_models, django_assert_num_queries
):
    """Generating records usage in memory and shares it through the cache, not the database."""
    with django_assert_num_queries(0):
        llm["generate"].generate("hello there", max_new_tokens=8)
        llm["generate"].generate("again", max_new_tokens=8)
    stats = meter.snapshot()["aliases"]["generate"]
    assert (stats["calls"], stats["revision"]) == (2, "fake-2")
    assert [s["aliases"]["generate"]["calls"] for s in published_snapshots()] == [1]


def test_healthz_ok_when_every_alias_can_serve(client, fake_models):
    response = client.get(reverse("healthz"))
    body = response.json()
    assert (response.status_code, body["status"]) == (200, "ok")
    assert [(m["alias"], m["state"]) for m in body["models"]] == [
        ("embed", "remote"),
        ("generate", "remote"),
        ("rerank", "disabled"),
    ]


def test_healthz_degraded_when_a_model_is_missing(client, settings, tmp_path):
    """An unprepared model folder is reported by name, with the command that fixes it."""
    settings.HEALTHZ_SHOW_DETAIL = True
    settings.LLM_MODEL_DIR = tmp_path
    settings.LLM_MODELS = {
        "generate": {
            "BACKEND": "llm_services.backends.local_generate.CausalLMGenerator",
            "MODEL": "prepared:nowhere",
            "REVISION": "x",
        }
    }
    body = client.get(reverse("healthz")).json()
    assert body["status"] == "degraded"
    assert body["models"][0]["state"] == "missing"
    assert "llm_prepare" in body["models"][0]["detail"]


def test_a_model_that_fails_to_load_is_reported_as_error(client, settings, tmp_path):
    """A typed LLMUnavailable from loading shows up in health until a load succeeds."""
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "manifest.json").write_text("{}")
    settings.LLM_MODEL_DIR = tmp_path
    settings.LLM_MODELS = {
        "generate": {
            "BACKEND": "llm_services.backends.local_generate.CausalLMGenerator",
            "MODEL": "prepared:broken",
            "REVISION": "x",
        }
    }
    try:
        with pytest.raises(LLMUnavailable):
            llm["generate"]
        body = client.get(reverse("healthz")).json()
        assert (body["status"], body["models"][0]["state"]) == ("degraded", "error")
        assert meter.snapshot()["aliases"]["generate"]["errors"] == 1
    finally:
        llm.failures.clear()
        meter.reset()


def test_llm_status_lists_aliases_state_and_usage(fake_models):
    llm["embed"].encode(["a", "b", "c"], kind="document")
    out = StringIO()
    call_command("llm_status", "--json", stdout=out)
    report = json.loads(out.getvalue())
    rows = {row["alias"]: row for row in report["aliases"]}
    assert report["cpu"] == describe_cpu()
    assert rows["embed"]["state"] == "loaded"
    assert rows["embed"]["usage"][0]["items"] == 3
    assert rows["rerank"]["state"] == "disabled"
    assert rows["generate"]["loaded_in"] == []


def test_llm_status_shows_how_a_loaded_model_computes(use_generator, tiny_gemma3_dir):
    """The runtime line: decoder and kernels of the process's loaded generator."""
    import torch

    from llm_services.backends.local import torch_dtype
    from llm_services.kernels import native_kernels

    use_generator(tiny_gemma3_dir, quantization="int8")
    kernels = native_kernels(1)  # the process's one instance, as the backend built it
    prefill = str(torch_dtype(torch, {}, key="prefill_dtype", default="auto"))[len("torch.") :]
    out = StringIO()
    call_command("llm_status", stdout=out)
    assert (
        "  runtime        llm_services.decoding (native layers); kernels: "
        f"decode.c ({kernels.isa}), {kernels.threads} threads; prefill {prefill}\n"
    ) in out.getvalue()
