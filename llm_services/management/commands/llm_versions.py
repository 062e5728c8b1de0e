"""manage.py llm_versions list|activate|rollback: fine-tuned model versions.

    manage.py llm_versions list [--alias generate]
    manage.py llm_versions activate 12          (a version id or name)
    manage.py llm_versions rollback generate    (back to the previous version, or the base model)

Running processes pick the change up within LLM_VERSION_CHECK_SECONDS; no restart is needed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from llm_services.models import ModelVersion
from llm_services.training.versions import (
    VersionError,
    activate_version,
    describe_metrics,
    rollback,
)


class Command(BaseCommand):
    help = "List, activate or roll back fine-tuned model versions."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["list", "activate", "rollback"])
        parser.add_argument(
            "target",
            nargs="?",
            help="activate: a version id or name; rollback: an alias.",
        )
        parser.add_argument("--alias", help="list: only this alias.")

    def handle(self, *args: Any, **options: Any) -> None:
        action, target = options["action"], options["target"]
        if action != "list" and not target:
            what = "a version id or name" if action == "activate" else "an alias"
            raise CommandError(f"llm_versions {action} needs {what}.")
        try:
            if action == "list":
                self._list(options["alias"])
            elif action == "activate":
                version = activate_version(self._find(target).pk)
                self.stdout.write(
                    self.style.SUCCESS(f"{version.alias!r} now serves {version.name}.")
                )
            else:
                previous = rollback(target)
                served = previous.name if previous else "its base model (LLM_MODELS)"
                self.stdout.write(self.style.SUCCESS(f"{target!r} now serves {served}."))
        except VersionError as exc:
            raise CommandError(str(exc)) from exc

    def _find(self, reference: str) -> ModelVersion:
        version = None
        if reference.isdigit():
            version = ModelVersion.objects.filter(pk=int(reference)).first()
        version = version or ModelVersion.objects.filter(name=reference).first()
        if version is None:
            raise CommandError(f"No model version {reference!r}.")
        return version

    def _list(self, alias: str | None) -> None:
        versions = ModelVersion.objects.all()
        if alias:
            versions = versions.filter(alias=alias)
        if not versions.exists():
            self.stdout.write("No model versions.")
            return
        for version in versions:
            marker = "*" if version.is_active else " "
            self.stdout.write(
                f"{marker} {version.pk:>4} {version.alias:<10} {version.name:<32} "
                f"{version.created_at:%Y-%m-%d %H:%M} {version.task:<12} "
                f"{describe_metrics(version)}"
            )
