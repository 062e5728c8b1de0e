from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from llm_services import LLMUnavailable
from llm_services.models import ModelVersion, TrainingRun
from llm_services.training import FinetuneError, queue_training_run, recorded_run

pytestmark = pytest.mark.django_db


class TooFewExamples(Exception):
    """A caller's own error whose message is for the merchant."""


def _version(name: str) -> ModelVersion:
    return ModelVersion.objects.create(
        alias="generate",
        name=name,
        kind="generator",
        task="copywriting",
        method="lora",
        base_model="fake",
        artifact_path=f"versions/{name}",
        training_data_hash="0" * 64,
    )


def test_a_run_is_queued_then_done_with_the_version_it_made() -> None:
    user = get_user_model().objects.create_user("merchant", password="x")
    run = queue_training_run(task="copywriting", user=user)
    version = _version("generate-copy-7")

    assert (run.status, run.requested_by, run.started_at) == ("queued", user, None)
    with recorded_run(run.pk, task="copywriting") as handle:
        assert TrainingRun.objects.get(pk=run.pk).status == "running"
        handle.version_name = version.name

    run.refresh_from_db()
    assert (run.status, run.version, run.error) == ("done", version, "")
    assert run.started_at <= run.finished_at


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (FinetuneError("Too few examples: 3 (at least 16 needed)."), "Too few examples: 3"),
        (LLMUnavailable("the model folder is missing"), "the model folder is missing"),
        (TooFewExamples("at least two intents are needed"), "at least two intents are needed"),
    ],
)
def test_a_run_that_cannot_train_says_why_and_ends_normally(error: Exception, message: str) -> None:
    """The reason is the merchant's to read; the task ends (a shop without a broker runs it
    inside the admin's request, which must still answer)."""
    run = queue_training_run(task="copywriting")

    with recorded_run(run.pk, task="copywriting", expected=(TooFewExamples,)) as handle:
        handle.version_name = "never-made"
        raise error

    run.refresh_from_db()
    assert (run.status, run.version) == ("failed", None)
    assert run.error.startswith(message)
    assert handle.summary() == {
        "run_id": run.pk,
        "status": "failed",
        "version": None,
        "error": run.error,
    }


def test_an_unexpected_failure_is_recorded_by_its_type_and_raised_again() -> None:
    run = queue_training_run(task="copywriting")

    with pytest.raises(KeyError):
        with recorded_run(run.pk, task="copywriting"):
            raise KeyError("weights")

    run.refresh_from_db()
    assert (run.status, run.error) == (
        "failed",
        "unexpected error (KeyError); the worker's log has the details",
    )


def test_a_run_without_an_id_is_recorded_as_a_new_one() -> None:
    with recorded_run(None, task="support_chat"):
        pass

    assert list(TrainingRun.objects.values_list("task", "status")) == [("support_chat", "done")]


def test_the_admin_lists_runs_read_only(admin_client: Any) -> None:
    run = queue_training_run(task="copywriting")
    with recorded_run(run.pk, task="copywriting"):
        raise FinetuneError("No approved copy to train on.")

    listing = admin_client.get(reverse("admin:llm_services_trainingrun_changelist"))
    page = admin_client.get(reverse("admin:llm_services_trainingrun_change", args=[run.pk]))

    assert "No approved copy to train on." in listing.content.decode()
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
