"""factory_boy factories shared by every test package."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from shop.catalog.models import (
    Attribute,
    AttributeOption,
    Brand,
    Category,
    CategoryAttribute,
    CategoryTranslation,
    Product,
    ProductTranslation,
)
from shop.interactions.models import Interaction
from shop.reviews.models import Review


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"customer{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = "Ada"
    last_name = "Lovelace"
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def permissions(self, create, extracted, **kwargs):
        """``UserFactory(permissions=["catalog.change_product"])`` grants those permissions."""
        if not create or not extracted:
            return
        from django.contrib.auth.models import Permission

        for name in extracted:
            app_label, codename = name.split(".")
            self.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class CategoryTranslationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CategoryTranslation

    category = factory.SubFactory(CategoryFactory)
    language_code = "zh-hans"
    name = factory.Sequence(lambda n: f"类别{n}")


class BrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brand

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attribute
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"attr_{n}")
    name = factory.LazyAttribute(lambda a: a.code.replace("_", " ").title())
    kind = Attribute.Kind.CHOICE


class AttributeOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttributeOption
        django_get_or_create = ("attribute", "value")

    attribute = factory.SubFactory(AttributeFactory)
    value = factory.Sequence(lambda n: f"value-{n}")
    label = factory.LazyAttribute(lambda o: o.value.replace("-", " ").title())


class CategoryAttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CategoryAttribute

    category = factory.SubFactory(CategoryFactory)
    attribute = factory.SubFactory(AttributeFactory)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    category = factory.SubFactory(CategoryFactory)
    brand = factory.SubFactory(BrandFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    title = factory.Sequence(lambda n: f"Product {n}")
    description = "A sturdy everyday product."
    price = Decimal("49.00")
    stock = 10
    status = Product.Status.ACTIVE


class ProductTranslationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductTranslation

    product = factory.SubFactory(ProductFactory)
    language_code = "zh-hans"
    title = factory.Sequence(lambda n: f"商品{n}")
    description = "结实耐用的日常用品。"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review

    product = factory.SubFactory(ProductFactory)
    author_name = "Ada L."
    rating = 4
    title = "Does the job"
    text = "Arrived quickly and works as described."


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    kind = Interaction.Kind.VIEW
    product = factory.SubFactory(ProductFactory)
    session_key = "s" * 32
    created_at = factory.LazyFunction(timezone.now)
