"""A sequential recommender (SASRec): causal self-attention over a visitor's recent items.

``train_sequence_model(sequences, n_items)`` trains on every prefix of every sequence but the
last item, which is held back to stop early on (HR/NDCG@10 over the full catalog, the history
excluded), under a time budget. Items are ``0 .. n_items - 1``; index 0 inside the model is
padding. The output layer is the item embedding itself (tied), trained with a softmax over the
target and ``negatives`` uniformly sampled items (``0``: the full catalog). ``item_init``
(item vectors, e.g. the products' text embeddings) sets the embeddings' starting point, projected
to the model dimension by SVD, so that rare and new items start near similar ones.

Everything runs in float32 on the CPU's own threads (AVX2 is enough). torch is imported by
the functions, never by importing this module.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

WEIGHTS_FILE = "sequence_model.pt"
CONFIG_FILE = "sequence_model.json"


@dataclass
class SequenceModelSettings:
    dim: int = 64
    layers: int = 2
    heads: int = 1
    max_len: int = 30
    dropout: float = 0.3
    learning_rate: float = 1e-3
    weight_decay: float = 0.0
    batch_size: int = 256
    negatives: int = 1024
    max_epochs: int = 200
    patience: int = 4
    validation_users: int = 6000
    seed: int = 0
    threads: int = 0  # 0: every core of the machine


def _torch() -> Any:
    # Idle OpenMP threads sleep instead of spinning (on a busy 2-core machine spinning made a
    # training batch 20 times slower); it only counts if torch is not loaded yet.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch

    return torch


def _network(n_items: int, settings: SequenceModelSettings) -> Any:
    torch = _torch()
    nn = torch.nn

    class SASRec(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.items = nn.Embedding(n_items + 1, settings.dim, padding_idx=0)
            self.positions = nn.Embedding(settings.max_len, settings.dim)
            self.dropout = nn.Dropout(settings.dropout)
            layer = nn.TransformerEncoderLayer(
                settings.dim,
                settings.heads,
                dim_feedforward=settings.dim,
                dropout=settings.dropout,
                activation="gelu",
                batch_first=True,
                norm_first=True,
            )
            self.encoder = nn.TransformerEncoder(layer, settings.layers, enable_nested_tensor=False)
            self.norm = nn.LayerNorm(settings.dim)
            nn.init.normal_(self.items.weight, std=0.05)
            nn.init.normal_(self.positions.weight, std=0.05)
            with torch.no_grad():
                self.items.weight[0].zero_()

        def forward(self, inputs: Any) -> Any:
            length = inputs.shape[1]
            positions = torch.arange(length, device=inputs.device)
            # Left-padded: the newest item always sits at the last position.
            positions = positions + (settings.max_len - length)
            hidden = self.items(inputs) * math.sqrt(settings.dim) + self.positions(positions)
            hidden = self.dropout(hidden)
            # Causal, padding keys hidden; every position may see itself (no empty rows).
            padding = inputs == 0
            blocked = torch.ones(length, length, dtype=torch.bool).triu(1).unsqueeze(0)
            blocked = blocked | padding.unsqueeze(1)
            blocked = blocked & ~torch.eye(length, dtype=torch.bool).unsqueeze(0)
            mask = torch.zeros(blocked.shape).masked_fill(blocked, float("-inf"))
            mask = mask.repeat_interleave(settings.heads, dim=0)
            hidden = self.encoder(hidden, mask=mask)
            hidden = hidden.masked_fill(padding.unsqueeze(-1), 0.0)
            return self.norm(hidden)

    return SASRec()


def _pad(histories: Sequence[np.ndarray], max_len: int) -> np.ndarray:
    """Left-padded rows of item indices + 1 (0 = padding), as long as the longest history."""
    recent = [np.asarray(h, dtype=np.int64)[-max_len:] + 1 for h in histories]
    width = max(1, max((len(h) for h in recent), default=1))
    batch = np.zeros((len(recent), width), dtype=np.int64)
    for row, items in enumerate(recent):
        if len(items):
            batch[row, width - len(items) :] = items
    return batch


class SequenceModel:
    """A trained SASRec: scores every item for each history."""

    def __init__(self, network: Any, n_items: int, settings: SequenceModelSettings) -> None:
        self.network = network
        self.n_items = n_items
        self.settings = settings
        self.history: list[dict[str, float]] = []

    def score(self, histories: Sequence[np.ndarray], batch_size: int = 512) -> np.ndarray:
        torch = _torch()
        self.network.eval()
        result = np.zeros((len(histories), self.n_items), dtype=np.float32)
        threads = torch.get_num_threads()
        if len(histories) <= 8:
            # One request: threads cost more in hand-offs than they save (5 ms vs 0.2 ms).
            torch.set_num_threads(1)
        try:
            self._score_into(result, histories, batch_size)
        finally:
            torch.set_num_threads(threads)
        return result

    def _score_into(
        self, result: np.ndarray, histories: Sequence[np.ndarray], batch_size: int
    ) -> None:
        torch = _torch()
        with torch.inference_mode():
            weights = self.network.items.weight[1:]
            for start in range(0, len(histories), batch_size):
                chunk = histories[start : start + batch_size]
                inputs = torch.from_numpy(_pad(chunk, self.settings.max_len))
                last = self.network(inputs)[:, -1, :]
                result[start : start + len(chunk)] = (last @ weights.T).numpy()

    def save(self, folder: Path) -> None:
        torch = _torch()
        folder.mkdir(parents=True, exist_ok=True)
        torch.save(self.network.state_dict(), folder / WEIGHTS_FILE)
        payload = {"n_items": self.n_items, "settings": asdict(self.settings)}
        payload["history"] = self.history
        (folder / CONFIG_FILE).write_text(json.dumps(payload, indent=1), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> SequenceModel:
        torch = _torch()
        payload = json.loads((folder / CONFIG_FILE).read_text(encoding="utf-8"))
        settings = SequenceModelSettings(**payload["settings"])
        network = _network(payload["n_items"], settings)
        network.load_state_dict(torch.load(folder / WEIGHTS_FILE, weights_only=True))
        network.eval()
        model = cls(network, payload["n_items"], settings)
        model.history = payload.get("history", [])
        return model


@contextlib.contextmanager
def _threads(settings: SequenceModelSettings) -> Iterator[None]:
    """Train on ``settings.threads`` and give the process its own count back afterwards
    (torch's pool is process-wide: the serving backends set it once, see llm_services)."""
    torch = _torch()
    previous = torch.get_num_threads()
    torch.set_num_threads(settings.threads or os.cpu_count() or 1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _project(item_init: np.ndarray, dim: int, std: float) -> np.ndarray:
    """Item vectors → ``dim`` columns (their top singular directions), scaled to ``std``."""
    vectors = np.asarray(item_init, dtype=np.float64)
    vectors = vectors - vectors.mean(axis=0, keepdims=True)
    u, s, _ = np.linalg.svd(vectors, full_matrices=False)
    projected = u[:, :dim] * s[:dim]
    if projected.shape[1] < dim:
        projected = np.pad(projected, ((0, 0), (0, dim - projected.shape[1])))
    scale = projected.std() or 1.0
    return (projected / scale * std).astype(np.float32)


def _ranking_metrics(
    model: SequenceModel, histories: list[np.ndarray], targets: np.ndarray
) -> dict[str, float]:
    scores = model.score(histories)
    for row, history in enumerate(histories):
        scores[row, history] = -np.inf
    target_scores = scores[np.arange(len(targets)), targets][:, None]
    ranks = (scores > target_scores).sum(axis=1)
    hit = ranks < 10
    return {
        "hr@10": float(hit.mean()),
        "ndcg@10": float(np.where(hit, 1.0 / np.log2(ranks + 2.0), 0.0).mean()),
    }


def train_sequence_model(
    sequences: Sequence[np.ndarray],
    n_items: int,
    item_init: np.ndarray | None = None,
    settings: SequenceModelSettings | None = None,
    time_budget: float | None = None,
    progress: Callable[[dict[str, float]], None] | None = None,
) -> SequenceModel:
    """Train on each sequence but its last item; stop early on the last items (see module)."""
    settings = settings or SequenceModelSettings()
    with _threads(settings):
        return _train(sequences, n_items, item_init, settings, time_budget, progress)


def _train(
    sequences: Sequence[np.ndarray],
    n_items: int,
    item_init: np.ndarray | None,
    settings: SequenceModelSettings,
    time_budget: float | None,
    progress: Callable[[dict[str, float]], None] | None,
) -> SequenceModel:
    torch = _torch()
    torch.manual_seed(settings.seed)
    rng = np.random.default_rng(settings.seed)
    started = time.monotonic()

    network = _network(n_items, settings)
    if item_init is not None:
        with torch.no_grad():
            start = torch.from_numpy(_project(item_init, settings.dim, 0.05))
            network.items.weight[1:] = start
    model = SequenceModel(network, n_items, settings)

    train = [np.asarray(s, dtype=np.int64)[:-1] for s in sequences]
    train = [s[-(settings.max_len + 1) :] for s in train if len(s) >= 2]
    holdout = [i for i, s in enumerate(sequences) if len(s) >= 2]
    if len(holdout) > settings.validation_users:
        holdout = sorted(rng.choice(holdout, settings.validation_users, replace=False).tolist())
    valid_histories = [np.asarray(sequences[i], dtype=np.int64)[:-1] for i in holdout]
    valid_targets = np.array([int(sequences[i][-1]) for i in holdout], dtype=np.int64)

    optimizer = torch.optim.Adam(
        network.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay
    )
    lengths = np.array([len(s) for s in train])
    best, best_state, stale = -1.0, None, 0
    for epoch in range(settings.max_epochs):
        network.train()
        order = rng.permutation(len(train))
        # Batches of similar lengths (little padding), in random order.
        chunks = [
            order[i : i + settings.batch_size * 32]
            for i in range(0, len(order), settings.batch_size * 32)
        ]
        batches = []
        for chunk in chunks:
            chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
            batches += [
                chunk[i : i + settings.batch_size]
                for i in range(0, len(chunk), settings.batch_size)
            ]
        rng.shuffle(batches)
        total, steps = 0.0, 0
        for batch in batches:
            padded = _pad([train[i] for i in batch], settings.max_len + 1)
            inputs = torch.from_numpy(padded[:, :-1])
            targets = torch.from_numpy(padded[:, 1:])
            hidden = network(inputs)
            mask = (targets > 0) & (inputs > 0)
            hidden, wanted = hidden[mask], targets[mask]
            if settings.negatives and settings.negatives < n_items:
                negatives = torch.randint(1, n_items + 1, (settings.negatives,))
                candidates = torch.cat([wanted, negatives])
                logits = hidden @ network.items.weight[candidates].T
                same = wanted.unsqueeze(1) == candidates.unsqueeze(0)
                diagonal = torch.arange(len(wanted))
                same[diagonal, diagonal] = False
                logits = logits.masked_fill(same, float("-inf"))
                loss = torch.nn.functional.cross_entropy(logits, diagonal)
            else:
                logits = hidden @ network.items.weight[1:].T
                loss = torch.nn.functional.cross_entropy(logits, wanted - 1)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += float(loss.detach())
            steps += 1
            if time_budget is not None and time.monotonic() - started > time_budget:
                break
        metrics = _ranking_metrics(model, valid_histories, valid_targets)
        record = {"epoch": epoch + 1, "loss": total / max(steps, 1), **metrics}
        record["seconds"] = time.monotonic() - started
        model.history.append(record)
        if progress is not None:
            progress(record)
        if metrics["ndcg@10"] > best:
            best, stale = metrics["ndcg@10"], 0
            best_state = {k: v.detach().clone() for k, v in network.state_dict().items()}
        else:
            stale += 1
        if stale >= settings.patience:
            break
        if time_budget is not None and time.monotonic() - started > time_budget:
            break
    if best_state is not None:
        network.load_state_dict(best_state)
    network.eval()
    return model
