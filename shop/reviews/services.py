from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Avg, Count

from shop.catalog.models import Product

from .hooks import run_reviews_changed_hooks
from .models import Review


def refresh_product_ratings(product_ids: list[int] | None = None) -> int:
    """Recompute ``rating_average`` and ``review_count`` from the reviews.

    Args:
        product_ids: products to refresh; ``None`` refreshes every product.

    Returns:
        The number of products whose figures changed.
    """
    products = Product.objects.all()
    if product_ids is not None:
        products = products.filter(pk__in=product_ids)
    stats = {
        row["product_id"]: row
        for row in Review.objects.filter(product__in=products)
        .values("product_id")
        .annotate(average=Avg("rating"), count=Count("id"))
    }
    changed = []
    for product in products.only("id", "rating_average", "review_count").iterator(chunk_size=2000):
        row = stats.get(product.pk)
        average = (
            Decimal(str(row["average"])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if row
            else None
        )
        count = row["count"] if row else 0
        if (product.rating_average, product.review_count) != (average, count):
            product.rating_average, product.review_count = average, count
            changed.append(product)
    with transaction.atomic():
        Product.objects.bulk_update(changed, ["rating_average", "review_count"], batch_size=500)
    return len(changed)


@transaction.atomic
def create_review(
    *,
    product: Product,
    author_name: str,
    rating: int,
    title: str,
    text: str,
    user_id: int | None = None,
    language: str = "en",
    verified_purchase: bool = False,
) -> Review:
    """Save a review and refresh the product's denormalised rating in the same transaction,
    then run the reviews-changed hooks (``hooks.py``).

    Raises:
        ValidationError: when the rating is outside 1–5 or a field is empty or too long.
    """
    review = Review(
        product=product,
        user_id=user_id,
        author_name=author_name.strip(),
        rating=rating,
        title=title.strip(),
        text=text.strip(),
        language=language,
        verified_purchase=verified_purchase,
    )
    review.full_clean()
    review.save()
    refresh_product_ratings([product.pk])
    run_reviews_changed_hooks([product.pk])
    return review
