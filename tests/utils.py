import os

import pytest


def skip_unless_available(available: bool, *, reason: str, required_by: str) -> None:
    """Skip a test whose environment is missing, unless CI demands it (then fail loudly).

    CI sets REQUIRE_BROWSER / REQUIRE_CELERY_WORKER / REQUIRE_POSTGRES so that a test which
    would quietly skip on a laptop can never quietly skip there.
    """
    if available:
        return
    if os.environ.get(required_by) == "1":
        pytest.fail(f"{reason} ({required_by}=1 demands it)")
    pytest.skip(reason)


def _native_bfloat16() -> bool:
    from llm_services.cpu import native_bfloat16

    return native_bfloat16()


# bfloat16 is served only where the CPU computes it (llm_services.cpu): on an AVX2-only CPU, or
# under LLM_KERNEL_ISA=avx2, the tests of that path skip and say which feature they need.
needs_native_bfloat16 = pytest.mark.skipif(
    not _native_bfloat16(),
    reason="needs native bfloat16 (CPU flag avx512_bf16 or amx_bf16, not capped by "
    "LLM_KERNEL_ISA=avx2)",
)
