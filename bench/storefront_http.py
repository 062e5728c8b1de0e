"""Storefront HTTP benchmark: category and product pages under load on PostgreSQL.

Builds (or reuses) a PostgreSQL database with the demo shop at 10,000 products, serves it
with gunicorn (2 workers, production settings), counts the SQL queries each page makes, then
runs ``wrk`` against each page and prints requests/s, p50, p99 and errors.

    .venv/bin/python bench/storefront_http.py [--products 10000] [--duration 20]
        [--connections 16] [--database-url postgres://postgres@127.0.0.1:5432/shop_bench]

Targets (issue "Storefront foundation"): >= 200 requests/s and p99 <= 150 ms on each page,
zero errors, <= 12 queries per page.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def run(cmd: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=ROOT, env=env, check=True, **kwargs)


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_environment(database_url: str) -> dict[str, str]:
    """The environment the benchmark's processes share: production-like, no Redis, no broker."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "INTERACTIONS_MODE": "buffered",
        "LOG_LEVEL": "WARNING",
        # DEBUG is off: production settings require a mail backend and orders.E003 refuses
        # the console one. Nothing is mailed while the benchmark runs.
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    return env


def dev_environment(env: dict[str, str]) -> dict[str, str]:
    """``env`` for management commands: development settings with DEBUG off (and so without
    the test card gateway, which orders.E001 refuses with DEBUG off)."""
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "SHOP_PAYMENT_GATEWAYS": "shop.orders.payments.CashOnDelivery",
    }


def prepare_database(env: dict[str, str], *, products: int, skip_load: bool) -> None:
    """Create the database if missing, migrate, and (unless ``skip_load``) load the demo shop."""
    ensure_database(env["DATABASE_URL"])
    dev_env = dev_environment(env)
    run([PY, "manage.py", "migrate", "--noinput", "-v0"], dev_env)
    if skip_load:
        return
    started = time.perf_counter()
    # DEBUG is off in this environment. Nobody signs in to the benchmark's shop, so its
    # demo accounts get a password thrown away at once, and the load leaves the demo's
    # var/demo-accounts.txt alone.
    run(
        [
            PY,
            "manage.py",
            "load_demo_shop",
            "--products",
            str(products),
            "--i-know-this-is-not-production",
            "--password",
            secrets.token_urlsafe(16),
            "-v0",
        ],
        dev_env,
    )
    print(f"loaded demo shop ({products} products) in {time.perf_counter() - started:.0f} s")


def start_gunicorn(
    prod_env: dict[str, str], *, port: int, workers: int, **popen_kwargs
) -> subprocess.Popen:
    """gunicorn serving ``config.wsgi`` on 127.0.0.1:``port`` with ``workers`` sync workers."""
    return subprocess.Popen(
        [
            str(Path(PY).parent / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=prod_env,
        **popen_kwargs,
    )


def pick_pages(env: dict[str, str]) -> dict[str, object]:
    """The busiest leaf category and a well-reviewed product in it, plus their query counts."""
    script = r"""
import json
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from shop.catalog.models import Category, Product
leaf = (Category.objects.filter(children__isnull=True)
        .annotate(n=Count("products")).order_by("-n").first())
product = Product.objects.active().filter(category=leaf).order_by("-review_count").first()
pages = {"category": f"/en/c/{leaf.slug}/", "product": f"/en/p/{product.slug}/"}
client = Client()
out = {"category_products": leaf.n, "total_products": Product.objects.count()}
for name, url in pages.items():
    client.get(url)  # warm caches as a running server would have them
    with CaptureQueriesContext(connection) as ctx:
        status = client.get(url).status_code
    assert status == 200, (url, status)
    out[name] = {"url": url, "status": status, "queries": len(ctx.captured_queries)}
print(json.dumps(out))
"""
    shell_env = {**dev_environment(env), "ALLOWED_HOSTS": "testserver"}
    out = run([PY, "manage.py", "shell", "-c", script], shell_env, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def parse_wrk(text: str) -> dict[str, float]:
    def latency_ms(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.MULTILINE)
        if not match:
            raise ValueError(f"wrk output has no {label}% line:\n{text}")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    requests = int(re.search(r"(\d+) requests in", text).group(1))
    errors = 0
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if non2xx:
        errors += int(non2xx.group(1))
    return {
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50_ms": latency_ms("50"),
        "p99_ms": latency_ms("99"),
        "requests": requests,
        "errors": errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/shop_bench"
        ),
    )
    parser.add_argument("--skip-load", action="store_true", help="reuse the database as it is")
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        print("wrk is not installed: run `make system-deps` (Debian package wrk)", file=sys.stderr)
        return 2

    env = bench_environment(args.database_url)
    prepare_database(env, products=args.products, skip_load=args.skip_load)
    prod_env = {**env, "DJANGO_SETTINGS_MODULE": "config.settings.prod"}
    run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], prod_env)

    pages = pick_pages(env)
    port = free_port()
    gunicorn = start_gunicorn(prod_env, port=port, workers=args.workers)
    results: dict[str, object] = {
        "products": pages["total_products"],
        "category_products": pages["category_products"],
        "gunicorn_workers": args.workers,
        "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}s",
    }
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + pages["category"]["url"], timeout=5).read()
                break
            except OSError:
                time.sleep(0.2)
        for name in ("category", "product"):
            url = base + pages[name]["url"]
            for _ in range(20):  # warm both workers' caches and connections
                urllib.request.urlopen(url, timeout=5).read()
            out = subprocess.run(
                [
                    "wrk",
                    f"-t{args.threads}",
                    f"-c{args.connections}",
                    f"-d{args.duration}s",
                    "--latency",
                    url,
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            results[name] = {**pages[name], **parse_wrk(out)}
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)

    print(f"\n{'page':<10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}{'queries':>9}")
    ok = True
    for name in ("category", "product"):
        r = results[name]
        print(
            f"{name:<10}{r['requests_per_s']:>10.1f}{r['p50_ms']:>10.2f}{r['p99_ms']:>10.2f}"
            f"{r['errors']:>8}{r['queries']:>9}"
        )
        ok &= (
            r["requests_per_s"] >= 200
            and r["p99_ms"] <= 150
            and r["errors"] == 0
            and r["queries"] <= 12
        )
    print(
        f"targets (>=200 req/s, p99<=150 ms, 0 errors, <=12 queries): {'met' if ok else 'MISSED'}"
    )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
