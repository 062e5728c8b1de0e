from decimal import Decimal

from django.db import migrations

# A new shop can take orders at once; merchants edit or replace these in the admin.
DEFAULTS = [
    ("standard", "Standard delivery", "标准配送", "3–5 business days", "3–5 个工作日",
     Decimal("5.99"), Decimal("75.00"), 0),
    ("express", "Express delivery", "特快配送", "1–2 business days", "1–2 个工作日",
     Decimal("14.99"), None, 1),
    ("pickup", "Store pickup", "门店自提", "Ready the next day", "次日可取",
     Decimal("0.00"), None, 2),
]


def create(apps, schema_editor):
    ShippingMethod = apps.get_model("orders", "ShippingMethod")
    for code, name, name_zh, desc, desc_zh, price, free_over, position in DEFAULTS:
        ShippingMethod.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_zh": name_zh,
                "description": desc,
                "description_zh": desc_zh,
                "price": price,
                "free_over": free_over,
                "position": position,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("orders", "ShippingMethod").objects.filter(
        code__in=[row[0] for row in DEFAULTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
