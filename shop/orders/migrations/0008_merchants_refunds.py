"""Merchants see refunds and mark them made: view and change on Refund for the Merchant group.

Frozen like shop/accounts/migrations/0001_merchant_group.py: it grants exactly these.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Merchant"
CODENAMES = ["view_refund", "change_refund"]


def grant(apps, schema_editor):
    # Permissions are made by post_migrate after the whole run; make orders' now.
    app_config = apps.get_app_config("orders")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="orders", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name=GROUP_NAME):
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="orders", codename__in=CODENAMES)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_merchant_group"),
        ("orders", "0007_refund"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
