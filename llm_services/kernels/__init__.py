"""Native kernels for the CPU, compiled on first use with the system C compiler.

``decode.c`` multiplies 1-8 activation rows by an int8 (one scale per output channel) or
float32 weight matrix: the products of single-stream and small-batch decoding, which read
every weight once per token and are bound by memory bandwidth; torch's own weight-only int8
kernel streams them at a third of the bandwidth on AVX2 CPUs (docs/benchmarks.md). It also
runs a whole Gemma 3 decoder layer for one new token per row, so a decode step costs 18
calls instead of hundreds of small torch ops (``llm_services.decoding``).

``encode.c`` has the work of a BERT-style encoder layer between its matrix products
(attention within packed sequences, add + layer norm, gelu) for ``llm_services.encoding``,
whose products run in torch (oneDNN: AMX where the CPU has it) or, with int8 weights on CPUs
without native bfloat16, in ``gemm.c``: decode.c's int8 x int16 arithmetic as a
register-blocked product of many rows.

The shared library is built once per source version into ``<LLM_MODEL_DIR>/kernels/`` (or
``LLM_KERNEL_DIR``) and loaded with ctypes: no torch headers, a one-second compile. A machine
without a C compiler or without AVX2 gets ``KernelUnavailable`` with the reason; the caller
decides what to do (the generator backend logs it and uses torch's kernels, and
``llm_status`` shows which kernel serves).
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path
from typing import Any

from llm_services.cpu import cpu_flags
from llm_services.kernels.structs import (
    ALIGNMENT,
    FORMAT_F32,
    FORMAT_INT8,
    GEMM_PANEL,
    LAYER_NORMS,
    MAX_K,
    Attention,
    Gelu,
    Layer,
    Matrix,
    Norm,
    PackedInt8,
)

__all__ = [
    "ALIGNMENT",
    "FLAGS",
    "FORMAT_F32",
    "FORMAT_INT8",
    "GEMM_PANEL",
    "LAYER_NORMS",
    "MAX_K",
    "MAX_ROWS",
    "Attention",
    "Gelu",
    "KernelUnavailable",
    "Layer",
    "Matrix",
    "NativeKernels",
    "Norm",
    "PackedInt8",
    "build",
    "compile_flags",
    "kernel_dir",
    "native_kernels",
]

SOURCES = tuple(Path(__file__).with_name(name) for name in ("decode.c", "encode.c", "gemm.c"))
MAX_ROWS = 8
# Helpers spin this long after a call before they sleep: longer than the gap between two
# products of one decode step, far shorter than anything a person would notice as load.
SPIN_NS = 200_000
FLAGS = ("-O3", "-mavx2", "-mfma", "-shared", "-fPIC", "-pthread")
# Where the CPU has them (and LLM_KERNEL_ISA does not cap them: llm_services.cpu), the int8
# products use AVX-512 VNNI (decode.c says how).  The flags are part of the library's name, so
# a cache folder copied to another CPU, or the capped build beside the full one, builds its own.
AVX512_VNNI = {
    "avx512f": "-mavx512f",
    "avx512bw": "-mavx512bw",
    "avx512vl": "-mavx512vl",
    "avx512_vnni": "-mavx512vnni",
}


def compile_flags(flags: frozenset[str] | set[str] | None = None) -> tuple[str, ...]:
    """The compiler flags for this CPU (``flags``: its feature flags as capped by
    LLM_KERNEL_ISA, read when omitted)."""
    flags = cpu_flags() if flags is None else flags
    if set(AVX512_VNNI) <= flags:
        return (*FLAGS, *AVX512_VNNI.values())
    return FLAGS


class KernelUnavailable(RuntimeError):
    """The native kernel cannot be built or loaded here (the message says why)."""


def kernel_dir() -> Path:
    configured = os.environ.get("LLM_KERNEL_DIR")
    if configured:
        return Path(configured)
    try:
        from llm_services.conf import model_dir

        return model_dir() / "kernels"
    except Exception:  # noqa: BLE001 - Django not configured (a plain script): a user cache
        return Path.home() / ".cache" / "llm_services" / "kernels"


def build(folder: Path | None = None, flags: tuple[str, ...] | None = None) -> Path:
    """The compiled library for these sources, built into ``folder`` if it is not there yet."""
    source = b"".join(path.read_bytes() for path in SOURCES)
    flags = flags or compile_flags()
    digest = hashlib.sha256(source + " ".join(flags).encode()).hexdigest()[:16]
    folder = folder or kernel_dir()
    target = folder / f"native-{digest}.so"
    if target.exists():
        return target
    compiler = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not compiler:
        raise KernelUnavailable("no C compiler (cc or gcc) on PATH to build decode.c")
    folder.mkdir(parents=True, exist_ok=True)
    # Built under a temporary name and renamed: a concurrent process never loads half a file.
    handle, partial = tempfile.mkstemp(dir=folder, suffix=".so.partial")
    os.close(handle)
    try:
        done = subprocess.run(  # noqa: S603 - our own source, the compiler found on PATH
            [compiler, *flags, *map(str, SOURCES), "-o", partial, "-lm"],
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise KernelUnavailable(f"cannot run {compiler}: {exc}") from exc
    else:
        if done.returncode != 0:
            raise KernelUnavailable(f"{compiler} failed: {done.stderr.strip()[-500:]}")
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return target


def _storage(tensor: Any) -> int:
    """1 for a contiguous bfloat16 tensor, 0 for float32; ValueError for anything else."""
    import torch

    if tensor.dtype not in (torch.float32, torch.bfloat16) or not tensor.is_contiguous():
        raise ValueError(f"encode.c takes contiguous float32 or bfloat16, not {tensor.dtype}")
    return int(tensor.dtype == torch.bfloat16)


class NativeKernels:
    """ctypes front of decode.c and encode.c: products of 1-8 rows, a whole Gemma 3 decoder
    layer, and an encoder layer's attention, add + layer norm and gelu.

    int8 products round each activation row to int16 with its own scale inside the kernel
    (relative error about 1e-5 of the row's largest value); float32 products are plain FMA.
    """

    max_rows = MAX_ROWS

    def __init__(self, threads: int) -> None:
        try:
            flags = cpu_flags()
        except ValueError as exc:  # a misspelt LLM_KERNEL_ISA
            raise KernelUnavailable(str(exc)) from exc
        if not {"avx2", "fma"} <= flags:
            raise KernelUnavailable("this CPU has no AVX2/FMA")
        path = build()
        try:
            library = ctypes.CDLL(str(path))
        except OSError as exc:
            raise KernelUnavailable(f"cannot load {path}: {exc}") from exc
        library.decode_init.argtypes = [ctypes.c_int, ctypes.c_int64]
        library.decode_init.restype = ctypes.c_int
        library.matvec.argtypes = (
            [ctypes.POINTER(Matrix)] + [ctypes.c_void_p] * 4 + [ctypes.c_int64]
        )
        library.matvec.restype = ctypes.c_int
        library.gemma3_layer.argtypes = [
            ctypes.POINTER(Layer),
            ctypes.c_void_p,
            ctypes.c_int64,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int64,
            ctypes.c_int64,
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        library.gemma3_layer.restype = ctypes.c_int
        library.decode_isa.restype = ctypes.c_char_p
        library.gemm_int8.argtypes = (
            [ctypes.POINTER(PackedInt8)] + [ctypes.c_void_p] * 4 + [ctypes.c_int64] * 2
        )
        library.gemm_int8.restype = ctypes.c_int
        for name, struct in (
            ("encoder_attention", Attention),
            ("add_layer_norm", Norm),
            ("gelu", Gelu),
        ):
            getattr(library, name).argtypes = [ctypes.POINTER(struct)]
            getattr(library, name).restype = ctypes.c_int
        self.isa = library.decode_isa().decode()
        self.threads = library.decode_init(threads, SPIN_NS)
        self.path = path
        self.library = library
        # The pool runs one product at a time: every call holds this lock.
        self.lock = threading.Lock()
        self._scratch: dict[tuple[int, int], tuple[Any, Any]] = {}

    @staticmethod
    def accepts(k: int) -> bool:
        """Whether an int8 matrix with ``k`` columns fits the int8 kernel."""
        return k % ALIGNMENT == 0 and k <= MAX_K

    def __call__(self, x: Any, matrix: Matrix) -> Any:
        """``x @ W.T (+ bias)`` for 1-8 float32 rows."""
        import torch

        rows, k = x.shape
        if not 1 <= rows <= MAX_ROWS or k != matrix.k:
            raise ValueError(f"the kernel takes 1-{MAX_ROWS} rows of {matrix.k}, not {x.shape}")
        x = x.contiguous()
        y = torch.empty(rows, matrix.n, dtype=torch.float32)
        with self.lock:
            scratch = self._scratch.get((rows, k))
            if scratch is None:
                scratch = (torch.empty(rows, k, dtype=torch.int16), torch.empty(rows))
                self._scratch[(rows, k)] = scratch
            status = self.library.matvec(
                ctypes.byref(matrix),
                x.data_ptr(),
                scratch[0].data_ptr(),
                scratch[1].data_ptr(),
                y.data_ptr(),
                rows,
            )
        if status != 0:
            raise ValueError(f"the kernel refused {tuple(x.shape)} x ({matrix.n}, {matrix.k})")
        return y

    def gemm_int8(self, x: Any, matrix: PackedInt8, out: Any = None) -> Any:
        """``x @ W.T (+ bias)`` for any number of float32 rows and a ``PackedInt8``: each row
        rounded to int16 with its own scale, exact integer products (gemm.c). ``out``: a
        contiguous float32 (rows, n) tensor to write into (the encoder reuses one per layer
        shape instead of faulting in fresh megabytes every call)."""
        import torch

        if x.dtype != torch.float32 or x.dim() != 2 or x.shape[1] != matrix.k or not len(x):
            raise ValueError(f"gemm_int8 takes float32 rows of {matrix.k}, not {tuple(x.shape)}")
        x = x.contiguous()
        rows = x.shape[0]
        if out is None:
            out = torch.empty(rows, matrix.n, dtype=torch.float32)
        elif out.dtype != torch.float32 or out.shape != (rows, matrix.n) or not out.is_contiguous():
            raise ValueError(f"gemm_int8 writes a contiguous float32 ({rows}, {matrix.n}) tensor")
        with self.lock:
            xq, xs = self._gemm_scratch(rows, matrix.k)
            status = self.library.gemm_int8(
                ctypes.byref(matrix),
                x.data_ptr(),
                xq.data_ptr(),
                xs.data_ptr(),
                out.data_ptr(),
                rows,
                SPIN_NS,
            )
        if status != 0:
            raise ValueError(f"gemm.c refused {tuple(x.shape)} x ({matrix.n}, {matrix.k})")
        return out

    def _gemm_scratch(self, rows: int, k: int) -> tuple[Any, Any]:
        """int16 activations and their scales for ``rows`` x ``k``, from buffers that only
        grow (the caller holds the lock)."""
        import torch

        held = self._scratch.get((0, 0))
        if held is None or held[0].numel() < rows * k or held[1].numel() < rows:
            held = (
                torch.empty(max(rows * k, held[0].numel() if held else 0), dtype=torch.int16),
                torch.empty(max(rows, held[1].numel() if held else 0)),
            )
            self._scratch[(0, 0)] = held
        return held

    def _encode_call(self, name: str, struct: ctypes.Structure) -> None:
        with self.lock:
            status = getattr(self.library, name)(ctypes.byref(struct))
        if status != 0:
            raise ValueError(f"encode.c's {name} refused these shapes")

    def attention(
        self,
        qkv: Any,
        starts: Any,
        heads: int,
        scale: float,
        longest: int | None = None,
        *,
        spin: bool = False,
    ) -> Any:
        """Bidirectional attention within each of the sequences packed in ``qkv``.

        qkv: (tokens, 3 * heads * head_dim), the query, key and value projections side by
        side, the sequences' tokens one after another; starts: (sequences + 1,) int64 offsets,
        0 first and tokens last; longest: the longest sequence's length (computed when None;
        encode.c refuses a sequence longer). Returns (tokens, heads * head_dim) in qkv's dtype.
        ``spin`` (here and in add_layer_norm and gelu): the pool's helpers spin briefly
        afterwards, as after decode.c's products; leave it off when torch's threads run next
        (a spinning helper takes their core), turn it on when the next call is another
        native one (waking a sleeping helper costs more than a small call).
        """
        import torch

        tokens, width = qkv.shape
        if (
            width % (3 * heads)
            or starts.dtype != torch.int64
            or starts.dim() != 1
            or len(starts) < 2
            or int(starts[-1]) != tokens
        ):
            raise ValueError("attention takes (tokens, 3 * heads * head_dim) and int64 offsets")
        bf16 = _storage(qkv)
        out = torch.empty(tokens, width // 3, dtype=qkv.dtype)
        starts = starts.contiguous()
        if longest is None:
            longest = int((starts[1:] - starts[:-1]).max())
        struct = Attention(
            qkv.data_ptr(),
            out.data_ptr(),
            starts.data_ptr(),
            len(starts) - 1,
            longest,
            heads,
            width // (3 * heads),
            scale,
            bf16,
            SPIN_NS if spin else 0,
        )
        self._encode_call("encoder_attention", struct)
        return out

    def add_layer_norm(
        self, x: Any, h: Any, weight: Any, bias: Any, eps: float, *, spin: bool = False
    ) -> Any:
        """``x = layer_norm(x + h) * weight + bias`` over the last dimension, in place
        (``h`` may be None); weight and bias float32."""
        import torch

        bf16 = _storage(x)
        n = x.shape[-1]
        if h is not None and (h.shape != x.shape or _storage(h) != bf16):
            raise ValueError("add_layer_norm: x and h differ in shape or dtype")
        for vector in (weight, bias):
            if vector.dtype != torch.float32 or vector.shape != (n,) or not vector.is_contiguous():
                raise ValueError("add_layer_norm: weight and bias are float32 vectors of x's width")
        struct = Norm(
            x.data_ptr(),
            None if h is None else h.data_ptr(),
            weight.data_ptr(),
            bias.data_ptr(),
            x.numel() // n,
            n,
            eps,
            bf16,
            SPIN_NS if spin else 0,
        )
        self._encode_call("add_layer_norm", struct)
        return x

    def gelu(self, x: Any, *, spin: bool = False) -> Any:
        """gelu (erf form) in place. float32 within 5e-7 of the exact value (its erf within
        1.5e-7); bfloat16 from a coarser erf (5e-4), below the precision bfloat16 keeps."""
        struct = Gelu(x.data_ptr(), x.numel(), _storage(x), SPIN_NS if spin else 0)
        self._encode_call("gelu", struct)
        return x


_instance: NativeKernels | None = None
_instance_error: str | None = None
_instance_lock = threading.Lock()


def _forget_instance() -> None:
    # A forked child (a Celery prefork worker, say) has none of the parent's helper threads:
    # decode.c runs its tasks single-threaded there until decode_init starts new ones, which
    # the next native_kernels() call does.
    global _instance, _instance_error, _instance_lock
    _instance, _instance_error, _instance_lock = None, None, threading.Lock()


os.register_at_fork(after_in_child=_forget_instance)


def native_kernels(threads: int) -> NativeKernels:
    """The process's kernel (built and started once), or KernelUnavailable with the reason."""
    global _instance, _instance_error
    with _instance_lock:
        if _instance is None and _instance_error is None:
            try:
                _instance = NativeKernels(threads)
            except (KernelUnavailable, OSError, subprocess.SubprocessError) as exc:
                _instance_error = str(exc)
        if _instance is None:
            raise KernelUnavailable(_instance_error or "unknown")
        return _instance
