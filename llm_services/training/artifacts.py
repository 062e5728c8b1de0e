"""Version folders, their manifest, the loss curve, and the step/time-budgeted training loop."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils import timezone

from llm_services.conf import MANIFEST_NAME, model_dir

VERSIONS_FOLDER = "versions"
LOSS_CURVE_NAME = "loss_curve.png"
MANIFEST_SCHEMA = 1


def versions_dir() -> Path:
    """LLM_MODEL_DIR/versions: where fine-tuned model folders live."""
    return model_dir() / VERSIONS_FOLDER


def new_version_name(alias: str) -> str:
    """``<alias>-<UTC timestamp>``, with a counter if that folder exists already."""
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    name, counter = f"{alias}-{stamp}", 1
    while (versions_dir() / name).exists():
        counter += 1
        name = f"{alias}-{stamp}-{counter}"
    return name


@contextmanager
def building_folder(name: str) -> Iterator[Path]:
    """A temporary folder under versions/ that becomes ``versions/<name>`` on success.

    On any error the temporary folder is removed: a version folder either is complete (it has
    a manifest) or does not exist.
    """
    final = versions_dir() / name
    temporary = versions_dir() / f".building-{name}"
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    try:
        yield temporary
        if not (temporary / MANIFEST_NAME).is_file():
            raise RuntimeError(f"{temporary} has no {MANIFEST_NAME}; refusing to publish it.")
        temporary.rename(final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def stored_path(folder: Path) -> str:
    """How a folder is stored on a ModelVersion: relative to LLM_MODEL_DIR when inside it."""
    try:
        return str(folder.relative_to(model_dir()))
    except ValueError:
        return str(folder)


def write_manifest(folder: Path, data: dict[str, Any]) -> Path:
    """manifest.json with ``data`` and the checksums of the folder's files (written last)."""
    from llm_services.preparation.manifest import record_files

    files = [
        {"path": record.path, "size": record.size, "sha256": record.sha256}
        for record in record_files(folder)
    ]
    path = folder / MANIFEST_NAME
    payload = {"schema": MANIFEST_SCHEMA, **data, "files": files}
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


# -- the loop ---------------------------------------------------------------------------------


@dataclass
class TrainingLog:
    """What the loop did: losses by step (the loss curve), and why it stopped."""

    train: list[tuple[int, float]] = field(default_factory=list)
    validation: list[tuple[int, float]] = field(default_factory=list)
    steps: int = 0
    seconds: float = 0.0
    stopped_by: str = "max_steps"

    def summary(self) -> dict[str, Any]:
        return {
            "steps": self.steps,
            "seconds": round(self.seconds, 1),
            "stopped_by": self.stopped_by,
            "first_train_loss": round(self.train[0][1], 4) if self.train else None,
            "last_train_loss": round(self.train[-1][1], 4) if self.train else None,
            "first_validation_loss": round(self.validation[0][1], 4) if self.validation else None,
            "last_validation_loss": round(self.validation[-1][1], 4) if self.validation else None,
        }


def run_steps(
    step: Callable[[int], float],
    *,
    validate: Callable[[], float],
    max_steps: int,
    time_budget: float,
    eval_every: int,
    show_progress: bool,
    description: str,
) -> TrainingLog:
    """Call ``step(n)`` for n = 1..max_steps until the time budget is spent.

    The validation loss is measured before the first step, every ``eval_every`` steps and
    after the last one. The budget covers the steps and these measurements; a step that has
    started always finishes, so the loop can overrun the budget by one step and the final
    validation. The first step always runs: a budget spent before it (a slow first
    validation on a busy machine) would otherwise leave a version that learnt nothing.
    """
    from tqdm import tqdm

    log = TrainingLog()
    started = time.monotonic()
    log.validation.append((0, validate()))
    with tqdm(
        total=max_steps, desc=description, unit="step", disable=not show_progress, leave=True
    ) as bar:
        for number in range(1, max_steps + 1):
            if number > 1 and time.monotonic() - started >= time_budget:
                log.stopped_by = "time_budget"
                break
            loss = step(number)
            log.train.append((number, loss))
            log.steps = number
            bar.update(1)
            bar.set_postfix(loss=f"{loss:.4f}")
            if number % eval_every == 0 and number != max_steps:
                log.validation.append((number, validate()))
    if log.steps and log.validation[-1][0] != log.steps:
        log.validation.append((log.steps, validate()))
    log.seconds = time.monotonic() - started
    return log


def plot_loss_curve(log: TrainingLog, path: Path, *, title: str) -> Path:
    """Train and validation loss by step, as a PNG (matplotlib's Agg canvas, no display)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7, 4), dpi=100)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if log.train:
        steps, losses = zip(*log.train, strict=True)
        axes.plot(steps, losses, label="train", color="#4477aa", linewidth=1.2)
    if log.validation:
        steps, losses = zip(*log.validation, strict=True)
        axes.plot(steps, losses, label="validation", color="#ee6677", marker="o", linewidth=1.5)
    axes.set_xlabel("step")
    axes.set_ylabel("loss")
    axes.set_title(title)
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, format="png")
    return path
