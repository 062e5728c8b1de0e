from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from shop.catalog import admin_views
from shop.catalog.importing import RowError
from shop.catalog.importing.jobs import run_catalog_import
from shop.catalog.models import CatalogImport, Product
from tests.factories import CategoryFactory, UserFactory

pytestmark = pytest.mark.django_db

CSV = (
    "sku,title_en,title_zh,category,price,stock,status\n"
    "CAP-1,Cap,帽子,accessories,12.50,3,active\n"
    "CAP-2,Beanie,,accessories,9,0,draft\n"
)
BAD_CSV = "sku,title_en,category,price\nCAP-1,Cap,accessories,12.50\nCAP-2,Beanie,hats,abc\n"


@pytest.fixture
def accessories():
    return CategoryFactory(name="Accessories", slug="accessories")


@pytest.fixture
def url():
    return reverse("admin:catalog_product_import")


@pytest.fixture
def merchant(client):
    user = UserFactory(username="merchant", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    """Uploads wait for their task under a temporary CATALOG_IMPORT_DIR."""
    settings.CATALOG_IMPORT_DIR = tmp_path / "imports"
    return settings.CATALOG_IMPORT_DIR


@pytest.fixture
def post(django_capture_on_commit_callbacks):
    """Upload a file; the import task queued on commit runs (inline), then the redirect to
    the status page is followed."""

    def send(client, url, content, **options):
        data = {"file": upload(content), "file_format": "auto", **options}
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
        return client.get(response.url) if response.status_code == 302 else response

    return send


def upload(content, name="catalog.csv"):
    return SimpleUploadedFile(name, content.encode() if isinstance(content, str) else content)


def test_get_renders_the_admin_form_for_staff_with_permissions(client, merchant, url):
    """The page renders inside the admin chrome with dry run ticked by default."""
    response = client.get(url)

    assert response.status_code == 200
    assert response.templates[0].name == "admin/catalog/product/import.html"
    assert response.context["title"] == "Import products"
    assert response.context["site_header"] == "Django administration"
    form = response.context["form"]
    assert form["dry_run"].initial is True
    assert form["skip_invalid"].initial is None
    assert list(form.fields) == [
        "file",
        "file_format",
        "dry_run",
        "skip_invalid",
        "create_missing_categories",
    ]
    assert 'enctype="multipart/form-data"' in response.content.decode()
    assert "csrfmiddlewaretoken" in response.content.decode()


def test_product_changelist_links_to_the_import_page(client, merchant, url):
    """The product list's object tools carry the Import button."""
    response = client.get(reverse("admin:catalog_product_changelist"))

    assert url == "/en/admin/catalog/product/import/"
    assert f'<a href="{url}" class="addlink">Import products</a>' in response.content.decode()


def test_non_staff_are_sent_to_the_admin_login(client, url):
    """A logged-in customer never reaches the view; the admin asks for a staff login."""
    client.force_login(UserFactory(username="customer"))

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('admin:login')}?next={url}"


def test_staff_without_product_permissions_get_403(client, url, accessories, post):
    """Staff need both add and change permission on products to import."""
    user = UserFactory(username="clerk", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_product"))
    client.force_login(user)

    assert client.get(url).status_code == 403
    assert post(client, url, CSV, dry_run="").status_code == 403
    assert Product.objects.count() == 0


def test_staff_with_both_permissions_may_import(client, url, accessories, post):
    """add_product plus change_product is enough; superuser status is not required."""
    user = UserFactory(username="editor", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_product", "change_product"])
    )
    client.force_login(user)

    response = post(client, url, CSV, dry_run="")

    assert response.status_code == 200
    assert Product.objects.count() == 2


def test_dry_run_upload_shows_counts_and_writes_nothing(client, merchant, url, accessories, post):
    """A dry run reports what would be created and leaves the catalog untouched."""
    response = post(client, url, CSV, dry_run="on")

    assert response.status_code == 200
    result = response.context["result"]
    assert (result.dry_run, result.written, result.created, result.rejected) == (
        True,
        False,
        2,
        0,
    )
    html = response.content.decode()
    assert "Dry run: nothing was written" in html
    assert '<th scope="row">Would be created</th><td class="count-created">2</td>' in html
    assert Product.objects.count() == 0


def test_real_upload_writes_products(client, merchant, url, accessories, post):
    """Without dry run the products are created through the same service."""
    response = post(client, url, CSV, dry_run="")

    assert response.status_code == 200
    assert response.context["result"].created == 2
    assert '<th scope="row">Created</th><td class="count-created">2</td>' in (
        response.content.decode()
    )
    cap = Product.objects.get(sku="CAP-1")
    assert (cap.title, cap.price, cap.stock, cap.status) == ("Cap", Decimal("12.50"), 3, "active")
    assert cap.translations.get(language_code="zh-hans").title == "帽子"
    assert Product.objects.get(sku="CAP-2").status == "draft"


def test_bad_rows_are_listed_and_nothing_is_written(client, merchant, url, accessories, post):
    """Rejected rows appear in the error table with their line, and nothing is written."""
    response = post(client, url, BAD_CSV, dry_run="")

    result = response.context["result"]
    assert result.aborted is True
    assert result.errors == [
        RowError(3, "CAP-2", "unknown category 'hats' (known categories: accessories)"),
        RowError(3, "CAP-2", "price 'abc' is not a number"),
    ]
    html = response.content.decode()
    assert "Rows were rejected: nothing was written" in html
    assert "<td>3</td><td>CAP-2</td><td>price &#x27;abc&#x27; is not a number</td>" in html
    assert Product.objects.count() == 0


def test_skip_invalid_upload_writes_the_valid_rows(client, merchant, url, accessories, post):
    """Ticking "skip invalid rows" writes the good row and still lists the bad one."""
    response = post(client, url, BAD_CSV, dry_run="", skip_invalid="on")

    assert response.context["result"].rejected == 1
    assert list(Product.objects.values_list("sku", flat=True)) == ["CAP-1"]


def test_unreadable_file_is_a_form_error(client, merchant, url):
    """A file that is not UTF-8 is reported on the file field, not as a server error."""
    response = client.post(
        url,
        {"file": upload("sku,title_en\nA,Café\n".encode("latin-1")), "file_format": "auto"},
    )

    assert response.status_code == 200
    assert response.context["result"] is None
    assert response.context["form"].errors["file"] == [
        "The file is not UTF-8 encoded: byte 0xe9 on line 2 is not valid UTF-8. Save the file "
        'as UTF-8 (in Excel: "CSV UTF-8") and try again.'
    ]


def test_file_over_the_size_limit_is_refused(client, merchant, url, accessories, monkeypatch, post):
    """Uploads above the limit get a clear error and are not imported."""
    monkeypatch.setattr(admin_views, "MAX_UPLOAD_BYTES", 50)

    response = post(client, url, CSV, dry_run="")

    assert response.context["form"].errors["file"] == [
        f"The file is {len(CSV.encode())}\xa0bytes; uploads are limited to 50\xa0bytes. "
        "Split it, or run "
        "“manage.py import_catalog” on the server."
    ]
    assert Product.objects.count() == 0


def test_upload_without_csrf_token_is_rejected(merchant, url, accessories, post):
    """The form is CSRF protected."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(merchant)

    response = post(client, url, CSV, dry_run="")

    assert response.status_code == 403
    assert Product.objects.count() == 0


def test_upload_is_stored_and_imported_by_the_task_after_commit(
    client, merchant, url, accessories, import_dir, django_capture_on_commit_callbacks
):
    """The request stores the file and queues the import on commit: nothing is imported in
    the request, the status page waits (reloading itself); the task imports the file, records
    the result and deletes it."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {"file": upload(CSV), "file_format": "auto", "dry_run": ""})

    job = CatalogImport.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:catalog_product_import_status", args=[job.pk])
    assert (job.status, job.filename, job.dry_run, job.requested_by) == (
        "queued",
        "catalog.csv",
        False,
        merchant,
    )
    assert (import_dir / job.file.name).read_text() == CSV
    assert Product.objects.count() == 0
    assert len(callbacks) == 1
    waiting = client.get(response.url).content.decode()
    assert "“catalog.csv” is uploaded and waiting to be imported." in waiting
    assert '<meta http-equiv="refresh" content="2">' in waiting

    callbacks[0]()

    job.refresh_from_db()
    assert (job.status, job.result["created"], job.result["written"], job.file.name) == (
        "done",
        2,
        True,
        "",
    )
    assert list(import_dir.rglob("*.csv")) == []
    assert sorted(Product.objects.values_list("sku", flat=True)) == ["CAP-1", "CAP-2"]
    done = client.get(response.url).content.decode()
    assert "“catalog.csv” has been processed." in done
    assert '<th scope="row">Created</th><td class="count-created">2</td>' in done
    assert 'http-equiv="refresh"' not in done
    assert run_catalog_import(job.pk).status == "done"  # a redelivery does nothing more
    assert Product.objects.count() == 2


def test_an_import_the_database_refuses_in_part_writes_nothing(accessories, monkeypatch):
    """All or nothing: when the database refuses a later chunk, the earlier chunks are rolled
    back too (the command's chunked import would have kept them)."""
    from django.db import DatabaseError

    from shop.catalog import services as catalog_services
    from shop.catalog.importing import import_catalog

    upsert = catalog_services.upsert_product

    def refuse_cap_2(data, **kwargs):
        if data.sku == "CAP-2":
            raise DatabaseError("disk full")
        return upsert(data, **kwargs)

    monkeypatch.setattr(catalog_services, "upsert_product", refuse_cap_2)

    result = import_catalog(CSV.encode(), filename="c.csv", chunk_size=1, all_or_nothing=True)

    assert (result.written, result.created, result.failed) == (False, 0, 2)
    assert [str(e) for e in result.errors] == [
        "line 0: nothing was written: the database refused part of the import, so all of it "
        "was rolled back (the rows below say which part)",
        "line 3 [CAP-2]: not written: the database rejected the chunk of 1 row(s) this row "
        "was in (disk full)",
    ]
    assert Product.objects.count() == 0
    chunked = import_catalog(CSV.encode(), filename="c.csv", chunk_size=1)
    assert (chunked.created, chunked.failed) == (1, 1)
    assert list(Product.objects.values_list("sku", flat=True)) == ["CAP-1"]
