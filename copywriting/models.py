"""Drafts of AI-written copy and the batch jobs that produce them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.jobs import BatchJob


class Channel(models.TextChoices):
    PRODUCT_PAGE = "product_page", _("Product page (description + highlights)")
    SEO = "seo", _("SEO title + meta description")
    EMAIL = "email", _("Email subject + preview")
    SOCIAL = "social", _("Social post")
    BANNER = "banner", _("Banner slogan")


class Field(models.TextChoices):
    DESCRIPTION = "description", _("Description")
    MARKETING = "marketing", _("Marketing copy")


class Tone(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    FRIENDLY = "friendly", _("Friendly")
    LUXURY = "luxury", _("Luxury")
    PLAYFUL = "playful", _("Playful")


class Length(models.TextChoices):
    SHORT = "short", _("Short")
    MEDIUM = "medium", _("Medium")
    LONG = "long", _("Long")


class CopyJob(BatchJob):
    """Products to draft copy for, processed by a Celery task on the llm queue.

    A batch job drafts one greedy candidate for each of its products; a candidates job is the
    admin's "Generate" form: ``options["candidates"]`` candidates for its one product.
    """

    class Kind(models.TextChoices):
        BATCH = "batch", _("Batch")
        CANDIDATES = "candidates", _("Candidates for one product")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.BATCH)
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10)
    options = models.JSONField(_("options"), default=dict, blank=True)
    generated = models.PositiveIntegerField(_("drafted"), default=0)
    skipped = models.PositiveIntegerField(_("already drafted"), default=0)
    refused = models.PositiveIntegerField(_("refused"), default=0)
    flagged = models.PositiveIntegerField(_("flagged"), default=0)
    # Why it failed as a template and parameters (copywriting.findings), for the admin to say
    # in the merchant's language; ``error`` holds it in English.
    error_i18n = models.JSONField(_("error (template)"), default=dict, blank=True)

    class Meta(BatchJob.Meta):
        verbose_name = _("copy batch job")
        verbose_name_plural = _("copy batch jobs")

    def __str__(self) -> str:
        return f"Copy job #{self.pk} ({self.get_channel_display()}, {self.language})"


class CopyDraft(models.Model):
    """One candidate text for one product, channel and language, and its review."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    product = models.ForeignKey(
        "catalog.Product", related_name="copy_drafts", on_delete=models.CASCADE
    )
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=10)
    options = models.JSONField(_("options"), default=dict, blank=True)
    prompt_version = models.CharField(_("prompt version"), max_length=40)
    model_alias = models.CharField(_("model alias"), max_length=40)
    model_id = models.CharField(_("model"), max_length=200, blank=True)
    model_revision = models.CharField(_("model revision"), max_length=200, blank=True)
    model_version = models.ForeignKey(
        "llm_services.ModelVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The fine-tuned version that wrote it; empty for the base model."),
    )
    input_hash = models.CharField(_("input hash"), max_length=64, db_index=True)
    candidate = models.PositiveSmallIntegerField(_("candidate"), default=0)
    # The model's text as generated (kept for provenance when the merchant edits `text`).
    generated_text = models.TextField(_("generated text"), blank=True)
    text = models.TextField(_("text"), blank=True)
    # Channel parts of `text`: {"description": ..., "highlights": [...]}, {"seo_title": ...}.
    parts = models.JSONField(_("parts"), default=dict, blank=True)
    checks = models.JSONField(_("check results"), default=list, blank=True)
    is_flagged = models.BooleanField(_("flagged"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    override_reason = models.TextField(_("override reason"), blank=True)
    is_applied = models.BooleanField(
        _("applied to the product"),
        default=False,
        help_text=_("The product currently shows this approved text."),
    )
    job = models.ForeignKey(
        CopyJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="drafts"
    )
    # Kept on the draft (a job may be deleted): who asked for it may not be the one person
    # who overrides an injection flag on it.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set on batch drafts only: product, field, language, input hash and prompt version, so a
    # batch never drafts the same input twice (admin requests may ask for fresh candidates).
    batch_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    latency_ms = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("copy draft")
        verbose_name_plural = _("copy drafts")
        ordering = ["-created_at", "candidate", "-pk"]
        indexes = [
            models.Index(
                fields=["product", "channel", "language", "status"], name="copydraft_lookup"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} ({self.language}) for product {self.product_id}"

    @property
    def blocking_checks(self) -> list[dict]:
        return [c for c in self.checks if c.get("severity") == "error"]
