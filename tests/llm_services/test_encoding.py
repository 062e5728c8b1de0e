"""encode.c's attention, layer norm and gelu, and ``llm_services.encoding`` against
sentence-transformers (a random XLM-RoBERTa built here, and the real all-MiniLM-L6-v2)."""

import copy

import numpy as np
import pytest
import torch
from sentence_transformers import SentenceTransformer
from torch.nn import functional as F

from llm_services import LLMUnavailable
from llm_services.encoding import LeanEncoder, unsupported_reason
from llm_services.kernels import FLAGS, NativeKernels, compile_flags, native_kernels
from tests.llm_services.tiny_models import build_tiny_xlmr

TEXTS = [
    "a",
    "running shoes",
    "passage: trail and road, light and breathable running shoes for everyone",
    "跑步鞋 轻便透气",
    "ceramic coffee mug, 350 ml, dishwasher safe, keeps drinks warm for an hour",
]


def reference_attention(qkv, starts, heads):
    """torch's attention of each packed sequence on its own, in float32."""
    out = []
    for a, b in zip(starts[:-1].tolist(), starts[1:].tolist(), strict=True):
        n = b - a
        q, k, v = qkv[a:b].float().view(n, 3, heads, -1).permute(1, 2, 0, 3)
        out.append(F.scaled_dot_product_attention(q, k, v).transpose(0, 1).reshape(n, -1))
    return torch.cat(out)


# 48: a head of one two-vector step and one single step (AVX-512), or six single ones (AVX2).
@pytest.mark.parametrize("head_dim", [32, 48, 64])
@pytest.mark.parametrize("lengths", [[1], [5, 1, 17], [40, 3, 33, 8]])
def test_attention_is_torch_attention_within_each_sequence(kernels, head_dim, lengths):
    """Packed sequences attend only to themselves: float32 within 1e-5 of torch."""
    torch.manual_seed(len(lengths) + head_dim)
    heads = 3
    starts = F.pad(torch.tensor(lengths).cumsum(0), (1, 0))
    qkv = torch.randn(sum(lengths), 3 * heads * head_dim)

    out = kernels.attention(qkv, starts, heads, head_dim**-0.5)

    assert out.shape == (sum(lengths), heads * head_dim)
    torch.testing.assert_close(out, reference_attention(qkv, starts, heads), atol=1e-5, rtol=0)


def test_bfloat16_attention_rounds_the_float32_result(kernels):
    """bfloat16 in, float32 arithmetic, bfloat16 out: within one bfloat16 rounding."""
    torch.manual_seed(5)
    starts = torch.tensor([0, 7, 30])
    qkv = torch.randn(30, 3 * 2 * 32).to(torch.bfloat16)

    out = kernels.attention(qkv, starts, 2, 32**-0.5)

    assert out.dtype == torch.bfloat16
    expected = reference_attention(qkv, starts, 2)
    torch.testing.assert_close(out.float(), expected, atol=0, rtol=2**-8)


def test_attention_refuses_offsets_that_do_not_cover_the_tokens(kernels):
    qkv = torch.randn(10, 3 * 2 * 32)

    with pytest.raises(ValueError, match="offsets"):
        kernels.attention(qkv, torch.tensor([0, 4, 9]), 2, 0.1)
    with pytest.raises(ValueError, match="offsets"):
        kernels.attention(qkv, torch.tensor([0, 4, 10], dtype=torch.int32), 2, 0.1)
    with pytest.raises(ValueError, match="refused"):
        kernels.attention(torch.randn(10, 3 * 2 * 8), torch.tensor([0, 10]), 2, 0.1)


@pytest.mark.parametrize("with_residual", [True, False])
@pytest.mark.parametrize("n", [384, 100])
def test_add_layer_norm_is_torch_layer_norm_of_the_sum(kernels, with_residual, n):
    torch.manual_seed(n)
    x, h = torch.randn(9, n) * 3 + 1, torch.randn(9, n)
    weight, bias = torch.randn(n), torch.randn(n)
    expected = F.layer_norm(x + h if with_residual else x, (n,), weight, bias, 1e-12)

    result = kernels.add_layer_norm(x, h if with_residual else None, weight, bias, 1e-12)

    assert result is x
    torch.testing.assert_close(x, expected, atol=2e-5, rtol=0)


def test_add_layer_norm_checks_its_operands(kernels):
    x = torch.randn(4, 16)
    with pytest.raises(ValueError, match="differ"):
        kernels.add_layer_norm(x, torch.randn(4, 8), torch.ones(16), torch.zeros(16), 1e-5)
    with pytest.raises(ValueError, match="float32 vectors"):
        kernels.add_layer_norm(x, None, torch.ones(16).double(), torch.zeros(16), 1e-5)
    with pytest.raises(ValueError, match="contiguous float32 or bfloat16"):
        kernels.add_layer_norm(x.t(), None, torch.ones(4), torch.zeros(4), 1e-5)


def test_float32_gelu_is_the_erf_gelu(kernels):
    x = torch.linspace(-10, 10, 20001)
    expected = F.gelu(x.double()).float()

    result = kernels.gelu(x)

    assert result is x
    torch.testing.assert_close(x, expected, atol=5e-7, rtol=0)


def test_bfloat16_gelu_stays_within_bfloat16_rounding(kernels):
    """The coarse erf (5e-4) of the bfloat16 path: no further from the exact gelu than
    bfloat16 rounding takes torch's own bfloat16 gelu, plus 1e-3."""
    x = torch.linspace(-10, 10, 20001).to(torch.bfloat16)
    exact = F.gelu(x.double())
    torch_error = (F.gelu(x).double() - exact).abs()

    error = (kernels.gelu(x.clone()).double() - exact).abs()

    assert float(torch_error.max()) == pytest.approx(0.0078, abs=1e-4)
    assert float(error.max()) <= float(torch_error.max()) + 1e-3
    assert float(error[x.abs() <= 1].max()) <= 0.004


@pytest.mark.skipif(compile_flags() == FLAGS, reason="this CPU has no AVX-512: one build only")
def test_avx2_build_computes_the_same_attention(kernels, tmp_path, monkeypatch):
    """The 8-lane build (CPUs without AVX-512) sums in another order and estimates
    reciprocals to other bits before its Newton step: within 1e-6."""
    monkeypatch.setattr("llm_services.kernels.compile_flags", lambda: FLAGS)
    monkeypatch.setenv("LLM_KERNEL_DIR", str(tmp_path))
    avx2 = NativeKernels(2)
    torch.manual_seed(8)
    starts = torch.tensor([0, 3, 28, 29])
    qkv = torch.randn(29, 3 * 4 * 32)
    x, weight, bias = torch.randn(6, 40), torch.randn(40), torch.randn(40)

    torch.testing.assert_close(
        avx2.attention(qkv, starts, 4, 0.2),
        kernels.attention(qkv, starts, 4, 0.2),
        atol=1e-6,
        rtol=0,
    )
    torch.testing.assert_close(avx2.gelu(x.clone()), kernels.gelu(x.clone()), atol=1e-6, rtol=0)
    torch.testing.assert_close(
        avx2.add_layer_norm(x.clone(), None, weight, bias, 1e-6),
        kernels.add_layer_norm(x.clone(), None, weight, bias, 1e-6),
        atol=1e-6,
        rtol=0,
    )


@pytest.fixture(scope="module")
def tiny_xlmr(tmp_path_factory):
    """A random 2-layer XLM-RoBERTa (heads of 16) with e5's modules (mean pooling)."""
    folder = build_tiny_xlmr(tmp_path_factory.mktemp("tiny-xlmr"))
    return SentenceTransformer(str(folder), device="cpu", local_files_only=True)


def lean_and_reference(model, kernels, texts):
    features = model.preprocess(texts)
    lean = LeanEncoder(model, kernels)(features["input_ids"], features["attention_mask"])
    reference = model.encode(texts, batch_size=len(texts), convert_to_tensor=True)
    return F.normalize(lean, dim=-1), F.normalize(reference.float(), dim=-1)


def test_lean_encoder_is_sentence_transformers_on_xlm_roberta(tiny_xlmr, kernels):
    """Positions from padding_idx + 1, padding packed away, mean pooling: float32 within 2e-6."""
    assert unsupported_reason(tiny_xlmr) is None

    lean, reference = lean_and_reference(tiny_xlmr, kernels, TEXTS)

    torch.testing.assert_close(lean, reference, atol=2e-6, rtol=0)


def test_lean_encoder_in_bfloat16_keeps_the_vectors(tiny_xlmr, kernels):
    model = copy.deepcopy(tiny_xlmr).to(torch.bfloat16)

    lean, reference = lean_and_reference(model, kernels, TEXTS)
    exact = tiny_xlmr.encode(TEXTS, convert_to_tensor=True)

    assert lean.dtype == torch.float32
    assert float((lean * exact).sum(dim=1).min()) > 0.9999
    assert float((lean * reference).sum(dim=1).min()) > 0.9999


def test_lean_encoder_is_sentence_transformers_on_minilm(embedder, kernels):
    """The real all-MiniLM-L6-v2 (BERT, positions from 0)."""
    lean, reference = lean_and_reference(embedder.model, kernels, TEXTS)

    torch.testing.assert_close(lean, reference, atol=2e-6, rtol=0)


def test_models_the_lean_encoder_cannot_run_are_named(tiny_xlmr):
    other_pooling = copy.deepcopy(tiny_xlmr)
    other_pooling[1].pooling_mode = "max"
    left_padded = copy.deepcopy(tiny_xlmr)
    left_padded.tokenizer.padding_side = "left"
    other_activation = copy.deepcopy(tiny_xlmr)
    other_activation[0].auto_model.config.hidden_act = "relu"

    assert unsupported_reason(other_pooling) == "pooling 'max'"
    assert unsupported_reason(left_padded) == "left padding"
    assert unsupported_reason(other_activation) == "activation 'relu'"
    assert unsupported_reason(SentenceTransformer(modules=[tiny_xlmr[0]])) == (
        "modules ['Transformer']"
    )
    with pytest.raises(ValueError, match="pooling 'max'"):
        LeanEncoder(other_pooling, None)


def test_embedder_serves_from_the_lean_encoder_unless_told_not_to(settings, embedder):
    """The MiniLM alias runs on llm_services.encoding; OPTIONS encoder picks
    sentence-transformers, whose vectors it matches; a wrong value is refused."""
    from llm_services.backends.local_embed import SentenceTransformerEmbedder

    config = settings.LLM_MODELS["embed"]
    plain = SentenceTransformerEmbedder(
        alias="embed",
        model=config["MODEL"],
        revision=config.get("REVISION", ""),
        options={**config.get("OPTIONS", {}), "encoder": "sentence-transformers"},
    )

    assert embedder.runtime.startswith("llm_services.encoding (packed; products ")
    assert plain.runtime.startswith("sentence-transformers, float32, batch ")
    np.testing.assert_allclose(
        embedder.encode(TEXTS, kind="document"), plain.encode(TEXTS, kind="document"), atol=2e-6
    )
    with pytest.raises(LLMUnavailable, match="encoder 'onnx' is not one of"):
        SentenceTransformerEmbedder(
            alias="embed",
            model=config["MODEL"],
            revision="",
            options={**config.get("OPTIONS", {}), "encoder": "onnx"},
        )


def test_without_native_kernels_sentence_transformers_serves_and_says_so(
    settings, monkeypatch, caplog
):
    from llm_services.backends.local_embed import SentenceTransformerEmbedder
    from llm_services.kernels import KernelUnavailable

    def unavailable(threads):
        raise KernelUnavailable("no C compiler (cc or gcc) on PATH to build decode.c")

    monkeypatch.setattr("llm_services.kernels.native_kernels", unavailable)
    config = settings.LLM_MODELS["embed"]

    embedder = SentenceTransformerEmbedder(
        alias="embed", model=config["MODEL"], revision="", options=config.get("OPTIONS", {})
    )

    assert embedder.lean is None
    assert embedder.runtime.startswith(
        "sentence-transformers (native kernels unavailable: no C compiler (cc or gcc) on PATH "
        "to build decode.c), float32, batch 32"
    )
    assert "native encoder kernels unavailable" in caplog.text
    assert embedder.encode(["running shoes"]).shape == (1, 384)


def _attention_in_child(inherited_kernels, queue):
    import llm_services.kernels

    forgotten = llm_services.kernels._instance is None
    qkv = torch.ones(20, 3 * 2 * 32)
    out = inherited_kernels.attention(qkv, torch.tensor([0, 20]), 2, 0.1)
    fresh = native_kernels(2)
    queue.put((forgotten, float(out.sum()), fresh.threads))


def test_a_forked_child_computes_instead_of_waiting_for_the_parents_threads(kernels):
    """Helper threads do not survive fork: the inherited kernels run single-threaded in the
    child and the next native_kernels() starts the child's own helpers."""
    import multiprocessing

    context = multiprocessing.get_context("fork")  # the arguments are inherited, not pickled
    queue = context.Queue()
    child = context.Process(target=_attention_in_child, args=(kernels, queue))
    child.start()
    child.join(timeout=60)
    if child.is_alive():  # the hang this test is about: do not leave it behind
        child.kill()

    assert child.exitcode == 0
    assert queue.get(timeout=5) == (True, 20 * 2 * 32, 2)


def _first_tasks_of_fresh_pools(library, folder, pools, done):
    import os
    import shutil
    from pathlib import Path

    # One core: a new helper thread first runs only after its starter has handed out the
    # first task (and spun on it), the order in which a busy machine hung forever.
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    for number in range(pools):
        copy_dir = Path(folder) / f"pool{number}"
        copy_dir.mkdir()
        shutil.copy(library, copy_dir / Path(library).name)
        os.environ["LLM_KERNEL_DIR"] = str(copy_dir)
        NativeKernels(2).attention(torch.ones(20, 3 * 2 * 32), torch.tensor([0, 20]), 2, 0.1)
    done.put(pools)


def test_a_fresh_pool_runs_its_first_task_even_if_its_helper_starts_late(kernels, tmp_path):
    """Each copy of the library is a pool of its own, started and used at once."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    done = context.Queue()
    child = context.Process(
        target=_first_tasks_of_fresh_pools, args=(str(kernels.path), str(tmp_path), 10, done)
    )
    child.start()
    child.join(timeout=120)
    if child.is_alive():  # the hang this test is about: do not leave it behind
        child.kill()

    assert child.exitcode == 0
    assert done.get(timeout=5) == 10
