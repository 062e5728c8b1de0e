"""``manage.py train_intents``: train the intent classifier on the stored examples."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from support_chat import services


class Command(BaseCommand):
    help = "Train the support chat's intent classifier on its examples; store and activate it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--seed",
            action="store_true",
            help="First add the demo examples (support_chat/data/intents.yaml) not stored yet.",
        )
        parser.add_argument("--no-activate", action="store_true", help="Store only.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["seed"]:
            added = services.seed_intent_examples()
            if not options["json"]:
                self.stdout.write(f"Seeded {added} intent examples.")
        try:
            report = services.train_intent_classifier(activate=not options["no_activate"])
        except services.IntentTrainingError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {"version": report.version, "activated": report.activated, **report.facts}
                )
            )
            return
        facts = report.facts
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.version}: {report.examples} examples, {facts['labels']} labels, "
                f"held-out accuracy {facts.get('held_out_accuracy')}, out-of-scope threshold "
                f"{facts.get('oos_threshold')}, {facts['train_seconds']} s"
                + (" (active)" if report.activated else "")
            )
        )
