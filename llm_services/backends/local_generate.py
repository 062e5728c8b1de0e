"""In-process causal language model on the CPU (transformers, ``llm_services.decoding`` or
ONNX Runtime)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from llm_services.backends.base import (
    TRANSCRIPT_STOPS,
    find_stop,
    record_generation,
    stop_holdback,
    transcript_prompt,
)
from llm_services.backends.local import (
    LOAD_ERRORS,
    LocalBackend,
    configured_threads,
    import_torch,
    logger,
    threads_in_use,
    torch_dtype,
)
from llm_services.constraints import (
    TokenTexts,
    avoid_processor,
    copy_token_ids,
    number_processor,
    only_tokens_processor,
    phrase_spellings,
    structural_token_ids,
    text_phrase_processor,
)
from llm_services.exceptions import LLMBadRequest, LLMTimeout, LLMUnavailable
from llm_services.foreground import give_way_hook
from llm_services.no_copy import NoCopy, no_copy_processor
from llm_services.types import Generation, PromptOrMessages, validate_messages

PROMPT_STYLES = ("auto", "plain")
DECODERS = ("auto", "native", "onnxruntime", "transformers")
PREFILL_DTYPES = ("auto", "float32", "bfloat16")
# Sampling knobs taken from OPTIONS when sampling, with transformers' own defaults
# (GenerationConfig's global defaults) for the ones left unset.
SAMPLING_DEFAULTS = {
    "top_k": 50,
    "top_p": 1.0,
    "repetition_penalty": 1.0,
    "no_repeat_ngram_size": 0,
}
SAMPLING_OPTIONS = tuple(SAMPLING_DEFAULTS)
_DONE = object()


@dataclass(frozen=True, slots=True)
class _Prompt:
    ids: list[int]
    stop: tuple[str, ...]
    # Token sequences the continuation must not produce (``generate_batch(avoid=...)``).
    avoid: tuple[tuple[int, ...], ...] = ()
    # Phrases of scripts without spaces it must not write, banned by text.
    avoid_text: tuple[str, ...] = ()
    # The only numbers it may state (``generate_batch(numbers=...)``); None: any.
    numbers: frozenset[str] | None = None
    # The only tokens it may write (``stream(copy_from=...)``); None: any.
    allowed: frozenset[int] | None = None
    # Text it must not copy (``generate_batch(no_copy=...)``); None: no rule.
    no_copy: NoCopy | None = None


class CausalLMGenerator(LocalBackend):
    """A transformers causal-LM folder loaded on the CPU, with the KV cache on.

    OPTIONS:
        prompt_style: "auto" (default) renders messages with the tokenizer's chat template when
            it has one, else as a plain transcript; "plain" always uses the transcript (base
            models such as Gemma 3 270M, whose tokenizer may carry a template they never learnt).
        dtype: "float32" (default), "bfloat16" or "float16".
        quantization: "none" (default) or "int8": int8 weights for every linear layer and the
            LM head (one scale per output channel) and an int8 embedding table, applied at
            load (``llm_services.quantization``; needs dtype "float32"). Held-out perplexity
            within 2.5% of float32 for Gemma 3 270M (see docs/benchmarks.md). With decoder
            "onnxruntime": the weight format of the built model (``llm_services.onnx_decoding``:
            "int8" is 8-bit weights with a scale per block of 32 and int8 activations).
        decoder: "native" decodes Gemma 3 text models with ``llm_services.decoding`` (a
            preallocated KV cache, each layer one native call; the same tokens as
            transformers); "onnxruntime" runs a causal LM on ONNX Runtime
            (``llm_services.onnx_decoding``: Gemma 3 and Llama-style models such as SmolLM2),
            built once into ``<LLM_MODEL_DIR>/onnx/`` (by ``manage.py llm_prepare``, else on
            load) and without loading the torch weights (dtype, native_kernels and
            prefill_dtype do not apply to it); "transformers" always uses transformers'
            eager ``generate``. "auto" (default): "native" for Gemma 3 text models, else
            "onnxruntime" where it serves the model, else "transformers"; ``runtime`` says
            which and why. An explicit choice that cannot serve the model raises
            LLMUnavailable.
        spinning: with decoder "onnxruntime", whether its threads spin while waiting for work
            (default False: on a machine shared with web and Celery processes spinning steals
            their cores).
        prefill_dtype: with int8, what the products of more than 8 rows (prefill, teacher
            forcing) compute in: "auto" (default: bfloat16 where the CPU computes it natively,
            AVX512-BF16 or AMX, 1.5x faster prefill on a Zen 4, float32 elsewhere),
            "float32" or "bfloat16". The int8 weights are exact in bfloat16; activations and
            results are rounded to it (the perplexity check of docs/benchmarks.md covers it).
        native_kernels: True (default) runs the products of decoding on
            ``llm_services.kernels`` (built with the system C compiler on first use). Where it
            cannot be built, a warning is logged, torch's kernels serve (slower), and
            ``runtime`` / ``manage.py llm_status`` say so.
        batch_size: prompts per forward pass in ``generate_batch`` (default 8).
        prefix_cache_tokens: with decoder "native", how many prompt tokens of recent single
            prompts keep their keys and values so that the next prompt starting the same way
            (a few-shot prompt's fixed instruction and examples) computes only the rest
            (``llm_services.prefix_cache``; default 2048, about 75 MB for Gemma 3 270M;
            0 turns it off).
        threads: torch (and ONNX Runtime) threads (default env LLM_NUM_THREADS, else every
            CPU).
        top_p, top_k, repetition_penalty, no_repeat_ngram_size: used when temperature > 0;
            unset ones come from the model's own generation_config.json.

    A raw string prompt is completed as-is (with the tokenizer's BOS token). Messages rendered
    as a transcript also stop at "\\nUser:" / "\\nSystem:", where a base model would start
    writing the next turn itself.
    """

    def __init__(self, *, alias: str, model: str, revision: str, options: dict[str, Any]) -> None:
        super().__init__(alias=alias, model=model, revision=revision, options=options)
        self.prompt_style = options.get("prompt_style", "auto")
        if self.prompt_style not in PROMPT_STYLES:
            raise LLMUnavailable(
                f"LLM alias {alias!r}: prompt_style must be one of {PROMPT_STYLES}, "
                f"not {self.prompt_style!r}."
            )
        self.batch_size = int(options.get("batch_size", 8))
        self._texts: TokenTexts | None = None
        self._structural: frozenset[int] | None = None
        self._torch = torch = import_torch(options)
        # Imported here, not at the top: it needs torch, which only loading a model may import.
        from llm_services.quantization import QUANTIZATION_SCHEMES, describe, quantize_causal_lm

        self.quantization = options.get("quantization", "none")
        if self.quantization not in QUANTIZATION_SCHEMES:
            raise LLMUnavailable(
                f"LLM alias {alias!r}: quantization must be one of {QUANTIZATION_SCHEMES}, "
                f"not {self.quantization!r}."
            )
        self.decoder_option = options.get("decoder", "auto")
        if self.decoder_option not in DECODERS:
            raise LLMUnavailable(
                f"LLM alias {alias!r}: decoder must be one of {DECODERS}, "
                f"not {self.decoder_option!r}."
            )
        self.decoder_note = ""
        self.decoder_auto = self.decoder_option == "auto"
        if self.decoder_auto:
            self.decoder_option, self.decoder_note = self._auto_decoder()
        dtype = torch_dtype(torch, options)
        prefill = torch_dtype(
            torch, options, key="prefill_dtype", default="auto", choices=PREFILL_DTYPES
        )
        if self.quantization != "none" and dtype != torch.float32:
            raise LLMUnavailable(
                f"LLM alias {alias!r}: quantization {self.quantization!r} needs dtype "
                f"'float32', not {options.get('dtype')!r}."
            )
        kernels = None
        try:
            from transformers import AutoModelForCausalLM, AutoTokenizer
            from transformers.utils import logging as transformers_logging

            transformers_logging.disable_progress_bar()
            self.tokenizer = AutoTokenizer.from_pretrained(
                str(self.path), local_files_only=True, trust_remote_code=False
            )
            self.model = None
            if self.decoder_option == "onnxruntime":
                # No torch weights: the decoder runs the ONNX model built from them.
                try:
                    self.decoder = self._onnx_decoder(options)
                except LOAD_ERRORS as exc:
                    if not self.decoder_auto:
                        raise
                    # auto promised a fast path, not this engine: transformers serves, and
                    # runtime / llm_status say why.
                    logger.warning("LLM alias %s: onnxruntime failed (%s)", alias, exc)
                    self.decoder_option = "transformers"
                    self.decoder_note = f"onnxruntime failed: {type(exc).__name__}: {exc}"[:300]
            if self.decoder_option != "onnxruntime":
                self.model = AutoModelForCausalLM.from_pretrained(
                    str(self.path),
                    local_files_only=True,
                    trust_remote_code=False,
                    dtype=dtype,
                )
                self.model.eval()
                kernels = self._native_kernels(options)
                if self.quantization == "int8":
                    report = quantize_causal_lm(self.model, native=kernels, prefill_dtype=prefill)
                    self.kernel_note += f"; prefill {str(prefill).removeprefix('torch.')}"
                    logger.info(
                        "LLM alias %s: int8 weights (%s; %d linear layers in %d kernels)%s",
                        alias,
                        describe(self.model),
                        report.linears,
                        report.kernels,
                        f"; left as they were: {', '.join(report.skipped)}"
                        if report.skipped
                        else "",
                    )
        except LOAD_ERRORS as exc:
            raise self.load_error(exc) from exc
        self.uses_chat_template = self.prompt_style == "auto" and bool(
            getattr(self.tokenizer, "chat_template", None)
        )
        if self.model is not None:
            self.config, self.generation_config = self.model.config, self.model.generation_config
            self.decoder = self._decoder(kernels)
        text_config = self.config.get_text_config()
        self.context_length: int | None = getattr(text_config, "max_position_embeddings", None)

    def _auto_decoder(self) -> tuple[str, str]:
        try:
            return auto_decoder(self.path)
        except LOAD_ERRORS as exc:
            raise self.load_error(exc) from exc

    def _native_kernels(self, options: dict[str, Any]) -> Any:
        self.kernel_note = "off (OPTIONS native_kernels)"
        if not options.get("native_kernels", True):
            return None
        kernels, missing = self.load_native_kernels("decode")
        if kernels is None:
            self.kernel_note = f"unavailable ({missing}); torch kernels serve, slower"
            return None
        self.kernel_note = f"decode.c ({kernels.isa}), {kernels.threads} threads"
        return kernels

    def _onnx_decoder(self, options: dict[str, Any]) -> Any:
        """``llm_services.onnx_decoding``'s decoder (the model built now if it is missing),
        with the config and generation config read from the folder."""
        from transformers import AutoConfig, GenerationConfig

        from llm_services.onnx_decoding import (
            OnnxDecoder,
            build_model,
            engine_versions,
            variant_for,
        )

        self.config = AutoConfig.from_pretrained(str(self.path), local_files_only=True)
        try:
            self.generation_config = GenerationConfig.from_pretrained(
                str(self.path), local_files_only=True
            )
        except OSError:  # no generation_config.json: what from_pretrained of the model does
            self.generation_config = GenerationConfig.from_model_config(self.config)
        variant = variant_for(options)
        folder, seconds = build_model(self.path, variant)
        if seconds:
            logger.info(
                "LLM alias %s: built its ONNX model on load in %.1f s (manage.py llm_prepare "
                "builds it ahead)",
                self.alias,
                seconds,
            )
        threads = threads_in_use() or configured_threads(options)
        decoder = OnnxDecoder(folder, threads=threads, spinning=bool(options.get("spinning")))
        weights = (
            "int8 weights (blocks of 32), int8 activations"
            if variant == "int8"
            else "float32 weights"
        )
        self.runtime = (
            f"llm_services.onnx_decoding: {decoder.describe()}; {weights}; built by "
            f"onnxruntime-genai {engine_versions()['onnxruntime-genai']} ({folder.name})"
        )
        return decoder

    def _decoder(self, kernels: Any) -> Any:
        from llm_services.decoding import Gemma3Decoder, unsupported_reason
        from llm_services.prefix_cache import DEFAULT_MAX_TOKENS, PrefixCache

        if self.decoder_option == "transformers":
            why = f" ({self.decoder_note})" if self.decoder_note else ""
            self.runtime = f"transformers generate{why}; kernels: {self.kernel_note}"
            return None
        reason = unsupported_reason(self.model)
        if reason and not self.decoder_auto:
            raise LLMUnavailable(
                f"LLM alias {self.alias!r}: decoder 'native' cannot run this model: {reason}."
            )
        if reason:
            self.runtime = f"transformers generate ({reason}); kernels: {self.kernel_note}"
            return None
        tokens = int(self.options.get("prefix_cache_tokens", DEFAULT_MAX_TOKENS))
        decoder = Gemma3Decoder(
            self.model, kernels, PrefixCache(max_tokens=tokens) if tokens > 0 else None
        )
        layers = "native layers" if decoder.native_layers is not None else "torch layers"
        self.runtime = f"llm_services.decoding ({layers}); kernels: {self.kernel_note}"
        return decoder

    # -- preprocess -------------------------------------------------------------------------

    def render(self, prompt_or_messages: PromptOrMessages) -> tuple[str, bool]:
        """The prompt text the model sees, and whether it still needs the tokenizer's BOS."""
        if isinstance(prompt_or_messages, str):
            return prompt_or_messages, True
        messages = validate_messages(prompt_or_messages)
        if self.uses_chat_template:
            # The template writes its own special tokens (BOS included).
            text = self.tokenizer.apply_chat_template(
                messages, tokenize=False, add_generation_prompt=True
            )
            return text, False
        return transcript_prompt(messages), True

    def _prepare(
        self, prompt_or_messages: PromptOrMessages, stop: Sequence[str] | None, max_new_tokens: int
    ) -> _Prompt:
        if max_new_tokens < 1:
            raise LLMBadRequest("max_new_tokens must be at least 1.")
        text, add_special_tokens = self.render(prompt_or_messages)
        ids = self.tokenizer(text, add_special_tokens=add_special_tokens)["input_ids"]
        if not ids:
            raise LLMBadRequest("The prompt is empty.")
        if self.context_length and len(ids) + max_new_tokens > self.context_length:
            raise LLMBadRequest(
                f"Prompt of {len(ids)} tokens plus max_new_tokens={max_new_tokens} exceeds the "
                f"model's context of {self.context_length} tokens."
            )
        stops = tuple(s for s in (stop or ()) if s)
        if not isinstance(prompt_or_messages, str) and not self.uses_chat_template:
            stops += TRANSCRIPT_STOPS
        return _Prompt(ids=list(ids), stop=stops)

    def _avoid_ids(self, phrases: Sequence[str]) -> tuple[tuple[int, ...], ...]:
        sequences = set()
        for phrase in phrases:
            if not phrase or not phrase.strip():
                continue
            # Non-ASCII phrases are banned by text as well (avoid_text), which indexes only
            # tokens of non-ASCII text; their own tokenisation covers an ASCII part ("T恤").
            for spelling in phrase_spellings(phrase) if phrase.isascii() else {phrase}:
                ids = self.tokenizer(spelling, add_special_tokens=False)["input_ids"]
                if ids:
                    sequences.add(tuple(ids))
        return tuple(sorted(sequences))

    def _token_texts(self) -> TokenTexts:
        # Built on first use (a pass over the vocabulary), under the lock callers hold.
        if self._texts is None:
            self._texts = TokenTexts(self.tokenizer)
        return self._texts

    def _copy_ids(self, text: str) -> frozenset[int]:
        """What a completion copying from ``text`` may write: its tokens, structural tokens
        (spaces, punctuation, digits; the number guard rules digits) and the end."""
        if self._structural is None:
            self._structural = structural_token_ids(self.tokenizer)
        return frozenset(copy_token_ids(self.tokenizer, text) | self._structural | self._eos_ids())

    def _eos_ids(self) -> set[int]:
        eos = self.generation_config.eos_token_id
        ids = set(eos if isinstance(eos, list) else [eos] if eos is not None else [])
        if self.tokenizer.eos_token_id is not None:
            ids.add(self.tokenizer.eos_token_id)
        return ids

    def _pad_id(self) -> int:
        for candidate in (self.tokenizer.pad_token_id, self.tokenizer.eos_token_id):
            if candidate is not None:
                return int(candidate)
        return 0

    # -- forward ----------------------------------------------------------------------------

    def _generate_ids(
        self,
        prompts: Sequence[_Prompt],
        *,
        max_new_tokens: int,
        temperature: float,
        streamer: Any = None,
        cancel: threading.Event | None = None,
        stop_at_eos: bool = True,
        give_way: Callable[[], None] | None = None,
    ) -> tuple[list[list[int]], list[int | None]]:
        """Generate for left-padded prompts, with the decoder or transformers' generate.

        Returns the generated ids of each row (before trimming) and, per row, how many tokens
        it had generated when it finished (EOS or stop string), or None if it never did.
        ``give_way`` (llm_services.foreground) is called before the prefill and after every
        step. Call with ``self.lock`` held.
        """
        torch = self._torch
        width = max(len(p.ids) for p in prompts)
        pad_id = self._pad_id()
        eos_ids = self._eos_ids() if stop_at_eos else set()
        tokenizer = self.tokenizer
        finished_at: list[int | None] = [None] * len(prompts)
        if give_way is not None:
            give_way()

        def finished(ids: Any) -> list[bool]:
            if give_way is not None:
                give_way()
            generated = ids.shape[1] - width
            for row, prompt in enumerate(prompts):
                if finished_at[row] is not None:
                    continue
                if int(ids[row, -1]) in eos_ids:
                    finished_at[row] = generated
                elif prompt.stop:
                    text = tokenizer.decode(ids[row, width:].tolist(), skip_special_tokens=True)
                    if find_stop(text, prompt.stop) is not None:
                        finished_at[row] = generated
            cancelled = cancel is not None and cancel.is_set()
            return [cancelled or f is not None for f in finished_at]

        constraints = []
        if any(p.avoid for p in prompts):
            constraints.append(avoid_processor([p.avoid for p in prompts], width))
        if any(p.avoid_text for p in prompts):
            texts = self._token_texts()
            constraints.append(text_phrase_processor(texts, [p.avoid_text for p in prompts], width))
        if any(p.numbers is not None for p in prompts):
            texts = self._token_texts()
            constraints.append(number_processor(texts, [p.numbers for p in prompts], width))
        if any(p.allowed is not None for p in prompts):
            constraints.append(only_tokens_processor([p.allowed for p in prompts]))
        if any(p.no_copy is not None for p in prompts):
            # Greedy needs one allowed candidate per step; sampling its top-k.
            top_k = self.options.get("top_k", SAMPLING_DEFAULTS["top_k"])
            keep = 1 if temperature <= 0 else int(top_k or SAMPLING_DEFAULTS["top_k"])
            constraints.append(
                no_copy_processor(tokenizer, [p.no_copy for p in prompts], width, keep=keep)
            )
        if self.decoder is not None:
            processors, sample = self._processors(temperature, constraints)
            output = self.decoder.generate(
                [p.ids for p in prompts],
                max_new_tokens=max_new_tokens,
                pad_id=pad_id,
                processors=processors,
                sample=sample,
                stop=finished,
                streamer=streamer,
            )
            return output[:, width:].tolist(), finished_at
        from transformers import GenerationConfig, StoppingCriteria, StoppingCriteriaList

        input_ids = torch.full((len(prompts), width), pad_id, dtype=torch.long)
        attention_mask = torch.zeros((len(prompts), width), dtype=torch.long)
        for row, prompt in enumerate(prompts):
            # Left padding: every row's last prompt token sits in the same column, so the batch
            # decodes in lock-step.
            input_ids[row, width - len(prompt.ids) :] = torch.tensor(prompt.ids)
            attention_mask[row, width - len(prompt.ids) :] = 1

        class StopCriterion(StoppingCriteria):
            def __call__(self, ids: Any, scores: Any, **kwargs: Any) -> Any:
                return torch.tensor(finished(ids), dtype=torch.bool, device=ids.device)

        config: dict[str, Any] = {
            "max_new_tokens": max_new_tokens,
            "pad_token_id": pad_id,
            "eos_token_id": sorted(eos_ids) or None,
            "use_cache": True,
        }
        if temperature > 0:
            config.update(do_sample=True, temperature=float(temperature))
            config.update({k: self.options[k] for k in SAMPLING_OPTIONS if k in self.options})
        else:
            config.update(do_sample=False)
        from transformers.generation import LogitsProcessorList

        with torch.inference_mode():
            output = self.model.generate(
                input_ids=input_ids,
                attention_mask=attention_mask,
                generation_config=GenerationConfig(**config),
                stopping_criteria=StoppingCriteriaList([StopCriterion()]),
                logits_processor=LogitsProcessorList(constraints),
                streamer=streamer,
            )
        return output[:, width:].tolist(), finished_at

    def _processors(self, temperature: float, constraints: Sequence[Any] = ()) -> tuple[Any, bool]:
        """Logits processors: ``constraints`` first, then transformers' own for sampling at
        ``temperature`` (greedy below 0); None when there is nothing to apply."""
        from transformers.generation import LogitsProcessorList

        if temperature <= 0:
            return (LogitsProcessorList(constraints) if constraints else None), False
        from transformers.generation import (
            NoRepeatNGramLogitsProcessor,
            RepetitionPenaltyLogitsProcessor,
            TemperatureLogitsWarper,
            TopKLogitsWarper,
            TopPLogitsWarper,
        )

        knobs = {k: self.options.get(k, default) for k, default in SAMPLING_DEFAULTS.items()}
        # The order transformers' generate applies them in.
        processors = LogitsProcessorList(constraints)
        if knobs["repetition_penalty"] != 1.0:
            processors.append(RepetitionPenaltyLogitsProcessor(knobs["repetition_penalty"]))
        if knobs["no_repeat_ngram_size"]:
            processors.append(NoRepeatNGramLogitsProcessor(knobs["no_repeat_ngram_size"]))
        if float(temperature) != 1.0:
            processors.append(TemperatureLogitsWarper(float(temperature)))
        if knobs["top_k"]:
            processors.append(TopKLogitsWarper(knobs["top_k"]))
        if knobs["top_p"] < 1.0:
            processors.append(TopPLogitsWarper(knobs["top_p"]))
        return processors, True

    def generate_token_ids(
        self, prompts: Sequence[Sequence[int]], *, max_new_tokens: int, stop_at_eos: bool = True
    ) -> list[list[int]]:
        """Greedy continuations of tokenised prompts, as served (benchmarks, evaluations).

        ``stop_at_eos=False`` makes every row exactly ``max_new_tokens`` long.
        """
        prepared = [_Prompt(ids=list(p), stop=()) for p in prompts]
        with self.lock:
            rows, finished_at = self._generate_ids(
                prepared, max_new_tokens=max_new_tokens, temperature=0.0, stop_at_eos=stop_at_eos
            )
        return [row[:f] if f is not None else row for row, f in zip(rows, finished_at, strict=True)]

    # -- postprocess ------------------------------------------------------------------------

    def _finish(
        self, prompt: _Prompt, ids: list[int], finished_at: int | None, latency_ms: float
    ) -> Generation:
        count = finished_at if finished_at is not None else len(ids)
        # The EOS token counts as generated but is no part of the text, special token or not.
        text_ids = ids[: count - 1] if count and ids[count - 1] in self._eos_ids() else ids[:count]
        text = self.tokenizer.decode(text_ids, skip_special_tokens=True)
        cut = find_stop(text, prompt.stop)
        if cut is not None:
            text = text[:cut]
        generation = Generation(
            text=text,
            model_id=self.model_id,
            revision=self.revision,
            prompt_tokens=len(prompt.ids),
            completion_tokens=count,
            latency_ms=latency_ms,
            finish_reason="stop" if finished_at is not None or cut is not None else "length",
        )
        record_generation(self.alias, generation)
        return generation

    # -- public API -------------------------------------------------------------------------

    def generate(
        self,
        prompt_or_messages: PromptOrMessages,
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.2,
        stop: Sequence[str] | None = None,
    ) -> Generation:
        return self.generate_batch(
            [prompt_or_messages], max_new_tokens=max_new_tokens, temperature=temperature, stop=stop
        )[0]

    def generate_batch(
        self,
        prompts: Sequence[PromptOrMessages],
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.2,
        stop: Sequence[str] | None = None,
        avoid: Sequence[Sequence[str]] | None = None,
        numbers: Sequence[Collection[str] | None] | None = None,
        no_copy: Sequence[NoCopy | None] | None = None,
    ) -> list[Generation]:
        if isinstance(prompts, str):
            raise LLMBadRequest("generate_batch() takes a list of prompts, not a single string.")
        if no_copy is not None and len(no_copy) != len(prompts):
            raise LLMBadRequest("no_copy needs one NoCopy (or None) per prompt.")
        if avoid is not None and len(avoid) != len(prompts):
            raise LLMBadRequest("avoid needs one list of phrases per prompt.")
        if numbers is not None and len(numbers) != len(prompts):
            raise LLMBadRequest("numbers needs one collection (or None) per prompt.")
        prepared = [self._prepare(p, stop, max_new_tokens) for p in prompts]
        if avoid:
            prepared = [
                replace(
                    prompt,
                    avoid=self._avoid_ids(phrases),
                    avoid_text=tuple(p for p in phrases if p.strip() and not p.isascii()),
                )
                for prompt, phrases in zip(prepared, avoid, strict=True)
            ]
        if numbers:
            prepared = [
                replace(prompt, numbers=None if allowed is None else frozenset(map(str, allowed)))
                for prompt, allowed in zip(prepared, numbers, strict=True)
            ]
        if no_copy:
            prepared = [
                replace(prompt, no_copy=rule)
                for prompt, rule in zip(prepared, no_copy, strict=True)
            ]
        results: list[Generation] = []
        give_way = give_way_hook()
        for start in range(0, len(prepared), self.batch_size):
            chunk = prepared[start : start + self.batch_size]
            began = time.perf_counter()
            with self.lock:
                rows, finished_at = self._generate_ids(
                    chunk, max_new_tokens=max_new_tokens, temperature=temperature, give_way=give_way
                )
            latency_ms = (time.perf_counter() - began) * 1000
            results += [
                self._finish(p, ids, f, latency_ms)
                for p, ids, f in zip(chunk, rows, finished_at, strict=True)
            ]
        return results

    def stream(
        self,
        prompt_or_messages: PromptOrMessages,
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.2,
        stop: Sequence[str] | None = None,
        numbers: Collection[str] | None = None,
        copy_from: str | None = None,
        first_token_timeout: float | None = None,
    ) -> Iterator[str]:
        prompt = self._prepare(prompt_or_messages, stop, max_new_tokens)
        if numbers is not None:
            prompt = replace(prompt, numbers=frozenset(map(str, numbers)))
        if copy_from is not None:
            prompt = replace(prompt, allowed=self._copy_ids(copy_from))
        first_by = None if first_token_timeout is None else time.monotonic() + first_token_timeout
        return self._stream(
            prompt, max_new_tokens=max_new_tokens, temperature=temperature, first_by=first_by
        )

    def _stream(
        self,
        prompt: _Prompt,
        *,
        max_new_tokens: int,
        temperature: float,
        first_by: float | None = None,
    ) -> Iterator[str]:
        from transformers.generation.streamers import BaseStreamer

        tokens: queue.Queue[Any] = queue.Queue()
        cancel = threading.Event()
        outcome: dict[str, Any] = {}
        give_way = give_way_hook()  # here: the decoding thread would not see the caller's budget

        class QueueStreamer(BaseStreamer):
            prompt_seen = False

            def put(self, value: Any) -> None:
                if not self.prompt_seen:  # generate() first hands over the prompt itself
                    self.prompt_seen = True
                    return
                tokens.put(int(value.reshape(-1)[0]))

            def end(self) -> None:
                pass

        def work() -> None:
            began = time.perf_counter()
            try:
                with self.lock:
                    if cancel.is_set():  # abandoned while another generation held the model
                        return
                    rows, finished_at = self._generate_ids(
                        [prompt],
                        max_new_tokens=max_new_tokens,
                        temperature=temperature,
                        streamer=QueueStreamer(),
                        cancel=cancel,
                        give_way=give_way,
                    )
                outcome["result"] = (rows[0], finished_at[0], began)
            except BaseException as exc:  # noqa: BLE001 - handed to the consuming thread
                outcome["error"] = exc
            finally:
                tokens.put(_DONE)

        worker = threading.Thread(target=work, name=f"llm-stream-{self.alias}", daemon=True)
        worker.start()
        ids: list[int] = []
        emitted = ""
        abandoned = False
        try:
            while True:
                wait = None if first_by is None or ids else max(0.0, first_by - time.monotonic())
                try:
                    token = tokens.get(timeout=wait)
                except queue.Empty:
                    abandoned = True
                    raise LLMTimeout(
                        f"LLM alias {self.alias!r}: no first token within its limit (the model "
                        "was busy with another generation or reading a long prompt)."
                    ) from None
                if token is _DONE:
                    break
                ids.append(token)
                if token in self._eos_ids():
                    continue
                text = self.tokenizer.decode(ids, skip_special_tokens=True)
                cut = find_stop(text, prompt.stop)
                if cut is not None:
                    text = text[:cut]
                else:
                    # Hold back what may begin a stop string or an unfinished UTF-8 sequence.
                    text = text[: len(text) - stop_holdback(text, prompt.stop)].rstrip("\ufffd")
                if len(text) > len(emitted) and text.startswith(emitted):
                    yield text[len(emitted) :]
                    emitted = text
            worker.join()
            if "error" in outcome:
                raise outcome["error"]
            row, finished_at, began = outcome["result"]
            generation = self._finish(
                prompt, row, finished_at, (time.perf_counter() - began) * 1000
            )
            if generation.text.startswith(emitted) and len(generation.text) > len(emitted):
                yield generation.text[len(emitted) :]
        finally:
            cancel.set()
            if not abandoned:  # the worker may still wait for the model or read the prompt
                worker.join()

    def close(self) -> None:
        self.__dict__.pop("model", None)
        self.__dict__.pop("decoder", None)
        self.__dict__.pop("tokenizer", None)


def auto_decoder(path: Path) -> tuple[str, str]:
    """What decoder "auto" picks for the model folder ``path``, and why when it is not a fast
    path: "native" for Gemma 3 text, "onnxruntime" where it serves the model, else
    "transformers". Reads the folder's config only."""
    from transformers import AutoConfig

    from llm_services import decoding, onnx_decoding

    config = AutoConfig.from_pretrained(str(path), local_files_only=True)
    if config.get_text_config().model_type in decoding.SUPPORTED_MODEL_TYPES:
        return "native", ""
    reason = onnx_decoding.unsupported_reason(config)
    if reason is None:
        return "onnxruntime", ""
    return "transformers", f"onnxruntime does not serve it: {reason}"
