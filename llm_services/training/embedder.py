"""Contrastive fine-tuning of a sentence-transformers embedder on (query, document) pairs.

The loss is sentence-transformers' MultipleNegativesRankingLoss: each query should score its
own document above every other document of the batch. The loop is written out here rather than
run by SentenceTransformerTrainer, which needs the ``datasets`` package (and pyarrow, pandas)
for data this small; the loss, preprocessing and saving are the library's own.

Judged by retrieval on held-out queries, before and after: every distinct document of the task
is the corpus, and recall@k / MRR@k say whether a query's clicked documents rank in its top k.
Queries and documents are embedded through the alias's backend class and OPTIONS (prefixes
included), as search embeds them.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.module_loading import import_string

from llm_services.conf import ModelConfig, resolve_model_path
from llm_services.training.artifacts import (
    LOSS_CURVE_NAME,
    TrainingLog,
    building_folder,
    new_version_name,
    plot_loss_curve,
    run_steps,
    write_manifest,
)
from llm_services.training.data import Dataset, Example, TrainingTask
from llm_services.training.generator import FineTuneResult
from llm_services.training.metrics import retrieval_scores

logger = logging.getLogger("llm_services")


@dataclass(frozen=True)
class EmbedderSettings:
    """How to train.

    Attributes:
        max_steps: optimizer steps at most.
        time_budget: seconds for the training loop (validation included) at most.
        batch_size: pairs per step; the other pairs' documents are each query's negatives.
        learning_rate: AdamW learning rate.
        eval_every: validation loss every N steps (default: a tenth of max_steps).
        validation_batches: batches of validation pairs used for the validation loss.
        k: the cut-off of recall@k and MRR@k.
        seed: seeds torch and the data order.
    """

    max_steps: int = 100
    time_budget: float = 900.0
    batch_size: int = 16
    learning_rate: float = 2e-5
    eval_every: int | None = None
    validation_batches: int = 4
    k: int = 10
    seed: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": "contrastive",
            "loss": "MultipleNegativesRankingLoss",
            "max_steps": self.max_steps,
            "time_budget": self.time_budget,
            "batch_size": self.batch_size,
            "learning_rate": self.learning_rate,
            "k": self.k,
            "seed": self.seed,
        }


@dataclass(frozen=True)
class _Retrieval:
    """Held-out queries, the corpus, and which corpus entries each query should find."""

    queries: list[str]
    relevant: list[set[int]]
    corpus: list[str]


def _retrieval_set(task: TrainingTask, dataset: Dataset) -> _Retrieval:
    corpus_index: dict[str, int] = {}
    for example in [*dataset.train, *dataset.validation]:
        corpus_index.setdefault(example.target, len(corpus_index))
    wanted: dict[str, set[int]] = {}
    for example in dataset.validation:
        wanted.setdefault(task.build_prompt(example), set()).add(corpus_index[example.target])
    return _Retrieval(
        queries=list(wanted), relevant=list(wanted.values()), corpus=list(corpus_index)
    )


def retrieval_metrics(backend: Any, retrieval: _Retrieval, *, k: int) -> dict[str, Any]:
    """Recall@k and MRR@k of ``backend`` (an Embedder) on the held-out queries."""
    queries = backend.encode(retrieval.queries, kind="query")
    documents = backend.encode(retrieval.corpus, kind="document")
    scores = queries @ documents.T
    top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return {
        **retrieval_scores((row.tolist() for row in top), retrieval.relevant, k=k),
        "corpus": len(retrieval.corpus),
    }


def _embedder_backend(config: ModelConfig, *, alias: str, model: str) -> Any:
    backend_class = import_string(config["BACKEND"])
    return backend_class(
        alias=alias, model=model, revision="finetune-evaluation", options=config["OPTIONS"]
    )


def _pair_batches(
    examples: Sequence[Example], *, task: TrainingTask, size: int, rng: random.Random
) -> list[list[tuple[str, str]]]:
    """Shuffled batches in which no document appears twice.

    A repeated document would be its own query's positive and another query's negative in the
    same batch: the loss would push apart what it pulls together.
    """
    pending = [(task.build_prompt(example), example.target) for example in examples]
    rng.shuffle(pending)
    batches: list[list[tuple[str, str]]] = []
    while pending:
        batch: list[tuple[str, str]] = []
        documents: set[str] = set()
        rest: list[tuple[str, str]] = []
        for pair in pending:
            if len(batch) < size and pair[1] not in documents:
                batch.append(pair)
                documents.add(pair[1])
            else:
                rest.append(pair)
        batches.append(batch)
        pending = rest
    return batches


def finetune_embedder(
    *,
    task: TrainingTask,
    dataset: Dataset,
    alias: str,
    config: ModelConfig,
    settings: EmbedderSettings,
    show_progress: bool = False,
) -> FineTuneResult:
    """Fine-tune the alias's base embedder on ``dataset`` and publish a version folder.

    Args:
        task: the embedder task (``build_prompt`` gives the query, ``target`` the document).
        dataset: cleaned, scrubbed and split pairs.
        alias: the LLM_MODELS alias; its BACKEND and OPTIONS embed for scoring.
        config: the alias's configuration; MODEL is the base model trained from.
        settings: steps, budget and the rest.
        show_progress: draw a tqdm bar.

    Returns:
        The published folder under LLM_MODEL_DIR/versions, its metrics and run details.

    Raises:
        LLMUnavailable: the base model cannot be found.
    """
    from llm_services.backends.local import import_torch

    base_path = resolve_model_path(config["MODEL"], alias=alias)
    torch = import_torch(config["OPTIONS"])
    random.seed(settings.seed)
    torch.manual_seed(settings.seed)
    from sentence_transformers import SentenceTransformer

    query_prefix = config["OPTIONS"].get("query_prefix", "")
    document_prefix = config["OPTIONS"].get("document_prefix", "")
    retrieval = _retrieval_set(task, dataset)

    before_backend = _embedder_backend(config, alias=alias, model=config["MODEL"])
    try:
        before = retrieval_metrics(before_backend, retrieval, k=settings.k)
    finally:
        before_backend.close()

    model = SentenceTransformer(
        str(base_path), device="cpu", local_files_only=True, trust_remote_code=False
    )
    model, log = _train(
        torch,
        model,
        task=task,
        dataset=dataset,
        prefixes=(query_prefix, document_prefix),
        settings=settings,
        show_progress=show_progress,
        description=f"finetune {alias}",
    )

    name = new_version_name(alias)
    with building_folder(name) as folder:
        model.save_pretrained(str(folder))
        del model
        after_backend = _embedder_backend(config, alias=alias, model=str(folder))
        try:
            after = retrieval_metrics(after_backend, retrieval, k=settings.k)
        finally:
            after_backend.close()
        training = {
            **settings.as_dict(),
            **log.summary(),
            "task": task.name,
            "train_examples": len(dataset.train),
            "validation_examples": len(dataset.validation),
            "data": dataset.stats.as_dict(),
        }
        plot_loss_curve(log, folder / LOSS_CURVE_NAME, title=f"{name} ({task.name}, contrastive)")
        write_manifest(
            folder,
            {
                "name": name,
                "kind": "embedder",
                "alias": alias,
                "task": task.name,
                "method": "contrastive",
                "base_model": config["MODEL"],
                "base_revision": config["REVISION"],
                "training_data_hash": dataset.data_hash,
                "created": timezone.now().isoformat(),
                "metrics": {"before": before, "after": after},
                "training": training,
            },
        )
    final = folder.parent / name
    logger.info(
        "Fine-tuned %s for %r in %d steps (%s): recall@%d %.3f -> %.3f",
        name,
        alias,
        log.steps,
        log.stopped_by,
        settings.k,
        before[f"recall@{settings.k}"],
        after[f"recall@{settings.k}"],
    )
    training["loss_curve"] = {"train": log.train, "validation": log.validation}
    return FineTuneResult(
        name=name,
        folder=final,
        loss_curve=final / LOSS_CURVE_NAME,
        metrics={"before": before, "after": after},
        training=training,
    )


def _train(
    torch: Any,
    model: Any,
    *,
    task: TrainingTask,
    dataset: Dataset,
    prefixes: tuple[str, str],
    settings: EmbedderSettings,
    show_progress: bool,
    description: str,
) -> tuple[Any, TrainingLog]:
    """Run the budgeted loop with MultipleNegativesRankingLoss; returns the model in eval mode."""
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    query_prefix, document_prefix = prefixes
    loss_function = MultipleNegativesRankingLoss(model)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate)
    rng = random.Random(settings.seed)
    queue: list[list[tuple[str, str]]] = []
    validation_batches = _pair_batches(
        dataset.validation, task=task, size=settings.batch_size, rng=random.Random(settings.seed)
    )[: settings.validation_batches]

    def batch_loss(pairs: Sequence[tuple[str, str]]) -> Any:
        features = [
            model.preprocess([query_prefix + query for query, _ in pairs]),
            model.preprocess([document_prefix + document for _, document in pairs]),
        ]
        return loss_function(features, None)

    def step(number: int) -> float:
        if not queue:
            queue.extend(_pair_batches(dataset.train, task=task, size=settings.batch_size, rng=rng))
        loss = batch_loss(queue.pop(0))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return float(loss.detach())

    def validate() -> float:
        # A batch of one pair has no negatives: its loss is always 0.
        usable = [batch for batch in validation_batches if len(batch) > 1]
        model.eval()
        with torch.no_grad():
            losses = [float(batch_loss(batch)) for batch in usable]
        model.train()
        return sum(losses) / len(losses) if losses else 0.0

    model.train()
    log = run_steps(
        step,
        validate=validate,
        max_steps=settings.max_steps,
        time_budget=settings.time_budget,
        eval_every=settings.eval_every or max(1, settings.max_steps // 10),
        show_progress=show_progress,
        description=description,
    )
    model.eval()
    return model, log
