from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("", views.search_page, name="results"),
]

api_urlpatterns = [
    path("api/search", views.search_api, name="search-api"),
    path("api/search/suggest", views.suggest_api, name="search-suggest"),
]
