"""Support chat's stored data: the shop's labelled intent examples.

The intent classifier (``manage.py train_intents``) is trained on these rows; the demo shop's
rows are seeded from ``support_chat/data/intents.yaml`` and merchants edit them in the admin.
"""

from __future__ import annotations

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

    def __str__(self) -> str:
        return f"{self.label}: {self.text}"
