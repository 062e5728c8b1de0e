"""SASRec, the sequential transformer: a thin wrapper over llm_services' trained model.

The network and its training loop live in ``llm_services.training`` (the only code that
imports torch); this adapts it to the :class:`~recommend.algorithms.base.Recommender`
protocol. Item embeddings start from the items' vectors (the shop's e5 product vectors, or the
attribute vectors of a benchmark file) when there are any.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from recommend.algorithms.base import TrainData, attribute_vectors


class SASRecRecommender:
    name = "sasrec"

    def __init__(
        self,
        time_budget: float | None = 600.0,
        progress: Callable[[dict[str, float]], None] | None = None,
        **settings: Any,
    ) -> None:
        self.time_budget = time_budget
        self.progress = progress
        self.settings = settings
        self.model: Any = None

    def fit(self, data: TrainData) -> None:
        from llm_services.training import SequenceModelSettings, train_sequence_model

        item_init = data.item_vectors
        if item_init is None and data.item_attributes is not None:
            item_init = attribute_vectors(data.item_attributes, data.n_items)
        self.model = train_sequence_model(
            data.sequences,
            data.n_items,
            item_init=item_init,
            settings=SequenceModelSettings(**self.settings),
            time_budget=self.time_budget,
            progress=self.progress,
        )
        self.settings = asdict(self.model.settings)

    def score(self, histories: Sequence[np.ndarray]) -> np.ndarray:
        return self.model.score(list(histories))

    @property
    def training_history(self) -> list[dict[str, float]]:
        return [] if self.model is None else list(self.model.history)

    def save(self, folder: Path) -> None:
        self.model.save(folder)

    @classmethod
    def load(cls, folder: Path) -> SASRecRecommender:
        from llm_services.training import SequenceModel

        wrapper = cls()
        wrapper.model = SequenceModel.load(folder)
        wrapper.settings = asdict(wrapper.model.settings)
        return wrapper
