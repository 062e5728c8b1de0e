import numpy as np
import pytest

from llm_services import LLMBadRequest, llm
from llm_services.backends.fake import FakeEmbedder, FakeGenerator


@pytest.fixture
def fakes(settings):
    settings.LLM_MODELS = {
        **settings.LLM_MODELS,
        "fake_embed": {
            "BACKEND": "llm_services.backends.fake.FakeEmbedder",
            "OPTIONS": {"dim": 256},
        },
        "fake_generate": {"BACKEND": "llm_services.backends.fake.FakeGenerator"},
    }
    return llm["fake_embed"], llm["fake_generate"]


def test_fake_embedder_is_deterministic_and_word_based(fakes):
    """Same text, same vector; shared words make texts closer; rows have norm 1."""
    embedder, _ = fakes
    vectors = embedder.encode(["red running shoes", "red running shoes", "blue shoes", "mug"])

    assert isinstance(embedder, FakeEmbedder)
    assert vectors.shape == (4, 256)
    assert vectors.dtype == np.float32
    np.testing.assert_array_equal(vectors[0], vectors[1])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    assert vectors[0] @ vectors[2] > vectors[0] @ vectors[3]
    assert embedder.calls[-1]["kind"] == "document"


def test_fake_generator_echoes_the_last_user_message(fakes):
    """The fake answers "echo: <last user message>", one word per token."""
    _, generator = fakes
    messages = [
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "ok"},
        {"role": "user", "content": "where is my order"},
    ]

    generation = generator.generate(messages, max_new_tokens=10)

    assert isinstance(generator, FakeGenerator)
    assert (generation.text, generation.prompt_tokens, generation.completion_tokens) == (
        "echo: where is my order",
        6,
        5,
    )
    assert (generation.finish_reason, generation.model_id) == ("stop", "fake")
    assert generator.calls == [{"prompt": messages, "max_new_tokens": 10, "stop": None}]


def test_fake_generator_honours_length_and_stop(fakes):
    """max_new_tokens cuts words (finish "length"); stop strings cut text (finish "stop")."""
    _, generator = fakes

    short = generator.generate("one two three four", max_new_tokens=3)
    stopped = generator.generate("one two three four", max_new_tokens=10, stop=["three"])

    assert (short.text, short.finish_reason, short.completion_tokens) == (
        "echo: one two",
        "length",
        3,
    )
    assert (stopped.text, stopped.finish_reason) == ("echo: one two ", "stop")
    assert "".join(generator.stream("one two three four", stop=["three"])) == "echo: one two "


def test_fake_generator_fixed_reply_and_batch(settings):
    """OPTIONS reply fixes the answer; generate_batch answers each prompt in order."""
    settings.LLM_MODELS = {
        **settings.LLM_MODELS,
        "fake_generate": {
            "BACKEND": "llm_services.backends.fake.FakeGenerator",
            "OPTIONS": {"reply": "A fine product."},
        },
    }

    results = llm["fake_generate"].generate_batch(["a", "b"], max_new_tokens=8)

    assert [g.text for g in results] == ["A fine product.", "A fine product."]
    with pytest.raises(LLMBadRequest):
        llm["fake_generate"].generate("a", max_new_tokens=0)
