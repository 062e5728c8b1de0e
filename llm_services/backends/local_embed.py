"""In-process sentence-transformers embedder."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from llm_services.backends.base import check_kind, check_texts, l2_normalise
from llm_services.backends.local import (
    LOAD_ERRORS,
    LocalBackend,
    import_torch,
    logger,
    threads_in_use,
    torch_dtype,
)
from llm_services.cpu import cpu_flags
from llm_services.exceptions import LLMUnavailable
from llm_services.types import EmbeddingKind

ENCODERS = ("auto", "native", "onnxruntime", "sentence-transformers")
ONNX_QUANTIZATIONS = ("none", "int8")
QUANTIZATIONS = ("none", "int8", "auto")


class SentenceTransformerEmbedder(LocalBackend):
    """A sentence-transformers model folder loaded on the CPU.

    OPTIONS:
        query_prefix / document_prefix: prepended to texts of that kind ("query: " and
            "passage: " for e5; empty for MiniLM).
        batch_size: texts per forward pass (default 32). sentence-transformers sorts a call's
            texts by length before batching (and restores the order), so a batch pads little.
        dtype: "float32" (default), "bfloat16", "float16" for the weights and activations, or
            "auto": bfloat16 on CPUs with native bfloat16 (AVX512-BF16/AMX: about 2x float32,
            cosine to float32 >= 0.9999), float32 elsewhere (emulated bfloat16 is 7x slower).
            bfloat16 runs the encoder's matrix products on AVX512-BF16/AMX where the CPU has
            them (about twice as fast as float32 on 2 cores, cosine to float32 >= 0.9999 on
            shop text; see docs/benchmarks.md). Vectors are returned as float32 either way.
        max_seq_length: tokens kept per text (default: the model folder's, 512 for e5); longer
            texts are truncated.
        threads: torch threads (default env LLM_NUM_THREADS, else every CPU).
        encoder: "native" runs BERT-style models (BERT, RoBERTa, XLM-RoBERTa with mean or
            CLS pooling: e5, MiniLM) on ``llm_services.encoding``, packed without padding,
            with native attention, norms and gelu (1.7x sentence-transformers on e5 in
            bfloat16; float32 vectors within 2e-6 of it). "onnxruntime" runs them on ONNX
            Runtime (``llm_services.onnx_encoding``), from an ONNX file exported once and
            cached under LLM_MODEL_DIR/onnx/ (``manage.py llm_prepare`` builds it for the
            configured aliases); it computes in float32 or int8 (onnx_quantization), and
            ``dtype`` must be "auto" or "float32" with it. "sentence-transformers" runs the
            model as sentence-transformers does. "auto" (default) is "native" where the model
            and the machine allow it, else sentence-transformers, and ``runtime`` says why;
            an explicit "native" or "onnxruntime" that cannot run raises LLMUnavailable.
        quantization: with the native encoder, "none" (default), "int8" or "auto".
            "int8" runs its matrix products on ``llm_services/kernels/gemm.c``: int8 weights
            with one scale per output channel, each activation row rounded to int16, exact
            integer products (1.5x oneDNN's float32 products on an AVX2-only CPU; cosine to
            float32 >= 0.999 on e5, docs/benchmarks.md). It needs dtype float32. "auto" is
            int8 where the native encoder computes in float32 on a CPU without AVX-512 (an
            AVX2-only CPU, or LLM_KERNEL_ISA=avx2), "none" elsewhere (bfloat16 where the CPU
            has it natively; oneDNN's AVX-512 float32 products otherwise).
        onnx_quantization: with encoder "onnxruntime", "none" (default: float32, vectors
            within 1e-5 of sentence-transformers) or "int8": dynamic int8 for the attention
            output and FFN up MatMuls (weights per output channel, 7-bit on CPUs without
            VNNI), the FFN down projection and q/k/v in float32; cosine to float32 >= 0.998
            on e5 over 2,000 shop texts (``llm_services.onnx_encoding``).
    """

    def __init__(self, *, alias: str, model: str, revision: str, options: dict[str, Any]) -> None:
        super().__init__(alias=alias, model=model, revision=revision, options=options)
        self.query_prefix: str = options.get("query_prefix", "")
        self.document_prefix: str = options.get("document_prefix", "")
        self.batch_size: int = int(options.get("batch_size", 32))
        torch = import_torch(options)
        encoder = options.get("encoder", "auto")
        if encoder not in ENCODERS:
            raise LLMUnavailable(
                f"LLM alias {alias!r}: encoder {encoder!r} is not one of {', '.join(ENCODERS)}."
            )
        if encoder == "onnxruntime":
            onnx_quantization = self._onnx_options(options)
            dtype = torch.float32
        else:
            dtype = torch_dtype(torch, options)
        quantization = self._native_quantization(options, encoder, dtype == torch.float32)
        max_seq_length = options.get("max_seq_length")
        if max_seq_length is not None and int(max_seq_length) < 1:
            raise LLMUnavailable(f"LLM alias {alias!r}: max_seq_length must be at least 1.")
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()
            self.model = SentenceTransformer(
                str(self.path), device="cpu", local_files_only=True, trust_remote_code=False
            )
        except LOAD_ERRORS as exc:
            raise self.load_error(exc) from exc
        self.model.eval()
        if dtype != torch.float32:
            from llm_services.quantization import release_checkpoint

            self.model.to(dtype)
            release_checkpoint(self.model)
        if max_seq_length is not None:
            self.model.max_seq_length = int(max_seq_length)
        self._dim = int(self.model.get_embedding_dimension())
        self.lean: Any = None
        self.onnx: Any = None
        if encoder == "onnxruntime":
            self.onnx = self._onnx_encoder(onnx_quantization)
            engine = self.onnx.description
        elif encoder == "sentence-transformers":
            engine = f"sentence-transformers, {str(dtype).removeprefix('torch.')}"
        else:
            self.lean, engine, reason = self._lean_encoder(quantization)
            if reason and encoder == "native":
                raise LLMUnavailable(f"LLM alias {alias!r}: encoder 'native' cannot run: {reason}.")
            engine += f", {str(dtype).removeprefix('torch.')}"
        self.runtime = f"{engine}, batch {self.batch_size}, max {self.model.max_seq_length} tokens"

    def _native_quantization(self, options: dict[str, Any], encoder: str, float32: bool) -> str:
        """OPTIONS quantization, checked against the encoder and dtype, "auto" decided."""
        quantization = options.get("quantization", "none")
        if quantization not in QUANTIZATIONS:
            raise LLMUnavailable(
                f"LLM alias {self.alias!r}: quantization {quantization!r} is not one of "
                f"{', '.join(QUANTIZATIONS)}."
            )
        if quantization == "auto":
            # gemm.c is written for AVX2's 256-bit registers: on an AVX2-only CPU it is 1.5x
            # oneDNN's float32 products, but AVX-512 doubles float32's width and not its own.
            wide = "avx512f" in cpu_flags()
            return "int8" if float32 and not wide and encoder in ("auto", "native") else "none"
        if quantization == "int8" and (encoder not in ("auto", "native") or not float32):
            raise LLMUnavailable(
                f"LLM alias {self.alias!r}: quantization 'int8' is the native encoder's, on "
                "float32 weights (encoder 'auto' or 'native', dtype 'float32' or 'auto' on a "
                "CPU without native bfloat16); ONNX Runtime's is onnx_quantization."
            )
        return quantization

    def _lean_encoder(self, quantization: str) -> tuple[Any, str, str | None]:
        """llm_services.encoding's encoder for this model, a description of the engine and
        None; or None, the sentence-transformers engine that serves instead, and why."""
        from llm_services.encoding import LeanEncoder, unsupported_reason

        reason = unsupported_reason(self.model)
        if reason:
            return None, f"sentence-transformers ({reason})", reason
        kernels, missing = self.load_native_kernels("encoder")
        if kernels is None:
            reason = f"native kernels unavailable: {missing}"
            return None, f"sentence-transformers ({reason})", reason
        encoder = LeanEncoder(self.model, kernels, quantization)
        engine = (
            f"llm_services.encoding (packed; products {encoder.products}; "
            f"encode.c {kernels.isa}, {kernels.threads} threads)"
        )
        return encoder, engine, None

    def _onnx_options(self, options: dict[str, Any]) -> str:
        """OPTIONS onnx_quantization, checked with dtype and the onnxruntime import before the
        model loads."""
        quantization = options.get("onnx_quantization", "none")
        if quantization not in ONNX_QUANTIZATIONS:
            raise LLMUnavailable(
                f"LLM alias {self.alias!r}: onnx_quantization {quantization!r} is not one of "
                f"{', '.join(ONNX_QUANTIZATIONS)}."
            )
        dtype = options.get("dtype", "float32")
        if dtype not in ("auto", "float32"):
            raise LLMUnavailable(
                f"LLM alias {self.alias!r}: encoder 'onnxruntime' computes in float32 or int8 "
                f"(onnx_quantization); dtype {dtype!r} is for the torch encoders."
            )
        try:
            from llm_services.onnx_encoding import onnxruntime_version

            onnxruntime_version()
        except ImportError as exc:
            raise LLMUnavailable(
                f"LLM alias {self.alias!r}: encoder 'onnxruntime' needs the onnxruntime and "
                f"onnx packages ({exc}). Install the pinned requirements, or set OPTIONS "
                "encoder to 'auto'."
            ) from exc
        return quantization

    def _onnx_encoder(self, quantization: str) -> Any:
        """An OnnxEncoder on the cached ONNX file (exported now if missing: llm_prepare
        builds it ahead). The torch weights are released once the session holds its own."""
        from llm_services.conf import model_dir
        from llm_services.onnx_encoding import OnnxEncoder, load_errors, unsupported_reason

        reason = unsupported_reason(self.model)
        if reason:
            raise LLMUnavailable(
                f"LLM alias {self.alias!r}: encoder 'onnxruntime' cannot run this model: {reason}."
            )
        try:
            encoder = OnnxEncoder(
                self.model,
                self.path,
                cache_dir=model_dir() / "onnx",
                quantization=quantization,
                threads=threads_in_use(),
            )
        except load_errors() as exc:
            raise LLMUnavailable(
                f"LLM alias {self.alias!r}: the ONNX Runtime encoder of {self.path} failed: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
        if encoder.export_seconds is not None:
            logger.info(
                "LLM alias %s: exported %s to ONNX in %.1f s",
                self.alias,
                self.path,
                encoder.export_seconds,
            )
        # Tokenizing is all the SentenceTransformer does from now on.
        self.model[0].auto_model.to("meta")
        return encoder

    @property
    def dim(self) -> int:
        return self._dim

    def prefixed(self, texts: Sequence[str], *, kind: EmbeddingKind) -> list[str]:
        """The texts exactly as the model sees them, with the prefix for ``kind``."""
        prefix = self.query_prefix if kind == "query" else self.document_prefix
        return [prefix + text for text in texts]

    def encode(
        self,
        texts: Sequence[str],
        *,
        kind: EmbeddingKind = "document",
        batch_size: int | None = None,
    ) -> np.ndarray:
        texts = check_texts(texts)
        check_kind(kind)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        texts = self.prefixed(texts, kind=kind)
        batch_size = batch_size or self.batch_size
        with self.lock:
            forward = self.lean if self.lean is not None else self.onnx
            if forward is not None:
                vectors = self._packed_encode(forward, texts, batch_size)
            else:
                vectors = self.model.encode(
                    texts,
                    # OPTIONS prefixes are the only ones: an empty prompt keeps a folder's
                    # default_prompt_name from adding a second.
                    prompt="",
                    batch_size=batch_size,
                    convert_to_numpy=True,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                )
        # Normalised again in float32 so every backend returns norms of 1 to float precision.
        return l2_normalise(vectors)

    def _packed_encode(self, forward: Any, texts: list[str], batch_size: int) -> np.ndarray:
        """``forward`` (the native or the ONNX Runtime encoder) on batches of texts of similar
        length (longest first, as sentence-transformers batches), tokenized by the model's
        own preprocessing."""
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            features = self.model.preprocess([texts[i] for i in chunk])
            vectors[chunk] = forward(features["input_ids"], features["attention_mask"]).numpy()
        return vectors

    def close(self) -> None:
        self.__dict__.pop("model", None)
        self.__dict__.pop("lean", None)
        self.__dict__.pop("onnx", None)


def onnx_aliases() -> list[str]:
    """The aliases of LLM_MODELS served by this embedder with encoder "onnxruntime"."""
    from django.utils.module_loading import import_string

    from llm_services.conf import get_model_settings

    aliases = []
    for alias, config in get_model_settings().items():
        if not config or (config.get("OPTIONS") or {}).get("encoder") != "onnxruntime":
            continue
        try:
            backend = import_string(config["BACKEND"])
        except (ImportError, KeyError):
            continue  # the system checks report it
        if isinstance(backend, type) and issubclass(backend, SentenceTransformerEmbedder):
            aliases.append(alias)
    return aliases


def build_onnx_file(alias: str) -> str:
    """Load ``alias`` once so that its ONNX file is in the cache (``manage.py llm_prepare``
    calls it, so that no serving process waits for the export); a line saying what was done.

    Raises:
        LLMUnavailable: the alias cannot load (its folder is missing, the export failed).
    """
    from django.utils.module_loading import import_string

    from llm_services.conf import get_model_settings, normalise_config

    config = normalise_config(get_model_settings()[alias])
    backend = import_string(config["BACKEND"])(
        alias=alias,
        model=config["MODEL"],
        revision=config["REVISION"],
        options=config["OPTIONS"],
    )
    try:
        onnx = backend.onnx
        done = (
            "up to date"
            if onnx.export_seconds is None
            else f"exported in {onnx.export_seconds:.1f} s"
        )
        return f"{alias}: ONNX file ({onnx.variant.description}) {done}: {onnx.path}"
    finally:
        backend.close()
