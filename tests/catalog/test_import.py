from decimal import Decimal
from io import StringIO
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from shop.catalog import services
from shop.catalog.importing import (
    ImportFileError,
    RowError,
    RowOutcome,
    html_to_text,
    import_catalog,
)
from shop.catalog.models import Attribute, Brand, Category, Product, ProductImage
from tests.factories import (
    AttributeFactory,
    AttributeOptionFactory,
    BrandFactory,
    CategoryAttributeFactory,
    CategoryFactory,
    CategoryTranslationFactory,
    ProductFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    shoes = CategoryFactory(name="Shoes", slug="shoes")
    CategoryTranslationFactory(category=shoes, name="鞋")
    running = CategoryFactory(name="Running Shoes", slug="running-shoes", parent=shoes)
    tees = CategoryFactory(name="T-Shirts", slug="t-shirts")
    CategoryTranslationFactory(category=tees, name="T恤")
    accessories = CategoryFactory(name="Accessories", slug="accessories")
    color = AttributeFactory(code="color", name="Color", name_zh="颜色")
    for value, label, label_zh in [
        ("black", "Black", "黑色"),
        ("red", "Red", "红色"),
        ("white", "White", "白色"),
    ]:
        AttributeOptionFactory(attribute=color, value=value, label=label, label_zh=label_zh)
    size = AttributeFactory(code="size", name="Size", name_zh="尺码")
    for value in ("s", "m", "l"):
        AttributeOptionFactory(attribute=size, value=value, label=value.upper())
    weight = AttributeFactory(code="weight", name="Weight", kind=Attribute.Kind.NUMBER, unit="g")
    CategoryAttributeFactory(category=shoes, attribute=color, required=True)
    CategoryAttributeFactory(category=shoes, attribute=weight)
    CategoryAttributeFactory(category=tees, attribute=color)
    CategoryAttributeFactory(category=tees, attribute=size)
    acme = BrandFactory(name="Acme", slug="acme")
    return SimpleNamespace(
        shoes=shoes, running=running, tees=tees, accessories=accessories, acme=acme
    )


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path, *args):
    stdout, stderr = StringIO(), StringIO()
    call_command("import_catalog", str(path), *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def run_failing(path, *args):
    stdout, stderr = StringIO(), StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("import_catalog", str(path), *args, stdout=stdout, stderr=stderr)
    return str(excinfo.value), stdout.getvalue(), stderr.getvalue()


GOOD_CSV = (
    "sku,title_en,title_zh,description_en,description_zh,highlights_en,highlights_zh,"
    "category,brand,price,compare_at_price,currency,stock,status,attr:color,attr:size,"
    "attr:weight,image_urls,slug\n"
    'RUN-1,Trail Runner,越野跑鞋,"Grippy outsole.\nBreathable mesh.",抓地力强。,'
    "Grippy|Light,抓地|轻便,running-shoes,Acme,89.90,119.00,usd,12,active,Black,,280,"
    "https://img.example.com/run-1a.jpg|https://img.example.com/run-1b.jpg,trail-runner\n"
    "TEE-1,Organic Tee,,Soft cotton.,,,,T-Shirts,Northwind,19,,,0,draft,white,M,,,\n"
    "TEE-2,,有机T恤,,纯棉。,,柔软,T恤,,25,,,5,,红色,l,,,\n"
)


def product_fields(product):
    return {
        "category": product.category.slug,
        "brand": product.brand.name if product.brand else None,
        "language": product.language,
        "title": product.title,
        "description": product.description,
        "highlights": product.highlights,
        "attributes": product.attributes,
        "price": product.price,
        "compare_at_price": product.compare_at_price,
        "currency": product.currency,
        "stock": product.stock,
        "status": product.status,
        "images": [image.external_url for image in product.images.all()],
        "translations": {
            t.language_code: (t.title, t.description, t.highlights)
            for t in product.translations.all()
        },
    }


def test_csv_import_creates_products_with_exact_values(catalog, tmp_path):
    """Every column of the CSV schema lands in the right field, including the zh text."""
    path = write(tmp_path, "catalog.csv", GOOD_CSV)

    stdout, stderr = run(path)

    assert "created 3, updated 0, unchanged 0, rejected 0" in stdout
    assert stderr == ""
    run_1 = Product.objects.get(sku="RUN-1")
    assert product_fields(run_1) == {
        "category": "running-shoes",
        "brand": "Acme",
        "language": "en",
        "title": "Trail Runner",
        "description": "Grippy outsole.\nBreathable mesh.",
        "highlights": ["Grippy", "Light"],
        "attributes": {"color": "black", "weight": 280},
        "price": Decimal("89.90"),
        "compare_at_price": Decimal("119.00"),
        "currency": "USD",
        "stock": 12,
        "status": "active",
        "images": ["https://img.example.com/run-1a.jpg", "https://img.example.com/run-1b.jpg"],
        "translations": {"zh-hans": ("越野跑鞋", "抓地力强。", ["抓地", "轻便"])},
    }
    assert run_1.slug == "trail-runner"
    tee_1 = Product.objects.get(sku="TEE-1")
    assert product_fields(tee_1) == {
        "category": "t-shirts",
        "brand": "Northwind",
        "language": "en",
        "title": "Organic Tee",
        "description": "Soft cotton.",
        "highlights": [],
        "attributes": {"color": "white", "size": "m"},
        "price": Decimal("19.00"),
        "compare_at_price": None,
        "currency": "USD",
        "stock": 0,
        "status": "draft",
        "images": [],
        "translations": {},
    }
    assert tee_1.slug == "organic-tee"
    assert product_fields(Product.objects.get(sku="TEE-2")) == {
        "category": "t-shirts",
        "brand": None,
        "language": "zh-hans",
        "title": "有机T恤",
        "description": "纯棉。",
        "highlights": ["柔软"],
        "attributes": {"color": "red", "size": "l"},
        "price": Decimal("25.00"),
        "compare_at_price": None,
        "currency": "USD",
        "stock": 5,
        "status": "draft",
        "images": [],
        "translations": {},
    }
    assert list(Brand.objects.order_by("name").values_list("name", "slug")) == [
        ("Acme", "acme"),
        ("Northwind", "northwind"),
    ]


def test_reimporting_the_same_file_changes_nothing(catalog, tmp_path):
    """A second import of the same file creates nothing and leaves every row untouched."""
    path = write(tmp_path, "catalog.csv", GOOD_CSV)
    import_catalog(path.read_bytes(), filename=path.name)
    before = {p.sku: p.updated_at for p in Product.objects.all()}
    image_ids = sorted(ProductImage.objects.values_list("pk", flat=True))

    result = import_catalog(path.read_bytes(), filename=path.name)

    assert (result.created, result.updated, result.unchanged, result.rejected) == (0, 0, 3, 0)
    assert result.errors == []
    assert {p.sku: p.updated_at for p in Product.objects.all()} == before
    assert sorted(ProductImage.objects.values_list("pk", flat=True)) == image_ids
    assert Brand.objects.count() == 2


def test_changed_rows_are_updated_and_others_unchanged(catalog, tmp_path):
    """Only rows whose values differ from the stored product count as updated."""
    import_catalog(GOOD_CSV.encode(), filename="catalog.csv")
    changed = GOOD_CSV.replace(
        "Soft cotton.,,,,T-Shirts,Northwind,19,", "Soft cotton.,,,,T-Shirts,Northwind,17.50,"
    )

    result = import_catalog(changed.encode(), filename="catalog.csv")

    assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
    assert result.outcomes == [
        RowOutcome(2, "RUN-1", "unchanged"),
        RowOutcome(4, "TEE-1", "updated"),
        RowOutcome(5, "TEE-2", "unchanged"),
    ]
    assert Product.objects.get(sku="TEE-1").price == Decimal("17.50")
    assert Product.objects.count() == 3


def test_columns_missing_from_the_file_keep_existing_values(catalog):
    """A file with only the required columns updates the price and keeps everything else."""
    import_catalog(GOOD_CSV.encode(), filename="catalog.csv")
    partial = "sku,title_en,category,price\nRUN-1,Trail Runner,running-shoes,95\n"

    result = import_catalog(partial.encode(), filename="prices.csv")

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    product = Product.objects.get(sku="RUN-1")
    assert product_fields(product) == {
        "category": "running-shoes",
        "brand": "Acme",
        "language": "en",
        "title": "Trail Runner",
        "description": "Grippy outsole.\nBreathable mesh.",
        "highlights": ["Grippy", "Light"],
        "attributes": {"color": "black", "weight": 280},
        "price": Decimal("95.00"),
        "compare_at_price": Decimal("119.00"),
        "currency": "USD",
        "stock": 12,
        "status": "active",
        "images": ["https://img.example.com/run-1a.jpg", "https://img.example.com/run-1b.jpg"],
        "translations": {"zh-hans": ("越野跑鞋", "抓地力强。", ["抓地", "轻便"])},
    }


def test_blank_status_keeps_a_live_product_live(catalog):
    """A blank status never unpublishes an existing product; new products start as drafts."""
    ProductFactory(sku="LIVE-1", category=catalog.accessories, status=Product.Status.ACTIVE)
    csv = (
        "sku,title_en,category,price,status\nLIVE-1,Cap,accessories,5,\nNEW-1,Hat,accessories,6,\n"
    )

    import_catalog(csv.encode(), filename="catalog.csv")

    assert Product.objects.get(sku="LIVE-1").status == "active"
    assert Product.objects.get(sku="NEW-1").status == "draft"


GOOD_JSONL = (
    '{"sku": "J-1", "title_en": "Road Shoe", "title_zh": "公路鞋", "description_en": "Fast.",'
    ' "highlights_en": ["Light", "Fast"], "highlights_zh": "轻|快", "category": "shoes",'
    ' "brand": "acme", "price": 59.5, "compare_at_price": "70", "stock": 3,'
    ' "status": "active", "attributes": {"color": "red", "weight": 250.5},'
    ' "image_urls": ["https://img.example.com/j1.jpg"]}\n'
    "\n"
    '{"sku": "J-2", "title_en": "Basic Tee", "category": "T-Shirts", "price": "9.99",'
    ' "attr:size": "S", "attributes": {"color": "Black"}}\n'
)


def test_jsonl_import_creates_products_with_exact_values(catalog, tmp_path):
    """JSON Lines rows accept lists, objects and numbers for the same fields as the CSV."""
    path = write(tmp_path, "catalog.jsonl", GOOD_JSONL)

    result = import_catalog(path.read_bytes(), filename=path.name)

    assert result.file_format == "jsonl"
    assert result.outcomes == [RowOutcome(1, "J-1", "created"), RowOutcome(3, "J-2", "created")]
    assert product_fields(Product.objects.get(sku="J-1")) == {
        "category": "shoes",
        "brand": "Acme",
        "language": "en",
        "title": "Road Shoe",
        "description": "Fast.",
        "highlights": ["Light", "Fast"],
        "attributes": {"color": "red", "weight": 250.5},
        "price": Decimal("59.50"),
        "compare_at_price": Decimal("70.00"),
        "currency": "USD",
        "stock": 3,
        "status": "active",
        "images": ["https://img.example.com/j1.jpg"],
        "translations": {"zh-hans": ("公路鞋", "", ["轻", "快"])},
    }
    assert product_fields(Product.objects.get(sku="J-2")) == {
        "category": "t-shirts",
        "brand": None,
        "language": "en",
        "title": "Basic Tee",
        "description": "",
        "highlights": [],
        "attributes": {"color": "black", "size": "s"},
        "price": Decimal("9.99"),
        "compare_at_price": None,
        "currency": "USD",
        "stock": 0,
        "status": "draft",
        "images": [],
        "translations": {},
    }
    again = import_catalog(path.read_bytes(), filename=path.name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


SHOPIFY_HEADER = (
    "Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,Option1 Name,"
    "Option1 Value,Option2 Name,Option2 Value,Option3 Name,Option3 Value,Variant SKU,"
    "Variant Grams,Variant Inventory Qty,Variant Price,Variant Compare At Price,Image Src,"
    "Image Position,Image Alt Text,Status\n"
)
SHOPIFY_CSV = SHOPIFY_HEADER + (
    "classic-tee,Classic Tee,\"<p>Soft &amp; breathable.</p><script>alert('x')</script>"
    '<ul><li>100% cotton</li><li>Regular fit</li></ul>",Northwind,'
    'Apparel & Accessories > Clothing > T-Shirts,,"summer, basics",TRUE,Color,Black,Size,S,,,'
    "CT-BLK-S,200,7,20.00,25.00,https://cdn.example.com/tee-front.jpg,1,Front,active\n"
    "classic-tee,,,,,,,,,Black,,M,,,,200,-2,20.00,,https://cdn.example.com/tee-back.jpg,2,,\n"
    "classic-tee,,,,,,,,,White,,S,,,CT-WHT-S,200,0,22.00,,,,,\n"
    "classic-tee,,,,,,,,,,,,,,,,,,,https://cdn.example.com/tee-detail.jpg,3,,\n"
    "sun-hat,Sun Hat,<p>Wide brim.</p>,Acme,,Accessories,,FALSE,Title,Default Title,,,,,,"
    "100,4,120.00,,https://cdn.example.com/hat.jpg,1,,archived\n"
)
TEE_IMAGES = [
    "https://cdn.example.com/tee-front.jpg",
    "https://cdn.example.com/tee-back.jpg",
    "https://cdn.example.com/tee-detail.jpg",
]


def test_shopify_export_becomes_one_product_per_variant(catalog, tmp_path):
    """Variants become products; continuation and image rows join their Handle's product."""
    path = write(tmp_path, "products_export_1.csv", SHOPIFY_CSV)

    result = import_catalog(path.read_bytes(), filename=path.name)

    assert result.file_format == "shopify"
    assert result.errors == []
    assert result.outcomes == [
        RowOutcome(2, "CT-BLK-S", "created"),
        RowOutcome(3, "classic-tee-2", "created"),
        RowOutcome(4, "CT-WHT-S", "created"),
        RowOutcome(6, "sun-hat-1", "created"),
    ]
    tee = {
        "category": "t-shirts",
        "brand": "Northwind",
        "language": "en",
        "description": "Soft & breathable.\n\n- 100% cotton\n- Regular fit",
        "highlights": [],
        "currency": "USD",
        "status": "active",
        "images": TEE_IMAGES,
        "translations": {},
    }
    assert product_fields(Product.objects.get(sku="CT-BLK-S")) == {
        **tee,
        "title": "Classic Tee – Black / S",
        "attributes": {"color": "black", "size": "s"},
        "price": Decimal("20.00"),
        "compare_at_price": Decimal("25.00"),
        "stock": 7,
    }
    assert product_fields(Product.objects.get(sku="classic-tee-2")) == {
        **tee,
        "title": "Classic Tee – Black / M",
        "attributes": {"color": "black", "size": "m"},
        "price": Decimal("20.00"),
        "compare_at_price": None,
        "stock": 0,
    }
    assert product_fields(Product.objects.get(sku="CT-WHT-S")) == {
        **tee,
        "title": "Classic Tee – White / S",
        "attributes": {"color": "white", "size": "s"},
        "price": Decimal("22.00"),
        "compare_at_price": None,
        "stock": 0,
    }
    assert product_fields(Product.objects.get(sku="sun-hat-1")) == {
        "category": "accessories",
        "brand": "Acme",
        "language": "en",
        "title": "Sun Hat",
        "description": "Wide brim.",
        "highlights": [],
        "attributes": {},
        "price": Decimal("120.00"),
        "compare_at_price": None,
        "currency": "USD",
        "stock": 4,
        "status": "draft",
        "images": ["https://cdn.example.com/hat.jpg"],
        "translations": {},
    }
    assert not Product.objects.filter(description__icontains="script").exists()
    again = import_catalog(path.read_bytes(), filename=path.name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


def test_shopify_rows_report_their_own_lines(catalog):
    """Unknown options, orphan continuation rows and bad prices point at the exact line."""
    text = SHOPIFY_HEADER + (
        "tee,Tee,,,,T-Shirts,,TRUE,Material,Cotton,,,,,T-1,0,1,10.00,,,,,active\n"
        "ghost,,,,,,,,,,,,,,G-1,0,1,10.00,,,,,\n"
        "hat,Hat,,,,Accessories,,TRUE,Title,Default Title,,,,,H-1,0,1,abc,,,,,retired\n"
        "hat,,,,,,,,,,,,,,,,,,,ftp://cdn.example.com/hat.jpg,2,,\n"
    )

    result = import_catalog(text.encode(), filename="export.csv")

    assert result.errors == [
        RowError(
            2,
            "T-1",
            "option 'Material' matches no attribute of this category (attributes: color, size)",
        ),
        RowError(
            3,
            "",
            "continuation row for Handle 'ghost' has no product row "
            "(the row with its Title) before it",
        ),
        RowError(4, "H-1", "Status 'retired' is not one of: active, draft, archived"),
        RowError(4, "H-1", "Variant Price 'abc' is not a number"),
        RowError(4, "H-1", "Image Src 'ftp://cdn.example.com/hat.jpg' is not a valid http(s) URL"),
    ]
    assert result.rejected == 3
    assert Product.objects.count() == 0


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One</p><p>Two</p>", "One\n\nTwo"),
        ("Line<br>break &amp; &quot;quotes&quot;&nbsp;here", 'Line\nbreak & "quotes" here'),
        ("<div>Keep</div><script>document.write('x')</script><style>p{}</style>", "Keep"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;Safe", "Safe"),
        ("<ol><li>First</li><li>Second</li></ol>", "- First\n- Second"),
        ("", ""),
    ],
)
def test_html_to_text_strips_markup_and_keeps_paragraphs(html, text):
    """Shopify bodies lose every tag and script but keep paragraphs and list items."""
    assert html_to_text(html) == text


BAD_CSV = (
    "sku,title_en,category,price,compare_at_price,stock,status,attr:color,attr:weight\n"
    ",No Sku,shoes,10,,1,active,black,\n"
    "B-2,,shoes,10,,1,active,black,\n"
    "B-3,Shoe,Shoos,10,,1,active,black,\n"
    "B-4,Shoe,shoes,10,,1,active,purple,\n"
    "B-5,Shoe,shoes,abc,,1,active,black,\n"
    "B-6,Shoe,shoes,-5,,1,active,black,\n"
    "B-7,Shoe,shoes,10,8,1,active,black,\n"
    "B-8,Shoe,shoes,10,,many,active,black,\n"
    "B-9,Shoe,shoes,10,,1,live,black,\n"
    "DUP,Shoe,shoes,10,,1,active,black,\n"
    "DUP,Shoe,shoes,10,,1,active,black,\n"
    f"{'S' * 65},Shoe,shoes,10,,1,active,black,\n"
    f"B-11,{'T' * 201},shoes,10,,1,active,black,\n"
    "B-12,Tee,t-shirts,10,,1,active,black,300\n"
    "OK-1,Good Shoe,shoes,10,,1,active,black,\n"
)
BAD_CSV_ERRORS = [
    RowError(2, "", "missing sku"),
    RowError(3, "B-2", "missing title: give title_en or title_zh"),
    RowError(4, "B-3", "unknown category 'Shoos' (did you mean: Shoes (shoes)?)"),
    RowError(5, "B-4", "unknown value 'purple' for attribute 'color' (allowed: black, red, white)"),
    RowError(5, "B-4", "missing required attribute(s): color"),
    RowError(6, "B-5", "price 'abc' is not a number"),
    RowError(7, "B-6", "price must not be negative (got '-5')"),
    RowError(8, "B-7", "compare_at_price 8.00 is below price 10.00"),
    RowError(9, "B-8", "stock 'many' is not a whole number"),
    RowError(10, "B-9", "status 'live' is not one of: draft, active"),
    RowError(11, "DUP", "duplicate sku 'DUP' (also on line 12)"),
    RowError(12, "DUP", "duplicate sku 'DUP' (also on line 11)"),
    RowError(13, "S" * 65, "sku is too long (65 characters; at most 64)"),
    RowError(14, "B-11", "title_en is too long (201 characters; at most 200)"),
    RowError(15, "B-12", "unknown attribute 'weight' for this category (allowed: color, size)"),
]


def test_bad_rows_are_reported_with_line_numbers_and_nothing_is_written(catalog, tmp_path):
    """Every bad row is reported at its line, and one bad row stops the whole import."""
    path = write(tmp_path, "catalog.csv", BAD_CSV)

    result = import_catalog(path.read_bytes(), filename=path.name)

    assert result.errors == BAD_CSV_ERRORS
    assert (result.rejected, result.created, result.written) == (14, 1, False)
    assert result.aborted is True
    assert Product.objects.count() == 0


def test_command_exits_with_error_and_lists_bad_rows(catalog, tmp_path):
    """The command prints each row error and fails without writing."""
    path = write(tmp_path, "catalog.csv", BAD_CSV)

    message, stdout, stderr = run_failing(path)

    assert message == (
        "14 row(s) rejected; nothing was written. Fix them, or rerun with --skip-invalid to "
        "import the 1 valid row(s)."
    )
    assert stderr.splitlines() == [str(error) for error in BAD_CSV_ERRORS]
    assert stderr.splitlines()[6] == "line 7 [B-6]: price must not be negative (got '-5')"
    assert "nothing written (rejected rows): would create 1" in stdout
    assert Product.objects.count() == 0


def test_skip_invalid_writes_only_the_valid_rows(catalog, tmp_path):
    """With --skip-invalid the valid row is written and the bad ones are still reported."""
    path = write(tmp_path, "catalog.csv", BAD_CSV)

    stdout, stderr = run(path, "--skip-invalid")

    assert list(Product.objects.values_list("sku", flat=True)) == ["OK-1"]
    assert "created 1, updated 0, unchanged 0, rejected 14" in stdout
    assert len(stderr.splitlines()) == len(BAD_CSV_ERRORS)


def test_dry_run_reports_and_writes_nothing(catalog, tmp_path):
    """--dry-run validates and counts what would happen without touching the database."""
    ProductFactory(sku="TEE-1", category=catalog.tees, title="Old title")
    path = write(tmp_path, "catalog.csv", GOOD_CSV)

    stdout, _stderr = run(path, "--dry-run", "--verbosity", "2")

    assert "nothing written (dry run): would create 2, would update 1, unchanged 0" in stdout
    assert "line 4 [TEE-1]: updated" in stdout
    assert list(Product.objects.values_list("sku", "title")) == [("TEE-1", "Old title")]
    assert not Brand.objects.filter(name="Northwind").exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (
            "sku,title_en,category,price\nA,Café,shoes,1\n".encode("latin-1"),
            "latin.csv",
            "The file is not UTF-8 encoded: byte 0xe9 on line 2 is not valid UTF-8. Save the "
            'file as UTF-8 (in Excel: "CSV UTF-8") and try again.',
        ),
        (b"", "empty.csv", "The file is empty."),
        (b"\n  \n", "blank.jsonl", "The file is empty."),
        (
            b"sku,title_en,category,price\n",
            "header.csv",
            "The file has a header but no product rows.",
        ),
        (
            b"sku,title_en\nA,Shoe\n",
            "partial.csv",
            "Missing required column(s): category, price. The header has: sku, title_en.",
        ),
        (
            b"sku,tittle_en,category,price\nA,Shoe,shoes,1\n",
            "typo.csv",
            "Unknown column(s) in the header: tittle_en. Allowed: sku, title_en, title_zh, "
            "description_en, description_zh, highlights_en, highlights_zh, category, brand, "
            "price, compare_at_price, currency, stock, status, image_urls, slug and "
            "attr:<attribute code>.",
        ),
        (
            b'[{"sku": "A"}]',
            "array.json",
            "The file is a JSON array; the importer reads JSON Lines, one JSON object per line.",
        ),
    ],
)
def test_unreadable_files_fail_with_a_clear_message(catalog, tmp_path, content, name, message):
    """File-level problems stop the command with one clear sentence and no traceback."""
    path = tmp_path / name
    path.write_bytes(content)

    error, _stdout, _stderr = run_failing(path)

    assert error == f"{path}: {message}"
    with pytest.raises(ImportFileError) as excinfo:
        import_catalog(content, filename=name)
    assert str(excinfo.value) == message
    assert Product.objects.count() == 0


def test_missing_file_fails_with_a_clear_message(tmp_path):
    """A path that does not exist is a CommandError, not a traceback."""
    error, _stdout, _stderr = run_failing(tmp_path / "nope.csv")

    assert error == f"Cannot read {tmp_path / 'nope.csv'}: No such file or directory."


def test_bad_json_lines_are_reported_with_their_line(catalog):
    """Broken JSON, non-objects and unknown keys are row errors at their physical line."""
    text = (
        '{"sku": "J-1", "title_en": "Road Shoe", "category": "shoes", "price": 1, '
        '"attributes": {"color": "red"}}\n'
        '{"sku": "J-2", "title_en": "Oops"\n'
        "[1, 2]\n"
        "\n"
        '{"sku": "J-3", "title_en": "Shoe", "category": "shoes", "price": 1, "colour": "red"}\n'
        '{"sku": "J-4", "title_en": "Shoe", "category": "shoes", "price": [1], "stock": 1.5, '
        '"attributes": {"color": "red"}}\n'
    )

    result = import_catalog(text.encode(), filename="catalog.jsonl")

    assert result.errors == [
        RowError(2, "", "invalid JSON: Expecting ',' delimiter (column 34)"),
        RowError(3, "", "expected a JSON object, got a list"),
        RowError(
            5,
            "J-3",
            "unknown field(s): colour (allowed: sku, title_en, title_zh, description_en, "
            "description_zh, highlights_en, highlights_zh, category, brand, price, "
            "compare_at_price, currency, stock, status, image_urls, slug, attributes)",
        ),
        RowError(5, "J-3", "missing required attribute(s): color"),
        RowError(6, "J-4", "price must be a number, not a list"),
        RowError(6, "J-4", "stock '1.5' is not a whole number"),
    ]
    assert Product.objects.count() == 0


def test_line_numbers_count_physical_lines_of_multiline_cells(catalog):
    """A quoted cell spanning lines shifts the reported line of every later row."""
    text = (
        "sku,title_en,description_en,category,price,attr:color\n"
        'A-1,Shoe,"one\ntwo\nthree",shoes,1,black\n'
        "A-2,Shoe,,shoes,x,black\n"
    )

    result = import_catalog(text.encode(), filename="catalog.csv")

    assert result.errors == [RowError(5, "A-2", "price 'x' is not a number")]


def test_unknown_category_is_created_only_when_asked(catalog):
    """--create-missing-categories creates one top-level category shared by its rows."""
    text = "sku,title_en,category,price\nG-1,Trowel,Garden Tools,12\nG-2,Rake,garden tools,20\n"

    refused = import_catalog(text.encode(), filename="garden.csv")
    created = import_catalog(text.encode(), filename="garden.csv", create_missing_categories=True)

    assert refused.errors == [
        RowError(
            2,
            "G-1",
            "unknown category 'Garden Tools' (known categories: accessories, "
            "running-shoes, shoes, t-shirts)",
        ),
        RowError(
            3,
            "G-2",
            "unknown category 'garden tools' (known categories: accessories, "
            "running-shoes, shoes, t-shirts)",
        ),
    ]
    assert created.created == 2
    garden = Category.objects.get(slug="garden-tools")
    assert (garden.name, garden.parent) == ("Garden Tools", None)
    assert set(garden.products.values_list("sku", flat=True)) == {"G-1", "G-2"}


def test_database_failure_rolls_back_only_its_chunk(catalog, monkeypatch):
    """A chunk the database refuses leaves none of its rows; other chunks are written."""
    original = services.upsert_product

    def failing_upsert(data, *, schema=None):
        if data.sku == "TEE-1":
            raise DatabaseError("disk full")
        return original(data, schema=schema)

    monkeypatch.setattr(services, "upsert_product", failing_upsert)

    result = import_catalog(GOOD_CSV.encode(), filename="catalog.csv", chunk_size=2)

    assert list(Product.objects.values_list("sku", flat=True)) == ["TEE-2"]
    assert not Brand.objects.filter(name="Northwind").exists()
    assert (result.created, result.failed, result.written) == (1, 2, True)
    reason = "not written: the database rejected the chunk of 2 row(s) this row was in (disk full)"
    assert result.errors == [RowError(2, "RUN-1", reason), RowError(4, "TEE-1", reason)]


def test_command_fails_when_a_chunk_was_not_written(catalog, tmp_path, monkeypatch):
    """The command exits non-zero and names the rows whose chunk failed."""
    original = services.upsert_product

    def failing_upsert(data, *, schema=None):
        if data.sku == "TEE-2":
            raise DatabaseError("deadlock")
        return original(data, schema=schema)

    monkeypatch.setattr(services, "upsert_product", failing_upsert)
    path = write(tmp_path, "catalog.csv", GOOD_CSV)

    message, stdout, stderr = run_failing(path, "--chunk-size", "1")

    assert message == (
        "1 row(s) were not written because the database rejected their chunk; the other rows "
        "were written."
    )
    assert "created 2, updated 0, unchanged 0, rejected 0, not written 1" in stdout
    assert stderr.splitlines() == [
        "line 5 [TEE-2]: not written: the database rejected the chunk of 1 row(s) this row was "
        "in (deadlock)"
    ]
    assert Product.objects.count() == 2


def test_more_bad_values_are_reported(catalog):
    """Ambiguous categories, taken slugs, bad currencies, URLs and orphan text are row errors."""
    CategoryFactory(name="Sale", slug="sale-shoes", parent=catalog.shoes)
    CategoryFactory(name="Sale", slug="sale-tees", parent=catalog.tees)
    ProductFactory(sku="OLD-1", slug="taken", category=catalog.accessories)
    text = (
        "sku,title_en,description_zh,category,price,currency,image_urls,slug\n"
        "M-1,Cap,,Sale,1,USD,,\n"
        "M-2,Cap,,accessories,1,dollars,,\n"
        "M-3,Cap,,accessories,1,,ftp://img.example.com/a.jpg|https://img.example.com/b.jpg,\n"
        "M-4,Cap,,accessories,1,,,taken\n"
        "M-5,Cap,,accessories,1,,,not a slug\n"
        "M-6,Cap,只有描述,accessories,1,,,\n"
        "M-7,Cap,,accessories,1,,,same\n"
        "M-8,Cap,,accessories,1,,,same\n"
    )

    result = import_catalog(text.encode(), filename="catalog.csv")

    assert result.errors == [
        RowError(
            2, "M-1", "category 'Sale' is ambiguous (slugs: sale-shoes, sale-tees); use the slug"
        ),
        RowError(3, "M-2", "currency 'dollars' is not a 3-letter code such as USD"),
        RowError(4, "M-3", "image_urls 'ftp://img.example.com/a.jpg' is not a valid http(s) URL"),
        RowError(5, "M-4", "slug 'taken' is already used by product 'OLD-1'"),
        RowError(
            6, "M-5", "slug 'not a slug' may contain only letters, numbers, hyphens and underscores"
        ),
        RowError(7, "M-6", "description_zh given without title_zh"),
        RowError(8, "M-7", "duplicate slug 'same' (also on line 9)"),
        RowError(9, "M-8", "duplicate slug 'same' (also on line 8)"),
    ]
    assert result.rejected == 8
    assert Product.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "option", "expected"),
    [
        ("export.txt", "auto", "shopify"),
        ("products.csv", "auto", "shopify"),
        ("products.data", "shopify", "shopify"),
    ],
)
def test_shopify_exports_are_detected_from_the_header(catalog, name, option, expected):
    """The Shopify header is recognised whatever the file is called."""
    result = import_catalog(SHOPIFY_CSV.encode(), filename=name, file_format=option, dry_run=True)

    assert (result.file_format, result.created) == (expected, 4)


def test_format_option_overrides_detection(catalog, tmp_path):
    """--format csv reads a Shopify export as our CSV and names the unknown columns."""
    path = write(tmp_path, "products.csv", SHOPIFY_CSV)

    message, _stdout, _stderr = run_failing(path, "--format", "csv")

    assert message.startswith(
        f"{path}: Unknown column(s) in the header: handle, title, body (html), vendor,"
    )


def test_examples_in_the_docs_import_cleanly(catalog):
    """The CSV and JSON Lines examples in docs/import.md are valid against a real schema."""
    docs = (settings.BASE_DIR / "docs" / "import.md").read_text(encoding="utf-8")
    csv_example = docs.split("```csv\n", 1)[1].split("```", 1)[0]
    jsonl_example = docs.split("```json\n", 1)[1].split("```", 1)[0]

    csv_result = import_catalog(csv_example.encode(), filename="example.csv")
    jsonl_result = import_catalog(jsonl_example.encode(), filename="example.jsonl")

    assert (csv_result.errors, csv_result.created) == ([], 2)
    assert (jsonl_result.errors, jsonl_result.created) == ([], 2)
    assert Product.objects.get(sku="TEE-2").attributes == {"color": "red", "size": "l"}


def test_a_price_too_large_for_the_decimal_context_is_a_row_error(catalog):
    """1e40 cannot be quantized to cents (InvalidOperation): it is reported, not raised."""
    text = "sku,title_en,category,price,attr:color\nA-1,Shoe,shoes,1e40,black\n"

    result = import_catalog(text.encode(), filename="catalog.csv")

    assert result.errors == [RowError(2, "A-1", "price '1e40' is too large (at most 99999999.99)")]
    assert Product.objects.count() == 0
