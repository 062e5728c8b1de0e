"""Plain data types that cross the llm_services boundary. No tensors ever escape a backend."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypedDict

Role = Literal["system", "user", "assistant"]
EmbeddingKind = Literal["query", "document"]
FinishReason = Literal["stop", "length"]


class Message(TypedDict):
    """One chat turn: ``{"role": "user", "content": "..."}``."""

    role: Role
    content: str


# What `Generator.generate` accepts: a raw prompt (completed as-is) or a chat transcript.
PromptOrMessages = str | Sequence[Message]


@dataclass(frozen=True, slots=True)
class Generation:
    """The result of one generation, whatever the backend.

    Attributes:
        text: the generated text, cut before the first stop string.
        model_id: which model produced it (the prepared folder, package or remote model name).
        revision: the pinned REVISION of the alias; store it with anything derived from ``text``.
        prompt_tokens: tokens in the prompt as the model saw it (after any chat template).
            None when a remote server did not report usage.
        completion_tokens: tokens the model generated, including an end-of-sequence token and
            the token that completed a stop string. None when a remote server did not report it.
        latency_ms: wall time of the call in milliseconds.
        finish_reason: "stop" (end of sequence or a stop string) or "length" (max_new_tokens).
        notes: what the backend could not do as asked (e.g. phrases to avoid it cannot ban).
    """

    text: str
    model_id: str
    revision: str
    prompt_tokens: int | None
    completion_tokens: int | None
    latency_ms: float
    finish_reason: FinishReason
    notes: tuple[str, ...] = ()


def validate_messages(messages: Sequence[Message]) -> list[Message]:
    """Return ``messages`` as a list after checking their shape.

    Raises:
        LLMBadRequest: on an empty list, an unknown role or a non-string content.
    """
    from llm_services.exceptions import LLMBadRequest

    result: list[Message] = []
    for index, message in enumerate(messages):
        if not isinstance(message, dict) or set(message) - {"role", "content"}:
            raise LLMBadRequest(f"Message {index} must be a dict with 'role' and 'content'.")
        role, content = message.get("role"), message.get("content")
        if role not in ("system", "user", "assistant"):
            raise LLMBadRequest(f"Message {index} has unknown role {role!r}.")
        if not isinstance(content, str):
            raise LLMBadRequest(f"Message {index} content must be a string.")
        result.append({"role": role, "content": content})
    if not result:
        raise LLMBadRequest("At least one message is required.")
    return result
