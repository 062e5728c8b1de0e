"""The merchant's reports: click-through per surface, and who the recommendations expose.

Impressions are one row per shown list (``RecommendationImpression``), clicks are the
interaction log's clicks with ``source="rec-<surface>"``; CTR is clicks per product shown.
Exposure counts every product shown over the period by brand, category and price band beside
that group's share of the sellable catalog, so a part of the catalog the lists starve stands
out (its exposure share far below its catalog share).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from recommend.models import RecommendationImpression, Surface
from shop.catalog import selectors as catalog
from shop.catalog.models import Product
from shop.interactions.models import Interaction

# A group is starved when its share of what is shown is under this share of its catalog share.
STARVED_RATIO = 0.25
PRICE_BANDS = (Decimal("25"), Decimal("50"), Decimal("100"), Decimal("250"))


@dataclass(frozen=True)
class SurfaceCTR:
    surface: str
    label: str
    lists: int
    products_shown: int
    clicks: int

    @property
    def ctr(self) -> float:
        return self.clicks / self.products_shown if self.products_shown else 0.0

    @property
    def ctr_percent(self) -> str:
        return f"{self.ctr * 100:.2f}%"


@dataclass(frozen=True)
class ExposureRow:
    name: str
    shown: int
    share: float
    catalog_share: float

    @property
    def share_percent(self) -> str:
        return f"{self.share * 100:.1f}%"

    @property
    def catalog_share_percent(self) -> str:
        return f"{self.catalog_share * 100:.1f}%"

    @property
    def starved(self) -> bool:
        return self.catalog_share > 0 and self.share < STARVED_RATIO * self.catalog_share


def ctr_report(*, days: int = 30) -> list[SurfaceCTR]:
    since = timezone.now() - timedelta(days=days)
    lists: Counter[str] = Counter()
    shown: Counter[str] = Counter()
    for surface, product_ids in (
        RecommendationImpression.objects.filter(created_at__gte=since)
        .values_list("surface", "product_ids")
        .iterator(chunk_size=2000)
    ):
        lists[surface] += 1
        shown[surface] += len(product_ids or [])
    clicks = dict(
        Interaction.objects.filter(
            kind=Interaction.Kind.CLICK, source__startswith="rec-", created_at__gte=since
        )
        .values_list("source")
        .annotate(n=Count("id"))
        .values_list("source", "n")
    )
    return [
        SurfaceCTR(
            surface=value,
            label=str(label),
            lists=lists[value],
            products_shown=shown[value],
            clicks=clicks.get(f"rec-{value}", 0),
        )
        for value, label in Surface.choices
    ]


def price_band(price: Decimal) -> str:
    lower = Decimal("0")
    for upper in PRICE_BANDS:
        if price < upper:
            return f"${lower:,.0f}–${upper:,.0f}"
        lower = upper
    return f"${lower:,.0f}+"


def exposure_report(*, days: int = 30, rows: int = 15) -> dict[str, list[ExposureRow]]:
    """Shares of the products shown by brand, category and price band (most shown first,
    then the starved groups that were not in the head)."""
    since = timezone.now() - timedelta(days=days)
    counts: Counter[int] = Counter()
    for product_ids in (
        RecommendationImpression.objects.filter(created_at__gte=since)
        .values_list("product_ids", flat=True)
        .iterator(chunk_size=2000)
    ):
        counts.update(product_ids or [])
    tree = catalog.category_tree()
    brands = catalog.brands_by_id()
    language = catalog.current_language()

    def groups(product: tuple[int, int, int | None, Decimal]) -> dict[str, str]:
        _pid, category_id, brand_id, price = product
        node = tree.nodes.get(category_id)
        brand = brands.get(brand_id) if brand_id else None
        return {
            "brand": brand.display_name(language) if brand else _("No brand"),
            "category": node.name if node else "?",
            "price": price_band(price),
        }

    shown: dict[str, Counter[str]] = {"brand": Counter(), "category": Counter(), "price": Counter()}
    sellable: dict[str, Counter[str]] = {
        "brand": Counter(),
        "category": Counter(),
        "price": Counter(),
    }
    for product in (
        Product.objects.active()
        .filter(stock__gt=0)
        .values_list("id", "category_id", "brand_id", "price")
        .iterator(chunk_size=5000)
    ):
        for key, name in groups(product).items():
            sellable[key][name] += 1
            shown[key][name] += counts.get(product[0], 0)
    report = {}
    for key in ("brand", "category", "price"):
        total_shown = sum(shown[key].values()) or 1
        total_sellable = sum(sellable[key].values()) or 1
        table = [
            ExposureRow(
                name=name,
                shown=shown[key][name],
                share=shown[key][name] / total_shown,
                catalog_share=sellable[key][name] / total_sellable,
            )
            for name in sellable[key]
        ]
        table.sort(key=lambda r: (-r.shown, r.name))
        head = table[:rows]
        starved = [r for r in table[rows:] if r.starved]
        starved.sort(key=lambda r: (-r.catalog_share, r.name))
        report[key] = head + starved[:rows]
    return report
