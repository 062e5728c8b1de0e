"""Smoke test of the production stack: start it, use it through its processes, stop it.

    python scripts/stack_smoke.py [--port N] [--products 300] [--timeout 360] [--keep-data]

1. ``scripts/stack.sh reset`` (unless ``--keep-data``) and ``scripts/stack.sh prepare``: a
   fresh database ``shop_stack_smoke``, Redis databases 6-8, ``var/stack-smoke`` (the converted
   models stay in ``var/models``), migrate, collectstatic, llm_prepare, the demo data
   (``--products``), the search index, the recommender, the help articles and intents.
2. ``scripts/stack.sh start``: honcho runs the Procfile (gunicorn, the ``default,index``
   worker, the ``llm`` worker, beat) on a free port; waits for ``GET /readyz`` to say "ready".
3. Through the running processes:
   a. the storefront's home page answers 200 with product links;
   b. ``/api/search`` returns results;
   c. a copy job queued by ``manage.py generate_copy`` (no ``--inline``) is finished by the
      ``llm`` worker and left a draft;
   d. after a product's title gets a new word, a full index rebuild queued on the ``index``
      queue is run by the ``index`` worker and picked up by the running web process: the word
      becomes searchable over HTTP without a restart. (Beat's apply-search-index-updates,
      every minute on the same worker, may publish the change first; the full rebuild
      always publishes a newer version.)
   e. ``/api/recommendations?surface=home`` lists products from a trained version;
   f. ``POST /api/chat`` (with the CSRF cookie and token a page gave) answers a question.
4. Stops every process (SIGTERM to honcho, which stops its processes; any process group left
   after that is killed and counts as a failure), prints a summary with timings.

Exit 0 when every check passed; 1 with the failure and the tail of the logs otherwise. Logs:
``var/stack-smoke/{prepare,stack}.log``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STACK = ROOT / "scripts" / "stack.sh"
# The smoke test's own database, Redis databases and var/ folder: a `make stack` running
# beside it is left alone.
SMOKE_ENVIRONMENT = {
    "STACK_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/shop_stack_smoke",
    "STACK_REDIS_DB": "6",
    "VAR_DIR": str(ROOT / "var" / "stack-smoke"),
    # One prefork child for default,index: the machine this runs on has two cores.
    "WORKER_CONCURRENCY": "1",
}
SEARCH_QUERY = "shirt"


def new_word() -> str:
    """A word in no title (a new one each run, so --keep-data works): letters that no English
    suffix rule of the stemmer cuts."""
    return "zorb" + "".join(random.choices("kqvwxz", k=7))


HONCHO_STARTED = re.compile(r"\b(\S+) started \(pid=(\d+)\)")
QUEUED_JOB = re.compile(r"Queued copy job (\d+) ")
LOG_TAIL_LINES = 60


class SmokeFailure(Exception):
    """A check failed; the message says which and why."""


class Deadline:
    """The smoke's overall time budget; each wait takes the smaller of its own and what is left."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.ends = clock() + seconds

    def left(self) -> float:
        return max(0.0, self.ends - self._clock())

    def budget(self, seconds: float) -> float:
        """``seconds``, or less when the overall budget ends sooner."""
        return min(seconds, self.left())


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="HTTP port (default: a free one).")
    parser.add_argument(
        "--products", type=int, default=300, help="Demo products loaded (default 300)."
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=420.0,
        help="Seconds for the whole smoke test, stopping included (default 420).",
    )
    parser.add_argument(
        "--keep-data",
        action="store_true",
        help=(
            "Reuse the database and index of the previous run instead of starting fresh (the "
            "copy job may then find its product drafted already)."
        ),
    )
    args = parser.parse_args(argv)
    if args.products < 1:
        parser.error("--products must be at least 1")
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    return args


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def started_processes(log_text: str) -> dict[str, int]:
    """Process name → pid (a process group leader) from honcho's "started" lines."""
    return {name: int(pid) for name, pid in HONCHO_STARTED.findall(log_text)}


def queued_job_id(output: str) -> int:
    found = QUEUED_JOB.search(output)
    if found is None:
        raise SmokeFailure(f"generate_copy did not queue a job: {output.strip()[-500:]}")
    return int(found.group(1))


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"({path} cannot be read)"
    return "\n".join(text.splitlines()[-lines:])


def group_alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def csrf_token_from(url: str) -> str:
    """The CSRF token a page sets. Read from Set-Cookie by hand: production cookies are
    Secure, which urllib's cookie jar never sends over http (browsers do, to localhost)."""
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own server
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == "csrftoken":
                return rest.split(";", 1)[0]
    raise SmokeFailure(f"GET {url} set no csrftoken cookie")


def http_post_json(url: str, body: dict[str, Any], csrf_token: str) -> tuple[int, bytes]:
    """POST ``body`` as JSON with the CSRF cookie and header a browser would send."""
    request = urllib.request.Request(  # noqa: S310 - our own server
        url,
        data=json.dumps(body).encode(),
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            "Cookie": f"csrftoken={csrf_token}",
            "X-CSRFToken": csrf_token,
            "Referer": url,
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def http_get(url: str, timeout: float = 30.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our own server
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


# Run with `manage.py shell -c` in the stack's environment; each prints one line of JSON.
PRODUCT_FOR_WORD = """
import json
from shop.catalog.cache import invalidate_catalog_cache
from shop.catalog.models import Product
product = Product.objects.active().order_by("pk").first()
Product.objects.filter(pk=product.pk).update(title=product.title + " " + {word!r})
invalidate_catalog_cache()  # what the admin does after a save
print(json.dumps({{"id": product.pk, "title": product.title + " " + {word!r}}}))
"""
REBUILD_ON_INDEX_WORKER = """
import json
from search.tasks import rebuild_search_index_task
result = rebuild_search_index_task.apply_async(kwargs={{"incremental": False}})
report = result.get(timeout={timeout})
print(json.dumps({{"task": result.id, "queue": "index", **report}}))
"""
WAIT_FOR_COPY_JOB = """
import json, time
from copywriting.models import CopyDraft, CopyJob
deadline = time.monotonic() + {timeout}
while True:
    job = CopyJob.objects.get(pk={job_id})
    if job.status in (CopyJob.Status.DONE, CopyJob.Status.FAILED) or time.monotonic() > deadline:
        break
    time.sleep(1)
drafts = CopyDraft.objects.filter(job_id=job.pk)
print(json.dumps({{
    "status": job.status, "generated": job.generated, "skipped": job.skipped,
    "refused": job.refused, "error": job.error, "drafts": drafts.count(),
    "text": (drafts.order_by("-pk").values_list("text", flat=True).first() or "")[:120],
}}, ensure_ascii=False))
"""


class Smoke:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.deadline = Deadline(args.timeout)
        self.port = args.port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            **SMOKE_ENVIRONMENT,
            "STACK_PRODUCTS": str(args.products),
            "PORT": str(self.port),
        }
        self.var_dir = Path(self.env["VAR_DIR"])
        self.prepare_log = self.var_dir / "prepare.log"
        self.stack_log = self.var_dir / "stack.log"
        self.honcho: subprocess.Popen | None = None
        self.timings: list[tuple[str, float]] = []
        self.results: list[str] = []

    # -- steps ----------------------------------------------------------------------------------

    def timed(self, label: str, step: Callable[[], Any]) -> Any:
        started = time.monotonic()
        try:
            return step()
        finally:
            self.timings.append((label, time.monotonic() - started))

    def stack(self, *arguments: str, timeout: float, log: Path | None = None) -> str:
        """``scripts/stack.sh ARGUMENTS`` in the smoke's environment; its output."""
        try:
            completed = subprocess.run(  # noqa: S603 - our own script, fixed arguments
                [str(STACK), *arguments],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                timeout=self.deadline.budget(timeout),
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            output = exc.output or ""
            if isinstance(output, bytes):
                output = output.decode(errors="replace")
            self._append(log, output)
            raise SmokeFailure(f"stack.sh {' '.join(arguments[:2])} timed out") from exc
        self._append(log, completed.stdout)
        if completed.returncode != 0:
            raise SmokeFailure(
                f"stack.sh {' '.join(arguments[:2])} exited {completed.returncode}:\n"
                + "\n".join(completed.stdout.splitlines()[-LOG_TAIL_LINES:])
            )
        return completed.stdout

    def shell(self, code: str, *, timeout: float) -> dict[str, Any]:
        output = self.stack("manage", "shell", "--no-imports", "-c", code, timeout=timeout)
        try:
            return json.loads(output.strip().splitlines()[-1])
        except (IndexError, ValueError) as exc:
            raise SmokeFailure(f"manage.py shell printed no JSON: {output[-500:]}") from exc

    @staticmethod
    def _append(log: Path | None, text: str) -> None:
        if log is not None and text:
            with log.open("a") as handle:
                handle.write(text)

    def prepare(self) -> None:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        self.prepare_log.write_text("")
        if not self.args.keep_data:
            self.stack("reset", timeout=60, log=self.prepare_log)
        self.stack("prepare", timeout=300, log=self.prepare_log)

    def start(self) -> None:
        self.stack_log.write_text("")
        handle = self.stack_log.open("a")
        self.honcho = subprocess.Popen(  # noqa: S603 - our own script
            [str(STACK), "start"],
            cwd=ROOT,
            env=self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        handle.close()

    def wait_ready(self, timeout: float = 240.0) -> dict[str, Any]:
        ends = time.monotonic() + self.deadline.budget(timeout)
        body: dict[str, Any] = {}
        while time.monotonic() < ends:
            if self.honcho is None or self.honcho.poll() is not None:
                raise SmokeFailure("the stack exited before /readyz answered 200")
            try:
                status, raw = http_get(f"{self.base}/readyz", timeout=5)
                body = json.loads(raw)
            except (OSError, ValueError):
                status = 0
            if status == 200:
                if body.get("status") != "ready":
                    raise SmokeFailure(f"/readyz says {body.get('status')!r}: {body}")
                return body
            time.sleep(1)
        raise SmokeFailure(f"/readyz did not answer 200 in time (last: {body or 'no answer'})")

    def check_page(self) -> None:
        status, raw = http_get(f"{self.base}/en/")
        html = raw.decode(errors="replace")
        links = set(re.findall(r'href="(/en/p/[^"/]+/)"', html))
        if status != 200 or not links:
            raise SmokeFailure(f"GET /en/ answered {status} with {len(links)} product links")
        self.results.append(f"page: GET /en/ 200, {len(links)} product links")

    def search(self, query: str) -> dict[str, Any]:
        url = f"{self.base}/api/search?{urllib.parse.urlencode({'q': query})}"
        status, raw = http_get(url)
        if status != 200:
            raise SmokeFailure(f"GET {url} answered {status}: {raw[:300]!r}")
        return json.loads(raw)

    def check_search(self) -> None:
        body = self.search(SEARCH_QUERY)
        if not body["results"] or body["degraded"]:
            raise SmokeFailure(
                f"/api/search?q={SEARCH_QUERY} found {body['total']} (mode {body['mode']}, "
                f"degraded: {body['degraded']})"
            )
        self.results.append(
            f"search: {SEARCH_QUERY!r} → {body['total']} results, mode {body['mode']}, "
            f"{body['latency_ms']} ms, first {body['results'][0]['title']!r}"
        )

    def check_recommendations(self) -> None:
        url = f"{self.base}/api/recommendations?surface=home&limit=4"
        status, raw = http_get(url)
        body = json.loads(raw) if status == 200 else {}
        if status != 200 or not body.get("items") or not body.get("model_version"):
            raise SmokeFailure(f"GET {url} answered {status}: {raw[:300]!r}")
        first = body["items"][0]
        self.results.append(
            f"recommendations: home → {len(body['items'])} items from {body['model_version']}, "
            f"first {first['title']!r} ({first['reason']})"
        )

    def check_chat(self) -> None:
        token = csrf_token_from(f"{self.base}/en/support/")
        question = "How many days do I have to return an item?"
        status, raw = http_post_json(
            f"{self.base}/api/chat", {"message": question, "conversation": None}, token
        )
        body = json.loads(raw) if status == 200 else {}
        if status != 200 or not body.get("reply") or not isinstance(body.get("conversation"), int):
            raise SmokeFailure(f"POST /api/chat answered {status}: {raw[:300]!r}")
        self.results.append(
            f"chat: {question!r} → intent {body['intent']!r}, "
            f"{len(body['citations'])} citation(s), degraded {body['degraded']}"
        )

    def queue_copy_job(self) -> int:
        output = self.stack(
            "manage", "generate_copy", "--limit", "1", "--no-highlights", "--no-wait", timeout=60
        )
        return queued_job_id(output)

    def check_copy_job(self, job_id: int, timeout: float = 240.0) -> None:
        seconds = round(self.deadline.budget(timeout))
        report = self.shell(
            WAIT_FOR_COPY_JOB.format(job_id=job_id, timeout=seconds), timeout=seconds + 30
        )
        drafted = report["generated"] == 1 and report["drafts"] >= 1
        # Jobs are idempotent: with --keep-data the product may carry an earlier run's draft.
        drafted_before = self.args.keep_data and report["skipped"] == 1
        if report["status"] != "done" or not (drafted or drafted_before):
            raise SmokeFailure(f"copy job {job_id} was not finished by the llm worker: {report}")
        if drafted:
            outcome = f"{report['drafts']} draft: {report['text']!r}…"
        else:
            outcome = "the product was already drafted by an earlier run (--keep-data)"
        self.results.append(f"copy job {job_id}: done by the llm worker, {outcome}")

    def check_index_pickup(self, timeout: float = 120.0) -> None:
        word = new_word()
        product = self.shell(PRODUCT_FOR_WORD.format(word=word), timeout=60)
        before = self.search(word)
        if not before["nearest"] and product["id"] in {r["id"] for r in before["results"]}:
            raise SmokeFailure(f"{word!r} matched before the index was rebuilt: {before}")
        seconds = round(self.deadline.budget(timeout))
        rebuilt = self.timed(
            "index rebuild on the index worker",
            lambda: self.shell(
                REBUILD_ON_INDEX_WORKER.format(timeout=seconds), timeout=seconds + 30
            ),
        )
        published = time.monotonic()
        ends = published + self.deadline.budget(30)
        while True:
            body = self.search(word)
            ids = [r["id"] for r in body["results"]]
            if not body["nearest"] and product["id"] in ids:
                break
            if time.monotonic() > ends:
                raise SmokeFailure(
                    f"the web process did not pick up index {rebuilt.get('version')}: "
                    f"{word!r} → {ids} (nearest: {body['nearest']}), want {product['id']}"
                )
            time.sleep(0.5)
        self.results.append(
            f"index: rebuilt by the index worker (version {rebuilt['version']}, "
            f"{rebuilt['embedded']} embedded, {rebuilt['reused']} reused); web found "
            f"{word!r} → product {product['id']} {time.monotonic() - published:.1f} s later"
        )

    def stop(self) -> list[str]:
        """Stop honcho and its processes; the process groups that had to be killed."""
        if self.honcho is None:
            return []
        groups = {"honcho": self.honcho.pid}
        if self.honcho.poll() is None:
            os.kill(self.honcho.pid, signal.SIGTERM)
            try:
                self.honcho.wait(timeout=40)
            except subprocess.TimeoutExpired:
                pass
        groups.update(started_processes(self.stack_log.read_text(errors="replace")))
        # A process killed a moment ago can linger until it is reaped.
        ends = time.monotonic() + 5
        while any(group_alive(pid) for pid in groups.values()) and time.monotonic() < ends:
            time.sleep(0.2)
        stray = []
        for name, pid in groups.items():
            if group_alive(pid):
                stray.append(f"{name} (pid {pid})")
                os.killpg(pid, signal.SIGKILL)
        if self.honcho.poll() is None:
            self.honcho.wait(timeout=10)
        return stray

    # -- the run --------------------------------------------------------------------------------

    def run(self) -> int:
        failure: str | None = None
        stray: list[str] = []
        started = time.monotonic()
        try:
            steps = "migrate, static, models, demo, index, recommender, intents"
            label = f"prepare ({steps})" if self.args.keep_data else f"prepare (reset, {steps})"
            self.timed(label, self.prepare)
            self.timed("start", self.start)
            ready = self.timed("start → /readyz 200", self.wait_ready)
            steps = (f"{s['step'].rsplit('.', 1)[-1]} {s['seconds']} s" for s in ready["steps"])
            self.results.append("readyz: ready, " + ", ".join(steps))
            self.timed("a. page", self.check_page)
            self.timed("b. search", self.check_search)
            self.timed("e. recommendations", self.check_recommendations)
            self.timed("f. chat", self.check_chat)
            job_id = self.timed("c. queue copy job", self.queue_copy_job)
            self.timed("d. title change → searchable", self.check_index_pickup)
            self.timed("c. copy job finished", lambda: self.check_copy_job(job_id))
        except SmokeFailure as exc:
            failure = str(exc)
        except KeyboardInterrupt:
            failure = "interrupted"
        finally:
            stray = self.timed("stop", self.stop)
        if stray and failure is None:
            failure = "processes did not stop on SIGTERM and were killed: " + ", ".join(stray)
        self.report(failure, time.monotonic() - started)
        return 1 if failure else 0

    def report(self, failure: str | None, seconds: float) -> None:
        print("\n== stack smoke: summary")
        for label, spent in self.timings:
            print(f"  {spent:6.1f} s  {label}")
        print(f"  {seconds:6.1f} s  total")
        for line in self.results:
            print(f"  ok  {line}")
        if failure is None:
            print("stack smoke: PASSED")
            return
        for log in (self.prepare_log, self.stack_log):
            if log.exists() and log.stat().st_size:
                print(f"\n== last {LOG_TAIL_LINES} lines of {log}", file=sys.stderr)
                print(tail(log), file=sys.stderr)
        print(f"\nstack smoke: FAILED: {failure}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def interrupted(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    # A CI job cancelled with SIGTERM still stops the stack (the finally in Smoke.run).
    signal.signal(signal.SIGTERM, interrupted)
    return Smoke(args).run()


if __name__ == "__main__":
    sys.exit(main())
