"""Checkout and order pages: validate, call the order services, render."""

from __future__ import annotations

import math
import uuid
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from shop.cart import selectors as cart_selectors
from shop.cart import services as cart_services
from shop.catalog.pricing import calculate_totals
from shop.catalog.selectors import format_price

from . import selectors, services, throttling
from .exceptions import CheckoutError
from .forms import CheckoutForm, ReturnRequestForm
from .payments import available_gateways

MAX_REMEMBERED_ORDERS = 20
# The card number typed on step 1 waits here for "place" instead of travelling back
# through the review page as a hidden input (issue #18): it never reaches the HTML.
CHECKOUT_CARD_SESSION_KEY = "checkout_card_number"


def _remember_order(request: HttpRequest, number: str) -> None:
    recent = request.session.get(selectors.RECENT_ORDERS_SESSION_KEY, [])
    request.session[selectors.RECENT_ORDERS_SESSION_KEY] = [number, *recent][:MAX_REMEMBERED_ORDERS]


@sensitive_post_parameters("card_number")
@never_cache
def checkout(request: HttpRequest) -> HttpResponse:
    cart = cart_services.cart_for(user=request.user, session=request.session)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    initial = {"email": request.user.email} if request.user.is_authenticated else {}
    data = request.POST or None
    if action == "place" and not request.POST.get("card_number"):
        data = request.POST.copy()
        data["card_number"] = request.session.get(CHECKOUT_CARD_SESSION_KEY, "")
    form = CheckoutForm(data, user=request.user, initial=initial)
    info = cart_selectors.cart_info(cart)
    # A resubmitted "place" (double click, retry) must reach place_order even though the
    # first submit already emptied the cart: the idempotency key returns the same order.
    if not info.lines and action != "place":
        messages.info(request, _("Your cart is empty."))
        return redirect("cart:detail")

    if action == "place":
        retry_after = throttling.count_order_attempt(request)
        if retry_after:
            return _too_many_orders(request, retry_after)

    stage = "form"
    if request.method == "POST" and action != "edit" and form.is_valid():
        stage = "review"
        if form.cleaned_data.get("card_number"):
            request.session[CHECKOUT_CARD_SESSION_KEY] = form.cleaned_data["card_number"]
        else:
            request.session.pop(CHECKOUT_CARD_SESSION_KEY, None)
        if action == "place":
            order = _place(request, form, cart)
            if order is not None:
                return redirect(f"{order.get_absolute_url()}?placed=1")
            info = cart_selectors.cart_info(cart)
            if not info.lines:
                return redirect("cart:detail")

    shipping = next(
        (m for m in form.shipping_methods if m.code == form.data.get("shipping_method")),
        form.shipping_methods[0] if form.shipping_methods else None,
    )
    totals = calculate_totals(
        ((line.unit_price, line.quantity) for line in info.lines),
        currency=info.totals.currency,
        shipping_price=shipping.price if shipping else Decimal("0"),
        free_shipping_over=shipping.free_over if shipping else None,
    )
    context = {
        "form": form,
        "cart": info,
        "stage": stage,
        "shipping": shipping,
        "totals": totals,
        "shipping_display": format_price(totals.shipping, totals.currency),
        "total_display": format_price(totals.total, totals.currency),
        # A fresh key for every rendered review: a real second order needs a second review.
        "idempotency_key": uuid.uuid4().hex,
        "test_mode": any(gateway.test_only for gateway in available_gateways().values()),
        "card_last4": "".join(ch for ch in form.data.get("card_number", "") if ch.isdigit())[-4:]
        if stage == "review"
        else "",
    }
    return render(request, "orders/checkout.html", context)


def _too_many_orders(request: HttpRequest, retry_after: int) -> HttpResponse:
    minutes = max(1, math.ceil(retry_after / 60))
    message = ngettext(
        "You have placed many orders in a short time. Try again in %(minutes)d minute.",
        "You have placed many orders in a short time. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    response = render(request, "orders/too_many_orders.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def _place(request: HttpRequest, form: CheckoutForm, cart: cart_services.CartStore):
    try:
        expected_total = Decimal(request.POST.get("expected_total", ""))
    except InvalidOperation:
        expected_total = None
    if not request.session.session_key:
        request.session.save()
    try:
        order = services.place_order(
            lines=cart.lines(),
            user=request.user,
            email=form.cleaned_data["email"],
            address=form.address(),
            shipping_method_code=form.cleaned_data["shipping_method"],
            payment_method=form.cleaned_data["payment_method"],
            payment_token=form.cleaned_data.get("card_number", ""),
            idempotency_key=request.POST.get("idempotency_key", ""),
            expected_total=expected_total,
            language=get_language() or "en",
            session_key=request.session.session_key or "",
        )
    except CheckoutError as error:
        messages.error(request, str(error))
        return None
    cart.clear()
    request.session.pop(CHECKOUT_CARD_SESSION_KEY, None)
    if form.cleaned_data.get("save_address") and request.user.is_authenticated:
        services.save_address(user=request.user, address=form.address())
    _remember_order(request, order.number)
    return order


def order_detail(request: HttpRequest, number: str) -> HttpResponse:
    order = selectors.visible_order(number, user=request.user, session=request.session)
    if order is None:
        raise Http404("No such order")
    deadline = services.return_deadline(order)
    context = {
        "order": order,
        "shipping_method_name": selectors.shipping_method_name(order, translation.get_language()),
        "placed": request.GET.get("placed") == "1",
        "return_form": ReturnRequestForm()
        if order.status == order.Status.DELIVERED
        and request.user.is_authenticated
        and order.user_id == request.user.pk
        else None,
        "return_deadline": deadline,
    }
    return render(request, "orders/detail.html", context)


@login_required
def order_history(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/history.html", {"orders": selectors.orders_for(request.user)})


@login_required
@require_POST
def request_return(request: HttpRequest, number: str) -> HttpResponse:
    order = selectors.visible_order(number, user=request.user, session=request.session)
    if order is None:
        raise Http404("No such order")
    form = ReturnRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tell us why you are returning the order."))
        return redirect(order)
    try:
        services.request_return(
            order_id=order.pk, user=request.user, reason=form.cleaned_data["reason"]
        )
    except CheckoutError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your return request was sent."))
    return redirect(order)
