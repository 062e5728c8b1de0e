import socket

import numpy as np
import pytest

from llm_services import (
    ContentRejected,
    Generation,
    LLMBadRequest,
    LLMTimeout,
    LLMUnavailable,
    NoCopy,
)
from llm_services.backends import openai_compat
from llm_services.backends.openai_compat import OpenAICompatEmbedder, OpenAICompatGenerator
from tests.llm_services.stub_server import Reply, StubOpenAIServer

MESSAGES = [{"role": "user", "content": "Hi"}]


@pytest.fixture
def server():
    stub = StubOpenAIServer().start()
    yield stub
    stub.stop()


@pytest.fixture
def make():
    """Build an HTTP backend against a server URL (closed after the test)."""
    built = []

    def build(backend_class, server_url, **options):
        defaults = {"BASE_URL": f"{server_url}/v1", "TIMEOUT": 5, "MAX_RETRIES": 2, "BACKOFF": 0}
        backend = backend_class(
            alias="remote", model="remote-model", revision="", options={**defaults, **options}
        )
        built.append(backend)
        return backend

    yield build
    for backend in built:
        backend.close()


def embeddings_body(*vectors):
    # Out of order on purpose: clients must sort by index.
    data = [{"index": i, "embedding": v} for i, v in enumerate(vectors)]
    return {"data": list(reversed(data)), "model": "remote-model"}


def chat_body(content, finish_reason="stop", usage=(5, 2)):
    return {
        "choices": [
            {"message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}
        ],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1]},
    }


def test_embeddings_are_normalised_and_ordered(server, make):
    """/v1/embeddings vectors come back in input order, L2-normalised, float32."""
    server.reply(Reply(body=embeddings_body([3.0, 4.0], [0.0, 2.0])))
    embedder = make(OpenAICompatEmbedder, server.url, query_prefix="query: ")

    vectors = embedder.encode(["a", "b"], kind="query")

    assert vectors.dtype == np.float32
    np.testing.assert_allclose(vectors, [[0.6, 0.8], [0.0, 1.0]], atol=1e-7)
    assert embedder.dim == 2
    assert [(r.path, r.body) for r in server.received] == [
        ("/v1/embeddings", {"model": "remote-model", "input": ["query: a", "query: b"]})
    ]


def test_embeddings_are_requested_in_batches(server, make):
    """Texts are sent batch_size at a time and concatenated in order."""
    server.reply(
        Reply(body=embeddings_body([1.0, 0.0], [0.0, 1.0])), Reply(body=embeddings_body([1.0, 1.0]))
    )
    embedder = make(OpenAICompatEmbedder, server.url)

    vectors = embedder.encode(["a", "b", "c"], batch_size=2)

    assert [r.body["input"] for r in server.received] == [["a", "b"], ["c"]]
    np.testing.assert_allclose(vectors[2], [2**-0.5, 2**-0.5], atol=1e-7)


def test_chat_messages_use_chat_completions(server, make):
    """Messages go to /v1/chat/completions; the answer and the usage become a Generation."""
    server.reply(Reply(body=chat_body("Hello!")))
    generator = make(OpenAICompatGenerator, server.url, API_KEY="secret")

    generation = generator.generate(MESSAGES, max_new_tokens=16, temperature=0, stop=["\n\n"])

    assert isinstance(generation, Generation)
    assert (generation.text, generation.prompt_tokens, generation.completion_tokens) == (
        "Hello!",
        5,
        2,
    )
    assert (generation.finish_reason, generation.model_id, generation.revision) == (
        "stop",
        "remote-model",
        "remote-model",
    )
    [request] = server.received
    assert request.path == "/v1/chat/completions"
    assert request.body == {
        "model": "remote-model",
        "max_tokens": 16,
        "temperature": 0.0,
        "stop": ["\n\n"],
        "messages": MESSAGES,
    }
    assert request.headers["Authorization"] == "Bearer secret"


def test_plain_prompt_uses_completions(server, make):
    """A raw prompt goes to /v1/completions; a length stop is reported as "length"."""
    server.reply(Reply(body={"choices": [{"text": " world", "finish_reason": "length"}]}))
    generator = make(OpenAICompatGenerator, server.url)

    generation = generator.generate("Hello", max_new_tokens=2, temperature=0.5)

    assert (generation.text, generation.finish_reason) == (" world", "length")
    assert (generation.prompt_tokens, generation.completion_tokens) == (None, None)
    assert server.received[0].path == "/v1/completions"
    assert server.received[0].body["prompt"] == "Hello"


def test_stop_strings_are_cut_even_if_the_server_ignores_them(server, make):
    """A stop string the server left in the text is cut locally, with finish_reason "stop"."""
    server.reply(Reply(body=chat_body("one\nUser: two", finish_reason="length")))
    generator = make(OpenAICompatGenerator, server.url)

    generation = generator.generate(MESSAGES, max_new_tokens=8, stop=["\nUser:"])

    assert (generation.text, generation.finish_reason) == ("one", "stop")


def test_streaming_yields_the_deltas(server, make):
    """stream() posts stream: true and yields each SSE delta; the pieces join to the text."""
    events = [
        {"choices": [{"delta": {"role": "assistant"}, "finish_reason": None}]},
        {"choices": [{"delta": {"content": "Hel"}, "finish_reason": None}]},
        {"choices": [{"delta": {"content": "lo"}, "finish_reason": None}]},
        {"choices": [{"delta": {}, "finish_reason": "stop"}]},
    ]
    server.reply(Reply(events=events))
    generator = make(OpenAICompatGenerator, server.url)

    pieces = list(generator.stream(MESSAGES, max_new_tokens=8))

    assert pieces == ["Hel", "lo"]
    assert server.received[0].body["stream"] is True


def test_streaming_holds_back_a_possible_stop_string(server, make):
    """Text that might begin a stop string waits; a completed stop string ends the stream."""
    events = [{"choices": [{"text": piece}]} for piece in ["ab", "c\nU", "ser: x"]]
    server.reply(Reply(events=events))
    generator = make(OpenAICompatGenerator, server.url)

    pieces = list(generator.stream("prompt", max_new_tokens=8, stop=["\nUser:"]))

    assert pieces == ["ab", "c"]


def test_a_stream_waits_for_its_first_event_at_most_first_token_timeout(server, make):
    """The alias's TIMEOUT is 10 s; a chat answer's first-token limit of 0.1 s wins."""
    late = Reply(events=[{"choices": [{"text": "late"}]}], delay=0.5)
    server.reply(late, late)
    generator = make(OpenAICompatGenerator, server.url, TIMEOUT=10, MAX_RETRIES=1)

    with pytest.raises(LLMTimeout, match="within 0.1s"):
        list(generator.stream("p", max_new_tokens=2, first_token_timeout=0.1))


def test_timeout_is_retried_then_raised(server, make):
    """A server slower than TIMEOUT is tried 1 + MAX_RETRIES times, then LLMTimeout."""
    server.reply(*[Reply(body=chat_body("late"), delay=0.5)] * 3)
    generator = make(OpenAICompatGenerator, server.url, TIMEOUT=0.1, MAX_RETRIES=2)

    with pytest.raises(LLMTimeout, match="did not answer within 0.1s"):
        generator.generate(MESSAGES, max_new_tokens=4)

    assert len(server.received) == 3


def test_server_error_then_success_retries_once(server, make):
    """A 500 followed by a 200 succeeds after exactly one retry."""
    server.reply(Reply(500, {"error": "overloaded"}), Reply(body=chat_body("ok")))
    generator = make(OpenAICompatGenerator, server.url)

    assert generator.generate(MESSAGES, max_new_tokens=4).text == "ok"
    assert len(server.received) == 2


def test_persistent_server_errors_raise_unavailable(server, make):
    """5xx on every attempt ends in LLMUnavailable after 1 + MAX_RETRIES attempts."""
    server.reply(*[Reply(503, {"error": "down"})] * 2)
    generator = make(OpenAICompatGenerator, server.url, MAX_RETRIES=1)

    with pytest.raises(LLMUnavailable, match="answered 503"):
        generator.generate(MESSAGES, max_new_tokens=4)
    assert len(server.received) == 2


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (400, {"error": {"message": "bad model", "code": "model_not_found"}}, LLMBadRequest),
        (422, {"error": "unprocessable"}, LLMBadRequest),
        (429, {"error": "slow down"}, LLMUnavailable),
        (400, {"error": {"message": "no", "code": "content_filter"}}, ContentRejected),
    ],
)
def test_client_errors_are_never_retried(server, status, body, error, make):
    """4xx answers raise at once (one attempt): terminal ones, 429 as retryable-by-caller."""
    server.reply(Reply(status, body), Reply(body=chat_body("never sent")))
    generator = make(OpenAICompatGenerator, server.url)

    with pytest.raises(error, match=f"answered {status}"):
        generator.generate(MESSAGES, max_new_tokens=4)
    assert len(server.received) == 1


def test_content_filter_finish_reason_is_rejected(server, make):
    """An answer cut by the server's content filter raises ContentRejected."""
    server.reply(Reply(body=chat_body("", finish_reason="content_filter")))
    generator = make(OpenAICompatGenerator, server.url)

    with pytest.raises(ContentRejected):
        generator.generate(MESSAGES, max_new_tokens=4)


def test_stream_retries_a_server_error_before_the_first_event(server, make):
    """A 5xx before anything was streamed is retried like a plain request."""
    server.reply(Reply(502, {"error": "gateway"}), Reply(events=[{"choices": [{"text": "ok"}]}]))
    generator = make(OpenAICompatGenerator, server.url)

    assert list(generator.stream("p", max_new_tokens=2)) == ["ok"]
    assert len(server.received) == 2


def test_connection_refused_is_unavailable_after_retries(monkeypatch, make):
    """A server that is not listening raises LLMUnavailable, with exponential backoff between
    the 1 + MAX_RETRIES attempts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps = []
    monkeypatch.setattr(openai_compat.time, "sleep", sleeps.append)
    generator = make(OpenAICompatGenerator, f"http://127.0.0.1:{port}", BACKOFF=0.5, MAX_RETRIES=2)

    with pytest.raises(LLMUnavailable, match=f"Cannot reach http://127.0.0.1:{port}"):
        generator.generate(MESSAGES, max_new_tokens=4)
    assert sleeps == [0.5, 1.0]


def test_generate_batch_keeps_the_order(server, make):
    """generate_batch answers every prompt, in the order given."""
    server.reply(*[Reply(body={"choices": [{"text": "x", "finish_reason": "stop"}]})] * 3)
    generator = make(OpenAICompatGenerator, server.url, MAX_CONCURRENCY=1)

    results = generator.generate_batch(["p0", "p1", "p2"], max_new_tokens=2)

    assert [g.text for g in results] == ["x", "x", "x"]
    assert [r.body["prompt"] for r in server.received] == ["p0", "p1", "p2"]


def test_phrases_to_avoid_are_reported_as_not_banned(server, make):
    """The API cannot ban text: the generations that had phrases to avoid say so."""
    server.reply(*[Reply(body={"choices": [{"text": "x", "finish_reason": "stop"}]})] * 2)
    generator = make(OpenAICompatGenerator, server.url, MAX_CONCURRENCY=1)

    results = generator.generate_batch(["p0", "p1"], max_new_tokens=2, avoid=[["red"], []])

    assert [g.notes for g in results] == [
        ("phrases to avoid were not banned: the OpenAI-compatible API cannot ban text",),
        (),
    ]


def test_numbers_to_keep_to_are_reported_as_not_kept(server, make):
    server.reply(*[Reply(body={"choices": [{"text": "x", "finish_reason": "stop"}]})] * 2)
    generator = make(OpenAICompatGenerator, server.url, MAX_CONCURRENCY=1)

    results = generator.generate_batch(["p0", "p1"], max_new_tokens=2, numbers=[None, {"12"}])

    assert [g.notes for g in results] == [
        (),
        ("numbers were not limited: the OpenAI-compatible API cannot constrain text",),
    ]


def test_missing_base_url_is_unavailable():
    """An HTTP alias without BASE_URL cannot be built."""
    with pytest.raises(LLMUnavailable, match=r"OPTIONS\['BASE_URL'\] is not set"):
        OpenAICompatGenerator(alias="remote", model="m", revision="", options={})


def test_copying_rules_are_reported_as_not_kept(server, make):
    server.reply(*[Reply(body={"choices": [{"text": "x", "finish_reason": "stop"}]})] * 2)
    generator = make(OpenAICompatGenerator, server.url, MAX_CONCURRENCY=1)

    results = generator.generate_batch(
        ["p0", "p1"], max_new_tokens=2, no_copy=[NoCopy(sources=("a b c",)), None]
    )

    assert [g.notes for g in results] == [
        ("copying was not prevented: the OpenAI-compatible API cannot constrain text",),
        (),
    ]
