"""What every backend provides: the Embedder and Generator protocols and a small base class."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Sequence
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from llm_services.conf import model_id_for
from llm_services.metering import meter
from llm_services.no_copy import NoCopy
from llm_services.types import EmbeddingKind, Generation, Message, PromptOrMessages

logger = logging.getLogger("llm_services")

TRANSCRIPT_ROLES = {"system": "System", "user": "User", "assistant": "Assistant"}
# A base model continuing a transcript writes the next turn itself; these end the reply there.
TRANSCRIPT_STOPS = ("\nUser:", "\nSystem:")


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors.

    Attributes:
        dim: the vector size.
        model_id: which model produced the vectors.
        revision: the pinned REVISION; store it next to every vector.
    """

    alias: str
    model_id: str
    revision: str

    @property
    def dim(self) -> int: ...

    def encode(
        self,
        texts: Sequence[str],
        *,
        kind: EmbeddingKind = "document",
        batch_size: int | None = None,
    ) -> np.ndarray:
        """Embed ``texts``.

        Args:
            texts: the texts (a list, never a bare string).
            kind: "query" for search queries, "document" for what is searched; models trained
                with prefixes (e5: "query: " / "passage: ") get the matching one.
            batch_size: texts per forward pass; defaults to OPTIONS["batch_size"].

        Returns:
            An array of shape (len(texts), dim), dtype float32, each row of norm 1.
        """
        ...

    def close(self) -> None: ...


@runtime_checkable
class Generator(Protocol):
    """Generates text from a prompt or a chat transcript."""

    alias: str
    model_id: str
    revision: str

    def generate(
        self,
        prompt_or_messages: PromptOrMessages,
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.2,
        stop: Sequence[str] | None = None,
    ) -> Generation:
        """Generate one completion.

        Args:
            prompt_or_messages: a raw prompt, completed as-is, or a list of
                ``{"role", "content"}`` messages (rendered with the model's chat template, or as
                a "System: …\\nUser: …\\nAssistant:" transcript when it has none).
            max_new_tokens: the most tokens to generate; reaching it gives finish_reason "length".
            temperature: 0 means greedy decoding (deterministic).
            stop: strings that end the text; the text is cut before the first one found and
                finish_reason is "stop".

        Returns:
            A Generation.

        Raises:
            LLMUnavailable, LLMTimeout: retryable failures.
            LLMBadRequest, ContentRejected: terminal failures.
        """
        ...

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
        """Generate one completion per prompt, batched where the backend can. Same order.

        ``avoid[i]``: phrases prompt i's completion must not contain (grounded copy: colours
        a product does not have). In-process backends ban them while decoding: ASCII phrases
        in the spellings they tokenise to after a space, at a line start and capitalised,
        others (Chinese) by text, however they are tokenised.
        ``numbers[i]``: the only numbers completion i may state (None: any), numbers as
        ``llm_services.constraints.NUMBER`` finds them; in-process backends keep to them while
        decoding. A backend that cannot (the OpenAI-compatible one) says so in
        ``Generation.notes``.
        ``no_copy[i]``: what completion i must not copy (``llm_services.no_copy.NoCopy``: runs
        of words from given texts, or its own earlier words); None: no rule. In-process
        backends keep to it while decoding; others say in ``Generation.notes`` that they did
        not.
        """
        ...

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
        """Yield the text of ``generate`` piece by piece; the pieces join to the full text.

        ``numbers``: the only numbers the text may state (None: any), as in ``generate_batch``.
        ``copy_from``: a text whose words (tokens) are the only ones the text may use, with
        punctuation and digits: answers composed from given facts. In-process backends
        keep to both while decoding; the OpenAI-compatible one cannot (callers check).
        ``first_token_timeout``: seconds the first piece may take (waiting for a busy model
        and reading the prompt included); later, iterating raises ``LLMTimeout`` and the
        generation is abandoned. Closing the iterator early stops the generation.
        """
        ...

    def close(self) -> None: ...


class Backend:
    """Shared state of every backend: alias, MODEL spec, REVISION and OPTIONS.

    Subclasses are built by the handler as ``Backend(alias=..., model=..., revision=...,
    options=...)``. ``is_local`` backends load weights in-process and must pin a REVISION;
    ``is_fake`` marks test doubles (the system checks warn about them outside tests).
    """

    is_local: ClassVar[bool] = False
    is_fake: ClassVar[bool] = False

    def __init__(self, *, alias: str, model: str, revision: str, options: dict[str, Any]) -> None:
        self.alias = alias
        self.model = model
        self.model_id = model_id_for(model)
        self.revision = revision or self.model_id
        self.options = options

    def __repr__(self) -> str:
        return f"<{type(self).__name__} alias={self.alias!r} model={self.model_id!r}>"

    def close(self) -> None:
        """Release what the backend holds (weights, connections). Idempotent."""


def check_texts(texts: Sequence[str]) -> list[str]:
    """Return ``texts`` as a list; a bare string is a caller bug (it would embed characters)."""
    from llm_services.exceptions import LLMBadRequest

    if isinstance(texts, str):
        raise LLMBadRequest("encode() takes a list of texts, not a single string.")
    result = list(texts)
    if not all(isinstance(text, str) for text in result):
        raise LLMBadRequest("encode() takes strings only.")
    return result


def check_kind(kind: str) -> None:
    from llm_services.exceptions import LLMBadRequest

    if kind not in ("query", "document"):
        raise LLMBadRequest(f"kind must be 'query' or 'document', not {kind!r}.")


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to norm 1 (zero rows stay zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, np.float32(1e-12))).astype(np.float32, copy=False)


def transcript_prompt(messages: Sequence[Message]) -> str:
    """Render messages as "System: …\\nUser: …\\nAssistant:" for models without a chat template."""
    lines = [f"{TRANSCRIPT_ROLES[m['role']]}: {m['content']}" for m in messages]
    return "\n".join([*lines, "Assistant:"])


def find_stop(text: str, stop: Sequence[str]) -> int | None:
    """Index of the earliest stop string in ``text``, or None."""
    positions = [text.find(s) for s in stop if s]
    positions = [p for p in positions if p >= 0]
    return min(positions) if positions else None


def stop_holdback(text: str, stop: Sequence[str]) -> int:
    """How many trailing characters of ``text`` could still begin a stop string.

    A stream must not emit them yet: the next token may complete the stop string, and emitted
    text cannot be taken back.
    """
    longest = 0
    for s in stop:
        for size in range(min(len(s) - 1, len(text)), longest, -1):
            if text.endswith(s[:size]):
                longest = size
                break
    return longest


def record_generation(alias: str, generation: Generation) -> None:
    """Meter every generation: alias, revision, tokens and latency (aggregates + a log line)."""
    meter.record(
        alias,
        revision=generation.revision,
        items=1,
        prompt_tokens=generation.prompt_tokens,
        completion_tokens=generation.completion_tokens,
        latency_ms=generation.latency_ms,
    )
    logger.info(
        "llm generate alias=%s model=%s revision=%s prompt_tokens=%s completion_tokens=%s "
        "latency_ms=%.1f finish_reason=%s",
        alias,
        generation.model_id,
        generation.revision,
        generation.prompt_tokens,
        generation.completion_tokens,
        generation.latency_ms,
        generation.finish_reason,
    )


def record_embedding(alias: str, *, revision: str, items: int, latency_ms: float) -> None:
    """Meter every encode call: how many texts and how long it took."""
    meter.record(alias, revision=revision, items=items, latency_ms=latency_ms)
