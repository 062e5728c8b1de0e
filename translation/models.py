"""Machine translation: the cache of translated texts, batch jobs and drafts awaiting approval.

Nothing machine-translated reaches the storefront's catalog text before a merchant approves
its draft; approving writes the product's ``ProductTranslation`` (which search indexes).
Reviews are translated on demand for the reader and shown labelled, never stored on the review.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.jobs import BatchJob


class TranslatedText(models.Model):
    """One source text translated into one language: the cache, keyed by the source's hash.

    ``source_hash`` covers the source text, both languages, the prompt version and the model
    revision, so a new model or prompt translates again instead of serving stale text.
    """

    source_hash = models.CharField(_("source hash"), max_length=64, unique=True)
    source_language = models.CharField(_("source language"), max_length=10)
    target_language = models.CharField(_("target language"), max_length=10)
    source_text = models.TextField(_("source text"))
    text = models.TextField(_("translation"))
    prompt_version = models.CharField(_("prompt version"), max_length=40)
    model_alias = models.CharField(_("model alias"), max_length=40)
    model_revision = models.CharField(_("model revision"), max_length=200, blank=True)
    model_version = models.ForeignKey(
        "llm_services.ModelVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The fine-tuned version that wrote it; empty for the base model."),
    )
    # Guard results: [{"name": "protected_terms", "severity": "error", "detail": ...}, ...]
    checks = models.JSONField(_("check results"), default=list, blank=True)
    is_flagged = models.BooleanField(_("flagged"), default=False)
    latency_ms = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("translated text")
        verbose_name_plural = _("translated texts")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.source_language}→{self.target_language}: {self.source_text[:40]}"


class TranslationJob(BatchJob):
    """Products to translate into one language, processed by a Celery task on the llm queue."""

    target_language = models.CharField(_("target language"), max_length=10)
    translated = models.PositiveIntegerField(_("translated"), default=0)
    skipped = models.PositiveIntegerField(_("already translated"), default=0)
    flagged = models.PositiveIntegerField(_("flagged"), default=0)

    class Meta(BatchJob.Meta):
        verbose_name = _("translation job")
        verbose_name_plural = _("translation jobs")

    def __str__(self) -> str:
        return f"Translation job #{self.pk} (→{self.target_language})"


class TranslationDraft(models.Model):
    """A product's text machine-translated into one language, awaiting a merchant's review.

    ``fields`` holds what was translated: {"title": ..., "description": ...,
    "highlights": [...]} (the keys of ``ProductTranslation`` it will write); ``generated``
    keeps the model's output when the merchant edits ``fields``.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    product = models.ForeignKey(
        "catalog.Product", related_name="translation_drafts", on_delete=models.CASCADE
    )
    source_language = models.CharField(_("source language"), max_length=10)
    target_language = models.CharField(_("target language"), max_length=10)
    fields = models.JSONField(_("translated fields"), default=dict)
    generated = models.JSONField(_("generated fields"), default=dict)
    # Hash of the source fields: a batch never drafts the same source twice, and a draft whose
    # product text changed since is stale.
    source_hash = models.CharField(_("source hash"), max_length=64, db_index=True)
    prompt_version = models.CharField(_("prompt version"), max_length=40)
    model_alias = models.CharField(_("model alias"), max_length=40)
    model_revision = models.CharField(_("model revision"), max_length=200, blank=True)
    model_version = models.ForeignKey(
        "llm_services.ModelVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checks = models.JSONField(_("check results"), default=list, blank=True)
    is_flagged = models.BooleanField(_("flagged"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    job = models.ForeignKey(
        TranslationJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="drafts"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("translation draft")
        verbose_name_plural = _("translation drafts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "target_language", "source_hash"],
                name="unique_translation_draft_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} → {self.target_language} ({self.get_status_display()})"
