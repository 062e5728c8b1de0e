from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from config.api_schema import api_schema
from config.health import healthz
from config.readiness import readyz
from recommend.urls import api_urlpatterns as recommend_api
from search.urls import api_urlpatterns as search_api
from support_chat.urls import api_urlpatterns as chat_api
from translation.urls import api_urlpatterns as translation_api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/schema", api_schema, name="api-schema"),
    *search_api,
    *recommend_api,
    *chat_api,
    *translation_api,
]

# The language is part of the URL (/en/…, /zh-hans/…) so each language version is its own
# cacheable, linkable page; the switcher posts to Django's set_language view.
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("shop.accounts.urls")),
    path("cart/", include("shop.cart.urls")),
    path("search/", include("search.urls")),
    path("support/", include("support_chat.urls")),
    path("", include("shop.orders.urls")),
    path("", include("shop.catalog.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
