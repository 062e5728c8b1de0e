"""Storefront pages. Thin: parse the request, call selectors, log the interaction, render.

Category and product pages render their main content once and keep the HTML in the cache
(see ``selectors.fragment_key``); the header, with its CSRF token and account links, is
rendered for every request. That is what keeps the two busiest pages at a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from shop.interactions import services as interactions

from . import selectors
from .forms import ProductFilterForm

BUY_BOX_SLOT = "<!--buy-box-->"
# Where the "product_reviews_summary" slot goes: rendered per request, outside the cached body,
# so what fills it (review insights refreshed by a task) shows without invalidating the body.
REVIEWS_SUMMARY_SLOT = "<!--reviews-summary-->"


@dataclass(frozen=True)
class RenderedBody:
    """A cached page body plus what the surrounding layout needs to know about it."""

    html: str
    title: str
    meta_description: str = ""


def _page_range(page: Page) -> list[int | str]:
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def _page_param(request: HttpRequest) -> str:
    raw = request.GET.get("page", "")
    # Only plausible page numbers get their own cache entry; Paginator handles the rest.
    return raw if raw.isascii() and raw.isdigit() and len(raw) <= 6 else ""


def home(request: HttpRequest) -> HttpResponse:
    context = {
        "categories": selectors.top_categories(),
        "new_arrivals": selectors.new_arrivals(),
    }
    return render(request, "catalog/home.html", context)


def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tree = selectors.category_tree()
    category = tree.get(slug)
    if category is None:
        raise Http404("No such category")
    schema = selectors.category_schema(category.id)
    form = ProductFilterForm(request.GET, brands=selectors.brands_by_id().values(), schema=schema)
    filters = form.get_filters()
    params = form.canonical_params()
    page_param = _page_param(request)
    key = selectors.fragment_key("category", category.id, params.urlencode(), page_param)
    listing_html = cache.get(key)
    if listing_html is None:
        result = selectors.category_listing(category, filters, schema=schema)
        page = Paginator(result.product_ids, settings.SHOP_PAGE_SIZE).get_page(page_param)
        context = {
            "category": category,
            "breadcrumbs": tree.ancestors(category.id)[:-1],
            "subcategories": tree.children_of(category.id),
            "form": form,
            "filters": filters,
            "params": params,
            "result": result,
            "facets": selectors.build_facets(result, filters, schema),
            "page_obj": page,
            "page_range": _page_range(page),
            "products": selectors.cards_for_ids(page.object_list),
        }
        listing_html = str(render_to_string("catalog/_category_listing.html", context, request))
        cache.set(key, listing_html, selectors.FRAGMENT_TIMEOUT)
    context = {
        "category": category,
        "filters": filters,
        "listing_html": mark_safe(listing_html),  # noqa: S308  (rendered with autoescape)
        "noindex": filters.is_filtered or bool(page_param and page_param != "1"),
    }
    return render(request, "catalog/category.html", context)


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = selectors.get_active_product(slug)
    if product is None:
        raise Http404("No such product")
    interactions.record(kind="view", request=request, product_id=product.pk)
    click = selectors.parse_click(request.GET)
    if click is not None:
        source, position = click
        interactions.record(
            kind="click", request=request, product_id=product.pk, source=source, position=position
        )
    key = selectors.fragment_key("product", *selectors.product_stamp(product))
    body = cache.get(key)
    if body is None:
        detail = selectors.build_product_detail(product)
        card = detail.card
        html = render_to_string(
            "catalog/_product_body.html", {"product": detail, "card": card}, request
        )
        body = RenderedBody(
            html=str(html),
            title=card.title,
            meta_description=detail.description[:160],
        )
        cache.set(key, body, selectors.PRODUCT_FRAGMENT_TIMEOUT)
    # The cached body is the same for everyone; the buy form carries this visitor's CSRF
    # token, so the page template renders it into the slot the body leaves for it.
    before, _slot, after = body.html.partition(BUY_BOX_SLOT)
    middle, _slot, end = after.partition(REVIEWS_SUMMARY_SLOT)
    context = {
        "body": body,
        "product": product,
        "body_before": mark_safe(before),  # noqa: S308  (rendered with autoescape)
        "body_middle": mark_safe(middle),  # noqa: S308
        "body_end": mark_safe(end),  # noqa: S308
        "product_id": product.pk,
        "canonical_url": request.build_absolute_uri(request.path),
    }
    return render(request, "catalog/product.html", context)
