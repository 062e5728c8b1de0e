"""The shared model layer: call sites say *what* they need, settings say *how*.

    from llm_services import models

    vectors = models["embed"].encode(["running shoes"], kind="query")
    reply = models["generate"].generate([{"role": "user", "content": "Hi"}], max_new_tokens=64)

Importing this package imports no model code; a backend loads on first use of its alias.
"""

from llm_services.exceptions import (
    ContentRejected,
    LLMBadRequest,
    LLMError,
    LLMTimeout,
    LLMUnavailable,
    UnknownAlias,
)
from llm_services.handler import ModelHandler, models
from llm_services.types import EmbeddingKind, FinishReason, Generation, Message, PromptOrMessages

__all__ = [
    "ContentRejected",
    "EmbeddingKind",
    "FinishReason",
    "Generation",
    "LLMBadRequest",
    "LLMError",
    "LLMTimeout",
    "LLMUnavailable",
    "Message",
    "ModelHandler",
    "PromptOrMessages",
    "UnknownAlias",
    "models",
]
