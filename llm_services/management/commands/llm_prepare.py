"""manage.py llm_prepare [NAME ...]: local model folders from the installed weight packages."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from llm_services import preparation
from llm_services.preparation import ModelSpec, PackageMissing, PreparationError
from llm_services.preparation.runner import (
    PrepareOutcome,
    inspect_folder,
    installed_version,
    packaged_model_path,
    prepare_model,
)

T = TypeVar("T")


def _megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


class TqdmProgress:
    """One bar per model (its steps) plus a transient bar for long loops inside a step.

    The step bar appears with the first step, so a model that is already up to date draws
    nothing.
    """

    def __init__(self, command: BaseCommand, *, spec: ModelSpec, verbosity: int) -> None:
        self._command = command
        self._spec = spec
        self._enabled = verbosity >= 1
        self._verbose = verbosity >= 2
        self._bar: tqdm | None = None

    def step(self, label: str) -> None:
        if self._bar is None:
            self._bar = tqdm(
                total=len(self._spec.steps) or None,
                desc=self._spec.folder or self._spec.key,
                unit="step",
                disable=not self._enabled,
                bar_format="{desc}: {n_fmt}/{total_fmt} steps |{bar:20}| {elapsed} {postfix}",
            )
        else:
            self._bar.update(1)
        self._bar.set_postfix_str(label)

    def iterate(
        self, items: Iterable[T], *, label: str, total: int | None = None, unit: str = "it"
    ) -> Iterator[T]:
        yield from tqdm(
            items, desc=f"  {label}", total=total, unit=unit, leave=False, disable=not self._enabled
        )

    def log(self, message: str) -> None:
        if self._verbose:
            with tqdm.external_write_mode():
                self._command.stdout.write(f"  {message}")

    def close(self, *, completed: bool) -> None:
        if self._bar is None:
            return
        if completed and self._bar.total:
            self._bar.update(self._bar.total - self._bar.n)
            self._bar.set_postfix_str("done")
        self._bar.close()


class Command(BaseCommand):
    # The checks warn that model folders are missing, which is what this command fixes.
    requires_system_checks: list[str] = []
    help = (
        "Convert the packaged model weights into local model folders under "
        "settings.LLM_MODEL_DIR (default: multilingual-e5-small and Gemma 3 270M). Each folder "
        "is verified against the packaged model and gets a manifest.json; folders that are "
        "already up to date are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "names",
            nargs="*",
            metavar="NAME",
            help="Models to prepare, by key or folder name (see --list). Default: "
            + ", ".join(spec.key for spec in preparation.default_specs())
            + ".",
        )
        parser.add_argument("--all", action="store_true", help="Prepare every known model.")
        parser.add_argument(
            "--include",
            action="append",
            default=[],
            metavar="NAME",
            help="Also prepare this optional model (e.g. --include smollm2); repeatable.",
        )
        parser.add_argument(
            "--output-dir",
            help="Where model folders go (default: settings.LLM_MODEL_DIR).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Rebuild even when a folder is up to date.",
        )
        parser.add_argument(
            "--list",
            action="store_true",
            help="List the known models, their packages and folder state; change nothing.",
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Recompute every file's sha256 against the manifests; build nothing.",
        )

    def handle(self, *args, **options):
        names = tuple(options["names"])
        verbosity = options["verbosity"]
        output_root = Path(options["output_dir"] or str(settings.LLM_MODEL_DIR)).resolve()
        if options["list"]:
            self._list(output_root)
            return
        specs = self._select(names, all_models=options["all"], include=options["include"])
        if options["verify_only"]:
            self._verify(specs, output_root, verbosity)
            return
        # Check every package before starting: a missing one should not surface only after a
        # minute-long conversion of the model before it.
        for spec in specs:
            try:
                installed_version(spec)
            except PackageMissing as exc:
                raise CommandError(str(exc)) from exc

        total_started = time.perf_counter()
        for spec in specs:
            outcome = self._prepare(spec, output_root, force=options["force"], verbosity=verbosity)
            self._report(outcome, verbosity)
        self._build_kernels(verbosity)
        self._build_onnx_files(verbosity)
        self._build_onnx_generators(verbosity)
        if verbosity >= 1 and len(specs) > 1:
            self.stdout.write(f"Done in {time.perf_counter() - total_started:.1f} s.")

    def _build_kernels(self, verbosity: int) -> None:
        """Compile the native kernels now, so that no first request waits for the compiler."""
        from llm_services.kernels import KernelUnavailable, build

        try:
            path = build()
        except KernelUnavailable as exc:
            self.stderr.write(
                self.style.WARNING(
                    f"native kernels unavailable: {exc}. Generation and embedding will run on "
                    "torch's kernels and sentence-transformers (slower); install a C compiler "
                    "(gcc) to fix."
                )
            )
            return
        if verbosity >= 1:
            self.stdout.write(f"native kernels (decode.c, encode.c): {path}")

    def _build_onnx_files(self, verbosity: int) -> None:
        """Export the ONNX files of the embedders configured (LLM_MODELS) with encoder
        "onnxruntime", so that no serving process waits for the export."""
        from llm_services.backends.local_embed import build_onnx_file, onnx_aliases
        from llm_services.exceptions import LLMUnavailable

        for alias in onnx_aliases():
            try:
                line = build_onnx_file(alias)
            except LLMUnavailable as exc:
                self.stderr.write(self.style.WARNING(f"ONNX file not built: {exc}"))
                continue
            if verbosity >= 1:
                self.stdout.write(line)

    def _build_onnx_generators(self, verbosity: int) -> None:
        """Build the ONNX model of each configured generator with decoder "onnxruntime"
        (``llm_services.onnx_decoding``), so that its first load does not wait for the
        builder (about a minute for Gemma 3 270M)."""
        from llm_services.conf import get_model_settings, normalise_config, resolve_model_path
        from llm_services.exceptions import LLMUnavailable
        from llm_services.onnx_decoding import OnnxBuildError, build_model, variant_for, wanted_by

        for alias, raw in get_model_settings().items():
            if not isinstance(raw, dict) or "BACKEND" not in raw:
                continue
            config = normalise_config(raw)
            if config["BACKEND"].rsplit(".", 1)[-1] != "CausalLMGenerator":
                continue
            try:
                source = resolve_model_path(config["MODEL"], alias=alias)
            except LLMUnavailable:
                continue  # not a local folder (a remote model), or reported by the checks
            if not wanted_by(config, source):
                continue
            variant = variant_for(config["OPTIONS"])
            try:
                folder, seconds = build_model(source, variant)
            except (OnnxBuildError, ImportError, OSError) as exc:
                raise CommandError(f"{alias}: could not build its ONNX model: {exc}") from exc
            if verbosity >= 1:
                state = f"built in {seconds:.1f} s" if seconds else "up to date"
                self.stdout.write(f"{alias}: ONNX model ({variant}) {state}: {folder}")

    def _select(
        self, names: tuple[str, ...], *, all_models: bool, include: list[str]
    ) -> list[ModelSpec]:
        if all_models and names:
            raise CommandError("Give model names or --all, not both.")
        try:
            if all_models:
                specs = preparation.preparable_specs()
            elif names:
                specs = [preparation.get_spec(name) for name in names]
            else:
                specs = preparation.default_specs()
            specs += [preparation.get_spec(name) for name in include]
        except PreparationError as exc:
            raise CommandError(str(exc)) from exc
        unique: dict[str, ModelSpec] = {}
        for spec in specs:
            unique.setdefault(spec.key, spec)
        return list(unique.values())

    def _prepare(
        self, spec: ModelSpec, output_root: Path, *, force: bool, verbosity: int
    ) -> PrepareOutcome:
        if not spec.needs_preparation:
            return prepare_model(spec, output_root=output_root)
        progress = TqdmProgress(self, spec=spec, verbosity=verbosity)
        completed = False
        try:
            outcome = prepare_model(
                spec, output_root=output_root, force=force, progress=progress, verbosity=verbosity
            )
            completed = True
        except (PreparationError, OSError) as exc:
            raise CommandError(
                f"{spec.folder}: {exc} (No partial folder was left behind; "
                f"{output_root / spec.folder} is unchanged.)"
            ) from exc
        finally:
            progress.close(completed=completed)
        return outcome

    def _report(self, outcome: PrepareOutcome, verbosity: int) -> None:
        if verbosity < 1:
            return
        spec = outcome.spec
        if outcome.status == "packaged":
            self.stdout.write(
                f"{spec.title}: packaged, no preparation needed (loads from {outcome.path})."
            )
            return
        manifest = outcome.manifest
        assert manifest is not None
        if outcome.status == "up to date":
            self.stdout.write(
                f"{spec.folder}: up to date ({manifest.package} {manifest.package_version}, "
                f"{_megabytes(manifest.total_size)}; checked in {outcome.seconds:.2f} s)."
            )
            return
        reason = "" if outcome.reason == "not prepared" else f" [rebuilt: {outcome.reason}]"
        self.stdout.write(
            self.style.SUCCESS(
                f"{spec.folder}: prepared in {outcome.seconds:.1f} s -> {outcome.path} "
                f"({len(manifest.files)} files, {_megabytes(manifest.total_size)}){reason}"
            )
        )
        if outcome.summary:
            self.stdout.write(f"  {outcome.summary}")

    def _verify(self, specs: list[ModelSpec], output_root: Path, verbosity: int) -> None:
        failures: list[str] = []
        for spec in specs:
            if not spec.needs_preparation:
                if verbosity >= 1:
                    self.stdout.write(f"{spec.title}: packaged, no preparation needed.")
                continue
            try:
                version: str | None = installed_version(spec)
            except PackageMissing:
                version = None
            started = time.perf_counter()
            progress = TqdmProgress(self, spec=spec, verbosity=verbosity)
            try:
                state = inspect_folder(
                    spec,
                    output_root=output_root,
                    package_version=version,
                    full=True,
                    progress=progress,
                )
            finally:
                progress.close(completed=False)
            seconds = time.perf_counter() - started
            if state.status == "ok":
                manifest = state.manifest
                assert manifest is not None
                if verbosity >= 1:
                    self.stdout.write(
                        self.style.SUCCESS(
                            f"{spec.folder}: OK, {len(manifest.files)} files "
                            f"({_megabytes(manifest.total_size)}) match their sha256 "
                            f"({seconds:.1f} s)."
                        )
                    )
                continue
            hint = f" Run `manage.py llm_prepare {spec.key}` to rebuild it."
            failures.append(f"{spec.folder}: {state.status}: {state.reason}.{hint}")
            if version is None:
                failures[-1] += f" (Its package is not installed: {spec.install_line})"
        if failures:
            raise CommandError(
                f"{len(failures)} model folder(s) failed verification:\n" + "\n".join(failures)
            )

    def _list(self, output_root: Path) -> None:
        rows = []
        for spec in preparation.MODELS.values():
            try:
                version: str | None = installed_version(spec)
                package = f"{spec.distribution} {version}"
            except PackageMissing:
                version = None
                package = f"{spec.distribution} (not installed: {spec.install_line})"
            if not spec.needs_preparation:
                location = packaged_model_path(spec) if version else "-"
                status = f"packaged, no preparation needed ({location})"
                rows.append((spec.key, "-", package, status))
                continue
            state = inspect_folder(spec, output_root=output_root, package_version=version)
            if state.status == "ok":
                manifest = state.manifest
                assert manifest is not None
                status = f"prepared {manifest.created}, {_megabytes(manifest.total_size)}"
            elif state.status == "missing":
                status = "not prepared"
            else:
                status = f"{state.status}: {state.reason}"
            role = "default" if spec.default else f"optional: --include {spec.key}"
            rows.append((spec.key, spec.folder or "-", package, f"{status} [{role}]"))
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  ".join([*cells, row[3]]))
        self.stdout.write(f"Model folders: {output_root}")
