"""Cancel pending (unpaid cash-on-delivery) orders older than SHOP_UNPAID_ORDER_EXPIRY_HOURS.

The same work as the hourly beat task, for a deployment without beat or a backlog: orders are
cancelled through the order service (stock goes back), in chunks, each order re-checked under
its row lock, so a rerun or a concurrent beat run expires nothing twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from shop.orders import selectors, services


class Command(BaseCommand):
    help = "Cancel unpaid pending orders older than SHOP_UNPAID_ORDER_EXPIRY_HOURS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=200,
            help="Orders read and cancelled per chunk (default 200).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the expired orders; change nothing."
        )

    def handle(self, *args, **options):
        chunk_size = options["chunk_size"]
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        cutoff = services.unpaid_order_cutoff()
        pending = selectors.unpaid_orders_to_expire(placed_before=cutoff)
        total = pending.count()
        if options["dry_run"]:
            self._write(
                options, f"{total} unpaid orders placed before {cutoff:%Y-%m-%d %H:%M} UTC."
            )
            return
        expired = 0
        last_id = 0
        with tqdm(
            total=total, unit="order", desc="Expiring", disable=options["verbosity"] < 1
        ) as bar:
            while True:
                # A keyset cursor: every chunk moves past the last id, whatever happened to it.
                order_ids = list(
                    pending.filter(pk__gt=last_id).values_list("pk", flat=True)[:chunk_size]
                )
                if not order_ids:
                    break
                expired += services.expire_unpaid_orders(order_ids=order_ids, placed_before=cutoff)
                last_id = order_ids[-1]
                bar.update(len(order_ids))
        self._write(options, f"Expired {expired} unpaid orders; their stock is back.")

    def _write(self, options, message: str) -> None:
        if options["verbosity"] >= 1:
            self.stdout.write(message)
