"""Sign-up form: Django's UserCreationForm plus a required e-mail address.

The address is not required to be unique. It is an unverified contact address (customers sign
in by username, and nothing looks an account up by e-mail), so refusing a registered one only
told anyone which addresses have accounts here. A sign-up with a registered address creates
a separate account, answered exactly like any other (issue #18).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _


class SignupForm(UserCreationForm):
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("For order confirmations. We never share it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip()
