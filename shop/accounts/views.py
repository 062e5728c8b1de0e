"""Sign up, log in and log out. Django's auth views do the work; these add the templates."""

from __future__ import annotations

import math

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from shop.cart.services import merge_session_cart
from shop.interactions.services import attach_session_to_user

from .forms import SignupForm
from .hooks import run_login_hooks


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@sensitive_post_parameters("password1", "password2")
@csrf_protect
def signup(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    form = SignupForm(request.POST) if request.method == "POST" else SignupForm()
    if form.is_bound and form.is_valid():
        user = form.save()
        anonymous_session = request.session.session_key or ""
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        merge_session_cart(session=request.session, user=user)
        attach_session_to_user(session_key=anonymous_session, user_id=user.pk)
        run_login_hooks(session_key=anonymous_session, user_id=user.pk)
        messages.success(request, _("Welcome! Your account has been created."))
        return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        # login() rotates the session key: keep the old one to hand its browsing to the user.
        anonymous_session = self.request.session.session_key or ""
        response = super().form_valid(form)
        # login() keeps the session data, so the visitor's cart is still there to merge.
        merge_session_cart(session=self.request.session, user=form.get_user())
        attach_session_to_user(session_key=anonymous_session, user_id=form.get_user().pk)
        run_login_hooks(session_key=anonymous_session, user_id=form.get_user().pk)
        return response


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out login, storefront or admin (AXES_LOCKOUT_CALLABLE).

    429 with Retry-After, on a page in the visitor's language. Axes restarts the cool-off on
    every attempt during a lockout, so the whole cool-off is the honest wait.
    """
    cool_off = get_cool_off(request)
    if cool_off is None:  # AXES_COOLOFF_TIME None: locked until an admin resets it
        message = _("Too many failed sign-in attempts. Please contact the shop.")
        return render(request, "429.html", {"message": message}, status=429)
    seconds = int(cool_off.total_seconds())
    minutes = max(1, math.ceil(seconds / 60))
    message = ngettext(
        "Too many failed sign-in attempts. Please try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. Please try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(seconds)
    return response
