"""The draft review form: the merchant's edit of a machine translation, validated only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class ReviewTranslationForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs={"class": "vLargeTextField"})
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    highlights = forms.CharField(
        label=_("Highlights"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line."),
    )
    accept_flagged = forms.BooleanField(
        label=_("I read the findings of the checks"),
        required=False,
        help_text=_("A flagged draft is approved only with this box ticked."),
    )

    @classmethod
    def initial_for(cls, fields: dict[str, Any]) -> dict[str, Any]:
        return {
            "title": fields.get("title", ""),
            "description": fields.get("description", ""),
            "highlights": "\n".join(fields.get("highlights") or []),
        }

    def translated_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "highlights": [
                line.strip() for line in data["highlights"].splitlines() if line.strip()
            ],
        }
