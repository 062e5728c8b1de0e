"""Query-string validation for the category listing; nothing here touches the database."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .selectors import (
    SORT_ALIASES,
    SORT_CHOICES,
    SORT_POPULAR,
    AttributeInfo,
    BrandInfo,
    ListingFilters,
)

SORT_LABELS = {
    "popular": _("Most popular"),
    "newest": _("Newest"),
    "price_asc": _("Price: low to high"),
    "price_desc": _("Price: high to low"),
    "rating": _("Top rated"),
}


class LenientMultipleChoiceField(forms.Field):
    """Keeps the known values of a repeated parameter and drops the rest.

    A bookmarked filter URL whose option was since removed should still show the listing,
    so unknown values are ignored instead of failing the whole field.
    """

    widget = forms.MultipleHiddenInput

    def __init__(self, *, allowed: Iterable[str], **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.allowed = frozenset(allowed)

    def to_python(self, value: Any) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        seen: list[str] = []
        for item in value:
            if isinstance(item, str) and item in self.allowed and item not in seen:
                seen.append(item)
        return seen


class ProductFilterForm(forms.Form):
    """Facet filters, price range, stock and sort of ``/c/<slug>/``.

    Brand and attribute fields are added per category. Bad values never raise: invalid prices
    become field errors the page shows next to the inputs, unknown options and sorts are ignored.
    """

    price_min = forms.DecimalField(
        label=_("Min price"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    price_max = forms.DecimalField(
        label=_("Max price"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    in_stock = forms.BooleanField(label=_("In stock only"), required=False)
    sort = forms.CharField(required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        brands: Iterable[BrandInfo] = (),
        schema: Iterable[AttributeInfo] = (),
    ) -> None:
        super().__init__(data)
        self.brand_ids = {b.slug: b.id for b in brands}
        self.fields["brand"] = LenientMultipleChoiceField(allowed=self.brand_ids)
        self.attribute_codes: list[str] = []
        for attribute in schema:
            if attribute.is_filter:
                self.attribute_codes.append(attribute.code)
                self.fields[f"attr_{attribute.code}"] = LenientMultipleChoiceField(
                    allowed=attribute.options
                )

    def clean_sort(self) -> str:
        value = self.cleaned_data.get("sort") or ""
        value = SORT_ALIASES.get(value, value)
        return value if value in SORT_CHOICES else SORT_POPULAR

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and high < low:
            self.add_error(
                "price_max", _("The maximum price is below the minimum price, so it was ignored.")
            )
        return cleaned

    def get_filters(self) -> ListingFilters:
        """The valid part of the submitted filters (call after ``is_valid()``)."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        return ListingFilters(
            brand_ids=frozenset(self.brand_ids[slug] for slug in data.get("brand", [])),
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            attributes={
                code: frozenset(data.get(f"attr_{code}", []))
                for code in self.attribute_codes
                if data.get(f"attr_{code}")
            },
            in_stock=bool(data.get("in_stock")),
            sort=data.get("sort") or SORT_POPULAR,
        )

    def canonical_params(self) -> QueryDict:
        """The recognised parameters in a fixed order, without the page number.

        Used as the cache key of the rendered listing and as the base of every link on it, so
        unknown parameters neither multiply cache entries nor get echoed into cached HTML.
        """
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        params = QueryDict(mutable=True)
        for slug in sorted(data.get("brand", [])):
            params.appendlist("brand", slug)
        for code in self.attribute_codes:
            for value in sorted(data.get(f"attr_{code}", [])):
                params.appendlist(f"attr_{code}", value)
        for name in ("price_min", "price_max"):
            if data.get(name) is not None and name not in self.errors:
                params[name] = str(data[name])
            else:
                # Kept as typed (trimmed) so the page can show the value next to its error.
                raw = str(self.data.get(name, "")).strip()[:40]
                if raw:
                    params[name] = raw
        if data.get("in_stock"):
            params["in_stock"] = "1"
        sort = data.get("sort") or SORT_POPULAR
        if sort != SORT_POPULAR:
            params["sort"] = sort
        return params

    def sort_options(self) -> list[tuple[str, Any]]:
        return [(value, SORT_LABELS[value]) for value in SORT_CHOICES]
