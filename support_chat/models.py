"""Support chat's stored data: the shop's labelled intent examples.

The intent classifier (``manage.py train_intents``) is trained on these rows; the demo shop's
rows are seeded from ``support_chat/data/intents.yaml`` and merchants edit them in the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Intent(models.TextChoices):
    ORDER_STATUS = "order_status", _("Order status")
    RETURN_REFUND = "return_refund", _("Return or refund")
    SHIPPING = "shipping", _("Shipping")
    PAYMENT = "payment", _("Payment")
    PRODUCT_QUESTION = "product_question", _("Product question")
    PRODUCT_SEARCH = "product_search", _("Product search")
    COMPLAINT = "complaint", _("Complaint")
    HUMAN_AGENT = "human_agent", _("Talk to a person")
    SMALL_TALK = "small_talk", _("Small talk")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")


class IntentExample(models.Model):
    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        CHINESE = "zh-hans", _("Chinese")

    text = models.CharField(_("text"), max_length=500)
    label = models.CharField(_("intent"), max_length=30, choices=Intent.choices, db_index=True)
    language = models.CharField(
        _("language"), max_length=10, choices=Language.choices, default=Language.ENGLISH
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["label", "language", "text"]
        constraints = [
            models.UniqueConstraint(
                fields=["text", "language"], name="support_chat_unique_intent_example"
            )
        ]
        verbose_name = _("intent example")
        verbose_name_plural = _("intent examples")

    def __str__(self) -> str:
        return f"{self.label}: {self.text}"


class HelpArticle(models.Model):
    """A policy or help article in English and Chinese, cited by the chat's answers.

    Bodies may hold placeholders filled from the shop's settings when an answer is composed
    (``{return_window_days}``, ``{shipping_methods}``, ``{payment_methods}``, ``{currency}``),
    so an article never states a figure the shop does not apply.
    """

    class Topic(models.TextChoices):
        RETURNS = "returns", _("Returns")
        SHIPPING = "shipping", _("Shipping")
        PAYMENT = "payment", _("Payment")
        WARRANTY = "warranty", _("Warranty")
        SIZING = "sizing", _("Sizing")
        ACCOUNT = "account", _("Account")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, db_index=True)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    body_en = models.TextField(_("body (English)"))
    body_zh = models.TextField(_("body (Chinese)"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["topic", "slug"]
        verbose_name = _("help article")
        verbose_name_plural = _("help articles")

    def __str__(self) -> str:
        return self.title_en

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("support_chat:article", kwargs={"slug": self.slug})


class Conversation(models.Model):
    """A shopper's chat: a customer's, or a visitor's (by session key) until they log in."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        HANDOFF = "handoff", _("Waiting for staff")
        CLOSED = "closed", _("Closed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="support_conversations",
        on_delete=models.CASCADE,
    )
    session_key = models.CharField(_("session"), max_length=40, blank=True, db_index=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    # A step waiting for the shopper's yes or no, e.g. {"action": "return", "order": "…"}.
    pending = models.JSONField(_("pending confirmation"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return f"#{self.pk} ({self.get_status_display()})"


class Message(models.Model):
    class Role(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        ASSISTANT = "assistant", _("Assistant")
        STAFF = "staff", _("Staff")

    class Source(models.TextChoices):
        """Who wrote an assistant answer: the generator, or the text it falls back to."""

        GENERATED = "generated", _("Generator, checked against the facts")
        PASSAGE = "passage", _("Retrieved text")
        TEMPLATE = "template", _("Template")

    conversation = models.ForeignKey(
        Conversation, related_name="messages", on_delete=models.CASCADE
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    text = models.TextField(_("text"))
    intent = models.CharField(_("intent"), max_length=30, blank=True)
    citations = models.JSONField(_("citations"), default=list, blank=True)
    actions = models.JSONField(_("actions"), default=list, blank=True)
    degraded = models.BooleanField(_("template answer"), default=False)
    source = models.CharField(
        _("written by"), max_length=10, choices=Source.choices, default=Source.TEMPLATE
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.role}: {self.text[:60]}"
