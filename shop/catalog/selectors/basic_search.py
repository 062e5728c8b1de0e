"""Basic keyword search (the search app replaces it with a real engine) and the shop's own words."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ..models import Brand, Category, Product, ProductTranslation
from .cards import card_queryset

MAX_QUERY_TERMS = 8


def keyword_search(query: str) -> QuerySet[Product]:
    """Active products whose title or description contains every term, in either language.

    A plain case-insensitive substring match through the ORM, most popular first; good enough
    until the search app's ranked engine replaces it.
    """
    terms = query.split()[:MAX_QUERY_TERMS]
    products = card_queryset().active()
    if not terms:
        return products.none()
    for term in terms:
        translated = ProductTranslation.objects.filter(
            Q(title__icontains=term) | Q(description__icontains=term)
        ).values("product_id")
        products = products.filter(
            Q(title__icontains=term) | Q(description__icontains=term) | Q(pk__in=translated)
        )
    return products.order_by("-popularity", "-id")


def catalog_name_texts() -> list[str]:
    """Every product title (both languages), brand and category name: the shop's own words."""
    return [
        *Product.objects.values_list("title", flat=True).iterator(chunk_size=2000),
        *ProductTranslation.objects.values_list("title", flat=True).iterator(chunk_size=2000),
        *Brand.objects.values_list("name", flat=True),
        *Brand.objects.values_list("name_zh", flat=True),
        *Category.objects.values_list("name", flat=True),
    ]
