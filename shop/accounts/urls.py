from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    # POST only in Django 5: the header's log-out button is a small form.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
