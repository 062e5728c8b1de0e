"""Query and title text costs: analysis, spelling correction and query parsing.

These were timed assertions in the test suite, which fail on a slow or busy machine; here they
are measured, each beside a baseline in the same run (a lowercase split of the same strings):

    .venv/bin/python bench/search_text.py [--titles 20000] [--json]

Synthetic text only (no data set): titles from hardware-store words, 15,000 random words for
the speller (a 55k-title vocabulary's size).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = (
    "cordless drill",
    "3/4 in. copper pipe",
    "stainless steel sink",
    "18V lithium-ion battery",
    "outdoor LED wall light",
    "white vinyl fence panel",
)
QUERIES = (
    "red running shoes size 42 under $100",
    "女士 跑鞋 红色 100元以下",
    "cheapest wireless headphones",
    "waterproof hiking boots men",
    "蓝牙耳机 降噪",
    "cotton t-shirt size M",
)


def per_item(function, items) -> float:
    started = time.perf_counter()
    for item in items:
        function(item)
    return (time.perf_counter() - started) / len(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--titles", type=int, default=20_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from search.query import QueryVocabulary, parse_query
    from search.spelling import Speller
    from search.text import analyze

    def baseline(text: str) -> list[str]:
        return text.lower().split()

    titles = [
        f"{WORDS[i % 6]} model {i} {WORDS[(i * 7) % 6]} pack of {i % 12}"
        for i in range(args.titles)
    ]
    analyze("warm up")
    figures = {
        "analyze_us_per_title": per_item(analyze, titles) * 1e6,
        "split_us_per_title": per_item(baseline, titles) * 1e6,
    }
    rng = random.Random(5)
    words = [
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 11))) for _ in range(15_000)
    ]
    corpus = [" ".join(rng.choices(words, k=8)) for _ in range(55_000)]
    started = time.perf_counter()
    speller = Speller.from_texts(corpus)
    speller.correct("warmup")  # builds the delete table
    figures["speller_build_s"] = time.perf_counter() - started
    typos = [w[:2] + "x" + w[3:] for w in rng.sample(words, 500)]
    figures["speller_ms_per_correction"] = per_item(speller.correct, typos) * 1e3
    vocabulary = QueryVocabulary.build(speller=speller)
    queries = list(QUERIES) * 50
    parse_query(QUERIES[0], vocabulary)
    figures["parse_ms_per_query"] = per_item(lambda q: parse_query(q, vocabulary), queries) * 1e3
    figures["split_ms_per_query"] = per_item(baseline, queries) * 1e3
    figures["analyze_x_split"] = figures["analyze_us_per_title"] / figures["split_us_per_title"]
    figures["parse_x_split"] = figures["parse_ms_per_query"] / figures["split_ms_per_query"]
    if args.json:
        print(json.dumps({k: round(v, 4) for k, v in figures.items()}, indent=2))
        return
    for name, value in figures.items():
        print(f"{name:28} {value:12.4f}")


if __name__ == "__main__":
    main()
