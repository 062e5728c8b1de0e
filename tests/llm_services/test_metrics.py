"""Expected values were computed with sacrebleu 2.6.0 (corpus_bleu, corpus_chrf) and
rouge-score 0.1.2 (RougeScorer(["rougeL"]) F-measure) on the same inputs."""

import math

import pytest

from llm_services.training.metrics import (
    bleu_tokens,
    corpus_bleu,
    corpus_chrf,
    generation_scores,
    mean_rouge_l,
    perplexity,
    retrieval_scores,
    rouge_l,
    rouge_tokens,
)

EN_HYPOTHESIS, EN_REFERENCE = "The cat sat on the mat.", "The cat sat on the red mat."
ZH_HYPOTHESIS, ZH_REFERENCE = "这款夹克很保暖。", "这款羊毛夹克非常保暖。"


def test_bleu_tokens_follow_mteval_13a():
    """Punctuation splits off, except apostrophes, inner hyphens and separators in numbers."""
    assert bleu_tokens("It's 3.5 kg, USD $49.99 (light) e-mail 12,000 - 2-pack.") == [
        *["It's", "3.5", "kg", ",", "USD", "$", "49.99", "(", "light", ")"],
        *["e-mail", "12,000", "-", "2", "-", "pack", "."],
    ]


def test_chinese_bleu_tokens_are_characters():
    """Chinese is tokenised character by character; Latin runs inside stay words."""
    assert bleu_tokens("这款USB-C充电器，3.5 kg！", language="zh-hans") == [
        *["这", "款", "USB-C", "充", "电", "器", "，", "3.5", "kg", "！"]
    ]


def test_bleu_matches_sacrebleu():
    """English with 13a tokens, Chinese with character tokens, as sacreBLEU scores them."""
    assert corpus_bleu([EN_HYPOTHESIS], [EN_REFERENCE]) == pytest.approx(61.29752413741059)
    assert corpus_bleu([ZH_HYPOTHESIS], [ZH_REFERENCE], languages=["zh-hans"]) == pytest.approx(
        20.765589178061216
    )


def test_chinese_scored_as_english_would_be_zero():
    """Without character tokens a whole Chinese sentence is one token: BLEU says nothing."""
    assert corpus_bleu([ZH_HYPOTHESIS], [ZH_REFERENCE], languages=["en"]) == 0.0


def test_bleu_smooths_orders_without_a_match():
    """An order with no matching n-gram counts as half a match (sacreBLEU "exp" smoothing)."""
    score = corpus_bleu(
        ["warm soft wool jacket for winter"], ["soft wool jacket , warm for cold winter"]
    )

    assert score == pytest.approx(25.745264623946035)


def test_bleu_of_a_hypothesis_shorter_than_four_tokens_is_zero():
    """No 4-grams at all: BLEU-4 is 0 even for an exact match."""
    assert corpus_bleu(["warm jacket"], ["warm jacket"]) == 0.0


def test_chrf_matches_sacrebleu():
    """chrF per item and over a corpus (statistics summed, not scores averaged)."""
    assert corpus_chrf([EN_HYPOTHESIS], [EN_REFERENCE]) == pytest.approx(72.53319821884638)
    assert corpus_chrf([ZH_HYPOTHESIS], [ZH_REFERENCE]) == pytest.approx(20.296285044609423)
    assert corpus_chrf(
        [EN_HYPOTHESIS, ZH_HYPOTHESIS], [EN_REFERENCE, ZH_REFERENCE]
    ) == pytest.approx(57.02730078495273)


def test_rouge_l_matches_rouge_score_for_english():
    """Lower-cased alphanumeric tokens, LCS F1."""
    assert rouge_tokens("It's 3.5 KG!") == ["it", "s", "3", "5", "kg"]
    assert rouge_l(EN_HYPOTHESIS, EN_REFERENCE) == pytest.approx(92.3076923076923)


def test_rouge_l_scores_chinese_by_characters():
    """这款夹克保暖 is the common subsequence: P = 6/7, R = 6/10, F1 = 12/17."""
    assert rouge_l(ZH_HYPOTHESIS, ZH_REFERENCE) == pytest.approx(100 * 12 / 17)


def test_mean_rouge_l_averages_items_and_handles_empty_text():
    """An empty hypothesis scores 0 and counts in the mean."""
    assert mean_rouge_l(["", EN_HYPOTHESIS], [EN_REFERENCE, EN_REFERENCE]) == pytest.approx(
        92.3076923076923 / 2
    )


def test_generation_scores_round_to_two_decimals():
    """A mixed set: each item tokenised for its language, n-gram counts summed over the set
    (sacreBLEU gives 36.613 on the same items pre-tokenised with 13a and zh)."""
    assert generation_scores(
        [EN_HYPOTHESIS, ZH_HYPOTHESIS], [EN_REFERENCE, ZH_REFERENCE], languages=["en", "zh-hans"]
    ) == {"bleu4": 36.61, "rouge_l": 81.45, "chrf": 57.03, "items": 2}


def test_mismatched_lengths_are_refused():
    with pytest.raises(ValueError, match="one reference per hypothesis"):
        corpus_bleu(["a"], ["a", "b"])


def test_perplexity_is_exp_of_the_mean_negative_log_likelihood():
    """exp(total / tokens); no tokens gives infinity."""
    assert perplexity(2 * math.log(4), 2) == pytest.approx(4.0)
    assert perplexity(0.0, 0) == math.inf


def test_retrieval_scores():
    """Recall@k shares relevant documents found in the top k; MRR@k the first one's rank."""
    scores = retrieval_scores([[3, 1, 2], [5, 4, 0], [9, 8, 7]], [{1, 2}, {4}, {0}], k=2)

    assert scores == {"recall@2": round((0.5 + 1 + 0) / 3, 4), "mrr@2": 0.3333, "queries": 3}
