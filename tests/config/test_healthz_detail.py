"""/healthz is public: failure details (exception text, URLs) only for staff or by setting."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from llm_services.handler import llm

pytestmark = pytest.mark.django_db

SECRET = "cannot reach http://10.0.0.5:8000/v1"


@pytest.fixture
def failed_embedder(settings: Any, monkeypatch: Any) -> None:
    settings.LLM_MODELS = {
        "embed": {
            "BACKEND": "llm_services.backends.openai_compat.OpenAICompatEmbedder",
            "MODEL": "m",
            "REVISION": "r",
            "OPTIONS": {"BASE_URL": "http://10.0.0.5:8000/v1"},
        }
    }
    monkeypatch.setitem(llm.failures, "embed", SECRET)


def test_anonymous_healthz_keeps_status_but_not_the_failure_text(
    client: Any, failed_embedder: None
) -> None:
    response = client.get("/healthz")

    body = response.json()
    assert (response.status_code, body["status"]) == (200, "degraded")
    assert [(m["alias"], m["state"], m["detail"]) for m in body["models"]] == [
        ("embed", "error", "")
    ]
    assert "10.0.0.5" not in response.content.decode()


def test_staff_see_the_failure_text(client: Any, failed_embedder: None) -> None:
    staff = get_user_model().objects.create_user("ops", password="x", is_staff=True)
    client.force_login(staff)

    body = client.get("/healthz").json()

    assert body["models"][0]["detail"] == SECRET


def test_the_setting_shows_the_failure_text_to_everyone(
    client: Any, failed_embedder: None, settings: Any
) -> None:
    settings.HEALTHZ_SHOW_DETAIL = True

    body = client.get("/healthz").json()

    assert body["models"][0]["detail"] == SECRET
