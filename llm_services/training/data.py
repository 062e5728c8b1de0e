"""Training tasks and their datasets: a registry other apps add to, cleaning and splitting.

An app that owns some data registers a task from its ``AppConfig.ready()``::

    from llm_services.training import register_task

    register_task("copywriting", collect_copywriting, build_prompt=build_prompt, alias="generate")

``collect`` reads the app's tables and yields :class:`Example` objects; ``build_prompt`` turns
an example into the exact prompt the product sends the model (for an embedder task: the query
text), so a fine-tuned model is trained and judged on what it will be asked in production.
llm_services stays ignorant of shop tables: it only cleans, scrubs, de-duplicates and splits.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from django.core.exceptions import ImproperlyConfigured

from llm_services.training.pii import PIIScrubber
from llm_services.training.text import clean_text, duplicate_key

TaskKind = Literal["generator", "embedder"]
KINDS: tuple[TaskKind, ...] = ("generator", "embedder")
DEFAULT_ALIASES: dict[TaskKind, str] = {"generator": "generate", "embedder": "embed"}


@dataclass(frozen=True)
class Example:
    """One training pair.

    Attributes:
        source: the structured input (JSON-serialisable): product fields for copywriting, a
            query for search. ``build_prompt`` renders it.
        target: the text the model learns to produce (generator) or to match (embedder).
        language: the language of ``target`` ("en", "zh-hans"); Chinese is scored by character.
        key: a stable identifier, e.g. "product:12:en" (reported, never trained on).
        group: examples of one group land on the same side of the train/validation split
            (e.g. one product's English and Chinese copy). Empty: the key.
    """

    source: Mapping[str, Any]
    target: str
    language: str = "en"
    key: str = ""
    group: str = ""


@dataclass(frozen=True)
class CollectOptions:
    """What a collector is asked for.

    Attributes:
        languages: only examples in these languages; None for all.
        limit: stop after this many examples (before cleaning); None for all.
        chunk_size: rows per database round trip.
    """

    languages: frozenset[str] | None = None
    limit: int | None = None
    chunk_size: int = 500


Collector = Callable[[CollectOptions], Iterable[Example]]
PromptBuilder = Callable[[Example], str]
TextSource = Callable[[], Iterable[str]]
# Personal names as their parts, e.g. ("Ruby", "Webb") or ("周明轩",).
NameSource = Callable[[], Iterable[tuple[str, ...]]]


@dataclass(frozen=True)
class TrainingTask:
    """A registered fine-tuning task; see :func:`register_task` for the fields."""

    name: str
    kind: TaskKind
    collect: Collector
    build_prompt: PromptBuilder
    alias: str
    description: str = ""
    prompt_version: str = ""
    min_target_chars: Mapping[str, int] = field(default_factory=dict)
    dedupe_targets: bool = False
    max_new_tokens: int = 128
    stop: tuple[str, ...] = ()
    personal_names: NameSource | None = None
    protected_texts: TextSource | None = None


class UnknownTask(LookupError):
    """No task of that name (and kind) is registered."""

    def __init__(self, name: str, kind: str | None) -> None:
        self.name, self.kind = name, kind
        super().__init__(name)

    def __str__(self) -> str:
        known = ", ".join(task.name for task in registered_tasks(self.kind)) or "none"
        what = f"{self.kind} task" if self.kind else "task"
        return f"Unknown {what} {self.name!r}. Registered: {known}."


_registry: dict[str, TrainingTask] = {}


def register_task(
    name: str,
    collect: Collector,
    *,
    build_prompt: PromptBuilder,
    kind: TaskKind = "generator",
    alias: str | None = None,
    description: str = "",
    prompt_version: str = "",
    min_target_chars: int | Mapping[str, int] = 1,
    dedupe_targets: bool | None = None,
    max_new_tokens: int = 128,
    stop: Iterable[str] = (),
    personal_names: NameSource | None,
    protected_texts: TextSource | None = None,
) -> TrainingTask:
    """Register a fine-tuning task (call from ``AppConfig.ready()``; no database access).

    Args:
        name: what ``manage.py finetune <kind> --task NAME`` calls it.
        collect: yields :class:`Example` objects for a :class:`CollectOptions`.
        build_prompt: the prompt the product sends for an example (embedders: the query).
        kind: "generator" (causal LM) or "embedder" (contrastive pairs).
        alias: the LLM_MODELS alias it fine-tunes; default "generate" or "embed".
        description: one line for ``finetune tasks``.
        prompt_version: stored with each version, so callers know which prompt it learnt.
        min_target_chars: shorter targets (after cleaning) are dropped; a dict gives a minimum
            per language ({"en": 40, "zh-hans": 15}; the key "" for every other language).
        dedupe_targets: also drop examples whose target repeats an earlier one (boilerplate
            copy shared by many products); default on for generators, off for embedders.
        max_new_tokens: the generation budget when evaluating (generators).
        stop: stop strings when evaluating (generators).
        personal_names: returns the names the PII scrubber replaces with [NAME] (customers'
            names, read by the app that owns them); required, so that a task says so
            explicitly when its data holds no personal names (None).
        protected_texts: returns texts whose words are never scrubbed as a lone name part (the
            product titles and brands), see ``PIIScrubber``.

    Returns:
        The registered task. Registering the same name again replaces it only if it is
        the same collector (app registries may be populated twice in tests).

    Raises:
        ImproperlyConfigured: an unknown kind, or a second, different task of that name.
    """
    if kind not in KINDS:
        raise ImproperlyConfigured(f"Training task {name!r}: kind must be one of {KINDS}.")
    task = TrainingTask(
        name=name,
        kind=kind,
        collect=collect,
        build_prompt=build_prompt,
        alias=alias or DEFAULT_ALIASES[kind],
        description=description,
        prompt_version=prompt_version,
        min_target_chars=(
            {"": min_target_chars} if isinstance(min_target_chars, int) else dict(min_target_chars)
        ),
        dedupe_targets=kind == "generator" if dedupe_targets is None else dedupe_targets,
        max_new_tokens=max_new_tokens,
        stop=tuple(stop),
        personal_names=personal_names,
        protected_texts=protected_texts,
    )
    existing = _registry.get(name)
    if existing is not None and existing.collect is not collect:
        raise ImproperlyConfigured(f"A different training task named {name!r} is registered.")
    _registry[name] = task
    return task


def unregister_task(name: str) -> None:
    """Remove a task (tests)."""
    _registry.pop(name, None)


def get_task(name: str, *, kind: TaskKind | None = None) -> TrainingTask:
    """The registered task ``name``, optionally checking its kind.

    Raises:
        UnknownTask: none of that name, or it is of another kind.
    """
    task = _registry.get(name)
    if task is None or (kind is not None and task.kind != kind):
        raise UnknownTask(name, kind)
    return task


def registered_tasks(kind: TaskKind | str | None = None) -> list[TrainingTask]:
    """Every registered task (of ``kind``), by name."""
    return sorted(
        (t for t in _registry.values() if kind is None or t.kind == kind), key=lambda t: t.name
    )


# -- datasets ---------------------------------------------------------------------------------


@dataclass
class DatasetStats:
    collected: int = 0
    empty: int = 0
    too_short: int = 0
    duplicates: int = 0
    kept: int = 0
    pii: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "collected": self.collected,
            "empty": self.empty,
            "too_short": self.too_short,
            "duplicates": self.duplicates,
            "kept": self.kept,
            "pii_replaced": dict(sorted(self.pii.items())),
            "languages": dict(sorted(self.languages.items())),
        }


@dataclass(frozen=True)
class Dataset:
    """Cleaned, scrubbed examples split into train and validation."""

    task: str
    train: list[Example]
    validation: list[Example]
    stats: DatasetStats

    @property
    def data_hash(self) -> str:
        """sha256 of the examples and their split: equal hashes mean the same training data."""
        digest = hashlib.sha256()
        for split, examples in (("train", self.train), ("validation", self.validation)):
            for example in examples:
                record = {
                    "split": split,
                    "source": example.source,
                    "target": example.target,
                    "language": example.language,
                }
                digest.update(json.dumps(record, sort_keys=True, ensure_ascii=False).encode())
                digest.update(b"\n")
        return digest.hexdigest()


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {key: _clean_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean_value(item) for item in value]
    return value


def clean_examples(
    examples: Iterable[Example], *, task: TrainingTask, scrubber: PIIScrubber
) -> tuple[list[Example], DatasetStats]:
    """HTML and whitespace cleaned, personal data scrubbed, empty, short and duplicate pairs out.

    Scrubbing happens here, before any example is stored, trained on or logged. Duplicates
    are found after scrubbing (two texts that differ only in an e-mail address are one).
    """
    stats = DatasetStats()
    kept: list[Example] = []
    seen_pairs: set[str] = set()
    seen_targets: set[tuple[str, str]] = set()
    before = Counter(scrubber.counts)
    for example in examples:
        stats.collected += 1
        source = scrubber.scrub_value(_clean_value(dict(example.source)))
        target = scrubber.scrub(clean_text(example.target))
        if not target.strip():
            stats.empty += 1
            continue
        minimum = task.min_target_chars
        if len(target) < minimum.get(example.language, minimum.get("", 1)):
            stats.too_short += 1
            continue
        cleaned = replace(example, source=source, target=target)
        prompt = task.build_prompt(cleaned)
        pair_key = json.dumps([duplicate_key(prompt), duplicate_key(target)], ensure_ascii=False)
        target_key = (example.language, duplicate_key(target))
        if pair_key in seen_pairs or (task.dedupe_targets and target_key in seen_targets):
            stats.duplicates += 1
            continue
        seen_pairs.add(pair_key)
        seen_targets.add(target_key)
        kept.append(cleaned)
    stats.kept = len(kept)
    stats.pii = dict(Counter(scrubber.counts) - before)
    stats.languages = dict(Counter(example.language for example in kept))
    return kept, stats


def split_examples(
    examples: list[Example],
    *,
    validation_fraction: float = 0.1,
    max_validation: int | None = None,
    seed: int = 0,
) -> tuple[list[Example], list[Example]]:
    """A deterministic train/validation split by group (seeded shuffle of the groups).

    At least one group goes to validation when there are two or more groups.
    """
    groups: dict[str, list[Example]] = {}
    for index, example in enumerate(examples):
        groups.setdefault(example.group or example.key or f"#{index}", []).append(example)
    names = sorted(groups)
    random.Random(seed).shuffle(names)
    if len(names) < 2 or validation_fraction <= 0:
        return list(examples), []
    wanted = max(1, round(len(examples) * validation_fraction))
    if max_validation is not None:
        wanted = min(wanted, max_validation)
    validation: list[Example] = []
    validation_groups: set[str] = set()
    for name in names[:-1]:  # at least one group always trains
        if len(validation) >= wanted:
            break
        validation += groups[name]
        validation_groups.add(name)
    train = [e for name in names if name not in validation_groups for e in groups[name]]
    return train, validation


def prepare_dataset(
    task: TrainingTask,
    *,
    scrubber: PIIScrubber,
    options: CollectOptions | None = None,
    validation_fraction: float = 0.1,
    max_validation: int | None = None,
    seed: int = 0,
) -> Dataset:
    """Collect the task's examples, clean and scrub them, and split them.

    Raises:
        ValueError: fewer than two examples survive cleaning (nothing to train and judge on).
    """
    examples, stats = clean_examples(
        task.collect(options or CollectOptions()), task=task, scrubber=scrubber
    )
    if len(examples) < 2:
        raise ValueError(
            f"Task {task.name!r} has {len(examples)} usable example(s) after cleaning "
            f"({stats.collected} collected); at least 2 are needed."
        )
    train, validation = split_examples(
        examples, validation_fraction=validation_fraction, max_validation=max_validation, seed=seed
    )
    if not validation:
        raise ValueError(
            f"Task {task.name!r}: all {len(examples)} examples are in one group; nothing is "
            "left to validate on."
        )
    return Dataset(task=task.name, train=train, validation=validation, stats=stats)
