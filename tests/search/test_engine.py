from __future__ import annotations

import json
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from search import engine
from search.engine import (
    CURRENT,
    IndexDocument,
    IndexHolder,
    IndexUnavailable,
    SearchIndex,
    build_index,
    current_version,
    top_k,
)
from search.text import analyze

DOCS = [
    IndexDocument(10, "red running shoe", "red running shoe"),
    IndexDocument(20, "wireless headphones noise cancelling", "wireless headphones"),
    IndexDocument(30, "blue trail running shoe", "blue trail running shoe"),
]


def test_build_publishes_a_complete_index(tmp_path: Path, embedder: Any) -> None:
    """The version folder has every artifact, CURRENT names it, and search works on it."""
    folder = build_index(DOCS, root=tmp_path, embedder=embedder, chunk_size=2)

    assert current_version(tmp_path) == folder.name
    assert sorted(p.name for p in folder.iterdir()) == [
        "bm25",
        "dense.faiss",
        "fingerprints.json",
        "keys.npy",
        "lexical.json",
        "manifest.json",
        "vectors.npy",
    ]
    index = SearchIndex(folder)
    assert index.keys.tolist() == [10, 20, 30]
    assert index.manifest["documents"] == 3
    assert index.manifest["dense"]["revision"] == embedder.revision
    scores = index.lexical_scores(analyze("headphones"))
    assert [int(i) for i in np.flatnonzero(scores)] == [1]
    rows, similarities = index.dense_search(embedder.encode(["headphones"], kind="query")[0], 1)
    assert rows.tolist() == [1]
    assert similarities[0] > 0.5


def test_lexical_only_index_has_no_dense_part(tmp_path: Path) -> None:
    index = SearchIndex(build_index(DOCS, root=tmp_path, embedder=None))

    assert index.dense_revision is None
    assert index.dense_search(np.ones(384, dtype=np.float32), 5)[0].tolist() == []
    assert not (index.folder / "vectors.npy").exists()


def test_unknown_query_terms_score_nothing(tmp_path: Path) -> None:
    index = SearchIndex(build_index(DOCS, root=tmp_path, embedder=None))

    assert index.lexical_scores(["zzzz"]).tolist() == [0.0, 0.0, 0.0]
    assert index.lexical_scores([]).tolist() == [0.0, 0.0, 0.0]


def test_failed_build_leaves_the_current_index_untouched(tmp_path: Path, embedder: Any) -> None:
    """A half-built index is never served: a failure removes it and CURRENT stays."""
    first = build_index(DOCS, root=tmp_path, embedder=embedder)

    class Broken:
        alias, model_id, revision, dim = "embed", "broken", "broken", 384

        def encode(self, texts: Any, *, kind: str) -> Any:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        build_index(DOCS, root=tmp_path, embedder=Broken())

    assert current_version(tmp_path) == first.name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([CURRENT, first.name])


def test_unchanged_documents_reuse_their_vectors(tmp_path: Path, embedder: Any) -> None:
    first = SearchIndex(build_index(DOCS, root=tmp_path, embedder=embedder))
    changed = [DOCS[0], IndexDocument(20, "wired headphones", "wired headphones"), DOCS[2]]

    second = SearchIndex(build_index(changed, root=tmp_path, embedder=embedder, reuse=first))

    assert second.manifest["reused_vectors"] == 2
    assert np.array_equal(second.vectors[0], first.vectors[0])
    assert not np.array_equal(second.vectors[1], first.vectors[1])


def test_duplicate_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unique keys"):
        build_index([DOCS[0], DOCS[0]], root=tmp_path, embedder=None)
    assert current_version(tmp_path) is None


def test_only_the_newest_versions_are_kept(tmp_path: Path) -> None:
    folders = [build_index(DOCS, root=tmp_path, embedder=None) for _ in range(5)]

    kept = sorted(p.name for p in tmp_path.iterdir() if (p / "manifest.json").is_file())
    assert kept == sorted(f.name for f in folders[-3:])


def test_holder_switches_to_a_new_version_without_restart(tmp_path: Path) -> None:
    holder = IndexHolder(tmp_path, check_seconds=0)
    with pytest.raises(IndexUnavailable, match="rebuild_search_index"):
        holder.get()
    first = build_index(DOCS, root=tmp_path, embedder=None)
    assert holder.get().version == first.name

    second = build_index(DOCS[:2], root=tmp_path, embedder=None)

    assert holder.get().version == second.name
    assert len(holder.get()) == 2


def test_holder_reads_current_at_most_once_per_check_interval(tmp_path: Path, monkeypatch) -> None:
    """A served process notices an index another process published within check_seconds
    (the production stack's web process and index worker), and reads CURRENT no more often."""
    now = [100.0]
    monkeypatch.setattr(
        engine,
        "time",
        SimpleNamespace(monotonic=lambda: now[0], perf_counter=time.perf_counter, time=time.time),
    )
    holder = IndexHolder(tmp_path, check_seconds=2.0)
    first = build_index(DOCS, root=tmp_path, embedder=None)
    assert holder.get().version == first.name

    second = build_index(DOCS[:2], root=tmp_path, embedder=None)
    now[0] = 101.9
    assert holder.get().version == first.name
    now[0] = 102.0
    assert holder.get().version == second.name
    assert len(holder.get()) == 2


def test_a_damaged_manifest_is_reported(tmp_path: Path) -> None:
    folder = build_index(DOCS, root=tmp_path, embedder=None)
    (folder / "manifest.json").write_text(json.dumps({"schema": 99}))

    with pytest.raises(IndexUnavailable, match="schema 99"):
        SearchIndex(folder)


def test_top_k_orders_by_score_then_position() -> None:
    scores = np.array([0.5, 0.9, 0.5, 0.1], dtype=np.float32)

    assert top_k(scores, 3).tolist() == [1, 0, 2]
    assert top_k(scores, 10).tolist() == [1, 0, 2, 3]
    assert top_k(scores, 0).tolist() == []
