from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shop.reviews import services
from shop.reviews.models import Review
from tests.factories import ProductFactory, ReviewFactory

pytestmark = pytest.mark.django_db


def test_create_review_updates_product_average_and_count():
    """Each new review is reflected in the product's denormalised rating at once."""
    product = ProductFactory()
    services.create_review(product=product, author_name="Li", rating=5, title="好", text="很好")
    services.create_review(product=product, author_name="Al", rating=2, title="Meh", text="Ok")
    services.create_review(product=product, author_name="Jo", rating=4, title="Fine", text="Yes")

    product.refresh_from_db()
    assert (product.rating_average, product.review_count) == (Decimal("3.67"), 3)


@pytest.mark.parametrize("rating", [0, 6])
def test_create_review_refuses_rating_outside_one_to_five(rating):
    """Ratings are 1–5; anything else is a validation error and nothing is saved."""
    product = ProductFactory()
    with pytest.raises(ValidationError) as error:
        services.create_review(product=product, author_name="X", rating=rating, title="t", text="x")
    assert "rating" in error.value.message_dict
    assert Review.objects.count() == 0
    product.refresh_from_db()
    assert product.review_count == 0


def test_refresh_product_ratings_clears_products_without_reviews():
    """A product whose reviews were deleted goes back to no average and a count of 0."""
    product = ProductFactory(rating_average=Decimal("4.00"), review_count=2)
    reviewed = ReviewFactory(rating=3).product

    assert services.refresh_product_ratings() == 2

    product.refresh_from_db()
    reviewed.refresh_from_db()
    assert (product.rating_average, product.review_count) == (None, 0)
    assert (reviewed.rating_average, reviewed.review_count) == (Decimal("3.00"), 1)
