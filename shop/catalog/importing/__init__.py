"""Catalog import from our CSV / JSON Lines schema or a Shopify export (docs/import.md).

from shop.catalog.importing import import_catalog
result = import_catalog(path.read_bytes(), filename=path.name, dry_run=True)
"""

from .results import (
    CREATED,
    FORMATS,
    UNCHANGED,
    UPDATED,
    ImportFileError,
    ImportResult,
    RowError,
    RowOutcome,
)
from .service import DEFAULT_CHUNK_SIZE, ImportPlan, apply_import, import_catalog, prepare_import
from .shopify import html_to_text

__all__ = [
    "CREATED",
    "DEFAULT_CHUNK_SIZE",
    "FORMATS",
    "UNCHANGED",
    "UPDATED",
    "ImportFileError",
    "ImportPlan",
    "ImportResult",
    "RowError",
    "RowOutcome",
    "apply_import",
    "html_to_text",
    "import_catalog",
    "prepare_import",
]
