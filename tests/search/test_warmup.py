from search.warmup import warm_search


def test_warm_search_runs_both_languages_on_the_built_index(build_shop_index, embedder):
    build_shop_index()

    report = warm_search()

    # The test embedder is English-only MiniLM: Chinese is answered by BM25 and says so.
    assert report["searches"]["en"] == {"mode": "hybrid", "degraded": ""}
    assert report["searches"]["zh-hans"] == {
        "mode": "lexical",
        "degraded": (
            "semantic search does not read this language (zh); showing keyword matches only"
        ),
    }
    assert report["ok"] is False


def test_warm_search_without_an_index_reports_the_keyword_fallback(small_shop):
    report = warm_search()

    assert report["ok"] is False
    assert report["searches"]["en"]["degraded"].startswith("the search index is not built yet")
