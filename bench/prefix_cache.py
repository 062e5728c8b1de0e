"""Time to the first token of the chat's answer prompts, with and without prefix reuse.

    .venv/bin/python bench/prefix_cache.py [--prompts 24] [--json]

Loads the local generator as the web process does (``llm["generate"]``, warmed), then, for
``--prompts`` questions in English and Chinese, each with three shop facts, builds the
chat's few-shot answer prompt (``support_chat.phrasing.prompt_for``) and times the first
token of one greedy step: with the decoder's ``PrefixCache`` (primed as the web process primes
it, ``support_chat.warmup.warm_phrasing``) and, as the baseline in the same run, with reuse
switched off. The two alternate prompt by prompt, so load changes hit both. Needs the
prepared models of ``make demo`` (``LLM_MODEL_DIR``); figures and CPU in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FACTS = {
    False: [
        "You can return any item within 30 days of delivery for a full refund.",
        "Refunds are paid to the original payment method within 5 business days.",
        "Standard shipping costs $5 and takes 3 to 5 business days.",
        "Express shipping costs $15 and arrives in 1 to 2 business days.",
        "Orders over $50 ship for free.",
        "We accept Visa, Mastercard, American Express and PayPal.",
        "Your card is charged when the order ships.",
        "Electronics carry a 2-year warranty against manufacturing defects.",
        "Shoes run true to size; between sizes, choose the larger one.",
        "You can change your address in your account until the order ships.",
    ],
    True: [
        "收货后30天内可以退货，全额退款。",
        "退款在5个工作日内退回原支付方式。",
        "标准配送运费5美元，3到5个工作日送达。",
        "加急配送运费15美元，1到2个工作日送达。",
        "订单满50美元免运费。",
        "我们接受Visa、万事达卡、美国运通和PayPal。",
        "订单发货时才扣款。",
        "电子产品享受2年质保。",
        "鞋子尺码标准，介于两个尺码之间请选大一码。",
        "订单发货前可以在账户中修改地址。",
    ],
}
QUESTIONS = {
    False: [
        "What is your return policy?",
        "How long do refunds take?",
        "How much is shipping?",
        "Do you ship for free?",
        "Which payment methods do you take?",
        "When is my card charged?",
        "Is there a warranty on headphones?",
        "What size should I buy?",
        "Can I change my address?",
        "How fast is express shipping?",
        "Can I pay with PayPal?",
        "Do I get my money back?",
    ],
    True: [
        "退货政策是什么？",
        "退款要多久？",
        "运费多少钱？",
        "有免运费吗？",
        "可以用什么方式付款？",
        "什么时候扣款？",
        "耳机有保修吗？",
        "我该买多大的鞋？",
        "可以改地址吗？",
        "加急配送要几天？",
        "能用PayPal付款吗？",
        "退款能退回来吗？",
    ],
}


def first_token_seconds(backend, prompt: str) -> float:
    started = time.perf_counter()
    next(iter(backend.stream(prompt, max_new_tokens=1, temperature=0)), None)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=24)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from llm_services import llm
    from llm_services.warmup import warm_models
    from support_chat.phrasing import prompt_for
    from support_chat.warmup import warm_phrasing

    warm_models(["generate"])
    backend = llm["generate"]
    prefixes = getattr(getattr(backend, "decoder", None), "prefixes", None)
    if prefixes is None:
        raise SystemExit("the generator has no prefix cache (decoder 'native' with reuse on)")
    warm_phrasing()
    rng = random.Random(0)
    timings: dict[str, list[float]] = {"reuse": [], "baseline": []}
    lengths = []
    for index in range(args.prompts):
        chinese = index % 2 == 1
        question = QUESTIONS[chinese][index // 2 % len(QUESTIONS[chinese])]
        prompt = prompt_for(question, rng.sample(FACTS[chinese], 3), chinese=chinese)
        lengths.append(len(backend.tokenizer(prompt)["input_ids"]))
        backend.decoder.prefixes = None
        timings["baseline"].append(first_token_seconds(backend, prompt))
        backend.decoder.prefixes = prefixes
        timings["reuse"].append(first_token_seconds(backend, prompt))

    def summary(values: list[float]) -> dict[str, float]:
        ordered = sorted(values)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        return {"p50_s": round(statistics.median(values), 4), "p95_s": round(p95, 4)}

    result = {
        "prompts": args.prompts,
        "prompt_tokens_mean": round(statistics.mean(lengths), 1),
        "reused_tokens_mean": round(prefixes.reused_tokens / max(prefixes.hits, 1), 1),
        "baseline": summary(timings["baseline"]),
        "reuse": summary(timings["reuse"]),
    }
    result["p50_speedup"] = round(result["baseline"]["p50_s"] / result["reuse"]["p50_s"], 2)
    if not args.json:
        for key, value in result.items():
            print(f"{key:24} {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
