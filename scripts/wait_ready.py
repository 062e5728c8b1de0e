"""Wait until a served shop is warm, then check that its first searches are fast.

    python scripts/wait_ready.py http://127.0.0.1:8000 [--timeout 900] [--pid PID]

Polls GET /readyz until it answers 200 (or the server process PID exits, or the timeout
passes: exit 1), then times the first ten searches through /api/search, in English and
Chinese, and prints them. Exit 0 only when the store is ready and the first search answered.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

QUERIES = ("running shoes", "跑步鞋", "wireless headphones", "蓝牙耳机", "coffee mug")


def get(url: str, timeout: float = 30.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our own server
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--pid", type=int)
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    started = time.monotonic()
    body: dict = {}
    while True:
        if not alive(args.pid):
            print("wait_ready: the server exited before it was ready", file=sys.stderr)
            return 1
        if time.monotonic() - started > args.timeout:
            print(f"wait_ready: not ready after {args.timeout:.0f} s: {body}", file=sys.stderr)
            return 1
        try:
            status, raw = get(f"{base}/readyz", timeout=5)
            body = json.loads(raw)
        except (OSError, ValueError):
            status = 0
        if status == 200:
            break
        time.sleep(2)
    print(f"ready after {time.monotonic() - started:.1f} s: {body.get('status')}")
    for step in body.get("steps", []):
        if not step.get("ok", True):
            print(f"  degraded: {json.dumps(step, ensure_ascii=False)}")
    timings = []
    for number in range(10):
        query = QUERIES[number % len(QUERIES)]
        url = f"{base}/api/search?{urllib.parse.urlencode({'q': query})}"
        began = time.perf_counter()
        status, _ = get(url)
        timings.append((time.perf_counter() - began) * 1000)
        if status != 200:
            print(f"wait_ready: search {query!r} answered {status}", file=sys.stderr)
            return 1
    print(
        f"first search {timings[0]:.0f} ms, tenth {timings[9]:.0f} ms "
        f"(all ten: {', '.join(f'{t:.0f}' for t in timings)} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
