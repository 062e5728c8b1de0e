"""Copywriting settings with their defaults, read at call time (never at import).

Every setting is ``COPYWRITING_<NAME>`` in the Django settings; a missing one takes the
default below. ``config/settings/base.py`` sets the ones an operator is expected to change.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from common.text import CHINESE, ENGLISH

DEFAULTS: dict[str, Any] = {
    # The llm_services alias that writes copy.
    "MODEL_ALIAS": "generate",
    # Candidates generated per admin request (the first one greedy, the others sampled).
    "CANDIDATES": 3,
    "SAMPLING_TEMPERATURE": 0.7,
    # Approved copy of the same category and language shown to the base model as examples.
    "FEWSHOT_EXAMPLES": 2,
    # Products per generate_batch call in the batch task (one forward pass each).
    "BATCH_SIZE": 8,
    # New tokens per length option.
    "MAX_NEW_TOKENS": {"short": 64, "medium": 120, "long": 200},
    # Characters per field of product data put in a prompt; longer values are cut.
    "MAX_FIELD_CHARS": 300,
    "MAX_HIGHLIGHTS": 6,
    # Per-channel part -> {language: max characters}; "" is every other language.
    "LENGTH_LIMITS": {
        "description": {"": 1200, CHINESE: 500},
        "highlight": {"": 120, CHINESE: 40},
        "seo_title": {"": 60, CHINESE: 30},
        "meta_description": {"": 160, CHINESE: 80},
        "email_subject": {"": 60, CHINESE: 30},
        "email_preview": {"": 110, CHINESE: 55},
        "social_post": {"": 280, CHINESE: 140},
        "banner_slogan": {"": 50, CHINESE: 20},
    },
    # Phrases a draft may not contain, grouped by why: matched case-insensitively on word
    # boundaries (English) or as substrings (Chinese).
    "BANNED_CLAIMS": {
        "superlative": [
            "best",
            "best-selling",
            "number one",
            "#1",
            "world's finest",
            "unbeatable",
            "cheapest",
            "最好",
            "第一",
            "最佳",
            "顶级",
            "全网最低",
            "史上最",
        ],
        "medical": [
            "cure",
            "cures",
            "heals",
            "treats",
            "prevents disease",
            "clinically proven",
            "antibacterial",
            "anti-bacterial",
            "detox",
            "治疗",
            "治愈",
            "抗菌",
            "药用",
            "防癌",
        ],
        "competitor": ["Amazon", "Shopify", "Taobao", "淘宝", "亚马逊"],
    },
    # Gendered words that a product without a gender attribute (or a unisex one) must not use.
    "GENDERED_TERMS": {
        ENGLISH: [
            "men's",
            "mens",
            "women's",
            "womens",
            "for men",
            "for women",
            "for him",
            "for her",
            "ladies",
            "gentlemen",
            "guys",
            "girls",
            "boys",
            "his",
            "hers",
            "manly",
            "feminine",
            "masculine",
        ],
        CHINESE: ["男士", "女士", "男款", "女款", "男生", "女生", "男人", "女人", "男式", "女式"],
    },
    # Wording that excludes people, flagged everywhere.
    "EXCLUSIONARY_TERMS": {
        ENGLISH: ["normal people", "not for fat", "only for young", "for real men", "like a girl"],
        CHINESE: ["胖子", "不适合胖", "真男人"],
    },
    # Character 5-gram Jaccard similarity at or above which a draft is a near-duplicate of
    # another product's copy.
    "NEAR_DUPLICATE_THRESHOLD": 0.5,
    # Other products' copy compared against, at most (same category first).
    "NEAR_DUPLICATE_POOL": 400,
    # Remove the clauses of a generated draft that state facts the product does not have (each
    # removal is listed on the draft; the model's full text is kept as its generated text).
    "TRIM_UNGROUNDED": True,
    # Remove the sentences of a generated product page (description, generated highlights)
    # holding words that neither the product's data nor the shop's copy for its category
    # uses (copywriting.support; each removal is listed on the draft); such sentences of
    # marketing copy, or of a description nothing of which is backed, flag the draft.
    "TRIM_UNSUPPORTED": True,
    # Languages whose drafts are decoded with the colours, materials, sizes, genders and brands
    # the product's data does not support banned (checks.ungrounded_terms), and languages
    # whose drafts may state only the numbers of the product's data (checks.allowed_numbers).
    # In-process generators only (an OpenAI-compatible server cannot constrain text; its
    # generations' notes say so). Measured few-shot on 60 held-out items each, both off ->
    # both on (docs/benchmarks.md): raw violations AdvertiseGen (zh) 31.7% -> 0% with ROUGE-L
    # 13.69 -> 13.99; Myntra (en) 41.7% -> 1.7% with ROUGE-L 38.2 -> 31.2, because that file's
    # own descriptions state colours and materials their items' data lacks.
    "GROUNDED_DECODING": [ENGLISH, CHINESE],
    "GROUNDED_NUMBERS": [ENGLISH, CHINESE],
    # Decoding never writes a run of this many words (Chinese: characters) found in the
    # prompt's examples or other products' copy (the near-duplicate pool), nor repeats one of
    # its own, unless the run is in the product's own data (llm_services.NoCopy). 0: off.
    # In-process generators only.
    "NO_COPY_WORDS": {"": 6, CHINESE: 6},
    # For one-line parts (ONE_LINE_PARTS: banners, subject lines, SEO titles), runs of this
    # many of the examples' lines of the same part.
    "NO_COPY_LINE_WORDS": {"": 3, CHINESE: 4},
    # Nor does it repeat a run of this many words (characters) it wrote before, its product's
    # own data aside (summarisers' no-repeat n-gram rule, on words). 0: off.
    "NO_REPEAT_WORDS": {"": 4, CHINESE: 3},
    # "Retrain the copy model" (admin) fine-tunes for at most this many seconds of training
    # loop, or steps, whichever comes first.
    "RETRAIN_SECONDS": 900,
    "RETRAIN_MAX_STEPS": 400,
    # Mark approved AI text on the storefront as "AI-assisted".
    "MARK_AI_ASSISTED": True,
    # A running batch job whose heartbeat is older than this is shown as stalled.
    "STALLED_AFTER_SECONDS": 300,
}


def get(name: str) -> Any:
    """``settings.COPYWRITING_<name>``, else the default."""
    return getattr(settings, f"COPYWRITING_{name}", DEFAULTS[name])


def per_language(mapping: dict[str, Any], language: str) -> Any:
    """``mapping[language]``, else ``mapping[""]``."""
    return mapping.get(language, mapping.get(""))
