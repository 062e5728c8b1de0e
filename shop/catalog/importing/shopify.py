"""Shopify product CSV export -> one ``SourceRecord`` per variant.

Shopify spreads a product over several rows with the same Handle: the first row carries the
Title and the product fields plus the first variant; continuation rows (empty Title) carry
another variant, an extra image, or both. The catalog has no variants, so every variant
becomes a product of its own (see docs/import.md, "Shopify export").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .readers import SourceRecord, csv_rows
from .results import ImportFileError

REQUIRED_COLUMNS = ("Handle", "Title", "Variant Price")
OPTION_COUNT = 3
VARIANT_COLUMNS = (
    "Option1 Value",
    "Option2 Value",
    "Option3 Value",
    "Variant SKU",
    "Variant Price",
    "Variant Compare At Price",
    "Variant Inventory Qty",
)
STATUS_MAP = {"active": "active", "draft": "draft", "archived": "draft"}
TITLE_SEPARATOR = " – "
LABELS = {
    "sku": "Variant SKU",
    "title_en": "Title",
    "description_en": "Body (HTML)",
    "brand": "Vendor",
    "category": "Type",
    "price": "Variant Price",
    "compare_at_price": "Variant Compare At Price",
    "stock": "Variant Inventory Qty",
    "status": "Status",
    "image_urls": "Image Src",
}


@dataclass
class _Variant:
    line: int
    sku: str
    option_values: list[str]
    price: str
    compare_at_price: str
    stock: str
    image: str


@dataclass
class _Product:
    line: int
    handle: str
    title: str
    body_html: str
    vendor: str
    category: str
    category_fallback: str
    status: str
    status_error: str
    option_names: list[str]
    variants: list[_Variant] = field(default_factory=list)
    # (position, line, url); position None sorts after numbered images
    images: list[tuple[int | None, int, str]] = field(default_factory=list)


def read_shopify(text: str) -> list[SourceRecord]:
    rows = csv_rows(text)
    try:
        _header_line, header = next(rows)
    except StopIteration:
        raise ImportFileError("The file is empty.") from None
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(name.strip(), position)
    missing = [name for name in REQUIRED_COLUMNS if name not in index]
    if missing:
        raise ImportFileError(
            f"Missing required Shopify column(s): {', '.join(missing)}. "
            "Export the products from Shopify admin (Products > Export) as a plain CSV file."
        )

    products: dict[str, _Product] = {}
    orphans: list[SourceRecord] = []
    for line, cells in rows:

        def cell(name: str, cells: list[str] = cells) -> str:
            position = index.get(name)
            return cells[position].strip() if position is not None and position < len(cells) else ""

        handle = cell("Handle")
        if not handle:
            orphans.append(SourceRecord(line=line, errors=["missing Handle"]))
            continue
        product = products.get(handle)
        if cell("Title"):
            if product is not None:
                orphans.append(
                    SourceRecord(
                        line=line,
                        errors=[
                            f"Title given again for Handle '{handle}' "
                            f"(the product starts on line {product.line})"
                        ],
                    )
                )
                continue
            product = _start_product(line, handle, cell, has_status="Status" in index)
            products[handle] = product
            product.variants.append(_variant(line, cell))
        elif product is None:
            orphans.append(
                SourceRecord(
                    line=line,
                    errors=[
                        f"continuation row for Handle '{handle}' has no product row "
                        "(the row with its Title) before it"
                    ],
                )
            )
            continue
        elif any(cell(name) for name in VARIANT_COLUMNS):
            product.variants.append(_variant(line, cell))
        image = cell("Image Src")
        if image:
            position = cell("Image Position")
            product.images.append((int(position) if position.isdigit() else None, line, image))

    if not products and not orphans:
        raise ImportFileError("The file has a header but no product rows.")
    records = [record for product in products.values() for record in _records(product)]
    return sorted(records + orphans, key=lambda r: r.line)


def _start_product(
    line: int, handle: str, cell: Callable[[str], str], *, has_status: bool
) -> _Product:
    status_error = ""
    if has_status:
        raw_status = cell("Status").lower()
        status = STATUS_MAP.get(raw_status, "")
        if raw_status and not status:
            status_error = f"Status '{cell('Status')}' is not one of: {', '.join(STATUS_MAP)}"
    else:
        # Older exports have no Status column; Published says whether the product is live.
        status = "active" if cell("Published").lower() == "true" else "draft"
    product_category = cell("Product Category")
    return _Product(
        line=line,
        handle=handle,
        title=cell("Title"),
        body_html=cell("Body (HTML)"),
        vendor=cell("Vendor"),
        category=cell("Type"),
        category_fallback=product_category.rsplit(">", 1)[-1].strip(),
        status=status,
        status_error=status_error,
        option_names=[cell(f"Option{n} Name") for n in range(1, OPTION_COUNT + 1)],
    )


def _variant(line: int, cell: Callable[[str], str]) -> _Variant:
    stock = cell("Variant Inventory Qty")
    # Shopify lets oversold variants go negative; the catalog's stock cannot.
    if re.fullmatch(r"-\d+", stock):
        stock = "0"
    return _Variant(
        line=line,
        sku=cell("Variant SKU"),
        option_values=[cell(f"Option{n} Value") for n in range(1, OPTION_COUNT + 1)],
        price=cell("Variant Price"),
        compare_at_price=cell("Variant Compare At Price"),
        stock=stock,
        image=cell("Variant Image"),
    )


def _records(product: _Product) -> list[SourceRecord]:
    description = html_to_text(product.body_html)
    ordered = sorted(product.images, key=lambda image: (image[0] is None, image[0] or 0, image[1]))
    images = [url for _position, _line, url in ordered]
    records = []
    for number, variant in enumerate(product.variants, start=1):
        options = {
            name or f"Option{n}": value
            for n, (name, value) in enumerate(
                zip(product.option_names, variant.option_values, strict=True), start=1
            )
            if value and not (name.lower() == "title" and value.lower() == "default title")
        }
        title = product.title
        if options and len(product.variants) > 1:
            title = f"{title}{TITLE_SEPARATOR}{' / '.join(options.values())}"
        image_urls = list(dict.fromkeys(([variant.image] if variant.image else []) + images))
        record = SourceRecord(
            line=variant.line,
            labels=LABELS,
            attributes_by_name=True,
            fields={
                "sku": variant.sku or f"{product.handle}-{number}",
                "title_en": title,
                "description_en": description,
                "brand": product.vendor,
                "category": product.category or product.category_fallback,
                "category_fallback": product.category_fallback,
                "price": variant.price,
                "compare_at_price": variant.compare_at_price,
                "stock": variant.stock,
                "status": product.status,
                "attributes": options,
                "image_urls": image_urls,
            },
        )
        if product.status_error:
            record.errors.append(product.status_error)
        records.append(record)
    return records


class _TextExtractor(HTMLParser):
    # Content of these is code or metadata, never product copy.
    SKIPPED = frozenset(
        {"script", "style", "noscript", "template", "iframe", "object", "svg", "head", "title"}
    )
    BLOCKS = frozenset(
        {
            "p",
            "div",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "ul",
            "ol",
            "table",
            "blockquote",
            "section",
            "article",
            "header",
            "footer",
            "pre",
            "hr",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self.skipping += 1
        elif self.skipping:
            return
        elif tag in self.BLOCKS:
            self.parts.append("\n\n")
        elif tag in ("br", "tr"):
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif not self.skipping and tag in self.BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self.skipping:
            return
        # Entities are decoded by now, so "&lt;script&gt;" has become a tag again: drop it.
        data = _ESCAPED_SCRIPT.sub(" ", data)
        data = _TAG_LIKE.sub(" ", data)
        self.parts.append(re.sub(r"\s+", " ", data.replace("\xa0", " ")))


_ESCAPED_SCRIPT = re.compile(r"<\s*(script|style)\b.*?(<\s*/\s*\1\s*>|$)", re.I | re.S)
_TAG_LIKE = re.compile(r"<\s*/?\s*[a-zA-Z!][^<>]*>")


def html_to_text(html: str) -> str:
    """Shopify's Body (HTML) as clean text: no tags or scripts, entities decoded.

    Paragraph-level elements become blank lines, ``<br>`` a line break and list items
    "- " lines, so the storefront's plain-text rendering keeps the structure.
    """
    if not html.strip():
        return ""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = [re.sub(r" {2,}", " ", line).strip() for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
