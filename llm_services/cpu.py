"""What this CPU computes natively, as every fast path of ``llm_services`` sees it.

The kernels' compiler flags, the int8 products' ISA and every "bfloat16 where native" choice
read the CPU through ``cpu_flags()``. The environment variable ``LLM_KERNEL_ISA`` caps it:

- ``auto`` (the default): the CPU's own flags.
- ``avx2``: the x86-64 baseline this project supports (AVX2 + FMA, no AVX-512, no native
  bfloat16), whatever the CPU has beyond it. CI runs the model tests a second time this way,
  so a machine with AVX-512 or AMX still checks what an AVX2-only server runs.

The cap covers this project's choices; torch's own kernels are capped by ``ATEN_CPU_CAPABILITY``
and oneDNN's by ``DNNL_MAX_CPU_ISA``, which .ci/run sets beside it.
"""

from __future__ import annotations

import functools
import os

ISA_VARIABLE = "LLM_KERNEL_ISA"
ISAS = ("auto", "avx2")
# Flags of native bfloat16 arithmetic. Without them torch emulates bfloat16 matrix products
# (measured on an AVX2-only EPYC: e5 embedding fell from 41 to 6 products/s) and oneDNN's
# prepacked bfloat16 weights are refused outright.
NATIVE_BF16_FLAGS = frozenset({"avx512_bf16", "amx_bf16"})
# Flag families beyond the AVX2 baseline, dropped under LLM_KERNEL_ISA=avx2.
_ABOVE_AVX2 = ("avx512", "amx", "avx_vnni", "avx_ne_convert", "avx_ifma", "avx10")


class CpuFeatureMissing(RuntimeError):
    """A path needs a CPU feature this machine (or the LLM_KERNEL_ISA cap) lacks."""


def isa_cap() -> str:
    """LLM_KERNEL_ISA, checked: "auto" or "avx2"."""
    value = os.environ.get(ISA_VARIABLE, "auto").strip().lower() or "auto"
    if value not in ISAS:
        raise ValueError(f"{ISA_VARIABLE} must be one of {', '.join(ISAS)}, not {value!r}.")
    return value


@functools.cache
def hardware_flags() -> frozenset[str]:
    """The CPU's feature flags from /proc/cpuinfo (empty where it cannot be read)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def cpu_flags() -> frozenset[str]:
    """The flags the fast paths may use: the CPU's, capped by LLM_KERNEL_ISA."""
    flags = hardware_flags()
    if isa_cap() == "avx2":
        return frozenset(f for f in flags if not f.startswith(_ABOVE_AVX2))
    return flags


def native_bfloat16() -> bool:
    """Whether bfloat16 arithmetic is native here (AVX512-BF16 or AMX, not capped away)."""
    return bool(cpu_flags() & NATIVE_BF16_FLAGS)


def describe() -> str:
    """One line for llm_status and benchmarks: the cap and the features that matter."""
    flags = cpu_flags()
    wanted = ("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8")
    present = [f for f in wanted if f in flags] or ["none of AVX2/AVX-512/AMX"]
    return f"{ISA_VARIABLE}={isa_cap()}: {' '.join(present)}"
