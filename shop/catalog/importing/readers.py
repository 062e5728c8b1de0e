"""Turn an uploaded file into ``SourceRecord``s: one per would-be product, not yet validated.

Readers only check what they need to split the file into records (encoding, header, JSON
syntax); field values are checked by ``validation``. Line numbers are physical lines, so a
CSV row whose quoted description spans three lines is reported at the line it starts on.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from .results import ImportFileError

# Canonical field names; our CSV columns and JSONL keys use them as they are.
TEXT_FIELDS = (
    "sku",
    "title_en",
    "title_zh",
    "description_en",
    "description_zh",
    "highlights_en",
    "highlights_zh",
    "category",
    "brand",
    "price",
    "compare_at_price",
    "currency",
    "stock",
    "status",
    "image_urls",
    "slug",
)
REQUIRED_COLUMNS = ("sku", "category", "price")
TITLE_COLUMNS = ("title_en", "title_zh")
ATTRIBUTE_PREFIX = "attr:"


@dataclass
class SourceRecord:
    """One would-be product as read from the file.

    A key missing from ``fields`` means the file has no such column, which keeps an existing
    product's value; a key with a blank value clears it.
    """

    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    # Canonical field -> the name the file uses, so messages speak the file's language.
    labels: dict[str, str] = field(default_factory=dict)
    # Problems found while reading, e.g. bad JSON or too many cells.
    errors: list[str] = field(default_factory=list)
    # Shopify names attributes by option name ("Color"), ours by attribute code.
    attributes_by_name: bool = False

    @property
    def sku(self) -> str:
        value = self.fields.get("sku")
        if value is None or isinstance(value, dict | list | bool):
            return ""
        return str(value).strip()

    def label(self, key: str) -> str:
        return self.labels.get(key, key)


@dataclass
class SourceFile:
    file_format: str
    records: list[SourceRecord]


def decode(content: bytes) -> str:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise ImportFileError(
            f"The file is not UTF-8 encoded: byte 0x{content[exc.start]:02x} on line {line} "
            'is not valid UTF-8. Save the file as UTF-8 (in Excel: "CSV UTF-8") and try again.'
        ) from exc
    if not text.strip():
        raise ImportFileError("The file is empty.")
    if "\x00" in text:
        raise ImportFileError(
            "The file contains NUL bytes, so it is UTF-16 or binary rather than UTF-8 text. "
            "Save it as UTF-8 and try again."
        )
    return text


def detect_format(text: str, *, filename: str = "") -> str:
    """The format named by the extension, else guessed from the first line."""
    suffix = PurePath(filename).suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    first_line = text.lstrip().split("\n", 1)[0]
    if suffix != ".csv" and first_line.startswith(("{", "[")):
        return "jsonl"
    header = {cell.strip() for cell in next(csv.reader([first_line]), [])}
    if "Handle" in header and ({"Variant Price", "Variant SKU", "Body (HTML)"} & header):
        return "shopify"
    return "csv"


def csv_rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """``(first physical line, cells)`` for every row that has a non-blank cell."""
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        for cells in reader:
            line, start = start, reader.line_num + 1
            if any(cell.strip() for cell in cells):
                yield line, cells
    except csv.Error as exc:
        raise ImportFileError(
            f"Line {reader.line_num}: the file is not valid CSV ({exc})."
        ) from exc


def read_csv(text: str) -> list[SourceRecord]:
    rows = csv_rows(text)
    try:
        _header_line, header = next(rows)
    except StopIteration:
        raise ImportFileError("The file is empty.") from None
    columns = [_column_key(name) for name in header]
    _check_csv_header(columns)
    labels = {key: key for key in columns if not key.startswith(ATTRIBUTE_PREFIX)}

    records = []
    for line, cells in rows:
        record = SourceRecord(line=line, labels=labels)
        if len(cells) > len(columns):
            record.errors.append(
                f"the row has {len(cells)} cells but the header has {len(columns)} columns "
                "(a comma in a value that is not quoted?)"
            )
        for index, key in enumerate(columns):
            value = cells[index] if index < len(cells) else ""
            if key.startswith(ATTRIBUTE_PREFIX):
                record.fields.setdefault("attributes", {})[key[len(ATTRIBUTE_PREFIX) :]] = value
            else:
                record.fields[key] = value
        records.append(record)
    if not records:
        raise ImportFileError("The file has a header but no product rows.")
    return records


def _column_key(name: str) -> str:
    name = name.strip()
    if name.lower().startswith(ATTRIBUTE_PREFIX):
        return ATTRIBUTE_PREFIX + name[len(ATTRIBUTE_PREFIX) :].strip()
    return name.lower()


def _check_csv_header(columns: list[str]) -> None:
    duplicates = sorted({c for c in columns if columns.count(c) > 1})
    if duplicates:
        raise ImportFileError(f"Duplicate column(s) in the header: {', '.join(duplicates)}.")
    unknown = [
        column or f"(blank column {position})"
        for position, column in enumerate(columns, start=1)
        if column not in TEXT_FIELDS
        and not (column.startswith(ATTRIBUTE_PREFIX) and len(column) > len(ATTRIBUTE_PREFIX))
    ]
    if unknown:
        raise ImportFileError(
            f"Unknown column(s) in the header: {', '.join(unknown)}. "
            f"Allowed: {', '.join(TEXT_FIELDS)} and attr:<attribute code>."
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if not any(c in columns for c in TITLE_COLUMNS):
        missing.append("title_en or title_zh")
    if missing:
        raise ImportFileError(
            f"Missing required column(s): {', '.join(missing)}. "
            f"The header has: {', '.join(columns)}."
        )


def read_jsonl(text: str) -> list[SourceRecord]:
    if text.lstrip().startswith("["):
        raise ImportFileError(
            "The file is a JSON array; the importer reads JSON Lines, one JSON object per line."
        )
    records = []
    for line, raw in enumerate(io.StringIO(text), start=1):
        if not raw.strip():
            continue
        record = SourceRecord(line=line)
        records.append(record)
        try:
            obj = json.loads(raw.rstrip())
        except json.JSONDecodeError as exc:
            record.errors.append(f"invalid JSON: {exc.msg} (column {exc.colno})")
            continue
        except RecursionError:
            record.errors.append("invalid JSON: nested too deeply")
            continue
        if not isinstance(obj, dict):
            record.errors.append(f"expected a JSON object, got {json_type(obj)}")
            continue
        if _contains_nul(obj):
            # A NUL byte is refused in the file as a whole; its JSON escape gets here, and
            # PostgreSQL refuses it in any text, even a lookup by SKU.
            record.errors.append("contains a NUL character (\\u0000), which cannot be stored")
            continue
        unknown = []
        for key, value in obj.items():
            if key in TEXT_FIELDS:
                record.fields[key] = value
            elif key == "attributes":
                if isinstance(value, dict):
                    record.fields.setdefault("attributes", {}).update(value)
                elif value is None:
                    record.fields.setdefault("attributes", {})
                else:
                    record.errors.append(f"attributes must be an object, not {json_type(value)}")
            elif key.lower().startswith(ATTRIBUTE_PREFIX) and len(key) > len(ATTRIBUTE_PREFIX):
                record.fields.setdefault("attributes", {})[key[len(ATTRIBUTE_PREFIX) :]] = value
            else:
                unknown.append(key)
        if unknown:
            record.errors.append(
                f"unknown field(s): {', '.join(unknown)} (allowed: {', '.join(TEXT_FIELDS)}, "
                "attributes)"
            )
    return records


def _contains_nul(value: Any) -> bool:
    """Whether a NUL character is in any key or string of a decoded JSON value (iterative:
    a nesting as deep as json.loads accepts would exhaust the recursion limit)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return "a number"
    return "text"
