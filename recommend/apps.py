from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendConfig(AppConfig):
    name = "recommend"
    label = "recommend"
    verbose_name = _("Recommendations")

    def ready(self) -> None:
        from recommend.models import Surface
        from shop.catalog.selectors import register_click_sources
        from shop.catalog.slots import register_slot

        register_click_sources(*(f"rec-{surface}" for surface in Surface.values))

        register_slot("home_recommendations", "recommend/_home.html")
        register_slot("product_recommendations", "recommend/_product.html")
        register_slot("cart_recommendations", "recommend/_cart.html")
        register_slot("search_results_after", "recommend/_search.html")
