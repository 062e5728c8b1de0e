"""Demo customers with taste profiles, and the reviews and browsing history that follow from them.

Each customer favours a few categories, brands and a price band. Their sessions over the last
90 days are generated from that profile: searches (in their language) whose results they click
by position, category and recommendation lists they browse, products they view (often the next
one of the same category after it), add to the cart and buy, with accessories of the main
product's kind in the same cart (``ACCESSORIES``). Reviews come mostly from purchases
(verified) and rate products by their hidden quality, so ratings, popularity, sequences and
co-purchase patterns are coherent enough to train on. Everything is
a pure function of the seed, the product catalog and ``now``; the names and review words come
from ``demo/content/customers.yaml``.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from common.text import CHINESE, ENGLISH

from .products import ProductSpec
from .reader import demo_content
from .spec import Bilingual, Kind, Leaf, Top
from .text import lower_noun

DEMO_USERNAME_PREFIX = "demo_customer_"
# The demo's admin account (staff in the Merchant group, so the admin can be tried at once).
DEMO_MERCHANT_USERNAME = "merchant"
HISTORY_DAYS = 90

# Attributes people put in a query ("waterproof hiking boots", "黑色跑鞋"); sizes, care
# instructions and the like they filter by instead.
SEARCHED_ATTRIBUTES = frozenset(
    {
        "color", "material", "waterproof", "gender", "terrain", "cushioning", "fit", "roast",
        "origin", "skin_type", "form_factor", "connectivity", "metal", "gemstone",
        "scent_family", "pet_type", "flavor", "finish", "genre", "book_language", "tea_type",
        "hair_type", "movement",
    }
)  # fmt: skip


# What shoppers buy with a product of a category: accessories from these categories land in
# the same cart (running shoes with activewear and a bottle, a suitcase with packing cubes),
# so "frequently bought together" has pairs to learn.
ACCESSORIES = {
    "running-shoes": ("activewear", "hydration"),
    "hiking-boots": ("camping", "hydration"),
    "sneakers": ("activewear",),
    "dress-shoes": ("wallets",),
    "mens-tops": ("pants",),
    "womens-dresses": ("handbags",),
    "outerwear": ("knitwear",),
    "headphones": ("phone-accessories",),
    "wearables": ("phone-accessories",),
    "speakers": ("smart-home",),
    "computer-accessories": ("desk-accessories",),
    "cookware": ("kitchen-appliances", "tableware"),
    "kitchen-appliances": ("tableware",),
    "coffee": ("tableware",),
    "tea": ("tableware",),
    "bedding": ("home-decor",),
    "suitcases": ("travel-accessories",),
    "backpacks": ("travel-accessories", "hydration"),
    "yoga-fitness": ("activewear", "hydration"),
    "cycling": ("hydration",),
    "camping": ("hydration",),
    "skincare": ("bath-body",),
    "makeup": ("skincare",),
    "haircare": ("bath-body",),
    "pet-food": ("pet-toys",),
    "cat-supplies": ("pet-food",),
    "walking": ("pet-toys",),
    "strollers": ("nursery",),
    "feeding": ("diapering",),
    "planters": ("garden-tools", "seeds"),
    "watering": ("garden-tools",),
    "car-electronics": ("interior-accessories",),
    "car-care": ("interior-accessories",),
    "notebooks": ("pens",),
    "art-supplies": ("notebooks",),
    "watches": ("bracelets",),
    "necklaces": ("earrings",),
    "building-sets": ("puzzles-games",),
}
# The share of purchases that bring an accessory along, and of product views followed by a
# look at the next product of the same category (browsing a category in order).
ACCESSORY_RATE = 0.8
BROWSE_ON_RATE = 0.4


@dataclass(frozen=True)
class CustomerSpec:
    number: int
    username: str
    first_name: str
    last_name: str
    email: str
    # "en" or "zh-hans": the storefront language they shop and write in
    language: str
    favourite_tops: tuple[str, ...]
    favourite_leaves: tuple[str, ...]
    favourite_brands: tuple[str, ...]
    price_band: str
    sessions: int

    @property
    def author_name(self) -> str:
        if self.last_name[:1].isascii():
            return f"{self.first_name} {self.last_name[0]}."
        return f"{self.last_name}*{self.first_name[-1]}"


@dataclass(frozen=True)
class EventSpec:
    kind: str
    customer: int
    session_key: str
    product_index: int | None
    query: str
    result_count: int | None
    position: int | None
    source: str
    quantity: int | None
    language: str
    at: datetime


@dataclass(frozen=True)
class ReviewSpec:
    customer: int
    product_index: int
    rating: int
    title: str
    text: str
    language: str
    verified_purchase: bool
    at: datetime


def username_for(number: int) -> str:
    return f"{DEMO_USERNAME_PREFIX}{number:02d}"


def build_customers(*, count: int, seed: int) -> list[CustomerSpec]:
    """Customers 1..count; each depends only on its number and the seed."""
    content = demo_content()
    words = content.customers
    leaves_by_top = {top.slug: [leaf.slug for leaf in top.leaves] for top in content.tops}
    brands_by_top: dict[str, list[str]] = defaultdict(list)
    for brand in content.brands:
        for slug in brand.categories:
            brands_by_top[slug].append(brand.slug)
    customers = []
    for number in range(1, count + 1):
        rng = random.Random(f"demo-shop:{seed}:customer:{number}")
        chinese_name = rng.random() < 0.5
        if chinese_name:
            first, last = rng.choice(words.zh_given_names), rng.choice(words.zh_family_names)
            language = CHINESE if rng.random() < 0.85 else ENGLISH
        else:
            first, last = rng.choice(words.en_first_names), rng.choice(words.en_last_names)
            language = ENGLISH if rng.random() < 0.92 else CHINESE
        tops = rng.sample([top.slug for top in content.tops], rng.choice((2, 2, 3)))
        leaves = [leaf for top in tops for leaf in leaves_by_top[top]]
        favourite_leaves = rng.sample(leaves, min(len(leaves), rng.randint(2, 4)))
        brand_pool = sorted({b for top in tops for b in brands_by_top[top]})
        favourite_brands = rng.sample(brand_pool, min(len(brand_pool), rng.randint(2, 3)))
        username = username_for(number)
        customers.append(
            CustomerSpec(
                number=number,
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@example.com",
                language=language,
                favourite_tops=tuple(tops),
                favourite_leaves=tuple(favourite_leaves),
                favourite_brands=tuple(favourite_brands),
                price_band=rng.choice(("budget", "mid", "mid", "premium")),
                sessions=rng.randint(15, 45),
            )
        )
    return customers


# --- catalog index --------------------------------------------------------------------------


@dataclass(frozen=True)
class _CatalogIndex:
    tops: dict[str, Top]
    leaves: dict[str, Leaf]
    kinds: dict[tuple[str, str], Kind]
    # active products per leaf, best first (the order a search or category page shows them)
    by_leaf: dict[str, list[ProductSpec]]
    leaf_top: dict[str, str]


def _index(products: list[ProductSpec]) -> _CatalogIndex:
    all_tops = demo_content().tops
    tops = {top.slug: top for top in all_tops}
    leaves = {leaf.slug: leaf for top in all_tops for leaf in top.leaves}
    kinds = {(leaf.slug, kind.key): kind for leaf in leaves.values() for kind in leaf.kinds}
    leaf_top = {leaf.slug: top.slug for top in all_tops for leaf in top.leaves}
    by_leaf: dict[str, list[ProductSpec]] = defaultdict(list)
    for product in products:
        if product.status == "active":
            by_leaf[product.category_slug].append(product)
    for items in by_leaf.values():
        items.sort(key=lambda p: (-p.quality, p.index))
    return _CatalogIndex(tops, leaves, kinds, dict(by_leaf), leaf_top)


def _price_position(product: ProductSpec, kind: Kind) -> float:
    low, high = kind.price
    if high <= low:
        return 0.5
    return min(1.0, max(0.0, math.log(float(product.price) / low) / math.log(high / low)))


def _affinity(customer: CustomerSpec, product: ProductSpec, catalog: _CatalogIndex) -> float:
    score = 1.0 + product.quality
    if product.brand_slug in customer.favourite_brands:
        score += 2.0
    if product.category_slug in customer.favourite_leaves:
        score += 1.0
    position = _price_position(product, catalog.kinds[(product.category_slug, product.kind_key)])
    band_match = {
        "budget": position < 0.4,
        "mid": 0.25 <= position <= 0.75,
        "premium": position > 0.6,
    }[customer.price_band]
    if band_match:
        score += 1.5
    return score


# --- search queries ------------------------------------------------------------------------


def _query(
    rng: random.Random, customer: CustomerSpec, leaf_slug: str, catalog: _CatalogIndex
) -> tuple[str, list[ProductSpec]]:
    """A query a customer might type for a leaf, and the active products it matches."""
    zh = customer.language == CHINESE and rng.random() < 0.85
    leaf = catalog.leaves[leaf_slug]
    candidates = catalog.by_leaf.get(leaf_slug, [])
    kind = rng.choice(leaf.kinds)
    of_kind = [p for p in candidates if p.kind_key == kind.key]
    noun = kind.noun_zh if zh else lower_noun(kind.nouns)
    shape = rng.random()
    if shape < 0.25 or not of_kind:
        text = leaf.name_zh if zh else leaf.name.lower()
        return text, candidates
    if shape < 0.45:
        return noun, of_kind
    sample = rng.choice(of_kind)
    if shape < 0.8:
        # an attribute the product has, e.g. "waterproof hiking boots" / "黑色跑鞋"
        labels = {}
        attributes = demo_content().attributes
        for code in SEARCHED_ATTRIBUTES & set(sample.attributes):
            option = attributes[code].option(str(sample.attributes[code]))
            label = option.label_zh if zh else option.label.lower()
            # "black tea black teas": the noun already says it
            if label not in noun and not set(label.split()) & set(noun.split()):
                labels[code] = label
        code = rng.choice(sorted(labels)) if labels else None
        if code is not None:
            label = labels[code]
            matches = [p for p in of_kind if p.attributes.get(code) == sample.attributes[code]]
            return (f"{label}{noun}" if zh else f"{label} {noun}"), matches
    brand = next(b for b in demo_content().brands if b.slug == sample.brand_slug)
    brand_name = brand.name_zh or brand.name if zh else brand.name.lower()
    matches = [p for p in of_kind if p.brand_slug == sample.brand_slug]
    return (f"{brand_name} {noun}"), matches


# --- history ---------------------------------------------------------------------------------


def build_history(
    customers: list[CustomerSpec], products: list[ProductSpec], *, seed: int, now: datetime
) -> tuple[list[EventSpec], list[ReviewSpec]]:
    """Interaction events and reviews for every customer, spread over the last 90 days."""
    catalog = _index(products)
    events: list[EventSpec] = []
    reviews: list[ReviewSpec] = []
    for customer in customers:
        customer_events, customer_reviews = _customer_history(customer, catalog, seed, now)
        events.extend(customer_events)
        reviews.extend(customer_reviews)
    return events, reviews


@dataclass
class _Session:
    """Appends one browsing session's events, each a few seconds to minutes after the last."""

    rng: random.Random
    customer: int
    language: str
    session_key: str
    clock: datetime
    events: list[EventSpec]

    def __call__(
        self,
        kind: str,
        *,
        product_index: int | None = None,
        query: str = "",
        result_count: int | None = None,
        position: int | None = None,
        source: str = "",
        quantity: int | None = None,
    ) -> None:
        self.clock += timedelta(seconds=self.rng.randint(8, 150))
        self.events.append(
            EventSpec(
                kind=kind,
                customer=self.customer,
                session_key=self.session_key,
                product_index=product_index,
                query=query,
                result_count=result_count,
                position=position,
                source=source,
                quantity=quantity,
                language=self.language,
                at=self.clock,
            )
        )


def _customer_history(
    customer: CustomerSpec, catalog: _CatalogIndex, seed: int, now: datetime
) -> tuple[list[EventSpec], list[ReviewSpec]]:
    rng = random.Random(f"demo-shop:{seed}:history:{customer.number}")
    language = customer.language
    stocked_leaves = [slug for slug in catalog.by_leaf if catalog.by_leaf[slug]]
    favourites = [slug for slug in customer.favourite_leaves if catalog.by_leaf.get(slug)]
    favourite_top_leaves = [
        slug for slug in stocked_leaves if catalog.leaf_top[slug] in customer.favourite_tops
    ]
    if not stocked_leaves:
        return [], []
    starts = sorted(
        now - timedelta(seconds=rng.uniform(600, HISTORY_DAYS * 86400))
        for _ in range(customer.sessions)
    )
    events: list[EventSpec] = []
    viewed: list[int] = []
    purchases: dict[int, datetime] = {}
    by_index = {p.index: p for items in catalog.by_leaf.values() for p in items}

    for start in starts:
        emit = _Session(
            rng=rng,
            customer=customer.number,
            language=language,
            session_key=f"{rng.getrandbits(128):032x}",
            clock=start,
            events=events,
        )
        seen_in_session: list[ProductSpec] = []
        if viewed and rng.random() < 0.15:
            # Coming back to something seen before, straight to the product page.
            product = by_index[rng.choice(viewed)]
            emit("view", product_index=product.index)
            seen_in_session.append(product)
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            roll = rng.random()
            if roll < 0.8 and favourites:
                leaf_slug = rng.choice(favourites)
            elif roll < 0.92 and favourite_top_leaves:
                leaf_slug = rng.choice(favourite_top_leaves)
            else:
                leaf_slug = rng.choice(stocked_leaves)
            if rng.random() < 0.55:
                if rng.random() < 0.05:
                    miss = rng.choice(demo_content().customers.zero_result_queries)
                    query = miss.zh if language == CHINESE else miss.en
                    emit("search", query=query, result_count=0)
                query, results = _query(rng, customer, leaf_slug, catalog)
                emit("search", query=query, result_count=len(results))
                seen_in_session += _click_through(
                    rng, customer, catalog, results, emit, source="search", query=query
                )
            else:
                source = rng.choice(("category", "category", "home", "recommendations"))
                results = catalog.by_leaf[leaf_slug]
                seen_in_session += _click_through(
                    rng, customer, catalog, results, emit, source=source
                )

        seen_in_session = _browse_on(rng, catalog, seen_in_session, emit)
        cart: list[tuple[ProductSpec, int, list[ProductSpec]]] = []
        # A session shops for one thing: only products of the first category looked at go in
        # the cart (with their accessories), so a basket is a purchase and what goes with it.
        buying_leaf = seen_in_session[0].category_slug if seen_in_session else ""
        for product in seen_in_session:
            viewed.append(product.index)
            affinity = _affinity(customer, product, catalog)
            if product.category_slug != buying_leaf:
                continue
            if product.stock > 0 and rng.random() < 0.03 + 0.08 * affinity:
                quantity = 2 if rng.random() < 0.12 else 1
                emit("add_to_cart", product_index=product.index, quantity=quantity)
                extras = []
                accessory = _accessory(rng, catalog, product)
                if accessory is not None and rng.random() < ACCESSORY_RATE:
                    emit("view", product_index=accessory.index, source="recommendations")
                    emit("add_to_cart", product_index=accessory.index, quantity=1)
                    viewed.append(accessory.index)
                    extras.append(accessory)
                cart.append((product, quantity, extras))
        for product, quantity, extras in cart:
            if rng.random() < 0.6:
                emit("purchase", product_index=product.index, quantity=quantity)
                purchases.setdefault(product.index, emit.clock)
                # An accessory put in the cart with the product is bought with it.
                for accessory in extras:
                    emit("purchase", product_index=accessory.index, quantity=1)
                    purchases.setdefault(accessory.index, emit.clock)

    reviews = _reviews(rng, customer, catalog, by_index, purchases, viewed, now)
    return events, reviews


def _click_through(
    rng: random.Random,
    customer: CustomerSpec,
    catalog: _CatalogIndex,
    results: list[ProductSpec],
    emit: Callable[..., None],
    *,
    source: str,
    query: str = "",
) -> list[ProductSpec]:
    """Clicks on a result list (position-biased, taste-weighted) and the product views."""
    shown = results[:24]
    if not shown:
        return []
    clicks = min(len(shown), rng.choice((1, 1, 1, 2, 2, 3)))
    weights = [
        _affinity(customer, p, catalog) / (position + 1) ** 0.9 for position, p in enumerate(shown)
    ]
    picked: list[int] = []
    for _ in range(clicks):
        position = rng.choices(range(len(shown)), weights=weights)[0]
        if position in picked:
            continue
        picked.append(position)
        product = shown[position]
        emit(
            "click", product_index=product.index, position=position + 1, source=source, query=query
        )
        emit("view", product_index=product.index, source=source)
    return [shown[p] for p in picked]


def _browse_on(
    rng: random.Random,
    catalog: _CatalogIndex,
    seen: list[ProductSpec],
    emit: Callable[..., None],
) -> list[ProductSpec]:
    """After a product page, often the next product of its category (the order a category
    page lists them in), so sessions move through a category in a recognisable sequence."""
    result = list(seen)
    for product in seen:
        items = catalog.by_leaf.get(product.category_slug, [])
        if product not in items or rng.random() >= BROWSE_ON_RATE:
            continue
        position = items.index(product)
        if position + 1 < len(items):
            following = items[position + 1]
            emit("view", product_index=following.index, source="category")
            result.append(following)
    return result


def _accessory(
    rng: random.Random, catalog: _CatalogIndex, product: ProductSpec
) -> ProductSpec | None:
    """The accessory shoppers buy with ``product``: one of the best few of an accessory
    category, the same ones for the same product (so pairs repeat across customers)."""
    leaves = [
        leaf for leaf in ACCESSORIES.get(product.category_slug, ()) if catalog.by_leaf.get(leaf)
    ]
    if not leaves:
        return None
    leaf = leaves[product.index % len(leaves)] if rng.random() < 0.8 else rng.choice(leaves)
    items = catalog.by_leaf[leaf][:4]
    return items[product.index % len(items)]


# --- reviews ---------------------------------------------------------------------------------


def _reviews(
    rng: random.Random,
    customer: CustomerSpec,
    catalog: _CatalogIndex,
    by_index: dict[int, ProductSpec],
    purchases: dict[int, datetime],
    viewed: list[int],
    now: datetime,
) -> list[ReviewSpec]:
    reviews = []
    unbought = sorted(set(viewed) - set(purchases))
    candidates = [(index, at, True) for index, at in purchases.items()]
    candidates += [
        (index, now - timedelta(days=rng.uniform(1, HISTORY_DAYS)), False)
        for index in unbought
        if rng.random() < 0.12
    ]
    for index, bought_at, verified in candidates:
        if verified and rng.random() > 0.7:
            continue
        at = bought_at + timedelta(days=rng.uniform(2, 20)) if verified else bought_at
        if at >= now:
            continue
        product = by_index[index]
        reviews.append(_review(rng, customer, catalog, product, at=at, verified=verified))
    return reviews


def _review(
    rng: random.Random,
    customer: CustomerSpec,
    catalog: _CatalogIndex,
    product: ProductSpec,
    *,
    at: datetime,
    verified: bool,
) -> ReviewSpec:
    score = 1.6 + 3.6 * product.quality + rng.gauss(0, 0.75)
    if product.brand_slug in customer.favourite_brands:
        score += 0.3
    rating = max(1, min(5, round(score)))
    zh = customer.language == CHINESE
    pick = (lambda b: b.zh) if zh else (lambda b: b.en)
    top = catalog.tops[product.top_slug]
    leaf = catalog.leaves[product.category_slug]
    band = "high" if rating >= 4 else "mid" if rating == 3 else "low"
    words = demo_content().customers
    sentences = [pick(rng.choice(words.review_openings[band]))]
    remarks: list[Bilingual] = []
    if rating >= 3 and top.praise:
        remarks.append(rng.choice(top.praise))
    if rating <= 3 and top.gripes:
        remarks.append(rng.choice(top.gripes))
    sentences += [pick(r) for r in remarks]
    if rng.random() < 0.5:
        scene = rng.choice(leaf.scenes)
        sentences.insert(rng.randint(0, 1), pick(words.review_context).format(scene=pick(scene)))
    return ReviewSpec(
        customer=customer.number,
        product_index=product.index,
        rating=rating,
        title=pick(rng.choice(words.review_titles[rating])),
        text=("" if zh else " ").join(sentences),
        language=customer.language,
        verified_purchase=verified,
        at=at,
    )
