"""Reads for the merchant's negative-review report: complaints by aspect and by product, with
their trend (reviews per week over the last weeks, and the last 30 days against the 30 before).

Everything is read from the stored mentions (``ReviewAspectMention``), of every review, verified
purchase or not: the merchant wants every complaint, the shoppers' summary only the verified.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from insights.aspects import NEGATIVE, load_catalogue
from insights.models import ReviewAnalysis, ReviewAspectMention
from shop.catalog.models import Product
from shop.reviews.models import Review

DEFAULT_WEEKS = 8
COMPARE_DAYS = 30
PRODUCT_LIMIT = 20
EXAMPLE_LIMIT = 50


@dataclass(frozen=True)
class Trend:
    """Reviews with a complaint: per week (oldest first), in the window, and 30 days vs 30."""

    weekly: list[int]
    total: int
    last_30_days: int
    previous_30_days: int

    @property
    def change(self) -> int:
        return self.last_30_days - self.previous_30_days


@dataclass(frozen=True)
class AspectComplaints:
    aspect: str
    label: str
    trend: Trend
    products: int


@dataclass(frozen=True)
class ProductComplaints:
    product_id: int
    title: str
    sku: str
    trend: Trend
    # (label, reviews), most complained-about first
    aspects: list[tuple[str, int]]


@dataclass(frozen=True)
class ComplaintExample:
    review_id: int
    product_id: int
    product_title: str
    clause: str
    reviewed_at: datetime
    verified_purchase: bool


@dataclass(frozen=True)
class NegativeReviewReport:
    week_starts: list[date]
    aspects: list[AspectComplaints]
    products: list[ProductComplaints]
    # Reviews in the window rated 1-2 stars or read as negative by the sentiment head, and
    # those of them in which no complaint about a catalogued aspect was found.
    negative_reviews: int
    negative_without_aspect: int
    # The aspect the report is narrowed to (its products and examples), or "".
    aspect: str
    aspect_label: str
    examples: list[ComplaintExample]


def _trend(dates: dict[int, date], week_starts: list[date], today: date) -> Trend:
    """The trend of reviews (review id -> local date of the review)."""
    weekly = [0] * len(week_starts)
    last, previous = 0, 0
    for day in dates.values():
        if day >= week_starts[0]:
            weekly[(day - week_starts[0]).days // 7] += 1
        age = (today - day).days
        if age < COMPARE_DAYS:
            last += 1
        elif age < 2 * COMPARE_DAYS:
            previous += 1
    return Trend(weekly=weekly, total=sum(weekly), last_30_days=last, previous_30_days=previous)


def negative_review_report(
    *,
    language: str = "en",
    aspect: str = "",
    weeks: int = DEFAULT_WEEKS,
    now: datetime | None = None,
) -> NegativeReviewReport:
    """Negative aspect mentions of the last ``weeks`` weeks (this week included, weeks start
    on Monday), grouped by aspect and by product, labelled in ``language`` ("en" or "zh").

    With ``aspect``, the products are those with complaints about it and the latest
    complaints about it are quoted.
    """
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    this_week = today - timedelta(days=today.weekday())
    week_starts = [this_week - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    first_day = min(week_starts[0], today - timedelta(days=2 * COMPARE_DAYS - 1))
    since = timezone.make_aware(datetime.combine(first_day, datetime.min.time()))
    catalogue = load_catalogue()

    def label(code: str) -> str:
        found = catalogue.aspects.get(code)
        return (found.label(NEGATIVE, language) if found else None) or code

    by_aspect: dict[str, dict[int, date]] = defaultdict(dict)
    by_product: dict[int, dict[int, date]] = defaultdict(dict)
    product_aspects: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    aspect_products: dict[str, set[int]] = defaultdict(set)
    complained: set[int] = set()
    rows = ReviewAspectMention.objects.filter(polarity=NEGATIVE, reviewed_at__gte=since)
    for code, product_id, review_id, reviewed_at in rows.values_list(
        "aspect", "product_id", "review_id", "reviewed_at"
    ).iterator(chunk_size=5000):
        day = timezone.localtime(reviewed_at).date()
        complained.add(review_id)
        by_aspect[code][review_id] = day
        aspect_products[code].add(product_id)
        if not aspect or code == aspect:
            by_product[product_id][review_id] = day
            product_aspects[product_id][code].add(review_id)

    aspects = sorted(
        (
            AspectComplaints(
                aspect=code,
                label=label(code),
                trend=_trend(dates, week_starts, today),
                products=len(aspect_products[code]),
            )
            for code, dates in by_aspect.items()
        ),
        key=lambda item: (-item.trend.total, -item.trend.last_30_days, item.aspect),
    )
    trends = {pid: _trend(dates, week_starts, today) for pid, dates in by_product.items()}
    top = sorted(trends, key=lambda pid: (-trends[pid].total, -trends[pid].last_30_days, pid))
    top = [pid for pid in top if trends[pid].total][:PRODUCT_LIMIT]
    titles = Product.objects.in_bulk(top)
    products = [
        ProductComplaints(
            product_id=pid,
            title=titles[pid].title,
            sku=titles[pid].sku,
            trend=trends[pid],
            aspects=sorted(
                ((label(code), len(ids)) for code, ids in product_aspects[pid].items()),
                key=lambda item: (-item[1], item[0]),
            ),
        )
        for pid in top
        if pid in titles
    ]

    window = Review.objects.filter(created_at__gte=since, created_at__date__gte=week_starts[0])
    negative = set(window.filter(rating__lte=2).values_list("pk", flat=True))
    negative |= set(
        ReviewAnalysis.objects.filter(
            sentiment=NEGATIVE, review__in=window.values("pk")
        ).values_list("review_id", flat=True)
    )
    examples = []
    if aspect:
        mentions = (
            ReviewAspectMention.objects.filter(polarity=NEGATIVE, aspect=aspect)
            .select_related("product")
            .order_by("-reviewed_at", "-pk")[:EXAMPLE_LIMIT]
        )
        examples = [
            ComplaintExample(
                review_id=row.review_id,
                product_id=row.product_id,
                product_title=row.product.title,
                clause=row.clause,
                reviewed_at=row.reviewed_at,
                verified_purchase=row.verified_purchase,
            )
            for row in mentions
        ]
    return NegativeReviewReport(
        week_starts=week_starts,
        aspects=aspects,
        products=products,
        negative_reviews=len(negative),
        negative_without_aspect=len(negative - complained),
        aspect=aspect,
        aspect_label=label(aspect) if aspect else "",
        examples=examples,
    )
