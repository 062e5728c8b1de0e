"""The shared model layer: call sites say *what* they need, settings say *how*.

    from llm_services import llm

    vectors = llm["embed"].encode(["running shoes"], kind="query")
    reply = llm["generate"].generate([{"role": "user", "content": "Hi"}], max_new_tokens=64)

Importing this package imports no model code; a backend loads on first use of its alias.

This module, ``llm_services.training`` and the Django models of ``llm_services.models`` are the
public API: apps import from them, never from the other submodules (an import-linter contract
in ``make lint`` holds them to it). ``Embedder`` and ``Generator`` are the protocols every
backend of an alias implements, for typing what ``llm[alias]`` returns.
"""

from llm_services.backends.base import Embedder, Generator
from llm_services.conf import active_versions, artifact_folder
from llm_services.constraints import NUMBER
from llm_services.exceptions import (
    ContentRejected,
    LLMBadRequest,
    LLMError,
    LLMTimeout,
    LLMUnavailable,
    UnknownAlias,
)
from llm_services.handler import ModelHandler, llm
from llm_services.health import AliasHealth, alias_health
from llm_services.no_copy import NoCopy
from llm_services.resilience import background_calls, interactive_calls
from llm_services.types import EmbeddingKind, FinishReason, Generation, Message, PromptOrMessages

__all__ = [
    "NUMBER",
    "AliasHealth",
    "ContentRejected",
    "Embedder",
    "EmbeddingKind",
    "FinishReason",
    "Generation",
    "Generator",
    "LLMBadRequest",
    "LLMError",
    "LLMTimeout",
    "LLMUnavailable",
    "Message",
    "ModelHandler",
    "NoCopy",
    "PromptOrMessages",
    "UnknownAlias",
    "active_versions",
    "alias_health",
    "artifact_folder",
    "background_calls",
    "interactive_calls",
    "llm",
]
