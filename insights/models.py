"""What the review insights store: each review's analysis, its aspect mentions, and one
summary per product that the product page reads as it is (nothing is computed per request)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Polarity(models.TextChoices):
    POSITIVE = "positive", _("positive")
    NEGATIVE = "negative", _("negative")


class ReviewAnalysis(models.Model):
    """One review read by ``services.refresh_review_insights``: the idempotency key.

    A review is read again when its text, the aspect catalogue or the sentiment version
    changes; otherwise a refresh leaves it and its mentions alone.
    """

    review = models.OneToOneField(
        "reviews.Review", primary_key=True, related_name="+", on_delete=models.CASCADE
    )
    content_hash = models.CharField(max_length=64)
    catalogue_version = models.CharField(max_length=20)
    # Blank: no sentiment version was active, so keyword mentions took the review's stars.
    sentiment_version = models.CharField(max_length=100, blank=True)
    # The whole review's label by the head ("" without one) and its probability of positive.
    sentiment = models.CharField(max_length=10, choices=Polarity.choices, blank=True)
    positive_probability = models.FloatField(null=True, blank=True)
    analysed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review analysis")
        verbose_name_plural = _("review analyses")

    def __str__(self) -> str:
        return f"review {self.review_id} ({self.sentiment or '-'})"


class ReviewAspectMention(models.Model):
    """An aspect a review's clause mentions, with its polarity."""

    review = models.ForeignKey("reviews.Review", related_name="+", on_delete=models.CASCADE)
    # The review's product and date, copied so the reports group without a join.
    product = models.ForeignKey("catalog.Product", related_name="+", on_delete=models.CASCADE)
    reviewed_at = models.DateTimeField()
    verified_purchase = models.BooleanField(default=False)
    aspect = models.CharField(max_length=40)
    polarity = models.CharField(max_length=10, choices=Polarity.choices)
    clause = models.CharField(max_length=300)
    # "phrase": the catalogue's wording says the polarity; "keyword": the head (or stars) did.
    source = models.CharField(max_length=10)

    class Meta:
        indexes = [
            models.Index(fields=["product", "aspect"], name="insights_mention_product"),
            models.Index(fields=["polarity", "reviewed_at"], name="insights_mention_polarity"),
        ]
        verbose_name = _("review aspect mention")
        verbose_name_plural = _("review aspect mentions")

    def __str__(self) -> str:
        return f"{self.aspect} ({self.polarity})"


class ReviewAspectSummary(models.Model):
    """What a product's verified-purchase reviews mention, ready for the product page.

    ``counts`` lists ``{"aspect": code, "polarity": "positive"|"negative", "reviews": n}``,
    most mentioned first; ``n`` counts reviews, not clauses.
    """

    product = models.OneToOneField(
        "catalog.Product", primary_key=True, related_name="+", on_delete=models.CASCADE
    )
    counts = models.JSONField(default=list)
    review_count = models.PositiveIntegerField(default=0)
    sentiment_version = models.CharField(max_length=100, blank=True)
    catalogue_version = models.CharField(max_length=20)
    built_at = models.DateTimeField()

    class Meta:
        verbose_name = _("review aspect summary")
        verbose_name_plural = _("review aspects")

    def __str__(self) -> str:
        return f"aspects of product {self.product_id}"
