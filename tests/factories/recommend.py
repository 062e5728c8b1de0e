import factory
from django.utils import timezone

from recommend.models import RecommendationImpression, Surface


class RecommendationImpressionFactory(factory.django.DjangoModelFactory):
    """One home list of three products shown to a browser session."""

    class Meta:
        model = RecommendationImpression

    surface = Surface.HOME
    product_ids = factory.LazyFunction(lambda: [1, 2, 3])
    session_key = "r" * 32
    created_at = factory.LazyFunction(timezone.now)
