"""Copywriting in the admin: generate from a product, review drafts, follow batch jobs.

Thin: forms validate, services do the work. The product admin knows nothing of copywriting:
this module registers into its extension points (``shop.catalog.admin_hooks``) the
"Generate description" / "Generate marketing copy" buttons of the product change form
(``admin/copywriting/product_object_tools.html``) and the batch actions of the product list
(:func:`draft_copy_en`, :func:`draft_copy_zh`). The "Generate" form queues a candidates job on
the llm queue and sends the merchant to its status page, which refreshes itself until the
drafts are stored.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.jobs import BatchJobAdminMixin
from common.text import CHINESE, ENGLISH
from copywriting import conf, selectors, services
from copywriting.findings import ERROR, check_name, describe, render, shown
from copywriting.forms import GenerateCopyForm, ReviewDraftForm
from copywriting.models import Channel, CopyDraft, CopyJob, Field
from copywriting.quality import job_summary
from shop.catalog.admin_hooks import product_admin_extensions
from shop.catalog.models import Product

# How often the status page of a queued or running "Generate" job reloads itself.
GENERATE_STATUS_REFRESH_SECONDS = 3


def generate_title(field: str) -> str:
    return _("Generate description") if field == Field.DESCRIPTION else _("Generate marketing copy")


def highlighted_spans(text: str, checks: list[dict], part: str) -> str:
    """``text`` with the offending spans of ``part`` marked."""
    spans = sorted({tuple(c["span"]) for c in checks if c.get("span") and c.get("part") == part})
    pieces, position = [], 0
    for start, end in spans:
        if start < position:
            continue
        pieces.append(format_html("{}", text[position:start]))
        pieces.append(format_html('<mark class="copy-flag">{}</mark>', text[start:end]))
        position = end
    pieces.append(format_html("{}", text[position:]))
    return format_html_join("", "{}", ((p,) for p in pieces))


def _perplexity(version) -> tuple[float, float] | None:
    """Validation perplexity of a fine-tuned version before and after its training."""
    metrics = (version.metrics or {}) if version is not None else {}
    before = (metrics.get("before") or {}).get("perplexity")
    after = (metrics.get("after") or {}).get("perplexity")
    return (before, after) if before is not None and after is not None else None


def _marked_parts(draft: CopyDraft) -> list[dict]:
    """The draft's parts, each a list of items with the offending spans marked."""
    parts = []
    for part, value in (draft.parts or {}).items():
        items = value if isinstance(value, list) else [value]
        parts.append(
            {
                "name": part,
                "items": [highlighted_spans(str(item), draft.checks, part) for item in items],
            }
        )
    return parts


def _findings(draft: CopyDraft) -> dict[str, list[dict]]:
    """The draft's findings in the merchant's language, errors apart from warnings."""
    checks = shown(draft.checks)
    return {
        "errors": [c for c in checks if c.get("severity") == ERROR],
        "warnings": [c for c in checks if c.get("severity") != ERROR],
    }


@admin.register(CopyDraft)
class CopyDraftAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "product",
        "channel",
        "language",
        "candidate",
        "flag",
        "status",
        "reviewer",
        "created_at",
    ]
    list_filter = ["status", "is_flagged", "channel", "language", "prompt_version"]
    list_select_related = ["product", "reviewer"]
    actions = ["retrain_copy_model"]
    search_fields = ["product__title", "product__sku", "text"]
    raw_id_fields = ["product", "job"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    @admin.display(description=_("checks"), boolean=False)
    def flag(self, obj):
        if not obj.is_flagged:
            return format_html('<span class="copy-clean">{}</span>', _("clean"))
        return format_html(
            '<span class="copy-flagged">{}</span>',
            ngettext("%(n)d finding", "%(n)d findings", len(obj.blocking_checks))
            % {"n": len(obj.blocking_checks)},
        )

    @admin.action(
        description=_("Retrain the copy model on the shop's approved copy"),
        permissions=["change"],
    )
    def retrain_copy_model(self, request, queryset):
        run = services.queue_copy_model_training(user=request.user)
        link = reverse("admin:llm_services_trainingrun_change", args=[run.pk])
        run.refresh_from_db()
        if run.status == run.Status.QUEUED:
            self.message_user(
                request,
                format_html(
                    _(
                        "Training queued on the llm worker; the new version is served once it "
                        'is trained. <a href="{}">Training run #{}</a> shows how it ends (and '
                        "why, if it fails); Model versions lists the new one with its metrics."
                    ),
                    link,
                    run.pk,
                ),
                messages.SUCCESS,
            )
            return
        # No broker (CELERY_BROKER_URL empty): the task ran inline, inside this request.
        self.message_user(
            request,
            format_html(
                _(
                    "No task worker is configured, so the training ran in this request: "
                    '<a href="{}">Training run #{}</a>: {} {} (make demo runs a worker; see '
                    "the README)."
                ),
                link,
                run.pk,
                run.get_status_display(),
                run.error,
            ),
            messages.SUCCESS if run.status == run.Status.DONE else messages.ERROR,
        )

    def get_urls(self):
        return [
            path(
                "generate/<int:product_id>/<str:field>/",
                self.admin_site.admin_view(self.generate_view),
                name="copywriting_generate",
            ),
            path(
                "generate/jobs/<int:job_id>/",
                self.admin_site.admin_view(self.generate_status_view),
                name="copywriting_generate_status",
            ),
            path(
                "generate/jobs/<int:job_id>/approve/<int:draft_id>/",
                self.admin_site.admin_view(self.approve_candidate_view),
                name="copywriting_approve_candidate",
            ),
            *super().get_urls(),
        ]

    def generate_view(self, request, product_id: int, field: str):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        if field not in Field.values:
            field = Field.DESCRIPTION
        product = get_object_or_404(
            Product.objects.select_related("category", "brand"), pk=product_id
        )
        serving, detail = services.generator_state()
        version = services.active_copywriting_version()
        initial = {"language": product.language, "candidates": conf.get("CANDIDATES")}
        form = GenerateCopyForm(request.POST or None, field=field, initial=initial)
        if request.method == "POST" and serving and form.is_valid():
            data = form.cleaned_data
            try:
                job = services.start_candidates_job(
                    product_id=product.pk,
                    request=services.CopyRequest(
                        field=field,
                        channel=data["channel"],
                        language=data["language"],
                        tone=data["tone"],
                        audience=data["audience"],
                        length=data["length"],
                        candidates=data["candidates"],
                    ),
                    user=request.user,
                )
            except services.CopywritingError as exc:
                self.message_user(request, render(exc.i18n), messages.ERROR)
            else:
                return HttpResponseRedirect(
                    reverse("admin:copywriting_generate_status", args=[job.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{generate_title(field)}: {product.title}",
            "form": form,
            "product": product,
            "serving": serving,
            "model_detail": detail,
            "version": version,
            "version_perplexity": _perplexity(version),
            "drafts_url": reverse("admin:copywriting_copydraft_changelist")
            + f"?product__id__exact={product.pk}",
        }
        return TemplateResponse(request, "admin/copywriting/generate.html", context)

    def generate_status_view(self, request, job_id: int):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        job = get_object_or_404(CopyJob, pk=job_id, kind=CopyJob.Kind.CANDIDATES)
        product_id = job.product_ids[0]
        product = Product.objects.filter(pk=product_id).first()
        pending = job.status in (CopyJob.Status.QUEUED, CopyJob.Status.RUNNING)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{generate_title(job.field)}: {product.title if product else product_id}",
            "job": job,
            "product": product,
            "candidates": (job.options or {}).get("candidates", 1),
            "refresh_seconds": GENERATE_STATUS_REFRESH_SECONDS if pending else None,
            "stalled": selectors.is_stalled(job),
            "generate_url": reverse("admin:copywriting_generate", args=[product_id, job.field]),
            "job_error": describe({"i18n": job.error_i18n, "message": job.error}),
        }
        if job.status == CopyJob.Status.DONE:
            context["summary"] = _(
                "%(count)d candidates drafted, %(flagged)d flagged by the checks."
            ) % {"count": job.generated, "flagged": job.flagged}
            context["candidates_shown"] = [
                {
                    "draft": draft,
                    "parts": _marked_parts(draft),
                    **_findings(draft),
                }
                for draft in selectors.job_drafts(job.pk)
            ]
            context["can_approve"] = self.has_change_permission(request)
            context["drafts_url"] = (
                reverse("admin:copywriting_copydraft_changelist")
                + f"?product__id__exact={product_id}&job__id__exact={job.pk}"
            )
        return TemplateResponse(request, "admin/copywriting/generate_status.html", context)

    def approve_candidate_view(self, request, job_id: int, draft_id: int):
        """One click from the candidates page: approve a clean candidate as written."""
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:copywriting_generate_status", args=[job_id]))
        draft = get_object_or_404(CopyDraft, pk=draft_id, job_id=job_id)
        if not self.has_change_permission(request, draft):
            raise PermissionDenied
        try:
            services.approve_draft(draft_id=draft.pk, user=request.user)
        except services.ApprovalBlocked as exc:
            self.message_user(request, render(exc.i18n), messages.ERROR)
        else:
            self.message_user(
                request,
                _("Candidate %(n)d approved and applied to the product.")
                % {"n": draft.candidate + 1},
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:copywriting_generate_status", args=[job_id]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        draft = get_object_or_404(
            CopyDraft.objects.select_related("product", "reviewer"), pk=object_id
        )
        if not self.has_view_or_change_permission(request, draft):
            raise PermissionDenied
        form = ReviewDraftForm(
            request.POST or None,
            initial={"text": draft.text, "override_reason": draft.override_reason},
        )
        if request.method == "POST" and self.has_change_permission(request, draft):
            if form.is_valid():
                try:
                    if "_reject" in request.POST:
                        services.reject_draft(draft_id=draft.pk, user=request.user)
                        self.message_user(request, _("Draft rejected."), messages.SUCCESS)
                    else:
                        services.approve_draft(
                            draft_id=draft.pk,
                            user=request.user,
                            text=form.cleaned_data["text"],
                            override_reason=form.cleaned_data["override_reason"],
                        )
                        self.message_user(
                            request,
                            _("Draft approved and applied to the product.")
                            if draft.channel == Channel.PRODUCT_PAGE
                            else _("Draft approved as this channel's copy."),
                            messages.SUCCESS,
                        )
                except services.ApprovalBlocked as exc:
                    self.message_user(request, render(exc.i18n), messages.ERROR)
                return HttpResponseRedirect(request.path)
        draft.refresh_from_db()
        parts = _marked_parts(draft)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Review copy draft"),
            "draft": draft,
            "form": form,
            "parts": parts,
            **_findings(draft),
            "can_review": draft.status == CopyDraft.Status.DRAFT
            and self.has_change_permission(request, draft),
            "siblings": CopyDraft.objects.filter(
                product_id=draft.product_id,
                channel=draft.channel,
                language=draft.language,
                input_hash=draft.input_hash,
            )
            .exclude(pk=draft.pk)
            .order_by("candidate", "pk"),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/copywriting/review.html", context)


@admin.register(CopyJob)
class CopyJobAdmin(BatchJobAdminMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "kind",
        "channel",
        "language",
        "state",
        "progress",
        "generated",
        "skipped",
        "refused",
        "flagged",
        "created_at",
    ]
    list_filter = ["kind", "status", "channel", "language"]
    actions = ["resume_jobs"]
    exclude = ["product_ids"]

    def get_readonly_fields(self, request, obj=None):
        fields = [f.name for f in self.model._meta.fields if f.name != "product_ids"]
        return ["state", "progress", "quality", *fields]

    @admin.display(description=_("quality of the drafts"))
    def quality(self, obj):
        """The figures of ``manage.py copy_quality_report`` for this job's drafts."""
        summary = job_summary(obj)
        if not summary.items:
            return "—"
        rows = [
            (_("drafts"), str(summary.items)),
            (_("flagged"), f"{summary.flagged_share:.0%}"),
            *(
                (f"· {check_name(check)}", f"{share:.0%}")
                for check, share in sorted(summary.by_check.items())
            ),
            (_("repeat themselves"), f"{summary.repetition_share:.0%}"),
            (_("copy 8+ words from other copy"), f"{summary.copy_share:.0%}"),
            (_("mean length (words; Chinese: characters)"), f"{summary.mean_length:.0f}"),
            (
                _("drafts per minute"),
                "—" if summary.per_min is None else f"{summary.per_min:.1f}",
            ),
        ]
        return format_html(
            '<table class="copy-quality">{}</table>',
            format_html_join("", "<tr><th>{}</th><td>{}</td></tr>", rows),
        )

    def stalled_after_seconds(self) -> float:
        return conf.get("STALLED_AFTER_SECONDS")

    @admin.action(description=_("Resume selected jobs"), permissions=["change"])
    def resume_jobs(self, request, queryset):
        resumed = 0
        for job in queryset.exclude(status=CopyJob.Status.DONE):
            services.resume_copy_job(job_id=job.pk)
            resumed += 1
        self.message_user(
            request,
            ngettext("%(n)d job queued again.", "%(n)d jobs queued again.", resumed)
            % {"n": resumed},
            messages.SUCCESS,
        )


def start_batch_from_admin(modeladmin, request, queryset, *, language: str) -> None:
    """The product admin's batch action: queue one job for the selected products."""
    serving, detail = services.generator_state()
    if not serving:
        modeladmin.message_user(
            request,
            _("Copywriting is disabled: the model cannot serve (%(detail)s).") % {"detail": detail},
            messages.ERROR,
        )
        return
    job = services.start_copy_job(
        product_ids=list(queryset.values_list("pk", flat=True)),
        request=services.CopyRequest(language=language),
        user=request.user,
    )
    url = reverse("admin:copywriting_copyjob_change", args=[job.pk])
    modeladmin.message_user(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _("Queued copy job #%(id)d for %(count)d products.")
            % {"id": job.pk, "count": job.total},
            url,
            _("Follow its progress"),
        ),
        messages.SUCCESS,
    )


# -- on the product admin (shop.catalog.admin_hooks) ---------------------------------------------


@product_admin_extensions.add_action
@admin.action(description=_("Draft English descriptions (AI, batch)"), permissions=["change"])
def draft_copy_en(modeladmin, request, queryset):
    start_batch_from_admin(modeladmin, request, queryset, language=ENGLISH)


@product_admin_extensions.add_action
@admin.action(description=_("Draft Chinese descriptions (AI, batch)"), permissions=["change"])
def draft_copy_zh(modeladmin, request, queryset):
    start_batch_from_admin(modeladmin, request, queryset, language=CHINESE)


product_admin_extensions.add_object_tools("admin/copywriting/product_object_tools.html")
