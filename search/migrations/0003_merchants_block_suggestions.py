"""Merchants keep terms out of autocomplete: the Merchant group may manage BlockedSuggestion.

Frozen like shop/accounts/migrations/0001_merchant_group.py: it grants exactly these.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Merchant"
CODENAMES = [f"{action}_blockedsuggestion" for action in ("add", "change", "delete", "view")]


def grant(apps, schema_editor):
    # Permissions are made by post_migrate after the whole run; make search's now.
    app_config = apps.get_app_config("search")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="search", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP_NAME):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="search", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_merchant_group"),
        ("search", "0002_popularity_and_blocked_suggestions"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
