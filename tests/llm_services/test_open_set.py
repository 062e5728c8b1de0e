"""The open-set head's calibration: held-out quantiles, labels with a single example."""

import numpy as np
import pytest

from llm_services import LLMBadRequest
from llm_services.open_set import OpenSetSettings, train_open_set_head

DIM = 16


def _clusters(labels, per_label=12, seed=0):
    """Rows scattered around one orthogonal direction per label (unit-length vectors)."""
    rng = np.random.RandomState(seed)
    rows, y = [], []
    for index, label in enumerate(labels):
        centre = np.zeros(DIM, dtype=np.float32)
        centre[index] = 1.0
        rows.append(centre + 0.15 * rng.randn(per_label, DIM).astype(np.float32))
        y += [label] * per_label
    vectors = np.concatenate(rows)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), y


def _direction(index):
    vector = np.zeros((1, DIM), dtype=np.float32)
    vector[0, index] = 1.0
    return vector


def test_thresholds_are_quantiles_of_held_out_confidences():
    """The clarify quantile (10%) sits above the out-of-scope one (0.5%); a message halfway
    between all three intents falls below the out-of-scope threshold, each intent's own
    direction does not."""
    vectors, y = _clusters(["a", "b", "c"])

    head, facts = train_open_set_head(vectors, y, oos_label="oos")
    predictions = head.predict_vectors(
        np.concatenate([_direction(0) + _direction(1) + _direction(2), *map(_direction, range(3))])
    )

    assert facts["folds"] == 5
    assert "single_example_labels" not in facts
    assert 0.0 < facts["oos_threshold"] < facts["clarify_threshold"] < 1.0
    assert [p.label for p in predictions] == ["oos", "a", "b", "c"]
    assert [p.out_of_scope for p in predictions] == [True, False, False, False]


def test_a_one_example_label_is_left_out_of_the_folds():
    """One example cannot be held out: the folds come from the other labels, the thresholds
    are calibrated on them, and the final head still knows the one-example label."""
    vectors, y = _clusters(["a", "b", "c"])
    vectors = np.concatenate([vectors, _direction(5)])
    y = [*y, "single"]
    fits = []

    head, facts = train_open_set_head(
        vectors, y, oos_label="oos", on_fit=lambda done, total: fits.append((done, total))
    )

    assert facts["single_example_labels"] == 1
    assert facts["folds"] == 5
    assert facts["oos_threshold"] > 0.0
    assert "single" in head.labels
    assert fits == [(1, 6), (2, 6), (3, 6), (4, 6), (5, 6), (6, 6)]


def test_fewer_than_two_labels_with_two_examples_leave_no_threshold():
    """Nothing can be cross-validated: no fold, no out-of-scope threshold (said by folds=0)."""
    vectors = np.concatenate([_direction(0), _direction(1), _direction(2)])

    head, facts = train_open_set_head(vectors, ["a", "b", "c"], oos_label="oos")

    assert facts["folds"] == 0
    assert facts["oos_threshold"] == 0.0
    assert head.labels == ("a", "b", "c")


def test_the_folds_follow_the_smallest_label():
    vectors, y = _clusters(["a", "b"], per_label=3)

    _, facts = train_open_set_head(vectors, y, oos_label="oos", settings=OpenSetSettings(folds=5))

    assert facts["folds"] == 3


def test_one_in_scope_label_is_refused():
    vectors, y = _clusters(["a", "oos"])

    with pytest.raises(LLMBadRequest, match="two in-scope labels"):
        train_open_set_head(vectors, y, oos_label="oos")
