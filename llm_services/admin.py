"""Admin for fine-tuned model versions: metrics, loss curve, activate and roll back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from llm_services.conf import artifact_folder, model_dir
from llm_services.models import ModelActivation, ModelVersion, TrainingRun
from llm_services.training.versions import (
    VersionError,
    activate_version,
    describe_metrics,
    rollback,
)


class ModelActivationInline(admin.TabularInline):
    model = ModelActivation
    extra = 0
    can_delete = False
    fields = ["created_at", "activated_by", "rolled_back_at", "rolled_back_by"]
    readonly_fields = fields
    verbose_name_plural = _("activation history")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "alias", "task", "method", "created_at", "is_active", "key_metrics"]
    list_filter = ["alias", "kind", "is_active", "task"]
    search_fields = ["name", "alias", "task", "training_data_hash"]
    actions = ["activate_selected", "rollback_aliases"]
    inlines = [ModelActivationInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "alias",
                    "kind",
                    "task",
                    "method",
                    "is_active",
                    "created_at",
                    "base_model",
                    "base_revision",
                    "artifact_path",
                    "training_data_hash",
                ]
            },
        ),
        (_("Evaluation"), {"fields": ["metrics_table", "loss_curve", "samples"]}),
        (_("Training run"), {"fields": ["training_summary"], "classes": ["collapse"]}),
    ]
    readonly_fields = [
        "name",
        "alias",
        "kind",
        "task",
        "method",
        "is_active",
        "created_at",
        "base_model",
        "base_revision",
        "artifact_path",
        "training_data_hash",
        "metrics_table",
        "loss_curve",
        "samples",
        "training_summary",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # versions come from `manage.py finetune`

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The served version cannot be deleted; roll it back first.
        if obj is not None and obj.is_active:
            return False
        return super().has_delete_permission(request, obj)

    # -- list ------------------------------------------------------------------------------

    @admin.display(description=_("before → after"))
    def key_metrics(self, obj: ModelVersion) -> str:
        return describe_metrics(obj)

    # -- detail ----------------------------------------------------------------------------

    @admin.display(description=_("metrics"))
    def metrics_table(self, obj: ModelVersion) -> SafeString | str:
        before = (obj.metrics or {}).get("before", {})
        after = (obj.metrics or {}).get("after", {})
        names = [
            name
            for name, value in after.items()
            if isinstance(value, int | float) and name in before
        ]
        if not names:
            return "—"
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (name, before[name], after[name], _delta(before[name], after[name]))
                for name in names
            ),
        )
        languages = format_html_join(
            "",
            "<tr><th>{} · {}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    language,
                    name,
                    before.get("by_language", {}).get(language, {}).get(name),
                    value,
                    _delta(before.get("by_language", {}).get(language, {}).get(name), value),
                )
                for language, scores in (after.get("by_language") or {}).items()
                for name, value in scores.items()
                if name != "items"
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}{}</tbody></table>",
            _("metric"),
            _("before"),
            _("after"),
            _("change"),
            rows,
            languages,
        )

    @admin.display(description=_("loss curve"))
    def loss_curve(self, obj: ModelVersion) -> SafeString | str:
        if not obj.pk or not obj.loss_curve_path:
            return "—"
        url = reverse(f"{self.admin_site.name}:llm_services_modelversion_loss_curve", args=[obj.pk])
        return format_html(
            '<img src="{}" alt="{}" style="max-width: 700px; width: 100%;">', url, _("loss curve")
        )

    @admin.display(description=_("samples"))
    def samples(self, obj: ModelVersion) -> SafeString | str:
        samples = (obj.metrics or {}).get("samples") or []
        if not samples:
            return "—"
        return format_html_join(
            "",
            "<p><strong>{}</strong><br><em>{}</em> {}<br><em>{}</em> {}<br><em>{}</em> {}</p>",
            (
                (
                    sample.get("key", ""),
                    _("reference:"),
                    sample.get("reference", ""),
                    _("before:"),
                    sample.get("before", ""),
                    _("after:"),
                    sample.get("after", ""),
                )
                for sample in samples
            ),
        )

    @admin.display(description=_("training run"))
    def training_summary(self, obj: ModelVersion) -> SafeString:
        training = {k: v for k, v in (obj.training or {}).items() if k != "loss_curve"}
        return format_html("<pre>{}</pre>", json.dumps(training, indent=2, ensure_ascii=False))

    # -- the loss curve image ------------------------------------------------------------------

    def get_urls(self) -> list[Any]:
        view = self.admin_site.admin_view(self.loss_curve_view)  # staff only
        return [
            path(
                "<path:object_id>/loss-curve.png",
                view,
                name="llm_services_modelversion_loss_curve",
            ),
            *super().get_urls(),
        ]

    def loss_curve_view(self, request: HttpRequest, object_id: str) -> FileResponse:
        version = self.get_object(request, object_id)
        if version is None or not version.loss_curve_path:
            raise Http404("No loss curve")
        if not self.has_view_permission(request, version):
            raise PermissionDenied
        file = _served_file(version.loss_curve_path)
        if file is None:
            raise Http404("No loss curve")
        return FileResponse(file.open("rb"), content_type="image/png")

    # -- actions -------------------------------------------------------------------------------

    @admin.action(description=_("Activate the selected version"), permissions=["change"])
    def activate_selected(self, request: HttpRequest, queryset: Any) -> None:
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one version to activate."), messages.ERROR)
            return
        try:
            version = activate_version(queryset.get().pk, user=request.user)
        except VersionError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request,
            _('The "%(alias)s" alias now serves %(name)s.')
            % {"alias": version.alias, "name": version.name},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Roll back the selected versions' aliases to their previous version"),
        permissions=["change"],
    )
    def rollback_aliases(self, request: HttpRequest, queryset: Any) -> None:
        for alias in sorted(set(queryset.values_list("alias", flat=True))):
            try:
                previous = rollback(alias, user=request.user)
            except VersionError as exc:
                self.message_user(request, str(exc), messages.ERROR)
                continue
            target = previous.name if previous else _("its base model")
            self.message_user(
                request,
                _('The "%(alias)s" alias now serves %(target)s.')
                % {"alias": alias, "target": target},
                messages.SUCCESS,
            )


def _delta(before: Any, after: Any) -> str:
    if isinstance(before, int | float) and isinstance(after, int | float):
        return f"{after - before:+.4g}"
    return ""


def _served_file(stored: str) -> Path | None:
    """The PNG a version points to, only if it is a PNG file inside LLM_MODEL_DIR."""
    file = artifact_folder(stored).resolve()
    root = model_dir().resolve()
    if file.suffix.lower() != ".png" or not file.is_file() or not file.is_relative_to(root):
        return None
    return file


@admin.register(TrainingRun)
class TrainingRunAdmin(admin.ModelAdmin):
    """Trainings asked for from the admin, with their outcome (read-only)."""

    list_display = ["id", "task", "status", "version_made", "error", "requested_by", "created_at"]
    list_filter = ["status", "task"]
    list_select_related = ["version", "requested_by"]
    readonly_fields = [
        "task",
        "status",
        "version_made",
        "error",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
    ]

    fields = readonly_fields

    @admin.display(description=_("version made"))
    def version_made(self, obj: TrainingRun) -> str:
        # Its name only: merchants see their runs, not the model versions' admin.
        return obj.version.name if obj.version else "—"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
