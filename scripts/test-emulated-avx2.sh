#!/usr/bin/env bash
# Run pytest on an emulated AVX2-only CPU (QEMU user mode, Haswell: AVX2 + FMA, no AVX-512,
# no native bfloat16), so that torch, oneDNN, MKL and ONNX Runtime all pick their kernels from
# a real AVX2-only CPUID, not from an environment cap. Slow (about 50x): pass a few test files.
#
#   bash scripts/test-emulated-avx2.sh tests/llm_services/test_quantization.py
#
# Needs Debian's qemu-user (apt-get install qemu-user). /proc/cpuinfo still shows the host's
# flags under user-mode emulation, so LLM_KERNEL_ISA=avx2 keeps the project's own kernels to
# what the emulated CPU runs. A test that forks a multi-threaded process can crash QEMU itself
# ("qemu_plugin_vcpu_init_hook: assertion failed"): an emulator limit, not a project failure.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v qemu-x86_64 >/dev/null || { echo "qemu-x86_64 not found: apt-get install qemu-user" >&2; exit 2; }
python=$(readlink -f .venv/bin/python)
export LLM_KERNEL_ISA=avx2 OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
exec qemu-x86_64 -cpu Haswell-v4 -0 "$PWD/.venv/bin/python" "$python" \
  -m pytest -p no:cacheprovider -rs "$@" 2> >(grep -v "TCG doesn't support" >&2)
