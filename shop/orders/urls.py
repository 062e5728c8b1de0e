from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("checkout/", views.checkout, name="checkout"),
    path("orders/", views.order_history, name="history"),
    path("orders/<str:number>/", views.order_detail, name="detail"),
    path("orders/<str:number>/return/", views.request_return, name="return"),
]
