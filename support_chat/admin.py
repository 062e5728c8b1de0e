"""Support chat in the admin: intent examples, help articles, and conversations (tickets).

Staff answer a handed-off conversation from its change page ("Reply to the shopper"); the
writes go through ``services``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from support_chat import services
from support_chat.models import Conversation, HelpArticle, IntentExample, Message


@admin.register(IntentExample)
class IntentExampleAdmin(admin.ModelAdmin):
    list_display = ("text", "label", "language", "updated_at")
    list_filter = ("label", "language")
    list_editable = ("label",)
    search_fields = ("text",)
    actions = ["retrain_classifier"]

    @admin.action(
        description=_("Retrain the intent classifier on all examples"), permissions=["change"]
    )
    def retrain_classifier(self, request: HttpRequest, queryset: Any) -> None:
        run = services.queue_intent_training(user=request.user)
        self.message_user(
            request,
            format_html(
                _(
                    "Training queued; the new version is served once it is trained. <a "
                    'href="{}">Training run #{}</a> shows how it ends (and why, if it fails).'
                ),
                reverse("admin:llm_services_trainingrun_change", args=[run.pk]),
                run.pk,
            ),
            messages.SUCCESS,
        )


@admin.register(HelpArticle)
class HelpArticleAdmin(admin.ModelAdmin):
    list_display = ("title_en", "title_zh", "topic", "is_published", "updated_at")
    list_filter = ("topic", "is_published")
    search_fields = ("slug", "title_en", "title_zh", "body_en", "body_zh")
    prepopulated_fields = {"slug": ("title_en",)}
    fieldsets = (
        (None, {"fields": ("slug", "topic", "is_published")}),
        (_("English"), {"fields": ("title_en", "body_en")}),
        (_("Chinese"), {"fields": ("title_zh", "body_zh")}),
    )


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ("created_at", "role", "text", "intent", "citations")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ConversationForm(forms.ModelForm):
    staff_reply = forms.CharField(
        label=_("Reply to the shopper"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    class Meta:
        model = Conversation
        fields = ("status",)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    form = ConversationForm
    list_display = ("__str__", "user", "language", "status", "updated_at")
    list_filter = ("status", "language")
    # Not the session key: it is a live login credential, not something staff need to see.
    readonly_fields = ("user", "language", "created_at", "updated_at")
    fields = ("status", "staff_reply", *readonly_fields)
    inlines = [MessageInline]
    actions = ["close_conversations"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        text = form.cleaned_data.get("staff_reply", "").strip()
        if text:
            services.staff_reply(conversation_id=obj.pk, text=text, staff=request.user)

    @admin.action(description=_("Close the selected conversations"), permissions=["change"])
    def close_conversations(self, request: HttpRequest, queryset: Any) -> None:
        services.close_conversations(conversation_ids=list(queryset.values_list("pk", flat=True)))
