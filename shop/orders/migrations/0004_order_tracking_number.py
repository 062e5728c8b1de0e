from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_plural_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="tracking_number",
            field=models.CharField(blank=True, max_length=40, verbose_name="tracking number"),
        ),
    ]
