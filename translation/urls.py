from django.urls import path

from . import views

api_urlpatterns = [
    path("api/reviews/translation", views.review_translation_api, name="review-translation-api"),
]
