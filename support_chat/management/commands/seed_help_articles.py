"""``manage.py seed_help_articles``: add the demo shop's help articles not stored yet."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from support_chat import services


class Command(BaseCommand):
    help = "Add the help articles of support_chat/data/articles.yaml whose slug is not stored."

    def handle(self, *args: Any, **options: Any) -> None:
        added = services.seed_help_articles()
        self.stdout.write(f"Seeded {added} help articles.")
