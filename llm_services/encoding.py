"""A lean forward pass for BERT-style sentence encoders (BERT, RoBERTa, XLM-RoBERTa), on the
model's own weights.

sentence-transformers runs transformers' encoder, whose matrix products are fast (oneDNN, on
AMX or AVX-512 BF16 where the CPU has them) but whose work around them is not: at the shapes
of shop text (about 44 tokens, 12 heads of 32) torch's CPU attention, the bias copies of
``F.linear``, bfloat16 layer norms and padding took longer than the products
(docs/benchmarks.md). Here the sequences' tokens are packed without padding, the products
run on weights reordered once for oneDNN (q/k/v in one), and attention, add + layer norm and
gelu run in ``llm_services.kernels`` (encode.c). Pooling (mean or CLS, as the model folder's
Pooling module says) is computed in float32.

``tests/llm_services/test_encoding.py`` checks it against sentence-transformers on a random
XLM-RoBERTa and the real all-MiniLM-L6-v2 (BERT).
"""

from __future__ import annotations

from typing import Any

import torch
from torch.nn import functional as F

from llm_services.cpu import native_bfloat16

SUPPORTED_MODEL_TYPES = ("bert", "roberta", "xlm-roberta")
SUPPORTED_POOLING = ("mean", "cls")
QUANTIZATIONS = ("none", "int8")


def layout_reason(sentence_model: Any) -> str | None:
    """Why a SentenceTransformer is not a BERT-style encoder with mean or CLS pooling over
    right-padded tokens (what this module and ``llm_services.onnx_encoding`` run), or None."""
    modules = list(sentence_model)
    names = [type(m).__name__ for m in modules]
    if names not in (["Transformer", "Pooling"], ["Transformer", "Pooling", "Normalize"]):
        return f"modules {names}"
    config = getattr(getattr(modules[0], "auto_model", None), "config", None)
    if getattr(config, "model_type", None) not in SUPPORTED_MODEL_TYPES:
        return f"model type {getattr(config, 'model_type', None)!r}"
    if getattr(config, "position_embedding_type", "absolute") != "absolute":
        return f"position embeddings {config.position_embedding_type!r}"
    if getattr(config, "is_decoder", False):
        return "a decoder"
    pooling = modules[1]
    if pooling.pooling_mode not in SUPPORTED_POOLING or not pooling.include_prompt:
        return f"pooling {pooling.pooling_mode!r}"
    if sentence_model.tokenizer.padding_side != "right":
        return "left padding"
    return None


def unsupported_reason(sentence_model: Any) -> str | None:
    """Why ``LeanEncoder`` cannot run this SentenceTransformer, or None when it can."""
    reason = layout_reason(sentence_model)
    if reason:
        return reason
    model = sentence_model[0].auto_model
    config = model.config
    if config.hidden_act != "gelu":
        return f"activation {config.hidden_act!r}"
    if model.dtype not in (torch.float32, torch.bfloat16):
        return f"dtype {model.dtype}"
    if (config.hidden_size // config.num_attention_heads) % 16:
        return (
            f"head size {config.hidden_size // config.num_attention_heads} (not a multiple of 16)"
        )
    return None


def prepacked_linear_available(dtype: torch.dtype = torch.float32) -> bool:
    """Whether torch has oneDNN's prepacked linear (the op torch.compile's CPU backend uses)
    for weights of ``dtype``: bfloat16 ones only where the CPU computes bfloat16 natively
    (oneDNN refuses to reorder them elsewhere)."""
    mkldnn = getattr(torch.ops, "mkldnn", None)
    return (
        (dtype == torch.float32 or native_bfloat16())
        and torch.backends.mkldnn.is_available()
        and hasattr(mkldnn, "_linear_pointwise")
        and hasattr(mkldnn, "_reorder_linear_weight")
    )


class _Linear:
    """``x @ weight.T + bias``; with ``prepacked``, on weights reordered once for oneDNN.

    F.linear reorders the weights in every call and copies the bias into the output first;
    at the encoder's shapes that is a quarter of the product's time (docs/benchmarks.md).
    """

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, prepacked: bool) -> None:
        self.bias = bias.detach().contiguous()
        weight = weight.detach().contiguous()
        self.prepacked = prepacked
        # The batch size hint only picks oneDNN's layout; any number of rows works after it.
        self.weight = torch.ops.mkldnn._reorder_linear_weight(weight, 1024) if prepacked else weight

    def __call__(self, x: torch.Tensor, out: torch.Tensor | None = None) -> torch.Tensor:
        if self.prepacked:
            return torch.ops.mkldnn._linear_pointwise(x, self.weight, self.bias, "none", [], "")
        return F.linear(x, self.weight, self.bias)


class _Int8Linear:
    """``x @ weight.T + bias`` with int8 weights (one scale per output channel) and each
    activation row rounded to int16, on gemm.c: exact integer products, 1.5x oneDNN's
    float32 on an AVX2-only CPU (docs/benchmarks.md)."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, kernels: Any) -> None:
        from llm_services.kernels import PackedInt8

        self.matrix = PackedInt8.of(weight, bias)
        self.kernels = kernels

    def __call__(self, x: torch.Tensor, out: torch.Tensor | None = None) -> torch.Tensor:
        return self.kernels.gemm_int8(x, self.matrix, out)


class _Layer:
    def __init__(self, layer: Any, linear: Any) -> None:
        attention = layer.attention
        parts = (attention.self.query, attention.self.key, attention.self.value)
        self.qkv = linear(
            torch.cat([p.weight.detach() for p in parts]),
            torch.cat([p.bias.detach() for p in parts]),
        )
        self.o = linear(attention.output.dense.weight, attention.output.dense.bias)
        self.up = linear(layer.intermediate.dense.weight, layer.intermediate.dense.bias)
        self.down = linear(layer.output.dense.weight, layer.output.dense.bias)
        self.norm1 = _norm(attention.output.LayerNorm)
        self.norm2 = _norm(layer.output.LayerNorm)


def _norm(module: Any) -> tuple[torch.Tensor, torch.Tensor, float]:
    """A LayerNorm's weight and bias in float32 (encode.c's form) and its epsilon."""
    return (
        module.weight.detach().float().contiguous(),
        module.bias.detach().float().contiguous(),
        float(module.eps),
    )


class LeanEncoder:
    """``sentence_model``'s embeddings (before any Normalize module) from its features.

    ``kernels``: ``llm_services.kernels.NativeKernels``. Embeddings and norms are the
    model's own tensors; the linear layers' weights are copied once (q/k/v concatenated,
    reordered for oneDNN where torch has that op): 42 MB more for e5-small in bfloat16.
    ``quantization`` "int8" runs the products on gemm.c instead (int8 weights per output
    channel, int16 activations per row; float32 models only; 42 MB as int16 pairs).
    """

    def __init__(self, sentence_model: Any, kernels: Any, quantization: str = "none") -> None:
        reason = unsupported_reason(sentence_model)
        if reason:
            raise ValueError(f"LeanEncoder cannot run this model: {reason}")
        model = sentence_model[0].auto_model
        if quantization not in QUANTIZATIONS:
            raise ValueError(f"quantization {quantization!r} is not one of {QUANTIZATIONS}")
        if quantization == "int8" and model.dtype != torch.float32:
            raise ValueError(f"int8 products take a float32 model, not {model.dtype}")
        config = model.config
        self.kernels = kernels
        self.heads = config.num_attention_heads
        self.scale = (config.hidden_size // self.heads) ** -0.5
        self.pooling = sentence_model[1].pooling_mode
        embeddings = model.embeddings
        self.word = embeddings.word_embeddings.weight.detach()
        self.position = embeddings.position_embeddings.weight.detach()
        self.token_type = embeddings.token_type_embeddings.weight.detach()[0]
        self.embedding_norm = embeddings.LayerNorm
        # RoBERTa-style models number positions from padding_idx + 1 (their pad id), BERT from 0.
        self.position_offset = (
            config.pad_token_id + 1 if config.model_type in ("roberta", "xlm-roberta") else 0
        )
        self.quantization = quantization
        self.prepacked = quantization == "none" and prepacked_linear_available(model.dtype)
        if quantization == "int8":
            self.products = "gemm.c int8 x int16"

            def linear(weight: torch.Tensor, bias: torch.Tensor) -> Any:
                return _Int8Linear(weight, bias, kernels)
        else:
            self.products = "oneDNN prepacked" if self.prepacked else "F.linear"

            def linear(weight: torch.Tensor, bias: torch.Tensor) -> Any:
                return _Linear(weight, bias, self.prepacked)

        self.layers = [_Layer(layer, linear) for layer in model.encoder.layer]

    def _buffers(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        first = self.layers[0]
        return {
            name: torch.empty(x.shape[0], getattr(first, name).matrix.n)
            for name in ("qkv", "o", "up", "down")
        }

    @torch.inference_mode()
    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """(batch, hidden) float32 sentence embeddings of right-padded ``input_ids``.

        The sequences' tokens are packed one after another: products, norms and gelu see no
        padding (11% of the tokens of 32-text batches of shop text).
        """
        batch = input_ids.shape[0]
        real = attention_mask.bool()
        lengths = real.sum(dim=1)
        starts = F.pad(lengths.cumsum(0), (1, 0))
        longest = int(lengths.max())
        positions = (real.cumsum(dim=1) - 1)[real] + self.position_offset
        x = self.word[input_ids[real]] + self.position[positions] + self.token_type
        x = self.embedding_norm(x).contiguous()
        kernels = self.kernels
        # int8 products write into buffers reused by every layer (torch's own allocate).
        int8 = self.quantization == "int8"
        buffers = self._buffers(x) if int8 else {}
        # Between gemm.c's products the pool's helpers may spin; before torch's they must not.
        spin = int8
        for layer in self.layers:
            qkv = layer.qkv(x, buffers.get("qkv"))
            context = kernels.attention(qkv, starts, self.heads, self.scale, longest, spin=spin)
            kernels.add_layer_norm(x, layer.o(context, buffers.get("o")), *layer.norm1, spin=spin)
            h = kernels.gelu(layer.up(x, buffers.get("up")), spin=spin)
            kernels.add_layer_norm(x, layer.down(h, buffers.get("down")), *layer.norm2, spin=spin)
        if self.pooling == "cls":
            return x[starts[:-1]].float()
        sequence = torch.repeat_interleave(torch.arange(batch), lengths)
        sums = torch.zeros(batch, x.shape[1]).index_add_(0, sequence, x.float())
        return sums / lengths.unsqueeze(1).clamp(min=1)
