"""The "search" embedder fine-tuning task: search queries → the products people clicked.

A click from search results is paired with its query: the click's own ``query`` when the log
has it, otherwise the latest search of the same session at most CLICK_WINDOW earlier. While
the log holds no such clicks (a new shop), products' titles are paired with their
descriptions instead, which still teaches the embedder the catalog's vocabulary.

Only trusted visitors' events are read: signed-in customers with at least one paid order
(``paying_customer_ids``). Anonymous sessions are free to create in any number, and a guest's
purchase is logged when the order is placed, before anyone pays, so neither would stop a
script from teaching the embedder that "buy cheap pills" means some product. A guest's
events before signing in are attached to the customer at login, so they count once the
customer has paid.

Registered from ``SearchConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from llm_services.training import CollectOptions, Example, register_task
from shop.catalog.models import Product, ProductTranslation
from shop.catalog.selectors import catalog_name_texts
from shop.interactions.models import Interaction
from shop.orders.selectors import customer_names, paying_customer_ids

TASK_NAME = "search"
CLICK_WINDOW = timedelta(minutes=10)
CLICK_SOURCE = "search"
# Documents are cut to this many characters: the embedder reads about 256 tokens anyway.
DOCUMENT_CHARS = 1000


def build_prompt(example: Example) -> str:
    """The query text (search embeds it as a "query")."""
    return str(example.source["query"])


def document_text(title: str, description: str) -> str:
    """A product as the embedder reads it: title, then description."""
    return f"{title}\n{description}".strip()[:DOCUMENT_CHARS]


def _product_texts(product_ids: set[int]) -> dict[tuple[int, str], tuple[str, str]]:
    texts: dict[tuple[int, str], tuple[str, str]] = {}
    for pk, language, title, description in Product.objects.filter(pk__in=product_ids).values_list(
        "pk", "language", "title", "description"
    ):
        texts[(pk, language)] = (title, description)
        texts.setdefault((pk, ""), (title, description))
    for pk, language, title, description in ProductTranslation.objects.filter(
        product_id__in=product_ids
    ).values_list("product_id", "language_code", "title", "description"):
        texts[(pk, language)] = (title, description)
    return texts


def collect_click_pairs(options: CollectOptions) -> Iterator[Example]:
    """(query, clicked product) pairs from the interaction log; see the module docstring."""

    events = (
        Interaction.objects.filter(
            kind__in=[Interaction.Kind.SEARCH, Interaction.Kind.CLICK],
            user_id__in=paying_customer_ids(),
        )
        .order_by("session_key", "created_at", "pk")
        .values_list(
            "pk", "kind", "session_key", "query", "product_id", "source", "language", "created_at"
        )
    )
    pairs: list[tuple[int, str, int, str]] = []
    last_search: dict[str, tuple[str, object]] = {}
    for pk, kind, session, query, product_id, source, language, created in events.iterator(
        chunk_size=options.chunk_size
    ):
        if kind == Interaction.Kind.SEARCH:
            if session and query:
                last_search[session] = (query, created)
            continue
        if product_id is None or source != CLICK_SOURCE:
            continue
        if not query and session in last_search:
            searched, when = last_search[session]
            if created - when <= CLICK_WINDOW:  # type: ignore[operator]
                query = searched
        if query:
            pairs.append((pk, query, product_id, language or ""))
    if not pairs:
        yield from collect_title_pairs(options)
        return
    texts = _product_texts({product_id for _, _, product_id, _ in pairs})
    produced = 0
    for pk, query, product_id, language in pairs:
        if options.languages is not None and language and language not in options.languages:
            continue
        text = texts.get((product_id, language)) or texts.get((product_id, ""))
        if text is None:
            continue
        yield Example(
            source={"query": query},
            target=document_text(*text),
            language=language or "en",
            key=f"click:{pk}",
            # One query's clicks stay together, so a held-out query was never trained on.
            group=f"query:{' '.join(query.casefold().split())}",
        )
        produced += 1
        if options.limit is not None and produced >= options.limit:
            return


def collect_title_pairs(options: CollectOptions) -> Iterator[Example]:
    """Title → description pairs of active products (source language and translations)."""

    rows = [
        (pk, language, title, description)
        for pk, language, title, description in Product.objects.active()
        .order_by("pk")
        .values_list("pk", "language", "title", "description")
        .iterator(chunk_size=options.chunk_size)
    ]
    rows += list(
        ProductTranslation.objects.filter(product__status="active")
        .order_by("product_id", "language_code")
        .values_list("product_id", "language_code", "title", "description")
    )
    produced = 0
    for pk, language, title, description in sorted(rows, key=lambda row: (row[0], row[1])):
        if options.languages is not None and language not in options.languages:
            continue
        if not description:
            continue
        yield Example(
            source={"query": title},
            target=description[:DOCUMENT_CHARS],
            language=language,
            key=f"product:{pk}:{language}",
            group=f"product:{pk}",
        )
        produced += 1
        if options.limit is not None and produced >= options.limit:
            return


def register() -> None:
    register_task(
        TASK_NAME,
        collect_click_pairs,
        build_prompt=build_prompt,
        kind="embedder",
        alias="embed",
        description="Search query → clicked product (title → description until clicks exist).",
        personal_names=customer_names,
        protected_texts=catalog_name_texts,
    )
