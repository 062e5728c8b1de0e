"""The Merchant group (shop.accounts) staffs the support chat: it answers and closes handed-off
conversations (reading their messages), edits the help articles, and edits the intent examples
and retrains the classifier from them. Conversations and messages are never deleted (the
transcript is the ticket's record); articles are unpublished rather than deleted.

The table is frozen here on purpose: a migration must do the same thing whenever it runs.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Merchant"
PERMISSIONS = {
    "conversation": ("change", "view"),
    "message": ("view",),
    "helparticle": ("add", "change", "view"),
    "intentexample": ("add", "change", "delete", "view"),
}


def grant(apps, schema_editor):
    # Permissions are made by a post_migrate signal after the whole run; on a fresh database
    # they do not exist yet.
    app_config = apps.get_app_config("support_chat")
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
                content_type__app_label="support_chat", codename=f"{action}_{model}"
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
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="support_chat"))


class Migration(migrations.Migration):
    dependencies = [
        ("support_chat", "0004_message_source"),
        ("accounts", "0001_merchant_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
