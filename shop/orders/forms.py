from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from common.text import is_chinese
from shop.catalog.selectors import format_price

from .models import Address, ShippingMethod
from .payments import available_gateways


def shipping_label(method: ShippingMethod, *, zh: bool) -> str:
    name = method.name_zh if zh and method.name_zh else method.name
    parts = [f"{name} — {format_price(method.price, settings.SHOP_DEFAULT_CURRENCY)}"]
    description = method.description_zh if zh and method.description_zh else method.description
    if description:
        parts.append(description)
    if method.free_over is not None:
        free = format_price(method.free_over, settings.SHOP_DEFAULT_CURRENCY)
        parts.append(_("free over %(amount)s") % {"amount": free})
    return " · ".join(str(part) for part in parts)


class CheckoutForm(forms.Form):
    """Input validation only; place_order re-checks everything under row locks."""

    email = forms.EmailField(label=_("Email"), max_length=254)
    saved_address = forms.ModelChoiceField(
        label=_("Saved address"),
        queryset=Address.objects.none(),
        required=False,
        empty_label=_("Enter a new address"),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=120, required=False)
    line1 = forms.CharField(label=_("Address"), max_length=200, required=False)
    line2 = forms.CharField(label=_("Address line 2"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    region = forms.CharField(label=_("State / province"), max_length=100, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=20, required=False)
    country = forms.CharField(
        label=_("Country code"), max_length=2, min_length=2, required=False, initial="US"
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    save_address = forms.BooleanField(label=_("Save this address"), required=False)
    shipping_method = forms.ChoiceField(label=_("Shipping"), widget=forms.RadioSelect)
    payment_method = forms.ChoiceField(label=_("Payment"), widget=forms.RadioSelect)
    card_number = forms.CharField(
        label=_("Test card number"), max_length=23, required=False, strip=True
    )

    address_fields = ("full_name", "line1", "city", "postcode", "country")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and user.is_authenticated:
            self.fields["saved_address"].queryset = Address.objects.filter(user=user)
        else:
            del self.fields["saved_address"]
            del self.fields["save_address"]
        zh = is_chinese(get_language())
        self.shipping_methods = list(ShippingMethod.objects.filter(is_active=True))
        self.fields["shipping_method"].choices = [
            (m.code, shipping_label(m, zh=zh)) for m in self.shipping_methods
        ]
        if self.shipping_methods:
            self.fields["shipping_method"].initial = self.shipping_methods[0].code
        gateways = available_gateways()
        self.fields["payment_method"].choices = [(g.code, g.label) for g in gateways.values()]
        if gateways:
            self.fields["payment_method"].initial = next(iter(gateways))

    def clean_country(self):
        return self.cleaned_data["country"].upper()

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("saved_address"):
            for name in self.address_fields:
                if not cleaned.get(name):
                    self.add_error(name, _("This field is required."))
        if cleaned.get("payment_method") == "test_card" and not cleaned.get("card_number"):
            self.add_error("card_number", _("Enter the test card number."))
        return cleaned

    def address(self) -> dict[str, str]:
        saved = self.cleaned_data.get("saved_address")
        if saved is not None:
            return saved.as_snapshot()
        return {
            name: self.cleaned_data.get(name, "")
            for name in (
                "full_name",
                "line1",
                "line2",
                "city",
                "region",
                "postcode",
                "country",
                "phone",
            )
        }


class ReturnRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you returning this order?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
