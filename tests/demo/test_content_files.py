"""The demo content files: every one reads, text comes in English and Chinese, and mistakes are
reported with the file and the key."""

from __future__ import annotations

import dataclasses
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from demo.content_node import ContentError
from demo.reader import CONTENT_DIR, demo_content, read_content
from demo.spec import Bilingual
from shop.catalog.models import Category, Product
from tests.demo.factories import content_copy, edit_content


def bilingual_texts(value, path=""):
    """Every (path, Bilingual) in the content, found by walking its dataclasses."""
    if isinstance(value, Bilingual):
        return [(path, value)]
    if dataclasses.is_dataclass(value):
        fields = ((f".{f.name}", getattr(value, f.name)) for f in dataclasses.fields(value))
    elif isinstance(value, tuple | list):
        fields = ((f"[{i}]", item) for i, item in enumerate(value))
    elif isinstance(value, dict):
        fields = ((f"[{key}]", item) for key, item in value.items())
    else:
        return []
    return [found for key, item in fields for found in bilingual_texts(item, path + key)]


def test_every_content_file_is_read():
    """The content folder holds the format notes, the 22 YAML files the reader reads (one
    per department plus attributes, brands, the department list, copy, customers, marketing
    and orders) and the judged search queries, which search/judgments.py reads."""
    content = read_content(CONTENT_DIR)

    files = sorted(str(p.relative_to(CONTENT_DIR)) for p in CONTENT_DIR.rglob("*") if p.is_file())
    expected = [
        "README.md",
        "attributes.yaml",
        "brands.yaml",
        "categories.yaml",
        *sorted(f"categories/{top.slug}.yaml" for top in content.tops),
        "copy.yaml",
        "customers.yaml",
        "marketing.yaml",
        "orders.yaml",
        "search_judgments.yaml",
    ]
    assert files == sorted(expected)
    assert len(content.tops) == 15
    assert sum(len(top.leaves) for top in content.tops) == 77
    assert sum(len(leaf.kinds) for top in content.tops for leaf in top.leaves) == 257
    assert len(content.attribute_list) == 73
    assert sum(len(spec.options) for spec in content.attribute_list) == 290
    assert len(content.brands) == 62


def test_every_text_has_english_and_chinese():
    """All 2,137 pairs have both languages; the 146 that read the same in both are the 144
    model names kept in English and the "70%" / "85%" chocolate qualifiers. Attribute names
    and options are bilingual too; only brands may lack a Chinese name (21 of 62 do)."""
    content = demo_content()

    pairs = bilingual_texts(content)
    assert len(pairs) == 2137
    assert [path for path, text in pairs if not (text.en.strip() and text.zh.strip())] == []
    same = [path for path, text in pairs if text.en == text.zh]
    assert len(same) == 146
    assert sum(".model_words[" in path for path in same) == 144
    others = [text.en for path, text in pairs if text.en == text.zh and "model_words" not in path]
    assert others == ["70%", "85%"]
    for spec in content.attribute_list:
        assert spec.name, spec.code
        assert spec.name_zh, spec.code
        assert all(option.label and option.label_zh for option in spec.options), spec.code
    assert sum(not brand.name_zh for brand in content.brands) == 21


def test_missing_translation_names_the_file_and_key(tmp_path):
    """A pair without its Chinese text is refused, naming the file and where in it."""

    def drop_chinese(data):
        del data["leaves"][0]["scenes"][1]["zh"]

    path = edit_content(tmp_path, "categories/apparel.yaml", drop_chinese)

    with pytest.raises(ContentError) as raised:
        read_content(tmp_path / "content")
    assert str(raised.value) == f"{path}: leaves[0].scenes[1]: missing 'zh' (the Chinese text)"


@pytest.mark.parametrize(
    ("name", "change", "where"),
    [
        (
            "attributes.yaml",
            lambda data: data["attributes"][0]["options"][2].update(en=""),
            "attributes[0].options[2].en: is empty",
        ),
        (
            "attributes.yaml",
            lambda data: data["attributes"][1]["name"].pop("en"),
            "attributes[1].name: missing 'en' (the English text)",
        ),
        (
            "copy.yaml",
            lambda data: data["openers"].pop("zh"),
            "openers: missing 'zh' (the Chinese text)",
        ),
        (
            "customers.yaml",
            lambda data: data["review_openings"]["low"][0].update(zh=None),
            "review_openings.low[0].zh: is empty",
        ),
        (
            "categories/shoes.yaml",
            lambda data: data["leaves"][0]["kinds"][0].update(nuon="typo"),
            "leaves[0].kinds[0]: unknown key 'nuon' (expected 'key', 'noun', 'price', 'plural', "
            "'article', 'naming', 'weight', 'title_spec', 'attrs', 'qualifiers', 'scenes', "
            "'traits', 'features')",
        ),
        (
            "categories/shoes.yaml",
            lambda data: data["features"].append(
                {
                    "when": {"colour": ["black"]},
                    "highlight": {"en": "Black", "zh": "黑色"},
                    "sentence": {"en": "It is black.", "zh": "黑色款。"},
                }
            ),
            "features[3].when.colour: no attribute 'colour' in attributes.yaml",
        ),
        (
            "brands.yaml",
            lambda data: data["brands"][0]["categories"].append("shoos"),
            "brands[0].categories[3]: no category 'shoos'",
        ),
        (
            "orders.yaml",
            lambda data: data["addresses"]["zh"][1].update(country="China"),
            "addresses.zh[1].country: expected a two-letter country code such as US, not 'China'",
        ),
        (
            "orders.yaml",
            lambda data: data["line1"].update(zh="{street}"),
            "line1.zh: needs exactly the placeholders {street} and {number}",
        ),
    ],
)
def test_mistakes_name_the_file_and_key(tmp_path, name, change, where):
    """Empty or missing text, misspelt keys and unknown attribute codes or categories are
    refused with the file and the key."""
    path = edit_content(tmp_path, name, change)

    with pytest.raises(ContentError) as raised:
        read_content(tmp_path / "content")
    assert str(raised.value) == f"{path}: {where}"


def test_a_brand_may_have_no_chinese_name(tmp_path):
    """Leaving out a brand's ``zh`` is allowed: the storefront shows the English name."""
    path = edit_content(tmp_path, "brands.yaml", lambda data: data["brands"][0]["name"].pop("zh"))

    content = read_content(path.parent)
    assert path.parent == tmp_path / "content"
    assert (content.brands[0].name, content.brands[0].name_zh) == ("Northwend", "")


def test_unreadable_files_are_named(tmp_path):
    """A missing file and a file that is not YAML are reported with their paths."""
    root = content_copy(tmp_path)
    (root / "copy.yaml").unlink()
    with pytest.raises(ContentError) as raised:
        read_content(root)
    assert str(raised.value) == f"{root / 'copy.yaml'}: cannot be read (No such file or directory)"

    broken = root / "categories" / "toys.yaml"
    broken.write_text("slug: toys\nname: {en: Toys, zh: 玩具\n", encoding="utf-8")
    with pytest.raises(ContentError, match=rf"^{re.escape(str(broken))}: not valid YAML: "):
        read_content(root)


@pytest.mark.django_db
def test_the_command_refuses_broken_content_before_writing(tmp_path, content_dir):
    """``load_demo_shop`` reports the broken file and key as a CommandError and writes
    nothing."""
    path = edit_content(
        tmp_path, "categories/toys.yaml", lambda data: data["leaves"][2]["traits"][0].pop("zh")
    )
    content_dir(tmp_path / "content")

    with pytest.raises(CommandError) as raised:
        call_command(
            "load_demo_shop",
            products=20,
            customers=2,
            password="x",
            not_production=True,
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert str(raised.value) == f"{path}: leaves[2].traits[0]: missing 'zh' (the Chinese text)"
    assert not Category.objects.exists()
    assert not Product.objects.exists()
    assert not get_user_model().objects.exists()
