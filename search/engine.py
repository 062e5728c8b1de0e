"""Versioned search index artifacts: a BM25 index, a FAISS index of dense vectors, an id map.

One index is a folder ``<root>/<version>/`` holding ``manifest.json`` (written last), ``bm25/``
(bm25s), ``vectors.npy`` + ``dense.faiss`` (absent for a lexical-only index), ``keys.npy`` and
``fingerprints.json``. It is built in ``<root>/.building-<version>`` and renamed into place, and
``<root>/CURRENT`` (one line: the version) is replaced atomically after that, so a reader never
sees a half-built index. Readers poll CURRENT (see :class:`IndexHolder`) and switch versions
without a restart.

Nothing here knows about Django models: the shop's catalog and evaluation datasets both build
their indexes through :func:`build_index`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from search.text import ANALYZER_VERSION, analyze

logger = logging.getLogger("search")

SCHEMA = 1
CURRENT = "CURRENT"
MANIFEST = "manifest.json"
KEEP_VERSIONS = 3
# BM25 parameters (Lucene's variant); the common defaults, not tuned to any dataset.
BM25_K1 = 1.2
BM25_B = 0.75


class IndexUnavailable(Exception):
    """No complete index exists yet (or it cannot be read); the message says what to run."""


@dataclass(frozen=True)
class IndexDocument:
    """One searchable item.

    Attributes:
        key: the caller's id (a product pk, a dataset's product uid).
        lexical_text: what BM25 indexes (all languages the item has).
        dense_text: what the embedder reads.
    """

    key: int
    lexical_text: str
    dense_text: str

    @property
    def fingerprint(self) -> str:
        return hashlib.blake2b(self.dense_text.encode(), digest_size=12).hexdigest()


def _progress(total: int, description: str, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=description, unit="doc", disable=not enabled, leave=False)


def _tokenize_all(texts: Sequence[str], *, show_progress: bool) -> list[list[str]]:
    tokens = []
    with _progress(len(texts), "analyze", show_progress) as bar:
        for text in texts:
            # bm25s needs a token per document; an empty one matches nothing.
            tokens.append(analyze(text) or [""])
            bar.update()
    return tokens


def _encode_all(
    embedder: Any,
    documents: Sequence[IndexDocument],
    *,
    reuse: SearchIndex | None,
    chunk_size: int,
    show_progress: bool,
    on_progress: Callable[[int, int], None] | None,
) -> tuple[np.ndarray, int]:
    """Vectors for ``documents``; those whose text is unchanged are taken from ``reuse``."""
    vectors = np.zeros((len(documents), embedder.dim), dtype=np.float32)
    todo: list[int] = []
    reused = 0
    old = reuse.vector_lookup(embedder.revision) if reuse is not None else {}
    for position, document in enumerate(documents):
        vector = old.get((document.key, document.fingerprint))
        if vector is None:
            todo.append(position)
        else:
            vectors[position] = vector
            reused += 1
    with _progress(len(todo), "embed", show_progress) as bar:
        for start in range(0, len(todo), chunk_size):
            chunk = todo[start : start + chunk_size]
            vectors[chunk] = embedder.encode(
                [documents[i].dense_text for i in chunk], kind="document"
            )
            bar.update(len(chunk))
            if on_progress is not None:
                on_progress(min(start + chunk_size, len(todo)), len(todo))
    return vectors, reused


def new_version() -> str:
    """A UTC timestamp to the microsecond: versions sort in the order they were built."""
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")


def build_index(
    documents: Sequence[IndexDocument],
    *,
    root: Path,
    embedder: Any | None,
    chunk_size: int = 256,
    reuse: SearchIndex | None = None,
    extra: dict[str, Any] | None = None,
    show_progress: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
    publish: bool = True,
) -> Path:
    """Build a complete index of ``documents`` under ``root``; with ``publish``, make it current.

    Args:
        documents: the items; keys must be unique.
        root: the index family's folder (one per catalog or dataset).
        embedder: an llm_services Embedder, or None for a lexical-only index.
        chunk_size: texts embedded per call (memory and progress granularity).
        reuse: a previous index whose vectors are kept for documents whose text is unchanged
            (same embedder revision only), so an incremental update embeds only what changed.
        extra: stored in the manifest under "extra" (what the caller needs to know later).
        on_progress: called as ``(done, total)`` after each embedded chunk.

    Returns:
        The version folder.

    Raises:
        ValueError: duplicate keys.
    """
    import bm25s
    import faiss

    started = time.perf_counter()
    keys = np.array([d.key for d in documents], dtype=np.int64)
    if len(np.unique(keys)) != len(keys):
        raise ValueError("Index documents must have unique keys.")
    version = new_version()
    root.mkdir(parents=True, exist_ok=True)
    building = root / f".building-{version}"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir()
    try:
        tokens = _tokenize_all([d.lexical_text for d in documents], show_progress=show_progress)
        lexical_seconds = time.perf_counter() - started
        bm25 = bm25s.BM25(k1=BM25_K1, b=BM25_B, method="lucene")
        if documents:
            bm25.index(tokens, show_progress=False)
            bm25.save(str(building / "bm25"))
        dense: dict[str, Any] | None = None
        reused = 0
        if embedder is not None:
            vectors, reused = _encode_all(
                embedder,
                documents,
                reuse=reuse,
                chunk_size=max(1, chunk_size),
                show_progress=show_progress,
                on_progress=on_progress,
            )
            np.save(building / "vectors.npy", vectors)
            flat = faiss.IndexFlatIP(int(embedder.dim))
            flat.add(vectors)
            faiss.write_index(flat, str(building / "dense.faiss"))
            dense = {
                "alias": embedder.alias,
                "model": embedder.model_id,
                "revision": embedder.revision,
                "dim": int(embedder.dim),
            }
        np.save(building / "keys.npy", keys)
        (building / "fingerprints.json").write_text(json.dumps([d.fingerprint for d in documents]))
        (building / "lexical.json").write_text(
            json.dumps([d.lexical_text for d in documents], ensure_ascii=False)
        )
        seconds = time.perf_counter() - started
        manifest = {
            "schema": SCHEMA,
            "version": version,
            "created": time.time(),
            "documents": len(documents),
            "bm25": {"k1": BM25_K1, "b": BM25_B, "method": "lucene"},
            "analyzer": ANALYZER_VERSION,
            "dense": dense,
            "reused_vectors": reused,
            "build_seconds": round(seconds, 3),
            "lexical_seconds": round(lexical_seconds, 3),
            "extra": extra or {},
        }
        (building / MANIFEST).write_text(json.dumps(manifest, indent=2))
        final = root / version
        building.rename(final)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    if publish:
        publish_version(root, version)
    logger.info(
        "search index built root=%s version=%s documents=%d reused=%d seconds=%.1f",
        root,
        version,
        len(documents),
        reused,
        seconds,
    )
    return final


def publish_version(root: Path, version: str) -> None:
    """Point CURRENT at ``version`` (atomically) and delete all but the newest versions."""
    if not (root / version / MANIFEST).is_file():
        raise IndexUnavailable(f"{root / version} is not a complete index.")
    temporary = root / f".{CURRENT}.{os.getpid()}.{threading.get_ident()}"
    temporary.write_text(version + "\n")
    os.replace(temporary, root / CURRENT)
    complete = sorted(p.name for p in root.iterdir() if (p / MANIFEST).is_file())
    for name in complete[:-KEEP_VERSIONS]:
        if name != version:
            shutil.rmtree(root / name, ignore_errors=True)


def current_version(root: Path) -> str | None:
    try:
        return (root / CURRENT).read_text().strip() or None
    except FileNotFoundError:
        return None


class SearchIndex:
    """A loaded index version: BM25 scores, dense top-k, and the row ↔ key maps."""

    def __init__(self, folder: Path) -> None:
        import bm25s
        import faiss

        self.folder = folder
        try:
            self.manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
        except (OSError, ValueError) as exc:
            raise IndexUnavailable(f"{folder} is not a complete index: {exc}") from exc
        if self.manifest.get("schema") != SCHEMA:
            raise IndexUnavailable(f"{folder} has index schema {self.manifest.get('schema')}.")
        self.version: str = self.manifest["version"]
        self.keys: np.ndarray = np.load(folder / "keys.npy")
        self.row_of: dict[int, int] = {int(k): i for i, k in enumerate(self.keys.tolist())}
        self.bm25 = bm25s.BM25.load(str(folder / "bm25"), mmap=False) if len(self.keys) else None
        self.vocabulary: dict[str, int] = self.bm25.vocab_dict if self.bm25 is not None else {}
        self.vectors: np.ndarray | None = None
        self.faiss = None
        # Data other modules derive from this version (ranker features), dropped with it.
        self.derived: dict[str, Any] = {}
        if self.manifest.get("dense"):
            self.vectors = np.load(folder / "vectors.npy")
            self.faiss = faiss.read_index(str(folder / "dense.faiss"))

    def __len__(self) -> int:
        return len(self.keys)

    @cached_property
    def lexical_texts(self) -> list[str]:
        return json.loads((self.folder / "lexical.json").read_text())

    @cached_property
    def doc_tokens(self) -> list[list[str]]:
        """Each row's analyzed text (for the learned ranker's features), built on first use."""
        return [analyze(text) for text in self.lexical_texts]

    @property
    def analyzer_is_current(self) -> bool:
        """Whether BM25 terms were made by this code's analyzer (else: rebuild the index)."""
        return self.manifest.get("analyzer") == ANALYZER_VERSION

    @property
    def dense_revision(self) -> str | None:
        dense = self.manifest.get("dense")
        return dense["revision"] if dense else None

    def vector_lookup(self, revision: str) -> dict[tuple[int, str], np.ndarray]:
        """(key, fingerprint) → vector, when this index was embedded by ``revision``."""
        if self.vectors is None or self.dense_revision != revision:
            return {}
        fingerprints = json.loads((self.folder / "fingerprints.json").read_text())
        return {
            (int(key), fingerprint): self.vectors[row]
            for row, (key, fingerprint) in enumerate(
                zip(self.keys.tolist(), fingerprints, strict=True)
            )
        }

    def known_tokens(self, tokens: Sequence[str]) -> list[str]:
        return [t for t in tokens if t in self.vocabulary]

    def lexical_scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every row for the analyzed query ``tokens`` (zeros if none is known)."""
        known = self.known_tokens(tokens)
        if not known or self.bm25 is None:
            return np.zeros(len(self.keys), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(known), dtype=np.float32)

    def dense_search(
        self, query_vector: np.ndarray, k: int, rows: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` rows by cosine (over ``rows`` only, when given): (rows, scores)."""
        if self.vectors is None or not len(self.keys):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        query = np.asarray(query_vector, dtype=np.float32).reshape(1, -1)
        if rows is None:
            scores, found = self.faiss.search(query, min(k, len(self.keys)))
            keep = found[0] >= 0
            return found[0][keep].astype(np.int64), scores[0][keep]
        if not len(rows):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores = self.vectors[rows] @ query[0]
        order = top_k(scores, k)
        return rows[order], scores[order]


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest scores, best first (ties: lower position first)."""
    k = min(k, len(scores))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k < len(scores):
        part = np.argpartition(-scores, k - 1)[:k]
    else:
        part = np.arange(len(scores))
    return part[np.lexsort((part, -scores[part]))]


class IndexHolder:
    """The current index of one root, per process; switches when CURRENT changes.

    CURRENT is checked at most every ``check_seconds``; a new version is loaded under a lock
    while requests keep using the old one.
    """

    def __init__(self, root: Path, *, check_seconds: float = 2.0) -> None:
        self.root = root
        self.check_seconds = check_seconds
        self._index: SearchIndex | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def get(self) -> SearchIndex:
        """The current index.

        Raises:
            IndexUnavailable: none has been built.
        """
        now = time.monotonic()
        index = self._index
        if index is not None and now - self._checked < self.check_seconds:
            return index
        version = current_version(self.root)
        if version is None:
            raise IndexUnavailable(
                f"No search index in {self.root}: run `manage.py rebuild_search_index`."
            )
        if index is not None and index.version == version:
            self._checked = now
            return index
        with self._lock:
            if self._index is None or self._index.version != version:
                self._index = SearchIndex(self.root / version)
            self._checked = now
            return self._index

    def reset(self) -> None:
        with self._lock:
            self._index = None
            self._checked = 0.0
