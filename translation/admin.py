"""Machine translation in the admin: queue jobs from the product list or a catalog import,
follow them, review drafts side by side with their source, approve or reject them.

Thin: forms validate, services do the work. The product admin knows nothing of translation:
this module registers its batch actions and the change form's "Translate into …" buttons into
``shop.catalog.admin_hooks``, and the catalog import's status page shows this app's form
through the ``catalog_import_status_after`` slot (registered in ``translation/apps.py``),
which posts to :meth:`TranslationJobAdmin.from_import_view`.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from common.jobs import BatchJobAdminMixin
from common.text import CHINESE, ENGLISH
from llm_services import LLMError
from shop.catalog.admin_hooks import product_admin_extensions
from shop.catalog.models import CatalogImport, Product, ProductTranslation
from translation import selectors, services
from translation.forms import ReviewTranslationForm
from translation.models import TranslatedText, TranslationDraft, TranslationJob

LANGUAGE_LABELS = {ENGLISH: _("English"), CHINESE: _("Simplified Chinese")}
# Attribute labels translated per page of the labels view: the engine translates them in the
# request (short texts, cached once translated).
LABELS_PER_PAGE = 50


def _job_queued_message(job: TranslationJob) -> str:
    return format_html(
        '{} <a href="{}">{}</a>',
        ngettext(
            "Queued translation job #%(id)d for %(count)d product.",
            "Queued translation job #%(id)d for %(count)d products.",
            job.total,
        )
        % {"id": job.pk, "count": job.total},
        reverse("admin:translation_translationjob_change", args=[job.pk]),
        _("Follow its progress"),
    )


def _check_labels(checks: list[dict]) -> list[dict]:
    """The checks as the review page lists them: severity, part, name and detail."""
    return [
        {
            "severity": check.get("severity", ""),
            "part": check.get("part", ""),
            "index": check.get("index"),
            "name": check.get("name") or check.get("check") or "",
            "detail": check.get("detail") or check.get("message") or "",
        }
        for check in checks or []
    ]


@admin.register(TranslationJob)
class TranslationJobAdmin(BatchJobAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "target_language",
        "state",
        "progress",
        "translated",
        "skipped",
        "flagged",
        "requested_by",
        "created_at",
    ]
    list_filter = ["status", "target_language"]
    actions = ["resume_jobs"]
    change_list_template = "admin/translation/translationjob/change_list.html"
    exclude = ["product_ids"]

    def get_readonly_fields(self, request, obj=None):
        fields = [f.name for f in self.model._meta.fields if f.name != "product_ids"]
        return ["state", "progress", "drafts_link", *fields]

    def stalled_after_seconds(self) -> float:
        return selectors.STALLED_AFTER_SECONDS

    @admin.display(description=_("drafts"))
    def drafts_link(self, obj):
        if obj is None or obj.pk is None:
            return ""
        return format_html(
            '<a href="{}?job__id__exact={}">{}</a>',
            reverse("admin:translation_translationdraft_changelist"),
            obj.pk,
            _("Review this job's drafts"),
        )

    @admin.action(description=_("Resume selected jobs"), permissions=["change"])
    def resume_jobs(self, request, queryset):
        resumed = 0
        for job in queryset.exclude(status=TranslationJob.Status.DONE):
            services.resume_job(job_id=job.pk)
            resumed += 1
        self.message_user(
            request,
            ngettext("%(n)d job queued again.", "%(n)d jobs queued again.", resumed)
            % {"n": resumed},
            messages.SUCCESS,
        )

    def get_urls(self):
        return [
            path(
                "translate-product/<int:product_id>/",
                self.admin_site.admin_view(require_POST(self.translate_product_view)),
                name="translation_translationjob_translate_product",
            ),
            path(
                "attribute-labels/",
                self.admin_site.admin_view(self.attribute_labels_view),
                name="translation_attribute_labels",
            ),
            path(
                "from-import/<int:import_id>/",
                self.admin_site.admin_view(require_POST(self.from_import_view)),
                name="translation_translationjob_from_import",
            ),
            *super().get_urls(),
        ]

    def translate_product_view(self, request, product_id: int):
        """The product change form's "Translate into …" buttons: a job for one product."""
        if not request.user.has_perm("catalog.change_product"):
            raise PermissionDenied
        product = get_object_or_404(Product, pk=product_id)
        try:
            job = services.request_translation(
                product_ids=[product.pk],
                target_language=request.POST.get("target_language", ""),
                requested_by=request.user,
            )
        except services.TranslationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:catalog_product_change", args=[product.pk]))
        self.message_user(request, _job_queued_message(job), messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:translation_translationjob_change", args=[job.pk])
        )

    def changelist_view(self, request, extra_context=None):
        missing = (
            len(selectors.missing_attribute_labels(limit=LABELS_PER_PAGE))
            if request.user.has_perm("catalog.change_attribute")
            else 0
        )
        return super().changelist_view(
            request, {"missing_labels": missing, **(extra_context or {})}
        )

    def attribute_labels_view(self, request):
        """Attribute names and option labels the catalog has in English only: the machine's
        Chinese proposals, which the merchant checks, edits and writes."""
        if not request.user.has_perm("catalog.change_attribute"):
            raise PermissionDenied
        if request.method == "POST":
            chosen = {
                key.removeprefix("label-"): value
                for key, value in request.POST.items()
                if key.startswith("label-") and request.POST.get("write-" + key[6:])
            }
            try:
                written = services.write_attribute_labels(labels=chosen, user=request.user)
            except services.ApprovalBlocked as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(n)d Chinese label written.", "%(n)d Chinese labels written.", written
                    )
                    % {"n": written},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(request.path)
        labels = selectors.missing_attribute_labels(limit=LABELS_PER_PAGE)
        try:
            proposals = services.propose_attribute_labels(labels)
        except LLMError as exc:
            proposals = {}
            self.message_user(
                request,
                _("The translation model could not propose labels: %(reason)s") % {"reason": exc},
                messages.WARNING,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Attribute labels in Chinese"),
            "rows": [(label, proposals.get(label.key, "")) for label in labels],
            "unavailable": bool(labels) and not proposals,
        }
        return TemplateResponse(request, "admin/translation/attribute_labels.html", context)

    def from_import_view(self, request, import_id: int):
        """The catalog import status page's form: one job for the products it wrote."""
        if not request.user.has_perm("catalog.change_product"):
            raise PermissionDenied
        catalog_import = get_object_or_404(CatalogImport, pk=import_id)
        back = reverse("admin:catalog_product_import_status", args=[catalog_import.pk])
        try:
            job = services.request_import_translation(
                import_id=catalog_import.pk,
                target_language=request.POST.get("target_language", ""),
                requested_by=request.user,
            )
        except services.TranslationError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return HttpResponseRedirect(back)
        self.message_user(request, _job_queued_message(job), messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:translation_translationjob_change", args=[job.pk])
        )


@admin.register(TranslationDraft)
class TranslationDraftAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "product",
        "target_language",
        "translated_title",
        "flag",
        "status",
        "reviewer",
        "created_at",
    ]
    list_filter = ["status", "is_flagged", "target_language"]
    list_select_related = ["product", "reviewer"]
    search_fields = ["product__title", "product__sku"]
    raw_id_fields = ["product", "job"]
    actions = ["approve_selected", "reject_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.display(description=_("translated title"))
    def translated_title(self, obj):
        return (obj.fields or {}).get("title", "")

    @admin.display(description=_("checks"))
    def flag(self, obj):
        if not obj.is_flagged:
            return format_html('<span class="translation-clean">{}</span>', _("clean"))
        return format_html('<span class="translation-flagged">{}</span>', _("flagged"))

    @admin.action(
        description=_("Approve selected drafts (not the flagged ones)"), permissions=["change"]
    )
    def approve_selected(self, request, queryset):
        approved, refused = 0, []
        for draft in queryset.filter(status=TranslationDraft.Status.DRAFT).order_by("pk"):
            if draft.is_flagged:
                refused.append(_("#%(id)d is flagged: review it on its page.") % {"id": draft.pk})
                continue
            try:
                services.approve_draft(draft_id=draft.pk, user=request.user)
            except services.ApprovalBlocked as exc:
                refused.append(f"#{draft.pk}: {exc}")
            else:
                approved += 1
        self.message_user(
            request,
            ngettext(
                "%(n)d translation approved and written to its product.",
                "%(n)d translations approved and written to their products.",
                approved,
            )
            % {"n": approved},
            messages.SUCCESS,
        )
        for message in refused:
            self.message_user(request, message, messages.WARNING)

    @admin.action(description=_("Reject selected drafts"), permissions=["change"])
    def reject_selected(self, request, queryset):
        rejected = 0
        for draft in queryset.filter(status=TranslationDraft.Status.DRAFT):
            services.reject_draft(draft_id=draft.pk, user=request.user)
            rejected += 1
        self.message_user(
            request,
            ngettext("%(n)d draft rejected.", "%(n)d drafts rejected.", rejected) % {"n": rejected},
            messages.SUCCESS,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        draft = get_object_or_404(
            TranslationDraft.objects.select_related("product", "reviewer", "job", "model_version"),
            pk=object_id,
        )
        if not self.has_view_or_change_permission(request, draft):
            raise PermissionDenied
        can_review = draft.status == TranslationDraft.Status.DRAFT and self.has_change_permission(
            request, draft
        )
        form = ReviewTranslationForm(
            request.POST or None, initial=ReviewTranslationForm.initial_for(draft.fields)
        )
        if request.method == "POST":
            if not can_review:
                raise PermissionDenied
            if "_reject" in request.POST:
                try:
                    services.reject_draft(draft_id=draft.pk, user=request.user)
                except services.ApprovalBlocked as exc:
                    self.message_user(request, str(exc), messages.ERROR)
                else:
                    self.message_user(request, _("Draft rejected."), messages.SUCCESS)
                return HttpResponseRedirect(request.path)
            if form.is_valid():
                try:
                    if "_approve" in request.POST:
                        services.approve_draft(
                            draft_id=draft.pk,
                            user=request.user,
                            fields=form.translated_fields(),
                            accept_flagged=form.cleaned_data["accept_flagged"],
                        )
                        self.message_user(
                            request,
                            _("Translation approved and written to the product."),
                            messages.SUCCESS,
                        )
                    else:
                        services.edit_draft(draft_id=draft.pk, fields=form.translated_fields())
                        self.message_user(request, _("Edits saved."), messages.SUCCESS)
                except services.ApprovalBlocked as exc:
                    self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(request.path)
        draft.refresh_from_db()
        product = draft.product
        source = services.source_fields(product)
        current = ProductTranslation.objects.filter(
            product=product, language_code=draft.target_language
        ).first()
        rows = [
            {
                "name": _("Title"),
                "source": source["title"],
                "translation": draft.fields.get("title", ""),
                "generated": draft.generated.get("title", ""),
            },
            {
                "name": _("Description"),
                "source": source["description"],
                "translation": draft.fields.get("description", ""),
                "generated": draft.generated.get("description", ""),
            },
            {
                "name": _("Highlights"),
                "source": "\n".join(source["highlights"]),
                "translation": "\n".join(draft.fields.get("highlights") or []),
                "generated": "\n".join(draft.generated.get("highlights") or []),
            },
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Review translation"),
            "draft": draft,
            "product": product,
            "rows": rows,
            "edited": draft.fields != draft.generated,
            "checks": _check_labels(draft.checks),
            "is_stale": services.source_hash(product, draft.target_language) != draft.source_hash,
            "current": current,
            "source_label": LANGUAGE_LABELS.get(draft.source_language, draft.source_language),
            "target_label": LANGUAGE_LABELS.get(draft.target_language, draft.target_language),
            "form": form,
            "can_review": can_review,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/translation/review.html", context)


@admin.register(TranslatedText)
class TranslatedTextAdmin(admin.ModelAdmin):
    """The engine's cache, read only (reviews translated on demand land here too)."""

    list_display = [
        "id",
        "source_language",
        "target_language",
        "source_text_short",
        "text_short",
        "is_flagged",
        "model_alias",
        "created_at",
    ]
    list_filter = ["target_language", "is_flagged", "prompt_version", "model_alias"]
    search_fields = ["source_text", "text"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("source text"))
    def source_text_short(self, obj):
        return obj.source_text[:80]

    @admin.display(description=_("translation"))
    def text_short(self, obj):
        return obj.text[:80]


# -- on the product admin (shop.catalog.admin_hooks) ---------------------------------------------


def translate_from_admin(modeladmin, request, queryset, *, target_language: str) -> None:
    """The product admin's batch action: queue one job for the selected products."""
    try:
        job = services.request_translation(
            product_ids=list(queryset.values_list("pk", flat=True)),
            target_language=target_language,
            requested_by=request.user,
        )
    except services.TranslationError as exc:
        modeladmin.message_user(request, str(exc), messages.ERROR)
        return
    modeladmin.message_user(request, _job_queued_message(job), messages.SUCCESS)


@product_admin_extensions.add_action
@admin.action(description=_("Translate into Chinese (machine translation)"), permissions=["change"])
def translate_into_chinese(modeladmin, request, queryset):
    translate_from_admin(modeladmin, request, queryset, target_language=CHINESE)


@product_admin_extensions.add_action
@admin.action(description=_("Translate into English (machine translation)"), permissions=["change"])
def translate_into_english(modeladmin, request, queryset):
    translate_from_admin(modeladmin, request, queryset, target_language=ENGLISH)


product_admin_extensions.add_object_tools("admin/translation/product_object_tools.html")
