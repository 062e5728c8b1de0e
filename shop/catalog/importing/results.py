"""What an import reports back: counts, row errors and per-row outcomes."""

from __future__ import annotations

from dataclasses import dataclass, field

FORMATS = ("csv", "jsonl", "shopify")

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"


class ImportFileError(Exception):
    """The file as a whole cannot be imported (encoding, empty, missing columns).

    Nothing is written; the message is meant for the person who uploaded the file.
    """


@dataclass(frozen=True)
class RowError:
    """One problem with one row; ``line`` is the physical line in the file, header = 1."""

    line: int
    sku: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}"
        if self.sku:
            where += f" [{self.sku}]"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class RowOutcome:
    line: int
    sku: str
    action: str  # CREATED, UPDATED or UNCHANGED


@dataclass
class ImportResult:
    """The outcome of one import, rendered by the command and by the admin view.

    When ``written`` is false (a dry run, or rejected rows stopped the import) the counts say
    what the valid rows *would* do.
    """

    file_format: str
    dry_run: bool = False
    written: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # Rows that failed validation.
    rejected: int = 0
    # Valid rows whose chunk the database refused; each has a RowError too.
    failed: int = 0
    errors: list[RowError] = field(default_factory=list)
    outcomes: list[RowOutcome] = field(default_factory=list)

    @property
    def aborted(self) -> bool:
        """Rejected rows stopped a real import before anything was written."""
        return not self.dry_run and not self.written and self.rejected > 0

    @property
    def valid(self) -> int:
        return self.created + self.updated + self.unchanged
