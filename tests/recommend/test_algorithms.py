"""The recommender algorithms on synthetic data with planted structure."""

from __future__ import annotations

import numpy as np
import pytest

from recommend.algorithms.base import (
    TrainData,
    attribute_matrix,
    categories_from_attributes,
    top_k,
)
from recommend.algorithms.blend import BlendRecommender
from recommend.algorithms.content import ContentRecommender
from recommend.algorithms.item_knn import ItemKNNRecommender
from recommend.algorithms.popularity import PopularityRecommender
from recommend.algorithms.transitions import TransitionRecommender

N_ITEMS = 40
# Four categories of ten items; inside one, visitors walk the chain c*10 → c*10+1 → …
CATEGORY = np.repeat(np.arange(4), 10)


def chains(users: int = 300, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    sequences = []
    for _ in range(users):
        category = rng.integers(4)
        start = rng.integers(0, 5)
        length = rng.integers(3, 6)
        sequences.append(category * 10 + start + np.arange(length))
    return sequences


def data(sequences: list[np.ndarray] | None = None) -> TrainData:
    attributes = [[int(c), 100 + i % 3] for i, c in enumerate(CATEGORY)]
    return TrainData(
        sequences=sequences if sequences is not None else chains(),
        n_items=N_ITEMS,
        item_categories=CATEGORY.copy(),
        item_attributes=attributes,
    )


def test_top_k_orders_and_excludes():
    scores = np.array([0.1, 0.9, 0.5, 0.9, 0.2], dtype=np.float32)
    assert top_k(scores, 3).tolist() == [1, 3, 2]
    assert top_k(scores, 2, exclude=np.array([1])).tolist() == [3, 2]


def test_transitions_recover_the_planted_next_item():
    model = TransitionRecommender()
    model.fit(data())
    scores = model.score([np.array([12, 13]), np.array([31])])
    assert int(np.argmax(scores[0])) == 14
    assert int(np.argmax(scores[1])) == 32
    assert model.item_neighbours(5, 1)[0][0] == 6


def test_item_knn_neighbours_stay_in_the_chain():
    model = ItemKNNRecommender(window=1, last=1)
    model.fit(data())
    neighbours = [item for item, _ in model.item_neighbours(23, 2)]
    assert sorted(neighbours) == [22, 24]
    scores = model.score([np.array([0, 23])])[0]
    assert set(top_k(scores, 2).tolist()) == {22, 24}


def test_item_knn_bought_together_pairs():
    pairs = [np.array([2 * (i % 20), 2 * (i % 20) + 1]) for i in range(200)]
    model = ItemKNNRecommender(window=1)
    model.fit(data(pairs))
    for item in (0, 7, 38):
        partner = item + 1 if item % 2 == 0 else item - 1
        assert model.item_neighbours(item, 1)[0][0] == partner


def test_popularity_counts_and_trending_per_category():
    sequences = [np.array([5, 5, 7]), np.array([5, 12]), np.array([12, 13])]
    model = PopularityRecommender()
    model.fit(data(sequences))
    assert model.counts[5] == 3
    assert model.counts[12] == 2
    assert model.counts[0] == 0
    assert int(np.argmax(model.score([np.array([1])])[0])) == 5
    assert [item for item, _ in model.trending(category=1, k=2)] == [12, 13]


def test_content_scores_the_same_category_first():
    model = ContentRecommender(pop_weight=0.0, last=1)
    model.fit(data())
    scores = model.score([np.array([25])])[0]
    best = top_k(scores, 9, exclude=np.array([25]))
    assert set(CATEGORY[best].tolist()) == {2}
    # Cold start: an item nobody chose still has neighbours by its attributes.
    assert CATEGORY[model.item_neighbours(39, 1)[0][0]] == 3


def test_content_uses_given_vectors():
    vectors = np.eye(N_ITEMS, dtype=np.float32)
    vectors[7] = vectors[3]
    trained = data()
    trained.item_vectors = vectors
    model = ContentRecommender(pop_weight=0.0, last=1)
    model.fit(trained)
    assert model.item_neighbours(3, 1)[0][0] == 7


def test_categories_from_attributes_skip_universal_ones():
    attributes = [[1, 50, 60 + i % 2] for i in range(10)]  # 1 is everywhere: no category
    categories = categories_from_attributes(attributes + [[]], 11)
    assert categories[:10].tolist() == [60, 61] * 5
    assert categories[10] == -1


def test_attribute_matrix_rows_are_unit_length():
    matrix = attribute_matrix([[1, 2], [2], []], 3)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    assert np.allclose(norms, [1.0, 1.0, 0.0])


@pytest.mark.parametrize(
    "model",
    [
        PopularityRecommender(),
        ItemKNNRecommender(window=2, last=2),
        TransitionRecommender(),
        ContentRecommender(),
    ],
    ids=lambda m: m.name,
)
def test_save_and_load_give_identical_scores(model, tmp_path):
    model.fit(data())
    histories = [np.array([1, 2, 3]), np.array([35]), np.array([], dtype=np.int64)]
    before = model.score(histories)
    model.save(tmp_path)
    loaded = type(model).load(tmp_path)
    assert before.dtype == np.float32
    assert before.shape == (3, N_ITEMS)
    assert np.array_equal(before, loaded.score(histories))


def noisy_chains(seed: int = 0) -> list[np.ndarray]:
    """Chains as above, each visitor ending on a random item of the category one time in 4."""
    rng = np.random.default_rng(seed)
    sequences = chains(400, seed)
    for sequence in sequences:
        if rng.random() < 0.25:
            sequence[-1] = CATEGORY[sequence[0]] * 10 + rng.integers(10)
    return sequences


def blend() -> BlendRecommender:
    return BlendRecommender(
        factories={
            "popularity": PopularityRecommender,
            "item_knn": lambda: ItemKNNRecommender(window=2, last=2),
            "transitions": TransitionRecommender,
            "content": ContentRecommender,
        },
        candidates=10,
        trees=30,
    )


def test_blend_learns_to_put_the_next_item_first_and_explains_it(tmp_path):
    model = blend()
    model.fit(data(noisy_chains()))
    assert model.training_report["target_in_candidates"] > 0.5
    histories = [np.array([10, 11, 12]), np.array([1, 2])]
    scores, sources = model.score_with_sources(histories)
    assert (
        int(np.argmax(np.where(np.isin(np.arange(N_ITEMS), histories[0]), -1e9, scores[0]))) == 13
    )
    assert int(top_k(scores[1], 1, exclude=histories[1])[0]) == 3
    assert sources[0][13] in {"item_knn", "transitions"}
    assert set(sources[1].values()) <= {"popularity", "item_knn", "transitions", "content"}
    # Items no source proposed rank below every candidate.
    assert (
        scores[0][sorted(sources[0])].min()
        > scores[0][[i for i in range(N_ITEMS) if i not in sources[0]]].max()
    )
    model.save(tmp_path)
    loaded = BlendRecommender.load(tmp_path)
    assert np.array_equal(loaded.score(histories), scores)
    assert loaded.item_neighbours(13, 1)[0][0] in {12, 14}
