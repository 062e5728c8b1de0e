"""The evaluation metrics against hand-computed values, and the eval_recommender command."""

from __future__ import annotations

import json
import math
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from recommend.evaluation import (
    MODEL_NAMES,
    coverage,
    diversity,
    hit_rate,
    ndcg,
    popularity_bias,
    read_dataset,
    target_ranks,
)


def test_ranks_exclude_the_history_and_count_ties_against_the_target():
    scores = np.array([[0.9, 0.8, 0.5, 0.5, 0.1]], dtype=np.float32)
    ranks, _ = target_ranks(scores, [np.array([0])], np.array([2]))
    # Item 0 is history; item 1 is above; item 3 ties: rank 2 (0-based).
    assert ranks.tolist() == [2]


def test_hit_rate_and_ndcg_by_hand():
    ranks = np.array([0, 3, 9, 10, 50])
    assert hit_rate(ranks) == pytest.approx(3 / 5)
    expected = (1.0 + 1.0 / math.log2(5) + 1.0 / math.log2(11)) / 5
    assert ndcg(ranks) == pytest.approx(expected)


def test_coverage_popularity_bias_and_diversity_by_hand():
    lists = np.array([[0, 1, 2], [0, 3, 4]])
    assert coverage(lists, 10) == pytest.approx(0.5)
    counts = np.array([100, 1, 1, 1, 1, 1, 1, 1, 1, 1], dtype=float)
    # 1% of ten items rounds up to one head item (item 0): two of six recommendations.
    assert popularity_bias(lists, counts) == pytest.approx(2 / 6)
    categories = np.array([0, 0, 1, 1, 1, -1, -1, -1, -1, -1])
    # List 1: categories 0,0,1 → 2 of 3 pairs differ; list 2: 0,1,1 → 2 of 3.
    assert diversity(lists, categories) == pytest.approx(2 / 3)
    assert diversity(lists, None) is None


def write_chains(path, users=240, seed=0):
    rng = np.random.default_rng(seed)
    lines = []
    for user in range(users):
        category = rng.integers(4)
        start = rng.integers(0, 5)
        length = rng.integers(4, 7)
        items = category * 10 + start + np.arange(length) + 1
        lines.append(" ".join(str(x) for x in [user + 1, *items]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    attributes = {str(i + 1): [1, 10 + i // 10] for i in range(40)}
    path.with_name(f"{path.stem}_item2attributes.json").write_text(json.dumps(attributes))


def test_read_dataset_renumbers_items_and_reads_attributes(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text("1 5 7 5\n2 7 9\n", encoding="utf-8")
    (tmp_path / "tiny_item2attributes.json").write_text('{"5": [1, 3], "9": [1, 4]}')
    dataset = read_dataset(path)
    assert dataset.n_items == 3
    assert [s.tolist() for s in dataset.sequences] == [[0, 1, 0], [1, 2]]
    assert dataset.item_attributes == [[1, 3], [], [1, 4]]
    assert dataset.item_categories.tolist() == [3, -1, 4]


@pytest.mark.django_db
def test_command_prints_a_table_and_the_six_keys(tmp_path):
    path = tmp_path / "chains.txt"
    write_chains(path)
    out = StringIO()
    call_command(
        "eval_recommender",
        "--dataset",
        str(path),
        "--json",
        "--time-budget",
        "3",
        "--sasrec",
        "dim=8",
        "max_epochs=2",
        "threads=1",
        verbosity=0,
        stdout=out,
    )
    lines = out.getvalue().strip().splitlines()
    assert lines[0].split()[:3] == ["model", "hr@10", "ndcg@10"]
    result = json.loads(lines[-1])
    assert list(result) == list(MODEL_NAMES)
    for metrics in result.values():
        assert set(metrics) == {
            "hr@10",
            "ndcg@10",
            "coverage@10",
            "popularity_bias",
            "diversity",
            "train_seconds",
            "p95_ms",
        }
    # The chains are deterministic: the transitions recover the next item for nearly all.
    assert result["transitions"]["hr@10"] > 0.9
    assert result["served"]["hr@10"] > 0.9
    # Popularity recommends the same few items to everyone.
    assert result["popularity"]["coverage@10"] < result["item_knn"]["coverage@10"]


def test_command_names_the_bad_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("1 2 3\n2 4 five\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("eval_recommender", "--dataset", str(path), verbosity=0)


def test_command_reports_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("eval_recommender", "--dataset", str(tmp_path / "none.txt"), verbosity=0)
