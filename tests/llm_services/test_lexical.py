"""The lexical head (character n-gram TF-IDF + logistic) and its place in the open-set head."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from llm_services import LLMBadRequest
from llm_services.heads import LogisticHead
from llm_services.lexical import LexicalHead, train_lexical_head
from llm_services.open_set import OpenSetHead, OpenSetSettings, train_open_set_head

ROWS = {
    "refund": ["i want a refund", "refund my order", "how do refunds work", "我要退款", "退款多久"],
    "track": ["where is my parcel", "track my order", "parcel not delivered", "快递到哪", "查物流"],
    "greet": ["hello", "hi there", "good morning", "你好", "早上好"],
}
TEXTS = [text for texts in ROWS.values() for text in texts]
LABELS = [label for label, texts in ROWS.items() for _ in texts]


@pytest.mark.parametrize("labels", [["greet", "refund", "track"], ["refund", "track"]])
def test_probabilities_equal_scikit_learn(labels):
    """The stored arrays reproduce scikit-learn's TF-IDF + logistic pipeline (3 and 2 labels)."""
    rows = [(t, y) for t, y in zip(TEXTS, LABELS, strict=True) if y in labels]
    texts, y = [t for t, _ in rows], [label for _, label in rows]
    unseen = ["refund please", "where is the parcel", "我的退款", "hello there"]

    head = train_lexical_head(texts, y, labels)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
    features = vectorizer.fit_transform(texts)
    reference = LogisticRegression(C=10.0, max_iter=2000).fit(features, y)

    np.testing.assert_allclose(
        head.predict_proba(unseen),
        reference.predict_proba(vectorizer.transform(unseen)),
        atol=1e-5,
    )
    assert head.labels == tuple(labels)


def test_chinese_and_english_by_their_characters():
    """Unseen phrasings in both languages go to the intent whose examples share their n-grams."""
    head = train_lexical_head(TEXTS, LABELS, ["greet", "refund", "track"])

    probabilities = head.predict_proba(["退款什么时候到", "track my parcel please", "你好呀"])

    assert [head.labels[i] for i in probabilities.argmax(axis=1)] == ["refund", "track", "greet"]


def test_a_label_without_rows_never_wins():
    head = train_lexical_head(TEXTS, LABELS, ["greet", "oos", "refund", "track"])

    probabilities = head.predict_proba(["anything at all", "refund"])

    assert probabilities[:, 1].tolist() == [0.0, 0.0]
    np.testing.assert_allclose(probabilities.sum(axis=1), [1.0, 1.0], atol=1e-6)


@pytest.mark.parametrize(
    ("texts", "y", "labels", "message"),
    [
        ([], [], ["a", "b"], "one label per text"),
        (["x", "y"], ["a"], ["a", "b"], "one label per text"),
        (["x", "y"], ["a", "c"], ["a", "b"], "not in the label list"),
        (["x", "y"], ["a", "a"], ["a", "b"], "at least two labels"),
    ],
)
def test_bad_training_input_is_refused(texts, y, labels, message):
    with pytest.raises(LLMBadRequest, match=message):
        train_lexical_head(texts, y, labels)


def _vectors(labels):
    """One-hot vectors per label with a little noise: an embedding head that is always right."""
    rng = np.random.default_rng(0)
    order = sorted(set(labels))
    vectors = np.eye(len(order), dtype=np.float32)[[order.index(label) for label in labels]]
    return vectors + rng.normal(scale=0.05, size=vectors.shape).astype(np.float32)


def test_open_set_head_averages_both_heads_and_round_trips(tmp_path):
    """With texts, the open-set head fits a lexical head too; its probabilities are the mean of
    both heads', and the saved file restores both."""
    vectors = _vectors(LABELS)
    head, facts = train_open_set_head(vectors, LABELS, oos_label="oos", texts=TEXTS)
    probe_texts, probe_vectors = ["refund my money", "你好"], vectors[[0, 10]]

    dense = head.head.predict_proba(probe_vectors)
    lexical = head.lexical.predict_proba(probe_texts)
    predictions = head.predict_vectors(probe_vectors, probe_texts)

    assert facts["lexical"] is True
    assert head.lexical.labels == head.labels == ("greet", "refund", "track")
    expected = ((dense + lexical) / 2).max(axis=1)
    assert [p.confidence for p in predictions] == pytest.approx(expected.tolist(), abs=1e-5)
    assert [p.label for p in predictions] == ["refund", "greet"]

    head.save(tmp_path / "head.npz")
    loaded = OpenSetHead.load(tmp_path / "head.npz")
    assert loaded.predict_vectors(probe_vectors, probe_texts) == predictions
    assert loaded.lexical.terms == head.lexical.terms


def test_open_set_head_needs_the_texts_when_it_has_a_lexical_head():
    head, _ = train_open_set_head(_vectors(LABELS), LABELS, oos_label="oos", texts=TEXTS)

    with pytest.raises(LLMBadRequest, match="also reads the texts"):
        head.predict_vectors(_vectors(LABELS)[:2])
    with pytest.raises(LLMBadRequest, match="also reads the texts"):
        head.predict_vectors(_vectors(LABELS)[:2], ["only one"])


def test_without_texts_or_with_lexical_c_none_there_is_no_lexical_head(tmp_path):
    """The embedding-only head of before: no texts, or ``lexical_c=None``; it saves as before."""
    vectors = _vectors(LABELS)
    plain, facts = train_open_set_head(vectors, LABELS, oos_label="oos")
    off, _ = train_open_set_head(
        vectors, LABELS, oos_label="oos", texts=TEXTS, settings=OpenSetSettings(lexical_c=None)
    )

    assert (plain.lexical, off.lexical, facts["lexical"]) == (None, None, False)
    plain.save(tmp_path / "plain.npz")
    with np.load(tmp_path / "plain.npz") as data:
        assert not any(name.startswith("lexical_") for name in data.files)
    assert isinstance(OpenSetHead.load(tmp_path / "plain.npz").head, LogisticHead)
    assert OpenSetHead.load(tmp_path / "plain.npz").lexical is None


def test_lexical_head_from_arrays_without_any_is_none():
    assert LexicalHead.from_arrays({"weights": np.zeros(1)}) is None
