"""``support_chat.warmup.warm_phrasing``: the answer prompts' fixed part computed at start."""

import pytest

from support_chat import phrasing
from support_chat.phrasing import prompt_for
from support_chat.warmup import warm_phrasing

pytestmark = pytest.mark.django_db


def common_prefix(first, second):
    return next(
        (i for i, (a, b) in enumerate(zip(first, second, strict=False)) if a != b),
        min(len(first), len(second)),
    )


def test_nothing_to_prepare_when_the_generator_is_off(settings):
    settings.LLM_MODELS = {**settings.LLM_MODELS, "generate": None}

    assert warm_phrasing() == {
        "ok": True,
        "prepared": 0,
        "detail": "the generator is switched off",
    }


# One example per language: the shipped ones would overrun the tiny model's 512 positions.
SHORT_EXAMPLES = {
    "en": {
        "instruction": "Answer the question from the facts only.",
        "examples": [
            {"facts": "Returns are free.", "question": "Are returns free?", "answer": "Yes."}
        ],
    },
    "zh-hans": {
        "instruction": "只根据资料回答问题。",
        "examples": [{"facts": "退货免费。", "question": "退货免费吗？", "answer": "免费。"}],
    },
}


@pytest.mark.parametrize("chinese", [False, True], ids=["en", "zh"])
def test_answers_reuse_the_prompt_prepared_at_start(
    use_generator, tiny_gemma3_dir, monkeypatch, chinese
):
    monkeypatch.setattr(phrasing, "_examples", lambda: SHORT_EXAMPLES)
    backend = use_generator(tiny_gemma3_dir, prompt_style="plain")

    assert warm_phrasing() == {"ok": True, "prepared": 2, "detail": ""}
    prefixes = backend.decoder.prefixes
    assert (len(prefixes), prefixes.hits) == (2, 0)

    question = "你们接受支付宝吗？" if chinese else "Do you take PayPal?"
    fact = "我们接受支付宝和银行卡。" if chinese else "We accept PayPal and cards."
    asked = prompt_for(question, [fact], chinese=chinese)
    backend.generate(asked, max_new_tokens=2)

    prepared = backend._prepare(prompt_for("", [], chinese=chinese), None, 1).ids
    shared = common_prefix(prepared, backend._prepare(asked, None, 2).ids)
    # At least the instruction and the examples (the last token may merge across the cut).
    fixed = backend._prepare(asked.rsplit("\n\n", 1)[0], None, 1).ids
    assert shared >= len(fixed) - 1
    assert (prefixes.hits, prefixes.reused_tokens) == (1, shared)
