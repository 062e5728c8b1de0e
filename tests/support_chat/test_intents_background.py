"""Background out-of-scope messages ("outlier exposure") for the intent head (issue #16).

They are added when the training rows have no out-of-scope example (``background_for``).
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from support_chat.intents import (
    BACKGROUND_FILE,
    EmbeddingCache,
    background_examples,
    background_for,
    fit_intent_head,
    predict,
)
from tests.support_chat.conftest import FAR_AWAY, INTENTS, write_csv

pytestmark = pytest.mark.django_db

# Off-topic for the test shop (track, refund, greet), plus one greeting that the shop's own
# "greet" intent covers and one text that is also a training row.
BACKGROUND = [
    "what is the capital of australia",
    "solve the equation three x plus five equals twenty",
    "write a poem about autumn leaves",
    "how do volcanoes form",
    "what is the speed of light in a vacuum",
    "hello there friend, nice to meet you",
    INTENTS["track"][0],
]


def test_background_examples_reads_both_languages_once(tmp_path):
    """English then Chinese, stripped, each text once; empty entries are skipped."""
    path = tmp_path / "background.yaml"
    path.write_text(
        'en:\n  - " how old are you "\n  - "lol"\n  - "lol"\n  - ""\n'
        'zh:\n  - 你几岁了\n  - "lol"\n',
        encoding="utf-8",
    )

    assert background_examples(path) == ["how old are you", "lol", "你几岁了"]


def test_project_background_file_has_both_languages():
    """The shipped file: 305 distinct messages, English and Chinese, all of them text."""
    texts = background_examples(BACKGROUND_FILE)

    assert len(texts) == 305
    assert len(set(texts)) == 305
    assert "how old are you" in texts
    assert "你几岁了" in texts
    # YAML would read a bare yes/no as a boolean; the file quotes them.
    assert {"yes", "no"} <= set(texts)


def test_background_rows_join_the_out_of_scope_class(train_rows):
    """Off-topic background texts become out-of-scope rows; a greeting the shop knows does not.

    The greeting is taken for the shop's own "greet" intent by the head fitted without
    background, so it is left out; the training text is never offered.
    """
    texts, labels = zip(*train_rows, strict=True)
    cache = EmbeddingCache()

    head, facts = fit_intent_head(
        texts, labels, oos_label="oos", cache=cache, background=BACKGROUND
    )
    far, known, hello = predict(
        head, [FAR_AWAY, "where is my parcel right now", "hello there"], cache=cache
    )

    assert facts["background_offered"] == 6
    assert facts["background_rows"] == 5
    assert facts["rows"] == 24
    assert facts["oos_rows"] == 0
    assert 0.0 < facts["background_cut"] < 1.0
    assert head.labels == ("greet", "oos", "refund", "track")
    assert (far.label, far.out_of_scope) == ("oos", True)
    assert (known.label, known.out_of_scope) == ("track", False)
    assert (hello.label, hello.out_of_scope) == ("greet", False)


def test_without_background_the_head_has_no_out_of_scope_class(train_rows):
    """No background texts: the same fit as before, and the facts say so."""
    texts, labels = zip(*train_rows, strict=True)

    head, facts = fit_intent_head(texts, labels, oos_label="oos", cache=EmbeddingCache())

    assert "oos" not in head.labels
    assert "background_rows" not in facts


def test_background_all_in_scope_keeps_the_plain_head(train_rows):
    """When every background text looks in scope, none is added and the plain head is kept."""
    texts, labels = zip(*train_rows, strict=True)

    head, facts = fit_intent_head(
        texts,
        labels,
        oos_label="oos",
        cache=EmbeddingCache(),
        background=["track my package please now", INTENTS["refund"][0]],
    )

    assert facts["background_offered"] == 1
    assert facts["background_rows"] == 0
    assert "oos" not in head.labels


def test_background_for_adds_the_file_only_without_out_of_scope_rows(tmp_path):
    """auto: only when no row is out of scope; on and off regardless; other modes refused."""
    path = tmp_path / "background.yaml"
    path.write_text("en: [how old are you]\nzh: [你几岁了]\n", encoding="utf-8")
    without_oos, with_oos = ["track", "refund"], ["track", "oos"]
    both = ["how old are you", "你几岁了"]

    assert background_for(without_oos, oos_label="oos", path=path) == both
    assert background_for(with_oos, oos_label="oos", path=path) == []
    assert background_for(with_oos, oos_label="oos", mode="on", path=path) == both
    assert background_for(without_oos, oos_label="oos", mode="off", path=path) == []
    with pytest.raises(ValueError, match="auto, on, off"):
        background_for(without_oos, oos_label="oos", mode="sometimes", path=path)


def _eval(train, test, *extra):
    out = StringIO()
    call_command("eval_intents", "--train", str(train), "--test", str(test), *extra, stdout=out)
    return out.getvalue().splitlines()


def test_eval_intents_adds_the_background_to_a_file_without_out_of_scope_rows(tmp_path, train_rows):
    """By default a training file without oos rows gets the project's 305 background
    messages; --background off trains without them; a file with oos rows keeps its own."""
    train = write_csv(tmp_path / "train.csv", train_rows)
    with_oos = write_csv(tmp_path / "with_oos.csv", [*train_rows, ("lorem ipsum dolor", "oos")])
    test = write_csv(tmp_path / "test.csv", [(FAR_AWAY, "oos"), (INTENTS["refund"][1], "refund")])

    auto, off = _eval(train, test), _eval(train, test, "--background", "off")
    own = _eval(with_oos, test)

    assert " of 305" in auto[0]
    assert "background rows 0 of 0" in off[0]
    assert "background rows 0 of 0" in own[0]
    for lines in (auto, off):
        figures = json.loads(lines[-1])
        assert figures["accuracy"] == 1.0
        assert figures["oos_recall"] == 1.0
