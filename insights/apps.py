from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    label = "insights"
    verbose_name = _("Customer insights")

    def ready(self) -> None:
        from celery import current_app

        from shop.catalog.slots import register_slot
        from shop.reviews.hooks import register_reviews_changed_hook

        # Celery discovers task modules in its workers only; services queue the refresh task
        # by name (services.REFRESH_TASK), so this app's tasks are registered here too.
        current_app.autodiscover_tasks([self.name], force=True)
        # "Customers mention: ..." at the top of the product page's reviews.
        register_slot("product_reviews_summary", "insights/_review_aspects.html")
        register_reviews_changed_hook(queue_refresh)


def queue_refresh(*, product_ids: list[int]) -> None:
    """Reviews changed: refresh their products' aspect summaries after the commit."""
    from insights.services import queue_review_insights_refresh

    queue_review_insights_refresh(product_ids=product_ids)
