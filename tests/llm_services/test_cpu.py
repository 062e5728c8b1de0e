import pytest

from llm_services import cpu
from llm_services.kernels import FLAGS, compile_flags

AMX_MACHINE = frozenset(
    {"sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni"}
    | {"avx512_bf16", "avx_vnni", "amx_bf16", "amx_int8", "amx_tile", "avx512_fp16"}
)


@pytest.fixture
def amx_machine(monkeypatch):
    monkeypatch.setattr(cpu, "hardware_flags", lambda: AMX_MACHINE)
    return monkeypatch


def test_auto_sees_every_flag_of_the_cpu(amx_machine):
    amx_machine.setenv("LLM_KERNEL_ISA", "auto")

    assert cpu.cpu_flags() == AMX_MACHINE
    assert cpu.native_bfloat16() is True
    assert cpu.describe() == (
        "LLM_KERNEL_ISA=auto: avx2 fma avx512f avx512_vnni avx512_bf16 amx_bf16 amx_int8"
    )


def test_the_avx2_cap_leaves_the_x86_64_baseline(amx_machine):
    amx_machine.setenv("LLM_KERNEL_ISA", "AVX2")

    assert cpu.cpu_flags() == {"sse4_2", "avx", "avx2", "fma", "f16c"}
    assert cpu.native_bfloat16() is False
    assert cpu.describe() == "LLM_KERNEL_ISA=avx2: avx2 fma"
    # The kernels are compiled for AVX2 alone: no AVX-512 VNNI int8 products.
    assert compile_flags() == FLAGS


def test_unset_means_auto(amx_machine):
    amx_machine.delenv("LLM_KERNEL_ISA", raising=False)

    assert cpu.isa_cap() == "auto"
    assert "-mavx512vnni" in compile_flags()


def test_an_unknown_isa_is_a_clear_error(amx_machine):
    amx_machine.setenv("LLM_KERNEL_ISA", "sse2")

    with pytest.raises(ValueError, match=r"LLM_KERNEL_ISA must be one of auto, avx2, not 'sse2'\."):
        cpu.cpu_flags()
