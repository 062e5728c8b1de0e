"""p95 latency of a recommendation request at 10,000 products, beside a baseline.

Builds its own shop under ``var/bench-recommend/`` (SQLite): the demo shop at ``--products``
products and ``--customers`` customers with their history, the search index (e5 vectors) and
a trained recommender, then times ``recommend.selectors.recommendations`` (what every page
and the API call) for a mix of surfaces and visitors. The baseline, in the same run, is
fetching the cards of the same number of products (``shop.catalog.selectors.cards_for_ids``):
the floor any product list pays. Figures and the command: ``docs/benchmarks.md``.

    .venv/bin/python bench/recommend_latency.py               # builds the shop, then measures
    .venv/bin/python bench/recommend_latency.py --skip-build  # measure the shop built before
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench-recommend"


def environment() -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        # Everything the run writes (database, index, demo accounts) stays in its folder.
        "VAR_DIR": str(BENCH_DIR),
        "DATABASE_URL": f"sqlite:///{BENCH_DIR / 'db.sqlite3'}",
        "SEARCH_INDEX_DIR": str(BENCH_DIR / "search"),
        # The converted models of `make demo`; the trained versions go there too.
        "LLM_MODEL_DIR": os.environ.get("LLM_MODEL_DIR", str(ROOT / "var" / "models")),
        "INTERACTIONS_MODE": "immediate",
        "SERVING_WARMUP_ON_START": "false",
    }


def manage(*args: str) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=environment(), check=True)
    print(f"  manage.py {' '.join(args)}: {time.perf_counter() - started:.0f} s", flush=True)


def build(products: int, customers: int, time_budget: float) -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    manage("migrate", "--noinput", "-v", "0")
    manage("load_demo_shop", "--products", str(products), "--customers", str(customers))
    manage("rebuild_search_index", "--incremental")
    manage("train_recommender", "--time-budget", str(time_budget))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(requests: int, limit: int) -> dict:
    os.environ.update(environment())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser

    from recommend.artifacts import active_recommender
    from recommend.selectors import recommendations
    from shop.catalog.models import Product
    from shop.catalog.selectors import cards_for_ids

    served = active_recommender()
    if served is None:
        raise SystemExit("No active recommender version: run without --skip-build.")
    rng = random.Random(0)
    product_ids = list(Product.objects.active().values_list("id", flat=True))
    users = list(get_user_model().objects.filter(username__startswith="demo_customer_"))
    plan = []
    for i in range(requests):
        surface = ("home", "product", "bought_together", "cart")[i % 4]
        user = rng.choice(users) if i % 8 < 6 else AnonymousUser()
        options = {}
        if surface in ("product", "bought_together"):
            options["product_id"] = rng.choice(product_ids)
        if surface == "cart":
            options["cart_product_ids"] = rng.sample(product_ids, 2)
        plan.append((surface, user, options, rng.choice(("en", "zh-hans"))))
    # Warm: the first request loads the version's files and the served model.
    recommendations("home", user=users[0], language="en", limit=limit)
    timings: dict[str, list[float]] = {"recommendation": [], "baseline": []}
    per_surface: dict[str, list[float]] = {}
    for surface, user, options, language in plan:
        started = time.perf_counter()
        result = recommendations(surface, user=user, language=language, limit=limit, **options)
        elapsed = (time.perf_counter() - started) * 1000
        timings["recommendation"].append(elapsed)
        per_surface.setdefault(surface, []).append(elapsed)
        ids = rng.sample(product_ids, limit)
        started = time.perf_counter()
        cards_for_ids(ids)
        timings["baseline"].append((time.perf_counter() - started) * 1000)
        assert len(result.items) <= limit

    def summary(values: list[float]) -> dict:
        return {
            "p50_ms": round(statistics.median(values), 2),
            "p95_ms": round(percentile(values, 0.95), 2),
            "max_ms": round(max(values), 2),
        }

    return {
        "products": len(product_ids),
        "model_version": served.name,
        "served_model": served.served_name,
        "requests": requests,
        "limit": limit,
        "recommendation": summary(timings["recommendation"]),
        "baseline_cards": summary(timings["baseline"]),
        "by_surface": {name: summary(values) for name, values in per_surface.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=600)
    parser.add_argument("--time-budget", type=float, default=120.0)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--limit", type=int, default=8)
    parser.add_argument("--skip-build", action="store_true")
    args = parser.parse_args()
    if not args.skip_build:
        build(args.products, args.customers, args.time_budget)
    cpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    model = next(
        (line.split(":", 1)[1].strip() for line in cpu.splitlines() if "Model name" in line), "?"
    )
    report = measure(args.requests, args.limit)
    report["cpu"] = model
    report["cores"] = os.cpu_count()
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
