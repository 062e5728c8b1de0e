"""Support chat latency through a served shop: first SSE event and full reply, p50/p95.

    .venv/bin/python bench/chat.py http://127.0.0.1:8000 [--rounds 10] [--shoppers 1] [--json]
        [--accounts var/demo-accounts.txt] [--customer demo_customer_01]

Signs in as a demo customer (the password from the file ``load_demo_shop`` writes), then
sends a fixed mix of English and Chinese messages (order status, returns, shipping, payment,
product questions and searches, small talk, out of scope, a handoff) to ``POST /api/chat``
as a browser does (CSRF header, SSE answer), one conversation per round. For each message it
records the time to the first ``delta`` event (the first checked text a shopper sees: with
the generator, its first sentence that passed the grounding check) and to the ``done`` event,
and who wrote the answer (``source``: generated, passage, template). Each round signs in as
the next demo customer (01, 02, …) in a new browser session, which keeps the chat's rate
limit (``SUPPORT_CHAT_RATE_LIMIT`` per customer and minute) out of the figures. With
``--shoppers N`` N rounds run at the same time (the server's processes and threads share the
cores and, within a process, the generator). The targets
(issue #16): first token p95 ≤ 1.5 s, full reply p95 ≤ 6 s, on 2 cores with the local
generator.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from recommend_latency import percentile  # bench/ is on sys.path when run as a script

MESSAGES = (
    "Where is my order?",
    "我的订单到哪了？",
    "What is your return policy?",
    "退货政策是什么？",
    "How much is shipping?",
    "运费多少钱？",
    "Which payment methods do you take?",
    "Do you have running shoes under $100?",
    "有没有蓝牙耳机？",
    "hello!",
    "What is the capital of France?",
    "I want to talk to a person",
)


def password(accounts: Path, customer: str) -> str:
    text = accounts.read_text(encoding="utf-8")
    found = re.search(r"Customers: demo_customer_01 … demo_customer_\d+ / (\S+)", text)
    if not found or not customer.startswith("demo_customer_"):
        raise SystemExit(f"no demo customer password in {accounts}; run load_demo_shop first")
    return found.group(1)


def signed_in(base: str, customer: str, secret: str) -> requests.Session:
    session = requests.Session()
    session.get(f"{base}/en/accounts/login/", timeout=30)
    response = session.post(
        f"{base}/en/accounts/login/",
        data={
            "username": customer,
            "password": secret,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/en/accounts/login/"},
        timeout=30,
    )
    if "sessionid" not in session.cookies or response.status_code != 200:
        raise SystemExit(f"could not sign in as {customer} ({response.status_code})")
    return session


def ask(
    session: requests.Session, base: str, message: str, conversation: int | None
) -> tuple[float, float, dict]:
    """(seconds to the first text, seconds to done, the reply event's payload)."""
    began = time.perf_counter()
    first = None
    payload: dict = {}
    with session.post(
        f"{base}/api/chat",
        json={"message": message, "conversation": conversation},
        headers={"X-CSRFToken": session.cookies["csrftoken"], "Referer": f"{base}/"},
        stream=True,
        timeout=60,
    ) as response:
        if response.status_code != 200:
            raise SystemExit(f"{message!r}: HTTP {response.status_code} {response.text[:200]}")
        event, buffer = "", b""
        # Split on b"\n" by hand: iter_lines' str.splitlines also breaks on U+2028 and the
        # like, which JSON may carry unescaped.
        for chunk in response.iter_content(chunk_size=None):
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for raw in lines:
                line = raw.decode("utf-8")
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                    if event == "delta" and first is None:
                        first = time.perf_counter() - began
                elif line.startswith("data:") and event == "reply":
                    payload = json.loads(line.split(":", 1)[1])
            if event == "done":
                break
    return first if first is not None else float("nan"), time.perf_counter() - began, payload


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base", help="the shop's URL, e.g. http://127.0.0.1:8000")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--customer", default="demo_customer_01")
    default_accounts = Path(os.environ.get("VAR_DIR", "var")) / "demo-accounts.txt"
    parser.add_argument("--accounts", type=Path, default=default_accounts)
    parser.add_argument(
        "--no-rotate",
        dest="rotate",
        action="store_false",
        help="every round as --customer (mind SUPPORT_CHAT_RATE_LIMIT per minute)",
    )
    parser.add_argument(
        "--shoppers",
        type=int,
        default=1,
        help="shoppers chatting at the same time, each in its own rounds (default 1)",
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON line")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    secret = password(args.accounts, args.customer)
    firsts: list[float] = []
    fulls: list[float] = []
    degraded = 0
    sources: dict[str, int] = {}
    by_intent: dict[str, list[float]] = {}

    def chat_round(round_: int) -> list[tuple[float, float, dict]]:
        # A different demo customer each round: the chat's rate limit counts per customer.
        customer = f"demo_customer_{round_ % 60 + 1:02d}" if args.rotate else args.customer
        session = signed_in(base, customer, secret)
        conversation = None
        answers = []
        for message in MESSAGES:
            first, full, payload = ask(session, base, message, conversation)
            conversation = payload.get("conversation", conversation)
            answers.append((first, full, payload))
        return answers

    with ThreadPoolExecutor(max_workers=max(1, args.shoppers)) as shoppers:
        rounds = list(shoppers.map(chat_round, range(args.rounds)))
    for first, full, payload in (answer for answers in rounds for answer in answers):
        firsts.append(first)
        fulls.append(full)
        degraded += bool(payload.get("degraded"))
        source = payload.get("source") or "?"
        sources[source] = sources.get(source, 0) + 1
        by_intent.setdefault(payload.get("intent") or "?", []).append(full)
    result = {
        "shoppers": args.shoppers,
        "messages": len(fulls),
        "first_text_p50_s": round(statistics.median(firsts), 4),
        "first_text_p95_s": round(percentile(firsts, 0.95), 4),
        "full_reply_p50_s": round(statistics.median(fulls), 4),
        "full_reply_p95_s": round(percentile(fulls, 0.95), 4),
        "degraded_replies": degraded,
        "replies_by_source": dict(sorted(sources.items())),
        "full_reply_p95_by_intent_s": {
            intent: round(percentile(times, 0.95), 4) for intent, times in sorted(by_intent.items())
        },
        "targets_met": {
            "first_text_p95": percentile(firsts, 0.95) <= 1.5,
            "full_reply_p95": percentile(fulls, 0.95) <= 6.0,
        },
    }
    for key, value in result.items():
        print(f"{key:32} {value}", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
