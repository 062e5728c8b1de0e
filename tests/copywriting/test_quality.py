"""The figures of a batch: summarise(), a stored job's summary, and copy_quality_report."""

import json

import pytest
from django.core.management import CommandError, call_command

from copywriting.models import CopyDraft
from copywriting.quality import job_summary, summarise


def error(check):
    return {"check": check, "severity": "error"}


def test_summarise_counts_drafts_not_findings():
    summary = summarise(
        [
            ("one two three four", [error("repetition"), error("repetition")]),
            ("一二三四五六", [error("copying"), error("name")]),
            ("one two", [{"check": "facts_removed", "severity": "warning"}]),
            ("one two three four five six", []),
        ],
        language="en",
        seconds=30.0,
    )

    assert summary.as_dict() == {
        "language": "en",
        "items": 4,
        "flagged_share": 0.5,
        "by_check": {"copying": 0.25, "name": 0.25, "repetition": 0.25},
        "repetition_share": 0.25,
        "copy_share": 0.25,
        "mean_length": 4.5,
        "per_min": 8.0,
    }


def test_an_empty_batch_has_no_figures():
    assert summarise([], language="zh-hans").as_dict()["items"] == 0


@pytest.mark.django_db
def test_a_stored_jobs_summary_uses_its_drafts_and_run_time(finished_batch):
    job = finished_batch([("a b c", [error("copying")]), ("a b c d e", [])], seconds=120)

    figures = job_summary(job).as_dict()

    assert (figures["items"], figures["copy_share"], figures["flagged_share"]) == (2, 0.5, 0.5)
    assert (figures["mean_length"], figures["per_min"]) == (4.0, 1.0)


@pytest.mark.django_db
def test_report_drafts_without_storing_and_ends_with_json(
    make_product, fake_generator, tmp_path, capsys
):
    fake_generator("A navy cotton crew tee. A navy cotton crew tee.")
    first = make_product(title="Harbor Crew Tee")
    make_product(
        title="Other Tee",
        description="Everyone loves a navy cotton crew tee that is built to last for years.",
    )
    output = tmp_path / "drafts.jsonl"

    call_command("copy_quality_report", "--limit", "1", "--output", str(output))

    lines = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(lines[-1])
    assert figures["items"] == 1
    assert figures["repetition_share"] == 1.0
    assert figures["flagged_share"] == 1.0
    assert "repeats a sentence, clause or run" in "\n".join(lines)
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert [(r["product"], r["language"]) for r in rows] == [(first.pk, "en")]
    assert rows[0]["text"].startswith("A navy cotton crew tee.")
    assert CopyDraft.objects.count() == 0


@pytest.mark.django_db
def test_report_drafts_marketing_copy_of_a_channel_with_its_limits(
    make_product, fake_generator, tmp_path, capsys
):
    # Longer than a banner slogan may be (50 characters in English).
    fake_generator("Navy cotton tees for every single day of the long summer ahead")
    make_product(title="Harbor Crew Tee")
    output = tmp_path / "drafts.jsonl"

    call_command(
        "copy_quality_report",
        "--limit=1",
        "--channel=banner",
        "--tone=playful",
        f"--output={output}",
    )

    lines = capsys.readouterr().out.strip().splitlines()
    figures = json.loads(lines[-1])
    assert (figures["channel"], figures["items"], figures["by_check"]) == (
        "banner",
        1,
        {"length": 1.0},
    )
    assert lines[0].startswith("1 banner drafts in en (few-shot base, playful)")
    rows = [json.loads(line) for line in output.read_text().splitlines()]
    assert [(r["channel"], r["text"]) for r in rows] == [
        ("banner", "Navy cotton tees for every single day of the long summer ahead")
    ]


@pytest.mark.django_db
def test_report_refuses_bad_arguments(make_product, fake_generator, settings):
    fake_generator("A tee.")
    make_product()

    with pytest.raises(CommandError, match="at least 1"):
        call_command("copy_quality_report", "--limit", "0")
    with pytest.raises(CommandError, match="No category with slug"):
        call_command("copy_quality_report", "--category", "nope")
    with pytest.raises(CommandError, match="No folder"):
        call_command("copy_quality_report", "--output", "/nonexistent/dir/x.jsonl")
    settings.LLM_MODELS = {}
    with pytest.raises(CommandError, match="disabled"):
        call_command("copy_quality_report", "--json")
