"""Findings are stored as templates and rendered in the reader's language."""

import pytest
from django.utils import translation

from copywriting import checks
from copywriting.findings import EXAMPLE_SOURCE, describe, shown
from copywriting.reading import check_copying
from copywriting.vocabulary import Term, Vocabulary
from tests.copywriting.factories import tee_facts


def red_tee_findings() -> list[dict]:
    """The facts check on "A red tee." for a navy tee."""
    return checks.check_facts(
        "A red tee.",
        part="description",
        facts=tee_facts(),
        vocabulary=Vocabulary.with_builtins([Term("color", "Red", "color", "red")]),
    )


def test_a_finding_keeps_english_text_and_its_template():
    found = red_tee_findings()

    assert (
        found[0]["message"] == "States colour “red”, which is not among the product's attributes."
    )
    assert found[0]["i18n"] == {
        "template": "States {kind} “{text}”, which is not among the product's attributes.",
        "params": {"kind": {"template": "colour", "params": {}}, "text": "red"},
    }


def test_describe_renders_the_template_and_its_words_in_chinese():
    found = red_tee_findings()

    with translation.override("zh-hans"):
        assert describe(found[0]) == "写了颜色“red”，但商品属性中没有。"
    with translation.override("en"):
        assert describe(found[0]) == found[0]["message"]


def test_a_source_is_rendered_inside_the_message():
    text = "soft cotton jersey that keeps its shape wash after wash and never fades"
    found = check_copying(text, part="description", others=[(EXAMPLE_SOURCE, text)], own="")

    assert found[0]["text"] == "one of the prompt's examples"
    with translation.override("zh-hans"):
        assert describe(found[0]) == "连续 13 个词照抄自提示中的一个示例。"


def test_findings_stored_before_templates_show_their_message():
    old = {"check": "facts", "severity": "error", "part": "description", "message": "Old text."}

    with translation.override("zh-hans"):
        assert shown([old]) == [
            {**old, "message": "Old text.", "check_name": "事实", "part_name": "描述"}
        ]


@pytest.mark.parametrize(
    ("check", "part", "names"),
    [
        ("unsupported_removed", "highlights", ("已删除：无依据", "卖点")),
        ("custom", "", ("custom", "")),
    ],
)
def test_check_and_part_names_are_translated(check, part, names):
    finding = {"check": check, "part": part, "message": "x"}

    with translation.override("zh-hans"):
        (row,) = shown([finding])

    assert (row["check_name"], row["part_name"]) == names
