"""LLM services benchmark: embedding and generation speed, memory and quality, fp32 vs served.

"Served" is the configuration of the ``embed`` and ``generate`` aliases in LLM_MODELS
(config.settings.dev unless DJANGO_SETTINGS_MODULE says otherwise); "fp32" is the same alias
with float32 weights (``dtype`` float32, ``quantization`` none) on the same runtime (for
Gemma 3: ``llm_services.decoding`` with decode.c's float32 layers; for e5:
``llm_services.encoding``); "fp32_transformers" (the generator only) is float32 on plain
transformers ``generate`` with torch's kernels, and "served_sentence_transformers" (the
embedder only) the served dtype on plain sentence-transformers, both for reference.

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

Targets (issue "LLM services", 2 cores): e5 >= 400 products/s; generator decode >= 2x its fp32
decode and >= 60% of its ceiling; batch-8 aggregate >= 3x single stream; embedding cosine vs
fp32 >= 0.99; perplexity within 5% of fp32. With ``--json`` the last line is one JSON object.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED_DATA = ROOT.parent / "shared" / "data"
TARGETS = {
    "embed_products_per_s": 400.0,
    "decode_speedup": 2.0,
    "decode_ceiling_share": 0.60,
    "batch_speedup": 3.0,
    "embed_cosine_min": 0.99,
    "perplexity_ratio_max": 1.05,
}

# -- generated shop text -------------------------------------------------------------------

EN_ITEMS = [
    ("running shoes", ["mesh", "knit", "recycled foam"], ["trail runs", "daily jogging", "gym"]),
    ("hiking boots", ["leather", "nubuck", "waterproof suede"], ["mountain trails", "wet walks"]),
    ("rain jacket", ["nylon", "recycled polyester"], ["city commutes", "camping", "showers"]),
    ("coffee mug", ["ceramic", "stoneware", "enamel"], ["morning coffee", "tea at work"]),
    ("chef's knife", ["German steel", "Damascus steel"], ["slicing vegetables", "carving meat"]),
    ("office chair", ["mesh", "leather", "fabric"], ["long work days", "home offices", "gaming"]),
    ("desk lamp", ["aluminium", "brass"], ["reading", "late-night study", "crafts"]),
    ("wireless headphones", ["aluminium", "memory foam"], ["commuting", "flights", "workouts"]),
    ("phone case", ["silicone", "leather", "TPU"], ["drops", "daily carry"]),
    ("backpack", ["canvas", "nylon", "waxed cotton"], ["school", "travel", "weekend hikes"]),
    ("yoga mat", ["natural rubber", "cork", "TPE"], ["yoga", "pilates", "stretching"]),
    ("T-shirt", ["organic cotton", "Pima cotton", "linen blend"], ["summer days", "layering"]),
    ("wool sweater", ["merino wool", "lambswool", "cashmere blend"], ["cold evenings", "travel"]),
    ("summer dress", ["linen", "viscose", "cotton poplin"], ["beach holidays", "garden parties"]),
    ("garden hose", ["rubber", "PVC"], ["watering plants", "washing the car"]),
    ("cordless drill", ["brushless motor", "metal gearbox"], ["furniture assembly", "repairs"]),
    ("bath towel", ["Egyptian cotton", "bamboo fibre"], ["daily showers", "the gym", "beach"]),
    ("water bottle", ["stainless steel", "Tritan", "glass"], ["hiking", "the office", "cycling"]),
    ("scented candle", ["soy wax", "beeswax"], ["relaxing evenings", "gifts"]),
    ("board game", ["wood", "cardboard"], ["family nights", "parties", "rainy weekends"]),
    ("frying pan", ["cast iron", "tri-ply steel", "ceramic non-stick"], ["searing", "omelettes"]),
    ("duvet cover", ["percale cotton", "washed linen"], ["all-season sleep", "guest rooms"]),
]
EN_ADJECTIVES = [
    "lightweight",
    "durable",
    "breathable",
    "compact",
    "premium",
    "classic",
    "ergonomic",
    "water-resistant",
    "soft",
    "handmade",
    "slim",
    "adjustable",
    "foldable",
]
EN_COLOURS = ["black", "navy blue", "olive green", "grey", "white", "burgundy", "sand", "red"]
BRANDS = ["Northpeak", "Luma", "Oakline", "Vireo", "Kestrel", "Morrow", "Alba", "Tessel"]
EN_HIGHLIGHTS = [
    "Machine washable",
    "Two-year warranty",
    "Free returns within 30 days",
    "Ships in recyclable packaging",
    "Available in {n} sizes",
    "Weighs only {w} g",
    "Tested by our team for {m} months",
]
ZH_ITEMS = [
    ("跑步鞋", ["网面", "针织", "再生泡棉"], ["越野跑", "日常慢跑", "健身房训练"]),
    ("登山靴", ["真皮", "磨砂皮"], ["山地徒步", "雨天出行"]),
    ("冲锋衣", ["尼龙", "再生涤纶"], ["城市通勤", "露营", "春季阵雨"]),
    ("马克杯", ["陶瓷", "粗陶", "搪瓷"], ["早晨咖啡", "办公室喝茶"]),
    ("办公椅", ["网布", "真皮", "布艺"], ["长时间办公", "家庭办公", "电竞游戏"]),
    ("台灯", ["铝合金", "黄铜"], ["阅读", "深夜学习"]),
    ("无线耳机", ["铝合金", "记忆棉"], ["通勤", "长途飞行", "运动健身"]),
    ("双肩包", ["帆布", "尼龙"], ["上学", "旅行", "周末徒步"]),
    ("瑜伽垫", ["天然橡胶", "软木"], ["瑜伽", "普拉提", "拉伸"]),
    ("纯棉T恤", ["有机棉", "长绒棉"], ["夏天", "内搭", "休闲穿着"]),
    ("羊毛衫", ["美利奴羊毛", "羊绒混纺"], ["寒冷的晚上", "冬季旅行"]),
    ("连衣裙", ["亚麻", "棉"], ["海边度假", "花园派对"]),
    ("电钻", ["无刷电机", "金属齿轮箱"], ["家具组装", "家庭维修"]),
    ("保温杯", ["不锈钢", "玻璃"], ["徒步", "办公室", "骑行"]),
    ("香薰蜡烛", ["大豆蜡", "蜂蜡"], ["放松的夜晚", "送礼"]),
    ("平底锅", ["铸铁", "陶瓷不粘涂层"], ["煎牛排", "做早餐"]),
]
ZH_ADJECTIVES = ["轻便", "耐用", "透气", "小巧", "高端", "经典", "防水", "柔软", "手工", "可折叠"]
ZH_COLOURS = ["黑色", "藏青色", "橄榄绿", "灰色", "白色", "酒红色", "米色", "红色"]
ZH_HIGHLIGHTS = [
    "可机洗",
    "两年质保",
    "30天无理由退货",
    "环保包装发货",
    "共有{n}个尺码",
    "仅重{w}克",
]
EN_QUERIES = ["cheap {noun}", "{colour} {noun}", "{noun} for {use}", "best {adjective} {noun}"]
ZH_QUERIES = ["{colour}{noun}", "适合{use}的{noun}", "{adjective}{noun}"]


def _fill(template: str, rng: random.Random) -> str:
    return template.format(n=rng.randint(3, 8), w=rng.randint(90, 900), m=rng.randint(2, 12))


def product(rng: random.Random, *, chinese: bool) -> tuple[str, str]:
    """One generated product: (title, description with highlights)."""
    if chinese:
        noun, materials, uses = rng.choice(ZH_ITEMS)
        first, second = rng.sample(ZH_ADJECTIVES, 2)
        title = f"{rng.choice(BRANDS)} {first}{rng.choice(ZH_COLOURS)}{noun}"
        use_a, use_b = rng.sample(uses, 2) if len(uses) > 1 else (uses[0], uses[0])
        body = f"这款{noun}采用{rng.choice(materials)}制成，{second}舒适，适合{use_a}和{use_b}。"
        if rng.random() < 0.7:
            picks = rng.sample(ZH_HIGHLIGHTS, rng.randint(1, 3))
            body += "、".join(_fill(h, rng) for h in picks) + "。"
        return title, body
    noun, materials, uses = rng.choice(EN_ITEMS)
    first, second = rng.sample(EN_ADJECTIVES, 2)
    title = f"{rng.choice(BRANDS)} {first} {rng.choice(EN_COLOURS)} {noun}"
    use_a, use_b = rng.sample(uses, 2)
    body = f"A {second} {noun} made from {rng.choice(materials)}, designed for {use_a} and {use_b}."
    if rng.random() < 0.7:
        picks = rng.sample(EN_HIGHLIGHTS, rng.randint(1, 3))
        body += " " + ". ".join(_fill(h, rng) for h in picks) + "."
    return title, body


def product_texts(count: int, *, seed: int, chinese_share: float = 0.3) -> list[str]:
    """``count`` product texts ("title. description"), about 30% of them in Chinese."""
    rng = random.Random(seed)
    return [". ".join(product(rng, chinese=rng.random() < chinese_share)) for _ in range(count)]


def queries(count: int, *, seed: int) -> list[str]:
    """Short search queries in English and Chinese."""
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        if rng.random() < 0.3:
            noun, _, uses = rng.choice(ZH_ITEMS)
            template = rng.choice(ZH_QUERIES)
            result.append(
                template.format(
                    noun=noun,
                    colour=rng.choice(ZH_COLOURS),
                    use=rng.choice(uses),
                    adjective=rng.choice(ZH_ADJECTIVES),
                )
            )
        else:
            noun, _, uses = rng.choice(EN_ITEMS)
            template = rng.choice(EN_QUERIES)
            result.append(
                template.format(
                    noun=noun,
                    colour=rng.choice(EN_COLOURS),
                    use=rng.choice(uses),
                    adjective=rng.choice(EN_ADJECTIVES),
                )
            )
    return result


def description_prompts(count: int, *, seed: int) -> list[str]:
    """Completion prompts that ask the base model for a product description."""
    rng = random.Random(seed)
    return [f"Product: {product(rng, chinese=False)[0]}\nDescription:" for _ in range(count)]


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


def variant_config(alias: str, variant: str, threads: int) -> dict[str, Any]:
    """LLM_MODELS[alias] as served, or with float32 weights for the other variants."""
    from django.conf import settings

    config = copy.deepcopy(settings.LLM_MODELS.get(alias))
    if not config or "local" not in config.get("BACKEND", ""):
        raise SystemExit(f"LLM_MODELS[{alias!r}] is not an in-process model: nothing to measure.")
    options = config.setdefault("OPTIONS", {})
    options["threads"] = threads
    if variant == "served_sentence_transformers":
        # The served embedder on the runtime it had before llm_services.encoding.
        options["encoder"] = "sentence-transformers"
    elif variant != "served":
        options["dtype"] = "float32"
        if alias == "generate":
            options["quantization"] = "none"
    if alias == "generate" and variant in ("fp32_transformers", "torch_dynamic"):
        # torch_dynamic swaps the model's modules after load: only generate() sees them.
        options.update(decoder="transformers", native_kernels=False)
    return config


def load_backend(alias: str, variant: str, threads: int) -> tuple[Any, float]:
    from llm_services.handler import ModelHandler

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
            # torch's own quantized modules are no nn.Linear: their bytes are not counted.
            "weight_bytes_per_token": None
            if variant == "torch_dynamic"
            else weight_bytes_per_token(backend.model),
            "weights": describe(backend.model),
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


def _teacher_forced(reference: Any, candidate: Any, texts: list[str]) -> dict[str, float]:
    """Perplexity of both models on ``texts``, KL(reference || candidate), top-1 agreement."""
    import torch

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
    if decoder is None or decoder.native_layers is None:
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


def summarise(result: dict[str, Any]) -> dict[str, Any]:
    """The flat JSON line: the issue's keys first, then the supporting figures."""
    embed, generate = result["embed"], result["generate"]
    served, fp32 = generate["served"], generate["fp32"]
    ceiling = result["bandwidth"]["bandwidth_gb_s"] * 1e9 / served["weight_bytes_per_token"]
    fp32_ceiling = result["bandwidth"]["bandwidth_gb_s"] * 1e9 / fp32["weight_bytes_per_token"]
    gates = result["quality"]
    shop = gates["generate"]["generated_shop_text"]
    flat: dict[str, Any] = {
        "embed_products_per_s": round(embed["served"]["products_per_s"], 1),
        "embed_fp32_products_per_s": round(embed["fp32"]["products_per_s"], 1),
        "decode_tokens_per_s": round(served["decode_tokens_per_s"], 2),
        "decode_fp32_tokens_per_s": round(fp32["decode_tokens_per_s"], 2),
        "batched_tokens_per_s": round(served["batched_tokens_per_s"], 1),
        "batched_fp32_tokens_per_s": round(fp32["batched_tokens_per_s"], 1),
        "bandwidth_ceiling_tokens_per_s": round(ceiling, 1),
        "bandwidth_ceiling_fp32_tokens_per_s": round(fp32_ceiling, 1),
        "memory_bandwidth_gb_s": round(result["bandwidth"]["bandwidth_gb_s"], 2),
        "memory_copy_gb_s": round(result["bandwidth"]["copy_gb_s"], 2),
        "memory_read_gb_s": round(result["bandwidth"]["read_gb_s"], 2),
        "weight_bytes_per_token": served["weight_bytes_per_token"],
        "weight_bytes_per_token_fp32": fp32["weight_bytes_per_token"],
        "peak_rss_mb": {
            f"{alias}_{variant}": round(result[alias][variant]["peak_rss_mb"], 1)
            for alias in ("embed", "generate")
            for variant in result[alias]
        },
        "rss_after_load_mb": {
            f"{alias}_{variant}": round(result[alias][variant]["rss_after_load_mb"], 1)
            for alias in ("embed", "generate")
            for variant in result[alias]
        },
        "rss_after_run_mb": {
            f"{alias}_{variant}": round(result[alias][variant]["rss_after_run_mb"], 1)
            for alias in ("embed", "generate")
            for variant in result[alias]
        },
        "decode_speedup": round(served["decode_tokens_per_s"] / fp32["decode_tokens_per_s"], 3),
        "decode_ceiling_share": round(served["decode_tokens_per_s"] / ceiling, 3),
        "batch_speedup": round(served["batched_tokens_per_s"] / served["decode_tokens_per_s"], 3),
        "embed_speedup": round(
            embed["served"]["products_per_s"] / embed["fp32"]["products_per_s"], 3
        ),
        "embed_cosine_min": round(gates["embed"]["cosine_min"], 5),
        "embed_cosine_mean": round(gates["embed"]["cosine_mean"], 5),
        "perplexity_fp32": round(shop["perplexity_fp32"], 3),
        "perplexity": round(shop["perplexity"], 3),
        "perplexity_ratio": round(shop["perplexity_ratio"], 4),
        "kl_nats_per_token": round(shop["kl_nats_per_token"], 5),
        "top1_agreement": round(shop["top1_agreement"], 4),
        "embed_mean_tokens": round(embed["served"]["mean_tokens"], 1),
        "embed_dtype": embed["served"].get("dtype"),
        "embed_runtime": embed["served"].get("runtime"),
        "generate_runtime": served["runtime"],
        "threads": result["threads"],
        "load_average": result["load_average"],
    }
    for name, figures in gates["generate"].items():
        if name not in ("generated_shop_text", "greedy", "decode_path"):
            flat[f"perplexity_ratio_{name}"] = round(figures["perplexity_ratio"], 4)
            flat[f"kl_nats_per_token_{name}"] = round(figures["kl_nats_per_token"], 5)
    if "homedepot_titles" in gates["embed"]:
        flat["embed_cosine_min_homedepot_titles"] = round(
            gates["embed"]["homedepot_titles"]["cosine_min"], 5
        )
    flat["greedy_identical"] = (
        f"{gates['generate']['greedy']['identical']}/{gates['generate']['greedy']['prompts']}"
    )
    flat["greedy_mean_common_prefix_tokens"] = round(
        gates["generate"]["greedy"]["mean_common_prefix_tokens"], 1
    )
    flat["targets_met"] = {
        "embed_products_per_s": flat["embed_products_per_s"] >= TARGETS["embed_products_per_s"],
        "decode_speedup": flat["decode_speedup"] >= TARGETS["decode_speedup"],
        "decode_ceiling_share": flat["decode_ceiling_share"] >= TARGETS["decode_ceiling_share"],
        "batch_speedup": flat["batch_speedup"] >= TARGETS["batch_speedup"],
        "embed_cosine_min": flat["embed_cosine_min"] >= TARGETS["embed_cosine_min"],
        "perplexity_ratio": flat["perplexity_ratio"] <= TARGETS["perplexity_ratio_max"],
    }
    if "decode_path" in gates["generate"]:
        flat["perplexity_ratio_decode_path"] = round(
            gates["generate"]["decode_path"]["perplexity_ratio"], 4
        )
    if "fp32_transformers" in generate:
        plain = generate["fp32_transformers"]
        flat["decode_fp32_transformers_tokens_per_s"] = round(plain["decode_tokens_per_s"], 2)
        flat["batched_fp32_transformers_tokens_per_s"] = round(plain["batched_tokens_per_s"], 1)
        flat["decode_speedup_vs_fp32_transformers"] = round(
            served["decode_tokens_per_s"] / plain["decode_tokens_per_s"], 3
        )
    if "served_sentence_transformers" in embed:
        plain = embed["served_sentence_transformers"]
        flat["embed_sentence_transformers_products_per_s"] = round(plain["products_per_s"], 1)
        flat["embed_speedup_vs_sentence_transformers"] = round(
            embed["served"]["products_per_s"] / plain["products_per_s"], 3
        )
    if "torch_dynamic" in generate:
        flat["decode_torch_dynamic_tokens_per_s"] = round(
            generate["torch_dynamic"]["decode_tokens_per_s"], 2
        )
        flat["embed_torch_dynamic_products_per_s"] = round(
            embed["torch_dynamic"]["products_per_s"], 1
        )
        dynamic = result["quality_torch_dynamic"]
        flat["perplexity_ratio_torch_dynamic"] = round(
            dynamic["generate"]["generated_shop_text"]["perplexity_ratio"], 4
        )
        flat["embed_cosine_min_torch_dynamic"] = round(dynamic["embed"]["cosine_min"], 5)
    return flat


def print_table(flat: dict[str, Any], result: dict[str, Any]) -> None:
    met = flat["targets_met"]

    def mark(key: str) -> str:
        return "yes" if met[key] else "NO"

    rows = [
        ("memory bandwidth (copy, read+write)", f"{flat['memory_bandwidth_gb_s']} GB/s", "", ""),
        (
            "embed products/s (fp32 -> served)",
            f"{flat['embed_fp32_products_per_s']} -> {flat['embed_products_per_s']}",
            ">= 400",
            mark("embed_products_per_s"),
        ),
        (
            "decode tokens/s single (fp32 -> served)",
            f"{flat['decode_fp32_tokens_per_s']} -> {flat['decode_tokens_per_s']} "
            f"(x{flat['decode_speedup']})",
            ">= x2",
            mark("decode_speedup"),
        ),
        (
            "decode share of bandwidth ceiling",
            f"{flat['decode_tokens_per_s']} / {flat['bandwidth_ceiling_tokens_per_s']} = "
            f"{flat['decode_ceiling_share']:.0%}",
            ">= 60%",
            mark("decode_ceiling_share"),
        ),
        (
            "batch-8 aggregate tokens/s (served)",
            f"{flat['batched_tokens_per_s']} (x{flat['batch_speedup']} single)",
            ">= x3",
            mark("batch_speedup"),
        ),
        (
            "embed cosine served vs fp32 (min/mean)",
            f"{flat['embed_cosine_min']} / {flat['embed_cosine_mean']}",
            ">= 0.99",
            mark("embed_cosine_min"),
        ),
        (
            "perplexity fp32 -> served (shop text)",
            f"{flat['perplexity_fp32']} -> {flat['perplexity']} (x{flat['perplexity_ratio']})",
            "<= x1.05",
            mark("perplexity_ratio"),
        ),
        (
            "KL / top-1 agreement / greedy identical",
            f"{flat['kl_nats_per_token']} / {flat['top1_agreement']:.1%} / "
            f"{flat['greedy_identical']}",
            "",
            "",
        ),
        (
            "weights read per token (fp32 -> served)",
            f"{flat['weight_bytes_per_token_fp32'] / 1e6:.0f} -> "
            f"{flat['weight_bytes_per_token'] / 1e6:.0f} MB",
            "",
            "",
        ),
    ]
    for key, value in flat["peak_rss_mb"].items():
        after = flat["rss_after_run_mb"][key]
        rows.append((f"RSS {key} (peak / after the run)", f"{value:.0f} / {after:.0f} MB", "", ""))
    for key, value in flat.items():
        if key.startswith(
            (
                "perplexity_ratio_",
                "embed_cosine_min_",
                "decode_torch",
                "embed_torch",
                "decode_fp32_transformers",
                "batched_fp32_transformers",
                "decode_speedup_vs",
            )
        ):
            rows.append((key, str(value), "", ""))
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':<44} {'target':<9} met")
    for name, value, target, ok in rows:
        print(f"{name:<{width}}  {value:<44} {target:<9} {ok}")
    print(f"generator runtime: {flat['generate_runtime']}; embedder dtype {flat['embed_dtype']}")
    print(f"embedder runtime: {flat['embed_runtime']}")
    print(
        f"threads {flat['threads']}, load average {flat['load_average']}, "
        f"CPU {result['cpu']}, busy: {', '.join(result['busy']) or 'none'}"
    )


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
        reference = {"generate": ["fp32_transformers"], "embed": ["served_sentence_transformers"]}
        variants = ["fp32", "served", *reference[alias], *extra]
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
