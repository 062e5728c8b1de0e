"""Query-string parsing of the search page and /api/search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.text import clean_query
from search.selectors import SORT_RELEVANCE, SORTS, SearchParams, search_schema
from shop.catalog import selectors as catalog
from shop.catalog.forms import ProductFilterForm

MAX_PAGE = 1000
MAX_PAGE_SIZE = 100


class SearchForm(ProductFilterForm):
    """The catalog filters plus the query, a category, relevance sort and paging.

    The page is lenient (bad values fall back to defaults, as the category page does); the
    API is strict (``strict=True``): a bad page, page size or sort is a field error → 400.
    """

    q = forms.CharField(required=False)
    category = forms.CharField(required=False)
    page = forms.CharField(required=False)
    page_size = forms.CharField(required=False)
    exact = forms.BooleanField(required=False)

    def __init__(self, data: Any = None, *, strict: bool = False) -> None:
        super().__init__(data, brands=catalog.brands_by_id().values(), schema=search_schema())
        self.strict = strict
        # Control characters (NUL included) are stripped by clean_query, not refused.
        self.fields["q"].validators = []

    def clean_q(self) -> str:
        return clean_query(self.cleaned_data.get("q") or "")

    def clean_sort(self) -> str:
        value = (self.data.get("sort") or "").strip()
        if not value:
            return SORT_RELEVANCE
        if value not in SORTS:
            if self.strict:
                raise forms.ValidationError(
                    _("Unknown sort; use one of: %(sorts)s.") % {"sorts": ", ".join(SORTS)}
                )
            return SORT_RELEVANCE
        return value

    def _bounded(self, name: str, default: int, maximum: int) -> int:
        raw = str(self.cleaned_data.get(name) or "").strip()
        if not raw:
            return default
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= maximum:
            if self.strict:
                raise forms.ValidationError(
                    _("Must be a whole number from 1 to %(max)d.") % {"max": maximum}
                )
            return default
        return int(raw)

    def clean_page(self) -> int:
        return self._bounded("page", 1, MAX_PAGE)

    def clean_page_size(self) -> int:
        return self._bounded("page_size", settings.SHOP_PAGE_SIZE, MAX_PAGE_SIZE)

    def clean_category(self) -> int | None:
        slug = (self.cleaned_data.get("category") or "").strip()
        if not slug:
            return None
        node = catalog.category_tree().get(slug)
        if node is None:
            if self.strict:
                raise forms.ValidationError(_("Unknown category."))
            return None
        return node.id

    def get_params(self) -> SearchParams:
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        data = self.cleaned_data
        filters = self.get_filters()
        return SearchParams(
            query=data.get("q") or "",
            filters=filters,
            category_id=data.get("category"),
            sort=data.get("sort") or SORT_RELEVANCE,
            page=data.get("page") or 1,
            page_size=data.get("page_size") or settings.SHOP_PAGE_SIZE,
            understand=not data.get("exact"),
        )

    def canonical_params(self):  # noqa: ANN201  (QueryDict, like the parent)
        params = super().canonical_params()
        data = self.cleaned_data
        params.pop("sort", None)
        if data.get("sort") and data["sort"] != SORT_RELEVANCE:
            params["sort"] = data["sort"]
        if data.get("q"):
            params["q"] = data["q"]
        if data.get("category"):
            params["category"] = catalog.category_tree().nodes[data["category"]].slug
        if data.get("exact"):
            params["exact"] = "1"
        return params
