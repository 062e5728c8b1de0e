"""What the in-process (torch) backends share: offline mode, thread settings, dtype, loading.

torch and transformers are imported by ``import_torch()`` when a model is loaded, never when
this module is imported, so the system checks and ``migrate`` never pay for them.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

from llm_services.backends.base import Backend
from llm_services.conf import resolve_model_path
from llm_services.cpu import describe as describe_cpu
from llm_services.cpu import native_bfloat16
from llm_services.exceptions import LLMUnavailable

logger = logging.getLogger("llm_services")

# Errors a broken or incomplete model folder raises while loading: turned into LLMUnavailable.
LOAD_ERRORS = (OSError, ValueError, KeyError, RuntimeError, ImportError, TypeError)
DTYPES = ("auto", "float32", "bfloat16", "float16")

_threads_lock = threading.Lock()
_threads_set: int | None = None


def _set_offline() -> None:
    # No model hub is reachable, and production must never try: set before transformers and
    # huggingface_hub read them at import.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Spinning OpenMP workers steal the core a web or Celery process needs; passive waiting
    # measured 2.6x faster embedding on a busy 2-core machine. Read once, when torch loads.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def configured_threads(options: dict[str, Any]) -> int:
    """OPTIONS["threads"], else env LLM_NUM_THREADS, else every CPU."""
    value = options.get("threads") or os.environ.get("LLM_NUM_THREADS") or os.cpu_count() or 1
    return max(1, int(value))


def import_torch(options: dict[str, Any]) -> ModuleType:
    """Import torch in offline mode and set its thread count once per process.

    torch's thread pool is process-wide: the first local backend to load decides, later ones
    with a different "threads" option only log that it is ignored.
    """
    global _threads_set
    _set_offline()
    import torch

    threads = configured_threads(options)
    with _threads_lock:
        if _threads_set is None:
            torch.set_num_threads(threads)
            _threads_set = threads
        elif _threads_set != threads:
            logger.info("torch already uses %d threads; ignoring threads=%d", _threads_set, threads)
    return torch


def threads_in_use() -> int | None:
    """The thread count set by the first local backend, or None before any loaded."""
    return _threads_set


def torch_dtype(
    torch: ModuleType,
    options: dict[str, Any],
    *,
    key: str = "dtype",
    default: str = "float32",
    choices: tuple[str, ...] = DTYPES,
) -> Any:
    """OPTIONS[key] as a torch dtype; "auto" is bfloat16 where the CPU computes it natively
    (AVX512-BF16 or AMX, and LLM_KERNEL_ISA does not cap it), float32 elsewhere.

    An explicit "bfloat16" on a CPU without native bfloat16 is refused: torch would emulate
    it several times slower than float32, and oneDNN's prepacked bfloat16 weights fail there.
    """
    name = options.get(key, default)
    if name not in choices:
        raise LLMUnavailable(f"OPTIONS {key} must be one of {', '.join(choices)}, not {name!r}.")
    try:
        native = native_bfloat16()
    except ValueError as exc:  # a misspelt LLM_KERNEL_ISA
        raise LLMUnavailable(str(exc)) from exc
    if name == "auto":
        name = "bfloat16" if native else "float32"
    elif name == "bfloat16" and not native:
        raise LLMUnavailable(
            f"OPTIONS {key} 'bfloat16' needs a CPU with native bfloat16 (AVX512-BF16 or AMX); "
            f"this one has none ({describe_cpu()}). Use 'auto' or 'float32'."
        )
    return getattr(torch, name)


class LocalBackend(Backend):
    """A backend whose weights live in a local folder and run in this process.

    Inference takes ``self.lock``: one torch model is shared by every request thread, and on a
    CPU two concurrent forward passes only fight over the same cores.
    """

    is_local = True

    def __init__(self, *, alias: str, model: str, revision: str, options: dict[str, Any]) -> None:
        super().__init__(alias=alias, model=model, revision=revision, options=options)
        if options.get("trust_remote_code"):
            raise LLMUnavailable(f"LLM alias {alias!r}: trust_remote_code is never allowed.")
        self.path: Path = resolve_model_path(model, alias=alias)
        self.lock = threading.Lock()

    def load_native_kernels(self, purpose: str) -> tuple[Any, str | None]:
        """The process's ``llm_services.kernels`` (built and started once), or None and why
        they are unavailable, logged as a warning: the caller serves on torch instead."""
        from llm_services.kernels import KernelUnavailable, native_kernels

        try:
            return native_kernels(threads_in_use() or 1), None
        except KernelUnavailable as exc:
            logger.warning(
                "LLM alias %s: native %s kernels unavailable: %s", self.alias, purpose, exc
            )
            return None, str(exc)

    def load_error(self, exc: BaseException) -> LLMUnavailable:
        return LLMUnavailable(
            f"Could not load model for LLM alias {self.alias!r} from {self.path}: "
            f"{type(exc).__name__}: {exc}"
        )
