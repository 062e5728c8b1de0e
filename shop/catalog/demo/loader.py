"""Writes the demo shop to the database: schema, products, customers and their history.

Rerunning with the same options converges on the same rows: categories, attributes and brands
are matched by slug or code, products by SKU, customers by username, and the reviews and
interaction log of the demo customers are replaced. Products are written in chunks, each in its
own transaction, with ``bulk_create``/``bulk_update`` and attribute validation against a schema
cached per category, so 10,000 products take minutes rather than hours.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from shop.catalog.cache import invalidate_catalog_cache
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
from shop.catalog.services import SchemaEntry, clean_attributes, get_attribute_schema
from shop.interactions.models import Interaction
from shop.interactions.services import refresh_product_popularity, write_batch
from shop.reviews.models import Review
from shop.reviews.services import refresh_product_ratings

from .customers import (
    DEMO_MERCHANT_PASSWORD,
    DEMO_MERCHANT_USERNAME,
    DEMO_PASSWORD,
    CustomerSpec,
    build_customers,
    build_history,
)
from .products import ProductSpec, build_products
from .schema import ATTRIBUTE_LIST, BRANDS, TOPS

DEFAULT_SEED = 20240601
DEFAULT_PRODUCTS = 2000
DEFAULT_CUSTOMERS = 60
DEFAULT_CHUNK_SIZE = 500
# SKUs carry a five-digit index; customer usernames at least two digits.
MAX_PRODUCTS = 99_999
MAX_CUSTOMERS = 9_999
DEMO_SKU_PREFIX = "DEMO-"
CHINESE = "zh-hans"
POPULARITY_DAYS = 30

# A tqdm-compatible factory: progress(total=..., desc=..., unit=...) -> bar with update(n).
ProgressFactory = Callable[..., Any]


class _NoProgress:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, n: int = 1) -> None:
        return None


@dataclass
class DemoShopSummary:
    categories: int = 0
    top_level_categories: int = 0
    category_translations: int = 0
    attributes: int = 0
    brands: int = 0
    products: int = 0
    products_created: int = 0
    products_updated: int = 0
    product_translations: int = 0
    customers: int = 0
    reviews: int = 0
    interactions: int = 0
    interactions_by_kind: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(self.interactions_by_kind.items()))
        return [
            f"Categories: {self.categories} ({self.top_level_categories} top-level, "
            f"{self.category_translations} Chinese names)",
            f"Attributes: {self.attributes}; brands: {self.brands}",
            f"Products: {self.products} ({self.products_created} created, "
            f"{self.products_updated} updated)",
            f"Chinese product translations: {self.product_translations}",
            f"Demo customers: {self.customers}",
            f"Reviews: {self.reviews}",
            f"Interactions: {self.interactions}" + (f" ({kinds})" if kinds else ""),
        ]


def start_of_day(moment: datetime | None = None) -> datetime:
    """Histories are anchored to midnight UTC so reruns on the same day write identical rows."""
    moment = moment or timezone.now()
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def load_demo_shop(
    *,
    products: int = DEFAULT_PRODUCTS,
    customers: int = DEFAULT_CUSTOMERS,
    seed: int = DEFAULT_SEED,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    history: bool = True,
    progress: ProgressFactory | None = None,
    now: datetime | None = None,
) -> DemoShopSummary:
    """Create or update the demo catalog, and unless ``history`` is off its customers, reviews
    and interaction log.

    Args:
        products: number of demo products; product ``i`` always gets SKU ``DEMO-<cat>-<i+1>``.
        customers: number of demo customers (``demo_customer_01`` …).
        seed: same seed, same shop.
        chunk_size: products and events written per transaction.
        history: write customers, reviews and interactions too.
        progress: tqdm-compatible progress bar factory.
        now: the moment histories end at; defaults to today's midnight (UTC).

    Raises:
        ValueError: when a count is out of range; nothing is written.
    """
    if not 1 <= products <= MAX_PRODUCTS:
        raise ValueError(f"products must be between 1 and {MAX_PRODUCTS}, got {products}")
    if not 1 <= customers <= MAX_CUSTOMERS:
        raise ValueError(f"customers must be between 1 and {MAX_CUSTOMERS}, got {customers}")
    if chunk_size < 1:
        raise ValueError(f"chunk size must be at least 1, got {chunk_size}")
    progress = progress or _NoProgress
    now = start_of_day(now)
    summary = DemoShopSummary()

    categories = write_catalog_schema()
    brand_ids = dict(
        Brand.objects.filter(slug__in=[b.slug for b in BRANDS]).values_list("slug", "id")
    )
    specs, product_ids = write_products(
        count=products,
        seed=seed,
        chunk_size=chunk_size,
        categories=categories,
        brand_ids=brand_ids,
        now=now,
        progress=progress,
        summary=summary,
    )
    if history:
        write_demo_merchant()
        customer_specs = build_customers(count=customers, seed=seed)
        user_ids = write_customers(customer_specs, progress=progress)
        write_history(
            customer_specs,
            specs,
            user_ids=user_ids,
            product_ids=product_ids,
            seed=seed,
            chunk_size=chunk_size,
            now=now,
            progress=progress,
        )
        refresh_product_ratings(product_ids=None)
        refresh_product_popularity(days=POPULARITY_DAYS, now=now)
    _count(summary, customers=customers if history else 0)
    invalidate_catalog_cache()
    return summary


# --- schema -------------------------------------------------------------------------------


def _sync(
    model: type[models.Model],
    existing: dict[Any, models.Model],
    desired: dict[Any, dict[str, Any]],
) -> dict[Any, models.Model]:
    """Create missing rows and update changed ones; ``desired`` maps a natural key to field
    values (foreign keys given as ``*_id``). Returns every desired row by key."""
    to_create, to_update, result = [], [], {}
    fields: set[str] = set()
    for key, values in desired.items():
        row = existing.get(key)
        if row is None:
            row = model(**values)
            to_create.append(row)
        else:
            changed = [name for name, value in values.items() if getattr(row, name) != value]
            for name in changed:
                setattr(row, name, values[name])
            if changed:
                to_update.append(row)
                fields.update(changed)
        result[key] = row
    model._default_manager.bulk_create(to_create)
    if to_update:
        model._default_manager.bulk_update(to_update, sorted(fields))
    return result


@transaction.atomic
def write_catalog_schema() -> dict[str, Category]:
    """Attributes with options, the category tree with Chinese names and schemas, and brands.

    Returns:
        Every demo category by slug.
    """
    attributes = _sync(
        Attribute,
        {a.code: a for a in Attribute.objects.filter(code__in=[s.code for s in ATTRIBUTE_LIST])},
        {
            spec.code: {
                "code": spec.code,
                "name": spec.name,
                "name_zh": spec.name_zh,
                "kind": spec.kind,
                "unit": spec.unit,
            }
            for spec in ATTRIBUTE_LIST
        },
    )
    attribute_ids = [a.pk for a in attributes.values()]
    _sync(
        AttributeOption,
        {
            (o.attribute_id, o.value): o
            for o in AttributeOption.objects.filter(attribute_id__in=attribute_ids)
        },
        {
            (attributes[spec.code].pk, option.value): {
                "attribute_id": attributes[spec.code].pk,
                "value": option.value,
                "label": option.label,
                "label_zh": option.label_zh,
                "position": position,
            }
            for spec in ATTRIBUTE_LIST
            for position, option in enumerate(spec.options)
        },
    )

    slugs = [top.slug for top in TOPS] + [leaf.slug for top in TOPS for leaf in top.leaves]
    existing = {c.slug: c for c in Category.objects.filter(slug__in=slugs)}
    tops = _sync(
        Category,
        existing,
        {
            top.slug: {
                "slug": top.slug,
                "name": top.name,
                "description": top.description.en,
                "parent_id": None,
                "position": position,
            }
            for position, top in enumerate(TOPS)
        },
    )
    leaves = _sync(
        Category,
        existing,
        {
            leaf.slug: {
                "slug": leaf.slug,
                "name": leaf.name,
                "description": "",
                "parent_id": tops[top.slug].pk,
                "position": position,
            }
            for top in TOPS
            for position, leaf in enumerate(top.leaves)
        },
    )
    categories: dict[str, Category] = {**tops, **leaves}  # type: ignore[dict-item]
    category_ids = [c.pk for c in categories.values()]

    zh_names = {top.slug: (top.name_zh, top.description.zh) for top in TOPS}
    zh_names.update({leaf.slug: (leaf.name_zh, "") for top in TOPS for leaf in top.leaves})
    _sync(
        CategoryTranslation,
        {
            t.category_id: t
            for t in CategoryTranslation.objects.filter(
                category_id__in=category_ids, language_code=CHINESE
            )
        },
        {
            categories[slug].pk: {
                "category_id": categories[slug].pk,
                "language_code": CHINESE,
                "name": name,
                "description": description,
            }
            for slug, (name, description) in zh_names.items()
        },
    )

    entries: dict[tuple[int, int], dict[str, Any]] = {}
    for top in TOPS:
        for owner, items in (
            (top.slug, top.schema),
            *((leaf.slug, leaf.schema) for leaf in top.leaves),
        ):
            for position, item in enumerate(items):
                key = (categories[owner].pk, attributes[item.code].pk)
                entries[key] = {
                    "category_id": key[0],
                    "attribute_id": key[1],
                    "required": item.required,
                    "filterable": item.filterable,
                    "position": position,
                }
    current = {
        (e.category_id, e.attribute_id): e
        for e in CategoryAttribute.objects.filter(category_id__in=category_ids)
    }
    # The demo owns its categories' schemas: entries from older demo content go.
    stale = [e.pk for key, e in current.items() if key not in entries]
    CategoryAttribute.objects.filter(pk__in=stale).delete()
    _sync(CategoryAttribute, current, entries)

    _sync(
        Brand,
        {b.slug: b for b in Brand.objects.filter(slug__in=[b.slug for b in BRANDS])},
        {b.slug: {"slug": b.slug, "name": b.name, "name_zh": b.name_zh} for b in BRANDS},
    )
    return categories


# --- products -------------------------------------------------------------------------------

_PRODUCT_FIELDS = (
    "slug",
    "category_id",
    "brand_id",
    "language",
    "title",
    "description",
    "highlights",
    "attributes",
    "price",
    "compare_at_price",
    "currency",
    "stock",
    "status",
    "created_at",
)


def write_products(
    *,
    count: int,
    seed: int,
    chunk_size: int,
    categories: dict[str, Category],
    brand_ids: dict[str, int],
    now: datetime,
    progress: ProgressFactory,
    summary: DemoShopSummary,
) -> tuple[list[ProductSpec], dict[int, int]]:
    """Write products ``0 .. count - 1`` chunk by chunk, one transaction per chunk.

    Returns:
        The product specs and a map from product index to primary key.
    """
    schemas: dict[str, dict[str, SchemaEntry]] = {}
    all_specs: list[ProductSpec] = []
    product_ids: dict[int, int] = {}
    with progress(total=count, desc="Products", unit="product") as bar:
        for start in range(0, count, chunk_size):
            specs = build_products(count=min(chunk_size, count - start), seed=seed, start=start)
            for spec in specs:
                if spec.category_slug not in schemas:
                    schemas[spec.category_slug] = get_attribute_schema(
                        categories[spec.category_slug]
                    )
            with transaction.atomic():
                created, updated, ids = _write_product_chunk(
                    specs, categories=categories, brand_ids=brand_ids, schemas=schemas, now=now
                )
            summary.products_created += created
            summary.products_updated += updated
            product_ids.update(ids)
            all_specs.extend(specs)
            bar.update(len(specs))
    return all_specs, product_ids


def _write_product_chunk(
    specs: Sequence[ProductSpec],
    *,
    categories: dict[str, Category],
    brand_ids: dict[str, int],
    schemas: dict[str, dict[str, SchemaEntry]],
    now: datetime,
) -> tuple[int, int, dict[int, int]]:
    existing = {p.sku: p for p in Product.objects.filter(sku__in=[s.sku for s in specs])}
    new: list[Product] = []
    changed: list[Product] = []
    by_index: dict[int, Product] = {}
    created_at: dict[str, datetime] = {}
    for spec in specs:
        created_at[spec.sku] = now - timedelta(days=spec.created_days_ago)
        values = {
            "slug": spec.slug,
            "category_id": categories[spec.category_slug].pk,
            "brand_id": brand_ids[spec.brand_slug],
            "language": "en",
            "title": spec.en.title,
            "description": spec.en.description,
            "highlights": list(spec.en.highlights),
            # Same validation as every other write path; raises on content bugs.
            "attributes": clean_attributes(spec.attributes, schema=schemas[spec.category_slug]),
            "price": spec.price,
            "compare_at_price": spec.compare_at_price,
            "currency": "USD",
            "stock": spec.stock,
            "status": spec.status,
            "created_at": created_at[spec.sku],
        }
        product = existing.get(spec.sku)
        if product is None:
            product = Product(sku=spec.sku, **values)
            new.append(product)
        elif any(getattr(product, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(product, name, value)
            product.updated_at = timezone.now()
            changed.append(product)
        by_index[spec.index] = product

    Product.objects.bulk_create(new)
    # auto_now_add overwrote created_at on insert; the catalog's "new arrivals" need the
    # deterministic dates back.
    for product in new:
        product.created_at = created_at[product.sku]
    Product.objects.bulk_update(new, ["created_at"])
    Product.objects.bulk_update(changed, [*_PRODUCT_FIELDS, "updated_at"])

    ids = {index: product.pk for index, product in by_index.items()}
    _write_translations(specs, ids)
    return len(new), len(changed), ids


def _write_translations(specs: Sequence[ProductSpec], ids: dict[int, int]) -> None:
    existing = {
        t.product_id: t
        for t in ProductTranslation.objects.filter(
            product_id__in=list(ids.values()), language_code=CHINESE
        )
    }
    desired = {
        ids[spec.index]: {
            "product_id": ids[spec.index],
            "language_code": CHINESE,
            "title": spec.zh.title,
            "description": spec.zh.description,
            "highlights": list(spec.zh.highlights),
        }
        for spec in specs
        if spec.zh is not None
    }
    # Products designed without Chinese copy lose any they had, so the fallback stays visible.
    stale = [t.pk for product_id, t in existing.items() if product_id not in desired]
    ProductTranslation.objects.filter(pk__in=stale).delete()
    _sync(ProductTranslation, existing, desired)


# --- customers and history ------------------------------------------------------------------


_USER_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "is_active",
    "is_staff",
    "is_superuser",
    "password",
]


def write_demo_merchant() -> int:
    """The demo's superuser, so the admin can be tried at once; returns its id."""
    user, _created = get_user_model().objects.update_or_create(
        username=DEMO_MERCHANT_USERNAME,
        defaults={
            "email": "merchant@example.com",
            "first_name": "Demo",
            "last_name": "Merchant",
            "is_active": True,
            "is_staff": True,
            "is_superuser": True,
            "password": make_password(DEMO_MERCHANT_PASSWORD),
        },
    )
    return user.pk


def write_customers(specs: Sequence[CustomerSpec], *, progress: ProgressFactory) -> dict[int, int]:
    """Create or update the demo users; every one gets the documented demo password.

    Returns:
        A map from customer number to user id.
    """
    user_model = get_user_model()
    # One hash for all accounts: hashing 60 passwords would dominate the run, and demo
    # accounts share a published password anyway.
    password = make_password(DEMO_PASSWORD)
    with progress(total=len(specs), desc="Customers", unit="customer") as bar, transaction.atomic():
        existing = {
            u.username: u
            for u in user_model.objects.filter(username__in=[s.username for s in specs])
        }
        new, changed = [], []
        for spec in specs:
            values = {
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": spec.email,
                "is_active": True,
                "is_staff": False,
                "is_superuser": False,
                "password": password,
            }
            user = existing.get(spec.username)
            if user is None:
                new.append(user_model(username=spec.username, **values))
            else:
                for name, value in values.items():
                    setattr(user, name, value)
                changed.append(user)
            bar.update(1)
        user_model.objects.bulk_create(new)
        user_model.objects.bulk_update(changed, _USER_FIELDS)
    ids = dict(
        user_model.objects.filter(username__in=[s.username for s in specs]).values_list(
            "username", "id"
        )
    )
    return {spec.number: ids[spec.username] for spec in specs}


def write_history(
    customers: Sequence[CustomerSpec],
    products: list[ProductSpec],
    *,
    user_ids: dict[int, int],
    product_ids: dict[int, int],
    seed: int,
    chunk_size: int,
    now: datetime,
    progress: ProgressFactory,
) -> None:
    """Replace the demo customers' reviews and interaction log with freshly generated ones."""
    events, reviews = build_history(list(customers), products, seed=seed, now=now)
    numbers = {spec.number: spec for spec in customers}
    with transaction.atomic():
        Interaction.objects.filter(user_id__in=list(user_ids.values())).delete()
        Review.objects.filter(user_id__in=list(user_ids.values())).delete()
        rows = [
            Review(
                product_id=product_ids[r.product_index],
                user_id=user_ids[r.customer],
                author_name=numbers[r.customer].author_name,
                rating=r.rating,
                title=r.title,
                text=r.text,
                language=r.language,
                verified_purchase=r.verified_purchase,
            )
            for r in reviews
        ]
        Review.objects.bulk_create(rows, batch_size=chunk_size)
        # created_at is auto_now_add; put the review dates from the history back.
        for row, review in zip(rows, reviews, strict=True):
            row.created_at = review.at
        Review.objects.bulk_update(rows, ["created_at"], batch_size=chunk_size)

    with progress(total=len(events), desc="Interactions", unit="event") as bar:
        for batch in _chunks(events, chunk_size):
            write_batch(
                (
                    Interaction(
                        kind=e.kind,
                        user_id=user_ids[e.customer],
                        session_key=e.session_key,
                        product_id=product_ids[e.product_index]
                        if e.product_index is not None
                        else None,
                        query=e.query,
                        result_count=e.result_count,
                        position=e.position,
                        source=e.source,
                        quantity=e.quantity,
                        language=e.language,
                        created_at=e.at,
                    )
                    for e in batch
                ),
                batch_size=chunk_size,
            )
            bar.update(len(batch))


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _count(summary: DemoShopSummary, *, customers: int) -> None:
    slugs = [top.slug for top in TOPS] + [leaf.slug for top in TOPS for leaf in top.leaves]
    demo_categories = Category.objects.filter(slug__in=slugs)
    summary.categories = demo_categories.count()
    summary.top_level_categories = demo_categories.filter(parent__isnull=True).count()
    summary.category_translations = CategoryTranslation.objects.filter(
        category__in=demo_categories, language_code=CHINESE
    ).count()
    summary.attributes = Attribute.objects.filter(code__in=[a.code for a in ATTRIBUTE_LIST]).count()
    summary.brands = Brand.objects.filter(slug__in=[b.slug for b in BRANDS]).count()
    demo_products = Product.objects.filter(sku__startswith=DEMO_SKU_PREFIX)
    summary.products = demo_products.count()
    summary.product_translations = ProductTranslation.objects.filter(
        product__in=demo_products, language_code=CHINESE
    ).count()
    if customers:
        from .customers import username_for

        usernames = [username_for(n) for n in range(1, customers + 1)]
        users = get_user_model().objects.filter(username__in=usernames)
        summary.customers = users.count()
        summary.reviews = Review.objects.filter(user__in=users).count()
        by_kind = Counter(
            dict(
                Interaction.objects.filter(user__in=users)
                .values_list("kind")
                .annotate(n=models.Count("id"))
                .values_list("kind", "n")
            )
        )
        summary.interactions = sum(by_kind.values())
        summary.interactions_by_kind = dict(by_kind)
