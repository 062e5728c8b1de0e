"""bench/llm.py's summary: the flat JSON line (the issue's keys first) and the table."""

from __future__ import annotations

from typing import Any

TARGETS = {
    "embed_products_per_s": 400.0,
    "decode_speedup": 2.0,
    "decode_ceiling_share": 0.60,
    "batch_speedup": 3.0,
    "embed_cosine_min": 0.99,
    "perplexity_ratio_max": 1.05,
}


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
    runtimes = {}
    for runtime in result.get("quality_runtimes", {}):
        gate = result["quality_runtimes"][runtime]
        runtimes[runtime] = {
            "decode_tokens_per_s": round(generate[runtime]["decode_tokens_per_s"], 2),
            "batched_tokens_per_s": round(generate[runtime]["batched_tokens_per_s"], 1),
            "embed_products_per_s": round(embed[runtime]["products_per_s"], 1),
            "perplexity_ratio": round(
                gate["generate"]["generated_shop_text"]["perplexity_ratio"], 4
            ),
            "cosine_min": round(gate["embed"]["cosine_min"], 5),
            "peak_rss_mb": {
                alias: round(result[alias][runtime]["peak_rss_mb"], 1)
                for alias in ("embed", "generate")
            },
            "load_s": {
                alias: round(result[alias][runtime]["load_s"], 2) for alias in ("embed", "generate")
            },
            "runtime": {
                alias: result[alias][runtime]["runtime"] for alias in ("embed", "generate")
            },
        }
    if runtimes:
        flat["runtimes"] = runtimes
        flat["served_runtime"] = {
            alias: result[alias]["served"]["runtime"] for alias in ("embed", "generate")
        }
    if "transformers_fp32" in embed:
        flat["embed_sentence_transformers_fp32_products_per_s"] = round(
            embed["transformers_fp32"]["products_per_s"], 1
        )
        flat["embed_speedup_vs_sentence_transformers_fp32"] = round(
            embed["served"]["products_per_s"] / embed["transformers_fp32"]["products_per_s"], 3
        )
        flat["targets_met"]["embed_speedup_vs_sentence_transformers_fp32"] = (
            flat["embed_speedup_vs_sentence_transformers_fp32"] >= TARGETS["decode_speedup"]
        )
    if "served_sentence_transformers" in embed:
        plain = embed["served_sentence_transformers"]
        flat["embed_sentence_transformers_products_per_s"] = round(plain["products_per_s"], 1)
        flat["embed_speedup_vs_sentence_transformers"] = round(
            embed["served"]["products_per_s"] / plain["products_per_s"], 3
        )
    if "transformers_fp32" in generate:
        plain = generate["transformers_fp32"]
        flat["decode_fp32_transformers_tokens_per_s"] = round(plain["decode_tokens_per_s"], 2)
        flat["batched_fp32_transformers_tokens_per_s"] = round(plain["batched_tokens_per_s"], 1)
        flat["decode_speedup_vs_fp32_transformers"] = round(
            served["decode_tokens_per_s"] / plain["decode_tokens_per_s"], 3
        )
        flat["targets_met"]["decode_speedup_vs_fp32_transformers"] = (
            flat["decode_speedup_vs_fp32_transformers"] >= TARGETS["decode_speedup"]
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
    if "runtimes" in flat:
        print()
        header = ("runtime", "embed/s", "cos min", "decode/s", "batch8/s", "ppl ratio", "peak MB")
        print("{:<18} {:>8} {:>8} {:>9} {:>9} {:>9} {:>13}".format(*header))
        for name, figures in flat["runtimes"].items():
            rss = figures["peak_rss_mb"]
            print(
                f"{name:<18} {figures['embed_products_per_s']:>8} {figures['cosine_min']:>8} "
                f"{figures['decode_tokens_per_s']:>9} {figures['batched_tokens_per_s']:>9} "
                f"{figures['perplexity_ratio']:>9} {rss['embed']:>6.0f}/{rss['generate']:<6.0f}"
            )
            for alias, line in figures["runtime"].items():
                print(f"    {alias}: {line}")
        print()
    print(f"generator runtime: {flat['generate_runtime']}; embedder dtype {flat['embed_dtype']}")
    print(f"embedder runtime: {flat['embed_runtime']}")
    print(
        f"threads {flat['threads']}, load average {flat['load_average']}, "
        f"CPU {result['cpu']}, busy: {', '.join(result['busy']) or 'none'}"
    )
