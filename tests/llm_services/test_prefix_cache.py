"""``llm_services.prefix_cache``: recent prompts' keys and values reused by the Gemma 3 loop."""

import copy

import pytest
import torch
from transformers import AutoModelForCausalLM

from llm_services.decoding import Gemma3Decoder
from llm_services.prefix_cache import PrefixCache
from llm_services.quantization import quantize_causal_lm

# Token ids of the tiny model (vocabulary 300); the shared part is longer than its sliding
# window of 4, so both kinds of layer read reused columns.
SHARED = list(range(10, 40))
FIRST = [*SHARED, 50, 51, 52]
SECOND = [*SHARED, 60, 61]
THIRD = [7, 8, 9, *SHARED]


def columns(length, value):
    """A batch-of-one cache of 2 layers whose column j holds value + j."""
    column = torch.arange(length, dtype=torch.float32).view(1, 1, length, 1) + value
    return [(column.clone(), -column.clone()) for _ in range(2)]


def test_lookup_finds_the_longest_common_beginning_and_leaves_the_last_token():
    cache = PrefixCache(min_tokens=2)
    cache.store(FIRST, columns(len(FIRST), 0.0))
    cache.store(SHARED[:10], columns(10, 100.0))

    reused, stored = cache.lookup(SECOND)
    assert reused == 30
    assert stored[0][0][0, 0, :3, 0].tolist() == [0.0, 1.0, 2.0]

    # The whole of a stored prompt again: every token but the last is reused.
    assert cache.lookup(FIRST)[0] == len(FIRST) - 1
    assert cache.lookup(THIRD) == (0, None)
    assert (cache.hits, cache.reused_tokens) == (2, 30 + len(FIRST) - 1)


def test_short_beginnings_are_not_reused():
    cache = PrefixCache(min_tokens=16)
    cache.store(FIRST, columns(len(FIRST), 0.0))

    assert cache.lookup([*SHARED[:15], 99, 98])[0] == 0
    assert cache.lookup([*SHARED[:16], 99])[0] == 16


def test_least_recently_used_prompts_leave_first_within_the_token_budget():
    cache = PrefixCache(max_tokens=70, min_tokens=2)
    cache.store(FIRST, columns(len(FIRST), 0.0))  # 33 tokens
    cache.store(SECOND, columns(len(SECOND), 0.0))  # 32: 65 in all
    cache.lookup(FIRST)  # FIRST is now the most recently used
    cache.store(THIRD, columns(len(THIRD), 0.0))  # 33: 98 > 70, SECOND leaves

    assert len(cache) == 2
    assert cache.lookup(SECOND)[0] == 30  # from FIRST, which is still there
    assert cache.lookup(THIRD)[0] == len(THIRD) - 1
    cache.store(list(range(100, 180)), columns(80, 0.0))  # longer than the budget: not kept
    assert len(cache) == 2


@pytest.fixture(scope="module")
def float_model(tiny_gemma3_dir):
    return AutoModelForCausalLM.from_pretrained(tiny_gemma3_dir, dtype=torch.float32).eval()


@pytest.mark.parametrize("weights", ["float32", "int8-native"])
def test_reused_prefixes_decode_the_tokens_of_a_full_prefill(float_model, kernels, weights):
    model = copy.deepcopy(float_model)
    if weights == "int8-native":
        quantize_causal_lm(model, native=kernels)
    native = kernels if weights == "int8-native" else None
    plain = Gemma3Decoder(model, native)
    reusing = Gemma3Decoder(model, native, PrefixCache(min_tokens=2))

    def tokens(decoder, prompt):
        return decoder.generate([prompt], max_new_tokens=10, pad_id=0)[0, len(prompt) :].tolist()

    for prompt in (FIRST, SECOND, FIRST, THIRD):
        assert tokens(reusing, prompt) == tokens(plain, prompt)
    # SECOND reused SHARED from FIRST, FIRST all but its last token from itself.
    assert (reusing.prefixes.hits, reusing.prefixes.reused_tokens) == (2, 30 + 32)
    # A batch is left-padded: it neither reuses nor stores.
    reusing.generate([FIRST, THIRD], max_new_tokens=2, pad_id=0)
    assert (reusing.prefixes.hits, len(reusing.prefixes)) == (2, 3)
