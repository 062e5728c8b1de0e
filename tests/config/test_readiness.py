import threading

import pytest
from django.urls import reverse

from config import readiness as readiness_module
from config.readiness import Readiness, warmup_steps

RELEASE = threading.Event()


def waits_for_release():
    RELEASE.wait(timeout=30)
    return {"ok": True, "loaded": "index"}


def falls_back():
    return {"ok": False, "searches": "keyword only"}


def breaks():
    raise RuntimeError("disk full")


@pytest.fixture
def process(monkeypatch, settings):
    """A fresh process state behind /readyz; warm-up on, as in a served process."""
    settings.SERVING_WARMUP_ON_START = True
    state = Readiness()
    monkeypatch.setattr(readiness_module, "readiness", state)
    RELEASE.clear()
    yield state
    RELEASE.set()
    if state.thread is not None:
        state.thread.join(timeout=30)


def steps(body):
    return [{k: v for k, v in step.items() if k != "seconds"} for step in body["steps"]]


def test_readyz_is_503_while_warming_and_200_once_warm(client, settings, process):
    settings.SERVING_WARMUP = {"web": ["tests.config.test_readiness.waits_for_release"]}

    readiness_module.start("web")
    warming = client.get("/readyz")
    RELEASE.set()
    process.thread.join(timeout=30)
    ready = client.get("/readyz")

    assert (warming.status_code, warming.json()["status"], warming.json()["role"]) == (
        503,
        "warming",
        "web",
    )
    assert warming["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert (ready.status_code, ready.json()["status"]) == (200, "ready")
    assert steps(ready.json()) == [
        {"step": "tests.config.test_readiness.waits_for_release", "ok": True, "loaded": "index"}
    ]
    assert reverse("readyz") == "/readyz"


def test_a_failed_or_fallen_back_warmer_leaves_the_process_serving_degraded(
    client, settings, process
):
    settings.SERVING_WARMUP = {
        "worker": ["tests.config.test_readiness.breaks", "tests.config.test_readiness.falls_back"]
    }

    process.start("worker", wait=True)
    response = client.get("/readyz")

    assert (response.status_code, response.json()["status"]) == (200, "degraded")
    assert steps(response.json()) == [
        {
            "step": "tests.config.test_readiness.breaks",
            "ok": False,
            "error": "RuntimeError: disk full",
        },
        {"step": "tests.config.test_readiness.falls_back", "ok": False, "searches": "keyword only"},
    ]


def test_a_process_with_warm_up_off_stays_cold_and_says_so(client, settings, process):
    settings.SERVING_WARMUP_ON_START = False

    readiness_module.start("web")
    response = client.get("/readyz")

    assert process.thread is None
    assert (response.status_code, response.json()["status"], response.json()["steps"]) == (
        200,
        "cold",
        [],
    )


def test_warm_up_runs_once_per_process(settings, process):
    settings.SERVING_WARMUP = {"web": ["tests.config.test_readiness.falls_back"]}

    process.start("web", wait=True)
    first = process.thread
    process.start("web", wait=True)

    assert process.thread is first
    assert len(process.steps) == 1


def test_a_forked_child_runs_its_own_warm_up(settings, process):
    """The parent's thread does not survive fork: the child starts a new one, same role."""
    settings.SERVING_WARMUP = {"worker": ["tests.config.test_readiness.falls_back"]}
    process.start("worker", wait=True)
    parent_thread = process.thread

    process.restart_after_fork()
    process.thread.join(timeout=30)

    assert process.thread is not parent_thread
    assert (process.role, process.state, len(process.steps)) == ("worker", "degraded", 1)


def test_readyz_only_answers_get(client):
    assert client.post("/readyz").status_code == 405


def test_a_worker_warms_the_steps_of_each_queue_it_consumes_once(settings):
    settings.SERVING_WARMUP = {
        "web": ["w.web"],
        "worker:default": [],
        "worker:index": ["w.embed"],
        "worker:llm": ["w.generate", "w.embed"],
    }

    assert warmup_steps("worker:default,index") == ["w.embed"]
    assert warmup_steps("worker:index,llm") == ["w.embed", "w.generate"]
    assert warmup_steps("worker:default") == []
    assert warmup_steps("worker:other") == []
    assert warmup_steps("web") == ["w.web"]


def test_the_worker_role_names_the_queues_it_consumes():
    from config.celery import app, worker_role

    queues = app.amqp.queues
    everything = list(queues)
    assert worker_role() == "worker:default,index,llm"
    queues.select(["llm", "index"])  # what `celery worker -Q llm,index` does
    try:
        assert worker_role() == "worker:index,llm"
    finally:
        queues.select(everything)
