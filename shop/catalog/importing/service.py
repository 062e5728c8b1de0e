"""Catalog import: read and validate the whole file first, then write in chunks.

``import_catalog`` is what the command and the admin view call. It is split into
``prepare_import`` (read + validate, no writes) and ``apply_import`` (write) so that a caller
can size a progress bar before the writes start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from .. import services
from ..models import Brand, Category
from .readers import SourceFile, decode, detect_format, read_csv, read_jsonl
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
from .shopify import read_shopify
from .validation import CatalogLookup, NewCategory, PlannedRow, unique_new_slug, validate_record

DEFAULT_CHUNK_SIZE = 200


@dataclass
class ImportPlan:
    """A validated file: the rows to write and the rows rejected."""

    file_format: str
    rows: list[PlannedRow]
    errors: list[RowError]
    rejected: int

    @property
    def write_count(self) -> int:
        return sum(1 for row in self.rows if row.action != UNCHANGED)


def read_source(content: bytes, *, filename: str = "", file_format: str = "auto") -> SourceFile:
    """Decode ``content``, pick its format and split it into records.

    Raises:
        ImportFileError: bad encoding, empty file, unknown format or a bad header.
    """
    text = decode(content)
    if file_format == "auto":
        file_format = detect_format(text, filename=filename)
    readers = {"csv": read_csv, "jsonl": read_jsonl, "shopify": read_shopify}
    if file_format not in readers:
        raise ImportFileError(
            f"Unknown format '{file_format}'; use one of: auto, {', '.join(FORMATS)}."
        )
    return SourceFile(file_format=file_format, records=readers[file_format](text))


def prepare_import(
    content: bytes,
    *,
    filename: str = "",
    file_format: str = "auto",
    create_missing_categories: bool = False,
) -> ImportPlan:
    """Read and validate a whole file without writing anything.

    Args:
        content: the raw file; it must be UTF-8 (a BOM is fine).
        filename: used only to detect the format from its extension.
        file_format: "auto", "csv", "jsonl" or "shopify".
        create_missing_categories: plan unknown categories as new top-level ones instead of
            rejecting their rows.

    Raises:
        ImportFileError: when the file as a whole cannot be read.
    """
    source = read_source(content, filename=filename, file_format=file_format)
    records = source.records
    lookup = CatalogLookup(create_missing_categories=create_missing_categories)
    existing = lookup.existing_products(list(dict.fromkeys(r.sku for r in records if r.sku)))

    messages: list[list[str]] = []
    planned: list[PlannedRow | None] = []
    for record in records:
        row, errors = validate_record(record, lookup=lookup, existing=existing.get(record.sku))
        planned.append(row)
        messages.append(errors)

    positions_by_sku: dict[str, list[int]] = defaultdict(list)
    for position, record in enumerate(records):
        if record.sku:
            positions_by_sku[record.sku].append(position)
    for sku, positions in positions_by_sku.items():
        if len(positions) == 1:
            continue
        for position in positions:
            others = [records[p].line for p in positions if p != position]
            messages[position].append(
                f"duplicate {records[position].label('sku')} '{sku}' (also on {_lines(others)})"
            )
    _check_slugs(planned, messages, lookup)

    rows: list[PlannedRow] = []
    errors: list[RowError] = []
    for record, row, row_messages in zip(records, planned, messages, strict=True):
        if row_messages:
            errors.extend(RowError(record.line, record.sku, m) for m in row_messages)
        elif row is not None:
            rows.append(row)
    return ImportPlan(
        file_format=source.file_format,
        rows=rows,
        errors=errors,
        rejected=sum(1 for row_messages in messages if row_messages),
    )


def _lines(lines: list[int]) -> str:
    return ("line " if len(lines) == 1 else "lines ") + ", ".join(str(n) for n in lines)


def _check_slugs(
    planned: list[PlannedRow | None], messages: list[list[str]], lookup: CatalogLookup
) -> None:
    by_slug: dict[str, list[tuple[int, PlannedRow]]] = defaultdict(list)
    for position, row in enumerate(planned):
        if row is not None and row.data.slug:
            by_slug[row.data.slug].append((position, row))
    owners = lookup.slug_owners(list(by_slug))
    for slug, rows in by_slug.items():
        for position, row in rows:
            owner = owners.get(slug)
            if owner is not None and owner != row.sku:
                messages[position].append(f"slug '{slug}' is already used by product '{owner}'")
            others = [other.line for p, other in rows if p != position]
            if others:
                messages[position].append(f"duplicate slug '{slug}' (also on {_lines(others)})")


def apply_import(
    plan: ImportPlan,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Callable[[int], object] | None = None,
    all_or_nothing: bool = False,
) -> ImportResult:
    """Write a validated plan, ``chunk_size`` products per transaction.

    Nothing is written on a dry run, or when rows were rejected and ``skip_invalid`` is
    false. A chunk the database refuses is rolled back as a whole; its rows are reported as
    errors and counted in ``failed`` while later chunks still run. With ``all_or_nothing``
    (the admin's imports) the chunks share one transaction: a chunk the database refuses
    rolls the whole import back, every row counts as ``failed`` and nothing is written.
    """
    if all_or_nothing and not dry_run and not (plan.rejected and not skip_invalid):
        writes = sum(1 for row in plan.rows if row.action != UNCHANGED)
        try:
            with transaction.atomic():
                result = apply_import(
                    plan, skip_invalid=skip_invalid, chunk_size=chunk_size, progress=progress
                )
                if result.failed:
                    raise _RolledBack(result)
        except _RolledBack as rolled_back:
            result = rolled_back.result
            result.written = False
            result.created = result.updated = 0
            result.unchanged = len(plan.rows) - writes
            result.failed = writes
            result.outcomes = []
            result.errors.insert(
                0,
                RowError(
                    0,
                    "",
                    "nothing was written: the database refused part of the import, so all "
                    "of it was rolled back (the rows below say which part)",
                ),
            )
        return result
    result = ImportResult(
        file_format=plan.file_format,
        dry_run=dry_run,
        rejected=plan.rejected,
        errors=list(plan.errors),
    )
    if dry_run or (plan.rejected and not skip_invalid):
        for row in plan.rows:
            _count(result, row.action)
            result.outcomes.append(RowOutcome(row.line, row.sku, row.action))
        return result

    result.written = True
    writer = _Writer()
    outcomes = {row.line: RowOutcome(row.line, row.sku, UNCHANGED) for row in plan.rows}
    result.unchanged = len(plan.rows) - plan.write_count
    pending = [row for row in plan.rows if row.action != UNCHANGED]
    for start in range(0, len(pending), max(1, chunk_size)):
        chunk = pending[start : start + max(1, chunk_size)]
        try:
            with transaction.atomic():
                actions = [writer.write(row) for row in chunk]
        except (DatabaseError, ValidationError) as exc:
            writer.rollback()
            result.failed += len(chunk)
            reason = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            for row in chunk:
                del outcomes[row.line]
                result.errors.append(
                    RowError(
                        row.line,
                        row.sku,
                        f"not written: the database rejected the chunk of {len(chunk)} "
                        f"row(s) this row was in ({reason})",
                    )
                )
        else:
            writer.commit()
            for row, action in zip(chunk, actions, strict=True):
                _count(result, action)
                outcomes[row.line] = RowOutcome(row.line, row.sku, action)
        if progress is not None:
            progress(len(chunk))
    result.errors.sort(key=lambda error: error.line)
    result.outcomes = sorted(outcomes.values(), key=lambda outcome: outcome.line)
    return result


class _RolledBack(Exception):
    """Raised inside an all-or-nothing import's transaction to roll all of it back."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("import rolled back")
        self.result = result


def import_catalog(
    content: bytes,
    *,
    filename: str = "",
    file_format: str = "auto",
    dry_run: bool = False,
    skip_invalid: bool = False,
    create_missing_categories: bool = False,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: Callable[[int], object] | None = None,
    all_or_nothing: bool = False,
) -> ImportResult:
    """Import a catalog file (our CSV, JSON Lines or a Shopify export); see docs/import.md.

    The whole file is validated before anything is written. Products are upserted by SKU
    through ``services.upsert_product``, so importing the same file twice changes nothing.

    Returns:
        The counts, the row errors and each valid row's outcome.

    Raises:
        ImportFileError: when the file as a whole cannot be read; nothing is written.
    """
    plan = prepare_import(
        content,
        filename=filename,
        file_format=file_format,
        create_missing_categories=create_missing_categories,
    )
    return apply_import(
        plan,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        chunk_size=chunk_size,
        progress=progress,
        all_or_nothing=all_or_nothing,
    )


def _count(result: ImportResult, action: str) -> None:
    if action == CREATED:
        result.created += 1
    elif action == UPDATED:
        result.updated += 1
    else:
        result.unchanged += 1


class _Writer:
    """Writes planned rows, creating new categories and brands once per import."""

    def __init__(self) -> None:
        self.categories: dict[str, Category] = {}
        self.brands: dict[str, int] = {}
        # Created inside the open chunk; forgotten if that chunk rolls back.
        self._chunk_categories: dict[str, Category] = {}
        self._chunk_brands: dict[str, int] = {}

    def write(self, row: PlannedRow) -> str:
        data = row.data
        if row.new_category is not None:
            data = replace(data, category=self._category(row.new_category))
        if row.new_brand:
            data = replace(data, brand_id=self._brand_id(row.new_brand))
        _product, created = services.upsert_product(data, schema=row.schema)
        return CREATED if created else UPDATED

    def commit(self) -> None:
        self.categories.update(self._chunk_categories)
        self.brands.update(self._chunk_brands)
        self._chunk_categories, self._chunk_brands = {}, {}

    def rollback(self) -> None:
        self._chunk_categories, self._chunk_brands = {}, {}

    def _category(self, new: NewCategory) -> Category:
        category = self.categories.get(new.key) or self._chunk_categories.get(new.key)
        if category is None:
            category = Category.objects.filter(parent=None, name__iexact=new.name).first()
        if category is None:
            slug = unique_new_slug(
                new.name,
                prefix="category",
                taken=lambda s: Category.objects.filter(slug=s).exists(),
            )
            category = Category.objects.create(name=new.name, slug=slug)
        self._chunk_categories[new.key] = category
        return category

    def _brand_id(self, name: str) -> int:
        key = name.casefold()
        brand_id = self.brands.get(key) or self._chunk_brands.get(key)
        if brand_id is None:
            brand = Brand.objects.filter(name__iexact=name).first()
            if brand is None:
                slug = unique_new_slug(
                    name, prefix="brand", taken=lambda s: Brand.objects.filter(slug=s).exists()
                )
                brand = Brand.objects.create(name=name, slug=slug)
            brand_id = brand.pk
        self._chunk_brands[key] = brand_id
        return brand_id
