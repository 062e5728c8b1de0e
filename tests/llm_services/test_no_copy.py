"""Decoding that does not copy: runs of words from given texts or from the row's own past."""

import pytest
import torch

from common.text import text_units, unit_ngrams
from llm_services import LLMBadRequest, NoCopy
from llm_services.no_copy import build_rules, copies, no_copy_processor, written_runs


class PieceTokenizer:
    """Whole pieces as tokens, so a test names exactly what each candidate writes."""

    pieces = ["<pad>", "soft", " soft", " warm", " cotton", " tee", ".", " breath", "able", " wool"]

    def __len__(self):
        return len(self.pieces)

    def decode(self, ids, skip_special_tokens=False):
        return "".join(self.pieces[i] for i in ids if not (skip_special_tokens and i == 0))

    def id(self, piece):
        return self.pieces.index(piece)


def rule(sources=(), own="", size=3, repeat_size=None):
    return build_rules(
        [NoCopy(sources=tuple(sources), own=own, size=size, repeat_size=repeat_size)]
    )[0]


def test_a_run_of_the_sources_is_banned_once_complete():
    r = rule(["the soft warm tee for spring"])

    assert copies(r, "a soft", "a soft warm", set()) is False  # "warm" may still grow
    assert copies(r, "a soft warm", "a soft warm tee", set()) is True
    assert copies(r, "a soft warm", "a soft warm wool", set()) is False


def test_the_first_letters_of_a_banned_last_word_are_banned_too():
    r = rule(["it is so soft and breathable"])

    assert copies(r, "very soft and", "very soft and breath", set()) is True
    assert copies(r, "very soft and", "very soft and warm", set()) is False


def test_runs_of_the_products_own_data_may_be_copied():
    r = rule(["the Tidewell Compass bag is here"], own="Tidewell Compass bag")

    assert copies(r, "a Tidewell Compass", "a Tidewell Compass bag.", set()) is False
    assert copies(r, "Compass bag is", "Compass bag is here.", set()) is True


def test_chinese_is_judged_character_by_character_whatever_the_tokens():
    r = rule(["穿着舒适透气"], size=4)

    assert copies(r, "面料穿着", "面料穿着舒适", set()) is True
    assert copies(r, "面料穿", "面料穿着", set()) is False
    assert copies(r, "面料", "面料穿着柔软", set()) is False


def test_a_row_may_not_repeat_a_run_it_wrote_unless_asked_to_allow_it():
    text = "soft warm tee. soft warm"
    strict = rule([])
    loose = rule([], repeat_size=0)

    # The last word may still grow: its run is not written yet.
    assert written_runs(strict, text) == {("soft", "warm", "tee"), ("warm", "tee", "soft")}
    assert copies(strict, text, text + " tee", written_runs(strict, text)) is True
    assert copies(loose, text, text + " tee", written_runs(loose, text)) is False


def test_punctuation_and_case_do_not_hide_a_copy():
    r = rule(["Soft, warm tee"])

    assert copies(r, "so soft warm", "so soft warm TEE", set()) is True


def test_the_processor_bans_copying_candidates_and_keeps_the_best_other():
    pieces = PieceTokenizer()
    guard = no_copy_processor(pieces, [NoCopy(sources=("soft warm cotton tee",), size=3)], 1)
    ids = torch.tensor([[0, pieces.id("soft"), pieces.id(" warm")]])
    scores = torch.zeros(1, len(pieces))
    scores[0, pieces.id(" cotton")] = 5.0
    scores[0, pieces.id(" wool")] = 4.0
    scores[0, pieces.id(" tee")] = 3.0

    out = guard(ids, scores.clone())

    assert out[0, pieces.id(" cotton")] == float("-inf")
    assert out[0, pieces.id(" wool")] == 4.0
    # Greedy needs one allowed candidate: the rest are not even looked at.
    assert out[0, pieces.id(" tee")] == 3.0


def test_a_sampling_row_has_its_best_k_candidates_checked():
    pieces = PieceTokenizer()
    guard = no_copy_processor(
        pieces, [NoCopy(sources=("soft warm cotton", "soft warm tee"), size=3)], 1, keep=3
    )
    ids = torch.tensor([[0, pieces.id("soft"), pieces.id(" warm")]])
    scores = torch.zeros(1, len(pieces))
    for rank, piece in enumerate([" cotton", " wool", " tee", ".", " soft"]):
        scores[0, pieces.id(piece)] = 10.0 - rank

    out = guard(ids, scores.clone())

    banned = {pieces.pieces[i] for i in (out[0] == float("-inf")).nonzero().flatten().tolist()}
    assert banned == {" cotton", " tee"}


def test_rows_without_a_rule_are_left_alone():
    pieces = PieceTokenizer()
    guard = no_copy_processor(pieces, [None, NoCopy(sources=("soft warm cotton",), size=3)], 1)
    ids = torch.tensor([[0, pieces.id("soft"), pieces.id(" warm")]] * 2)
    scores = torch.zeros(2, len(pieces))
    scores[:, pieces.id(" cotton")] = 5.0

    out = guard(ids, scores.clone())

    assert out[0, pieces.id(" cotton")] == 5.0
    assert out[1, pieces.id(" cotton")] == float("-inf")


def test_repeats_may_be_judged_on_shorter_runs_than_copies():
    r = rule(["a b c d e"], size=4, repeat_size=2)
    text = "soft warm tee, so"

    assert copies(r, text, text + "ft warm", written_runs(r, text)) is True
    assert copies(r, "x a b", "x a b c", set()) is False
    assert copies(r, "x a b c", "x a b c d", set()) is True


def test_own_facts_may_be_copied_once_but_only_the_name_repeated():
    r = build_rules(
        [NoCopy(own="易清洁 | Crew Tee", size=6, repeat_size=2, repeatable="Crew Tee")]
    )[0]
    text = "Crew Tee 易清洁。Crew Tee"

    assert copies(r, text, text + " is", written_runs(r, text)) is False
    assert copies(r, text + "，易", text + "，易清", written_runs(r, text + "，易")) is True


def test_no_unit_three_times_in_a_row():
    r = rule([], size=6, repeat_size=0)

    assert copies(r, "附附", "附附附", set()) is True
    assert copies(r, "the the", "the the the", set()) is True
    assert copies(r, "the the", "the thermal", set()) is False


def test_a_run_shorter_than_two_units_is_refused():
    with pytest.raises(ValueError, match="at least 2"):
        NoCopy(size=1)
    with pytest.raises(ValueError, match="at least 2"):
        NoCopy(repeat_size=1)


def test_greedy_text_of_a_real_model_copies_no_run_of_its_sources(
    use_generator, tiny_causal_lm_dir
):
    generator = use_generator(tiny_causal_lm_dir, quantization="int8")
    free = generator.generate_batch(["hello"], max_new_tokens=24, temperature=0)[0].text
    units = text_units(free)
    assert len(units) >= 4  # the tiny model writes words to copy from

    guarded = generator.generate_batch(
        ["hello"], max_new_tokens=24, temperature=0, no_copy=[NoCopy(sources=(free,), size=3)]
    )[0].text

    assert guarded != free
    assert not unit_ngrams(text_units(guarded), 3) & unit_ngrams(units, 3)
    with pytest.raises(LLMBadRequest, match="no_copy needs one"):
        generator.generate_batch(["a", "b"], max_new_tokens=2, no_copy=[None])
