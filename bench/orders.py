"""Order placement under concurrency on PostgreSQL: throughput and oversell count.

Each client is a separate process (its own connection, no shared GIL) calling the same
``place_order`` service the checkout uses. Two scenarios in one run:

- distinct: every client buys its own products (row locks never contend);
- hot: every client buys the same product, whose stock is smaller than the number of attempts.

    .venv/bin/python bench/orders.py [--clients 8] [--orders-per-client 100] [--hot-stock 500]
        [--database-url postgres://postgres@127.0.0.1:5432/shop_bench_orders] [--json]

Oversell = units sold beyond the initial stock, plus any product left with negative stock;
it must be 0. The hot scenario's refusals are the expected "only N left" errors.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
    os.environ["DEBUG"] = "false"
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.pop("REDIS_URL", None)
    # Confirmation emails would dominate the timing; they are not what is measured.
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    import django

    django.setup()


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def client(
    args: tuple[str, int, list[int], int, str],
) -> tuple[int, int, list[str], float, float]:
    database_url, client_id, product_ids, count, scenario = args
    setup_django(database_url)
    from shop.orders.exceptions import CheckoutError
    from shop.orders.services import place_order

    placed = refused = 0
    errors: list[str] = []
    started = time.time()
    address = {"full_name": "Bench", "line1": "1 Load St", "city": "C", "postcode": "1",
               "country": "US"}  # fmt: skip
    for i in range(count):
        product_id = product_ids[i % len(product_ids)]
        try:
            place_order(
                lines={product_id: 1},
                user=None,
                email="bench@example.com",
                address=address,
                shipping_method_code="standard",
                payment_method="cod",
                idempotency_key=f"{scenario}-{client_id}-{i}",
            )
            placed += 1
        except CheckoutError as error:
            refused += 1
            if "left in stock" not in str(error):
                errors.append(str(error))
    return placed, refused, errors[:5], started, time.time()


def run_scenario(
    database_url: str, scenario: str, clients: int, per_client: int, product_sets: list[list[int]]
) -> dict[str, float]:
    work = [(database_url, c, product_sets[c], per_client, scenario) for c in range(clients)]
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        results = pool.map(client, work)
    # From the first order to the last: process start-up and Django setup are not counted.
    elapsed = max(r[4] for r in results) - min(r[3] for r in results)
    placed = sum(r[0] for r in results)
    refused = sum(r[1] for r in results)
    unexpected = [e for r in results for e in r[2]]
    return {
        "clients": clients,
        "attempts": clients * per_client,
        "placed": placed,
        "refused": refused,
        "unexpected_errors": len(unexpected),
        "seconds": round(elapsed, 2),
        "orders_per_s": round(placed / elapsed, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--orders-per-client", type=int, default=100)
    parser.add_argument("--hot-stock", type=int, default=500)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_ORDERS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop_bench_orders"
        ),
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.database_url.startswith("postgres"):
        print("this benchmark needs PostgreSQL (row locks)", file=sys.stderr)
        return 2

    ensure_database(args.database_url)
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from shop.catalog.models import Category, Product

    category = Category.objects.create(name="Bench", slug="bench")
    per_client = args.orders_per_client

    def make(count: int, stock: int, prefix: str) -> list[int]:
        products = Product.objects.bulk_create(
            Product(
                category=category,
                sku=f"{prefix}-{i}",
                slug=f"{prefix}-{i}",
                title=prefix,
                price=Decimal("10.00"),
                stock=stock,
                status="active",
            )  # fmt: skip
            for i in range(count)
        )
        return [p.pk for p in products]

    distinct_ids = make(args.clients * per_client, 10, "distinct")
    distinct_sets = [
        distinct_ids[c * per_client : (c + 1) * per_client] for c in range(args.clients)
    ]
    hot_id = make(1, args.hot_stock, "hot")[0]

    results = {
        "distinct": run_scenario(
            args.database_url, "distinct", args.clients, per_client, distinct_sets
        ),
        "hot": run_scenario(
            args.database_url, "hot", args.clients, per_client, [[hot_id]] * args.clients
        ),
    }
    sold_hot = results["hot"]["placed"]
    hot_stock_left = Product.objects.get(pk=hot_id).stock
    results["hot"]["stock_left"] = hot_stock_left
    results["hot"]["oversell"] = max(0, sold_hot - args.hot_stock) + max(0, -hot_stock_left)
    results["distinct"]["oversell"] = Product.objects.filter(stock__lt=0).count()
    consistent = sold_hot + hot_stock_left == args.hot_stock

    print(f"\n{'scenario':<10}{'clients':>8}{'attempts':>9}{'placed':>8}{'refused':>8}"
          f"{'orders/s':>10}{'oversell':>9}")  # fmt: skip
    for name, r in results.items():
        print(
            f"{name:<10}{r['clients']:>8}{r['attempts']:>9}{r['placed']:>8}{r['refused']:>8}"
            f"{r['orders_per_s']:>10.1f}{r['oversell']:>9}"
        )
    print(f"hot product: sold {sold_hot} + left {hot_stock_left} == initial {args.hot_stock}: "
          f"{consistent}")  # fmt: skip
    if args.json:
        print(json.dumps(results))
    return 0 if consistent and results["hot"]["oversell"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
