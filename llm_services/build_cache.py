"""Built model files kept under LLM_MODEL_DIR: one current build per source and variant.

An ONNX build is named ``<source>-<variant>-<16 hex digest>`` (a folder, or a ``.onnx`` file);
the digest changes with the source's weights, the options and the engine's version. Once a new
build is in place, the older builds of the same source and variant are removed, so upgrades do
not pile up gigabytes. A process still running on an old build keeps working: it holds the
files open, and Linux frees them only when it closes them.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

logger = logging.getLogger("llm_services")

_BUILD_NAME = re.compile(r"^(?P<stem>.+)-(?P<digest>[0-9a-f]{16})(?P<suffix>\.onnx)?$")


def prune_older_builds(current: Path) -> list[Path]:
    """Remove the other builds of ``current``'s source and variant (and their lock files);
    returns what was removed. Anything not named like a build is left alone."""
    match = _BUILD_NAME.match(current.name)
    if match is None:
        raise ValueError(f"{current.name!r} is not named <source>-<variant>-<digest>")
    removed = []
    for sibling in current.parent.iterdir():
        other = _BUILD_NAME.match(sibling.name)
        if (
            sibling == current
            or other is None
            or other["stem"] != match["stem"]
            or other["suffix"] != match["suffix"]
        ):
            continue
        if sibling.is_dir():
            shutil.rmtree(sibling, ignore_errors=True)
        else:
            sibling.unlink(missing_ok=True)
        # A sidecar of an external-data ONNX file ("<name>.data") goes with it.
        sibling.with_name(f"{sibling.name}.data").unlink(missing_ok=True)
        sibling.with_name(f".{sibling.name}.lock").unlink(missing_ok=True)
        removed.append(sibling)
    if removed:
        logger.info("Removed %d older build(s) of %s", len(removed), match["stem"])
    return removed
