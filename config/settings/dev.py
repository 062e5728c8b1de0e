from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)

# The demo shop pays by test card; production settings leave it out (orders.E001).
SHOP_PAYMENT_GATEWAYS = env.list(
    "SHOP_PAYMENT_GATEWAYS",
    default=["shop.orders.payments.CashOnDelivery", "shop.orders.payments.TestCardGateway"],
)
