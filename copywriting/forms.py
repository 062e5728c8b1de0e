"""Admin forms: input validation only; the services do the work."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from copywriting.models import Channel, Field, Length, Tone

MARKETING_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.PRODUCT_PAGE]


class GenerateCopyForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    tone = forms.ChoiceField(label=_("Tone"), choices=Tone.choices, initial=Tone.PROFESSIONAL)
    audience = forms.CharField(
        label=_("Audience"),
        required=False,
        max_length=80,
        help_text=_("Who the copy speaks to, e.g. “commuters”, “new parents”. Optional."),
    )
    length = forms.ChoiceField(label=_("Length"), choices=Length.choices, initial=Length.MEDIUM)
    candidates = forms.IntegerField(label=_("Candidates"), min_value=1, max_value=5, initial=3)

    def __init__(self, *args, field: str = Field.DESCRIPTION, **kwargs):
        super().__init__(*args, **kwargs)
        self.copy_field = field
        if field == Field.DESCRIPTION:
            self.fields["channel"].choices = [(Channel.PRODUCT_PAGE, Channel.PRODUCT_PAGE.label)]
            self.fields["channel"].initial = Channel.PRODUCT_PAGE
        else:
            self.fields["channel"].choices = MARKETING_CHANNELS


class ReviewDraftForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 90}),
        required=False,
        help_text=_("Edit before approving; edited text is checked again."),
    )
    override_reason = forms.CharField(
        label=_("Override reason"),
        widget=forms.Textarea(attrs={"rows": 2, "cols": 90}),
        required=False,
        help_text=_(
            "Required to approve a flagged draft: why the flagged findings are acceptable. "
            "It is stored with your name."
        ),
    )
