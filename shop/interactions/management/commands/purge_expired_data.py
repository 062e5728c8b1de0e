"""``manage.py purge_expired_data``: expired sessions and log rows past DATA_RETENTION."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from shop.interactions import retention


class Command(BaseCommand):
    help = (
        "Delete expired sessions (as clearsessions) and the interaction, search, "
        "recommendation and chat log rows older than DATA_RETENTION allows."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention.purge_expired_data()
        self.stdout.write(f"Deleted {report.sessions} expired sessions.")
        for label, count in report.rows.items():
            self.stdout.write(f"Deleted {count} {label} rows.")
