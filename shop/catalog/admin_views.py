"""Admin pages that are not a ModelAdmin view: the catalog import upload.

``admin.ProductAdmin.get_urls()`` mounts ``import_catalog_view`` at
``admin:catalog_product_import`` behind ``admin_site.admin_view`` (staff login, CSRF).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from .importing import ImportFileError, import_catalog
from .models import Product

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The report table stays readable; the command prints every error.
MAX_ERRORS_SHOWN = 500


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


@csrf_protect
@require_http_methods(["GET", "POST"])
def import_catalog_view(request):
    user = request.user
    if not (user.has_perm("catalog.add_product") and user.has_perm("catalog.change_product")):
        raise PermissionDenied
    result = None
    if request.method == "POST":
        form = CatalogImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_catalog(
                    upload.read(),
                    filename=upload.name,
                    file_format=form.cleaned_data["file_format"],
                    dry_run=form.cleaned_data["dry_run"],
                    skip_invalid=form.cleaned_data["skip_invalid"],
                    create_missing_categories=form.cleaned_data["create_missing_categories"],
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
    else:
        form = CatalogImportForm()
    context = {
        **admin.site.each_context(request),
        "title": _("Import products"),
        "opts": Product._meta,
        "form": form,
        "result": result,
        "errors_shown": result.errors[:MAX_ERRORS_SHOWN] if result else [],
        "errors_hidden": max(0, len(result.errors) - MAX_ERRORS_SHOWN) if result else 0,
        "changelist_url": _reverse_or_none("admin:catalog_product_changelist"),
        "app_url": _reverse_or_none("admin:app_list", kwargs={"app_label": "catalog"}),
    }
    return TemplateResponse(request, "admin/catalog/product/import.html", context)


def _reverse_or_none(name: str, **kwargs) -> str | None:
    # Breadcrumb targets exist only once the catalog models are registered with the admin.
    try:
        return reverse(name, **kwargs)
    except NoReverseMatch:
        return None
