"""Prompts for copy generation, and what is done to product data before it enters one.

The product-page description uses ``copywriting.training.build_prompt`` unchanged, so a model
fine-tuned with ``manage.py finetune generator --task copywriting`` is asked exactly what it
learnt. Few-shot examples (the shop's approved copy) are the same prompt followed by the copy,
one block per example, before the product's own prompt.

Product data is data, never instructions: every value is reduced to one plain line (HTML,
newlines, role markers and chat-template tokens removed, length capped) so it cannot open a
new section of the prompt; runs of angle brackets go too, so it cannot close the delimited
data block the prompt declares as data (``copywriting.training.build_prompt``).

A sentence that reads as an instruction to the model ("ignore previous instructions…",
"请不要理会之前的要求") is cut out and reported, so the draft is flagged for the reviewer
and needs a second person to approve it (``services.review``). Sentences are matched after
NFKC normalisation, with invisible format characters removed, so full-width letters
("ｉｇｎｏｒｅ") and zero-width joiners do not slip past. The patterns are one signal among
several: the delimited block and the review are the others, since no list of phrasings
is complete.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from common.text import CHINESE, ENGLISH, HAN_CLASS
from copywriting import conf
from copywriting.training import DATA_OPEN, PROMPT_VERSION, build_prompt, strip_delimiters
from llm_services.training import Example

MARKETING_PROMPT_VERSION = "copywriting-marketing-v2"

# Channel -> the parts one candidate is made of, in order.
CHANNEL_PARTS: dict[str, tuple[str, ...]] = {
    "product_page": ("description", "highlights"),
    "seo": ("seo_title", "meta_description"),
    "email": ("email_subject", "email_preview"),
    "social": ("social_post",),
    "banner": ("banner_slogan",),
}
# Parts that end at the end of their first line.
ONE_LINE_PARTS = {
    "seo_title",
    "meta_description",
    "email_subject",
    "email_preview",
    "banner_slogan",
}

_PART_LABELS = {
    ENGLISH: {
        "highlights": "Highlights (short bullet points)",
        "seo_title": "SEO title",
        "meta_description": "Meta description",
        "email_subject": "Email subject line",
        "email_preview": "Email preview text",
        "social_post": "Social media post",
        "banner_slogan": "Banner slogan",
        "intro": "Write marketing copy for this product.",
        "tone": "Tone",
        "audience": "Audience",
    },
    CHINESE: {
        "highlights": "卖点（简短要点）",
        "seo_title": "SEO标题",
        "meta_description": "SEO描述",
        "email_subject": "邮件标题",
        "email_preview": "邮件预览",
        "social_post": "社交媒体文案",
        "banner_slogan": "横幅标语",
        "intro": "请为以下商品撰写营销文案。",
        "tone": "语气",
        "audience": "目标人群",
    },
}
_TONE_WORDS = {
    ENGLISH: {
        "professional": "professional",
        "friendly": "friendly",
        "luxury": "luxury",
        "playful": "playful",
    },
    CHINESE: {"professional": "专业", "friendly": "亲切", "luxury": "高端", "playful": "活泼"},
}

# Sentences that try to steer the model rather than describe the product, matched against
# normalised text (see normalise_for_matching).
_PREVIOUS_WORDS = "previous|prior|above|earlier|preceding|original|system"
_PREVIOUS = rf"(?:{_PREVIOUS_WORDS})"
_EARLIER = rf"(?:{_PREVIOUS_WORDS}|all|any|your|the|these|those)"
_ORDERS = r"(?:instructions?|prompts?|rules?|guidelines?|directions?|directives?|orders?)"
_ZH_EARLIER = r"(?:之前|以上|上面|前面|先前|此前|原来|原先|所有|全部)"
_ZH_ORDERS = r"(?:指令|指示|提示词?|规则|要求|说明|设定)"
INJECTION_PATTERNS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\b(ignore|disregard|forget|override|overrule|bypass)\b[^.\n。]{0,40}"
        r"\b(instructions?|prompts?|rules?|guidelines?|directions?|above|previous|prior|"
        r"everything)\b",
        rf"\b(pay no attention to|do not follow|don't follow|stop following|never mind|"
        rf"set aside|throw out)\b[^.\n。]{{0,30}}\b({_EARLIER}\s+)?{_ORDERS}",
        rf"\b{_PREVIOUS}\s+{_ORDERS}\s+(no longer apply|are void|are cancelled|do not apply)",
        r"\b(system prompt|you are now|act as|pretend to be|new instructions?|jailbreak|"
        r"developer mode)\b",
        # "From now on, your mornings…" is copy; "from now on you are/will…" is a new role.
        r"\bfrom now on,?\s+you\s+(are|will|must|should)\b",
        r"\b(instead|now)\b[^.\n。]{0,20}\b(write|say|output|respond|print)\b",
        rf"(忽略|无视|忽视|不要理会|不理会|别理会|不用理会|不必理会|不要管|别管|忘记|忘掉|"
        rf"不要遵守|不用遵守|不再遵守|跳过)[^。\n]{{0,20}}{_ZH_ORDERS}",
        rf"{_ZH_EARLIER}的?{_ZH_ORDERS}(全部)?(作废|无效|不再适用|不算数)",
        r"(你现在是|从现在起你|从现在开始你|扮演|新的指令|新指令|系统提示)",
        r"<\|[^|>]*\|>|<start_of_turn>|<end_of_turn>|\[/?INST\]",
        r"(^|\s)(system|assistant|user)\s*:",
    )
]


def normalise_for_matching(text: str) -> str:
    """``text`` as the injection patterns read it: NFKC, invisible characters removed.

    Full-width letters become ASCII; zero-width spaces and joiners, soft hyphens and other
    format characters split a phrase for a regular expression but not for a model.
    """
    text = unicodedata.normalize("NFKC", text)
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def find_injections(text: str) -> list[str]:
    """The instructions to a model that ``text`` holds, as normalised, in pattern order."""
    normal = normalise_for_matching(text)
    return [
        match.group(0).strip()
        for pattern in INJECTION_PATTERNS
        for match in pattern.finditer(normal)
    ]


HTML_TAG = re.compile(r"<[^>]{0,200}>")
WHITESPACE = re.compile(r"\s+")
# A Latin full stop ends a sentence only before a space: "Compass 2.0" is one word.
SENTENCE_END = re.compile(r"(?<=[。！？])\s*|(?<=[.!?])\s+")


@dataclass(frozen=True)
class Finding:
    """Something found in the product data: where (``field``) and the offending text."""

    field: str
    text: str


@dataclass
class CleanedValue:
    text: str
    injections: list[str] = field(default_factory=list)
    truncated: bool = False


def clean_value(value: Any, *, limit: int | None = None) -> CleanedValue:
    """One line of plain text from a product field, instructions cut out, length capped."""
    text = html.unescape(HTML_TAG.sub(" ", str(value or "")))
    text = WHITESPACE.sub(" ", strip_delimiters(text)).strip()
    injections = find_injections(text)
    if injections:
        # Drop every sentence that carries an instruction; the rest is still product data.
        sentences = [s for s in SENTENCE_END.split(normalise_for_matching(text)) if s]
        original = [s for s in SENTENCE_END.split(text) if s]
        if len(original) != len(sentences):
            original = sentences  # normalising merged or split a sentence: keep its form
        kept = [
            raw
            for raw, normal in zip(original, sentences, strict=True)
            if not any(p.search(normal) for p in INJECTION_PATTERNS)
        ]
        text = " ".join(kept).strip()
    limit = limit or conf.get("MAX_FIELD_CHARS")
    truncated = len(text) > limit
    if truncated:
        text = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return CleanedValue(text=text, injections=injections, truncated=truncated)


@dataclass
class ProductFacts:
    """What a prompt and the checks know about one product in one language.

    ``source`` has the keys of ``copywriting.training.build_prompt``; ``findings`` lists
    instructions cut out of the data, ``truncated`` the fields that were cut to length.
    """

    product_id: int | None
    language: str
    category_id: int | None
    title: str
    brand: str
    category: str
    attributes: list[tuple[str, str, str]]  # (code, name, value text)
    highlights: list[str]
    raw_attributes: dict[str, Any] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    truncated: list[str] = field(default_factory=list)
    missing_required: list[str] = field(default_factory=list)

    @property
    def source(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "brand": self.brand,
            "category": self.category,
            "attributes": [[name, value] for _code, name, value in self.attributes],
            "highlights": list(self.highlights),
        }

    @property
    def gender(self) -> str:
        return str(self.raw_attributes.get("gender") or "")

    def grounding_text(self) -> str:
        """Everything a draft may state as fact: title, brand, category, attributes."""
        values = [value for _code, _name, value in self.attributes]
        return " | ".join([self.title, self.brand, self.category, *values, *self.highlights])


def build_facts(
    *,
    product_id: int | None,
    language: str,
    category_id: int | None,
    title: Any,
    brand: Any,
    category: Any,
    attributes: Sequence[tuple[str, str, Any]],
    highlights: Sequence[Any],
    raw_attributes: dict[str, Any] | None = None,
    missing_required: Sequence[str] = (),
) -> ProductFacts:
    """Clean every value of a product's data into :class:`ProductFacts`."""
    findings: list[Finding] = []
    truncated: list[str] = []

    def take(name: str, value: Any) -> str:
        cleaned = clean_value(value)
        findings.extend(Finding(name, text) for text in cleaned.injections)
        if cleaned.truncated:
            truncated.append(name)
        return cleaned.text

    clean_attributes = []
    for code, name, value in attributes:
        text = take(f"attribute {code}", value)
        if text:
            clean_attributes.append((code, take(f"attribute {code} name", name) or code, text))
    clean_highlights = [
        text
        for index, item in enumerate(list(highlights)[: conf.get("MAX_HIGHLIGHTS")])
        if (text := take(f"highlight {index + 1}", item))
    ]
    return ProductFacts(
        product_id=product_id,
        language=language,
        category_id=category_id,
        title=take("title", title),
        brand=take("brand", brand),
        category=take("category", category),
        attributes=clean_attributes,
        highlights=clean_highlights,
        raw_attributes=dict(raw_attributes or {}),
        findings=findings,
        truncated=truncated,
        missing_required=list(missing_required),
    )


@dataclass(frozen=True)
class CopyExample:
    """Approved copy shown to the model: the facts it was written from and the copy."""

    facts: ProductFacts
    parts: dict[str, Any]


_TITLE_WORD = re.compile(f"[a-z0-9]+|[{HAN_CLASS}]")


def example_score(facts: ProductFacts, candidate: ProductFacts) -> float:
    """How good ``candidate``'s copy is as an example for ``facts``: shared attribute values
    first, then shared title words (Jaccard). Used by the shop and by the evaluation alike."""
    own = {(code, value.casefold()) for code, _name, value in facts.attributes}
    theirs = {(code, value.casefold()) for code, _name, value in candidate.attributes}
    words = set(_TITLE_WORD.findall(facts.title.casefold()))
    other_words = set(_TITLE_WORD.findall(candidate.title.casefold()))
    union = words | other_words
    return len(own & theirs) + (len(words & other_words) / len(union) if union else 0.0)


@dataclass(frozen=True)
class PartPrompt:
    part: str
    prompt: str
    stop: tuple[str, ...]
    max_new_tokens: int


def prompt_version(channel: str) -> str:
    return PROMPT_VERSION if channel == "product_page" else MARKETING_PROMPT_VERSION


def part_labels(language: str) -> dict[str, str]:
    return _PART_LABELS[CHINESE] if language == CHINESE else _PART_LABELS[ENGLISH]


def _option_lines(options: dict[str, Any], language: str) -> list[str]:
    labels = part_labels(language)
    colon = "：" if language == CHINESE else ": "
    lines = []
    tone = options.get("tone") or "professional"
    if tone != "professional":
        words = _TONE_WORDS[CHINESE] if language == CHINESE else _TONE_WORDS[ENGLISH]
        lines.append(f"{labels['tone']}{colon}{words.get(tone, 'professional')}")
    audience = clean_value(options.get("audience") or "", limit=80).text
    if audience:
        lines.append(f"{labels['audience']}{colon}{audience}")
    return lines


def _description_prompt(facts: ProductFacts, options: dict[str, Any]) -> str:
    prompt = build_prompt(Example(source=facts.source, target="", language=facts.language))
    extra = _option_lines(options, facts.language)
    if extra:
        head, last = prompt.rstrip("\n").rsplit("\n", 1)
        prompt = "\n".join([head, *extra, last]) + "\n"
    return prompt


def _part_prompt(facts: ProductFacts, part: str, options: dict[str, Any]) -> str:
    # The facts block of the description prompt with the marketing intro and the part's label.
    labels = part_labels(facts.language)
    base = _description_prompt(facts, options).rstrip("\n").split("\n")
    colon = "：" if facts.language == CHINESE else ":"
    if part == "highlights":
        return "\n".join([*base[:-1], f"{labels['highlights']}{colon}", "- "])
    return "\n".join([labels["intro"], *base[1:-1], f"{labels[part]}{colon}"])


def _example_answer(part: str, parts: dict[str, Any]) -> str | None:
    value = parts.get(part)
    if not value:
        return None
    if part == "highlights":
        items = [str(item) for item in value if str(item).strip()]
        return "\n- ".join(items) if items else None
    return str(value)


def _prompt_openings(language: str) -> tuple[str, ...]:
    intro = build_prompt(Example(source={}, target="", language=language)).split("\n", 1)[0]
    return (intro, part_labels(language)["intro"], DATA_OPEN)


def build_part_prompts(
    facts: ProductFacts,
    *,
    channel: str,
    options: dict[str, Any],
    examples: Sequence[CopyExample] = (),
) -> list[PartPrompt]:
    """One prompt per part of ``channel``, each led by the examples that have that part."""
    length = options.get("length") or "medium"
    max_tokens = conf.get("MAX_NEW_TOKENS")
    prompts = []
    for part in CHANNEL_PARTS[channel]:
        if part == "highlights" and (options.get("highlights") is False or facts.highlights):
            continue  # not asked for, or the product's own highlights are kept
        if part == "description":
            own = _description_prompt(facts, options)
            render = _description_prompt
        else:
            own = _part_prompt(facts, part, options)

            def render(example_facts: ProductFacts, opts: dict[str, Any], p: str = part) -> str:
                return _part_prompt(example_facts, p, opts)

        # "Banner slogan: Linen, for July": the English label's colon takes a space, as the
        # model writes after its own ("：" takes none).
        space = "" if part in ("description", "highlights") or facts.language == CHINESE else " "
        shots = []
        for example in examples:
            answer = _example_answer(part, example.parts)
            if answer:
                shots.append(render(example.facts, options) + space + answer + "\n\n")
        if part == "description":
            tokens = max_tokens.get(length, max_tokens["medium"])
        elif part == "highlights":
            tokens = 60
        elif part == "social_post":
            tokens = 80
        else:
            tokens = 40
        # Not "\n": a base model often opens with a line break, which would stop it before
        # the first word (tidy_output keeps the first non-empty line of one-line parts). The
        # others: a model that goes on to write the next prompt.
        stop = ("\n\n", *_prompt_openings(facts.language))
        prompts.append(PartPrompt(part, "".join(shots) + own, stop, tokens))
    return prompts
