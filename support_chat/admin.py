"""The shop's labelled intent examples, editable by merchants; retraining from the list."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from support_chat import services
from support_chat.models import IntentExample


@admin.register(IntentExample)
class IntentExampleAdmin(admin.ModelAdmin):
    list_display = ("text", "label", "language", "updated_at")
    list_filter = ("label", "language")
    list_editable = ("label",)
    search_fields = ("text",)
    actions = ["retrain_classifier"]

    @admin.action(description=_("Retrain the intent classifier on all examples"))
    def retrain_classifier(self, request: HttpRequest, queryset: Any) -> None:
        services.queue_intent_training()
        self.message_user(
            request,
            _("Training queued; the new version is served once it is trained."),
            messages.SUCCESS,
        )
