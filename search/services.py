"""Write side of search: building the shop's index and logging searches.

Every catalog write bumps the catalog cache version (``shop.catalog.cache``); that version is
the index's dirty flag. :func:`apply_index_updates` (a periodic task) compares it with the
version the current index was built from and, when they differ, rebuilds with
:func:`rebuild_shop_index` in incremental mode: BM25 is rebuilt (cheap), and only products
whose text changed are embedded again.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

from llm_services import LLMError, llm
from search.documents import catalog_documents
from search.engine import IndexHolder, IndexUnavailable, SearchIndex, build_index
from search.models import SearchLog
from search.suggest import forget_suggestion_caches
from shop.catalog.cache import catalog_version

logger = logging.getLogger("search")

APPLIED_VERSION_KEY = "search:applied-catalog-version"
_holders: dict[Path, IndexHolder] = {}


def shop_index_root() -> Path:
    return Path(settings.SEARCH_INDEX_DIR) / "shop"


def index_holder() -> IndexHolder:
    """The per-process holder of the shop's current index (one per configured root)."""
    root = shop_index_root()
    holder = _holders.get(root)
    if holder is None:
        holder = _holders.setdefault(root, IndexHolder(root))
    return holder


@dataclass(frozen=True)
class BuildReport:
    version: str | None
    documents: int
    embedded: int
    reused: int
    seconds: float
    dense: bool
    skipped: bool = False
    degraded_reason: str = ""


class RebuildInProgress(Exception):
    """Another process (or thread) is building the shop's index right now."""


REBUILD_LOCK_NAME = ".rebuild.lock"


@contextlib.contextmanager
def rebuild_lock() -> Iterator[None]:
    """Hold the shop index's rebuild lock, or raise :class:`RebuildInProgress` at once.

    An exclusive ``flock`` on a file in the index folder, which every web process and worker
    of a deployment shares (``SEARCH_INDEX_DIR``): two overlapping builds would embed the
    catalog twice and race to publish. The operating system drops the lock when its holder
    exits, so a killed worker (or one past its hard time limit) never leaves it stuck, and
    there is no expiry to guess.
    """
    root = shop_index_root()
    root.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(root / REBUILD_LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RebuildInProgress(
                "Another search index rebuild is running; this one did not start. "
                "Try again when it has finished."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def _current_index() -> SearchIndex | None:
    try:
        return index_holder().get()
    except IndexUnavailable:
        return None


def rebuild_shop_index(
    *,
    chunk_size: int = 256,
    incremental: bool = False,
    show_progress: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Build and publish a new index of every active product.

    Args:
        chunk_size: products read and embedded per step.
        incremental: keep the vectors of products whose text is unchanged, and skip the
            build entirely when nothing changed.

    When the embed model cannot load, a lexical-only index is built and the report (and the
    manifest, which search reads to say it is degraded) carry the reason.

    Raises:
        RebuildInProgress: another rebuild holds the lock (:func:`rebuild_lock`); nothing
            was built.
    """
    with rebuild_lock():
        _remove_abandoned_builds(shop_index_root())
        return _rebuild_shop_index(
            chunk_size=chunk_size,
            incremental=incremental,
            show_progress=show_progress,
            on_progress=on_progress,
        )


def _remove_abandoned_builds(root: Path) -> None:
    """Delete the half-built folders (``.building-<version>``) of builds whose process died:
    a worker killed mid-rebuild leaves one behind, as large as an index. Called under the
    rebuild lock, so no build is writing any of them."""
    for folder in root.glob(".building-*"):
        logger.warning("search index: removing %s, left by a rebuild that did not finish", folder)
        shutil.rmtree(folder, ignore_errors=True)


def _rebuild_shop_index(
    *,
    chunk_size: int,
    incremental: bool,
    show_progress: bool,
    on_progress: Callable[[int, int], None] | None,
) -> BuildReport:
    version_at_start = catalog_version()
    documents = list(catalog_documents(chunk_size=max(chunk_size, 100)))
    degraded = ""
    try:
        embedder = llm["embed"]
    except LLMError as exc:
        embedder, degraded = None, f"embed model unavailable: {exc}"
        logger.warning("search index built lexical-only: %s", exc)
    previous = _current_index()
    if incremental and previous is not None and _unchanged(previous, documents, embedder):
        cache.set(APPLIED_VERSION_KEY, version_at_start, None)
        return BuildReport(previous.version, len(documents), 0, 0, 0.0, bool(previous.faiss), True)
    build_index(
        documents,
        root=shop_index_root(),
        embedder=embedder,
        chunk_size=chunk_size,
        reuse=previous if incremental else None,
        show_progress=show_progress,
        on_progress=on_progress,
        extra={"catalog_version": version_at_start, "degraded_reason": degraded},
    )
    index_holder().reset()
    cache.set(APPLIED_VERSION_KEY, version_at_start, None)
    index = index_holder().get()
    manifest = index.manifest
    return BuildReport(
        version=index.version,
        documents=len(documents),
        embedded=len(documents) - manifest["reused_vectors"] if embedder else 0,
        reused=manifest["reused_vectors"],
        seconds=manifest["build_seconds"],
        dense=embedder is not None,
        degraded_reason=degraded,
    )


def _unchanged(previous: SearchIndex, documents: list[Any], embedder: Any) -> bool:
    import json

    if not previous.analyzer_is_current:
        return False
    if embedder is not None and previous.dense_revision != embedder.revision:
        return False
    if embedder is None and previous.dense_revision is not None:
        return False
    if [d.key for d in documents] != [int(k) for k in previous.keys.tolist()]:
        return False
    fingerprints = json.loads((previous.folder / "fingerprints.json").read_text())
    if [d.fingerprint for d in documents] != fingerprints:
        return False
    return [d.lexical_text for d in documents] == previous.lexical_texts


def index_is_stale() -> bool:
    """Whether the catalog changed since the current index was built (or none exists)."""

    if cache.get(APPLIED_VERSION_KEY) != catalog_version():
        return True
    index = _current_index()
    return index is None or not index.analyzer_is_current


def apply_index_updates(*, chunk_size: int = 256) -> BuildReport | None:
    """Rebuild incrementally when the catalog changed; None when the index is up to date."""
    if not index_is_stale():
        return None
    return rebuild_shop_index(chunk_size=chunk_size, incremental=True)


def log_search(
    *,
    query: str,
    language: str,
    parsed: dict[str, Any],
    result_count: int,
    latency_ms: float,
    mode: str,
    degraded: bool,
    session_key: str = "",
    user_id: int | None = None,
    counts_for_popularity: bool = True,
) -> SearchLog:
    """Log one search; ``counts_for_popularity=False`` keeps it out of popular suggestions."""
    return SearchLog.objects.create(
        query=query[:255],
        normalized=" ".join(query.casefold().split())[:255],
        language=language[:10],
        parsed=parsed,
        result_count=result_count,
        latency_ms=round(latency_ms, 2),
        mode=mode,
        degraded=degraded,
        session_key=session_key[:40],
        user_id=user_id,
        counts_for_popularity=counts_for_popularity,
    )


def blocked_suggestions_changed() -> None:
    """A BlockedSuggestion was added, edited or removed: suggestions obey it from now on."""
    forget_suggestion_caches()
