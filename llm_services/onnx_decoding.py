"""Causal-LM decoding on ONNX Runtime, with the model built by onnxruntime-genai's builder.

``CausalLMGenerator(decoder="onnxruntime")`` serves through this module: any causal LM the
builder knows (Gemma 3 text, Llama / SmolLM2, Qwen, Phi...) runs as one ONNX graph with fused
operators (``GroupQueryAttention`` with rotary embeddings and sliding windows,
``MatMulNBits`` for int8 weights), while the decode loop stays ours, so transformers' logits
processors (``llm_services.constraints``, sampling) apply at every step exactly as in
``llm_services.decoding``.

- ``build_model(source, variant)`` writes the graph once into
  ``<LLM_MODEL_DIR>/onnx/<folder>-<variant>-<key>/``, the key hashing the source folder's
  identity, the variant and the engine versions; it is built in a child process (the builder
  loads the float32 model with torch: about 5 GB at peak for Gemma 3 270M) into a temporary
  folder that is renamed into place when complete. ``manage.py llm_prepare`` calls it for the
  configured generator; ``CausalLMGenerator`` calls it on load otherwise.
- ``OnnxDecoder.generate`` has ``Gemma3Decoder.generate``'s signature and semantics.

Variants: "int8" stores every linear layer and the LM head as 8-bit weights with a float32
scale per block of 32 inputs (``MatMulNBits``, accuracy level 4: ONNX Runtime's CPU kernel
quantises the activations to int8 per block of 32 as well; its float-activation path for 8-bit
weights dequantises the whole matrix every call, 0.4 tokens/s on Gemma 3 270M); the embedding
table is stored as float16 (the builder quantises it only to 4 bits). "float32" keeps every
weight as it is (for a tied LM head ONNX Runtime then holds the table twice, transposed).

The cache of keys and values is kept packed to the left inside the engine (row b's tokens in
columns 0..len_b-1, the layout ``GroupQueryAttention`` computes positions from); the ids the
caller, the processors and the streamer see are left-padded, as ``Gemma3Decoder`` gives them.
The graph is edited after the build (``_edit``): the LM head computes one position per row
(``logits_index``) instead of every prompt position, and Gemma's embedding factor is the exact
sqrt(hidden size), not the builder's two decimals.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from llm_services.build_cache import prune_older_builds

logger = logging.getLogger("llm_services")

ENGINE = "onnxruntime"
VARIANTS = ("int8", "float32")
# The builder's precision and options for each variant.
_PRECISIONS = {"int8": "int8", "float32": "fp32"}
# Full-length caches on every layer (the ring buffer of sliding-window layers is for the
# genai runtime's own loop), and int8 x int8 products for the int8 weights.
_BUILD_OPTIONS = ("windowed_kv_cache=false", "accuracy_level=4")
# Bumped when what this module does to a built model changes: old builds are not reused.
BUILD_FORMAT = 2
LOGITS_INDEX = "logits_index"
_KEEP = ("model.onnx", "model.onnx.data", "genai_config.json")

StopCheck = Callable[[Any], Sequence[bool]]


class OnnxBuildError(RuntimeError):
    """The builder could not turn a model folder into an ONNX graph (unsupported, failed)."""


def variant_for(options: dict[str, Any]) -> str:
    """The variant a generator's OPTIONS ask for: "int8" with quantization "int8"."""
    return "int8" if options.get("quantization", "none") == "int8" else "float32"


def wanted_by(config: dict[str, Any], source: Path) -> bool:
    """Whether an LLM_MODELS entry (normalised) of the model folder ``source`` is a local
    generator that decodes on this engine: by its decoder option, or by what "auto" picks."""
    if config["BACKEND"].rsplit(".", 1)[-1] != "CausalLMGenerator":
        return False
    decoder = config["OPTIONS"].get("decoder", "auto")
    if decoder == "auto":
        from llm_services.backends.local_generate import auto_decoder

        decoder = auto_decoder(source)[0]
    return decoder == ENGINE


# Model types this module has built and checked token for token against transformers
# (tests/llm_services/test_onnx_decoding.py); the builder knows more, unchecked here.
CHECKED_MODEL_TYPES = ("gemma3_text", "llama")
# GroupQueryAttention's CPU kernel takes head sizes in multiples of 16.
HEAD_ALIGN = 16


def unsupported_reason(config: Any) -> str | None:
    """Why this module would not serve a model with this transformers config (None: it would),
    without building anything."""
    try:
        engine_versions()
    except ImportError as exc:
        return str(exc)
    text = config.get_text_config()
    if text.model_type not in CHECKED_MODEL_TYPES:
        return f"model type {text.model_type!r} is not one built and checked here"
    head_dim = getattr(text, "head_dim", None) or text.hidden_size // text.num_attention_heads
    if head_dim % HEAD_ALIGN:
        return f"head size {head_dim} (ONNX Runtime's attention takes multiples of {HEAD_ALIGN})"
    return None


def engine_versions() -> dict[str, str]:
    """The installed versions of the engine and its builder (ImportError if either lacks),
    read from their metadata: serving never loads the builder's native library."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return {name: version(name) for name in ("onnxruntime", "onnxruntime-genai")}
    except PackageNotFoundError as exc:
        raise ImportError(f"{exc.name} is not installed: decoder 'onnxruntime' needs it") from exc


def _source_identity(source: Path) -> list[Any]:
    """What identifies a model folder: its manifest (sha256 of every file) when it has one,
    else each file's name, size and modification time."""
    manifest = source / "manifest.json"
    if manifest.is_file():
        return ["manifest", manifest.read_text(encoding="utf-8")]
    files = sorted(p for p in source.rglob("*") if p.is_file())
    return [
        [str(p.relative_to(source)), p.stat().st_size, p.stat().st_mtime_ns]
        for p in files
        if not p.name.startswith(".") and "__pycache__" not in p.parts
    ]


def build_key(source: Path, variant: str) -> str:
    """A hash of the source folder's identity, the variant and the engine versions."""
    payload = {
        "source": _source_identity(source),
        "variant": variant,
        "options": list(_BUILD_OPTIONS),
        "engine": engine_versions(),
        "format": BUILD_FORMAT,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def cache_root() -> Path:
    """``<LLM_MODEL_DIR>/onnx``, where built models are kept."""
    from llm_services.conf import model_dir

    return model_dir() / "onnx"


def model_path(source: Path, variant: str, *, root: Path | None = None) -> Path:
    """Where ``build_model`` keeps ``source`` built as ``variant`` (built or not)."""
    if variant not in VARIANTS:
        raise ValueError(f"ONNX variant must be one of {VARIANTS}, not {variant!r}")
    root = cache_root() if root is None else root
    return root / f"{source.name}-{variant}-{build_key(source, variant)}"


def build_model(source: Path, variant: str, *, root: Path | None = None) -> tuple[Path, float]:
    """The built model folder of ``source`` as ``variant``, built now if missing.

    Returns the folder and the seconds spent building (0.0 when it was already there).
    Raises OnnxBuildError when the builder fails (an architecture it does not know).
    """
    target = model_path(Path(source), variant, root=root)
    if (target / "model.onnx").is_file():
        return target, 0.0
    target.parent.mkdir(parents=True, exist_ok=True)
    # One build at a time per folder: each peaks at about 5 GB, and web and worker processes
    # warming at the same start would otherwise all build the same model.
    with open(target.parent / f".{target.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / "model.onnx").is_file():
            return target, 0.0
        return target, _build_locked(Path(source), target, variant)


def _build_locked(source: Path, target: Path, variant: str) -> float:
    began = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent))
    try:
        env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
            "PYTHONPATH": os.pathsep.join(
                [str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")]
            ),
        }
        command = [sys.executable, "-m", __name__, str(source), str(work / "model"), variant]
        done = subprocess.run(  # noqa: S603 - our own module, fixed arguments
            command, env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            output = (done.stdout + done.stderr).strip().splitlines()
            raise OnnxBuildError(
                f"onnxruntime-genai could not build {source} ({variant}): "
                + "\n".join(output[-15:])
            )
        try:
            os.replace(work / "model", target)
        except OSError:
            # Another process built it meanwhile: keep theirs.
            if not (target / "model.onnx").is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    seconds = time.perf_counter() - began
    logger.info("Built ONNX model %s (%s) in %.1f s: %s", source.name, variant, seconds, target)
    prune_older_builds(target)
    return seconds


def _build(source: Path, output: Path, variant: str) -> None:
    """Run the builder (in the child process ``build_model`` starts), then edit the graph."""
    from onnxruntime_genai.models import builder

    precision = _PRECISIONS[variant]
    cache = output.parent / "builder-cache"
    options = builder.parse_extra_options(
        None, str(source), str(output), precision, "cpu", str(cache), list(_BUILD_OPTIONS)
    )
    config = options["_effective_builder_config"].extra_options["hf_details"]["hf_config"]
    _flatten_rope(config)
    builder.create_model(None, str(source), str(output), precision, "cpu", str(cache), **options)
    for path in output.iterdir():
        if path.name not in _KEEP:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    _edit(output / "model.onnx", half_embeddings=variant == "int8")


def _flatten_rope(config: Any) -> None:
    """transformers 5 writes Gemma 3's two rotary bases per layer type; the builder reads the
    older flat attributes (rope_theta, rope_local_base_freq)."""
    rope = getattr(config, "rope_parameters", None)
    if isinstance(rope, dict) and "full_attention" in rope:
        if "sliding_attention" in rope:
            config.rope_local_base_freq = rope["sliding_attention"]["rope_theta"]
        config.rope_theta = rope["full_attention"]["rope_theta"]
        config.rope_parameters = dict(rope["full_attention"])


def _edit(path: Path, *, half_embeddings: bool) -> None:
    """What this module changes in the builder's graph (``BUILD_FORMAT``), saved in place."""
    import onnx

    model = onnx.load(str(path), load_external_data=half_embeddings)
    _gather_logits(model)
    _exact_embedding_scale(model)
    if half_embeddings:
        _half_embedding_table(model)
        data = path.with_name(f"{path.name}.data")
        data.unlink()
        onnx.save_model(
            model,
            str(path),
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location=data.name,
        )
        data.chmod(0o644)  # onnx writes it readable by its owner only
    else:
        onnx.save(model, str(path))


def _embedding_gather(graph: Any) -> Any:
    return next(
        (n for n in graph.node if n.op_type == "Gather" and n.input[1] == "input_ids"), None
    )


def _exact_embedding_scale(model: Any) -> None:
    """Gemma multiplies embeddings by sqrt(hidden size); the builder rounds the factor to two
    decimals (25.3 for 25.2982...), which moves every logit a little: use the exact one."""
    import math

    from onnx import numpy_helper

    graph = model.graph
    gather = _embedding_gather(graph)
    if gather is None:
        return
    table = next((i for i in graph.initializer if i.name == gather.input[0]), None)
    consumers = [n for n in graph.node if gather.output[0] in n.input and n.op_type == "Mul"]
    if table is None or len(consumers) != 1:
        return
    exact = math.sqrt(int(table.dims[1]))
    constants = {out: n for n in graph.node if n.op_type == "Constant" for out in n.output}
    for name in consumers[0].input:
        constant = constants.get(name)
        if constant is None:
            continue
        attribute = next(a for a in constant.attribute if a.name == "value")
        value = numpy_helper.to_array(attribute.t)
        if value.size == 1 and abs(float(value.reshape(-1)[0]) - round(exact, 2)) < 1e-6:
            attribute.t.CopyFrom(numpy_helper.from_array(value * 0 + exact, attribute.t.name))


def _half_embedding_table(model: Any) -> None:
    """Store the (float32) embedding table as float16 and widen the rows read: for Gemma 3
    270M that table is 671 MB of float32, read a row per token."""
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper

    graph = model.graph
    gather = _embedding_gather(graph)
    if gather is None:
        return
    table = next((i for i in graph.initializer if i.name == gather.input[0]), None)
    if table is None or table.data_type != TensorProto.FLOAT:
        return
    half = numpy_helper.from_array(numpy_helper.to_array(table).astype(np.float16), table.name)
    table.CopyFrom(half)
    rows = gather.output[0]
    gather.output[0] = f"{rows}/float16"
    cast = helper.make_node(
        "Cast", [gather.output[0]], [rows], f"{gather.name}/Cast", to=TensorProto.FLOAT
    )
    graph.node.insert(list(graph.node).index(gather) + 1, cast)


def _gather_logits(model: Any) -> None:
    """Make the LM head compute one position per row, chosen by the input ``logits_index``
    (batch,): the logits output becomes (batch, 1, vocabulary)."""
    from onnx import TensorProto, helper

    graph = model.graph
    logits = next(o for o in graph.output if o.name == "logits")
    # The LM head is the product feeding the logits (possibly through soft-capping ops).
    producers = {out: node for node in graph.node for out in node.output}
    node = producers["logits"]
    while node.op_type not in ("MatMul", "MatMulNBits"):
        node = producers[node.input[0]]
    hidden = (
        int(next(a.i for a in node.attribute if a.name == "K"))
        if node.op_type != "MatMul"
        else None
    )
    if hidden is None:
        weight = next(i for i in graph.initializer if i.name == node.input[1])
        hidden = int(weight.dims[0])
    source = node.input[0]
    graph.input.append(
        helper.make_tensor_value_info(LOGITS_INDEX, TensorProto.INT64, ["batch_size"])
    )
    graph.initializer.extend(
        [
            helper.make_tensor("logits_index/shape", TensorProto.INT64, [3], [-1, 1, 1]),
            helper.make_tensor("logits_index/expand", TensorProto.INT64, [3], [1, 1, hidden]),
        ]
    )
    gathered = f"{source}/at_logits_index"
    new_nodes = [
        helper.make_node(
            "Reshape",
            [LOGITS_INDEX, "logits_index/shape"],
            ["logits_index/3d"],
            "logits_index/Reshape",
        ),
        helper.make_node(
            "Expand",
            ["logits_index/3d", "logits_index/expand"],
            ["logits_index/full"],
            "logits_index/Expand",
        ),
        helper.make_node(
            "GatherElements",
            [source, "logits_index/full"],
            [gathered],
            "logits_index/Gather",
            axis=1,
        ),
    ]
    node.input[0] = gathered
    position = list(graph.node).index(node)
    for offset, new in enumerate(new_nodes):
        graph.node.insert(position + offset, new)
    logits.type.tensor_type.shape.dim[1].Clear()
    logits.type.tensor_type.shape.dim[1].dim_value = 1


class OnnxDecoder:
    """Greedy or sampled generation on a built model folder (``build_model``'s output)."""

    def __init__(self, folder: Path, *, threads: int, spinning: bool = False) -> None:
        import onnxruntime

        config = json.loads((folder / "genai_config.json").read_text(encoding="utf-8"))
        decoder = config["model"]["decoder"]
        self.folder = folder
        self.layers = int(decoder["num_hidden_layers"])
        self.kv_heads = int(decoder["num_key_value_heads"])
        self.head_dim = int(decoder["head_size"])
        self.vocab_size = int(config["model"]["vocab_size"])
        self.context_length = int(config["model"].get("context_length") or 0) or None
        if self.head_dim % 16:
            raise ValueError(
                f"ONNX Runtime's GroupQueryAttention takes heads of a multiple of 16 values; "
                f"this model's have {self.head_dim}"
            )
        self.threads = threads
        self.spinning = spinning
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry(
            "session.intra_op.allow_spinning", "1" if spinning else "0"
        )
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        self.session = onnxruntime.InferenceSession(
            str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        inputs = {i.name for i in self.session.get_inputs()}
        self.past = [
            (decoder["inputs"]["past_key_names"] % i, decoder["inputs"]["past_value_names"] % i)
            for i in range(self.layers)
        ]
        self.present = [
            (
                decoder["outputs"]["present_key_names"] % i,
                decoder["outputs"]["present_value_names"] % i,
            )
            for i in range(self.layers)
        ]
        missing = {LOGITS_INDEX, "input_ids", "attention_mask"} - inputs
        if missing:
            raise ValueError(f"{folder} is no model build_model made (no input {sorted(missing)})")
        self.version = onnxruntime.__version__

    def describe(self) -> str:
        return (
            f"onnxruntime {self.version}, {self.threads} threads"
            f"{'' if self.spinning else ', no spinning'}"
        )

    def _step(self, caches: list[Any], ids: Any, counts: Any, index: Any) -> Any:
        """One run of ``ids`` (rows, T), placed after each row's cached tokens, so that row
        b then has ``counts[b]`` tokens (a right-padded prompt: its length); the logits of
        column ``index[b]`` of each row. The cache is updated in place."""
        import numpy as np

        mask = (np.arange(int(counts.max()))[None, :] < counts[:, None]).astype(np.int64)
        binding = self.session.io_binding()
        binding.bind_cpu_input("input_ids", np.ascontiguousarray(ids, dtype=np.int64))
        binding.bind_cpu_input("attention_mask", mask)
        binding.bind_cpu_input(LOGITS_INDEX, np.ascontiguousarray(index, dtype=np.int64))
        binding.bind_output("logits")
        for (key, value), (key_out, value_out), (keys, values) in zip(
            self.past, self.present, caches, strict=True
        ):
            # The same buffers in and out: GroupQueryAttention writes the new columns in place.
            binding.bind_ortvalue_input(key, keys)
            binding.bind_ortvalue_input(value, values)
            binding.bind_ortvalue_output(key_out, keys)
            binding.bind_ortvalue_output(value_out, values)
        self.session.run_with_iobinding(binding)
        return binding.get_outputs()[0].numpy()[:, 0]

    def _caches(self, arrays: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
        from onnxruntime import OrtValue

        return [
            (OrtValue.ortvalue_from_numpy(k), OrtValue.ortvalue_from_numpy(v)) for k, v in arrays
        ]

    def score(self, ids: Sequence[int]) -> list[float]:
        """Log-probabilities of ``ids[1:]``, each token fed one decode step at a time, as
        generation computes them (perplexity of the served path)."""
        import numpy as np
        import torch

        total = len(ids)
        arrays = [
            tuple(np.zeros((1, self.kv_heads, total, self.head_dim), np.float32) for _ in "kv")
            for _ in range(self.layers)
        ]
        caches = self._caches(arrays)
        zero = np.zeros(1, dtype=np.int64)
        scores = []
        for column in range(total - 1):
            step = np.array([[ids[column]]], dtype=np.int64)
            logits = torch.from_numpy(self._step(caches, step, zero + column + 1, zero))
            scores.append(float(logits[0].log_softmax(-1)[ids[column + 1]]))
        return scores

    def generate(
        self,
        prompts: Sequence[Sequence[int]],
        *,
        max_new_tokens: int,
        pad_id: int,
        processors: Callable[[Any, Any], Any] | None = None,
        sample: bool = False,
        stop: StopCheck | None = None,
        streamer: Any = None,
    ) -> Any:
        """Prompt and generated ids of every row, left-padded: ``(rows, width + generated)``.

        ``processors`` (transformers' logits processors) see every row's ids so far and the
        next-token scores; ``stop`` gets the ids so far after each step and says which rows
        have finished. Finished rows continue with ``pad_id`` until all have finished or
        ``max_new_tokens`` are made. ``streamer`` gets ``put(prompt ids)``, then
        ``put(next ids)`` per step, then ``end()``, as transformers' streamers do.
        """
        import numpy as np
        import torch

        from llm_services.decoding import decode_steps

        batch = len(prompts)
        # Tokens in each active row's cache after the coming step.
        lengths = np.array([len(p) for p in prompts], dtype=np.int64)
        width = int(lengths.max())
        total = width + max_new_tokens
        ids = torch.full((batch, total), pad_id, dtype=torch.long)
        packed = np.full((batch, width), pad_id, dtype=np.int64)
        for row, prompt in enumerate(prompts):
            ids[row, width - len(prompt) : width] = torch.tensor(list(prompt), dtype=torch.long)
            packed[row, : len(prompt)] = prompt
        arrays = [
            tuple(np.zeros((batch, self.kv_heads, total, self.head_dim), np.float32) for _ in "kv")
            for _ in range(self.layers)
        ]
        caches = self._caches(arrays)
        if streamer is not None:
            streamer.put(ids[:, :width])
        with torch.inference_mode():
            logits = torch.from_numpy(self._step(caches, packed, lengths, lengths - 1))

            def advance(active: Any, keep: Any, length: int) -> Any:
                nonlocal lengths, arrays, caches
                if keep is not None:
                    rows = keep.numpy()
                    lengths = lengths[rows]
                    arrays = [(k[rows], v[rows]) for k, v in arrays]
                    caches = self._caches(arrays)
                lengths = lengths + 1
                step = ids[active, length - 1 : length].numpy()
                index = np.zeros(len(active), dtype=np.int64)
                return torch.from_numpy(self._step(caches, step, lengths, index))

            length = decode_steps(
                ids,
                width,
                logits,
                advance,
                pad_id=pad_id,
                processors=processors,
                sample=sample,
                stop=stop,
                streamer=streamer,
            )
        if streamer is not None:
            streamer.end()
        return ids[:, :length]


if __name__ == "__main__":
    # python -m llm_services.onnx_decoding SOURCE OUTPUT VARIANT (what build_model runs).
    _build(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3])
