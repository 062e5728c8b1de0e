"""The Merchant group (shop.accounts) reviews machine translations: it follows and resumes
translation jobs, edits, approves and rejects drafts, and reads the engine's cache. Approving
also needs ``catalog.change_product``, which the group has.

The table is frozen here on purpose: a migration must do the same thing whenever it runs.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Merchant"
PERMISSIONS = {
    "translationjob": ("add", "change", "view"),
    "translationdraft": ("change", "view"),
    "translatedtext": ("view",),
}


def grant(apps, schema_editor):
    # Permissions are made by a post_migrate signal after the whole run; on a fresh database
    # they do not exist yet.
    app_config = apps.get_app_config("translation")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is None:
        return
    group.permissions.add(
        *[
            Permission.objects.get(
                content_type__app_label="translation", codename=f"{action}_{model}"
            )
            for model, actions in PERMISSIONS.items()
            for action in actions
        ]
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="translation"))


class Migration(migrations.Migration):
    dependencies = [
        ("translation", "0001_initial"),
        ("accounts", "0001_merchant_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
