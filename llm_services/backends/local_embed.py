"""In-process sentence-transformers embedder."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from llm_services.backends.base import check_kind, check_texts, l2_normalise
from llm_services.backends.local import LOAD_ERRORS, LocalBackend, import_torch, torch_dtype
from llm_services.exceptions import LLMUnavailable
from llm_services.types import EmbeddingKind

ENCODERS = ("auto", "sentence-transformers")


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
        encoder: "auto" (default) runs BERT-style models (BERT, RoBERTa, XLM-RoBERTa with
            mean or CLS pooling: e5, MiniLM) on ``llm_services.encoding``, packed without
            padding, with native attention, norms and gelu (1.7x sentence-transformers on e5
            in bfloat16; float32 vectors within 2e-6 of it); other models, or a machine where
            the kernels cannot be built, use sentence-transformers, and ``runtime`` says why.
            "sentence-transformers" always uses it.
    """

    def __init__(self, *, alias: str, model: str, revision: str, options: dict[str, Any]) -> None:
        super().__init__(alias=alias, model=model, revision=revision, options=options)
        self.query_prefix: str = options.get("query_prefix", "")
        self.document_prefix: str = options.get("document_prefix", "")
        self.batch_size: int = int(options.get("batch_size", 32))
        torch = import_torch(options)
        dtype = torch_dtype(torch, options)
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
        encoder = options.get("encoder", "auto")
        if encoder not in ENCODERS:
            raise LLMUnavailable(
                f"LLM alias {alias!r}: encoder {encoder!r} is not one of {', '.join(ENCODERS)}."
            )
        self.lean, engine = self._lean_encoder() if encoder == "auto" else (None, encoder)
        self.runtime = (
            f"{engine}, {str(dtype).removeprefix('torch.')}, "
            f"batch {self.batch_size}, max {self.model.max_seq_length} tokens"
        )
        self._dim = int(self.model.get_embedding_dimension())

    def _lean_encoder(self) -> tuple[Any, str]:
        """llm_services.encoding's encoder for this model and a description of the engine, or
        None and why sentence-transformers serves instead."""
        from llm_services.encoding import LeanEncoder, unsupported_reason

        reason = unsupported_reason(self.model)
        if reason:
            return None, f"sentence-transformers ({reason})"
        kernels, missing = self.load_native_kernels("encoder")
        if kernels is None:
            return None, f"sentence-transformers (native kernels unavailable: {missing})"
        encoder = LeanEncoder(self.model, kernels)
        products = "oneDNN prepacked" if encoder.prepacked else "F.linear"
        return encoder, (
            f"llm_services.encoding (packed; products {products}; "
            f"encode.c {kernels.isa}, {kernels.threads} threads)"
        )

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
            if self.lean is not None:
                vectors = self._lean_encode(texts, batch_size)
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

    def _lean_encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        """Batches of texts of similar length (longest first, as sentence-transformers
        batches), tokenized by the model's own preprocessing."""
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            features = self.model.preprocess([texts[i] for i in chunk])
            vectors[chunk] = self.lean(features["input_ids"], features["attention_mask"]).numpy()
        return vectors

    def close(self) -> None:
        self.__dict__.pop("model", None)
        self.__dict__.pop("lean", None)
