"""What in-process generation may write: banned phrases and the numbers a row may state."""

import copy

import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer
from transformers.generation import LogitsProcessor, LogitsProcessorList

from llm_services import LLMBadRequest
from llm_services.constraints import (
    NUMBER,
    TokenTexts,
    avoid_processor,
    number_processor,
    phrase_spellings,
    text_phrase_processor,
)
from llm_services.decoding import Gemma3Decoder
from llm_services.kernels import native_kernels


class WordTokenizer:
    """A tokenizer of whole pieces, so each test names exactly the tokens it generates."""

    pieces = ["<pad>", "Weighs", " ", "1", "2", "3", "5", ".", ",", " kg", "A", "12", "%"]
    all_special_ids = [0]

    def __len__(self):
        return len(self.pieces)

    def get_added_vocab(self):
        return {}

    def convert_ids_to_tokens(self, ids):
        return [self.pieces[i] for i in ids]

    def decode(self, ids, skip_special_tokens=False):
        return "".join(self.pieces[i] for i in ids if not (skip_special_tokens and i == 0))

    def ids(self, *pieces):
        return [self.pieces.index(p) for p in pieces]


@pytest.fixture
def words():
    return WordTokenizer()


def allowed_after(words, allowed, *generated, prompt=("Weighs",)):
    """The pieces the guard leaves possible after ``prompt`` and ``generated``."""
    prompt_ids = words.ids(*prompt)
    ids = torch.tensor([prompt_ids + words.ids(*generated)])
    guard = number_processor(TokenTexts(words), [allowed], width=len(prompt_ids))
    scores = guard(ids, torch.zeros(1, len(words)))
    return [words.pieces[i] for i in torch.isfinite(scores[0]).nonzero().flatten().tolist()]


def test_number_vocabulary_finds_digit_and_separator_tokens(words):
    vocabulary = TokenTexts(words)

    assert vocabulary.digits == [(3, "1"), (4, "2"), (5, "3"), (6, "5"), (11, "12")]
    assert vocabulary.separators == {".": [7], ",": [8]}


def test_a_number_may_only_start_as_an_allowed_one_does(words):
    everything_but_digits = ["<pad>", "Weighs", " ", ".", ",", " kg", "A", "%"]

    assert allowed_after(words, {"12", "3.5"}, " ") == sorted(
        [*everything_but_digits, "1", "3", "12"], key=words.pieces.index
    )
    assert allowed_after(words, set(), " ") == everything_but_digits


def test_an_unfinished_number_may_only_go_on_to_an_allowed_one(words):
    # "1" is only the start of "12": stopping there would state 1.
    assert allowed_after(words, {"12"}, " ", "1") == ["2"]
    assert allowed_after(words, {"3.5"}, " ", "3") == ["."]
    assert allowed_after(words, {"3.5"}, " ", "3", ".") == ["5"]


def test_a_finished_allowed_number_may_end_but_not_grow(words):
    after = allowed_after(words, {"12", "125"}, " ", "12")

    assert "5" in after
    assert {"1", "2", "3", "12"}.isdisjoint(after)
    assert {" kg", "%", " ", "."} <= set(after)


def test_digits_after_a_letter_or_in_the_prompt_are_no_number_to_judge(words):
    # "A12" is a model name, not a number (NUMBER does not match it).
    assert {"1", "2", "3", "5", "12"} <= set(allowed_after(words, set(), "A"))
    # A number the prompt began is the prompt's.
    assert {"1", "2", "3"} <= set(allowed_after(words, set(), "2", prompt=("Weighs", " ", "1")))


def test_rows_without_a_limit_are_untouched(words):
    ids = torch.tensor([words.ids("Weighs", " "), words.ids("Weighs", " ")])
    guard = number_processor(TokenTexts(words), [set(), None], width=1)

    scores = guard(ids, torch.zeros(2, len(words)))

    assert torch.isinf(scores[0]).nonzero().flatten().tolist() == [3, 4, 5, 6, 11]
    assert bool(torch.isfinite(scores[1]).all())


class PreferDigits(LogitsProcessor):
    """Lifts every digit token far above the rest: a model that writes numbers all the time."""

    def __init__(self, vocabulary):
        self.ids = torch.tensor([t for t, _ in vocabulary.digits])

    def __call__(self, ids, scores):
        scores[:, self.ids] += 100.0
        return scores


def test_the_gemma_loop_states_only_allowed_numbers(tiny_gemma3_dir):
    tokenizer = AutoTokenizer.from_pretrained(tiny_gemma3_dir)
    model = AutoModelForCausalLM.from_pretrained(tiny_gemma3_dir, dtype=torch.float32).eval()
    decoder = Gemma3Decoder(copy.deepcopy(model), native_kernels(2))
    vocabulary = TokenTexts(tokenizer)
    prompt = tokenizer("it costs ten dollars, ")["input_ids"]

    def text(*processors):
        ids = decoder.generate(
            [prompt], max_new_tokens=12, pad_id=0, processors=LogitsProcessorList(processors)
        )
        return tokenizer.decode(ids[0, len(prompt) :].tolist(), skip_special_tokens=True)

    free = text(PreferDigits(vocabulary))
    guarded = text(PreferDigits(vocabulary), number_processor(vocabulary, [{"42"}], len(prompt)))

    assert set(NUMBER.findall(free)) - {"42"}
    assert NUMBER.findall(guarded)
    assert set(NUMBER.findall(guarded)) == {"42"}


def test_the_backend_hands_each_prompt_its_numbers(use_generator, tiny_causal_lm_dir, monkeypatch):
    import llm_services.backends.local_generate as local_generate

    seen = []
    real = local_generate.number_processor

    def spy(vocabulary, numbers, width):
        seen.append(list(numbers))
        return real(vocabulary, numbers, width)

    monkeypatch.setattr(local_generate, "number_processor", spy)
    generator = use_generator(tiny_causal_lm_dir, quantization="int8")

    generator.generate_batch(["a", "b"], max_new_tokens=2, temperature=0, numbers=[["7", 12], None])

    assert seen == [[frozenset({"7", "12"}), None]]
    with pytest.raises(LLMBadRequest, match="numbers needs one collection"):
        generator.generate_batch(["a", "b"], max_new_tokens=2, numbers=[["7"]])


def test_avoid_processor_bans_sequences_only_in_generated_text():
    """One-token sequences are always banned; longer ones only after the rest was generated
    (never because of the prompt)."""
    processor = avoid_processor([((7,), (8, 9)), ((8, 9),)], width=2)
    ids = torch.tensor([[5, 6, 8], [8, 6, 1]])

    scores = processor(ids, torch.zeros(2, 12))

    assert torch.isinf(scores[0]).nonzero().flatten().tolist() == [7, 9]
    assert torch.isinf(scores[1]).nonzero().flatten().tolist() == []


def test_phrase_spellings_cover_line_starts_and_capitals():
    assert phrase_spellings("rose gold") == {
        " rose gold",
        " Rose gold",
        " Rose Gold",
        "Rose gold",
        "Rose Gold",
    }


class CharTokenizer(WordTokenizer):
    """Chinese pieces that spell one colour three ways: whole, split, and inside a word."""

    pieces = ["<pad>", "这是", "白色", "纯白", "色", "白", "的", "白色的", "白天"]


def test_chinese_phrases_are_banned_however_they_are_tokenised():
    words = CharTokenizer()
    texts = TokenTexts(words)
    processor = text_phrase_processor(texts, [["白色"], []], width=1)

    def banned(*generated, row=0):
        ids = torch.tensor([words.ids("这是", *generated)] * 2)
        scores = processor(ids, torch.zeros(2, len(words)))
        return [words.pieces[i] for i in torch.isinf(scores[row]).nonzero().flatten().tolist()]

    # Tokens that write the whole phrase, always; "色" once the text ends with "白".
    assert banned() == ["白色", "白色的"]
    assert banned("纯白") == ["白色", "色", "白色的"]
    assert banned("白") == ["白色", "色", "白色的"]
    assert banned("白", row=1) == []
    # The prompt's text is not the row's: a prompt ending in "白" bans nothing more.
    assert (
        text_phrase_processor(texts, [["白色"]], width=2)(
            torch.tensor([words.ids("这是", "白")]), torch.zeros(1, len(words))
        )[0, words.pieces.index("色")]
        == 0
    )


def test_a_phrase_with_an_ascii_part_is_found_by_its_chinese_part():
    texts = TokenTexts(CharTokenizer())

    assert texts.writing("T白", at_start=False) == []  # no token writes it whole
    assert texts.writing("白色", at_start=False) == [2, 7]
    assert texts.writing("T", at_start=True) == []  # ASCII text is not indexed


def test_a_stream_keeps_to_its_numbers(use_generator, tiny_causal_lm_dir, monkeypatch):
    """stream(numbers=...) hands the decoding loop the same constraint as generate_batch."""
    import llm_services.backends.local_generate as local_generate

    seen = []
    real = local_generate.number_processor

    def spy(vocabulary, numbers, width):
        seen.append(list(numbers))
        return real(vocabulary, numbers, width)

    monkeypatch.setattr(local_generate, "number_processor", spy)
    generator = use_generator(tiny_causal_lm_dir, quantization="int8")

    "".join(generator.stream("a", max_new_tokens=2, temperature=0, numbers=["30", 5]))
    "".join(generator.stream("a", max_new_tokens=2, temperature=0))

    assert seen == [[frozenset({"30", "5"})]]


def test_only_tokens_processor_leaves_only_the_allowed_tokens():
    import torch

    from llm_services.constraints import only_tokens_processor

    processor = only_tokens_processor([{1, 3}, None])
    scores = processor(torch.zeros(2, 1, dtype=torch.long), torch.zeros(2, 5))

    assert scores[0].tolist() == [float("-inf"), 0.0, float("-inf"), 0.0, float("-inf")]
    assert scores[1].tolist() == [0.0] * 5


def test_a_stream_copying_from_a_text_writes_only_its_tokens(
    use_generator, tiny_causal_lm_dir, monkeypatch
):
    """copy_from: the words of the text (as spelt after a space too), punctuation, digits and
    the end of text; nothing else, whatever the model prefers."""
    import llm_services.backends.local_generate as local_generate

    seen = []
    real = local_generate.only_tokens_processor

    def spy(allowed):
        seen.append(allowed)
        return real(allowed)

    monkeypatch.setattr(local_generate, "only_tokens_processor", spy)
    generator = use_generator(tiny_causal_lm_dir)

    text = "".join(generator.stream("a", max_new_tokens=6, temperature=0, copy_from="Blue kettle"))

    (allowed,) = seen[0]
    tokenizer = generator.tokenizer
    for spelling in ("Blue", " blue", " kettle", "Kettle", ".", " 7"):
        assert set(tokenizer(spelling, add_special_tokens=False)["input_ids"]) <= allowed
    assert not set(tokenizer(" zebra", add_special_tokens=False)["input_ids"]) <= allowed
    assert set(tokenizer(text, add_special_tokens=False)["input_ids"]) <= allowed | {
        t for t in range(len(tokenizer)) if tokenizer.decode([t]).strip() == ""
    }
