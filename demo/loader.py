"""Writes the demo shop to the database: schema, products, customers and their history.

Rerunning with the same options converges on the same rows: categories, attributes and brands
are matched by slug or code, products by SKU, customers by username, and the reviews,
interaction log and orders of the demo customers are replaced (``demo.write_catalog``,
``demo.write_history``, ``demo.write_orders``). Only the demo accounts' passwords change:
each load makes new random ones unless it is given some (``demo.accounts``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from common.text import CHINESE
from shop.catalog.cache import invalidate_catalog_cache
from shop.catalog.models import (
    Attribute,
    Brand,
    Category,
    CategoryTranslation,
    Product,
    ProductTranslation,
)
from shop.interactions.models import Interaction
from shop.interactions.services import refresh_product_popularity
from shop.orders.models import Order
from shop.reviews.models import Review
from shop.reviews.services import refresh_product_ratings

from .accounts import DemoPasswords
from .customers import build_customers, build_history, username_for
from .orders import plan_orders, showcase_sessions, with_showcase
from .reader import DemoContent, demo_content
from .write_catalog import ProgressFactory, write_catalog_schema, write_products
from .write_history import write_customers, write_demo_merchant, write_history
from .write_orders import remove_demo_orders, write_orders

DEFAULT_SEED = 20240601
DEFAULT_PRODUCTS = 2000
DEFAULT_CUSTOMERS = 60
DEFAULT_CHUNK_SIZE = 500
# SKUs carry a five-digit index; customer usernames at least two digits.
MAX_PRODUCTS = 99_999
MAX_CUSTOMERS = 9_999
DEMO_SKU_PREFIX = "DEMO-"
POPULARITY_DAYS = 30


class _NoProgress:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int = 1) -> None:
        return None


@dataclass
class DemoShopSummary:
    categories: int = 0
    top_level_categories: int = 0
    category_translations: int = 0
    attributes: int = 0
    brands: int = 0
    products: int = 0
    products_created: int = 0
    products_updated: int = 0
    product_translations: int = 0
    customers: int = 0
    reviews: int = 0
    interactions: int = 0
    interactions_by_kind: dict[str, int] = field(default_factory=dict)
    orders: int = 0
    orders_by_status: dict[str, int] = field(default_factory=dict)
    # the demo accounts' passwords; None when no accounts were written (history off)
    passwords: DemoPasswords | None = None

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.interactions_by_kind.items()))
        statuses = ", ".join(f"{status} {n}" for status, n in sorted(self.orders_by_status.items()))
        return [
            f"Categories: {self.categories} ({self.top_level_categories} top-level, "
            f"{self.category_translations} Chinese names)",
            f"Attributes: {self.attributes}; brands: {self.brands}",
            f"Products: {self.products} ({self.products_created} created, "
            f"{self.products_updated} updated)",
            f"Chinese product translations: {self.product_translations}",
            f"Demo customers: {self.customers}",
            f"Reviews: {self.reviews}",
            f"Interactions: {self.interactions}" + (f" ({kinds})" if kinds else ""),
            f"Orders: {self.orders}" + (f" ({statuses})" if statuses else ""),
        ]


def start_of_day(moment: datetime | None = None) -> datetime:
    """Histories are anchored to midnight UTC so reruns on the same day write identical rows."""
    moment = moment or timezone.now()
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def load_demo_shop(
    *,
    products: int = DEFAULT_PRODUCTS,
    customers: int = DEFAULT_CUSTOMERS,
    seed: int = DEFAULT_SEED,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    history: bool = True,
    passwords: DemoPasswords | None = None,
    progress: ProgressFactory | None = None,
    now: datetime | None = None,
) -> DemoShopSummary:
    """Create or update the demo catalog, and unless ``history`` is off its customers, reviews
    and interaction log.

    Args:
        products: number of demo products; product ``i`` always gets SKU ``DEMO-<cat>-<i+1>``.
        customers: number of demo customers (``demo_customer_01`` …).
        seed: same seed, same shop.
        chunk_size: products and events written per transaction.
        history: write the merchant, customers, reviews, interactions and orders too.
        passwords: the demo accounts' passwords; new random ones when not given.
        progress: tqdm-compatible progress bar factory.
        now: the moment histories end at; defaults to today's midnight (UTC).

    Raises:
        ValueError: when a count is out of range; nothing is written.
        demo.content_node.ContentError: when a content file is broken; nothing is written.
    """
    if not 1 <= products <= MAX_PRODUCTS:
        raise ValueError(f"products must be between 1 and {MAX_PRODUCTS}, got {products}")
    if not 1 <= customers <= MAX_CUSTOMERS:
        raise ValueError(f"customers must be between 1 and {MAX_CUSTOMERS}, got {customers}")
    if chunk_size < 1:
        raise ValueError(f"chunk size must be at least 1, got {chunk_size}")
    content = demo_content()
    progress = progress or _NoProgress
    now = start_of_day(now)
    summary = DemoShopSummary()

    categories = write_catalog_schema()
    brand_ids = dict(
        Brand.objects.filter(slug__in=[b.slug for b in content.brands]).values_list("slug", "id")
    )
    written = write_products(
        count=products,
        seed=seed,
        chunk_size=chunk_size,
        categories=categories,
        brand_ids=brand_ids,
        now=now,
        progress=progress,
    )
    summary.products_created, summary.products_updated = written.created, written.updated
    if history:
        passwords = passwords or DemoPasswords.random()
        write_demo_merchant(passwords.merchant)
        customer_specs = build_customers(count=customers, seed=seed)
        user_ids = write_customers(customer_specs, password=passwords.customers, progress=progress)
        window = settings.SHOP_RETURN_WINDOW_DAYS
        events, reviews = build_history(customer_specs, written.specs, seed=seed, now=now)
        # The first customer's scripted orders (pending … returned) for trying the chat.
        showcase = showcase_sessions(
            customer_specs[0],
            written.specs,
            reviews=reviews,
            seed=seed,
            now=now,
            return_window_days=window,
        )
        events = with_showcase(events, showcase)
        write_history(
            customer_specs,
            events,
            reviews,
            user_ids=user_ids,
            product_ids=written.ids,
            chunk_size=chunk_size,
            progress=progress,
        )
        plans = plan_orders(
            customer_specs,
            events,
            showcase=showcase,
            seed=seed,
            now=now,
            return_window_days=window,
        )
        remove_demo_orders()
        write_orders(
            plans,
            user_ids=user_ids,
            product_ids=written.ids,
            chunk_size=chunk_size,
            progress=progress,
        )
        refresh_product_ratings(product_ids=None)
        refresh_product_popularity(days=POPULARITY_DAYS, now=now)
        summary.passwords = passwords
    _count(summary, content, customers=customers if history else 0)
    invalidate_catalog_cache()
    return summary


def _count(summary: DemoShopSummary, content: DemoContent, *, customers: int) -> None:
    slugs = [top.slug for top in content.tops]
    slugs += [leaf.slug for top in content.tops for leaf in top.leaves]
    demo_categories = Category.objects.filter(slug__in=slugs)
    summary.categories = demo_categories.count()
    summary.top_level_categories = demo_categories.filter(parent__isnull=True).count()
    summary.category_translations = CategoryTranslation.objects.filter(
        category__in=demo_categories, language_code=CHINESE
    ).count()
    summary.attributes = Attribute.objects.filter(
        code__in=[a.code for a in content.attribute_list]
    ).count()
    summary.brands = Brand.objects.filter(slug__in=[b.slug for b in content.brands]).count()
    demo_products = Product.objects.filter(sku__startswith=DEMO_SKU_PREFIX)
    summary.products = demo_products.count()
    summary.product_translations = ProductTranslation.objects.filter(
        product__in=demo_products, language_code=CHINESE
    ).count()
    if customers:
        usernames = [username_for(n) for n in range(1, customers + 1)]
        users = get_user_model().objects.filter(username__in=usernames)
        summary.customers = users.count()
        summary.reviews = Review.objects.filter(user__in=users).count()
        by_kind = Counter(
            dict(
                Interaction.objects.filter(user__in=users)
                .values_list("kind")
                .annotate(n=models.Count("id"))
                .values_list("kind", "n")
            )
        )
        summary.interactions = sum(by_kind.values())
        summary.interactions_by_kind = dict(by_kind)
        by_status = dict(
            Order.objects.filter(user__in=users)
            .values_list("status")
            .annotate(n=models.Count("id"))
            .values_list("status", "n")
        )
        summary.orders = sum(by_status.values())
        summary.orders_by_status = by_status
