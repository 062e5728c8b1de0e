"""The "Merchant" group: staff who run the shop (catalog, orders, copy, reviews) without being
superusers, so they cannot touch accounts, model versions or the rest of the admin.

The table is frozen here on purpose: a migration must do the same thing whenever it runs.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP_NAME = "Merchant"
ALL = ("add", "change", "delete", "view")
# Orders are the shop's accounting record: the merchant changes their status, never deletes.
KEEP = ("add", "change", "view")
PERMISSIONS = {
    "catalog": {
        "category": ALL,
        "categorytranslation": ALL,
        "brand": ALL,
        "attribute": ALL,
        "attributeoption": ALL,
        "categoryattribute": ALL,
        "product": ALL,
        "producttranslation": ALL,
        "productimage": ALL,
    },
    "orders": {
        "shippingmethod": ALL,
        "address": KEEP,
        "order": KEEP,
        "orderline": KEEP,
        "orderevent": KEEP,
        "returnrequest": KEEP,
    },
    "reviews": {"review": ALL},
    "copywriting": {"copyjob": ALL, "copydraft": ALL},
}


def create_merchant_group(apps, schema_editor):
    # Permissions are made by a post_migrate signal after the whole run; on a fresh database
    # they do not exist yet, so make them now for the apps the group needs.
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    wanted = [
        (label, f"{action}_{model}")
        for label, models in PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    ]
    permissions = [
        Permission.objects.get(content_type__app_label=label, codename=codename)
        for label, codename in wanted
    ]
    group.permissions.set(permissions)


def delete_merchant_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("catalog", "0002_plural_names"),
        ("orders", "0004_order_tracking_number"),
        ("reviews", "0002_plural_names"),
        ("copywriting", "0002_copyjob_kind"),
    ]

    operations = [migrations.RunPython(create_merchant_group, delete_merchant_group)]
