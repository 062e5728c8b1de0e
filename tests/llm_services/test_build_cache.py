"""Only the current build of a source and variant stays under LLM_MODEL_DIR."""

import pytest

from llm_services.build_cache import prune_older_builds

OLD, NEW = "0123456789abcdef", "fedcba9876543210"


def test_a_new_build_removes_the_older_builds_of_its_source_and_variant(tmp_path):
    builds = (f"gemma-3-270m-int4-{OLD}", f"gemma-3-270m-int4-{NEW}", f"gemma-3-270m-fp32-{OLD}")
    for name in builds:
        (tmp_path / name).mkdir()
        (tmp_path / name / "model.onnx").write_bytes(b"x")
    (tmp_path / f".gemma-3-270m-int4-{OLD}.lock").write_text("")
    (tmp_path / f"e5-int8-{OLD}.onnx").write_bytes(b"x")
    (tmp_path / f"e5-int8-{NEW}.onnx").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("kept")

    removed = prune_older_builds(tmp_path / f"gemma-3-270m-int4-{NEW}")
    removed += prune_older_builds(tmp_path / f"e5-int8-{NEW}.onnx")

    assert sorted(p.name for p in removed) == [f"e5-int8-{OLD}.onnx", f"gemma-3-270m-int4-{OLD}"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"e5-int8-{NEW}.onnx",
        f"gemma-3-270m-fp32-{OLD}",
        f"gemma-3-270m-int4-{NEW}",
        "notes.txt",
    ]


def test_a_name_that_is_not_a_build_is_refused(tmp_path):
    with pytest.raises(ValueError, match="not named <source>-<variant>-<digest>"):
        prune_older_builds(tmp_path / "model.onnx")
