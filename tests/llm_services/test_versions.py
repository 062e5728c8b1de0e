import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, OperationalError, transaction
from django.urls import reverse

import llm_services
from llm_services import ModelHandler, llm
from llm_services.backends.base import Backend
from llm_services.conf import active_versions
from llm_services.models import ModelActivation, ModelVersion
from llm_services.training.versions import (
    VersionError,
    activate_version,
    create_version,
    describe_metrics,
    rollback,
)
from tests.factories import UserFactory

BASE_MODEL = "/opt/models/base-lm"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


class RecordingBackend(Backend):
    """A local backend that loads nothing: it only records the folder it was given."""

    is_local = True


class RemoteBackend(Backend):
    is_local = False


RECORDING = "tests.llm_services.test_versions.RecordingBackend"


@pytest.fixture
def versions_on(settings, tmp_path):
    settings.LLM_MODEL_DIR = tmp_path
    settings.LLM_MODEL_VERSIONS = True
    settings.LLM_VERSION_CHECK_SECONDS = 0
    settings.LLM_MODELS = {
        "generate": {"BACKEND": RECORDING, "MODEL": BASE_MODEL, "REVISION": "base-1"},
        "remote": {"BACKEND": "tests.llm_services.test_versions.RemoteBackend", "MODEL": "m"},
    }
    return settings


def make_version(name, *, alias="generate", base_model=BASE_MODEL, folder=True):
    if folder:
        path = llm_services.conf.model_dir() / "versions" / name
        path.mkdir(parents=True)
        (path / "manifest.json").write_text("{}")
        (path / "loss_curve.png").write_bytes(PNG)
    return create_version(
        alias=alias,
        name=name,
        kind="generator",
        task="copywriting",
        method="lora",
        base_model=base_model,
        base_revision="base-1",
        artifact_path=f"versions/{name}",
        training_data_hash="f" * 64,
        metrics={
            "before": {"perplexity": 9.5, "rouge_l": 10.0, "chrf": 20.0},
            "after": {"perplexity": 4.25, "rouge_l": 25.5, "chrf": 31.0},
        },
        training={"steps": 3},
        loss_curve_path=f"versions/{name}/loss_curve.png",
    )


def active_names(alias="generate"):
    return list(
        ModelVersion.objects.filter(alias=alias, is_active=True).values_list("name", flat=True)
    )


def test_the_handler_and_the_django_models_module_have_their_own_names():
    """`llm` is the handler and `llm_services.models` stays Django's models module."""
    assert isinstance(llm_services.llm, ModelHandler)
    assert llm_services.models.ModelVersion is ModelVersion


@pytest.mark.django_db
def test_activation_switches_the_served_folder_and_records_who(versions_on):
    """The alias serves the active version's folder and revision; the activation is logged."""
    user = UserFactory()
    first, second = make_version("generate-a"), make_version("generate-b")
    assert llm["generate"].model == BASE_MODEL

    activate_version(first.pk, user=user)
    activate_version(second.pk)

    assert active_names() == ["generate-b"]
    served = llm["generate"]
    assert served.model == str(versions_on.LLM_MODEL_DIR / "versions" / "generate-b")
    assert served.revision == "base-1+generate-b"
    assert list(ModelActivation.objects.values_list("version__name", "activated_by")) == [
        ("generate-b", None),
        ("generate-a", user.pk),
    ]


@pytest.mark.django_db
def test_activating_the_active_version_changes_nothing(versions_on):
    version = make_version("generate-a")
    activate_version(version.pk)

    activate_version(version.pk)

    assert ModelActivation.objects.count() == 1


@pytest.mark.django_db
def test_a_version_without_its_folder_cannot_be_activated(versions_on):
    """A deleted or half-written folder is refused with a message; nothing changes."""
    version = make_version("generate-gone", folder=False)

    with pytest.raises(VersionError, match="generate-gone: .* is missing or incomplete"):
        activate_version(version.pk)

    assert active_names() == []
    assert ModelActivation.objects.count() == 0


@pytest.mark.django_db
def test_at_most_one_version_per_alias_is_active(versions_on):
    """The database refuses a second active version of an alias, not of another alias."""
    make_version("generate-a")
    make_version("embed-a", alias="embed")
    ModelVersion.objects.update(is_active=True)
    make_version("generate-b")

    with pytest.raises(IntegrityError), transaction.atomic():
        ModelVersion.objects.filter(name="generate-b").update(is_active=True)


@pytest.mark.django_db
def test_rollback_walks_back_through_the_activations(versions_on):
    """A, B, A again: rollback gives B, then A, then the base model, then an error."""
    first, second = make_version("generate-a"), make_version("generate-b")
    for version in (first, second, first):
        activate_version(version.pk)

    assert rollback("generate") == second
    assert rollback("generate") == first
    assert rollback("generate") is None

    assert active_names() == []
    assert llm["generate"].model == BASE_MODEL
    with pytest.raises(VersionError, match="'generate' has no active version"):
        rollback("generate")
    assert ModelActivation.objects.filter(rolled_back_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_rollback_passes_over_a_version_whose_folder_is_gone(versions_on):
    first, second, third = (make_version(f"generate-{x}") for x in "abc")
    for version in (first, second, third):
        activate_version(version.pk)
    (versions_on.LLM_MODEL_DIR / "versions" / "generate-b" / "manifest.json").unlink()

    assert rollback("generate") == first


@pytest.mark.django_db
def test_other_processes_see_an_activation_after_the_check_interval(versions_on, monkeypatch):
    """Active versions are read at most once per LLM_VERSION_CHECK_SECONDS per process."""
    versions_on.LLM_VERSION_CHECK_SECONDS = 5
    clock = [1000.0]
    monkeypatch.setattr(llm_services.conf.time, "monotonic", lambda: clock[0])
    version = make_version("generate-a")
    assert active_versions() == {}

    # Another process activates: the rows change, this process's copy does not, yet.
    ModelVersion.objects.filter(pk=version.pk).update(is_active=True)
    clock[0] += 4.9
    assert active_versions() == {}
    assert llm["generate"].model == BASE_MODEL

    clock[0] += 0.2
    assert active_versions()["generate"].name == "generate-a"
    assert llm["generate"].revision == "base-1+generate-a"


@pytest.mark.django_db
def test_an_activation_in_this_process_is_seen_on_commit(
    versions_on, django_capture_on_commit_callbacks
):
    versions_on.LLM_VERSION_CHECK_SECONDS = 3600
    version = make_version("generate-a")
    assert llm["generate"].model == BASE_MODEL

    with django_capture_on_commit_callbacks(execute=True):
        activate_version(version.pk)

    assert llm["generate"].revision == "base-1+generate-a"


@pytest.mark.django_db
def test_a_version_of_another_base_model_is_not_served(versions_on, caplog):
    """After LLM_MODELS moves an alias to a new model, an old fine-tune is ignored (logged once)."""
    version = make_version("generate-old", base_model="/opt/models/previous-lm")
    activate_version(version.pk)

    with caplog.at_level(logging.WARNING, logger="llm_services"):
        assert llm["generate"].model == BASE_MODEL
        llm.forget(["generate"])
        assert llm["generate"].model == BASE_MODEL

    assert [r.getMessage() for r in caplog.records] == [
        "llm_services: active version generate-old of alias 'generate' was trained from "
        f"/opt/models/previous-lm, but LLM_MODELS now configures {BASE_MODEL}; "
        "serving the configured model."
    ]


@pytest.mark.django_db
def test_remote_backends_ignore_versions(versions_on):
    """A version of an alias served over HTTP would be a path the server cannot read."""
    version = make_version("remote-a", alias="remote", base_model="m")
    activate_version(version.pk)

    assert llm["remote"].model == "m"


@pytest.mark.django_db
def test_a_missing_table_serves_the_configured_model_and_logs_once(
    versions_on, caplog, monkeypatch
):
    """Before `migrate` the lookup fails; the configured model is served and it is said once."""

    def broken(*args, **kwargs):
        raise OperationalError("no such table: llm_services_modelversion")

    monkeypatch.setattr(ModelVersion.objects, "filter", broken)
    with caplog.at_level(logging.WARNING, logger="llm_services"):
        assert llm["generate"].model == BASE_MODEL
        assert active_versions() == {}

    assert [r.getMessage() for r in caplog.records] == [
        "llm_services: cannot read active model versions (no such table: "
        "llm_services_modelversion); serving the configured models. Run `manage.py migrate` "
        "if the llm_services tables are missing."
    ]


def test_no_lookup_when_versions_are_off(settings, django_assert_num_queries):
    """LLM_MODEL_VERSIONS = False (the default under test settings) never touches the database."""
    settings.LLM_MODELS = {"generate": {"BACKEND": RECORDING, "MODEL": BASE_MODEL}}
    settings.LLM_MODEL_VERSIONS = False

    assert llm["generate"].model == BASE_MODEL
    assert active_versions() == {}


def test_describe_metrics():
    version = ModelVersion(
        kind="embedder", metrics={"before": {"recall@10": 0.5}, "after": {"recall@10": 0.75}}
    )

    assert describe_metrics(version) == "recall@10 0.5 → 0.75"


# -- command ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_llm_versions_command(versions_on, capsys):
    """list, activate by id or name, rollback; bad input is a CommandError."""
    first, second = make_version("generate-a"), make_version("generate-b")

    call_command("llm_versions", "activate", str(first.pk))
    call_command("llm_versions", "activate", "generate-b")
    call_command("llm_versions", "list", alias="generate")
    call_command("llm_versions", "rollback", "generate")
    call_command("llm_versions", "rollback", "generate")

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "'generate' now serves generate-a."
    assert lines[1] == "'generate' now serves generate-b."
    assert lines[2].startswith(f"* {second.pk:>4} generate   generate-b")
    assert lines[2].endswith("perplexity 9.5 → 4.25, rouge_l 10.0 → 25.5, chrf 20.0 → 31.0")
    assert lines[3].startswith(f"  {first.pk:>4} generate   generate-a")
    assert lines[4:] == [
        "'generate' now serves generate-a.",
        "'generate' now serves its base model (LLM_MODELS).",
    ]
    with pytest.raises(CommandError, match="No model version 'nope'"):
        call_command("llm_versions", "activate", "nope")
    with pytest.raises(CommandError, match="has no active version"):
        call_command("llm_versions", "rollback", "generate")
    with pytest.raises(CommandError, match="needs an alias"):
        call_command("llm_versions", "rollback")


# -- admin ------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="admin", is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_admin_lists_versions_with_key_metrics(versions_on, staff_client):
    make_version("generate-a")

    response = staff_client.get(reverse("admin:llm_services_modelversion_changelist"))

    assert response.status_code == 200
    assert "perplexity 9.5 → 4.25, rouge_l 10.0 → 25.5" in response.content.decode()


@pytest.mark.django_db
def test_admin_detail_shows_metrics_table_and_loss_curve(versions_on, staff_client):
    version = make_version("generate-a")
    image_url = reverse("admin:llm_services_modelversion_loss_curve", args=[version.pk])

    page = staff_client.get(
        reverse("admin:llm_services_modelversion_change", args=[version.pk])
    ).content.decode()
    image = staff_client.get(image_url)

    assert "<tr><th>perplexity</th><td>9.5</td><td>4.25</td><td>-5.25</td></tr>" in page
    assert f'<img src="{image_url}"' in page
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert b"".join(image.streaming_content) == PNG


@pytest.mark.django_db
def test_loss_curve_is_for_staff_and_only_inside_the_model_dir(versions_on, client, tmp_path):
    version = make_version("generate-a")
    url = reverse("admin:llm_services_modelversion_loss_curve", args=[version.pk])

    assert client.get(url).status_code == 302  # to the admin login

    client.force_login(UserFactory(username="staff", is_staff=True, is_superuser=True))
    outside = tmp_path.parent / "elsewhere.png"
    outside.write_bytes(PNG)
    ModelVersion.objects.filter(pk=version.pk).update(loss_curve_path=str(outside))
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_admin_actions_activate_and_roll_back(versions_on, staff_client):
    first, second = make_version("generate-a"), make_version("generate-b")
    url = reverse("admin:llm_services_modelversion_changelist")

    staff_client.post(url, {"action": "activate_selected", "_selected_action": [first.pk]})
    staff_client.post(url, {"action": "activate_selected", "_selected_action": [second.pk]})
    assert active_names() == ["generate-b"]

    response = staff_client.post(
        url, {"action": "rollback_aliases", "_selected_action": [second.pk]}, follow=True
    )
    assert active_names() == ["generate-a"]
    assert "The &quot;generate&quot; alias now serves generate-a." in response.content.decode()

    response = staff_client.post(
        url, {"action": "activate_selected", "_selected_action": [first.pk, second.pk]}, follow=True
    )
    assert "Select exactly one version to activate." in response.content.decode()
    assert ModelActivation.objects.first().activated_by.username == "admin"
