from django.urls import path

from . import views

api_urlpatterns = [
    path("api/recommendations", views.recommendations_api, name="recommendations-api"),
]
