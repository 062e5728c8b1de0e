"""Gift queries: a recipient, an occasion and an interest read out of "gift for mum",
"送给爸爸的生日礼物", "christmas gift for kids", "gift for a coffee lover", "送给猫奴的礼物".

General grammar, not a shop's list: who a present is for says which gender or age group it
suits (:data:`RECIPIENTS`); an occasion says little about the product (Mother's Day does name
the recipient); an interest, said as a person ("runners", "a coffee lover", "猫奴",
"跑步爱好者"), becomes what is searched for ("running", "coffee", "猫", "跑步").
``search.selectors`` then keeps what suits the recipient (see ``search.listing.suits``).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from search.query.grammar import _Spans

# The recipient's group: "women"/"men" (gendered products of that gender or unisex), "kid"
# (products for an age range, or for kids), "baby" (products for a baby's age).
WOMEN, MEN, KID, BABY = "women", "men", "kid", "baby"

_EN_RECIPIENTS = {
    WOMEN: "mum mom mother mama mommy mummy wife girlfriend sister grandma grandmother granny "
    "aunt auntie her she lady woman niece",
    MEN: "dad father papa daddy husband boyfriend brother grandpa grandfather uncle him he "
    "man guy nephew",
    KID: "kid kids child children toddler toddlers boy boys girl girls son daughter "
    "grandchild grandkids teen teenager",
    BABY: "baby babies newborn newborns infant",
}
_ZH_RECIPIENTS = {
    # 她/他 only after 给/送: alone they sit inside other words (其他, 吉他).
    WOMEN: "妈妈 母亲 老妈 老婆 妻子 太太 媳妇 女朋友 女友 闺蜜 姐姐 妹妹 奶奶 外婆 "
    "姥姥 婆婆 岳母 阿姨 女神 女生 送给她 给她 送她",
    MEN: "爸爸 父亲 老爸 老公 丈夫 先生 男朋友 男友 哥哥 弟弟 爷爷 外公 姥爷 公公 "
    "岳父 叔叔 男生 送给他 给他 送他",
    KID: "孩子 小孩 儿童 小朋友 儿子 女儿 男孩 女孩 学生",
    BABY: "宝宝 婴儿 新生儿 宝贝",
}
# Occasion → the recipient it names, if any.
_EN_OCCASIONS = {
    "mother's day": WOMEN,
    "mothers day": WOMEN,
    "father's day": MEN,
    "fathers day": MEN,
    "valentine's day": "",
    "valentines day": "",
    "valentine's": "",
    "valentine": "",
    "birthday": "",
    "christmas": "",
    "xmas": "",
    "anniversary": "",
    "wedding": "",
    "graduation": "",
    "housewarming": "",
    "new year": "",
    "baby shower": BABY,
    "secret santa": "",
    "retirement": "",
}
_ZH_OCCASIONS = {
    "母亲节": WOMEN,
    "父亲节": MEN,
    "情人节": "",
    "七夕": "",
    "生日": "",
    "圣诞节": "",
    "圣诞": "",
    "纪念日": "",
    "周年": "",
    "婚礼": "",
    "结婚": "",
    "毕业": "",
    "乔迁": "",
    "新年": "",
    "春节": "",
    "过年": "",
    "满月": BABY,
    "儿童节": KID,
    "六一": KID,
}
# Recipients and occasions that mean the first months of a baby's life.
_NEWBORN = {"newborn", "infant", "baby shower", "新生儿", "满月"}
_EN_GIFT = re.compile(r"\b(?:(?:gift|present)s?(?: ideas?)?|stocking stuffers?)\b")
_ZH_GIFT = re.compile(r"礼物|礼品|送礼|伴手礼")
# "for (my|a|the|our) X", "送给/送/给 X (的)".
_EN_FOR = re.compile(r"\bfor (?:my |a |an |the |our |your )?")
_ZH_FOR = re.compile(r"(?:送给|送|给)(?:我的?)?")
# An interest said as a person: "a coffee lover", "dog owners", "tea fan", "猫奴", "跑步爱好者".
_EN_FANCIER = re.compile(
    r"\b([a-z][a-z\- ]*?) (?:lovers?|fans?|enthusiasts?|addicts?|owners?|people|person|nuts?|"
    r"fanatics?|geeks?|buffs?|aficionados?)\b"
)
_ZH_FANCIER = re.compile(r"([\u4e00-\u9fff]{1,6}?)(?:爱好者|发烧友|控|迷|奴|达人|主人|铲屎官)")
# A person named for what they do, after "for": "runners" → "running", "cyclists" → "cycling".
_EN_DOER = re.compile(r"\b(for (?:my |a |an |the |our |your )?)([a-z]{3,})(?:ers?|ists?)\b")


@dataclass(frozen=True)
class Gift:
    """What a gift query said: for whom (a group above, or "") and the occasion as written.
    An interest ("runners") stays in the query's text, rewritten by :func:`rewrite_interest`."""

    recipient: str = ""
    occasion: str = ""
    # For the very young ("newborn", "新生儿", a baby shower): the youngest age range first.
    youngest: bool = False


def _find(text: str, words: dict[str, str], chinese: bool) -> list[tuple[int, int, str, str]]:
    found = []
    for phrase, value in sorted(words.items(), key=lambda item: -len(item[0])):
        pattern = re.escape(phrase) if chinese else rf"\b{re.escape(phrase)}s?\b"
        for match in re.finditer(pattern, text):
            found.append((match.start(), match.end(), phrase, value))
    return found


def _recipient_words() -> tuple[dict[str, str], dict[str, str]]:
    english = {w: group for group, words in _EN_RECIPIENTS.items() for w in words.split()}
    chinese = {w: group for group, words in _ZH_RECIPIENTS.items() for w in words.split()}
    return english, chinese


_EN_RECIPIENT_WORDS, _ZH_RECIPIENT_WORDS = _recipient_words()


def rewrite_interest(query: str, known: Collection[str] = ()) -> str:
    """The query with an interest said as a person written as the interest itself:
    "gift for runners" → "gift for running", "送给猫奴的礼物" → "送给猫的礼物". Only for
    gift queries (a plain "table runners" stays as it is), and never a word in ``known`` (the
    catalog's own words: "speakers" stays).
    """
    if not (_EN_GIFT.search(query) or _ZH_GIFT.search(query)):
        return query
    query = _ZH_FANCIER.sub(r"\1", query)
    query = _EN_FANCIER.sub(r"\1", query)

    def doer(match: re.Match[str]) -> str:
        word = match.group(0)[len(match.group(1)) :]
        forms = (word, word.removesuffix("s"), word + "s")
        if any(f in _EN_RECIPIENT_WORDS or f in known for f in forms):
            return match.group(0)
        # "runn-ers" → "running", "hik-ers" → "hiking", "cycl-ists" → "cycling".
        return match.group(1) + match.group(2) + "ing"

    return _EN_DOER.sub(doer, query)


def extract_gift(text: str, spans: _Spans) -> Gift | None:
    """Claim the gift phrase, recipient and occasion of ``text`` (already lower case, its
    interest rewritten by :func:`rewrite_interest`); None when it is not a gift query."""
    gift_words = [m for p in (_EN_GIFT, _ZH_GIFT) for m in p.finditer(text)]
    if not gift_words:
        return None
    claims: list[tuple[int, int]] = [(m.start(), m.end()) for m in gift_words]
    recipient, occasion, youngest = "", "", False
    for chinese, recipients, occasions in (
        (False, _EN_RECIPIENT_WORDS, _EN_OCCASIONS),
        (True, _ZH_RECIPIENT_WORDS, _ZH_OCCASIONS),
    ):
        for start, end, phrase, value in _find(text, occasions, chinese):
            if all(end <= s or start >= e for s, e in claims):
                claims.append((start, end))
                occasion = occasion or phrase
                recipient = recipient or value
                youngest = youngest or phrase in _NEWBORN
        for start, end, phrase, value in _find(text, recipients, chinese):
            if all(end <= s or start >= e for s, e in claims):
                claims.append((start, end))
                recipient = recipient or value
                youngest = youngest or phrase in _NEWBORN
    for pattern in (_EN_FOR, _ZH_FOR):
        for match in pattern.finditer(text):
            if all(match.end() <= s or match.start() >= e for s, e in claims):
                claims.append((match.start(), match.end()))
    for start, end in claims:
        if spans.free(start, end):
            spans.claim(start, end)
            spans.explain(start, end)
    return Gift(recipient=recipient, occasion=occasion, youngest=youngest)
