"""eval_translation: reading parallel CSVs, clear refusals, and the report's final JSON line
(the copy baseline exactly; few-shot and fine-tuned with the tiny random model)."""

from __future__ import annotations

import csv
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from translation.evaluation import corpus_scores, read_pairs, term_survival

pytestmark = pytest.mark.django_db

ROWS = [
    ("無線滑鼠 M100", "Wireless Mouse M100"),
    ("軟體 2024版", "Software 2024 Edition"),
    ("", "Empty source"),
    ("藍牙耳機 X-12", "Bluetooth Earphones X-12"),
    ("單肩包 黑色", "Shoulder Bag Black"),
]


def write_csv(path, rows, header=("zh_tw", "en")):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if header is not None:
            writer.writerow(header)
        writer.writerows(rows)
    return path


def test_header_gives_direction_and_traditional_is_converted(tmp_path):
    """zh_tw,en: Chinese sources converted to Simplified (Taiwan phrasing too); rows without a
    source or reference are skipped and counted."""
    pairs = read_pairs(write_csv(tmp_path / "a.csv", ROWS))

    assert (pairs.source, pairs.target) == ("zh-hans", "en")
    assert (pairs.source_code, pairs.target_code, pairs.skipped) == ("zh_tw", "en", 1)
    assert [p.source for p in pairs.pairs] == [
        "无线鼠标 M100",
        "软件 2024版",
        "蓝牙耳机 X-12",
        "单肩包 黑色",
    ]
    assert pairs.pairs[0].target == "Wireless Mouse M100"
    assert {p.kind for p in pairs.pairs} == {"title"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("", "empty; expected a header such as 'zh_tw,en'"),
        ("source,target\na,b\n", "the header 'source,target' must name the languages"),
        ("en,en\na,b\n", "both columns are en"),
        ("zh_tw\n你好\n", "the header has 1 column"),
        ("zh_tw,en\n你好,hello\n再见\n", "line 3: 1 column; expected a source and a reference"),
        ("zh_tw,en\n,hello\n", "no rows with both a source and a reference"),
    ],
)
def test_unreadable_files_give_a_clear_command_error(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    good = write_csv(tmp_path / "good.csv", ROWS)

    with pytest.raises(CommandError, match=message):
        call_command("eval_translation", "--train", str(good), "--test", str(path), "--json")


def test_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "big5.csv"
    path.write_bytes("zh_tw,en\n滑鼠,mouse\n".encode("big5"))

    with pytest.raises(CommandError, match="not UTF-8 text"):
        call_command("eval_translation", "--train", str(path), "--test", str(path))


def test_train_and_test_must_translate_the_same_way(tmp_path):
    train = write_csv(tmp_path / "train.csv", ROWS)
    test = write_csv(tmp_path / "test.csv", [("mouse", "鼠标")], header=("en", "zh-hans"))

    with pytest.raises(CommandError, match="--train translates zh_tw→en but --test en→zh-hans"):
        call_command("eval_translation", "--train", str(train), "--test", str(test))


def test_copy_baseline_json_line(tmp_path, capsys):
    """References equal to their sources: the copy baseline scores 100 on both metrics."""
    rows = [
        ("Hello Kitty pink sandals 12", "Hello Kitty pink sandals 12"),
        ("Round Top diamond SC-MK-010", "Round Top diamond SC-MK-010"),
    ]
    path = write_csv(tmp_path / "same.csv", rows, header=("zh_tw", "en"))

    call_command(
        "eval_translation",
        "--train",
        str(path),
        "--test",
        str(path),
        "--systems",
        "copy",
        "--outputs",
        str(tmp_path / "outputs.jsonl"),
        "--json",
        verbosity=0,
    )

    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert sorted(report) == ["copy", "signatures"]
    assert report["copy"] == {
        "bleu": 100.0,
        "chrf": 100.0,
        # Latin words of a Chinese source are names: 4 + 3, the number 12, SC-MK-010 and 010.
        "terms": 10,
        "terms_kept": 10,
        "term_survival": 1.0,
        "outputs_with_terms": 2,
        "outputs_all_kept": 1.0,
    }
    assert report["signatures"]["bleu"].startswith("nrefs:1|case:mixed|eff:no|tok:13a|")
    assert report["signatures"]["chrf"].startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:0|")
    records = (tmp_path / "outputs.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(records[1]) == {
        "source": "Round Top diamond SC-MK-010",
        "reference": "Round Top diamond SC-MK-010",
        "copy": "Round Top diamond SC-MK-010",
    }


def test_chinese_references_are_scored_with_the_zh_tokenizer():
    scores = corpus_scores(["无线 鼠标"], ["无线鼠标"], target="zh-hans")

    assert "tok:zh" in scores["bleu_signature"]
    assert scores["bleu"] == 100.0


def test_term_survival_counts_terms_and_outputs():
    survival = term_survival(
        ["钻石 SC-MK-010", "背包 no739", "背包"],
        ["Diamond SC - MK - 010", "Backpack", "Backpack"],
        source="zh-hans",
    )

    # SC-MK-010 and its number 010 kept; no739 lost; the third source has no terms.
    assert survival == {
        "terms": 3,
        "terms_kept": 2,
        "term_survival": 0.6667,
        "outputs_with_terms": 2,
        "outputs_all_kept": 0.5,
    }


@pytest.fixture
def roomy_tiny_generator(use_generator, tiny_causal_lm_dir, tmp_path):
    """The tiny random model with a 1024-token context: its byte-level tokenizer spends about
    three tokens per Chinese character, and a few-shot prompt runs past 512."""
    path = shutil.copytree(tiny_causal_lm_dir, tmp_path / "tiny-causal-lm-1024")
    config = json.loads((path / "config.json").read_text())
    config["max_position_embeddings"] = 1024
    (path / "config.json").write_text(json.dumps(config))
    return use_generator(path)


def test_all_three_systems_in_one_final_json_line(roomy_tiny_generator, settings, tmp_path, capsys):
    """Copy, few-shot and fine-tuned scored on the same test pairs; the fine-tuned folder is
    removed afterwards and nothing is stored as a model version."""
    from llm_services.models import ModelVersion

    settings.LLM_MODEL_DIR = tmp_path / "models"
    train = write_csv(tmp_path / "train.csv", ROWS * 2)
    test = write_csv(tmp_path / "test.csv", ROWS[:2])

    call_command(
        "eval_translation",
        "--train",
        str(train),
        "--test",
        str(test),
        "--time-budget",
        "60",
        "--max-steps",
        "2",
        "--batch-size",
        "2",
        "--examples",
        "1",
        "--max-length",
        "512",
        "--json",
        verbosity=0,
    )

    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert sorted(report) == ["copy", "fewshot", "finetuned", "items_per_min", "signatures"]
    for name in ("copy", "fewshot", "finetuned"):
        assert 0.0 <= report[name]["bleu"] <= 100.0
        assert 0.0 <= report[name]["chrf"] <= 100.0
        assert report[name]["outputs_with_terms"] == 2
    assert report["fewshot"]["examples"] == 1
    assert report["finetuned"]["train_steps"] == 2
    # ROWS twice: 4 distinct usable pairs (repeats dropped as duplicates), one for validation.
    assert report["finetuned"]["train_pairs"] == 3
    assert report["items_per_min"] == report["finetuned"]["items_per_min"] > 0
    assert list((tmp_path / "models" / "versions").iterdir()) == []
    assert ModelVersion.objects.count() == 0
