"""Hostile catalog files (issue #18): whatever the bytes, the importer answers with its
report (row errors, counts) or refuses the whole file with ImportFileError, never another
exception, in a dry run and in a real import."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shop.catalog.importing import ImportFileError, ImportResult, RowError, import_catalog
from shop.catalog.models import Product
from tests.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    BrandFactory,
    CategoryAttributeFactory,
    CategoryFactory,
    ProductFactory,
)
from tests.hostile import HOSTILE, hostile_text

pytestmark = pytest.mark.django_db

OUR_COLUMNS = [
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
    "attr:color",
    "attr:weight",
    "image_urls",
    "slug",
]
SHOPIFY_COLUMNS = [
    "Handle",
    "Title",
    "Body (HTML)",
    "Vendor",
    "Type",
    "Status",
    "Option1 Name",
    "Option1 Value",
    "Variant SKU",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Inventory Qty",
    "Image Src",
]
OUR_REQUIRED = ["sku", "title_en", "category", "price"]
SHOPIFY_REQUIRED = ["Handle", "Title", "Type", "Variant SKU", "Variant Price"]
# Cells that are right or nearly right, so rows get past the first checks and reach the
# later ones (and some are written); every cell is hostile a fifth of the time.
PLAUSIBLE = {
    "sku": st.sampled_from(["SKU-1", "SKU-2", "EXISTING", "sku 3", "x" * 65]),
    "title_en": st.sampled_from(["Road shoe", "Trail shoe", "t" * 201]),
    "title_zh": st.sampled_from(["跑鞋", ""]),
    "category": st.sampled_from(["shoes", "Shoes", "鞋", "unknown"]),
    "brand": st.sampled_from(["Acme", "acme", "New brand", ""]),
    "price": st.sampled_from(["19.99", "0", "-1", "1e3", "99999999.99", "12.345", "9" * 30]),
    "compare_at_price": st.sampled_from(["29.99", "1", ""]),
    "currency": st.sampled_from(["USD", "cny", "usdx", ""]),
    "stock": st.sampled_from(["0", "5", "-3", "2.5", "9" * 20]),
    "status": st.sampled_from(["draft", "active", "archived", ""]),
    "attr:color": st.sampled_from(["red", "Red", "红色", "purple", ""]),
    "attr:weight": st.sampled_from(["250", "2.5e2", "heavy", "nan", "inf", "1e400"]),
    "image_urls": st.sampled_from(["https://example.com/a.jpg", "ftp://x", "|", "javascript:1"]),
    "slug": st.sampled_from(["road-shoe", "road shoe", "路", ""]),
    "Handle": st.sampled_from(["road-shoe", "trail-shoe", ""]),
    "Title": st.sampled_from(["Road shoe", ""]),
    "Type": st.sampled_from(["shoes", "Shoes", "unknown"]),
    "Vendor": st.sampled_from(["Acme", ""]),
    "Status": st.sampled_from(["active", "draft", "archived", "gone"]),
    "Option1 Name": st.sampled_from(["Size", ""]),
    "Option1 Value": st.sampled_from(["42", "43", ""]),
    "Variant SKU": st.sampled_from(["SKU-1", "SKU-2", "EXISTING", ""]),
    "Variant Price": st.sampled_from(["19.99", "abc", "-5", "1e309"]),
    "Variant Inventory Qty": st.sampled_from(["3", "-1", "x"]),
    "Body (HTML)": st.sampled_from(["<p>Light <b>shoe</b></p>", "<script>x</script>", "<p"]),
}


def cell(column: str) -> st.SearchStrategy[Any]:
    plausible = PLAUSIBLE.get(column, hostile_text)
    return st.one_of(plausible, plausible, plausible, plausible, hostile_text)


def table(required: list[str], columns: list[str]) -> st.SearchStrategy[list[list[str]]]:
    """The required columns and some others (now and then an unknown one), a few rows."""

    @st.composite
    def build(draw: Any) -> list[list[str]]:
        optional = [name for name in columns if name not in required]
        header = [*required, *draw(st.lists(st.sampled_from(optional), max_size=6, unique=True))]
        if draw(st.integers(0, 9)) == 0:
            header.remove(draw(st.sampled_from(required)))
        if draw(st.integers(0, 9)) == 0:
            header.append(draw(hostile_text))
        row = st.tuples(*(cell(name) for name in header)).map(list)
        return [header, *draw(st.lists(row, min_size=1, max_size=4))]

    return build()


def to_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=False, allow_infinity=False),
        hostile_text,
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def jsonl_file(draw: Any) -> bytes:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        optional = st.lists(
            st.sampled_from([c for c in OUR_COLUMNS if c not in OUR_REQUIRED]),
            max_size=6,
            unique=True,
        )
        keys = [*OUR_REQUIRED, *draw(optional)]
        record = {key: draw(st.one_of(cell(key), json_values)) for key in keys}
        line = json.dumps(record, ensure_ascii=False)
        if draw(st.integers(0, 9)) == 0:
            line = draw(st.sampled_from(["[1, 2]", "null", "{", '"text"', "{}", line[:-1]]))
        lines.append(line)
    return "\n".join(lines).encode("utf-8", "surrogatepass")


files = st.one_of(
    table(OUR_REQUIRED, OUR_COLUMNS).map(lambda rows: ("catalog.csv", to_csv(rows))),
    table(SHOPIFY_REQUIRED, SHOPIFY_COLUMNS).map(lambda rows: ("export.csv", to_csv(rows))),
    jsonl_file().map(lambda content: ("catalog.jsonl", content)),
    st.binary(max_size=200).map(lambda content: ("upload.csv", content)),
)


@pytest.fixture
def catalog(db: Any) -> None:
    shoes = CategoryFactory(name="Shoes", slug="shoes")
    color = AttributeFactory(code="color", name="Color", name_zh="颜色")
    AttributeOptionFactory(attribute=color, value="red", label="Red", label_zh="红色")
    weight = AttributeFactory(code="weight", name="Weight", kind="number", unit="g")
    CategoryAttributeFactory(category=shoes, attribute=color)
    CategoryAttributeFactory(category=shoes, attribute=weight)
    BrandFactory(name="Acme", slug="acme")
    ProductFactory(sku="EXISTING", category=shoes, attributes={"color": "red"})


def _import(name: str, content: bytes, **options: Any) -> ImportResult | None:
    try:
        result = import_catalog(content, filename=name, **options)
    except ImportFileError as exc:
        refusal = str(exc)
    else:
        refusal = ""
    if refusal:
        return None
    assert isinstance(result, ImportResult)
    assert all(isinstance(error, RowError) and error.message for error in result.errors)
    return result


VALID_SHOPIFY = (
    "products_export.csv",
    b"Handle,Title,Body (HTML),Type,Option1 Name,Option1 Value,Variant SKU,Variant Price\n"
    b"road-shoe,Road shoe,<p>Light <b>shoe</b></p>,shoes,Size,42,SKU-42,19.99\n"
    b"road-shoe,,,,,43,SKU-43,21.00\n",
)
# Files are cheap to import: more examples than the forms get.
IMPORTS = settings(HOSTILE, max_examples=100)


@IMPORTS
@example(file=VALID_SHOPIFY, create_missing=False)
@given(file=files, create_missing=st.booleans())
def test_dry_run_reports_or_refuses_the_file(
    catalog: None, file: tuple, create_missing: bool
) -> None:
    """A dry run returns its report (nothing written) or refuses the file as a whole."""
    name, content = file
    result = _import(name, content, dry_run=True, create_missing_categories=create_missing)

    if result is not None:
        assert result.written is False
        assert result.valid + result.rejected >= len(result.outcomes)


VALID_CSV = (
    "catalog.csv",
    b"sku,title_en,category,price,attr:color,stock\nSKU-1,Road shoe,shoes,19.99,red,5\n"
    b"EXISTING,Trail shoe,Shoes,29.99,,0\n",
)


@IMPORTS
@example(file=VALID_CSV, skip_invalid=False, all_or_nothing=True)
@given(file=files, skip_invalid=st.booleans(), all_or_nothing=st.booleans())
def test_import_reports_or_refuses_the_file(
    catalog: None, file: tuple, skip_invalid: bool, all_or_nothing: bool
) -> None:
    """A real import returns its report (written, aborted or rolled back) or refuses the
    file; the database refusing a chunk is a row error, not an exception."""
    name, content = file
    result = _import(
        name, content, skip_invalid=skip_invalid, all_or_nothing=all_or_nothing, chunk_size=2
    )

    if result is not None and result.rejected and not skip_invalid:
        assert result.written is False


def test_nul_escape_in_json_lines_is_a_row_error(catalog: None) -> None:
    """Regression: a NUL byte is refused in the file, but its JSON escape reached the
    database (PostgreSQL: DataError on the SKU lookup, an exception instead of a report)."""
    content = (
        b'{"sku": "SKU-1\\u0000", "title_en": "Road shoe", "category": "shoes", "price": "1"}\n'
        b'{"sku": "SKU-2", "title_en": "Trail shoe", "category": "shoes", "price": "2",'
        b' "attributes": {"color": ["\\u0000"]}}\n'
        b'{"sku": "SKU-3", "title_en": "Shoe \\\\u0000", "category": "shoes", "price": "3"}\n'
    )

    result = import_catalog(content, filename="catalog.jsonl", skip_invalid=True)

    assert [(error.line, error.message) for error in result.errors] == [
        (1, "contains a NUL character (\\u0000), which cannot be stored"),
        (2, "contains a NUL character (\\u0000), which cannot be stored"),
    ]
    assert (result.created, result.rejected) == (1, 2)
    assert Product.objects.get(sku="SKU-3").title == "Shoe \\u0000"


def test_json_nested_past_the_recursion_limit_is_a_row_error(catalog: None) -> None:
    """Regression: json.loads raised RecursionError out of the importer."""
    deep = b"[" * 100_000 + b"]" * 100_000
    content = b'{"sku": "SKU-1"}\n{"attributes": {"color": ' + deep + b"}}\n"

    result = import_catalog(content, filename="catalog.jsonl", dry_run=True)

    assert [(error.line, error.message) for error in result.errors][-1] == (
        2,
        "invalid JSON: nested too deeply",
    )
