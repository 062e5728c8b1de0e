"""The SASRec sequence model on planted chains: it learns the next item, saves and loads."""

from __future__ import annotations

import numpy as np

from llm_services.training import SequenceModel, SequenceModelSettings, train_sequence_model


def chains(users=300, seed=0):
    rng = np.random.default_rng(seed)
    return [
        rng.integers(4) * 10 + rng.integers(0, 4) + np.arange(rng.integers(4, 7))
        for _ in range(users)
    ]


TINY = SequenceModelSettings(
    dim=16,
    layers=1,
    heads=1,
    max_len=8,
    dropout=0.0,
    learning_rate=1e-2,
    batch_size=64,
    negatives=0,
    max_epochs=25,
    patience=25,
    validation_users=100,
    threads=1,
)


def test_learns_the_planted_next_item_and_round_trips(tmp_path):
    model = train_sequence_model(chains(), 40, settings=TINY, time_budget=60)
    assert model.history[-1]["hr@10"] > 0.9
    histories = [np.array([11, 12, 13]), np.array([30, 31])]
    scores = model.score(histories)
    assert scores.dtype == np.float32
    assert scores.shape == (2, 40)
    assert int(np.argmax(scores[0])) == 14
    assert int(np.argmax(scores[1])) == 32
    model.save(tmp_path)
    assert np.array_equal(SequenceModel.load(tmp_path).score(histories), scores)


def test_item_vectors_start_the_embeddings_and_sampled_negatives_train():
    vectors = np.random.default_rng(0).normal(size=(40, 24)).astype(np.float32)
    settings = SequenceModelSettings(**{**TINY.__dict__, "negatives": 8, "max_epochs": 2})
    model = train_sequence_model(chains(), 40, item_init=vectors, settings=settings)
    assert len(model.history) == 2
    assert np.isfinite(model.score([np.array([1])])).all()


def test_training_and_loading_leave_the_process_thread_count_alone(tmp_path):
    """torch's pool is process-wide and set once by the serving backends: training on its own
    thread count gives the previous count back, and loading a model does not touch it."""
    import torch

    before = torch.get_num_threads()
    sequences = [np.array([0, 1, 2, 3]), np.array([1, 2, 3, 0])] * 4
    settings = SequenceModelSettings(
        dim=8, layers=1, max_len=4, negatives=4, max_epochs=1, threads=1
    )
    model = train_sequence_model(sequences, 4, settings=settings)
    model.save(tmp_path)
    SequenceModel.load(tmp_path)

    assert torch.get_num_threads() == before
