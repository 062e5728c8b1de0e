"""One trained recommender as a folder, and the per-process holder that serves the active one.

A version folder holds ``items.npz`` (item -> product, category), ``neighbours.npz`` (each
source's precomputed neighbour lists), ``trend.npy`` (time-decayed popularity), the fitted
models under ``models/`` and the manifest. Serving processes read the active version's name
at most every ``LLM_VERSION_CHECK_SECONDS`` and load a newer one without a restart (as the llm
aliases do).
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from llm_services import active_versions
from recommend.conf import setting
from recommend.training import BLEND_MODULE, MODEL_MODULES, _model_class, blend_class

logger = logging.getLogger(__name__)


@dataclass
class ServedRecommender:
    """What a request needs of one trained version, loaded once per process."""

    name: str
    folder: Path
    manifest: dict[str, Any]
    product_ids: np.ndarray
    category_ids: np.ndarray
    trend: np.ndarray
    neighbours: dict[str, tuple[np.ndarray, np.ndarray]]
    index_of: dict[int, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _served: Any = None
    _threads: Any = None

    @classmethod
    def load(cls, folder: Path, *, name: str = "") -> ServedRecommender:
        manifest = json.loads((folder / "manifest.json").read_text())
        with np.load(folder / "items.npz") as items:
            product_ids = items["product_ids"]
            category_ids = items["category_ids"]
        neighbours = {}
        with np.load(folder / "neighbours.npz") as tables:
            for source in manifest.get("neighbour_sources", []):
                neighbours[source] = (tables[f"{source}_items"], tables[f"{source}_scores"])
        return cls(
            name=name or manifest.get("name", folder.name),
            folder=folder,
            manifest=manifest,
            product_ids=product_ids,
            category_ids=category_ids,
            trend=np.load(folder / "trend.npy"),
            neighbours=neighbours,
            index_of={int(p): i for i, p in enumerate(product_ids.tolist())},
        )

    @property
    def degraded(self) -> str:
        return self.manifest.get("degraded", "")

    @property
    def served_name(self) -> str:
        return self.manifest.get("served_model", "")

    def served_model(self) -> Any:
        """The served model (the blend when there is one), loaded on first use; or None."""
        if self._served is None:
            with self._lock:
                if self._served is None:
                    self._served = self._load_served() or False
        return self._served or None

    def _load_served(self) -> Any:
        name = self.served_name
        folder = self.folder / "models" / name
        if not name or not folder.is_dir():
            return None
        cls = blend_class() if name == "served" else _model_class(MODEL_MODULES[name], name)
        if cls is None:
            logger.warning("recommender %s: %s is not in this checkout", self.name, name)
            return None
        try:
            return cls.load(folder)
        except (OSError, ValueError, KeyError) as exc:
            logger.warning("recommender %s: %s cannot load: %s", self.name, name, exc)
            return None

    def neighbours_of(self, item: int, source: str) -> list[tuple[int, float]]:
        table = self.neighbours.get(source)
        if table is None:
            return []
        items, scores = table
        return [
            (int(i), float(s)) for i, s in zip(items[item], scores[item], strict=True) if i >= 0
        ]

    def single_threaded(self) -> Any:
        """A context in which numpy's BLAS and the OpenMP pools (LightGBM, torch) use one
        thread.

        A request scores one history: small products and a few hundred ranker rows, which
        thread pools on a small machine make slower, not faster (the blend at 10,000 items on
        two cores: 30 ms with the default pools, 10.5 ms with BLAS alone on one thread, 6.3 ms
        with every pool on one), and a web process serves requests side by side anyway.
        """
        if self._threads is None:
            from threadpoolctl import ThreadpoolController

            self._threads = ThreadpoolController()
        return self._threads.limit(limits=1)

    @cached_property
    def trending_order(self) -> np.ndarray:
        return np.argsort(-self.trend, kind="stable")


def write_artifact(
    folder: Path,
    *,
    product_ids: np.ndarray,
    category_ids: np.ndarray,
    trend: np.ndarray,
    neighbours: dict[str, tuple[np.ndarray, np.ndarray]],
) -> None:
    np.savez(folder / "items.npz", product_ids=product_ids, category_ids=category_ids)
    np.save(folder / "trend.npy", trend.astype(np.float32))
    tables = {}
    for source, (items, scores) in neighbours.items():
        tables[f"{source}_items"] = items
        tables[f"{source}_scores"] = scores
    np.savez(folder / "neighbours.npz", **tables)


_state: dict[str, Any] = {"name": None, "served": None}
_state_lock = threading.Lock()


def active_recommender() -> ServedRecommender | None:
    """The active version (alias ``RECOMMEND_ALIAS``), or None.

    Which version is active comes from ``llm_services.active_versions()``, the lookup the model
    handler already makes at most every ``LLM_VERSION_CHECK_SECONDS``: a version activated by
    another process (the Celery worker that trained it) is served within seconds, without a
    restart, and a page costs no query of its own for it.
    """
    active = active_versions().get(setting("ALIAS"))
    name = active.name if active else None
    if name == _state["name"]:
        return _state["served"]
    with _state_lock:
        if name != _state["name"]:
            served = None
            if active is not None:
                try:
                    served = ServedRecommender.load(Path(active.model), name=active.name)
                except (OSError, ValueError, KeyError) as exc:
                    logger.warning("recommender %s cannot load: %s", name, exc)
            _state.update(name=name, served=served)
    return _state["served"]


def reset_active_recommender() -> None:
    """Forget the loaded version (tests); the next request loads the active one."""
    with _state_lock:
        _state.update(name=None, served=None)


__all__ = [
    "BLEND_MODULE",
    "ServedRecommender",
    "active_recommender",
    "reset_active_recommender",
    "write_artifact",
]
