"""Training from the shop's reviews (and a public file), versions, serving and the commands."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from insights import selectors, services
from llm_services.models import ModelVersion
from tests.factories import ReviewFactory
from tests.insights.conftest import NEGATIVE, POSITIVE, reviews, write_csv

pytestmark = pytest.mark.django_db


def store_reviews() -> None:
    """30 five-star, 30 one- or two-star and 5 three-star reviews of one product."""
    first = ReviewFactory(rating=5, title="Love it", text=reviews(POSITIVE)[0])
    for text in reviews(POSITIVE)[1:]:
        ReviewFactory(product=first.product, rating=5, title="Love it", text=text)
    for index, text in enumerate(reviews(NEGATIVE)):
        ReviewFactory(product=first.product, rating=1 + index % 2, title="Bad", text=text)
    for _ in range(5):
        ReviewFactory(product=first.product, rating=3, title="Okay", text="It is a kettle.")


def test_training_rows_map_stars_and_leave_out_three():
    """1-2 stars negative, 4-5 positive, 3-star reviews left out; title then text."""
    store_reviews()

    texts, labels = selectors.review_training_rows()

    assert len(texts) == 60
    assert labels.count(1) == 30
    assert labels.count(0) == 30
    assert texts[0] == f"Love it\n{reviews(POSITIVE)[0]}"


def test_training_stores_an_active_version_with_metrics():
    """One call stores a ``sentiment`` version, activates it and records held-out figures."""
    store_reviews()

    report = services.train_sentiment_classifier()

    version = ModelVersion.objects.get(alias="sentiment")
    assert version.is_active is True
    assert version.name == report.version
    assert version.kind == "classifier"
    assert version.task == "insights"
    held_out = version.metrics["after"]
    assert held_out["held_out_rows"] == 12
    assert 0.0 <= held_out["held_out_accuracy"] <= 1.0
    assert 0.0 <= held_out["held_out_macro_f1"] <= 1.0
    assert version.training["rows"] == 60
    assert version.training["shop_rows"] == 60
    assert (report.shop_rows, report.public_rows) == (60, 0)


def test_served_version_labels_obvious_reviews():
    """The active version serves review_sentiments; before training there is none."""
    assert selectors.review_sentiments(["great"]) is None
    store_reviews()
    report = services.train_sentiment_classifier()

    predictions = selectors.review_sentiments(
        ["Awful blender, it broke at once, waste of money", "Lovely blender, works great"]
    )

    assert [p.label for p in predictions] == ["negative", "positive"]
    assert predictions[0].positive_probability < 0.5 < predictions[1].positive_probability
    assert {p.version for p in predictions} == {report.version}


def test_a_version_stored_without_activation_is_not_served():
    """--no-activate stores a version and leaves nothing served."""
    store_reviews()

    report = services.train_sentiment_classifier(activate=False)

    assert ModelVersion.objects.get(name=report.version).is_active is False
    assert selectors.review_sentiments(["great"]) is None


def test_public_file_adds_rows(tmp_path, binary_rows):
    """A public 0/1 file trains alongside the shop's reviews; public_limit samples N of it."""
    store_reviews()
    public = write_csv(tmp_path / "public.csv", binary_rows)

    report = services.train_sentiment_classifier(public_csv=public, public_limit=20)

    assert (report.rows, report.shop_rows, report.public_rows) == (80, 60, 20)
    assert report.facts["public_file"] == "public.csv"


def test_training_needs_both_classes(tmp_path):
    """Only positive reviews: refused, and no version is stored."""
    for text in reviews(POSITIVE)[:5]:
        ReviewFactory(rating=5, text=text)

    with pytest.raises(services.SentimentTrainingError, match="Need negative"):
        services.train_sentiment_classifier()

    assert not ModelVersion.objects.exists()


def test_train_command_reports_json(tmp_path, binary_rows):
    """train_sentiment --public-only --json stores an active version and prints its report."""
    public = write_csv(tmp_path / "public.csv", binary_rows)
    out = StringIO()

    call_command("train_sentiment", "--public", str(public), "--public-only", "--json", stdout=out)

    report = json.loads(out.getvalue().strip().splitlines()[-1])
    assert report["activated"] is True
    assert (report["rows"], report["shop_rows"], report["public_rows"]) == (60, 0, 60)
    assert ModelVersion.objects.get(is_active=True, alias="sentiment").name == report["version"]


def test_train_command_refuses_a_bad_public_file(tmp_path):
    """A public file without a label column is a CommandError naming it; nothing is stored."""
    bad = write_csv(tmp_path / "bad.csv", [("nice",)], header=("text",))

    with pytest.raises(CommandError, match="needs a 'label' column"):
        call_command("train_sentiment", "--public", str(bad), stdout=StringIO())

    assert not ModelVersion.objects.exists()


def test_eval_sentiment_prints_both_scores_as_json(tmp_path, binary_rows):
    """The last line is JSON with baseline and served accuracy and macro-F1."""
    train = write_csv(tmp_path / "train.csv", binary_rows)
    stars = [("Lovely blender, works great", 5), ("Awful blender, broke at once", 1)]
    test = write_csv(tmp_path / "test.csv", [*stars, ("It is a blender", 3)], ("review", "label"))
    out = StringIO()

    call_command("eval_sentiment", "--train", str(train), "--test", str(test), stdout=out)

    result = json.loads(out.getvalue().strip().splitlines()[-1])
    for name in ("baseline", "served"):
        assert set(result[name]) == {"accuracy", "macro_f1"}
        assert 0.0 <= result[name]["accuracy"] <= 1.0
    assert result["served"]["accuracy"] == 1.0
    assert (result["train_rows"], result["test_rows"]) == (60, 2)
    assert not ModelVersion.objects.exists()


def test_eval_sentiment_refuses_bad_files(tmp_path, binary_rows):
    """A test file with labels of no known scale is a CommandError naming the file."""
    train = write_csv(tmp_path / "train.csv", binary_rows)
    test = write_csv(tmp_path / "test.csv", [("fine", 1), ("bad", 0), ("odd", 9)])

    with pytest.raises(CommandError, match=r"test\.csv: labels must be 0/1 or 1-5 stars"):
        call_command("eval_sentiment", "--train", str(train), "--test", str(test))
