"""The C kernels' structs as ctypes sees them: each mirrors a typedef in decode.c, encode.c
or gemm.c, field for field, and keeps the tensors its pointers point into alive."""

from __future__ import annotations

import ctypes
from typing import Any

FORMAT_F32, FORMAT_INT8 = 0, 1
MAX_K = 4096
GEMM_PANEL = 16
ALIGNMENT = 16


class Matrix(ctypes.Structure):
    """A weight matrix as decode.c reads it (matrix_t); keeps its tensors alive."""

    _fields_ = [
        ("format", ctypes.c_int64),
        ("n", ctypes.c_int64),
        ("k", ctypes.c_int64),
        ("w", ctypes.c_void_p),
        ("scale", ctypes.c_void_p),
        ("bias", ctypes.c_void_p),
    ]

    @classmethod
    def of(cls, weight: Any, scale: Any = None, bias: Any = None) -> Matrix:
        """int8 ``weight`` with float32 ``scale`` per row, or float32 ``weight`` alone."""
        import torch

        if weight.dtype == torch.int8:
            if scale is None or scale.dtype != torch.float32:
                raise ValueError("an int8 matrix needs float32 scales")
            fmt = FORMAT_INT8
        elif weight.dtype == torch.float32:
            fmt = FORMAT_F32
        else:
            raise ValueError(f"no kernel for {weight.dtype} weights")
        if not weight.is_contiguous():
            raise ValueError("weights must be contiguous")
        matrix = cls(
            fmt,
            weight.shape[0],
            weight.shape[1],
            weight.data_ptr(),
            None if scale is None else scale.data_ptr(),
            None if bias is None else bias.data_ptr(),
        )
        matrix.tensors = (weight, scale, bias)
        return matrix

    def accepts(self) -> bool:
        alignment = ALIGNMENT if self.format == FORMAT_INT8 else 8
        return self.k % alignment == 0 and (self.format != FORMAT_INT8 or self.k <= MAX_K)


# The (1 + weight) vectors of a Gemma 3 decoder layer, in layer_t's order.
LAYER_NORMS = (
    "input_norm",
    "q_norm",
    "k_norm",
    "post_attention_norm",
    "pre_feedforward_norm",
    "post_feedforward_norm",
)


class Layer(ctypes.Structure):
    """One Gemma 3 decoder layer as decode.c reads it (layer_t)."""

    _fields_ = [
        ("qkv", Matrix),
        ("o", Matrix),
        ("gate_up", Matrix),
        ("down", Matrix),
        *[(name, ctypes.c_void_p) for name in LAYER_NORMS],
        *[
            (name, ctypes.c_int64)
            for name in ("hidden", "heads", "kv_heads", "head_dim", "intermediate", "window")
        ],
        ("eps", ctypes.c_float),
        ("scaling", ctypes.c_float),
        ("cos", ctypes.c_void_p),
        ("sin", ctypes.c_void_p),
    ]


class Attention(ctypes.Structure):
    """encode.c's attention_t."""

    _fields_ = [
        ("qkv", ctypes.c_void_p),
        ("out", ctypes.c_void_p),
        ("starts", ctypes.c_void_p),
        *[(name, ctypes.c_int64) for name in ("batch", "longest", "heads", "head_dim")],
        ("scale", ctypes.c_float),
        ("bf16", ctypes.c_int),
        ("spin_ns", ctypes.c_int64),
    ]


class Norm(ctypes.Structure):
    """encode.c's norm_t."""

    _fields_ = [
        *[(name, ctypes.c_void_p) for name in ("x", "h", "w", "b")],
        ("rows", ctypes.c_int64),
        ("n", ctypes.c_int64),
        ("eps", ctypes.c_float),
        ("bf16", ctypes.c_int),
        ("spin_ns", ctypes.c_int64),
    ]


class PackedInt8(ctypes.Structure):
    """A weight matrix for gemm.c (packed_t): int8 with one float32 scale per output channel,
    stored as int16 in panels of 16 channels by column pairs; keeps its tensors alive."""

    _fields_ = [
        ("n", ctypes.c_int64),
        ("k", ctypes.c_int64),
        ("w", ctypes.c_void_p),
        ("scale", ctypes.c_void_p),
        ("bias", ctypes.c_void_p),
    ]

    @classmethod
    def of(cls, weight: Any, bias: Any = None) -> PackedInt8:
        """``weight`` (n, k) float quantized per output channel and packed; ValueError for
        shapes gemm.c does not take (n a multiple of 16, k even)."""
        import torch

        from llm_services.quantization import quantize_per_channel

        n, k = weight.shape
        if n % GEMM_PANEL or k % 2:
            raise ValueError(f"gemm.c takes n a multiple of {GEMM_PANEL} and k even, not {n}x{k}")
        quantized, scale = quantize_per_channel(weight.detach().float())
        # (n, k) -> (n / 16, k / 2, 16, 2): a panel's 16 channels side by side per column pair.
        packed = (
            quantized.to(torch.int16)
            .view(n // GEMM_PANEL, GEMM_PANEL, k // 2, 2)
            .permute(0, 2, 1, 3)
            .contiguous()
        )
        if packed.data_ptr() % 32:  # torch's CPU allocator aligns to 64 bytes
            raise ValueError("gemm.c needs 32-byte aligned weights")
        scale = scale.float().contiguous()
        if bias is not None:
            bias = bias.detach().float().contiguous()
        matrix = cls(
            n, k, packed.data_ptr(), scale.data_ptr(), None if bias is None else bias.data_ptr()
        )
        matrix.tensors = (packed, scale, bias)
        return matrix


class Gelu(ctypes.Structure):
    """encode.c's gelu_t."""

    _fields_ = [
        ("x", ctypes.c_void_p),
        ("n", ctypes.c_int64),
        ("bf16", ctypes.c_int),
        ("spin_ns", ctypes.c_int64),
    ]
