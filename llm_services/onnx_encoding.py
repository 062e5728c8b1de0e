"""BERT-style sentence encoders (BERT, RoBERTa, XLM-RoBERTa) on ONNX Runtime.

The model folder's transformer and its pooling are exported once to ONNX with torch's
TorchScript exporter (``dynamo=False``; eager attention, which ORT's transformer optimizer
fuses into its ``Attention`` op), optimised by ``onnxruntime.transformers.optimizer`` (fused
attention, bias + gelu, skip + layer norm) and, for ``quantization="int8"``, quantized by
``onnxruntime.quantization.quantize_dynamic``: int8 weights per output channel and uint8
activations scaled per batch, for the attention output and FFN up MatMuls; the FFN down
projection and attention's q/k/v (inside the fused ``Attention``) stay float32 (VARIANTS says
why). Cosine to float32 on e5: min 0.9986 over 1,000 Home Depot titles and 1,000 demo
product texts. Dynamic quantization scales activations per batch, so an int8 vector depends
slightly on the texts batched with it.

The files are cached under ``<LLM_MODEL_DIR>/onnx/``, named by a hash of the source folder
(its manifest.json, else its files' names, sizes and modification times), the variant and
the versions of onnxruntime, torch and transformers: a changed model or library gives a
new file. They are written under a temporary name and renamed into place, with a lock file
so that processes starting together export once; a reader never sees half a file.

``tests/llm_services/test_onnx_encoding.py`` checks float32 against sentence-transformers on a
random XLM-RoBERTa and the real all-MiniLM-L6-v2 (BERT), and int8's cosine to float32.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from importlib.metadata import version
from pathlib import Path
from typing import Any

import torch

from llm_services.build_cache import prune_older_builds
from llm_services.encoding import layout_reason

logger = logging.getLogger("llm_services")

# Bump when the export, optimisation or quantization below changes the file it writes.
FORMAT_VERSION = 1
OPSET = 17
INPUTS = ("input_ids", "attention_mask")
OUTPUT = "embedding"


# CPU flags of int8 dot products that accumulate in 32 bits. Without them (AVX2 alone) ORT's
# u8 x s8 products add pairs in 16 bits, which 8-bit weights can overflow: 7-bit weights
# ("reduce_range") cannot.
INT8_DOT_FLAGS = frozenset({"avx512_vnni", "avx_vnni", "amx_int8"})
# Activations whose output feeds the FFN's down projection (fused by the optimizer, or not).
GELU_OPS = frozenset({"Gelu", "BiasGelu", "FastGelu"})


@dataclass(frozen=True)
class Variant:
    """One way of building the ONNX file: OPTIONS ``onnx_quantization`` picks it."""

    name: str
    quantize: bool = False
    # 7-bit weights; None: decided by the CPU (``for_this_cpu``).
    reduce_range: bool | None = None

    @property
    def description(self) -> str:
        if not self.quantize:
            return "float32"
        bits = ", 7-bit weights" if self.reduce_range else ""
        return f"int8 dynamic, MatMul per-channel{bits}, FFN down float32"

    def for_this_cpu(self) -> Variant:
        """This variant with ``reduce_range`` decided: 7-bit weights where the CPU has no
        32-bit int8 dot product (capped by LLM_KERNEL_ISA like every fast path)."""
        if not self.quantize or self.reduce_range is not None:
            return self
        from llm_services.cpu import cpu_flags

        return replace(self, reduce_range=not cpu_flags() & INT8_DOT_FLAGS)


# int8: weights per output channel, activations per batch, on the products with a weight
# except the FFN's down projection (its input, after gelu, has the outliers a per-tensor scale
# handles worst) and attention's q/k/v (inside the fused Attention op). Quantizing those
# too was faster but took all-MiniLM-L6-v2 below cosine 0.99 to float32 on shop text.
VARIANTS = {
    "none": Variant("none"),
    "int8": Variant("int8", quantize=True),
}


def unsupported_reason(sentence_model: Any) -> str | None:
    """Why ``OnnxEncoder`` cannot run this SentenceTransformer, or None when it can.

    The export traces the model's own forward pass, so any activation or attention head
    size works; what is checked is what the graph's inputs and pooling assume.
    """
    reason = layout_reason(sentence_model)
    if reason:
        return reason
    model = sentence_model[0].auto_model
    if model.dtype != torch.float32:
        return f"dtype {model.dtype} (the export reads float32 weights)"
    return None


def load_errors() -> tuple[type[BaseException], ...]:
    """What a failed export, optimisation or session start raises: ONNX Runtime's own
    errors derive from Exception alone."""
    from onnxruntime.capi import onnxruntime_pybind11_state as state

    return (
        OSError,
        ValueError,
        RuntimeError,
        TypeError,
        KeyError,
        state.Fail,
        state.InvalidArgument,
        state.InvalidGraph,
        state.InvalidProtobuf,
        state.NoSuchFile,
        state.NotImplemented,
        state.RuntimeException,
    )


def onnxruntime_version() -> str:
    """The installed onnxruntime's version; ImportError when it is not installed."""
    import onnxruntime

    return onnxruntime.__version__


def folder_identity(folder: Path) -> str:
    """What identifies a model folder's contents: its manifest.json (which records every
    file's sha256) where ``llm_prepare`` wrote one, else every file's relative path, size
    and modification time (hidden files and __pycache__ left out)."""
    folder = Path(folder).resolve()
    manifest = folder / "manifest.json"
    if manifest.is_file():
        return "manifest:" + hashlib.sha256(manifest.read_bytes()).hexdigest()
    entries = [str(folder)]
    files = (p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    for path in sorted(p for p in files if "__pycache__" not in p.parts):
        stat = path.stat()
        entries.append(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "files:" + hashlib.sha256("\n".join(entries).encode()).hexdigest()


def cache_path(folder: Path, variant: Variant, cache_dir: Path, *, pooling: str) -> Path:
    """Where the ONNX file of ``folder`` in ``variant``, with ``pooling``, is cached."""
    key = "\n".join(
        [
            f"format {FORMAT_VERSION}, opset {OPSET}",
            folder_identity(folder),
            f"pooling {pooling}",
            repr(variant),
            f"onnxruntime {onnxruntime_version()}",
            f"torch {torch.__version__}",
            f"transformers {version('transformers')}",
        ]
    )
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Path(cache_dir) / f"{Path(folder).resolve().name}-{variant.name}-{digest}.onnx"


class _Pooled(torch.nn.Module):
    """The transformer and its pooling, called with keyword arguments (transformers 5
    refuses positional ones) and returning the pooled (batch, hidden) embedding."""

    def __init__(self, model: torch.nn.Module, pooling: str) -> None:
        super().__init__()
        self.model = model
        self.pooling = pooling

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.model(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        if self.pooling == "cls":
            return hidden[:, 0]
        # sentence-transformers' Pooling: the mean over the real tokens.
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)


@contextlib.contextmanager
def _eager_attention(model: Any) -> Iterator[None]:
    """Trace eager attention, the form ORT's optimizer fuses (from SDPA it fuses none)."""
    previous = model.config._attn_implementation
    model.set_attn_implementation("eager")
    try:
        yield
    finally:
        model.set_attn_implementation(previous)


def export(sentence_model: Any, output: Path, variant: Variant) -> dict[str, int]:
    """Write ``sentence_model``'s ONNX file for ``variant`` to ``output``; returns the
    optimizer's counts of fused operators."""
    from onnxruntime.transformers.optimizer import optimize_model

    model = sentence_model[0].auto_model
    config = model.config
    output = Path(output)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".export-") as work:
        traced = Path(work) / "traced.onnx"
        example = sentence_model.preprocess(["an example text", "a second, longer example text"])
        wrapper = _Pooled(model, sentence_model[1].pooling_mode).eval()
        dynamic = {0: "batch", 1: "sequence"}
        with _eager_attention(model), torch.no_grad(), warnings.catch_warnings():
            # TracerWarnings about shapes taken as constants: the checks that trigger them
            # are about padding and causal masks, which a bidirectional encoder never has.
            warnings.simplefilter("ignore")
            torch.onnx.export(
                wrapper,
                (),
                str(traced),
                kwargs={name: example[name] for name in INPUTS},
                input_names=list(INPUTS),
                output_names=[OUTPUT],
                dynamic_axes={
                    "input_ids": dynamic,
                    "attention_mask": dynamic,
                    OUTPUT: {0: "batch"},
                },
                opset_version=OPSET,
                dynamo=False,
            )
        optimized = optimize_model(
            str(traced),
            model_type="bert",
            num_heads=config.num_attention_heads,
            hidden_size=config.hidden_size,
            opt_level=0,
        )
        fused = {k: v for k, v in optimized.get_fused_operator_statistics().items() if v}
        if not variant.quantize:
            optimized.save_model_to_file(str(output))
            return fused
        excluded = _down_projections(optimized.model.graph)
        optimized_path = Path(work) / "optimized.onnx"
        optimized.save_model_to_file(str(optimized_path))
        del optimized
        _quantize(optimized_path, output, variant, excluded)
        return fused


def _down_projections(graph: Any) -> list[str]:
    """The names of the MatMuls that read a gelu's output: the FFNs' down projections."""
    gelu_outputs = {out for node in graph.node if node.op_type in GELU_OPS for out in node.output}
    found = [n.name for n in graph.node if n.op_type == "MatMul" and n.input[0] in gelu_outputs]
    if found:
        return found
    # Gelu was neither fused nor exported as one op: the exporter's names say which they are.
    return [
        n.name
        for n in graph.node
        if n.op_type == "MatMul" and "/output/dense/" in n.name and "/attention/" not in n.name
    ]


def _quantize(source: Path, output: Path, variant: Variant, excluded: list[str]) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        source,
        output,
        op_types_to_quantize=["MatMul"],
        per_channel=True,
        reduce_range=bool(variant.reduce_range),
        nodes_to_exclude=excluded,
        weight_type=QuantType.QInt8,
        extra_options={
            # Only products with a weight; the types the fused contrib ops leave unknown to
            # shape inference are float32.
            "MatMulConstBOnly": True,
            "DefaultTensorType": onnx.TensorProto.FLOAT,
        },
    )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock beside ``path``, held across processes while it is built."""
    with open(path.with_name(f".{path.name}.lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_onnx_file(
    sentence_model: Any, folder: Path, variant: Variant, cache_dir: Path
) -> tuple[Path, float | None]:
    """The cached ONNX file of ``folder`` in ``variant``, exported from ``sentence_model``
    (loaded from that folder) when missing; returns its path and the seconds the export
    took, None when the file was already there."""
    path = cache_path(folder, variant, cache_dir, pooling=sentence_model[1].pooling_mode)
    if path.is_file():
        return path, None
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path):
        if path.is_file():  # another process built it while this one waited
            return path, None
        started = time.perf_counter()
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            fused = export(sentence_model, temporary, variant)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        prune_older_builds(path)
        seconds = time.perf_counter() - started
    logger.info(
        "ONNX export of %s (%s) in %.1f s -> %s; fused %s",
        folder,
        variant.description,
        seconds,
        path,
        fused,
    )
    return path, seconds


class OnnxEncoder:
    """``sentence_model``'s embeddings (before any Normalize module) from its features, on
    an ONNX Runtime session of the cached file.

    ``folder`` is the folder ``sentence_model`` was loaded from (it names the cache file);
    ``quantization`` a key of VARIANTS; ``threads`` ORT's intra-op threads (default: the
    thread count the first local backend set, else every CPU).
    """

    def __init__(
        self,
        sentence_model: Any,
        folder: Path,
        *,
        cache_dir: Path,
        quantization: str = "none",
        threads: int | None = None,
    ) -> None:
        import onnxruntime

        reason = unsupported_reason(sentence_model)
        if reason:
            raise ValueError(f"OnnxEncoder cannot run this model: {reason}")
        if quantization not in VARIANTS:
            raise ValueError(f"quantization {quantization!r} is not one of {', '.join(VARIANTS)}")
        self.variant = VARIANTS[quantization].for_this_cpu()
        self.path, self.export_seconds = ensure_onnx_file(
            sentence_model, folder, self.variant, cache_dir
        )
        if threads is None:
            from llm_services.backends.local import threads_in_use

            threads = threads_in_use() or os.cpu_count() or 1
        self.threads = threads
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Spinning workers would steal the core a web or Celery process needs (as
        # OMP_WAIT_POLICY=PASSIVE keeps torch's from doing).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(
            str(self.path), options, providers=["CPUExecutionProvider"]
        )
        self.version = onnxruntime.__version__

    @property
    def description(self) -> str:
        return f"onnxruntime {self.version} ({self.variant.description}; {self.threads} threads)"

    def __call__(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """(batch, hidden) float32 sentence embeddings of right-padded ``input_ids``."""
        (embeddings,) = self.session.run(
            [OUTPUT],
            {
                "input_ids": input_ids.numpy().astype("int64", copy=False),
                "attention_mask": attention_mask.numpy().astype("int64", copy=False),
            },
        )
        return torch.from_numpy(embeddings)
