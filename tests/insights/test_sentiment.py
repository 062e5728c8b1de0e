"""Reading labelled review files, the metrics, the lexicon baseline and the e5 head."""

from __future__ import annotations

import pytest

from insights.sentiment import (
    SentimentDataError,
    binary_labels,
    fit_sentiment_head,
    label_from_rating,
    lexicon_labels,
    predict_labels,
    read_labelled_reviews,
    sentiment_metrics,
)
from tests.insights.conftest import write_csv

pytestmark = pytest.mark.django_db


def test_binary_file_keeps_every_row(tmp_path):
    """A 0/1 file: every row kept with its label, in order; other columns are ignored."""
    path = write_csv(
        tmp_path / "binary.csv",
        [("books", 1, "Great read"), ("books", 0, "Dull and long"), ("toys", 1, "Fun")],
        header=("cat", "label", "review"),
    )

    reviews = read_labelled_reviews(path)

    assert reviews.texts == ["Great read", "Dull and long", "Fun"]
    assert reviews.labels == [1, 0, 1]
    assert reviews.scale == "binary"
    assert reviews.neutral == 0


def test_star_file_maps_ratings_and_drops_three_stars(tmp_path):
    """1-2 stars negative, 4-5 positive, 3 left out and counted."""
    rows = [("awful", 1), ("poor", 2), ("so-so", 3), ("good", 4), ("superb", 5), ("meh", "3")]
    path = write_csv(tmp_path / "stars.csv", rows)

    reviews = read_labelled_reviews(path)

    assert reviews.texts == ["awful", "poor", "good", "superb"]
    assert reviews.labels == [0, 0, 1, 1]
    assert reviews.scale == "stars"
    assert reviews.neutral == 2


def test_rating_and_scale_helpers():
    """label_from_rating and binary_labels decide per file, never mixing scales."""
    assert [label_from_rating(r) for r in (1, 2, 3, 4, 5)] == [0, 0, None, 1, 1]
    assert binary_labels([0, 1, 1]) == ([0, 1, 1], "binary")
    assert binary_labels([1, 5, 3]) == ([0, 1, None], "stars")
    with pytest.raises(ValueError, match="found 0"):
        binary_labels([0, 1, 5])
    with pytest.raises(ValueError, match="1 to 5"):
        label_from_rating(6)


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        (("body", "label"), [("nice", 1)], "needs a 'text' or 'review' column"),
        (("text", "stars"), [("nice", 1)], "needs a 'label' column"),
        (("text", "label"), [], "no rows after the header"),
        (("text", "label"), [("nice", 1), ("bad", "")], "row 2: a row needs a label"),
        (("text", "label"), [("nice", 1), ("bad", "neg")], "row 2: the label 'neg'"),
        (("text", "label"), [("nice", 1), ("bad", 0), ("ok", 7)], "found 7"),
        (("text", "label"), [("nice", 1), ("lovely", 1)], "found only positive"),
        (("text", "label"), [("so-so", 3), ("fine", 3)], "found only neutral ones"),
    ],
)
def test_bad_files_name_the_problem(tmp_path, header, rows, message):
    """Each unusable file is refused with its path and what is wrong with it."""
    path = write_csv(tmp_path / "bad.csv", rows, header=header)

    with pytest.raises(SentimentDataError, match=message) as caught:
        read_labelled_reviews(path)

    assert str(path) in str(caught.value)


def test_rows_without_text_are_skipped_and_counted(tmp_path):
    """A labelled row with an empty text is skipped, not an error; the count says so."""
    path = write_csv(tmp_path / "gaps.csv", [("nice", 1), ("", 0), ("bad", 0)])

    reviews = read_labelled_reviews(path)

    assert reviews.texts == ["nice", "bad"]
    assert reviews.labels == [1, 0]
    assert reviews.empty == 1


def test_missing_and_empty_files(tmp_path):
    """A missing file and an empty one are refused, naming the file."""
    with pytest.raises(SentimentDataError, match="no such file"):
        read_labelled_reviews(tmp_path / "missing.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(SentimentDataError, match="the file is empty"):
        read_labelled_reviews(empty)


def test_metrics_equal_hand_computed_values():
    """Accuracy 3/5; F1 negative 2/3, positive 2/3 (macro 2/3) on five hand-made labels."""
    metrics = sentiment_metrics([0, 0, 1, 1, 1], [0, 1, 1, 1, 0])

    assert metrics["accuracy"] == pytest.approx(3 / 5)
    # negative: precision 1/2, recall 1/2 -> 1/2; positive: precision 2/3, recall 2/3 -> 2/3.
    assert metrics["macro_f1"] == pytest.approx((1 / 2 + 2 / 3) / 2)


def test_lexicon_baseline_reads_english_and_chinese():
    """VADER answers English texts, SnowNLP Chinese ones; obvious texts get their class."""
    texts = [
        "I love it, wonderful and great",
        "Terrible, awful, I hate it",
        "质量很好，非常满意",
        "太差了，质量很烂，退货",
    ]

    assert lexicon_labels(texts) == [1, 0, 1, 0]


def test_head_separates_obvious_reviews(binary_rows):
    """Fitted on synthetic reviews, the head labels unseen obvious ones correctly."""
    texts, labels = zip(*binary_rows, strict=True)
    head, facts = fit_sentiment_head(list(texts), list(labels), chunk_size=16)

    predicted = predict_labels(
        head, ["Awful blender, it broke at once, waste of money", "Lovely blender, works great"]
    )

    assert predicted == [0, 1]
    assert head.labels == ("negative", "positive")
    assert facts["rows"] == 60
    assert (facts["negative"], facts["positive"]) == (30, 30)
