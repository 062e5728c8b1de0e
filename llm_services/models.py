"""Fine-tuned model versions and their activation history.

A ModelVersion is a model folder written by ``manage.py finetune`` under
``LLM_MODEL_DIR/versions/``. At most one version per alias is active; while one is, the
``llm`` handler serves its folder instead of the alias's configured MODEL (see
``llm_services.conf.active_model_override``). Writes go through
``llm_services.training.versions``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModelVersion(models.Model):
    class Kind(models.TextChoices):
        GENERATOR = "generator", _("Generator")
        EMBEDDER = "embedder", _("Embedder")
        RANKER = "ranker", _("Search ranker")
        RECOMMENDER = "recommender", _("Recommender")
        CLASSIFIER = "classifier", _("Classifier head")

    alias = models.CharField(_("alias"), max_length=50, db_index=True)
    name = models.CharField(
        _("name"), max_length=100, unique=True, help_text=_("The artifact folder's name.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    task = models.CharField(_("task"), max_length=50)
    method = models.CharField(_("method"), max_length=20, help_text=_("lora, full or contrastive"))
    base_model = models.CharField(
        _("base model"), max_length=500, help_text=_("The alias's MODEL spec it was trained from.")
    )
    base_revision = models.CharField(_("base revision"), max_length=200, blank=True)
    artifact_path = models.CharField(
        _("artifact path"),
        max_length=500,
        help_text=_("Relative to LLM_MODEL_DIR when inside it, else absolute."),
    )
    training_data_hash = models.CharField(_("training data hash"), max_length=64)
    metrics = models.JSONField(
        _("metrics"), default=dict, blank=True, help_text=_('{"before": {...}, "after": {...}}')
    )
    training = models.JSONField(
        _("training run"), default=dict, blank=True, help_text=_("Settings and counts of the run.")
    )
    loss_curve_path = models.CharField(_("loss curve"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alias"],
                condition=models.Q(is_active=True),
                name="llm_one_active_version_per_alias",
            )
        ]
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")

    def __str__(self) -> str:
        return self.name

    @property
    def revision(self) -> str:
        """The REVISION served while this version is active: base revision + version name."""
        return f"{self.base_revision}+{self.name}" if self.base_revision else self.name


class ModelActivation(models.Model):
    """One activation of a version: the history that ``rollback`` walks back through.

    Rolling back marks the latest entry of the alias as rolled back; the entry before it (if
    any) names the version that becomes active again, otherwise the alias serves its base model.
    """

    alias = models.CharField(_("alias"), max_length=50, db_index=True)
    version = models.ForeignKey(ModelVersion, related_name="activations", on_delete=models.CASCADE)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("activated"), auto_now_add=True)
    rolled_back_at = models.DateTimeField(_("rolled back"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("model activation")
        verbose_name_plural = _("model activations")

    def __str__(self) -> str:
        return f"{self.alias} → {self.version_id}"


class TrainingRun(models.Model):
    """One training a merchant asked for from the admin ("Retrain the copy model"), run by a
    worker later: whether it is waiting, running, done (with the version it made) or failed
    (with why), so a failure is seen where it was asked for, not only in a worker's log.
    Written through ``llm_services.training.runs``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    task = models.CharField(_("task"), max_length=50, help_text=_("The training task's name."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    version = models.ForeignKey(
        ModelVersion,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        verbose_name=_("version made"),
    )
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("queued"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("training run")
        verbose_name_plural = _("training runs")

    def __str__(self) -> str:
        return f"{self.task} #{self.pk} ({self.get_status_display()})"
