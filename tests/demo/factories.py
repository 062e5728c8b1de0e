"""Broken copies of the demo content, made from the shipped files for one test each."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from demo.reader import CONTENT_DIR


def content_copy(directory: Path) -> Path:
    """A copy of the shipped content folder under ``directory``."""
    target = directory / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def edit_content(directory: Path, name: str, change: Callable[[Any], None]) -> Path:
    """Copy the content, apply ``change`` to the data of file ``name`` and write it back.

    Returns:
        The path of the changed file.
    """
    root = content_copy(directory)
    path = root / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
