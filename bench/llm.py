"""LLM services benchmark: embedding and generation speed, memory and quality, fp32 vs served.

"Served" is the configuration of the ``embed`` and ``generate`` aliases in LLM_MODELS
(config.settings.dev unless DJANGO_SETTINGS_MODULE says otherwise); "fp32" is the same alias
with float32 weights (``dtype`` float32, ``quantization`` none) on the same runtime. Beside
them, each runtime in its served form (``RUNTIME_OPTIONS``): "llm_services" (the project's own
kernels: ``llm_services.encoding`` / ``llm_services.decoding`` with int8 weights),
"onnxruntime" (``llm_services.onnx_encoding`` with int8 MatMuls / ``llm_services.onnx_decoding``
with 8-bit weights) and "transformers_fp32" (plain sentence-transformers and transformers
``generate`` in float32, the reference of the "2x" targets); ``--json`` reports them under
``runtimes`` and names what serves each alias in ``served_runtime``. "served_sentence_transformers"
(the embedder only) is the served dtype on plain sentence-transformers, for reference.

    .venv/bin/python bench/llm.py [--quick] [--json] [--threads 2] [--compare-torch-dynamic]
        [--shared-data ../shared/data]

The variants' speeds are measured in one process, their runs interleaved, so that a busy spell
on a shared machine slows all of them alike; memory is measured in one fresh process per model.

Measured in the same run:
- memory bandwidth: a 512 MB torch copy, counted as bytes read + written per second (a decode
  step only reads weights, and a copy moves two bytes over the memory bus per byte copied);
- embed: products/s over 2,000 generated product texts (title, description, highlights; EN
  and ZH), ``encode(kind="document")`` in the alias's batch size;
- generate: single-stream greedy decode tokens/s (prefill excluded: the time of N+1 tokens
  minus the time of 1), batch-8 aggregate decode tokens/s (8 different left-padded prompts),
  and the bandwidth ceiling: bandwidth / bytes of weights one decode step reads;
- quality: embedding cosine served vs fp32 on 200 varied EN/ZH shop texts and queries;
  generator perplexity on held-out shop text (generated here, plus real Myntra and
  AdvertiseGen copy when ``--shared-data`` exists), KL divergence and top-1 agreement with
  fp32, and how many greedy continuation tokens match fp32.

Targets (2 cores): e5 >= 400 products/s and >= 2x sentence-transformers float32; generator
decode >= 2x its fp32 decode and >= 60% of its ceiling; batch-8 aggregate >= 3x single stream;
embedding cosine vs fp32 >= 0.99; perplexity within 5% of fp32. With ``--json`` the last
line is one JSON object.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from llm_report import print_table, summarise  # noqa: E402 - bench/ is on the path now
from llm_texts import description_prompts, product_texts, queries  # noqa: E402

DEFAULT_SHARED_DATA = ROOT.parent / "shared" / "data"

# -- measurements (run inside a worker process) ------------------------------------------


def rss_mb() -> float:
    """This process's resident memory now, from /proc (Linux)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# The runtimes compared side by side (bench --json "runtimes"), as OPTIONS over the served
# configuration: the project's own kernels, ONNX Runtime, and plain transformers /
# sentence-transformers in float32 (the reference of the "2x" targets).
RUNTIME_OPTIONS = {
    "llm_services": {
        "embed": {"encoder": "native"},
        "generate": {"decoder": "native"},
    },
    "onnxruntime": {
        "embed": {"encoder": "onnxruntime", "dtype": "float32", "onnx_quantization": "int8"},
        "generate": {"decoder": "onnxruntime", "quantization": "int8"},
    },
    "transformers_fp32": {
        "embed": {"encoder": "sentence-transformers", "dtype": "float32"},
        "generate": {
            "decoder": "transformers",
            "dtype": "float32",
            "quantization": "none",
            "native_kernels": False,
        },
    },
}


def variant_config(alias: str, variant: str, threads: int) -> dict[str, Any]:
    """LLM_MODELS[alias] as served, or with float32 weights for the other variants."""
    from django.conf import settings

    config = copy.deepcopy(settings.LLM_MODELS.get(alias))
    if not config or "local" not in config.get("BACKEND", ""):
        raise SystemExit(f"LLM_MODELS[{alias!r}] is not an in-process model: nothing to measure.")
    options = config.setdefault("OPTIONS", {})
    options["threads"] = threads
    if variant in RUNTIME_OPTIONS:
        # Each runtime in its best served form: the weights and dtype the alias is configured
        # with, or what the runtime needs (ONNX Runtime: float32 in, int8 products).
        options.update(RUNTIME_OPTIONS[variant][alias])
        return config
    if variant == "served_sentence_transformers":
        # The served embedder on the runtime it had before llm_services.encoding.
        options["encoder"] = "sentence-transformers"
    elif variant != "served":
        options["dtype"] = "float32"
        options["quantization"] = "none"
    if alias == "generate" and variant == "torch_dynamic":
        # torch_dynamic swaps the model's modules after load: only generate() sees them.
        options.update(decoder="transformers", native_kernels=False)
    return config


def load_backend(alias: str, variant: str, threads: int) -> tuple[Any, float]:
    from llm_services import ModelHandler

    began = time.perf_counter()
    backend = ModelHandler(settings={alias: variant_config(alias, variant, threads)})[alias]
    if variant == "torch_dynamic":
        import torch

        torch.ao.quantization.quantize_dynamic(
            backend.model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
        )
    return backend, time.perf_counter() - began


def memory(alias: str, variant: str, options: dict[str, Any]) -> dict[str, Any]:
    """Load one model alone in this process, use it briefly, and report its memory."""
    backend, load_s = load_backend(alias, variant, options["threads"])
    after_load = rss_mb()
    if alias == "embed":
        backend.encode(product_texts(256, seed=11), kind="document")
    else:
        _greedy(backend, description_prompts(8, seed=5), 16)
    return {
        "load_s": load_s,
        "rss_after_load_mb": after_load,
        "rss_after_run_mb": rss_mb(),
        "peak_rss_mb": peak_rss_mb(),
    }


def embed_speed(variants: list[str], options: dict[str, Any]) -> dict[str, Any]:
    """Products/s of each variant, runs interleaved so that a busy spell hits all alike."""
    backends = {v: load_backend("embed", v, options["threads"])[0] for v in variants}
    texts = product_texts(options["embed_texts"], seed=11)
    timings: dict[str, list[float]] = {v: [] for v in variants}
    for backend in backends.values():
        backend.encode(texts[:64], kind="document")
    for _ in range(options["repeats"]):
        for variant, backend in backends.items():
            began = time.perf_counter()
            backend.encode(texts, kind="document")
            timings[variant].append(time.perf_counter() - began)
    result = {}
    for variant, backend in backends.items():
        tokenizer = backend.model.tokenizer
        lengths = [
            min(len(ids), backend.model.max_seq_length)
            for ids in tokenizer(backend.prefixed(texts, kind="document"))["input_ids"]
        ]
        runs = sorted(timings[variant])
        result[variant] = {
            "products_per_s": len(texts) / runs[0],
            "products_per_s_median": len(texts) / runs[len(runs) // 2],
            "texts": len(texts),
            "mean_tokens": sum(lengths) / len(lengths),
            "max_seq_length": backend.model.max_seq_length,
            "batch_size": backend.batch_size,
            "dtype": str(next(backend.model.parameters()).dtype).removeprefix("torch."),
            "runtime": backend.runtime,
        }
    return result


def _greedy(backend: Any, prompts: list[str], new_tokens: int) -> tuple[float, int]:
    """Seconds to greedily generate ``new_tokens`` per prompt (no EOS stop), and tokens made,
    on the backend's own (served) generation path."""
    ids = [backend.tokenizer(p)["input_ids"] for p in prompts]
    began = time.perf_counter()
    rows = backend.generate_token_ids(ids, max_new_tokens=new_tokens, stop_at_eos=False)
    elapsed = time.perf_counter() - began
    return elapsed, sum(len(r) for r in rows)


def decode_rate(backend: Any, prompts: list[str], new_tokens: int, repeats: int) -> list[float]:
    """Decode tokens/s, prefill excluded: (time of N+1 tokens - time of 1) for N tokens."""
    rates = []
    for _ in range(repeats):
        first, _ = _greedy(backend, prompts, 1)
        total, made = _greedy(backend, prompts, new_tokens + 1)
        rates.append((made - len(prompts)) / max(total - first, 1e-9))
    return rates


def generate_speed(variants: list[str], options: dict[str, Any]) -> dict[str, Any]:
    """Decode tokens/s of each variant, single stream and batch 8, runs interleaved."""
    from llm_services.quantization import describe, weight_bytes_per_token

    backends = {v: load_backend("generate", v, options["threads"])[0] for v in variants}
    prompts = description_prompts(8, seed=5)
    single: dict[str, list[float]] = {v: [] for v in variants}
    batched: dict[str, list[float]] = {v: [] for v in variants}
    for backend in backends.values():
        _greedy(backend, prompts, 4)
    for _ in range(options["decode_repeats"]):
        for variant, backend in backends.items():
            single[variant] += decode_rate(backend, prompts[:1], options["new_tokens"], 1)
    for _ in range(options["decode_repeats"]):
        for variant, backend in backends.items():
            batched[variant] += decode_rate(backend, prompts, options["batch_new_tokens"], 1)
    result = {}
    for variant, backend in backends.items():
        result[variant] = {
            "decode_tokens_per_s": max(single[variant]),
            "decode_tokens_per_s_median": sorted(single[variant])[len(single[variant]) // 2],
            "batched_tokens_per_s": max(batched[variant]),
            "batched_tokens_per_s_median": sorted(batched[variant])[len(batched[variant]) // 2],
            # torch's own quantized modules are no nn.Linear, and an ONNX Runtime backend has
            # no torch weights: their bytes are not counted.
            "weight_bytes_per_token": None
            if variant == "torch_dynamic" or backend.model is None
            else weight_bytes_per_token(backend.model),
            "weights": backend.runtime if backend.model is None else describe(backend.model),
            "runtime": backend.runtime,
        }
    return result


def _read_shared_texts(shared: Path | None, count: int) -> dict[str, list[str]]:
    """Real held-out copy: Myntra descriptions (EN) and AdvertiseGen summaries (ZH), if there."""
    import csv

    found: dict[str, list[str]] = {}
    if shared is None:
        return found
    myntra = shared / "copywriting" / "myntra_products.jsonl"
    if myntra.is_file():
        with myntra.open(encoding="utf-8") as lines:
            rows = [json.loads(line) for line, _ in zip(lines, range(count * 4), strict=False)]
        found["myntra_en"] = [r["Description"] for r in rows if r.get("Description")][:count]
    advertisegen = shared / "copywriting" / "advertisegen_zh.csv"
    if advertisegen.is_file():
        with advertisegen.open(encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))[:count]
        found["advertisegen_zh"] = [r["summary"] for r in rows if r.get("summary")]
    return found


def _scored(reference: Any, candidate: Any, texts: list[str]) -> dict[str, float]:
    """Perplexity of a candidate without torch weights (ONNX Runtime) through its own decode
    path, one token a step (``decoder.score``), against the reference on the same tokens."""
    import torch

    nll = {"reference": 0.0, "candidate": 0.0}
    tokens = 0
    with torch.inference_mode():
        for text in texts:
            ids = reference.tokenizer(text, truncation=True, max_length=128)["input_ids"]
            if len(ids) < 2:
                continue
            target = torch.tensor(ids[1:])
            ref = reference.model(input_ids=torch.tensor([ids])).logits[0, :-1].log_softmax(-1)
            nll["reference"] -= float(ref.gather(1, target[:, None]).sum())
            nll["candidate"] -= sum(candidate.decoder.score(ids))
            tokens += len(ids) - 1
    reference_ppl = math.exp(nll["reference"] / tokens)
    candidate_ppl = math.exp(nll["candidate"] / tokens)
    return {
        "tokens": tokens,
        "perplexity_fp32": reference_ppl,
        "perplexity": candidate_ppl,
        "perplexity_ratio": candidate_ppl / reference_ppl,
        "path": "decode steps (decoder.score), 128 tokens a text at most",
    }


def _teacher_forced(reference: Any, candidate: Any, texts: list[str]) -> dict[str, float]:
    """Perplexity of both models on ``texts``, KL(reference || candidate), top-1 agreement."""
    import torch

    if getattr(candidate, "model", None) is None:
        return _scored(reference, candidate, texts)

    tokenizer = reference.tokenizer
    nll = {"reference": 0.0, "candidate": 0.0}
    tokens = agree = 0
    kl = 0.0
    with torch.inference_mode():
        for text in texts:
            ids = tokenizer(text, return_tensors="pt", truncation=True, max_length=256)
            target = ids["input_ids"][0, 1:]
            if target.numel() == 0:
                continue
            ref = reference.model(**ids).logits[0, :-1].float().log_softmax(-1)
            cand = candidate.model(**ids).logits[0, :-1].float().log_softmax(-1)
            nll["reference"] -= float(ref.gather(1, target[:, None]).sum())
            nll["candidate"] -= float(cand.gather(1, target[:, None]).sum())
            kl += float((ref.exp() * (ref - cand)).sum())
            agree += int((ref.argmax(-1) == cand.argmax(-1)).sum())
            tokens += target.numel()
    reference_ppl = math.exp(nll["reference"] / tokens)
    candidate_ppl = math.exp(nll["candidate"] / tokens)
    return {
        "tokens": tokens,
        "perplexity_fp32": reference_ppl,
        "perplexity": candidate_ppl,
        "perplexity_ratio": candidate_ppl / reference_ppl,
        "kl_nats_per_token": kl / tokens,
        "top1_agreement": agree / tokens,
    }


def _decode_path(candidate: Any, texts: list[str]) -> dict[str, float] | None:
    """Perplexity through the served decode path itself: every token fed one step at a time,
    so every product runs decode.c's int8 kernels with int16 activations (teacher forcing
    above runs many rows at once, on dequantised weights)."""
    import torch

    decoder = getattr(candidate, "decoder", None)
    if decoder is None or getattr(decoder, "native_layers", None) is None:
        return None
    nll, tokens = 0.0, 0
    with torch.inference_mode():
        for text in texts:
            ids = candidate.tokenizer(text, truncation=True, max_length=128)["input_ids"]
            if len(ids) < 2:
                continue
            row = torch.tensor([ids])
            pads = torch.zeros(1, dtype=torch.long)
            cache = [
                (
                    torch.zeros(1, decoder.kv_heads, len(ids), decoder.head_dim),
                    torch.zeros(1, decoder.kv_heads, len(ids), decoder.head_dim),
                )
                for _ in decoder.layers
            ]
            rope = decoder._prepare_native(decoder.rope_tables(len(ids)), 1, len(ids))
            for column in range(len(ids) - 1):
                logits = decoder.forward(row[:, column : column + 1], pads, column, cache, rope)
                nll -= float(logits[0].log_softmax(-1)[ids[column + 1]])
                tokens += 1
    return {"tokens": tokens, "perplexity": math.exp(nll / tokens)}


def _continuations(reference: Any, candidate: Any, prompts: list[str], tokens: int) -> dict:
    """How much of fp32's greedy continuation the candidate reproduces token for token
    (each on its own served path)."""
    prefix = identical = 0
    for prompt in prompts:
        ids = [reference.tokenizer(prompt)["input_ids"]]
        a = reference.generate_token_ids(ids, max_new_tokens=tokens, stop_at_eos=False)[0]
        b = candidate.generate_token_ids(ids, max_new_tokens=tokens, stop_at_eos=False)[0]
        common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
        common = min(len(a), len(b)) if common is None else common
        prefix += common
        identical += a == b
    return {
        "prompts": len(prompts),
        "identical": identical,
        "mean_common_prefix_tokens": prefix / len(prompts),
        "tokens": tokens,
    }


def quality(variant: str, options: dict[str, Any]) -> dict[str, Any]:
    """Served (or torch_dynamic) against fp32, both loaded in this process."""
    import numpy as np

    result: dict[str, Any] = {}
    shared = Path(options["shared_data"]) if options.get("shared_data") else None
    if not options.get("skip_embed"):
        reference, _ = load_backend("embed", "fp32", options["threads"])
        candidate, _ = load_backend("embed", variant, options["threads"])
        documents = product_texts(options["cosine_texts"], seed=21)
        asked = queries(options["cosine_queries"], seed=22)
        cosines = np.concatenate(
            [
                (reference.encode(documents) * candidate.encode(documents)).sum(1),
                (reference.encode(asked, kind="query") * candidate.encode(asked, kind="query")).sum(
                    1
                ),
            ]
        )
        result["embed"] = {
            "texts": len(cosines),
            "cosine_min": float(cosines.min()),
            "cosine_mean": float(cosines.mean()),
        }
        titles = shared / "search" / "homedepot" / "products.csv" if shared else None
        if titles is not None and titles.is_file():
            import csv

            with titles.open(encoding="utf-8", errors="replace") as handle:
                rows = [
                    r["product_title"]
                    for r, _ in zip(csv.DictReader(handle), range(500), strict=False)
                ]
            real = (reference.encode(rows) * candidate.encode(rows)).sum(1)
            result["embed"]["homedepot_titles"] = {
                "texts": len(rows),
                "cosine_min": float(real.min()),
                "cosine_mean": float(real.mean()),
            }
        del reference, candidate
    reference, _ = load_backend("generate", "fp32", options["threads"])
    candidate, _ = load_backend("generate", variant, options["threads"])
    held_out = {"generated_shop_text": product_texts(options["perplexity_texts"], seed=123)}
    held_out.update(_read_shared_texts(shared, options["perplexity_texts"]))
    result["generate"] = {
        name: _teacher_forced(reference, candidate, t) for name, t in held_out.items()
    }
    decode_path = _decode_path(candidate, held_out["generated_shop_text"])
    if decode_path is not None:
        shop = result["generate"]["generated_shop_text"]
        decode_path["perplexity_ratio"] = decode_path["perplexity"] / shop["perplexity_fp32"]
        result["generate"]["decode_path"] = decode_path
    result["generate"]["greedy"] = _continuations(
        reference, candidate, description_prompts(options["greedy_prompts"], seed=9), 32
    )
    return result


def worker_main(name: str, variant: str, options: dict[str, Any]) -> None:
    setup_django()
    if name == "embed_speed":
        result = embed_speed(variant.split(","), options)
    elif name == "generate_speed":
        result = generate_speed(variant.split(","), options)
    elif name == "quality":
        result = quality(variant, options)
    else:
        alias, _, model_variant = variant.partition(":")
        result = memory(alias, model_variant, options)
    print(json.dumps(result))


# -- the parent process ------------------------------------------------------------------


def measure_bandwidth(threads: int) -> dict[str, float]:
    """Best of 7 copies of 512 MB with torch, plus a read-only pass (sum) for reference."""
    import torch

    torch.set_num_threads(threads)
    source = torch.ones(128 * 1024 * 1024)
    target = torch.empty_like(source).fill_(0)
    size = source.numel() * source.element_size()
    copies, sums = [], []
    for _ in range(7):
        began = time.perf_counter()
        target.copy_(source)
        copies.append(time.perf_counter() - began)
        began = time.perf_counter()
        source.sum()
        sums.append(time.perf_counter() - began)
    return {
        "copy_gb_s": size / min(copies) / 1e9,
        "bandwidth_gb_s": 2 * size / min(copies) / 1e9,
        "read_gb_s": size / min(sums) / 1e9,
    }


def run_worker(name: str, variant: str, options: dict[str, Any], verbose: bool) -> dict[str, Any]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    env["LLM_NUM_THREADS"] = str(options["threads"])
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    env.setdefault("TOKENIZERS_PARALLELISM", "false")
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", name, variant]
    command += ["--worker-options", json.dumps(options)]
    if verbose:
        print(f"  {name} ({variant}) ...", file=sys.stderr, flush=True)
    began = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"worker {name} ({variant}) failed with exit code {done.returncode}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - began
    return result


def busy_processes() -> list[str]:
    """The other processes using the most CPU right now (from ps), for the record."""
    try:
        out = subprocess.run(
            ["ps", "-eo", "pid,pcpu,comm", "--sort=-pcpu", "--no-headers"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    rows = [line.split(None, 2) for line in out.splitlines() if line.strip()]
    own = str(os.getpid())
    return [
        f"{name.strip()} {cpu}%" for pid, cpu, name in rows[:5] if pid != own and float(cpu) >= 5.0
    ]


def cpu_model() -> str:
    """The CPU's name and the vector extensions that decide which kernels are fast."""
    name, flags = platform.processor(), set()
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    name = line.split(":", 1)[1].strip()
                elif line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    wanted = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16")
    return f"{name} ({', '.join(f for f in wanted if f in flags) or 'no AVX2'})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer texts, tokens and repeats")
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--compare-torch-dynamic",
        action="store_true",
        help="also measure plain torch dynamic int8 (quantize_dynamic) for comparison",
    )
    parser.add_argument(
        "--shared-data",
        default=str(DEFAULT_SHARED_DATA) if DEFAULT_SHARED_DATA.is_dir() else "",
        help="evaluation data folder for the extra real-text checks ('' to skip)",
    )
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--worker-options", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker_main(args.worker[0], args.worker[1], json.loads(args.worker_options))
        return

    quick = args.quick
    options = {
        "threads": args.threads,
        "repeats": 2 if quick else 3,
        "decode_repeats": 2 if quick else 5,
        "embed_texts": 500 if quick else 2000,
        "new_tokens": 32 if quick else 64,
        "batch_new_tokens": 16 if quick else 32,
        "cosine_texts": 150,
        "cosine_queries": 50,
        "perplexity_texts": 16 if quick else 40,
        "greedy_prompts": 4 if quick else 8,
        "shared_data": "" if quick else args.shared_data,
    }
    verbose = not args.json or sys.stderr.isatty()
    began = time.perf_counter()
    load_before = os.getloadavg()
    busy = busy_processes()
    result: dict[str, Any] = {
        "threads": args.threads,
        "cpu": cpu_model(),
        "bandwidth": measure_bandwidth(args.threads),
    }
    extra = ["torch_dynamic"] if args.compare_torch_dynamic else []
    for alias in ("embed", "generate"):
        reference = ["served_sentence_transformers"] if alias == "embed" else []
        variants = ["fp32", "served", *RUNTIME_OPTIONS, *reference, *extra]
        speed = run_worker(f"{alias}_speed", ",".join(variants), options, verbose)
        result[alias] = {
            variant: {
                **speed[variant],
                **{
                    key: value
                    for key, value in run_worker(
                        "memory", f"{alias}:{variant}", options, verbose
                    ).items()
                    if key != "wall_s"
                },
            }
            for variant in variants
        }
    result["quality"] = run_worker("quality", "served", options, verbose)
    # Each runtime against float32: the embedder's cosines, the generator's perplexity on
    # the generated shop text (the real-text files are for the served configuration).
    result["quality_runtimes"] = {
        runtime: run_worker("quality", runtime, {**options, "shared_data": ""}, verbose)
        for runtime in RUNTIME_OPTIONS
    }
    if args.compare_torch_dynamic:
        result["quality_torch_dynamic"] = run_worker(
            "quality", "torch_dynamic", {**options, "shared_data": ""}, verbose
        )
    load_after = os.getloadavg()
    result["load_average"] = {
        "start": [round(x, 2) for x in load_before],
        "end": [round(x, 2) for x in load_after],
    }
    result["busy"] = busy
    # The raw figures first: a bug in the summary must not cost a 15-minute run.
    raw = ROOT / "var" / "bench" / f"llm-{time.strftime('%Y%m%dT%H%M%S')}.json"
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(json.dumps(result))
    flat = summarise(result)
    flat["seconds"] = round(time.perf_counter() - began, 1)
    print_table(flat, result)
    if args.json:
        print(json.dumps({**flat, "details": result}))


if __name__ == "__main__":
    main()
