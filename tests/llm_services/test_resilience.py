"""Deadlines on the web path, the circuit breaker, and failed loads answered from memory."""

import time

import pytest
from django.test import RequestFactory

from llm_services import LLMTimeout, LLMUnavailable, ModelHandler, interactive_calls
from llm_services.backends.fake import FakeEmbedder
from llm_services.backends.openai_compat import OpenAICompatEmbedder, OpenAICompatGenerator
from llm_services.resilience import InteractiveCallsMiddleware, call_budget
from tests.llm_services.stub_server import Reply, StubOpenAIServer

MESSAGES = [{"role": "user", "content": "Hi"}]


@pytest.fixture
def server():
    stub = StubOpenAIServer().start()
    yield stub
    stub.stop()


@pytest.fixture
def generator(server, settings):
    settings.LLM_BREAKER_FAILURES = 3
    settings.LLM_BREAKER_COOLDOWN = 30.0
    backend = OpenAICompatGenerator(
        alias="chat",
        model="remote-model",
        revision="",
        options={"BASE_URL": server.url, "TIMEOUT": 30, "MAX_RETRIES": 2, "BACKOFF": 0},
    )
    yield backend
    backend.close()


def chat_body(content):
    return {"choices": [{"message": {"content": content}, "finish_reason": "stop"}]}


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_web_path_call_to_a_hanging_server_fails_within_its_budget_without_retry(server, generator):
    """TIMEOUT 30 × 3 tries would be 90 s; a web request's call gives up after its 1 s."""
    server.reply(*[Reply(body=chat_body("late"), delay=3.0)] * 3)

    began = time.monotonic()
    with interactive_calls(timeout=1.0), pytest.raises(LLMTimeout, match="interactive budget"):
        generator.generate(MESSAGES, max_new_tokens=4)

    assert time.monotonic() - began < 2.0
    assert len(server.received) == 1


def test_embedding_batches_share_one_web_path_budget(server, settings):
    """Every batch of one encode() call draws on the same deadline."""
    settings.LLM_INTERACTIVE_TIMEOUT = 1.0
    server.reply(*[Reply(body={"data": [{"index": 0, "embedding": [1.0]}]}, delay=0.6)] * 2)
    embedder = OpenAICompatEmbedder(
        alias="embed",
        model="m",
        revision="",
        options={"BASE_URL": server.url, "TIMEOUT": 30, "batch_size": 1},
    )

    with interactive_calls(), pytest.raises(LLMTimeout):
        embedder.encode(["a", "b"], kind="query")

    embedder.close()
    assert len(server.received) == 2


def test_middleware_marks_a_requests_calls_interactive(settings):
    """Inside a request the budget is LLM_INTERACTIVE_TIMEOUT; outside it, background."""
    settings.LLM_INTERACTIVE_TIMEOUT = 1.5
    seen = []
    middleware = InteractiveCallsMiddleware(lambda request: seen.append(call_budget()))

    middleware(RequestFactory().get("/"))

    assert seen == [1.5]
    assert call_budget() is None


def test_background_calls_keep_their_retries(server, generator):
    """Outside a request a 5xx is retried as MAX_RETRIES says."""
    server.reply(Reply(500, {"error": "boom"}), Reply(body=chat_body("ok")))

    assert generator.generate(MESSAGES, max_new_tokens=4).text == "ok"
    assert len(server.received) == 2


def test_three_failed_calls_open_the_breaker(server, generator):
    """After 3 failed calls the alias answers LLMUnavailable without calling the server."""
    generator.max_retries = 0
    server.reply(*[Reply(503, {"error": "down"})] * 3)
    for _ in range(3):
        with pytest.raises(LLMUnavailable, match="answered 503"):
            generator.generate(MESSAGES, max_new_tokens=4)

    with pytest.raises(LLMUnavailable, match="circuit open"):
        generator.generate(MESSAGES, max_new_tokens=4)

    assert len(server.received) == 3
    assert generator.breaker.state == "open"


def test_a_bad_request_does_not_count_towards_the_breaker(server, generator):
    """A 4xx means the server is up: it resets the count of failures in a row."""
    generator.max_retries = 0
    server.reply(
        Reply(503, {"error": "down"}),
        Reply(503, {"error": "down"}),
        Reply(400, {"error": "bad"}),
        Reply(503, {"error": "down"}),
    )
    for _ in range(4):
        with pytest.raises(Exception):  # noqa: B017, PT011 - 503s and a 400 alike
            generator.generate(MESSAGES, max_new_tokens=4)

    assert generator.breaker.consecutive_failures == 1
    assert generator.breaker.state == "closed"


def test_after_the_cooldown_one_trial_call_closes_the_breaker(server, generator):
    """Open for the cool-down; then a single trial goes through and its success closes it."""
    clock = Clock()
    generator.breaker.clock = clock
    generator.max_retries = 0
    server.reply(*[Reply(503, {"error": "down"})] * 3)
    for _ in range(3):
        with pytest.raises(LLMUnavailable):
            generator.generate(MESSAGES, max_new_tokens=4)
    clock.now += 29.0
    with pytest.raises(LLMUnavailable, match="circuit open"):
        generator.generate(MESSAGES, max_new_tokens=4)

    clock.now += 1.0
    server.reply(Reply(body=chat_body("back")))
    reply = generator.generate(MESSAGES, max_new_tokens=4)

    assert reply.text == "back"
    assert generator.breaker.state == "closed"
    assert len(server.received) == 4


def test_a_failed_trial_opens_the_breaker_for_another_cooldown(server, generator):
    """One failed trial is enough to open it again; the next trial waits a full cool-down."""
    clock = Clock()
    generator.breaker.clock = clock
    generator.max_retries = 0
    server.reply(*[Reply(503, {"error": "down"})] * 4)
    for _ in range(3):
        with pytest.raises(LLMUnavailable):
            generator.generate(MESSAGES, max_new_tokens=4)
    clock.now += 30.0

    with pytest.raises(LLMUnavailable, match="answered 503"):
        generator.generate(MESSAGES, max_new_tokens=4)
    clock.now += 29.0
    with pytest.raises(LLMUnavailable, match="circuit open"):
        generator.generate(MESSAGES, max_new_tokens=4)

    assert len(server.received) == 4


class FailingLoad(FakeEmbedder):
    """A local backend whose model never loads; counts the attempts."""

    attempts = 0

    def __init__(self, **kwargs):
        FailingLoad.attempts += 1
        raise LLMUnavailable("weights missing")


def test_a_failed_load_is_attempted_once_per_cooldown(settings):
    """Requests during the cool-down get the remembered error; the next one after it retries."""
    settings.LLM_LOAD_RETRY_SECONDS = 60.0
    FailingLoad.attempts = 0
    handler = ModelHandler(
        {"embed": {"BACKEND": f"{__name__}.FailingLoad", "MODEL": "m", "REVISION": "1"}}
    )
    clock = Clock()
    handler.clock = clock

    for _ in range(5):
        with pytest.raises(LLMUnavailable, match="weights missing"):
            handler["embed"]
    assert FailingLoad.attempts == 1
    assert handler.failures == {"embed": "weights missing"}

    clock.now += 60.0
    with pytest.raises(LLMUnavailable, match="weights missing"):
        handler["embed"]
    assert FailingLoad.attempts == 2


def test_forgetting_an_alias_retries_its_load_at_once(settings):
    """An operator's reload (forget, reset) does not wait out the cool-down."""
    FailingLoad.attempts = 0
    handler = ModelHandler(
        {"embed": {"BACKEND": f"{__name__}.FailingLoad", "MODEL": "m", "REVISION": "1"}}
    )
    with pytest.raises(LLMUnavailable):
        handler["embed"]

    handler.forget(["embed"])
    with pytest.raises(LLMUnavailable):
        handler["embed"]

    assert FailingLoad.attempts == 2


def test_a_task_run_eagerly_inside_a_request_makes_background_calls():
    """Celery's task_prerun (config/celery.py) lifts the request's budget for the task."""
    from config.celery import app

    @app.task(name="tests.llm_services.budget_probe")
    def budget_probe():
        return call_budget()

    with interactive_calls(timeout=1.0):
        # apply() runs the task here, as an eager delay() does; .result needs no join.
        inside = budget_probe.apply().result
        after = call_budget()

    assert (inside, after) == (None, 1.0)
