"""The translation engine with a scripted generator: prompts, protected terms, OpenCC, the
cache and the degraded path."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

import pytest

from llm_services import Generation
from llm_services.backends.fake import FakeGenerator
from llm_services.exceptions import LLMUnavailable
from llm_services.training import CollectOptions, get_task
from tests.factories import BrandFactory, ProductFactory, ProductTranslationFactory
from translation import engine
from translation.engine import Translation, translate_texts
from translation.glossary import extract_terms, missing_terms
from translation.models import TranslatedText
from translation.prompts import PROMPT_VERSION, split_segments

pytestmark = pytest.mark.django_db

SCRIPTED = "tests.translation.test_engine.ScriptedGenerator"
FAILING = "tests.translation.test_engine.FailingGenerator"
_LAST_SOURCE = re.compile(r"(?:Chinese|English): (.*)\n(?:Keep: .*\n)?(?:English|Chinese):$")


class ScriptedGenerator(FakeGenerator):
    """Answers each prompt from OPTIONS["replies"] (source text of the prompt's last line →
    reply; default "?"), prefixed with a space as a model writes it, and records the
    numbers each prompt was allowed."""

    def generate_batch(
        self,
        prompts: Sequence[Any],
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.2,
        stop: Sequence[str] | None = None,
        avoid: Sequence[Sequence[str]] | None = None,
        numbers: Sequence[Collection[str] | None] | None = None,
    ) -> list[Any]:
        self.calls.append({"batch": list(prompts), "numbers": numbers, "stop": stop})
        generations = []
        for prompt in prompts:
            source = _LAST_SOURCE.search(prompt).group(1)
            reply = self.options.get("replies", {}).get(source, "?")
            generations.append(
                Generation(
                    text=f" {reply}\nChinese: x",
                    model_id=self.model_id,
                    revision=self.revision,
                    prompt_tokens=len(prompt.split()),
                    completion_tokens=len(reply.split()),
                    latency_ms=0.0,
                    finish_reason="stop",
                )
            )
        return generations


class FailingGenerator(FakeGenerator):
    def generate_batch(self, prompts: Sequence[Any], **kwargs: Any) -> list[Any]:
        raise LLMUnavailable("the model process died")


@pytest.fixture
def scripted(settings):
    """Point "generate" at the scripted generator answering ``replies``."""
    from llm_services import llm

    def use(replies: dict[str, str], backend: str = SCRIPTED, revision: str = "scripted-1"):
        settings.LLM_MODELS = {
            **settings.LLM_MODELS,
            "generate": {
                "BACKEND": backend,
                "MODEL": "fake",
                "REVISION": revision,
                "OPTIONS": {"replies": replies},
            },
        }
        return llm["generate"]

    return use


def test_translates_a_title_with_few_shot_prompt_and_allowed_numbers(scripted):
    """A Chinese title gets a few-shot prompt of title examples; its numbers are the only ones
    the generator may write; the reply is cut at its line and checked clean."""
    generator = scripted({"SOFT 99 镀膜车蜡": "SOFT 99 Coating Car Wax"})

    [result] = translate_texts(["SOFT 99 镀膜车蜡"], source="zh-hans", target="en", kind="title")

    assert result == Translation(
        source_text="SOFT 99 镀膜车蜡",
        text="SOFT 99 Coating Car Wax",
        checks=[],
        is_flagged=False,
        cached=False,
    )
    [call] = generator.calls
    [prompt] = call["batch"]
    assert prompt.startswith("Translate product titles from Chinese to English.")
    assert prompt.endswith("Chinese: SOFT 99 镀膜车蜡\nEnglish:")
    assert "Chinese: 女士亚麻衬衫 长袖 白色 M码\nEnglish: Women's Linen Shirt" in prompt
    assert "Keep:" not in prompt
    assert prompt.count("\nEnglish: ") == 4  # TRANSLATION_FEWSHOT_EXAMPLES
    assert call["numbers"] == [["99"]]
    assert call["stop"] == ["\n"]


def test_a_lost_model_code_is_put_back_at_the_end_with_a_warning(scripted):
    """A code the model dropped is restored as written where the source has it (its last
    three quarters: the end) and the merchant is told to check where it stands."""
    scripted({"钻石 (SC-MK-010)": "Diamond SC-MK"})

    [result] = translate_texts(["钻石 (SC-MK-010)"], source="zh-hans", target="en", kind="title")

    assert result.text == "Diamond SC-MK SC-MK-010"
    assert result.is_flagged is False
    assert result.checks == [
        {
            "name": "restored_terms",
            "severity": "warning",
            "detail": "Put back as written (check where they stand): SC-MK-010",
        }
    ]


def test_a_lost_leading_brand_is_put_back_in_front(scripted):
    scripted({"LANCOME兰蔻 保湿水凝霜": "Moisturising Gel Cream"})

    [result] = translate_texts(
        ["LANCOME兰蔻 保湿水凝霜"], source="zh-hans", target="en", kind="title"
    )

    assert result.text == "LANCOME Moisturising Gel Cream"
    assert [c["name"] for c in result.checks] == ["restored_terms"]


def test_a_lost_item_number_and_latin_unit_are_put_back_at_the_end(scripted):
    scripted({"幼猫用循环净水饮水器 900ml 订制款-12020246": "Water fountain"})

    [result] = translate_texts(
        ["幼猫用循环净水饮水器 900ml 订制款-12020246"], source="zh-hans", target="en", kind="title"
    )

    assert result.text == "Water fountain 900ml 12020246"
    assert result.is_flagged is False
    assert [c["name"] for c in result.checks] == ["restored_terms"]


def test_a_lost_number_is_not_restored_and_flags_the_translation(scripted):
    """A bare number cannot be put back meaningfully: the translation waits for a person."""
    scripted({"钻石耳环 12 对": "Diamond earrings"})

    [result] = translate_texts(["钻石耳环 12 对"], source="zh-hans", target="en", kind="title")

    assert result.text == "Diamond earrings"
    assert result.is_flagged is True
    assert result.checks == [
        {
            "name": "protected_terms",
            "severity": "error",
            "detail": "Missing from the translation: 12",
        }
    ]


def test_markup_traditional_characters_and_a_doubled_title_are_tidied(scripted):
    scripted(
        {
            "Smart Kettle": "智能水壺 智能水壺",
            "Ball Pen": "<strong>圆珠笔</strong>",
        }
    )

    kettle, pen = translate_texts(
        ["Smart Kettle", "Ball Pen"], source="en", target="zh-hans", kind="title"
    )

    assert (kettle.text, pen.text) == ("智能水壶", "圆珠笔")
    assert [c["name"] for c in kettle.checks] == ["repetition"]
    assert pen.checks == []


def test_spacing_of_a_code_does_not_count_as_a_loss(scripted):
    """ "SC - MK - 010" keeps "SC-MK-010": case, spaces and dashes aside."""
    scripted({"钻石 (SC-MK-010)": "Diamond sc - mk - 010"})

    [result] = translate_texts(["钻石 (SC-MK-010)"], source="zh-hans", target="en", kind="title")

    assert (result.is_flagged, result.checks) == (False, [])


def test_catalog_brand_counts_in_either_language(scripted):
    """A catalog brand named in English may come out as its Chinese name."""
    BrandFactory(name="Anker", name_zh="安克")
    scripted({"Anker charger": "安克充电器"})

    [result] = translate_texts(["Anker charger"], source="en", target="zh-hans", kind="title")

    assert (result.text, result.checks) == ("安克充电器", [])


def test_merchant_glossary_term_must_survive(scripted, settings):
    """A TRANSLATION_PROTECTED_TERMS entry found in the source ends in the output: the model
    dropped it here, so it is put back in front, as the source has it, with a warning."""
    settings.TRANSLATION_PROTECTED_TERMS = ["Sunny Days"]
    scripted({"Sunny Days sun hat": "晴天遮阳帽"})

    [result] = translate_texts(["Sunny Days sun hat"], source="en", target="zh-hans")

    assert result.text == "Sunny Days 晴天遮阳帽"
    assert result.is_flagged is False
    assert result.checks == [
        {
            "name": "restored_terms",
            "severity": "warning",
            "detail": "Put back as written (check where they stand): Sunny Days",
        }
    ]


def test_a_number_the_source_does_not_state_is_an_error(scripted):
    scripted({"轻便背包": "Light backpack 2 pcs"})

    [result] = translate_texts(["轻便背包"], source="zh-hans", target="en")

    assert result.checks == [
        {"name": "numbers", "severity": "error", "detail": "Numbers not in the source: 2"}
    ]
    assert result.is_flagged is True


def test_output_left_in_chinese_is_flagged(scripted):
    scripted({"轻便背包": "轻便背包"})

    [result] = translate_texts(["轻便背包"], source="zh-hans", target="en")

    assert [c["name"] for c in result.checks] == ["language"]
    assert result.is_flagged is True


def test_traditional_source_is_converted_with_opencc_before_the_prompt(scripted):
    """zh-tw is converted to Simplified (Taiwan phrasing too) and the prompt sees that."""
    generator = scripted({"无线鼠标 软件": "Wireless mouse software"})

    [result] = translate_texts(["無線滑鼠 軟體"], source="zh-tw", target="en", kind="title")

    assert result.source_text == "無線滑鼠 軟體"
    assert result.text == "Wireless mouse software"
    assert generator.calls[0]["batch"][0].endswith("Chinese: 无线鼠标 软件\nEnglish:")
    assert TranslatedText.objects.get().source_text == "无线鼠标 软件"


def test_traditional_into_simplified_is_the_conversion_alone(scripted):
    generator = scripted({})

    [result] = translate_texts(["單肩斜背包"], source="zh-hant", target="zh-hans")

    assert result == Translation("單肩斜背包", "单肩斜背包", [], False, False)
    assert generator.calls == []


def test_second_request_is_served_from_the_cache(scripted):
    """The translation is stored under the hash of text, languages, prompt version and
    revision; the same request again is answered from it without the generator."""
    generator = scripted({"轻便背包": "Light backpack"})
    first = translate_texts(["轻便背包"], source="zh-hans", target="en")

    second = translate_texts(["轻便背包"], source="zh-hans", target="en", kind="title")

    assert [r.cached for r in first + second] == [False, True]
    assert second[0].text == "Light backpack"
    assert len(generator.calls) == 1
    row = TranslatedText.objects.get()
    assert row.source_hash == engine.source_hash(
        "轻便背包", source="zh-hans", target="en", revision="scripted-1"
    )
    assert (row.prompt_version, row.model_alias, row.model_revision) == (
        PROMPT_VERSION,
        "generate",
        "scripted-1",
    )
    assert (row.source_language, row.target_language, row.is_flagged) == ("zh-hans", "en", False)


def test_new_model_revision_translates_again(scripted):
    scripted({"轻便背包": "Light backpack"})
    translate_texts(["轻便背包"], source="zh-hans", target="en")
    generator = scripted({"轻便背包": "Lightweight backpack"}, revision="scripted-2")

    [result] = translate_texts(["轻便背包"], source="zh-hans", target="en")

    assert (result.text, result.cached) == ("Lightweight backpack", False)
    assert TranslatedText.objects.count() == 2
    assert len(generator.calls) == 1


def test_switched_off_generator_degrades_and_says_so(settings):
    """No generator: empty text, flagged, the reason given; nothing cached."""
    settings.LLM_MODELS = {**settings.LLM_MODELS, "generate": None}

    [result] = translate_texts(["轻便背包"], source="zh-hans", target="en")

    assert result.text == ""
    assert result.degraded.startswith("Machine translation is switched off")
    assert result.is_flagged is True
    assert result.checks[0]["name"] == "unavailable"
    assert TranslatedText.objects.count() == 0


def test_failing_generator_degrades_instead_of_returning_the_source(scripted):
    scripted({}, backend=FAILING)

    [result] = translate_texts(["轻便背包"], source="zh-hans", target="en", interactive=True)

    assert result.text == ""
    assert result.degraded == "The translation model failed: the model process died"
    assert TranslatedText.objects.count() == 0


def test_interactive_request_past_its_deadline_degrades(scripted, settings):
    """A shopper's request with no time left gets degraded results, not a late answer."""
    settings.TRANSLATION_INTERACTIVE_SECONDS = -1
    generator = scripted({"轻便背包": "Light backpack"})

    [result] = translate_texts(["轻便背包"], source="zh-hans", target="en", interactive=True)

    assert result.degraded == "Machine translation ran out of time for this request."
    assert result.text == ""
    assert generator.calls == []


def test_description_is_translated_sentence_groups_per_line(scripted):
    """Lines stay lines; each is one segment here; empty texts need no model call."""
    scripted({"第一行。": "Line one.", "第二行。": "Line two."})

    results = translate_texts(
        ["第一行。\n第二行。", ""], source="zh-hans", target="en", kind="description"
    )

    assert [r.text for r in results] == ["Line one.\nLine two.", ""]
    assert split_segments("One. Two.\n\nThree.", kind="description") == [
        ["One. Two."],
        [],
        ["Three."],
    ]


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="not a single string"):
        translate_texts("轻便背包", source="zh-hans", target="en")
    with pytest.raises(ValueError, match="Unknown kind 'poem'"):
        translate_texts(["x"], source="en", target="zh-hans", kind="poem")
    with pytest.raises(ValueError, match="Cannot translate into 'fr'"):
        translate_texts(["x"], source="en", target="fr")


def test_protected_terms_extracted_from_a_chinese_title():
    terms = extract_terms("Hello Kitty 凉鞋 M码 no739 20000mAh 【49146】")

    assert [(t.text, t.kind) for t in terms] == [
        ("20000mAh", "unit"),
        ("M", "size"),
        ("Hello", "name"),
        ("Kitty", "name"),
        ("no739", "code"),
        ("20000", "number"),
        ("49146", "number"),
    ]
    assert [t.text for t in missing_terms(terms, "Hello Kitty sandals M no739 20000 mAh")] == [
        "49146"
    ]


def test_translation_task_is_registered_and_collects_both_directions():
    """The catalog's product and its Chinese translation give pairs both ways, zero-shot."""
    product = ProductFactory(title="Linen shirt", description="Soft linen.", highlights=[])
    ProductTranslationFactory(product=product, title="亚麻衬衫", description="柔软亚麻。")
    task = get_task("translation", kind="generator")

    examples = list(task.collect(CollectOptions(chunk_size=10)))

    assert [(e.source["text"], e.target, e.language) for e in examples] == [
        ("Linen shirt", "亚麻衬衫", "zh-hans"),
        ("Soft linen.", "柔软亚麻。", "zh-hans"),
        ("亚麻衬衫", "Linen shirt", "en"),
        ("柔软亚麻。", "Soft linen.", "en"),
    ]
    assert {e.group for e in examples} == {f"product:{product.pk}"}
    assert task.build_prompt(examples[0]) == (
        "Translate product titles from English to Chinese. Keep brand names, model numbers, "
        "sizes, units and numbers unchanged.\n\nEnglish: Linen shirt\nChinese:"
    )
    assert task.prompt_version == PROMPT_VERSION


def test_active_translation_version_gets_the_zero_shot_prompt(scripted, settings):
    """While a version fine-tuned on the translation task serves, no examples are shown, and
    the cached row names the version and its revision."""
    from llm_services.models import ModelVersion

    scripted({"轻便背包 2件": "Light backpack 2 pcs"})
    settings.LLM_MODEL_VERSIONS = True
    version = ModelVersion.objects.create(
        alias="generate",
        name="generate-test",
        kind="generator",
        task="translation",
        method="lora",
        base_model="fake",
        artifact_path="versions/generate-test",
        training_data_hash="0" * 64,
        is_active=True,
    )

    [result] = translate_texts(["轻便背包 2件"], source="zh-hans", target="en", kind="title")

    # The handler serves the active version through a backend of its own; the zero-shot
    # prompt lists the protected terms it learnt to keep.
    served = engine.get_generator().backend
    assert result.text == "Light backpack 2 pcs"
    assert served.calls[0]["batch"] == [
        "Translate product titles from Chinese to English. Keep brand names, model numbers, "
        "sizes, units and numbers unchanged.\n\nChinese: 轻便背包 2件\nKeep: 2\nEnglish:"
    ]
    row = TranslatedText.objects.get()
    assert row.model_version == version
    assert row.source_hash == engine.source_hash(
        "轻便背包 2件", source="zh-hans", target="en", revision=served.revision
    )


def test_translation_task_collects_approved_drafts_and_configured_files(settings, tmp_path):
    """An approved draft's fields pair with the product's source text; a configured file's
    rows are pairs of its kind (Traditional converted); a draft still awaiting review is not
    collected."""
    from translation.models import TranslationDraft

    product = ProductFactory(title="Rain boots", description="", highlights=[])
    common = {"source_language": "en", "target_language": "zh-hans", "prompt_version": "v"}
    TranslationDraft.objects.create(
        product=product,
        fields={"title": "雨靴"},
        status=TranslationDraft.Status.APPROVED,
        source_hash="a",
        **common,
    )
    TranslationDraft.objects.create(
        product=ProductFactory(title="Sun hat", description="", highlights=[]),
        fields={"title": "遮阳帽"},
        source_hash="b",
        **common,
    )
    path = tmp_path / "pairs.csv"
    path.write_text("zh_tw,en\n無線滑鼠,Wireless mouse\n", encoding="utf-8")
    settings.TRANSLATION_TRAINING_FILES = [{"path": str(path), "kind": "title"}]
    task = get_task("translation", kind="generator")

    examples = list(task.collect(CollectOptions()))

    assert [(e.source["text"], e.target, e.language, e.source["kind"]) for e in examples] == [
        ("Rain boots", "雨靴", "zh-hans", "title"),
        ("雨靴", "Rain boots", "en", "title"),
        ("无线鼠标", "Wireless mouse", "en", "title"),
    ]
