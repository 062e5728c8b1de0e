"""Deterministic test doubles for unit tests of callers. Never a default: checks warn otherwise.

- ``FakeEmbedder``: hashed bag-of-words vectors, so texts sharing words are similar and the same
  text always gets the same vector.
- ``FakeGenerator``: answers OPTIONS["reply"] if set, else "echo: <last user message>"; one
  whitespace-separated word is one token. Every call is appended to ``calls``.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Collection, Iterator, Sequence
from typing import Any

import numpy as np

from llm_services.backends.base import (
    Backend,
    check_kind,
    check_texts,
    find_stop,
    l2_normalise,
    record_embedding,
    record_generation,
)
from llm_services.exceptions import LLMBadRequest
from llm_services.no_copy import NoCopy
from llm_services.types import EmbeddingKind, Generation, PromptOrMessages, validate_messages

WORD = re.compile(r"\w+")


def _word_vector(word: str, dim: int) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(word.encode()).digest()[:8], "little")
    return np.random.default_rng(seed).standard_normal(dim).astype(np.float32)


class FakeEmbedder(Backend):
    """OPTIONS: dim (default 64)."""

    is_fake = True

    def __init__(self, *, alias: str, model: str, revision: str, options: dict[str, Any]) -> None:
        super().__init__(alias=alias, model=model or "fake", revision=revision, options=options)
        self._dim = int(options.get("dim", 64))
        self.calls: list[dict[str, Any]] = []

    @property
    def dim(self) -> int:
        return self._dim

    def encode(
        self,
        texts: Sequence[str],
        *,
        kind: EmbeddingKind = "document",
        batch_size: int | None = None,
    ) -> np.ndarray:
        texts = check_texts(texts)
        check_kind(kind)
        self.calls.append({"texts": texts, "kind": kind})
        started = time.perf_counter()
        vectors = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in WORD.findall(text.lower()) or [""]:
                vectors[row] += _word_vector(word, self._dim)
        elapsed_ms = (time.perf_counter() - started) * 1000
        record_embedding(
            self.alias, revision=self.revision, items=len(texts), latency_ms=elapsed_ms
        )
        return l2_normalise(vectors)


class FakeGenerator(Backend):
    """OPTIONS: reply (a fixed answer; default: echo the prompt or last user message)."""

    is_fake = True

    def __init__(self, *, alias: str, model: str, revision: str, options: dict[str, Any]) -> None:
        super().__init__(alias=alias, model=model or "fake", revision=revision, options=options)
        self.calls: list[dict[str, Any]] = []

    def _answer(self, prompt_or_messages: PromptOrMessages) -> tuple[str, int]:
        if isinstance(prompt_or_messages, str):
            prompt, last = prompt_or_messages, prompt_or_messages
        else:
            messages = validate_messages(prompt_or_messages)
            prompt = "\n".join(m["content"] for m in messages)
            last = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        reply = self.options.get("reply", f"echo: {last}")
        return reply, len(prompt.split())

    def generate(
        self,
        prompt_or_messages: PromptOrMessages,
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.2,
        stop: Sequence[str] | None = None,
    ) -> Generation:
        if max_new_tokens < 1:
            raise LLMBadRequest("max_new_tokens must be at least 1.")
        began = time.perf_counter()
        self.calls.append(
            {"prompt": prompt_or_messages, "max_new_tokens": max_new_tokens, "stop": stop}
        )
        reply, prompt_tokens = self._answer(prompt_or_messages)
        words = reply.split()
        text = " ".join(words[:max_new_tokens])
        cut = find_stop(text, stop or ())
        if cut is not None:
            text = text[:cut]
        generation = Generation(
            text=text,
            model_id=self.model_id,
            revision=self.revision,
            prompt_tokens=prompt_tokens,
            completion_tokens=min(len(words), max_new_tokens),
            latency_ms=(time.perf_counter() - began) * 1000,
            finish_reason="length" if len(words) > max_new_tokens and cut is None else "stop",
        )
        record_generation(self.alias, generation)
        return generation

    def generate_batch(
        self,
        prompts: Sequence[PromptOrMessages],
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.2,
        stop: Sequence[str] | None = None,
        avoid: Sequence[Sequence[str]] | None = None,
        numbers: Sequence[Collection[str] | None] | None = None,
        no_copy: Sequence[NoCopy | None] | None = None,
    ) -> list[Generation]:
        # The double's echo text never contains a phrase or number it was not given, nor
        # another text: nothing to ban.
        return [
            self.generate(p, max_new_tokens=max_new_tokens, temperature=temperature, stop=stop)
            for p in prompts
        ]

    def stream(
        self,
        prompt_or_messages: PromptOrMessages,
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.2,
        stop: Sequence[str] | None = None,
        numbers: Collection[str] | None = None,
        copy_from: str | None = None,
        first_token_timeout: float | None = None,
    ) -> Iterator[str]:
        # The double's text is fixed: ``numbers`` and ``copy_from`` are not applied; it
        # answers at once, so no first token is late.
        text = self.generate(
            prompt_or_messages, max_new_tokens=max_new_tokens, temperature=temperature, stop=stop
        ).text
        # Word by word, each piece carrying its leading space, so the pieces join to the text.
        return iter(re.findall(r"\s*\S+|\s+$", text))
