from django.urls import path

from . import views

app_name = "support_chat"

urlpatterns = [
    path("", views.support_page, name="page"),
    path("articles/<slug:slug>/", views.article_page, name="article"),
]

api_urlpatterns = [
    path("api/chat", views.chat_api, name="chat-api"),
    path("api/chat/updates", views.chat_updates, name="chat-updates"),
]
