from __future__ import annotations

from pathlib import Path
from typing import Any

from search.engine import IndexDocument, SearchIndex, build_index
from search.retrieval import RRF_K, Retriever, describe
from search.text import analyze


def _index(tmp_path: Path, embedder: Any) -> SearchIndex:
    docs = [
        IndexDocument(1, "red running shoe", "red running shoe"),
        IndexDocument(2, "running socks", "running socks"),
        IndexDocument(3, "wireless headphones", "wireless headphones"),
    ]
    return SearchIndex(build_index(docs, root=tmp_path, embedder=embedder))


def test_hybrid_fuses_both_rankings_by_reciprocal_rank(tmp_path: Path, embedder: Any) -> None:
    index = _index(tmp_path, embedder)
    retriever = Retriever(index)
    tokens = analyze("running shoe")
    vector = embedder.encode(["running shoe"], kind="query")[0]

    lexical = retriever.lexical(tokens, k=10)
    dense = retriever.dense(vector, k=10)
    hybrid = retriever.hybrid("running shoe", tokens, vector, k=10)

    assert [c.row for c in lexical] == [0, 1]
    assert [c.row for c in dense][0] == 0
    assert hybrid[0].row == 0
    assert hybrid[0].score == 2 / (RRF_K + 1)
    assert {c.row for c in hybrid} == {0, 1, 2}


def test_filters_restrict_both_engines(tmp_path: Path, embedder: Any) -> None:
    import numpy as np

    index = _index(tmp_path, embedder)
    retriever = Retriever(index)
    rows = np.array([1, 2])
    vector = embedder.encode(["running shoe"], kind="query")[0]

    hits = retriever.hybrid("running shoe", analyze("running shoe"), vector, k=10, rows=rows)

    assert {c.row for c in hits} == {1, 2}


def test_describe_names_the_signals(tmp_path: Path, embedder: Any) -> None:
    index = _index(tmp_path, embedder)
    vector = embedder.encode(["headphones"], kind="query")[0]
    hit = Retriever(index).hybrid("headphones", analyze("headphones"), vector, k=1)[0]

    described = describe(hit)

    assert described["lexical_rank"] == 1
    assert described["dense_rank"] == 1
    assert described["fused_score"] == round(2 / (RRF_K + 1), 5)
