"""The Merchant group (shop.accounts) sees the training runs (llm_services) it starts from the
admin: "Retrain the copy model" here, "Retrain the intent classifier" in the support chat. It
only reads them: runs are written by the workers that train.

The table is frozen here on purpose: a migration must do the same thing whenever it runs.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Merchant"
CODENAME = "view_trainingrun"


def grant(apps, schema_editor):
    # Permissions are made by a post_migrate signal after the whole run; on a fresh database
    # they do not exist yet.
    app_config = apps.get_app_config("llm_services")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="llm_services", codename=CODENAME)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="llm_services", codename=CODENAME)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("copywriting", "0003_copydraft_requested_by"),
        ("llm_services", "0005_training_runs"),
        ("accounts", "0001_merchant_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
