"""The intent head, its metrics and ``manage.py eval_intents`` on synthetic CSVs."""

from __future__ import annotations

import json
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from support_chat.intents import (
    EmbeddingCache,
    fit_intent_head,
    intent_metrics,
    predict,
    read_labelled_csv,
)
from tests.support_chat.conftest import FAR_AWAY, INTENTS, write_csv

# The llm handler looks up active model versions in the database (switched on by conftest).
pytestmark = pytest.mark.django_db


def test_metrics_equal_hand_computed_values():
    """Five hand-made predictions: every figure is the value worked out by hand."""
    truth = ["a", "a", "b", "oos", "oos"]
    predicted = ["a", "b", "b", "oos", "a"]

    metrics = intent_metrics(truth, predicted, oos_label="oos")

    assert metrics["accuracy"] == pytest.approx(3 / 5)
    assert metrics["inscope_accuracy"] == pytest.approx(2 / 3)
    assert metrics["oos_recall"] == pytest.approx(1 / 2)
    # F1: a = 0.5, b = 2/3, oos = 2/3.
    assert metrics["macro_f1"] == pytest.approx(11 / 18)
    # (c*s - sum p_k t_k) / sqrt((s^2 - sum p_k^2)(s^2 - sum t_k^2)) = (15 - 8) / 16.
    assert metrics["mcc"] == pytest.approx(7 / 16)


def test_metrics_without_out_of_scope_rows_have_no_recall():
    """A test set with no out-of-scope rows has no out-of-scope recall (None, not 0)."""
    metrics = intent_metrics(["a", "b"], ["a", "a"], oos_label="oos")

    assert metrics["oos_recall"] is None
    assert metrics["inscope_accuracy"] == pytest.approx(0.5)


def test_out_of_scope_detected_without_examples(train_rows):
    """Trained on in-scope rows only, a far-away text is out of scope and known ones are not."""
    texts, labels = zip(*train_rows, strict=True)
    head, facts = fit_intent_head(texts, labels, oos_label="oos", cache=EmbeddingCache())

    far, known = predict(head, [FAR_AWAY, "where is my parcel right now"], cache=EmbeddingCache())

    assert facts["oos_rows"] == 0
    assert facts["folds"] == 5
    assert "oos" not in head.labels
    assert far.out_of_scope is True
    assert far.label == "oos"
    assert known.out_of_scope is False
    assert known.label == "track"


def test_one_example_intent_keeps_the_out_of_scope_cut(train_rows):
    """An intent with a single example no longer switches out-of-scope detection off.

    Cross-validation cannot hold out the only row of a label; it stays in every training
    fold, the cut comes from the labels with two rows or more, and the head knows all four.
    """
    rows = [*train_rows, ("i want to speak to a human agent", "agent")]
    texts, labels = zip(*rows, strict=True)

    head, facts = fit_intent_head(texts, labels, oos_label="oos", cache=EmbeddingCache())
    far, known = predict(head, [FAR_AWAY, "where is my parcel right now"], cache=EmbeddingCache())

    assert "agent" in head.labels
    assert facts["single_example_labels"] == 1
    assert facts["folds"] == 5
    assert facts["oos_threshold"] > 0.0
    assert far.out_of_scope is True
    assert known.out_of_scope is False
    assert known.label == "track"


def test_out_of_scope_rows_become_a_class(train_rows):
    """With out-of-scope training rows, the head has an out-of-scope class of its own."""
    rows = [*train_rows, *[(f"recipe for {dish}", "oos") for dish in ("soup", "cake", "bread")]]
    texts, labels = zip(*rows, strict=True)

    head, facts = fit_intent_head(texts, labels, oos_label="oos", cache=EmbeddingCache())
    (prediction,) = predict(head, ["a recipe for pancakes"], cache=EmbeddingCache())

    assert facts["oos_rows"] == 3
    assert facts["folds"] == 3
    assert "oos" in head.labels
    assert prediction.out_of_scope is True


def test_eval_intents_prints_the_figures(tmp_path, train_rows):
    """The last line is the JSON of the six figures; test rows repeat training phrasings."""
    train = write_csv(tmp_path / "train.csv", train_rows)
    test_rows = [(INTENTS["track"][0], "track"), (INTENTS["greet"][1], "greet"), (FAR_AWAY, "oos")]
    test = write_csv(tmp_path / "test.csv", test_rows)
    out = StringIO()

    call_command("eval_intents", "--train", str(train), "--test", str(test), stdout=out)

    figures = json.loads(out.getvalue().strip().splitlines()[-1])
    assert list(figures) == [
        "accuracy",
        "inscope_accuracy",
        "oos_recall",
        "macro_f1",
        "mcc",
        "train_seconds",
    ]
    assert figures["accuracy"] == 1.0
    assert figures["inscope_accuracy"] == 1.0
    assert figures["oos_recall"] == 1.0
    assert figures["macro_f1"] == 1.0
    assert figures["mcc"] == 1.0
    assert figures["train_seconds"] >= 0


def test_eval_intents_json_prints_one_line(tmp_path, train_rows):
    """--json prints the figures and nothing else; --oos-label names the out-of-scope label."""
    train = write_csv(tmp_path / "train.csv", train_rows)
    test = write_csv(tmp_path / "test.csv", [(FAR_AWAY, "none"), (INTENTS["refund"][2], "refund")])
    out = StringIO()

    call_command(
        "eval_intents",
        "--train",
        str(train),
        "--test",
        str(test),
        "--oos-label",
        "none",
        "--json",
        stdout=out,
    )

    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["oos_recall"] == 1.0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("", "the file is empty"),
        ("text\nwhere is my parcel\n", "needs two columns (text, label); the header has 1"),
        ("text,intent\n", "no rows after the header"),
        ("text,intent\nwhere is my parcel,\n", "line 2: a row needs a text and a label"),
    ],
)
def test_eval_intents_rejects_bad_csv(tmp_path, train_rows, content, message):
    """A missing, empty, one-column, header-only or incomplete file is a CommandError."""
    train = write_csv(tmp_path / "train.csv", train_rows)
    test = tmp_path / "test.csv"
    if content is not None:
        test.write_text(content, encoding="utf-8")

    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("eval_intents", "--train", str(train), "--test", str(test), "--json")


def test_eval_intents_needs_two_inscope_labels(tmp_path):
    """A training file with a single in-scope label cannot train a classifier."""
    train = write_csv(tmp_path / "train.csv", [("hello", "greet"), ("recipe", "oos")])

    with pytest.raises(CommandError, match="at least two in-scope labels"):
        call_command("eval_intents", "--train", str(train), "--test", str(train), "--json")


def test_read_labelled_csv_keeps_extra_columns_out(tmp_path):
    """Only the first two columns count; a BOM and blank lines are ignored."""
    path = tmp_path / "data.csv"
    path.write_text("\ufefftext,label,source\nhi,greet,x\n\nbye,greet,y\n", encoding="utf-8")

    assert read_labelled_csv(path) == (["hi", "bye"], ["greet", "greet"])


def _head(labels, oos_threshold=0.4, clarify_threshold=0.6):
    from llm_services.heads import LogisticHead
    from llm_services.training import OpenSetHead

    size = len(labels)
    weights = np.eye(size, dtype=np.float32)
    logistic = LogisticHead(weights=weights, bias=np.zeros(size, np.float32), labels=labels)
    return OpenSetHead(logistic, "oos", oos_threshold, clarify_threshold)


def test_open_set_head_thresholds_and_its_own_class(tmp_path):
    """Below the lower threshold: out of scope; between the two: clarify; an oos class wins."""
    head = _head(("a", "b", "c"))
    vectors = np.array([[0, 0, 0], [np.log(2), 0, 0], [0, np.log(18), 0]], dtype=np.float32)

    far, unsure, sure = head.predict_vectors(vectors)

    assert (far.label, far.out_of_scope, far.clarify) == ("oos", True, False)
    assert far.confidence == pytest.approx(1 / 3, abs=1e-5)
    assert (unsure.label, unsure.out_of_scope, unsure.clarify) == ("a", False, True)
    assert unsure.confidence == pytest.approx(0.5, abs=1e-5)
    assert (sure.label, sure.out_of_scope, sure.clarify) == ("b", False, False)
    assert sure.confidence == pytest.approx(0.9, abs=1e-5)

    with_class = _head(("a", "b", "oos"))
    (claimed,) = with_class.predict_vectors(np.array([[0, 0, np.log(18)]], dtype=np.float32))
    assert (claimed.label, claimed.out_of_scope) == ("oos", True)
    assert claimed.confidence == pytest.approx(0.05, abs=1e-5)

    head.save(tmp_path / "head.npz")
    loaded = type(head).load(tmp_path / "head.npz")
    assert (loaded.oos_threshold, loaded.clarify_threshold) == pytest.approx((0.4, 0.6))
    assert loaded.predict_vectors(vectors) == [far, unsure, sure]
