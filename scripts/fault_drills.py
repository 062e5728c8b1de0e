"""Fault drills: kill workers, restart Redis and PostgreSQL, take the models away; check from
the database (and the index on disk) that nothing was lost or duplicated.

    python scripts/fault_drills.py [--timeout 330] [--products 120] [--keep-temp]

Everything runs on private services that this script starts and removes, never on the
machine's own PostgreSQL (5432) and Redis (6379), which other processes are using:

* a PostgreSQL cluster of its own (``initdb`` under /tmp as the ``postgres`` user, trust auth,
  port 5441 or a free one), database ``shop_faults``;
* a Redis of its own (``redis-server --save ''`` on 6391 or a free port, a dump folder under
  /tmp): the cache in database 0, the broker in 1, results in 2;
* Celery workers and one gunicorn worker on ``config.settings.faults``: production's wiring
  of the database, the fail-open Redis cache and the broker, with all-MiniLM for the index and
  the fake generator for copy jobs (the drills are about processes, not text), and
  ``CELERY_VISIBILITY_TIMEOUT=30`` so that a killed worker's message comes back in 30 s, not
  after the production default (the long tasks' hard limit).

The drills, one line each (PASS or FAIL and what was checked):

1. ``llm`` worker killed mid-batch, twice: its pool process (SIGKILL, as the OOM killer does;
   the master requeues the job) and the whole worker (SIGKILL to the group; a fresh worker gets
   the message back after the visibility timeout): every product of each job has exactly one
   draft, the jobs end done.
2. ``index`` worker killed mid-rebuild, the same two ways: CURRENT still names the previous
   complete index, the rebuild lock is free, the rebuild is redone (by the same worker's new
   pool process, then by a fresh worker) and CURRENT names a complete new index; the killed
   build's half-built folder is gone.
3. Redis restarted (SHUTDOWN SAVE, as a service restart does) while copy jobs are queued: the
   running web process serves the home page and /api/search and /healthz says "degraded" while
   it is down, and the same llm worker runs every queued job once it is back.
4. PostgreSQL restarted: pages fail while it is down, then the same gunicorn worker serves
   them again without a restart, and the llm worker finishes a job queued after.
5. Model files missing: ``tests/config/test_missing_models.py`` (pytest, no subprocesses).

Exit 0 when every drill passed, 1 otherwise (with the tails of the processes' logs).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack_smoke import Deadline, free_port, group_alive, http_get, tail  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE = "shop_faults"
PG_PORT, REDIS_PORT = 5441, 6391
MISSING_MODELS_TEST = "tests/config/test_missing_models.py"
# Seconds after which a message taken by a dead worker is handed out again (Redis broker): as
# in production, longer than any task here takes (a rebuild of the drills' catalog, about 15 s
# on two busy cores), else a task still running would be handed out a second time.
VISIBILITY_TIMEOUT = 30


class DrillFailure(Exception):
    """A drill's check failed; the message says which and why."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--timeout", type=float, default=330.0, help="Seconds for every drill (default 330)."
    )
    parser.add_argument(
        "--products",
        type=int,
        default=120,
        help="Demo products: enough for a rebuild to be caught midway (default 120).",
    )
    parser.add_argument(
        "--keep-temp", action="store_true", help="Keep the temporary folders (logs) at the end."
    )
    args = parser.parse_args(argv)
    if args.products < 40:
        parser.error("--products must be at least 40")
    if args.timeout <= 0:
        parser.error("--timeout must be positive")
    return args


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT is free
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def pick_port(preferred: int) -> int:
    return preferred if port_is_free(preferred) else free_port()


def last_json(output: str) -> dict[str, Any]:
    """The last line of ``output`` that is a JSON object (the snippets print one)."""
    for line in reversed(output.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise DrillFailure(f"no JSON in the output: {output.strip()[-500:]}")


def wait_for(what: str, check: Callable[[], Any], seconds: float, every: float = 0.25) -> Any:
    """Poll ``check`` until it returns something truthy; DrillFailure after ``seconds``."""
    ends = time.monotonic() + seconds
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > ends:
            raise DrillFailure(f"{what}: not within {seconds:.0f} s")
        time.sleep(every)


def lock_is_free(path: Path) -> bool:
    """Whether nobody holds the flock on ``path`` (taken and released at once)."""
    if not path.exists():
        return True
    descriptor = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        return True
    finally:
        os.close(descriptor)


def children(pid: int) -> set[int]:
    try:
        return {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()


# -- private services ------------------------------------------------------------------------


class Processes:
    """The long-running processes this script starts, each a process group of its own."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: dict[str, subprocess.Popen] = {}

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 - our own commands
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.running[name] = process
        return process

    def kill(self, name: str, sig: int = signal.SIGKILL, wait: float = 20.0) -> None:
        process = self.running.pop(name, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        # Pool processes of a killed Celery master are in its group too.
        ends = time.monotonic() + 5
        while group_alive(process.pid) and time.monotonic() < ends:
            time.sleep(0.1)
        if group_alive(process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        # Workers and the web process first, the services they use last.
        for name in reversed(list(self.running)):
            self.kill(name, signal.SIGTERM, wait=15)


class PrivatePostgres:
    """A throwaway PostgreSQL cluster under /tmp (run as the postgres user when we are root)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="fault-drills-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self.started = False
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not versions:
            raise DrillFailure("no PostgreSQL server binaries under /usr/lib/postgresql")
        self.bin = versions[-1].parent

    def _run(self, *command: str, timeout: float = 60) -> None:
        completed = subprocess.run(  # noqa: S603 - fixed commands
            [*self.as_postgres, *command],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if completed.returncode:
            raise DrillFailure(f"{Path(command[0]).name} failed: {completed.stderr[-500:]}")

    def init(self) -> None:
        self._run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        self.start()
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{DATABASE}"')

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30",
            "-o", options, "start",
        )  # fmt: skip
        self.started = True

    def stop(self) -> None:
        if self.started:
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
            self.started = False

    def url(self, database: str = DATABASE) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def query(self, sql: str, *params: Any) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True, connect_timeout=5) as connection:
            return connection.execute(sql, params).fetchall()

    def remove(self) -> None:
        with contextlib.suppress(DrillFailure, subprocess.TimeoutExpired, OSError):
            self.stop()
        pid_file = self.data / "postmaster.pid"
        if pid_file.exists():  # pg_ctl could not stop it: the postmaster's pid is line one
            with contextlib.suppress(ValueError, ProcessLookupError, OSError):
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
        shutil.rmtree(self.folder, ignore_errors=True)


class PrivateRedis:
    """A Redis of our own, a child process; its dump file lets a restart keep the queues."""

    def __init__(self, port: int, folder: Path, processes: Processes) -> None:
        self.port = port
        self.folder = folder
        self.processes = processes

    def client(self, db: int = 0):
        import redis

        return redis.Redis(port=self.port, db=db, socket_timeout=5, socket_connect_timeout=2)

    def start(self) -> None:
        self.processes.start(
            "redis",
            [
                "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no",
                "--dir", str(self.folder),
            ],
            os.environ.copy(),
        )  # fmt: skip
        wait_for("redis answers", self.answers, 15, every=0.1)

    def answers(self) -> bool:
        try:
            return bool(self.client().ping())
        except Exception:  # noqa: BLE001 - any client error: not up (yet)
            return False

    def shutdown_and_wait(self) -> None:
        """SHUTDOWN SAVE (what a service restart does): the dump keeps queued messages."""
        process = self.processes.running.pop("redis")
        with contextlib.suppress(Exception):
            self.client().shutdown(save=True)
        process.wait(timeout=30)


# -- the drills ------------------------------------------------------------------------------

SETUP = """
import json
from django.core.management import call_command
from shop.catalog.models import Product
call_command("migrate", verbosity=0, interactive=False)
call_command("load_demo_shop", products={products}, no_history=True, not_production=True,
             password="fault-drills", verbosity=0)
call_command("rebuild_search_index", verbosity=0)
print(json.dumps({{"active": Product.objects.active().count()}}))
"""
QUEUE_COPY_JOBS = """
import json
from copywriting.services import CopyRequest, start_copy_job
from shop.catalog.models import Product
ids = list(Product.objects.active().order_by("pk").values_list("pk", flat=True)[{start}:{end}])
jobs = [
    start_copy_job(
        product_ids=ids[n : n + {per_job}], request=CopyRequest(highlights=False), chunk_size=1
    ).pk
    for n in range(0, len(ids), {per_job})
]
report = {{"jobs": jobs, "ids": ids}}
if {redis_shutdown_port}:
    import redis
    client = redis.Redis(port={redis_shutdown_port}, db=1)
    report["queued"] = client.llen("llm")
    try:
        client.shutdown(save=True)
    except redis.exceptions.ConnectionError:
        pass
print(json.dumps(report))
"""
QUEUE_REBUILD = """
import json
from search.tasks import rebuild_search_index_task
result = rebuild_search_index_task.apply_async(kwargs={"incremental": False, "chunk_size": 4})
print(json.dumps({"task": result.id}))
"""


class Drills:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.deadline = Deadline(args.timeout)
        self.temp = Path(tempfile.mkdtemp(prefix="fault-drills-"))
        self.logs = self.temp / "logs"
        self.logs.mkdir()
        self.processes = Processes(self.logs)
        self.postgres: PrivatePostgres | None = None
        self.redis: PrivateRedis | None = None
        self.web_port = free_port()
        self.base = f"http://127.0.0.1:{self.web_port}"
        self.env: dict[str, str] = {}
        self.active_products = 0
        self.next_product = 0  # drills draft disjoint slices of the catalog
        self.workers = 0
        self.lines: list[str] = []
        self.failed = False
        self._cleaned = False

    # -- plumbing --------------------------------------------------------------------------------

    def manage(self, *arguments: str, timeout: float = 120, env: dict | None = None) -> str:
        try:
            completed = subprocess.run(  # noqa: S603 - manage.py, fixed arguments
                [sys.executable, "manage.py", *arguments],
                cwd=ROOT,
                env=env or self.env,
                capture_output=True,
                text=True,
                timeout=self.deadline.budget(timeout) or 1,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise DrillFailure(f"manage.py {arguments[0]} did not finish in time") from exc
        if completed.returncode:
            raise DrillFailure(
                f"manage.py {arguments[0]} failed: {(completed.stdout + completed.stderr)[-800:]}"
            )
        return completed.stdout

    def shell(self, code: str, timeout: float = 120) -> dict[str, Any]:
        return last_json(self.manage("shell", "--no-imports", "-c", code, timeout=timeout))

    def start_worker(self, queue: str) -> str:
        self.workers += 1
        name = f"worker-{queue}-{self.workers}"
        self.processes.start(
            name,
            [
                str(BIN / "celery"), "-A", "config", "worker", "-Q", queue,
                "--hostname", f"{name}@faults", "--concurrency", "1",
                "--prefetch-multiplier", "1", "--loglevel", "INFO",
            ],
            self.env,
        )  # fmt: skip
        return name

    def queue_copy_jobs(self, products: int, per_job: int, redis_shutdown: bool = False) -> dict:
        start, self.next_product = self.next_product, self.next_product + products
        queued = self.shell(
            QUEUE_COPY_JOBS.format(
                start=start,
                end=start + products,
                per_job=per_job,
                redis_shutdown_port=self.redis.port if redis_shutdown else 0,
            )
        )
        if len(queued["ids"]) != products:
            raise DrillFailure(f"{products} products wanted, {len(queued['ids'])} left: --products")
        return queued

    def jobs_state(self, jobs: list[int]) -> list[tuple]:
        return self.postgres.query(
            "SELECT id, status, total, cursor, generated, skipped, refused, error "
            "FROM copywriting_copyjob WHERE id = ANY(%s) ORDER BY id",
            jobs,
        )

    def jobs_finished(self, jobs: list[int]) -> bool:
        try:
            states = self.jobs_state(jobs)
        except Exception:  # noqa: BLE001 - the database may be coming back
            return False
        return len(states) == len(jobs) and all(s[1] in ("done", "failed") for s in states)

    def drafts_per_product(self, ids: list[int]) -> dict[int, int]:
        rows = self.postgres.query(
            "SELECT product_id, count(*) FROM copywriting_copydraft "
            "WHERE product_id = ANY(%s) AND field = 'description' AND language = 'en' "
            "GROUP BY product_id",
            ids,
        )
        return dict(rows)

    def check_jobs(self, jobs: list[int], ids: list[int]) -> str:
        """Every job done, every product drafted exactly once unless refused."""
        states = self.jobs_state(jobs)
        bad = [s for s in states if s[1] != "done" or s[3] != s[2]]
        if bad:
            raise DrillFailure(f"jobs not done: (id, status, total, cursor, …) {bad}")
        generated = sum(s[4] for s in states)
        refused = sum(s[6] for s in states)
        skipped = sum(s[5] for s in states)
        drafts = self.drafts_per_product(ids)
        duplicated = {pk: n for pk, n in drafts.items() if n > 1}
        if duplicated:
            raise DrillFailure(f"products drafted more than once: {duplicated}")
        if generated + refused + skipped != len(ids) or len(drafts) != generated + skipped:
            raise DrillFailure(
                f"{len(ids)} products: {generated} generated, {refused} refused, {skipped} "
                f"skipped, but {len(drafts)} have a draft"
            )
        if not generated:
            raise DrillFailure("no product was drafted at all")
        return f"{len(drafts)}/{len(ids)} products with exactly one draft ({refused} refused)"

    def draft_count(self, job: int) -> int:
        return self.postgres.query(
            "SELECT count(*) FROM copywriting_copydraft WHERE job_id = %s", job
        )[0][0]

    # -- setup ------------------------------------------------------------------------------------

    def setup(self) -> None:
        self.postgres = PrivatePostgres(pick_port(PG_PORT))
        self.postgres.init()
        redis_folder = self.temp / "redis"
        redis_folder.mkdir()
        self.redis = PrivateRedis(pick_port(REDIS_PORT), redis_folder, self.processes)
        self.redis.start()
        redis_url = f"redis://127.0.0.1:{self.redis.port}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.faults",
            "DATABASE_URL": self.postgres.url(),
            "CONN_MAX_AGE": "60",
            "REDIS_URL": f"{redis_url}/0",
            "CELERY_BROKER_URL": f"{redis_url}/1",
            "CELERY_RESULT_BACKEND": f"{redis_url}/2",
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "VAR_DIR": str(self.temp / "var"),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "PYTHONUNBUFFERED": "1",
        }
        report = self.shell(SETUP.format(products=self.args.products), timeout=240)
        self.active_products = report["active"]
        self.processes.start(
            "web",
            [
                str(BIN / "gunicorn"), "config.wsgi:application", "--config", "config/gunicorn.py",
                "--bind", f"127.0.0.1:{self.web_port}", "--workers", "1", "--timeout", "60",
                "--access-logfile", "-", "--error-logfile", "-",
                "--control-socket", str(self.temp / "gunicorn.ctl"),
            ],
            self.env,
        )  # fmt: skip

        def web_answers() -> bool:
            try:
                return http_get(f"{self.base}/healthz", timeout=5)[0] == 200
            except OSError:
                return False

        wait_for("gunicorn answers /healthz", web_answers, self.deadline.budget(60), every=0.5)

    # -- drills ---------------------------------------------------------------------------------

    def kill_pool_process(self, worker: str) -> int:
        """SIGKILL the worker's pool process (what the OOM killer picks): its master stays."""
        pool = children(self.processes.running[worker].pid)
        if len(pool) != 1:
            raise DrillFailure(f"{worker} has pool processes {pool}, expected one")
        (pid,) = pool
        os.kill(pid, signal.SIGKILL)
        return pid

    def copy_job_killed(self, worker: str, whole_worker: bool) -> str:
        """Queue a job over 40 products; SIGKILL once some but not all are drafted; check."""
        queued = self.queue_copy_jobs(products=40, per_job=40)
        job, ids = queued["jobs"][0], queued["ids"]
        wait_for("the first draft", lambda: self.draft_count(job), self.deadline.budget(90), 0.02)
        if whole_worker:
            self.processes.kill(worker)  # SIGKILL to the master and its pool process
        else:
            self.kill_pool_process(worker)
        at_kill = self.draft_count(job)
        if at_kill >= len(ids):
            raise DrillFailure(f"the job drafted all {len(ids)} products before the kill")
        if whole_worker:
            self.start_worker("llm")
        wait_for(
            f"copy job {job} finished after the kill",
            lambda: self.jobs_finished([job]),
            self.deadline.budget(90),
            every=0.5,
        )
        return f"killed at {at_kill}/{len(ids)} drafts → {self.check_jobs([job], ids)}"

    def drill_llm_worker_killed(self) -> str:
        worker = self.start_worker("llm")
        pool = self.copy_job_killed(worker, whole_worker=False)
        whole = self.copy_job_killed(worker, whole_worker=True)
        return (
            f"pool process SIGKILLed: its master requeued the job and finished it, {pool}; "
            f"whole worker SIGKILLed: a fresh worker got the message back after the visibility "
            f"timeout ({VISIBILITY_TIMEOUT} s here) and finished it, {whole}; both jobs done"
        )

    def rebuild_killed(self, worker: str, whole_worker: bool) -> str:
        """Queue a full rebuild; SIGKILL while it embeds; check CURRENT, the lock, the redo."""
        root = self.temp / "var" / "test-search" / "shop"
        before = (root / "CURRENT").read_text().strip()
        task = self.shell(QUEUE_REBUILD)["task"]
        results = self.redis.client(2)

        def meta() -> dict:
            raw = results.get(f"celery-task-meta-{task}")
            return json.loads(raw) if raw else {}

        def midway() -> dict | None:
            state = meta()
            if state.get("status") == "SUCCESS":
                raise DrillFailure("the rebuild finished before it could be killed")
            progress = state.get("result") or {}
            if state.get("status") == "PROGRESS" and 0 < progress.get("done", 0):
                return progress
            return None

        progress = wait_for("the rebuild's progress", midway, self.deadline.budget(90), every=0.02)
        if whole_worker:
            self.processes.kill(worker)
        else:
            self.kill_pool_process(worker)
        lock = root / ".rebuild.lock"
        half_built = {p.name for p in root.glob(".building-*")}
        current = (root / "CURRENT").read_text().strip()
        if current != before or not (root / before / "manifest.json").is_file():
            raise DrillFailure(f"after the kill CURRENT is {current!r}, was {before!r}")
        if whole_worker and not lock_is_free(lock):
            raise DrillFailure("the rebuild lock is still held after its worker was killed")
        if whole_worker:
            self.start_worker("index")
        done = wait_for(
            "the rebuild redone",
            lambda: meta().get("status") == "SUCCESS" and meta(),
            self.deadline.budget(120),
            every=0.5,
        )
        report = done.get("result") or {}
        if report.get("refused"):
            raise DrillFailure(f"the redone rebuild was refused: {report['refused']}")
        after = (root / "CURRENT").read_text().strip()
        manifest_path = root / after / "manifest.json"
        manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
        complete = (
            after != before
            and after == report.get("version")
            and manifest.get("documents") == self.active_products
            and manifest.get("dense") is not None
            and all((root / after / name).exists() for name in ("bm25", "dense.faiss", "keys.npy"))
        )
        if not complete:
            raise DrillFailure(
                f"CURRENT {after!r} (was {before!r}, task said {report.get('version')!r}): "
                f"manifest {manifest}"
            )
        leftovers = sorted(half_built & {p.name for p in root.glob(".building-*")})
        if not half_built or leftovers:
            raise DrillFailure(
                f"the killed build's folder: {half_built or 'none found'}, left: {leftovers}"
            )
        wait_for("the lock free again", lambda: lock_is_free(lock), 10)
        return (
            f"killed at {progress['done']}/{progress['total']} embedded, CURRENT kept {before}; "
            f"redone: CURRENT → {after}, {manifest['documents']} documents (= active products), "
            f"dense, the killed build's {len(half_built)} half-built folder deleted"
        )

    def drill_index_worker_killed(self) -> str:
        worker = self.start_worker("index")
        pool = self.rebuild_killed(worker, whole_worker=False)
        whole = self.rebuild_killed(worker, whole_worker=True)
        return (
            f"pool process SIGKILLed: requeued and redone by its worker, {pool}; whole worker "
            f"SIGKILLed: lock free at once, a fresh worker redid it, {whole}; lock free"
        )

    def drill_redis_restart(self) -> str:
        queued = self.queue_copy_jobs(products=24, per_job=6, redis_shutdown=True)
        jobs, ids = queued["jobs"], queued["ids"]
        self.redis.shutdown_and_wait()
        down_at = time.monotonic()
        if not queued.get("queued"):
            raise DrillFailure("the llm worker took every job before Redis went down")
        started = time.monotonic()
        status, body = http_get(f"{self.base}/en/", timeout=30)
        page_seconds = time.monotonic() - started
        if status != 200 or b'href="/en/p/' not in body:
            raise DrillFailure(f"home page with Redis down: {status}")
        title = self.postgres.query("SELECT title FROM catalog_product WHERE id = %s", ids[0])[0][0]
        query = urllib.parse.urlencode({"q": title})
        status, body = http_get(f"{self.base}/api/search?{query}", timeout=30)
        found = [r["id"] for r in json.loads(body)["results"]] if status == 200 else []
        if ids[0] not in found:
            raise DrillFailure(f"/api/search for {title!r} with Redis down: {status} {found}")
        status, body = http_get(f"{self.base}/healthz", timeout=30)
        health = json.loads(body) if status == 200 else {}
        if health.get("status") != "degraded" or health["checks"]["cache"]["state"] != "down":
            raise DrillFailure(f"/healthz with Redis down answered {status}: {body[:300]!r}")
        time.sleep(max(0.0, 3 - (time.monotonic() - down_at)))
        self.redis.start()
        down_seconds = time.monotonic() - down_at
        wait_for(
            f"copy jobs {jobs} run after Redis came back",
            lambda: self.jobs_finished(jobs),
            self.deadline.budget(120),
            every=0.5,
        )
        outcome = self.check_jobs(jobs, ids)

        def cache_back() -> bool:
            status, body = http_get(f"{self.base}/healthz", timeout=10)
            return status == 200 and json.loads(body)["checks"]["cache"]["state"] == "ok"

        wait_for("/healthz's cache ok again", cache_back, 15, every=1)
        return (
            f"{len(jobs)} jobs queued, {queued['queued']} still in the llm queue at SHUTDOWN SAVE; "
            f"down {down_seconds:.1f} s: home page 200 in {page_seconds:.2f} s, /api/search "
            f"found a product by its title, /healthz "
            f"degraded (cache down); back: the same worker ran every job, {outcome}; cache ok"
        )

    def drill_postgres_restart(self) -> str:
        status, _ = http_get(f"{self.base}/en/", timeout=30)
        master = self.processes.running["web"].pid
        workers = children(master)
        if status != 200 or not workers:
            raise DrillFailure(f"home page before the restart: {status}, workers {workers}")
        self.postgres.stop()
        started = time.monotonic()
        down_page, _ = http_get(f"{self.base}/en/", timeout=30)
        down_seconds = time.monotonic() - started
        down_health, _ = http_get(f"{self.base}/healthz", timeout=30)
        if down_page < 500 or down_health != 503:
            self.postgres.start()
            raise DrillFailure(f"with PostgreSQL down: page {down_page}, /healthz {down_health}")
        self.postgres.start()
        back = time.monotonic()
        wait_for(
            "the home page served again",
            lambda: http_get(f"{self.base}/en/", timeout=30)[0] == 200,
            20,
            every=0.5,
        )
        back_seconds = time.monotonic() - back
        health, _ = http_get(f"{self.base}/healthz", timeout=30)
        if children(master) != workers or health != 200:
            raise DrillFailure(
                f"after the restart: workers {children(master)} (were {workers}), /healthz {health}"
            )
        queued = self.queue_copy_jobs(products=4, per_job=4)
        wait_for(
            "a copy job queued after the restart",
            lambda: self.jobs_finished(queued["jobs"]),
            self.deadline.budget(60),
            every=0.5,
        )
        outcome = self.check_jobs(queued["jobs"], queued["ids"])
        return (
            f"down: page {down_page} in {down_seconds:.2f} s, /healthz 503; back: 200 after "
            f"{back_seconds:.1f} s from the same gunicorn worker (pid {sorted(workers)}), "
            f"/healthz 200; the llm worker (not restarted) ran a new job: {outcome}"
        )

    def drill_missing_models(self) -> str:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DATABASE_URL", "REDIS_URL", "CELERY_", "DJANGO_SETTINGS"))
        }
        completed = subprocess.run(  # noqa: S603 - pytest on one file
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", MISSING_MODELS_TEST],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=self.deadline.budget(120) or 1,
            check=False,
        )
        summary = (completed.stdout.strip().splitlines() or ["no output"])[-1]
        if completed.returncode:
            raise DrillFailure(f"{MISSING_MODELS_TEST}: {completed.stdout[-1500:]}")
        return (
            f"{MISSING_MODELS_TEST}: {summary} (LLM_MODEL_DIR empty: search keyword-only and "
            "says so, chat gives the retrieved text with degraded true, copy generation a clear "
            "error, /healthz names the missing models to staff)"
        )

    # -- the run --------------------------------------------------------------------------------

    DRILLS = (
        ("1. llm worker killed mid-batch", "drill_llm_worker_killed"),
        ("2. index worker killed mid-rebuild", "drill_index_worker_killed"),
        ("3. Redis restart", "drill_redis_restart"),
        ("4. PostgreSQL restart", "drill_postgres_restart"),
        ("5. model files missing", "drill_missing_models"),
    )

    def say(self, line: str) -> None:
        self.lines.append(line)
        print(line, flush=True)

    def run(self) -> int:
        started = time.monotonic()
        try:
            try:
                self.setup()
                self.say(f"     setup: private PostgreSQL :{self.postgres.port}, Redis "
                         f":{self.redis.port}, {self.active_products} products, gunicorn "
                         f":{self.web_port} ({time.monotonic() - started:.0f} s)")  # fmt: skip
            except (DrillFailure, subprocess.SubprocessError, OSError) as exc:
                self.failed = True
                self.say(f"FAIL  setup: {exc}")
                return 1
            for label, method in self.DRILLS:
                drill_started = time.monotonic()
                if not self.deadline.left():
                    self.failed = True
                    self.say(f"FAIL  {label}: not run, the time budget was spent")
                    continue
                try:
                    detail = getattr(self, method)()
                except (DrillFailure, subprocess.SubprocessError, OSError) as exc:
                    self.failed = True
                    self.say(f"FAIL  {label} ({time.monotonic() - drill_started:.0f} s): {exc}")
                else:
                    self.say(f"PASS  {label} ({time.monotonic() - drill_started:.0f} s): {detail}")
        except KeyboardInterrupt:
            self.failed = True
            self.say("FAIL  interrupted")
        finally:
            self.cleanup()
        print(f"fault drills: {'FAILED' if self.failed else 'PASSED'} in "
              f"{time.monotonic() - started:.0f} s")  # fmt: skip
        return 1 if self.failed else 0

    def cleanup(self) -> None:
        if self._cleaned:
            return
        self._cleaned = True
        self.processes.stop_all()
        if self.postgres is not None:
            self.postgres.remove()
        if self.failed:
            for log in sorted(self.logs.glob("*.log")):
                print(f"\n== last 30 lines of {log.name}", file=sys.stderr)
                print(tail(log, 30), file=sys.stderr)
        if self.args.keep_temp:
            print(f"logs kept in {self.logs}", file=sys.stderr)
        else:
            shutil.rmtree(self.temp, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def interrupted(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    drills = Drills(args)
    atexit.register(drills.cleanup)
    return drills.run()


if __name__ == "__main__":
    sys.exit(main())
