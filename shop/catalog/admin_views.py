"""Admin pages that are not a ModelAdmin view: the catalog import upload and its status.

``admin.ProductAdmin.get_urls()`` mounts ``import_catalog_view`` at
``admin:catalog_product_import`` and ``import_status_view`` at
``admin:catalog_product_import_status`` behind ``admin_site.admin_view`` (staff login, CSRF).
The upload is stored and imported by a Celery task (``shop.catalog.importing.jobs``); the
status page reloads itself until the task has finished.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from .importing import ImportFileError
from .importing.jobs import result_from_dict, start_catalog_import
from .importing.service import read_source
from .models import CatalogImport, Product

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The status page reloads itself this often while the import is queued or running.
STATUS_REFRESH_SECONDS = 2


class CatalogImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Our CSV or JSON Lines schema, or a Shopify product export (see docs/import.md). "
            "UTF-8, at most 20 MB."
        ),
    )
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("auto", _("Detect from the file")),
            ("csv", _("CSV (our schema)")),
            ("jsonl", _("JSON Lines (our schema)")),
            ("shopify", _("Shopify product export")),
        ],
        initial="auto",
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        initial=True,
        help_text=_("Check the file and show what would change, without writing anything."),
    )
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid rows"),
        required=False,
        help_text=_("Import the valid rows even if some rows are rejected."),
    )
    create_missing_categories = forms.BooleanField(
        label=_("Create missing categories"),
        required=False,
        help_text=_("Create unknown categories at the top level instead of rejecting the rows."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is %(size)s; uploads are limited to %(limit)s. Split it, or run "
                    "“manage.py import_catalog” on the server."
                ),
                code="too_large",
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_UPLOAD_BYTES),
                },
            )
        return upload


def _require_import_permissions(user) -> None:
    if not (user.has_perm("catalog.add_product") and user.has_perm("catalog.change_product")):
        raise PermissionDenied


def _context(request, **extra):
    return {
        **admin.site.each_context(request),
        "title": _("Import products"),
        "opts": Product._meta,
        "changelist_url": _reverse_or_none("admin:catalog_product_changelist"),
        "app_url": _reverse_or_none("admin:app_list", kwargs={"app_label": "catalog"}),
        "import_url": _reverse_or_none("admin:catalog_product_import"),
        **extra,
    }


@csrf_protect
@require_http_methods(["GET", "POST"])
def import_catalog_view(request):
    _require_import_permissions(request.user)
    if request.method == "POST":
        form = CatalogImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                # Decoding and splitting the file is quick and names what is wrong with it
                # at once; validating and writing the rows is the task's work.
                read_source(
                    upload.read(),
                    filename=upload.name,
                    file_format=form.cleaned_data["file_format"],
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                upload.seek(0)
                job = start_catalog_import(
                    upload=upload,
                    file_format=form.cleaned_data["file_format"],
                    dry_run=form.cleaned_data["dry_run"],
                    skip_invalid=form.cleaned_data["skip_invalid"],
                    create_missing_categories=form.cleaned_data["create_missing_categories"],
                    user=request.user,
                )
                return HttpResponseRedirect(
                    reverse("admin:catalog_product_import_status", args=[job.pk])
                )
    else:
        form = CatalogImportForm()
    return TemplateResponse(
        request, "admin/catalog/product/import.html", _context(request, form=form, result=None)
    )


@require_http_methods(["GET"])
def import_status_view(request, import_id: int):
    _require_import_permissions(request.user)
    job = get_object_or_404(CatalogImport, pk=import_id)
    pending = job.status in (CatalogImport.Status.QUEUED, CatalogImport.Status.RUNNING)
    result = result_from_dict(job.result) if job.result else None
    hidden = job.result["errors_total"] - len(job.result["errors"]) if job.result else 0
    return TemplateResponse(
        request,
        "admin/catalog/product/import_status.html",
        _context(
            request,
            job=job,
            result=result,
            errors_shown=result.errors if result else [],
            errors_hidden=hidden,
            refresh_seconds=STATUS_REFRESH_SECONDS if pending else None,
        ),
    )


def _reverse_or_none(name: str, **kwargs) -> str | None:
    # Breadcrumb targets exist only once the catalog models are registered with the admin.
    try:
        return reverse(name, **kwargs)
    except NoReverseMatch:
        return None
