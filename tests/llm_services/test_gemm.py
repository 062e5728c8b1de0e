"""gemm.c's int8 x int16 products of many rows, the lean encoder on them, and the embedder's
``quantization`` option."""

import copy

import pytest
import torch
from torch.nn import functional as F

from llm_services import LLMUnavailable
from llm_services.encoding import LeanEncoder
from llm_services.kernels import PackedInt8
from llm_services.quantization import quantize_per_channel
from tests.llm_services.test_encoding import TEXTS, tiny_xlmr  # noqa: F401 - a fixture


def exact_product(x, weight, bias):
    """The integer arithmetic gemm.c promises, in float64: int8 weights per channel, each
    row rounded to int16 (|x| max -> 32767, ties to even)."""
    q, scale = quantize_per_channel(weight)
    # As decode.c rounds: multiplied by the float32 reciprocal of the step, ties to even.
    step = x.abs().amax(dim=1) / 32767
    xq = torch.round(x * (1.0 / step)[:, None])
    y = (xq.double() @ q.double().T) * step[:, None].double() * scale[None].double()
    return y if bias is None else y + bias.double()


# Rows: below, at and past a 5-row tile and a 50-row block; columns: one column pair, a
# flush of 512 columns and past it.
@pytest.mark.parametrize(
    ("rows", "n", "k"), [(1, 16, 2), (4, 32, 10), (5, 16, 64), (13, 48, 520), (103, 64, 1040)]
)
@pytest.mark.parametrize("with_bias", [True, False])
def test_gemm_is_the_exact_integer_product(kernels, rows, n, k, with_bias):
    torch.manual_seed(rows + k)
    weight, x = torch.randn(n, k) * 0.05, torch.randn(rows, k)
    bias = torch.randn(n) if with_bias else None

    y = kernels.gemm_int8(x, PackedInt8.of(weight, bias))

    expected = exact_product(x, weight, bias)
    assert y.shape == (rows, n)
    # float32 sums of exact int32 partial sums: within float32 rounding of the result.
    assert float((y.double() - expected).abs().max()) <= 1e-6 * float(expected.abs().max())
    assert float((y - F.linear(x, weight, bias)).norm() / F.linear(x, weight, bias).norm()) < 0.01


def test_the_largest_products_do_not_overflow(kernels):
    """Every weight at +-127 and every activation at 32767 over 4,096 columns: the int32
    accumulators are flushed before 256 pairs could overflow them."""
    weight = torch.ones(16, 4096)
    weight[1] = -1.0
    x = torch.ones(6, 4096)

    y = kernels.gemm_int8(x, PackedInt8.of(weight))

    expected = torch.full((6, 16), 4096.0)
    expected[:, 1] = -4096.0
    torch.testing.assert_close(y, expected, atol=0, rtol=1e-6)


def test_gemm_writes_into_the_tensor_it_is_given(kernels):
    weight, x = torch.randn(32, 64), torch.randn(7, 64)
    matrix = PackedInt8.of(weight)
    out = torch.full((7, 32), float("nan"))

    result = kernels.gemm_int8(x, matrix, out)

    assert result.data_ptr() == out.data_ptr()
    torch.testing.assert_close(out, kernels.gemm_int8(x, matrix), atol=0, rtol=0)


def test_gemm_refuses_shapes_it_does_not_take(kernels):
    matrix = PackedInt8.of(torch.randn(32, 64))

    with pytest.raises(ValueError, match="n a multiple of 16 and k even, not 24x64"):
        PackedInt8.of(torch.randn(24, 64))
    with pytest.raises(ValueError, match="n a multiple of 16 and k even, not 32x63"):
        PackedInt8.of(torch.randn(32, 63))
    with pytest.raises(ValueError, match="float32 rows of 64, not \\(3, 32\\)"):
        kernels.gemm_int8(torch.randn(3, 32), matrix)
    with pytest.raises(ValueError, match="float32 rows of 64, not \\(0, 64\\)"):
        kernels.gemm_int8(torch.randn(0, 64), matrix)
    with pytest.raises(ValueError, match="float32 rows of 64"):
        kernels.gemm_int8(torch.randn(3, 64, dtype=torch.float64), matrix)
    with pytest.raises(ValueError, match="contiguous float32 \\(3, 32\\) tensor"):
        kernels.gemm_int8(torch.randn(3, 64), matrix, torch.empty(3, 16))


def test_int8_lean_encoder_keeps_the_vectors(tiny_xlmr, kernels):  # noqa: F811
    features = tiny_xlmr.preprocess(TEXTS)
    ids, mask = features["input_ids"], features["attention_mask"]

    int8 = F.normalize(LeanEncoder(tiny_xlmr, kernels, "int8")(ids, mask), dim=-1)
    exact = F.normalize(LeanEncoder(tiny_xlmr, kernels)(ids, mask), dim=-1)

    cosines = (int8 * exact).sum(dim=1)
    assert float(cosines.min()) > 0.999
    assert not torch.equal(int8, exact)


def test_int8_lean_encoder_takes_float32_models_only(tiny_xlmr, kernels):  # noqa: F811
    with pytest.raises(ValueError, match="int8 products take a float32 model, not torch.bfloat16"):
        LeanEncoder(copy.deepcopy(tiny_xlmr).to(torch.bfloat16), kernels, "int8")
    with pytest.raises(ValueError, match="quantization 'int4' is not one of"):
        LeanEncoder(tiny_xlmr, kernels, "int4")


def embedder_with(settings, **options):
    from llm_services.backends.local_embed import SentenceTransformerEmbedder

    config = settings.LLM_MODELS["embed"]
    return SentenceTransformerEmbedder(
        alias="embed",
        model=config["MODEL"],
        revision="",
        options={**config.get("OPTIONS", {}), **options},
    )


def test_auto_quantization_is_int8_where_the_encoder_computes_in_float32(settings, monkeypatch):
    """On an AVX2-only CPU (no native bfloat16, no AVX-512)."""
    monkeypatch.setattr("llm_services.backends.local.native_bfloat16", lambda: False)
    monkeypatch.setattr(
        "llm_services.backends.local_embed.cpu_flags", lambda: frozenset({"avx2", "fma"})
    )

    auto = embedder_with(settings, dtype="auto", quantization="auto")
    plain = embedder_with(settings, dtype="float32", quantization="none")

    assert "products gemm.c int8 x int16;" in auto.runtime
    assert auto.runtime.endswith(", float32, batch 32, max 256 tokens")
    assert "products oneDNN prepacked;" in plain.runtime or "products F.linear;" in plain.runtime
    vectors = torch.as_tensor(auto.encode(TEXTS, kind="document"))
    reference = torch.as_tensor(plain.encode(TEXTS, kind="document"))
    # MiniLM loses a little more than e5 (0.9999 on 2,000 shop texts, docs/benchmarks.md).
    assert float((vectors * reference).sum(dim=1).min()) > 0.998


def test_auto_quantization_leaves_other_encoders_and_avx512_alone(settings, monkeypatch):
    monkeypatch.setattr("llm_services.backends.local.native_bfloat16", lambda: False)
    monkeypatch.setattr(
        "llm_services.backends.local_embed.cpu_flags",
        lambda: frozenset({"avx2", "fma", "avx512f", "avx512bw"}),
    )
    st = embedder_with(settings, encoder="sentence-transformers", quantization="auto")
    wide = embedder_with(settings, dtype="auto", quantization="auto")

    assert st.runtime == "sentence-transformers, float32, batch 32, max 256 tokens"
    assert "products gemm.c" not in wide.runtime


def test_int8_quantization_is_refused_where_it_cannot_run(settings):
    with pytest.raises(LLMUnavailable, match="quantization 'int8' is the native encoder's"):
        embedder_with(settings, encoder="sentence-transformers", quantization="int8")
    with pytest.raises(LLMUnavailable, match="quantization 'int4' is not one of none, int8, auto"):
        embedder_with(settings, quantization="int4")
