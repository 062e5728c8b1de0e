import threading

import pytest
import torch
from tokenizers import Tokenizer
from transformers import AutoModelForCausalLM

from llm_services import Generation, LLMBadRequest, LLMTimeout, LLMUnavailable, llm

PROMPT = "running shoes"
MESSAGES = [
    {"role": "system", "content": "be brief"},
    {"role": "user", "content": "hello"},
]


def token_ids(model_dir, text, *, special=True):
    """Token ids from the raw tokenizers library: independent of the backend's own path."""
    return (
        Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        .encode(text, add_special_tokens=special)
        .ids
    )


@pytest.fixture(scope="module")
def reference(tiny_causal_lm_dir):
    """Greedy continuation of PROMPT by plain transformers generate: the expected output."""
    model = AutoModelForCausalLM.from_pretrained(tiny_causal_lm_dir, dtype=torch.float32)
    ids = token_ids(tiny_causal_lm_dir, PROMPT)
    output = model.generate(
        torch.tensor([ids]), max_new_tokens=12, do_sample=False, pad_token_id=0, eos_token_id=2
    )
    return output[0, len(ids) :].tolist()


def decode(model_dir, ids):
    return Tokenizer.from_file(str(model_dir / "tokenizer.json")).decode(ids)


def test_greedy_generation_matches_transformers(tiny_generator, tiny_causal_lm_dir, reference):
    """Greedy output equals plain transformers generate, with exact token counts."""
    generation = tiny_generator.generate(PROMPT, max_new_tokens=12, temperature=0)

    assert isinstance(generation, Generation)
    assert generation.text == decode(tiny_causal_lm_dir, reference)
    assert generation.prompt_tokens == len(token_ids(tiny_causal_lm_dir, PROMPT)) == 13
    assert generation.completion_tokens == 12
    assert generation.finish_reason == "length"
    assert (generation.model_id, generation.revision) == (
        "tiny-causal-lm",
        "tiny-random-llama-seed0",
    )
    assert generation.latency_ms > 0


@pytest.mark.parametrize("max_new_tokens", [1, 5])
def test_max_new_tokens_is_honoured(tiny_generator, tiny_causal_lm_dir, reference, max_new_tokens):
    """Generation stops after max_new_tokens with finish_reason "length"."""
    generation = tiny_generator.generate(PROMPT, max_new_tokens=max_new_tokens, temperature=0)

    assert generation.completion_tokens == max_new_tokens
    assert generation.finish_reason == "length"
    assert generation.text == decode(tiny_causal_lm_dir, reference[:max_new_tokens])


def first_fresh_pair(text, start):
    """A two-character substring first occurring at index >= start, and its index."""
    for index in range(start, len(text) - 1):
        if text.find(text[index : index + 2]) == index:
            return text[index : index + 2], index
    raise AssertionError(f"no usable stop string in {text!r}")


def test_stop_string_cuts_text_and_stops_generation(tiny_generator):
    """The text ends before the first stop string; generation stops at the token completing it."""
    full = tiny_generator.generate(PROMPT, max_new_tokens=12, temperature=0).text
    stop, index = first_fresh_pair(full, 3)
    # The token count at which the stop string first appears in the output.
    expected_tokens = next(
        n
        for n in range(1, 13)
        if stop in tiny_generator.generate(PROMPT, max_new_tokens=n, temperature=0).text
    )

    generation = tiny_generator.generate(PROMPT, max_new_tokens=12, temperature=0, stop=[stop])

    assert generation.text == full[:index]
    assert generation.finish_reason == "stop"
    assert generation.completion_tokens == expected_tokens


def test_end_of_sequence_token_stops_generation(tiny_generator, tiny_causal_lm_dir, reference):
    """An EOS token ends generation: counted as a completion token, absent from the text."""
    eos = next(t for i, t in enumerate(reference) if i >= 3 and t not in reference[:i])
    position = reference.index(eos)
    tiny_generator.model.generation_config.eos_token_id = eos

    generation = tiny_generator.generate(PROMPT, max_new_tokens=12, temperature=0)

    assert generation.finish_reason == "stop"
    assert generation.completion_tokens == position + 1
    assert generation.text == decode(tiny_causal_lm_dir, reference[:position])


@pytest.mark.parametrize("use_stop", [False, True])
def test_stream_pieces_join_to_the_generated_text(tiny_generator, use_stop):
    """Under greedy decoding the streamed pieces join to exactly what generate() returns."""
    full = tiny_generator.generate(PROMPT, max_new_tokens=12, temperature=0).text
    stop = [first_fresh_pair(full, 4)[0]] if use_stop else None
    expected = tiny_generator.generate(PROMPT, max_new_tokens=12, temperature=0, stop=stop).text

    pieces = list(tiny_generator.stream(PROMPT, max_new_tokens=12, temperature=0, stop=stop))

    assert "".join(pieces) == expected
    assert len(pieces) > 1
    assert all(pieces)


def test_abandoned_stream_releases_the_model(tiny_generator):
    """Closing a stream early stops its generation; the model is usable again at once."""
    stream = tiny_generator.stream(PROMPT, max_new_tokens=200, temperature=0)
    first = next(stream)
    stream.close()

    assert first
    assert tiny_generator.lock.acquire(timeout=5)
    tiny_generator.lock.release()
    assert tiny_generator.generate(PROMPT, max_new_tokens=2, temperature=0).completion_tokens == 2


def test_no_first_token_in_time_abandons_the_generation(tiny_generator, monkeypatch):
    """A stream waiting for a model that another generation holds gives up at its limit and,
    once the model is free, generates nothing for the caller that left."""
    runs = []
    generate_ids = tiny_generator._generate_ids
    monkeypatch.setattr(
        tiny_generator, "_generate_ids", lambda *a, **k: runs.append(1) or generate_ids(*a, **k)
    )
    with tiny_generator.lock:  # another shopper's answer
        stream = tiny_generator.stream(
            PROMPT, max_new_tokens=4, temperature=0, first_token_timeout=0.05
        )
        with pytest.raises(LLMTimeout, match="no first token within its limit"):
            next(stream)

    assert tiny_generator.generate(PROMPT, max_new_tokens=2, temperature=0).completion_tokens == 2
    assert runs == [1]  # the generate() above only


def test_a_first_token_in_time_streams_the_whole_text(tiny_generator):
    expected = tiny_generator.generate(PROMPT, max_new_tokens=8, temperature=0).text

    pieces = tiny_generator.stream(PROMPT, max_new_tokens=8, temperature=0, first_token_timeout=30)

    assert "".join(pieces) == expected


def test_messages_without_chat_template_become_a_transcript(tiny_generator, tiny_causal_lm_dir):
    """Without a chat template, messages are rendered as a System/User/Assistant transcript."""
    transcript = "System: be brief\nUser: hello\nAssistant:"

    assert tiny_generator.render(MESSAGES) == (transcript, True)
    from_messages = tiny_generator.generate(MESSAGES, max_new_tokens=6, temperature=0)
    from_text = tiny_generator.generate(transcript, max_new_tokens=6, temperature=0)

    assert from_messages.prompt_tokens == len(token_ids(tiny_causal_lm_dir, transcript))
    assert from_messages.text == from_text.text


def test_messages_with_chat_template_use_it(tiny_chat_generator, tiny_chat_lm_dir):
    """With a chat template the prompt is the rendered template, BOS added once."""
    rendered = "<s><|system|>be brief\n<|user|>hello\n<|assistant|>"

    assert tiny_chat_generator.render(MESSAGES) == (rendered, False)
    generation = tiny_chat_generator.generate(MESSAGES, max_new_tokens=4, temperature=0)

    ids = token_ids(tiny_chat_lm_dir, rendered, special=False)
    assert ids[:2] != [1, 1]
    assert generation.prompt_tokens == len(ids)
    assert generation.completion_tokens == 4


def test_plain_prompt_style_ignores_the_chat_template(use_generator, tiny_chat_lm_dir):
    """prompt_style "plain" renders a transcript even when the tokenizer has a template."""
    generator = use_generator(tiny_chat_lm_dir, prompt_style="plain")

    assert generator.render(MESSAGES) == ("System: be brief\nUser: hello\nAssistant:", True)


@pytest.mark.parametrize("batch_size", [8, 2])
def test_generate_batch_equals_individual_greedy_generations(
    use_generator, tiny_causal_lm_dir, batch_size
):
    """Left-padded batches give what each prompt gives alone, in order."""
    generator = use_generator(tiny_causal_lm_dir, batch_size=batch_size)
    prompts = ["a", PROMPT, "a ceramic coffee mug that keeps drinks warm", MESSAGES]

    batched = generator.generate_batch(prompts, max_new_tokens=8, temperature=0)
    alone = [generator.generate(p, max_new_tokens=8, temperature=0) for p in prompts]

    assert [g.text for g in batched] == [g.text for g in alone]
    assert [g.prompt_tokens for g in batched] == [g.prompt_tokens for g in alone]
    assert [g.completion_tokens for g in batched] == [8, 8, 8, 8]


def test_generate_batch_stops_each_row_on_its_own(tiny_generator):
    """A stop string ends only the rows that produce it; the others run to the length limit."""
    prompts = [PROMPT, "a"]
    full = [
        g.text for g in tiny_generator.generate_batch(prompts, max_new_tokens=10, temperature=0)
    ]
    stop, index = first_fresh_pair(full[0], 3)
    assert stop not in full[1]

    first, second = tiny_generator.generate_batch(
        prompts, max_new_tokens=10, temperature=0, stop=[stop]
    )

    assert (first.text, first.finish_reason) == (full[0][:index], "stop")
    assert (second.text, second.finish_reason, second.completion_tokens) == (full[1], "length", 10)


def test_concurrent_callers_get_the_same_results(tiny_generator):
    """The model is shared by threads; the inference lock keeps each call's result intact."""
    prompts = ["a", PROMPT, "coffee", "shoes"]
    expected = [tiny_generator.generate(p, max_new_tokens=6, temperature=0).text for p in prompts]
    results = {}

    def run(index):
        results[index] = tiny_generator.generate(prompts[index], max_new_tokens=6, temperature=0)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(prompts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [results[i].text for i in range(len(prompts))] == expected


def test_sampling_is_reproducible_under_a_seed(tiny_generator):
    """temperature > 0 samples; the same torch seed gives the same text and counts."""
    torch.manual_seed(1)
    first = tiny_generator.generate(PROMPT, max_new_tokens=8, temperature=0.9)
    torch.manual_seed(1)
    second = tiny_generator.generate(PROMPT, max_new_tokens=8, temperature=0.9)

    assert first.text == second.text
    assert (first.completion_tokens, first.finish_reason) == (8, "length")


@pytest.mark.parametrize(
    ("prompt", "options", "message"),
    [
        (PROMPT, {"max_new_tokens": 0}, "max_new_tokens must be at least 1"),
        ("word " * 600, {"max_new_tokens": 4}, "exceeds the model's context of 512 tokens"),
        ([{"role": "robot", "content": "hi"}], {}, "Message 0 has unknown role 'robot'"),
        ([], {}, "At least one message is required"),
    ],
)
def test_bad_requests_are_refused_before_generating(tiny_generator, prompt, options, message):
    """Invalid calls raise LLMBadRequest without running the model."""
    with pytest.raises(LLMBadRequest, match=message):
        tiny_generator.generate(prompt, **options)


def test_the_generate_alias_is_the_tiny_model(tiny_generator):
    """The fixture serves the tiny model through the handler like any alias."""
    assert llm["generate"] is tiny_generator


def test_unknown_prompt_style_is_refused(use_generator, tiny_causal_lm_dir):
    """A misspelt prompt_style fails at load time rather than silently picking a format."""
    with pytest.raises(LLMUnavailable, match="prompt_style must be one of"):
        use_generator(tiny_causal_lm_dir, prompt_style="chatml")
