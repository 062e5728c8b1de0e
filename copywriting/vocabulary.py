"""The words the checks look for: colour, material, size and gender terms, brands, names.

:func:`copywriting.selectors.catalog_vocabulary` builds one from the catalog's options and brands;
the built-in words below are added so that a draft naming a colour or material the catalog has
no option for is still caught.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

# Common words for colours and materials beyond the catalog's own options, so a draft that
# turns copper into steel is caught even where the catalog has no option for steel.
BUILTIN_TERMS: dict[str, tuple[str, ...]] = {
    "color": (
        "black",
        "white",
        "grey",
        "gray",
        "charcoal",
        "navy",
        "blue",
        "teal",
        "turquoise",
        "green",
        "khaki",
        "beige",
        "brown",
        "tan",
        "red",
        "maroon",
        "burgundy",
        "pink",
        "lavender",
        "purple",
        "violet",
        "yellow",
        "mustard",
        "orange",
        "magenta",
        "peach",
        "黑色",
        "白色",
        "灰色",
        "蓝色",
        "藏青",
        "绿色",
        "红色",
        "粉色",
        "紫色",
        "黄色",
        "橙色",
        "棕色",
        "咖啡色",
        "卡其色",
        "米色",
        "酒红",
    ),
    "material": (
        "cotton",
        "polyester",
        "nylon",
        "spandex",
        "elastane",
        "viscose",
        "rayon",
        "linen",
        "wool",
        "merino",
        "cashmere",
        "silk",
        "satin",
        "denim",
        "leather",
        "suede",
        "fleece",
        "velvet",
        "steel",
        "stainless steel",
        "copper",
        "brass",
        "aluminium",
        "aluminum",
        "titanium",
        "bamboo",
        "ceramic",
        "porcelain",
        "glass",
        "plastic",
        "wood",
        "oak",
        "walnut",
        # Claims about what it is made of, as readers take them ("made from recycled
        # materials" for a product that is not is a false green claim).
        "recycled",
        "organic",
        "再生",
        "有机",
        "纯棉",
        "棉质",
        "涤纶",
        "聚酯纤维",
        "锦纶",
        "尼龙",
        "氨纶",
        "雪纺",
        "亚麻",
        "羊毛",
        "羊绒",
        "真丝",
        "蚕丝",
        "牛仔",
        "真皮",
        "皮革",
        "不锈钢",
        "铜",
        "铝",
        "陶瓷",
        "玻璃",
        "塑料",
        "实木",
    ),
    # Claims a reader takes as facts about testing and certification: the product's data must
    # say them ("Tested on animals." was written for a serum whose data says dermatologist-
    # tested).
    "claim": (
        "tested on animals",
        "cruelty-free",
        "certified",
        "patented",
        "award-winning",
        "lab-tested",
        "FDA",
        "动物实验",
        "认证",
        "专利",
        "检测",
        "获奖",
    ),
}


@dataclass(frozen=True)
class Term:
    kind: str
    text: str
    code: str = ""
    value: str = ""
    # Judged only for a product that has attribute ``code`` (a claim against its own value:
    # "trail" for a shoe whose terrain is road), not for products without it.
    contradicts_only: bool = False


@dataclass
class Vocabulary:
    """The words the facts check looks for: colour/material/size/gender terms and brands."""

    terms: list[Term] = field(default_factory=list)
    brands: list[str] = field(default_factory=list)
    # Words that name products of the catalog (copywriting.reading.name_words).
    names: frozenset[str] = frozenset()

    @classmethod
    def with_builtins(
        cls, terms: Iterable[Term] = (), brands: Iterable[str] = (), names: Iterable[str] = ()
    ) -> Vocabulary:
        builtin = [Term(kind, text) for kind, texts in BUILTIN_TERMS.items() for text in texts]
        unique: dict[tuple[str, str, str], Term] = {}
        for term in [*terms, *builtin]:
            if term.text.strip():
                unique.setdefault((term.kind, term.text.casefold(), term.value), term)
        return cls(
            terms=sorted(unique.values(), key=lambda t: -len(t.text)),
            brands=sorted({b for b in brands if len(b.strip()) >= 3}, key=len, reverse=True),
            names=frozenset(names),
        )
