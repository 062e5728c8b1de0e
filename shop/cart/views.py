"""Cart pages. Every change is a POST that works without JavaScript; shop.js upgrades the
add-to-cart form to a fetch that updates the mini-cart in place (JSON when asked for)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shop.interactions import services as interactions

from . import selectors, services
from .exceptions import CartError


def _cart(request: HttpRequest) -> services.CartStore:
    return services.cart_for(user=request.user, session=request.session)


# Quantities are small; product ids go as far as the database's 64-bit keys.
MAX_QUANTITY_INPUT = 10_000
MAX_PRODUCT_ID = 2**63 - 1


def _int_field(
    request: HttpRequest,
    name: str,
    *,
    default: int | None = None,
    maximum: int = MAX_QUANTITY_INPUT,
) -> int:
    raw = request.POST.get(name, "")
    if raw == "" and default is not None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise CartError(_("Enter a whole number.")) from None
    if abs(value) > maximum:
        raise CartError(_("Enter a smaller number."))
    return value


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request: HttpRequest, fallback: str = "cart:detail") -> HttpResponse:
    target = request.POST.get("next", "")
    # Only a path on this site: a bare word ("0") is a relative URL to Django's checks, and
    # redirect() would try it as a view name and fail with a 500.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect(fallback)


def cart_detail(request: HttpRequest) -> HttpResponse:
    return render(request, "cart/cart.html", {"cart": selectors.cart_info(_cart(request))})


@require_POST
def cart_add(request: HttpRequest) -> HttpResponse:
    cart = _cart(request)
    try:
        product_id = _int_field(request, "product_id", maximum=MAX_PRODUCT_ID)
        quantity = _int_field(request, "quantity", default=1)
        new_quantity = services.add_to_cart(cart, product_id=product_id, quantity=quantity)
    except CartError as error:
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": str(error)}, status=400)
        messages.error(request, str(error))
        return _back(request)
    interactions.record(
        kind="add_to_cart", request=request, product_id=product_id, quantity=quantity
    )
    message = _("Added to your cart (%(quantity)d in cart).") % {"quantity": new_quantity}
    if _wants_json(request):
        return JsonResponse({"ok": True, "message": message, "count": selectors.item_count(cart)})
    messages.success(request, message)
    return _back(request)


@require_POST
def cart_update(request: HttpRequest) -> HttpResponse:
    try:
        product_id = _int_field(request, "product_id", maximum=MAX_PRODUCT_ID)
        quantity = _int_field(request, "quantity")
        services.set_quantity(_cart(request), product_id=product_id, quantity=quantity)
    except CartError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your cart was updated."))
    return redirect("cart:detail")


@require_POST
def cart_remove(request: HttpRequest) -> HttpResponse:
    try:
        product_id = _int_field(request, "product_id", maximum=MAX_PRODUCT_ID)
    except CartError as error:
        messages.error(request, str(error))
    else:
        services.remove_line(_cart(request), product_id=product_id)
        messages.success(request, _("The item was removed from your cart."))
    return redirect("cart:detail")
