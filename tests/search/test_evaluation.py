from __future__ import annotations

import json
import math
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from search.evaluation import DatasetError, ndcg, read_dataset, recall, reciprocal_rank

PRODUCTS = [
    (1, "cordless drill 18v"),
    (2, "drill bit set titanium"),
    (3, "garden hose 50 ft"),
    (4, "hose nozzle brass"),
    (5, "led light bulb 60w"),
    (6, "ceiling light fixture"),
    (7, "wood screws box"),
    (8, "deck screws stainless"),
]


def write_dataset(folder: Path, queries: dict[str, str], qrels: list[tuple]) -> Path:
    folder.mkdir(parents=True)
    lines = ["product_uid,product_title", *(f"{uid},{title}" for uid, title in PRODUCTS)]
    (folder / "products.csv").write_text("\n".join(lines) + "\n")
    rows = ["query_id,search_term", *(f"{qid},{text}" for qid, text in queries.items())]
    (folder / "queries.csv").write_text("\n".join(rows) + "\n")
    (folder / "qrels.tsv").write_text(
        "".join(f"{qid}\t0\t{uid}\t{relevance}\n" for qid, uid, relevance in qrels)
    )
    return folder


@pytest.fixture
def model_dir(settings: Any, tmp_path: Path) -> Path:
    """Trained rankers are written under LLM_MODEL_DIR/versions: keep them in the tmp folder."""
    settings.LLM_MODEL_DIR = tmp_path / "models"
    return settings.LLM_MODEL_DIR


@pytest.fixture
def dataset_dir(tmp_path: Path) -> Path:
    return write_dataset(
        tmp_path / "test",
        {"1": "drill", "2": "hose", "3": "light", "4": "screws for decks"},
        [
            ("1", 1, 3.0),
            ("1", 2, 2.33),
            ("2", 3, 3.0),
            ("2", 4, 2.0),
            ("3", 5, 2.67),
            ("3", 6, 3.0),
            ("4", 8, 3.0),
            ("4", 7, 1.67),
        ],
    )


@pytest.fixture
def train_dir(tmp_path: Path) -> Path:
    return write_dataset(
        tmp_path / "train",
        {"11": "cordless drill", "12": "brass nozzle", "13": "bulb", "14": "wood screw"},
        [("11", 1, 3.0), ("12", 4, 3.0), ("13", 5, 3.0), ("14", 7, 3.0), ("14", 8, 2.0)],
    )


def test_ndcg_uses_gain_relevance_minus_one() -> None:
    judged = {1: 3.0, 2: 2.0, 3: 1.0}

    assert ndcg([1, 2], judged) == 1.0
    expected = (1.0 / math.log2(2) + 2.0 / math.log2(3)) / (2.0 + 1.0 / math.log2(3))
    assert ndcg([2, 1], judged) == pytest.approx(expected)
    assert ndcg([9], {9: 1.0}) is None


def test_mrr_counts_hits_at_two_and_a_half() -> None:
    assert reciprocal_rank([7, 1], {1: 2.5}) == 0.5
    assert reciprocal_rank([7, 8], {1: 2.67}) == 0.0
    assert reciprocal_rank([1], {1: 2.33}) is None


def test_recall_counts_relevance_two_and_up() -> None:
    assert recall([1, 9], {1: 2.0, 2: 3.0, 3: 1.67}) == 0.5
    assert recall([1], {3: 1.67}) is None


def test_reader_reports_missing_files_columns_and_bad_lines(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="is not a folder"):
        read_dataset(tmp_path / "nope")
    folder = tmp_path / "bad"
    folder.mkdir()
    with pytest.raises(DatasetError, match="products.csv is missing"):
        read_dataset(folder)
    (folder / "products.csv").write_text("uid,title\n1,x\n")
    with pytest.raises(DatasetError, match="missing column\\(s\\) product_uid, product_title"):
        read_dataset(folder)
    (folder / "products.csv").write_text("product_uid,product_title\nabc,x\n")
    with pytest.raises(DatasetError, match="line 2: product_uid 'abc' is not an integer"):
        read_dataset(folder)
    (folder / "products.csv").write_text("product_uid,product_title\n1,x\n")
    (folder / "queries.csv").write_text("query_id,search_term\n1,x\n")
    (folder / "qrels.tsv").write_text("1 0 1\n")
    with pytest.raises(DatasetError, match="qrels.tsv line 1: expected"):
        read_dataset(folder)


@pytest.mark.django_db
def test_eval_search_prints_the_table_and_a_final_json_line(dataset_dir: Path) -> None:
    out = StringIO()

    call_command("eval_search", "--dataset", str(dataset_dir), "--json", stdout=out)

    lines = out.getvalue().strip().splitlines()
    assert lines[1].startswith("index build: 8 products in ")
    assert lines[2].split() == ["mode", "nDCG@10", "MRR@10", "R@100", "p50", "ms", "p95", "ms"]
    figures = json.loads(lines[-1])
    assert list(figures) == ["lexical", "dense", "hybrid"]
    assert set(figures["hybrid"]) == {
        "ndcg@10",
        "mrr@10",
        "recall@100",
        "p50_ms",
        "p95_ms",
        "queries",
    }
    assert figures["lexical"]["queries"] == 4
    assert figures["lexical"]["recall@100"] == 1.0
    # "hose": BM25 puts the shorter "hose nozzle brass" (2.0, not a hit) above the garden hose.
    assert figures["lexical"]["mrr@10"] == (1 + 0.5 + 1 + 1) / 4


@pytest.mark.django_db
def test_eval_search_trains_the_ranker_on_another_folder(
    dataset_dir: Path, train_dir: Path, model_dir: Path
) -> None:
    from llm_services.models import ModelVersion

    out = StringIO()
    call_command(
        "eval_search",
        "--train",
        str(train_dir),
        "--dataset",
        str(dataset_dir),
        "--time-budget",
        "30",
        "--json",
        stdout=out,
    )

    version = ModelVersion.objects.get(alias="rerank")
    assert version.kind == "ranker"
    assert version.is_active is False
    assert version.training["train_queries"] >= 1
    assert version.training["train_folder"] == str(train_dir)
    assert "learned stage: " in out.getvalue()
    assert json.loads(out.getvalue().strip().splitlines()[-1])["hybrid"]["queries"] == 4


@pytest.mark.django_db
def test_eval_search_refuses_to_train_on_the_evaluated_folder(dataset_dir: Path) -> None:
    with pytest.raises(CommandError, match="same folder: refusing"):
        call_command("eval_search", "--train", str(dataset_dir), "--dataset", str(dataset_dir))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--modes", "lexical,magic"], "--modes takes a subset of lexical, dense, hybrid"),
        (["--chunk-size", "0"], "--chunk-size must be at least 1"),
        (["--limit-queries", "0"], "--limit-queries must be at least 1"),
    ],
)
def test_eval_search_rejects_bad_options(dataset_dir: Path, arguments: list, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("eval_search", "--dataset", str(dataset_dir), *arguments)


@pytest.mark.django_db
def test_split_keeps_every_product_and_divides_queries(dataset_dir: Path, tmp_path: Path) -> None:
    out = StringIO()
    call_command("split_search_dataset", str(dataset_dir), "--out", str(tmp_path / "s"), stdout=out)

    train, test = read_dataset(tmp_path / "s" / "train"), read_dataset(tmp_path / "s" / "test")
    assert len(train.products) == len(test.products) == 8
    assert sorted([*train.queries, *test.queries]) == ["1", "2", "3", "4"]
    assert not set(train.queries) & set(test.queries)
    assert train.products_fingerprint == test.products_fingerprint


@pytest.mark.django_db
def test_an_activated_ranker_reorders_the_shops_results(
    train_dir: Path, build_shop_index: Any, client: Any, model_dir: Path
) -> None:
    out = StringIO()
    call_command(
        "train_search_ranker",
        "--dataset",
        str(train_dir),
        "--time-budget",
        "30",
        "--activate",
        stdout=out,
    )
    build_shop_index()

    data = client.get("/api/search", {"q": "running shoe"}).json()

    assert out.getvalue().strip().splitlines()[-1].startswith("Activated rerank-")
    assert all(r["why"]["learned_score"] is not None for r in data["results"])


@pytest.mark.django_db
def test_eval_search_can_use_a_stored_ranker_but_not_on_its_own_training_folder(
    dataset_dir: Path, train_dir: Path, model_dir: Path
) -> None:
    from llm_services.models import ModelVersion

    call_command(
        "train_search_ranker", "--dataset", str(train_dir), "--time-budget", "30", stdout=StringIO()
    )
    name = ModelVersion.objects.get(alias="rerank").name
    with pytest.raises(CommandError, match="No ranker version 'active'"):
        call_command("eval_search", "--dataset", str(dataset_dir), "--ranker", "active")
    with pytest.raises(CommandError, match="was trained on this folder: refusing"):
        call_command("eval_search", "--dataset", str(train_dir), "--ranker", name)

    out = StringIO()
    call_command("eval_search", "--dataset", str(dataset_dir), "--ranker", name, stdout=out)

    assert f'"version": "{name}"' in out.getvalue()


def _eval_index(dataset_dir: Path, tmp_path: Path) -> tuple[Any, Any, Any]:
    from llm_services import llm
    from search.evaluation import ensure_index

    dataset = read_dataset(dataset_dir)
    embedder = llm["embed"]
    index, _build = ensure_index(
        dataset,
        root=tmp_path / "eval",
        embedder=embedder,
        rebuild=False,
        chunk_size=16,
        show_progress=False,
    )
    return dataset, embedder, index


@pytest.mark.django_db
def test_the_eval_hybrid_is_the_ranking_shoppers_are_served(
    dataset_dir: Path, tmp_path: Path
) -> None:
    """eval_search's "hybrid" is search.ranking.rank_products over the folder's products, the
    function the storefront calls, not a copy of its steps."""
    from search.evaluation import evaluation_products, run_queries
    from search.ranking import rank_products
    from search.retrieval import Retriever, prepare_query

    dataset, embedder, index = _eval_index(dataset_dir, tmp_path)
    query_ids = dataset.judged_queries()

    reports = run_queries(dataset, index, embedder=embedder, query_ids=query_ids)

    products = evaluation_products(dataset, index)
    served = {q: rank_products(dataset.queries[q], within=products) for q in query_ids}
    assert reports["hybrid"].rankings == {q: r.product_ids for q, r in served.items()}
    assert served["1"].mode == "hybrid"
    # "drill": the served ranking keeps the two keyword matches. The fusion alone, which the
    # eval used to re-assemble without the shop's keyword-match rule, also lists every product
    # the embedder found.
    assert reports["hybrid"].rankings["1"] == [1, 2]
    prepared = prepare_query("drill", products.vocabulary)
    vector = embedder.encode([prepared.text], kind="query")[0]
    fused = Retriever(index).search(
        "hybrid", text=prepared.text, tokens=prepared.tokens, vector=vector, k=100
    )
    assert [int(index.keys[row]) for row in fused][:2] == [1, 2]
    assert len(fused) == len(PRODUCTS)


class _Reversing:
    """A learned stage that reverses the fused order (any order the fusion did not give)."""

    version = "reversing"

    def rerank(self, index: Any, text: str, tokens: Any, candidates: list) -> list:
        return list(reversed(candidates))


@pytest.mark.django_db
def test_a_learned_stage_demotes_what_holds_too_few_of_the_words_instead_of_dropping_it(
    dataset_dir: Path, tmp_path: Path
) -> None:
    """ "drill": the two keyword matches first, in the learned order; every other fused
    candidate after them in that order (a long or misspelt query's relevant products often
    hold too few of its words). Without a learned stage only the keyword matches."""
    from search.evaluation import evaluation_products
    from search.ranking import rank_products

    dataset, _embedder, index = _eval_index(dataset_dir, tmp_path)
    learned = rank_products(
        "drill", within=evaluation_products(dataset, index, reranker=_Reversing())
    )
    plain = rank_products("drill", within=evaluation_products(dataset, index))

    assert plain.product_ids == [1, 2]
    assert plain.learned_ids == []
    keyword = [p for p in learned.learned_ids if p in (1, 2)]
    assert learned.product_ids == keyword + [p for p in learned.learned_ids if p not in (1, 2)]
    assert sorted(learned.product_ids) == [uid for uid, _title in PRODUCTS]


@pytest.mark.django_db
def test_the_eval_hybrid_shows_what_the_page_shows_when_no_product_holds_the_words(
    tmp_path: Path,
) -> None:
    """No product holds "zzyzx": the shop lists similar products, flagged, and the eval counts
    those (before: an empty ranking); with a learned stage they come in its order."""
    from search.evaluation import evaluation_products, run_queries
    from search.narrowing import NEAREST_LIMIT
    from search.ranking import rank_products

    folder = write_dataset(tmp_path / "odd", {"1": "zzyzx"}, [("1", 5, 3.0)])
    dataset, embedder, index = _eval_index(folder, tmp_path)

    plain = run_queries(dataset, index, embedder=embedder, query_ids=["1"], modes=["hybrid"])
    learned = run_queries(
        dataset,
        index,
        embedder=embedder,
        reranker=_Reversing(),
        query_ids=["1"],
        modes=["hybrid"],
    )

    served = rank_products("zzyzx", within=evaluation_products(dataset, index))
    reranked = rank_products(
        "zzyzx", within=evaluation_products(dataset, index, reranker=_Reversing())
    )
    assert served.product_ids == reranked.product_ids == []
    assert plain["hybrid"].rankings["1"] == served.nearest(NEAREST_LIMIT)
    assert learned["hybrid"].rankings["1"] == reranked.learned_ids
    assert len(reranked.learned_ids) == len(PRODUCTS)
