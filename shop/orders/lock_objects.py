"""Named row locks. Always lock in primary-key order so two checkouts cannot deadlock."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from shop.catalog.models import Product

from .models import Order


def product_qs_select_for_update(product_ids: Iterable[int]) -> QuerySet[Product]:
    return Product.objects.select_for_update().filter(pk__in=list(product_ids)).order_by("pk")


def order_qs_select_for_update() -> QuerySet[Order]:
    return Order.objects.select_for_update()
