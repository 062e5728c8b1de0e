"""eval_copywriting on files it has never seen, in both formats, with the tiny model."""

import csv
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from copywriting.evaluation import read_items, vocabulary_for

JSONL_ROWS = [
    {
        "ProductID": i,
        "ProductName": f"Acme Men {colour} Cotton Shirt {i}",
        "ProductBrand": "Acme",
        "Gender": "Men",
        "Price": 999,
        "PrimaryColor": colour,
        "Description": f"{colour} solid casual shirt, has a spread collar and long sleeves.",
    }
    for i, colour in enumerate(["Blue", "Red", "Black", "White", "Green", "Navy", "Grey", "Pink"])
]
CSV_ROWS = [
    (f"类型#上衣*材质#牛仔布*颜色#{colour}*风格#简约", f"简约的{colour}牛仔外套，百搭又舒适。")
    for colour in ["白色", "黑色", "蓝色", "红色", "粉色", "灰色"]
]


@pytest.fixture
def files(tmp_path):
    jsonl = tmp_path / "shirts.jsonl"
    jsonl.write_text("\n".join(json.dumps(row) for row in JSONL_ROWS) + "\n", encoding="utf-8")
    table = tmp_path / "ads.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["content", "summary"])
        writer.writerows(CSV_ROWS)
    return jsonl, table


def test_jsonl_rows_become_facts_and_targets(files):
    """Name, brand, gender and colour become the facts; ids, price and counts do not."""
    items = read_items(files[0])

    first = items[0]
    assert len(items) == 8
    assert first.facts.title == "Acme Men Blue Cotton Shirt 0"
    assert first.facts.brand == "Acme"
    assert first.facts.attributes == [
        ("gender", "Gender", "Men"),
        ("color", "PrimaryColor", "Blue"),
    ]
    assert first.facts.raw_attributes == {"gender": "men", "color": "Blue"}
    assert first.language == "en"
    assert first.target == "Blue solid casual shirt, has a spread collar and long sleeves."


def test_csv_content_pairs_become_facts(files):
    """AdvertiseGen's key#value pairs are the attributes; 类型 is the category; Chinese."""
    items = read_items(files[1])

    first = items[0]
    assert first.facts.attributes == [
        ("类型", "类型", "上衣"),
        ("material", "材质", "牛仔布"),
        ("color", "颜色", "白色"),
        ("风格", "风格", "简约"),
    ]
    assert (first.category, first.language) == ("上衣", "zh-hans")
    terms = {(t.kind, t.text) for t in vocabulary_for(items).terms}
    assert ("color", "黑色") in terms
    assert ("material", "牛仔布") in terms


def test_file_without_descriptions_is_refused(tmp_path):
    """A CSV without a description column is a clear error."""
    path = tmp_path / "bad.csv"
    path.write_text("name,price\nshirt,10\n", encoding="utf-8")

    with pytest.raises(CommandError, match="no description column"):
        call_command("eval_copywriting", "--train", str(path))


@pytest.fixture
def roomy_tiny_generator(use_generator, tiny_causal_lm_dir, tmp_path):
    """The tiny model with a 1024-token context instead of 512.

    Its byte-level tokenizer spends about three tokens per Chinese character, and a Chinese
    few-shot prompt (one example, the product, each in its data block) runs past 512. The
    model's rotary positions need no retraining for a longer limit.
    """
    path = shutil.copytree(tiny_causal_lm_dir, tmp_path / "tiny-causal-lm-1024")
    config = json.loads((path / "config.json").read_text())
    config["max_position_embeddings"] = 1024
    (path / "config.json").write_text(json.dumps(config))
    return use_generator(path)


@pytest.mark.parametrize("which", [0, 1])
def test_eval_prints_both_systems_as_one_final_json_line(
    files, which, roomy_tiny_generator, settings, tmp_path, capsys
):
    """Few-shot and fine-tuned are scored side by side; the last line is the JSON report."""
    settings.LLM_MODEL_DIR = tmp_path / "models"
    call_command(
        "eval_copywriting",
        "--train",
        str(files[which]),
        "--test-size",
        "2",
        "--train-steps",
        "2",
        "--batch-size",
        "2",
        "--fewshot-examples",
        "1",
        "--length",
        "short",
        "--json",
        verbosity=0,
    )

    lines = capsys.readouterr().out.strip().splitlines()
    report = json.loads(lines[-1])
    assert sorted(report) == ["fewshot", "finetuned"]
    for name in ("fewshot", "finetuned"):
        scores = report[name]
        assert {
            "bleu4",
            "rougeL",
            "chrf",
            "violation_rate",
            "items_per_min",
            "raw_rougeL",
            "raw_violation_rate",
            "reference_violation_rate",
            "trimmed",
            "copied_an_example",
            "refused",
        } <= set(scores)
        assert scores["refused"] == 0
        assert scores["items"] == 2
        assert 0.0 <= scores["violation_rate"] <= 1.0
        assert scores["items_per_min"] > 0
    assert report["finetuned"]["train_steps"] == 2
    assert report["finetuned"]["stopped_by"] == "max_steps"
    # Both systems are scored against the same references.
    assert (
        report["fewshot"]["reference_violation_rate"]
        == report["finetuned"]["reference_violation_rate"]
    )
    # The trained folder is removed unless --keep-model.
    assert list((tmp_path / "models" / "versions").iterdir()) == []
