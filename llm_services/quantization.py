"""Reduced-precision weights for the in-process models, applied once at load.

The ``int8`` scheme for causal LMs (``OPTIONS["quantization"] = "int8"``):

- Every float32 ``nn.Linear`` (the LM head included) keeps its weights as int8 with one scale
  per output channel (symmetric, ``w ~= q * scale[row]``). Single-stream decoding reads every
  weight once per token, so a quarter of the bytes is a quarter of the memory traffic that
  bounds it.
- Products of up to 8 rows (decoding) run ``llm_services.kernels`` (decode.c): activations
  rounded to int16 per row (relative error ~1e-5), exact integer products, weights streamed
  at close to memory bandwidth. More rows (prefill, teacher forcing) multiply weights
  dequantised a block at a time with torch's kernel, in float32 or (``prefill_dtype``)
  bfloat16, in which the int8 values are exact. Where decode.c cannot be
  built, torch's weight-only kernel (``_weight_int8pack_mm``, bfloat16 activations) serves
  (slower: a third of the bandwidth on AVX2).
- No 8-bit activations anywhere: that is what made ``torch.ao.quantization.quantize_dynamic``
  so lossy (held-out perplexity x1.9 on Gemma, whose activations have outlier channels and
  outlier tokens).
- The input embedding becomes an int8 table with one scale per 32 columns (a scale per row
  alone doubled the divergence from float32: Gemma's rows have outlier columns).
- Linear layers fed the same tensor (q/k/v of an attention block, gate/up of an MLP) are
  packed into one matrix: one kernel call serves them all.

Measured on Gemma 3 270M (``bench/llm.py``, docs/benchmarks.md): held-out perplexity within
2.5% of float32 on shop text, Myntra descriptions and AdvertiseGen (Chinese) copy, against
x1.94 for torch's dynamic int8. Weights read per token: 270 MB instead of 1,072 MB.
"""

from __future__ import annotations

import ctypes
import gc
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

QUANTIZATION_SCHEMES = ("none", "int8")
NATIVE = "native"  # decode.c for up to 8 rows, dequantised float32 products for more
WEIGHT_ONLY = "weight-only"  # torch's _weight_int8pack_mm, bfloat16 activations
DEQUANTIZED = "dequantized"  # dequantised float32 products for every call

_DIGIT = 127.0
_TINY = 1e-30
# Elements quantised at a time: bounds the float32 temporaries for a 262k-row LM head.
_CHUNK_ELEMENTS = 1 << 22
# _weight_int8pack_mm reads its input in blocks of 16 columns (it returns garbage otherwise).
_INT8PACK_ALIGNMENT = 16
# More input rows than the native kernel takes (prefill, teacher forcing): weights are turned
# back into float32 this many at a time and multiplied by torch's float32 kernel.
_DEQUANTIZE_ELEMENTS = 1 << 23
EMBEDDING_GROUP = 32


def quantize_per_channel(weight: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Symmetric int8 quantisation with one scale per output channel (row).

    Returns:
        ``(q, scale)``: int8 ``q`` of ``weight``'s shape and float32 ``scale`` of shape
        ``(rows,)``, with ``|weight - q * scale[:, None]| <= scale[:, None] / 2``.
    """
    rows, columns = weight.shape
    q = torch.empty(weight.shape, dtype=torch.int8)
    scale = torch.empty(rows, dtype=torch.float32)
    step = max(1, _CHUNK_ELEMENTS // max(columns, 1))
    with torch.no_grad():
        for start in range(0, rows, step):
            chunk = weight[start : start + step].detach().to(torch.float32)
            chunk_scale = chunk.abs().amax(dim=1).clamp_(min=_TINY).div_(_DIGIT)
            q[start : start + step] = (
                chunk.div(chunk_scale[:, None]).round_().clamp_(-_DIGIT, _DIGIT)
            )
            scale[start : start + step] = chunk_scale
    return q, scale


class _Int8Kernel:
    """The int8 weights of one or more linear layers that are always fed the same tensor.

    Siblings (q/k/v, gate/up) are packed as one matrix; the first to see an input computes
    the product for all, the others take their rows from the cache. The model runs under the
    backend's lock, one forward at a time, and transformers hands every sibling the same
    tensor object, so identity is the key (the cache holds a reference, so the object cannot
    be freed and its id reused meanwhile).
    """

    def __init__(
        self, linears: list[nn.Linear], native: Any = None, prefill_dtype: Any = torch.float32
    ) -> None:
        self.in_features = linears[0].in_features
        self.prefill_dtype = prefill_dtype
        quantized = [quantize_per_channel(linear.weight) for linear in linears]
        weight = quantized[0][0] if len(quantized) == 1 else torch.cat([q for q, _ in quantized])
        self.weight = weight.contiguous()
        self.scale = torch.cat([s for _, s in quantized])
        self.out_features = weight.shape[0]
        if native is not None and native.accepts(self.in_features):
            self.mode = NATIVE
        elif self.in_features % _INT8PACK_ALIGNMENT == 0:
            self.mode = WEIGHT_ONLY
            self.scale_bf16 = self.scale.to(torch.bfloat16)
        else:
            self.mode = DEQUANTIZED
        self.native = native if self.mode == NATIVE else None
        if any(linear.bias is not None for linear in linears):
            self.bias: torch.Tensor | None = torch.cat(
                [
                    torch.zeros(linear.out_features)
                    if linear.bias is None
                    else linear.bias.detach().to(torch.float32)
                    for linear in linears
                ]
            )
        else:
            self.bias = None
        if self.mode == NATIVE:
            from llm_services.kernels import Matrix

            self.matrix = Matrix.of(self.weight, self.scale, self.bias)
        # A kernel of one layer has no sibling: caching would only keep its last output (an LM
        # head's logits) alive.
        self.shared = len(linears) > 1
        self.source: torch.Tensor | None = None
        self.output: torch.Tensor | None = None

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if self.shared and self.source is x:
            return self.output  # type: ignore[return-value]
        rows = x.reshape(-1, self.in_features).to(torch.float32)
        if self.mode == NATIVE and rows.shape[0] <= self.native.max_rows:
            y = self.native(rows, self.matrix)
        else:
            if self.mode == WEIGHT_ONLY:
                y = torch._weight_int8pack_mm(
                    rows.to(torch.bfloat16).contiguous(), self.weight, self.scale_bf16
                ).to(torch.float32)
            else:
                y = self._dequantized(rows)
            if self.bias is not None:
                y = y.add_(self.bias)
        y = y.view(*x.shape[:-1], self.out_features)
        if self.shared:
            self.source, self.output = x, y
        return y

    def _dequantized(self, rows: torch.Tensor) -> torch.Tensor:
        y = torch.empty(rows.shape[0], self.out_features)
        step = max(1, _DEQUANTIZE_ELEMENTS // self.in_features)
        if self.prefill_dtype == torch.bfloat16:
            # int8 values are exact in bfloat16: the activations and each product's result
            # are rounded to it (torch's CPU kernel accumulates in float32 but returns
            # bfloat16), the scales apply in float32.
            x = rows.to(torch.bfloat16)
            for start in range(0, self.out_features, step):
                stop = min(start + step, self.out_features)
                part = torch.mm(x, self.weight[start:stop].to(torch.bfloat16).t())
                torch.mul(part, self.scale[start:stop], out=y[:, start:stop])
            return y
        for start in range(0, self.out_features, step):
            stop = min(start + step, self.out_features)
            weight = self.weight[start:stop].to(torch.float32).mul_(self.scale[start:stop, None])
            torch.mm(rows, weight.t(), out=y[:, start:stop])
        return y


class Int8Linear(nn.Module):
    """Drop-in for ``nn.Linear``: rows ``[start, stop)`` of a (possibly shared) int8 kernel."""

    def __init__(self, kernel: _Int8Kernel, start: int, stop: int) -> None:
        super().__init__()
        self.kernel = kernel
        self.in_features = kernel.in_features
        self.out_features = stop - start
        self.start, self.stop = start, stop
        self.whole = start == 0 and stop == kernel.out_features

    @property
    def mode(self) -> str:
        return self.kernel.mode

    @property
    def weight_bytes(self) -> int:
        """int8 weights plus float32 scales (and bias) of this layer's rows."""
        bias = 0 if self.kernel.bias is None else 4 * self.out_features
        return self.out_features * (self.in_features + 4) + bias

    def extra_repr(self) -> str:
        fused = "" if self.whole else f", rows {self.start}:{self.stop} of a shared kernel"
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, {self.mode}{fused}"
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.kernel(x)
        if not self.whole:
            y = y[..., self.start : self.stop]
        return y if x.dtype == torch.float32 else y.to(x.dtype)


class Int8Embedding(nn.Module):
    """An embedding table stored as int8 with one float32 scale per group of 32 columns."""

    def __init__(
        self, weight: torch.Tensor, *, multiplier: float = 1.0, group: int = EMBEDDING_GROUP
    ) -> None:
        super().__init__()
        self.num_embeddings, self.embedding_dim = weight.shape
        self.group = group if self.embedding_dim % group == 0 else self.embedding_dim
        groups = self.embedding_dim // self.group
        q, scale = quantize_per_channel(weight.detach().reshape(-1, self.group))
        self.register_buffer("weight_int8", q.view(self.num_embeddings, groups, self.group))
        # The model's own multiplier (Gemma scales embeddings by sqrt(hidden)) is folded in.
        self.register_buffer("group_scale", (scale * multiplier).view(-1, groups, 1))

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}, int8, group={self.group}"

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        rows = self.weight_int8[ids].to(torch.float32).mul_(self.group_scale[ids])
        return rows.flatten(-2)


@dataclass(frozen=True, slots=True)
class QuantizationReport:
    """What ``quantize_causal_lm`` changed.

    Attributes:
        linears: nn.Linear modules replaced by Int8Linear (the LM head included).
        kernels: int8 kernels they run on (siblings fed the same input share one).
        embedding: whether the input embedding became an int8 table.
        skipped: modules left as they were, and why.
    """

    linears: int
    kernels: int
    embedding: bool
    skipped: tuple[str, ...]


def _embedding_multiplier(embedding: nn.Module) -> float | None:
    """The constant an embedding module multiplies its rows by, or None if it is unknown."""
    if type(embedding) is nn.Embedding:
        return 1.0
    # transformers' scaled word embeddings (Gemma 3) keep the factor as a float attribute.
    scalar = getattr(embedding, "scalar_embed_scale", None)
    if isinstance(embedding, nn.Embedding) and isinstance(scalar, int | float):
        return float(scalar)
    return None


def _sibling_groups(model: nn.Module, names: list[str]) -> list[list[str]]:
    """The linear layers ``names`` grouped by the input tensor they get in one forward pass.

    Runs the model once on four tokens and records which tensor object each layer receives.
    A layer called more than once (shared weights) stays alone; so does every layer when the
    probe fails.
    """
    calls: dict[str, list[int]] = {name: [] for name in names}
    inputs: list[torch.Tensor] = []  # keeps every input alive, so no id is reused

    def recorder(name: str) -> Any:
        def hook(module: nn.Module, args: tuple[Any, ...]) -> None:
            if args and isinstance(args[0], torch.Tensor):
                inputs.append(args[0])
                calls[name].append(id(args[0]))

        return hook

    handles = [
        model.get_submodule(name).register_forward_pre_hook(recorder(name)) for name in names
    ]
    config = getattr(model, "config", None)
    vocab = int(getattr(config, "vocab_size", 0) or 4)
    try:
        with torch.inference_mode():
            model(input_ids=torch.arange(1, 5).remainder(vocab).unsqueeze(0))
    except Exception:  # noqa: BLE001 - any failure only means no sharing
        return [[name] for name in names]
    finally:
        for handle in handles:
            handle.remove()
    groups: dict[int, list[str]] = {}
    alone: list[list[str]] = []
    for name in names:
        if len(calls[name]) == 1:
            groups.setdefault(calls[name][0], []).append(name)
        else:
            alone.append([name])
    return alone + list(groups.values())


def quantize_causal_lm(
    model: nn.Module, native: Any = None, prefill_dtype: Any = torch.float32
) -> QuantizationReport:
    """Replace ``model``'s float32 linear layers and input embedding with int8 ones, in place.

    With ``native`` (``llm_services.kernels.NativeKernels``), every layer whose input size it
    takes runs it for up to 8 rows and torch's kernel on dequantised weights for more, in
    ``prefill_dtype`` (float32 or bfloat16); without, torch's weight-only kernel (or
    dequantised products when the input size is not a multiple of 16).
    The input embedding becomes an int8 table when its type is known (``nn.Embedding`` or
    Gemma's scaled embedding); otherwise it is left alone and listed in ``skipped``.
    """
    skipped: list[str] = []
    names: list[str] = []
    for name, module in model.named_modules():
        if type(module) is nn.Linear:
            if module.weight.dtype == torch.float32:
                names.append(name)
            else:
                skipped.append(f"{name} ({module.weight.dtype})")
    embedding = model.get_input_embeddings() if hasattr(model, "get_input_embeddings") else None
    groups = _sibling_groups(model, names)
    for group in groups:
        linears = [model.get_submodule(name) for name in group]
        kernel = _Int8Kernel(linears, native, prefill_dtype)
        start = 0
        for name, linear in zip(group, linears, strict=True):
            parent_name, _, child_name = name.rpartition(".")
            parent = model.get_submodule(parent_name) if parent_name else model
            setattr(parent, child_name, Int8Linear(kernel, start, start + linear.out_features))
            start += linear.out_features
    quantized_embedding = False
    if isinstance(embedding, nn.Embedding):
        multiplier = _embedding_multiplier(embedding)
        if multiplier is None:
            skipped.append(f"input embedding ({type(embedding).__name__})")
        else:
            model.set_input_embeddings(Int8Embedding(embedding.weight, multiplier=multiplier))
            quantized_embedding = True
    kernels = len(groups)
    del embedding, groups
    release_checkpoint(model)
    return QuantizationReport(
        linears=len(names),
        kernels=kernels,
        embedding=quantized_embedding,
        skipped=tuple(skipped),
    )


def release_checkpoint(model: nn.Module) -> None:
    """Let go of the checkpoint file once the model's weights have been converted.

    transformers maps the safetensors file and the model's tensors point into the mapping;
    while any tensor (a norm's weight, a rotary buffer) still does, the whole file stays
    mapped, and every page the conversion read stays resident (1 GB for Gemma 3 270M).
    Copying the remaining tensors (norms, buffers: small once the big matrices are converted)
    lets the mapping go; trimming the C heap returns the conversion's temporaries.
    """
    copies: dict[int, torch.Tensor] = {}
    with torch.no_grad():
        for module in model.modules():
            for parameter in module.parameters(recurse=False):
                pointer = parameter.data_ptr()
                if pointer not in copies:
                    copies[pointer] = parameter.data.clone()
                parameter.data = copies[pointer]
            if isinstance(module, Int8Embedding):
                continue  # built here, never from the checkpoint
            for name, buffer in list(module.named_buffers(recurse=False)):
                pointer = buffer.data_ptr()
                if pointer not in copies:
                    copies[pointer] = buffer.clone()
                module._buffers[name] = copies[pointer]
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc: the heap keeps its free memory, nothing else changes


def weight_bytes_per_token(model: nn.Module) -> int:
    """Bytes of weights one single-stream decode step reads.

    Every linear layer (the LM head included) in full, one row of the input embedding (a
    step looks up one token), and the parameters of every other module (norms) in full.
    """
    total = 0
    for module in model.modules():
        if isinstance(module, Int8Linear):
            total += module.weight_bytes
        elif isinstance(module, nn.Linear):
            total += sum(p.numel() * p.element_size() for p in module.parameters())
        elif isinstance(module, Int8Embedding):
            total += module.embedding_dim + 4 * (module.embedding_dim // module.group)
        elif isinstance(module, nn.Embedding):
            total += module.embedding_dim * module.weight.element_size()
        else:
            total += sum(p.numel() * p.element_size() for p in module.parameters(recurse=False))
    return total


def describe(model: nn.Module) -> str:
    """How the weights are stored, for logs: ``int8 x128`` or ``float32 x127, int8 x1``."""
    counts: dict[str, int] = {}
    for module in model.modules():
        if isinstance(module, Int8Linear | Int8Embedding):
            name = "int8"
        elif isinstance(module, nn.Linear | nn.Embedding):
            name = str(module.weight.dtype).removeprefix("torch.")
        else:
            continue
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{name} x{count}" for name, count in sorted(counts.items()))
