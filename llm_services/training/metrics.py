"""Scores for generated text and retrieval, written out so they need no extra package.

Generation metrics follow the usual reference implementations, so figures compare with
published ones:

- BLEU-4: corpus BLEU as sacreBLEU computes it by default (n-grams up to 4, brevity penalty,
  "exp" smoothing of orders without a match); text tokenised with the mteval-v13a rules, and
  Chinese items with every CJK character as a token (sacreBLEU's ``zh`` tokeniser).
- ROUGE-L: the mean over items of the LCS F1 on lower-cased alphanumeric tokens (as the
  ``rouge-score`` package tokenises English), with every CJK character a token of its own
  (``rouge-score`` drops them, which scores Chinese as empty).
- chrF: sacreBLEU's default chrF (character n-grams 1-6, beta 2, whitespace ignored,
  statistics summed over the corpus); characters are characters in any language.

All three are on a 0-100 scale. Perplexity is exp of the mean negative log-likelihood per
target token.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from common.text import HAN_CLASS

BLEU_ORDER = 4
CHRF_ORDER = 6
CHRF_BETA = 2.0

# Blocks sacreBLEU's zh tokeniser treats as Chinese: ideographs, CJK and full-width
# punctuation, radicals, strokes, bopomofo and a few symbol blocks.
_CJK_RANGES = (
    "\u3400-\u4db5\u4e00-\u9fbb\uf900-\ufa2d\ufa30-\ufa6a\ufa70-\ufad9\uff00-\uffef"
    "\u2e80-\u2eff\u3000-\u303f\u31c0-\u31ef\u2f00-\u2fdf\u2ff0-\u2fff\u3100-\u312f"
    "\u31a0-\u31bf\ufe10-\ufe1f\ufe30-\ufe4f\u2600-\u26ff\u2700-\u27bf\u3200-\u32ff"
    "\u3300-\u33ff\U00020000-\U0002a6d6\U0002f800-\U0002fa1d"
)
_CJK_CHAR = re.compile(f"([{_CJK_RANGES}])")

# mteval-v13a: punctuation and symbols become tokens; periods and commas too unless they sit
# between digits; a dash after a digit is split off.
_V13A_RULES = (
    (re.compile(r"([\{-\~\[-\` -\&\(-\+\:-\@\/])"), r" \1 "),
    (re.compile(r"([^0-9])([\.,])"), r"\1 \2 "),
    (re.compile(r"([\.,])([^0-9])"), r" \1 \2"),
    (re.compile(r"([0-9])(-)"), r"\1 \2 "),
)
_ROUGE_TOKEN = re.compile(f"[a-z0-9]+|[{HAN_CLASS}]")


def is_chinese(language: str) -> bool:
    return language.lower().startswith("zh")


def bleu_tokens(text: str, *, language: str = "en") -> list[str]:
    """Tokens BLEU counts: mteval-v13a rules; for Chinese, each CJK character alone first."""
    if is_chinese(language):
        text = _CJK_CHAR.sub(r" \1 ", text.strip())
    else:
        text = text.replace("-\n", "").replace("\n", " ")
        for entity, char in (("&quot;", '"'), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">")):
            text = text.replace(entity, char)
        text = f" {text} "
    for pattern, replacement in _V13A_RULES:
        text = pattern.sub(replacement, text)
    return text.split()


def rouge_tokens(text: str) -> list[str]:
    """Lower-cased runs of ASCII letters and digits, and single CJK characters."""
    return _ROUGE_TOKEN.findall(text.lower())


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _languages(languages: Sequence[str] | None, count: int) -> Sequence[str]:
    if languages is None:
        return ["en"] * count
    if len(languages) != count:
        raise ValueError("Give one language per item.")
    return languages


def _check_pairs(hypotheses: Sequence[str], references: Sequence[str]) -> None:
    if len(hypotheses) != len(references):
        raise ValueError("Give one reference per hypothesis.")


def corpus_bleu(
    hypotheses: Sequence[str], references: Sequence[str], *, languages: Sequence[str] | None = None
) -> float:
    """Corpus BLEU-4 (0-100) of ``hypotheses`` against one reference each.

    Args:
        hypotheses: generated texts.
        references: the expected texts, in the same order.
        languages: the language of each item ("en", "zh-hans"...); Chinese items are
            tokenised by character. Default: all English.
    """
    _check_pairs(hypotheses, references)
    languages = _languages(languages, len(hypotheses))
    correct = [0] * BLEU_ORDER
    total = [0] * BLEU_ORDER
    hypothesis_length = reference_length = 0
    for hypothesis, reference, language in zip(hypotheses, references, languages, strict=True):
        hyp = bleu_tokens(hypothesis, language=language)
        ref = bleu_tokens(reference, language=language)
        hypothesis_length += len(hyp)
        reference_length += len(ref)
        for n in range(1, BLEU_ORDER + 1):
            hyp_ngrams, ref_ngrams = _ngrams(hyp, n), _ngrams(ref, n)
            correct[n - 1] += sum(min(c, ref_ngrams[g]) for g, c in hyp_ngrams.items())
            total[n - 1] += max(0, len(hyp) - n + 1)
    if not any(correct):
        return 0.0
    if hypothesis_length < reference_length:
        brevity = math.exp(1 - reference_length / hypothesis_length)
    else:
        brevity = 1.0
    log_sum = 0.0
    halvings = 1.0
    for n in range(BLEU_ORDER):
        if total[n] == 0:
            # No n-grams of this order at all (every hypothesis is shorter): BLEU is 0.
            return 0.0
        if correct[n] == 0:
            # sacreBLEU "exp" smoothing: 1/2, 1/4, ... of a match for each empty order.
            halvings *= 2
            precision = 1.0 / (halvings * total[n])
        else:
            precision = correct[n] / total[n]
        log_sum += math.log(precision)
    return 100.0 * brevity * math.exp(log_sum / BLEU_ORDER)


def _lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    if len(a) < len(b):
        a, b = b, a
    previous = [0] * (len(b) + 1)
    for token in a:
        current = [0]
        for j, other in enumerate(b, start=1):
            current.append(previous[j - 1] + 1 if token == other else max(previous[j], current[-1]))
        previous = current
    return previous[-1]


def rouge_l(hypothesis: str, reference: str) -> float:
    """ROUGE-L F1 (0-100) of one hypothesis against its reference."""
    hyp, ref = rouge_tokens(hypothesis), rouge_tokens(reference)
    if not hyp or not ref:
        return 0.0
    lcs = _lcs_length(hyp, ref)
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(hyp), lcs / len(ref)
    return 100.0 * 2 * precision * recall / (precision + recall)


def mean_rouge_l(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """The mean ROUGE-L F1 (0-100) over items."""
    _check_pairs(hypotheses, references)
    if not hypotheses:
        return 0.0
    scores = [rouge_l(h, r) for h, r in zip(hypotheses, references, strict=True)]
    return sum(scores) / len(scores)


def corpus_chrf(hypotheses: Sequence[str], references: Sequence[str]) -> float:
    """Corpus chrF (0-100): character 1- to 6-gram F-beta (beta 2), whitespace ignored."""
    _check_pairs(hypotheses, references)
    stats = [[0, 0, 0] for _ in range(CHRF_ORDER)]  # per order: hypothesis, reference, match
    for hypothesis, reference in zip(hypotheses, references, strict=True):
        hyp, ref = "".join(hypothesis.split()), "".join(reference.split())
        for n in range(1, CHRF_ORDER + 1):
            hyp_ngrams, ref_ngrams = _ngrams(hyp, n), _ngrams(ref, n)  # type: ignore[arg-type]
            # A reference too short for order n does not penalise the hypothesis (sacreBLEU).
            stats[n - 1][0] += sum(hyp_ngrams.values()) if ref_ngrams else 0
            stats[n - 1][1] += sum(ref_ngrams.values())
            stats[n - 1][2] += sum(min(c, ref_ngrams[g]) for g, c in hyp_ngrams.items())
    # Precision and recall are averaged over the orders both sides have, then combined.
    precisions, recalls = [], []
    for hyp_count, ref_count, matches in stats:
        if hyp_count > 0 and ref_count > 0:
            precisions.append(matches / hyp_count)
            recalls.append(matches / ref_count)
    if not precisions:
        return 0.0
    precision, recall = sum(precisions) / len(precisions), sum(recalls) / len(recalls)
    if precision + recall == 0:
        return 0.0
    factor = CHRF_BETA**2
    return 100.0 * (1 + factor) * precision * recall / (factor * precision + recall)


def perplexity(negative_log_likelihood: float, token_count: int) -> float:
    """exp(total negative log-likelihood / tokens); inf for no tokens."""
    if token_count <= 0:
        return math.inf
    return math.exp(negative_log_likelihood / token_count)


def generation_scores(
    hypotheses: Sequence[str], references: Sequence[str], *, languages: Sequence[str]
) -> dict[str, float | int]:
    """BLEU-4, ROUGE-L and chrF of a set of generations, rounded to 2 decimals."""
    return {
        "bleu4": round(corpus_bleu(hypotheses, references, languages=languages), 2),
        "rouge_l": round(mean_rouge_l(hypotheses, references), 2),
        "chrf": round(corpus_chrf(hypotheses, references), 2),
        "items": len(hypotheses),
    }


def retrieval_scores(
    rankings: Iterable[Sequence[int]], relevant: Iterable[set[int]], *, k: int = 10
) -> dict[str, float | int]:
    """Recall@k and MRR@k (0-1, 4 decimals) of ranked document ids against relevant ids.

    Recall@k is the share of a query's relevant documents in its top k, averaged over queries;
    MRR@k is the mean of 1/rank of the first relevant document in the top k (0 when none).
    """
    recalls, reciprocal_ranks = [], []
    for ranking, wanted in zip(rankings, relevant, strict=True):
        if not wanted:
            continue
        top = list(ranking[:k])
        recalls.append(len(wanted.intersection(top)) / len(wanted))
        first = next((rank for rank, doc in enumerate(top, start=1) if doc in wanted), None)
        reciprocal_ranks.append(1.0 / first if first else 0.0)
    if not recalls:
        return {f"recall@{k}": 0.0, f"mrr@{k}": 0.0, "queries": 0}
    return {
        f"recall@{k}": round(sum(recalls) / len(recalls), 4),
        f"mrr@{k}": round(sum(reciprocal_ranks) / len(reciprocal_ranks), 4),
        "queries": len(recalls),
    }
