"""Query grammar that holds for any shop: prices, sorts, sizes, filler words and support
questions, and the extractors that claim their spans of a query."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from search.query.vocabulary import LETTER_SIZE_WORDS, QueryVocabulary
from search.text import ENGLISH_STOPWORDS, has_cjk

SORTS = ("price_asc", "price_desc", "newest", "rating", "popular")
# In order of precedence when a query touches several.
SUPPORT_TOPICS = ("returns", "order_status", "payment", "account", "shipping", "contact")


# ---------------------------------------------------------------------------------------------
# Grammar: prices

_PRE = r"(?:us\$|[$¥€£]|usd|rmb|cny)\s?"
_POST = (
    r"(?:\s?(?:dollars?|bucks?|usd|yuan|rmb|cny|euros?|eur"
    r"|美元|美金|人民币|欧元|块钱|元|块|刀))"
)


def _amount(name: str, *, guarded: bool = True) -> str:
    # A number glued to a word or code ("sc-141", "2x4") is not a price; the second number
    # of a range follows its separator and needs no such guard.
    guard = r"(?<![0-9a-z.,/#_-])" if guarded else ""
    return (
        rf"{guard}(?P<{name}_pre>{_PRE})?"
        rf"(?P<{name}>\d{{1,3}}(?:,\d{{3}}){{1,3}}|\d{{1,10}})(?P<{name}_cents>\.\d{{1,2}})?"
        rf"(?![0-9])(?P<{name}_post>{_POST})?(?![0-9a-z%/]|\.\d)"
    )


# Words that make a bare number a quantity rather than a price ("under 5 lbs", "2-4 players").
_QUANTITY_AFTER = re.compile(
    r"\s?(?:v|volts?|w|watts?|amps?|mah|wh|kw|hp|psi|btu|mm|cm|m|km|in|inch|inches|ft|feet|foot"
    r"|yd|yards?|lbs?|pounds?|oz|ounces?|kg|g|grams?|gal|gallons?|qt|quarts?|l|liters?|litres?|ml"
    r"|gb|tb|mb|hz|khz|mhz|fps|mp|k|x|pcs|pieces?|pk|pack|packs|count|ct|sets?|sheets?|rolls?"
    r"|pairs?|people|persons?|players?|seats?|seater|years?|yrs?|yo|months?|mos?|weeks?|days?"
    r"|hours?|hrs?|minutes?|mins?|seconds?|secs?|degrees?|deg|°|%|lumens?|lm|gauge|ga|grit"
    r"|series|year-old|th|st|nd|rd|cu|cubic|sq|square|awg|cfm|gpm|gpf|rpm|db|ohms?|ply|mil|cc"
    r"|mph|tons?)\b"
    r"|\s?[个件只双套张条把支瓶罐盒包袋斤克千万米寸码号岁人天年月周小时分钟度瓦伏升]"
)
# Every English keyword starts on a word boundary: "powermax 6" and "cover 1" are not prices.
_PRICE_WORD = (
    r"(?<![a-z])(?:(?:prices?|priced|costing|costs?|budget|价格|价位|预算)\s?(?:of|is|at|在)?\s?)?"
)
_RANGE_SEPARATOR = r"\s?(?:-|–|—|~|to|到|至)\s?"

_PRICE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "range",
        re.compile(
            rf"{_PRICE_WORD}(?P<between>between|from)\s{_amount('lo')}\s?(?:and|to|-|–|~)\s?"
            rf"{_amount('hi', guarded=False)}"
        ),
    ),
    (
        "range",
        re.compile(
            rf"(?P<word>{_PRICE_WORD}){_amount('lo')}{_RANGE_SEPARATOR}"
            rf"{_amount('hi', guarded=False)}"
            r"(?P<between>\s?之间)?"
        ),
    ),
    (
        "max",
        re.compile(
            rf"{_PRICE_WORD}(?<![a-z])(?:under|below|less than|cheaper than|lower than|"
            r"no more than|not more than|not over|up to|upto|within|max|maximum|at most|<=|=<|≤|<|"
            rf"低于|少于|不超过|不高于|不到|小于|最多|最高|便宜于)\s?{_amount('hi')}"
            r"(?:\s?(?:以下|以内|之内|之下|内))?"
        ),
    ),
    (
        "max",
        re.compile(
            rf"{_PRICE_WORD}(?:在\s?)?{_amount('hi')}\s?(?P<strong>以下|以内|之内|之下|内"
            r"|or less|or under|or below|and under|and below|or cheaper|max)"
        ),
    ),
    (
        "min",
        re.compile(
            rf"{_PRICE_WORD}(?<![a-z])(?:over|above|more than|greater than|higher than|"
            r"at least|min|minimum|starting at|starting from|from|>=|=>|≥|>|"
            rf"高于|超过|多于|大于|不低于|至少|最低|起码)\s?{_amount('lo')}(?:\s?(?:以上|起))?"
        ),
    ),
    (
        "min",
        re.compile(
            rf"{_PRICE_WORD}{_amount('lo')}\s?(?P<strong>以上|之上|起|\+|or more|or above|"
            r"or over|and up|and above|and over)"
        ),
    ),
)


# What each currency word or symbol of _PRE/_POST stands for (¥ is the yuan: the shop speaks
# Chinese, not Japanese).
_CURRENCIES = {
    "us$": "USD",
    "$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "buck": "USD",
    "bucks": "USD",
    "美元": "USD",
    "美金": "USD",
    "刀": "USD",
    "¥": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "yuan": "CNY",
    "人民币": "CNY",
    "块钱": "CNY",
    "元": "CNY",
    "块": "CNY",
    "€": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "欧元": "EUR",
    "£": "GBP",
}


def _currency(match: re.Match[str], name: str) -> str | None:
    for part in (match.group(f"{name}_pre"), match.group(f"{name}_post")):
        if part:
            return _CURRENCIES.get(part.strip())
    return None


def _has_currency(match: re.Match[str], name: str) -> bool:
    return bool(match.group(f"{name}_pre") or match.group(f"{name}_post"))


def _is_quantity(text: str, match: re.Match[str], name: str) -> bool:
    """A bare number followed by a unit or a counted noun is not a price."""
    if _has_currency(match, name):
        return False
    end = match.end(name) + len(match.group(f"{name}_cents") or "")
    return _QUANTITY_AFTER.match(text, end) is not None


def _decimal(match: re.Match[str], name: str) -> Decimal | None:
    try:
        return Decimal(match.group(name).replace(",", "") + (match.group(f"{name}_cents") or ""))
    except (InvalidOperation, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# Grammar: sort, sizes, filler, support

_SORT_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "price_desc",
        re.compile(
            r"\b(?:most expensive|priciest|highest price[ds]?|price high to low|"
            r"high(?:est)? to low(?:est)?)\b"
            r"|价格从高到低|价格由高到低|从高到低|由高到低|价格最高|最贵"
        ),
    ),
    (
        "price_asc",
        re.compile(
            r"\b(?:cheapest|cheaper|cheap|inexpensive|affordable|lowest price[ds]?|"
            r"price low to high|low(?:est)? to high(?:est)?)\b"
            r"|价格从低到高|价格由低到高|从低到高|由低到高|价格最低|最便宜|便宜|实惠|平价|低价"
        ),
    ),
    (
        "newest",
        re.compile(
            r"\b(?:newest|latest|new arrivals?|newly added|just arrived|most recent)\b"
            r"|最新款|最新|新品|新款|上新|新到"
        ),
    ),
    (
        "rating",
        re.compile(
            r"\b(?:(?:best|top|highest)[ -]rated|best[ -]reviewed|top[ -]reviewed|"
            r"highest rating|most reviewed)\b"
            r"|好评如潮|好评最多|评分最高|评价最高|口碑最好|好评|高评分"
        ),
    ),
    (
        "popular",
        re.compile(
            r"\b(?:most popular|best[ -]?sell(?:ing|ers?)|top[ -]?sell(?:ing|ers?)|trending)\b"
            r"|最受欢迎|受欢迎|热销|畅销|爆款|人气|热门"
        ),
    ),
)

_LETTER_SIZES = "xxxl|xxl|xl|xs|xxs|s|m|l|2xl|3xl|x-large|xx-large|extra small|extra large|" + (
    "small|medium|large"
)
_SIZE_PATTERNS = (
    re.compile(rf"\bsize[sd]?\s?[:=]?\s?(?P<v>{_LETTER_SIZES}|\d{{1,2}}(?:\.5)?)(?![0-9a-z.])"),
    re.compile(r"\b(?:eu|eur)\s?(?P<v>\d{2}(?:\.5)?)(?![0-9a-z.])"),
    re.compile(r"(?<![0-9a-z.])(?P<v>\d{2}(?:\.5)?)\s?(?:eu|eur)\b"),
    re.compile(
        rf"(?:尺码|鞋码|码数|尺寸)\s?[:：]?\s?(?P<v>{_LETTER_SIZES}|\d{{1,2}}(?:\.5)?)(?![0-9a-z])"
    ),
    re.compile(r"(?<![0-9a-z.])(?P<v>xxxl|xxl|xl|xs|xxs|s|m|l|2xl|3xl|\d{2}(?:\.5)?)\s?(?:码|号)"),
)

# Dropped when they sit right before a removed phrase ("for" in "shoes for women") ...
_FILLER_BEFORE = frozenset(
    "for in with at from of a an the and or size sized color colour colored coloured price "
    "priced costing budget under below over above between by".split()
)
# What follows these modifies the noun before them ("headphones for running").
_PREPOSITIONS = frozenset("for with without in on under from to by near like".split())
# ... or right after one ("or" in "red or blue shoes").
_FILLER_AFTER = frozenset("and or & , / + with".split())
_ZH_PARTICLES = "的之款"

_EN_SUPPORT_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "order_status",
        re.compile(
            r"\b(?:my|an?|the|our)\s(?:orders?|package|parcel|purchase|delivery)\b"
            r"|\border\s(?:status|number|history|tracking|confirmation)\b"
            r"|\btrack(?:ing)?\s(?:my\s|an?\s|the\s)?(?:orders?|package|parcel)\b"
            r"|\bcancel(?:l?ing|l?ed)?\s(?:my\s|an?\s|the\s)?orders?\b|\bwhere(?:'s| is)\smy\b"
        ),
    ),
    (
        "returns",
        re.compile(
            r"\b(?:returns?|returning|returned|refunds?|refunded|exchanges?|exchanging|"
            r"send (?:it |them )?back|money back|warranty)\b"
        ),
    ),
    (
        "payment",
        re.compile(
            r"\b(?:pay|paying|paid|payments?|paypal|credit card|debit card|invoices?|receipts?|"
            r"charged|billing|checkout|promo code|coupons?|discount code|voucher|installments?)\b"
        ),
    ),
    (
        "account",
        re.compile(
            r"\b(?:account|password|log ?in|log ?out|sign ?in|sign ?up|register|username|"
            r"e-?mail address|my address|(?:shipping|delivery|billing) address|"
            r"change (?:my |the )?address|my details|unsubscribe|newsletter)\b"
        ),
    ),
    (
        "shipping",
        re.compile(
            r"\b(?:ship|ships|shipping|shipped|delivery|deliver|delivers|delivered|postage|"
            r"dispatch|dispatched|courier|arrive|arrives|arriving)\b"
        ),
    ),
    (
        "contact",
        re.compile(
            r"\b(?:customer (?:service|support|care)|contact (?:you|us|support)|"
            r"talk to (?:a )?(?:human|person|agent)|live chat|phone number|opening hours)\b"
        ),
    ),
)
_ZH_SUPPORT_TOPICS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "order_status",
        re.compile(
            r"我的订单|订单状态|订单在哪|订单到哪|查订单|查询订单|订单查询|取消订单|订单号|物流信息"
            r"|到哪了|什么时候到|还没到|还没收到|没收到"
        ),
    ),
    ("returns", re.compile(r"退货|退款|换货|退换|退钱|退回|售后|保修")),
    ("payment", re.compile(r"付款|支付|发票|信用卡|支付宝|微信支付|扣款|扣费|优惠券|优惠码|分期")),
    (
        "account",
        re.compile(r"账户|账号|帐号|帐户|密码|登录|登陆|注册|收货地址|修改地址|改地址|更改地址"),
    ),
    ("shipping", re.compile(r"运费|邮费|包邮|配送|发货|快递|物流|送货|多久到|几天到|邮寄")),
    ("contact", re.compile(r"客服|人工服务|转人工|联系方式|联系你们")),
)
# A question or request about the shop rather than a description of a product.
_EN_ASKING = re.compile(
    r"\?|^(?:how|where|when|why|can|could|do|does|did|is|are|will|would|i|i'm|im|please|help)\b"
    r"|\b(?:my|policy|policies|how (?:do|can|to|long|much)|can i|could i|do you|i (?:want|need|"
    r"would like) to)\b"
)
_ZH_ASKING = re.compile(
    r"[?？]|怎么|怎样|如何|能不能|能否|可以|可不可以|吗|多少|多久|几天|在哪|哪里|为什么|我想|我要|请问|是否|我的"
)
# With these and stopwords removed, nothing should be left of a support question that has no
# question form ("return policy", "shipping cost", "退货").
_SUPPORT_WORDS = frozenset(
    "policy policies cost costs fee fees charge charges price time times status info "
    "information help free international express standard options rules days period window "
    "change cancel update reset forgot forgotten lost long much many late damaged wrong "
    "item items order orders".split()
)
_ZH_SUPPORT_WORDS = re.compile(
    r"时间|多久|几天|费用|多少钱|政策|规则|流程|状态|进度|电话|方式|信息|问题|怎么办|服务"
)
_ZH_FILLER = re.compile(r"[的了吗呢吧啊呀么是有在要想我你\s?？,，。!！]")

# Common words of shopping queries that need not occur in a catalog; the speller leaves them.
QUERY_WORDS = frozenset(
    "best good great nice top quality cheap new which what recommend recommended gift gifts "
    "ideas like looking want need find show buy sale deal deals under below over above "
    "between less more than most least dollars bucks price prices priced cheapest cheaper "
    "expensive priciest newest latest popular trending rated reviewed selling seller sellers "
    "size sized color colour mens womens ladies kids unisex".split()
)


# ---------------------------------------------------------------------------------------------
# Extraction: each grammar claims its spans of the query


class _Spans:
    """Character spans of the query already claimed by a constraint."""

    def __init__(self) -> None:
        self.items: list[tuple[int, int, bool]] = []  # (start, end, keep_in_text)
        # Spans a filter was read from, kept in the text or not (see ParsedQuery.unread).
        self.explained: list[tuple[int, int]] = []

    def free(self, start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in self.items)

    def claim(self, start: int, end: int, *, keep: bool = False) -> None:
        self.items.append((start, end, keep))

    def explain(self, start: int, end: int) -> None:
        self.explained.append((start, end))

    def keep(self, start: int, end: int) -> None:
        """Leave a claimed span in the retrieval text after all."""
        self.items = [(s, e, k or (s == start and e == end)) for s, e, k in self.items]


def _support_topic(text: str) -> str | None:
    chinese = has_cjk(text)
    patterns = (*_ZH_SUPPORT_TOPICS, *_EN_SUPPORT_TOPICS) if chinese else _EN_SUPPORT_TOPICS
    matched = {topic for topic, pattern in patterns if pattern.search(text)}
    if not matched:
        return None
    # "return my order" is about a return, not about where the order is.
    topic = next(t for t in SUPPORT_TOPICS if t in matched)
    if _EN_ASKING.search(text) or (chinese and _ZH_ASKING.search(text)):
        return topic
    # No question form: a support query only when it is all support words.
    rest = text
    for _topic, pattern in patterns:
        rest = pattern.sub(" ", rest)
    if chinese:
        rest = _ZH_SUPPORT_WORDS.sub(" ", _ZH_FILLER.sub(" ", rest))
    leftover = [
        w
        for w in re.findall(r"[^\W_]+", rest)
        if w not in ENGLISH_STOPWORDS and w not in _SUPPORT_WORDS
    ]
    return None if leftover else topic


# Words after which "542-960" is a model or part number, not a price range.
_CODE_WORDS = re.compile(r"(?:model|sku|part|item|no|nr|number|series|style|type|ref|#)\.?\s?$")


def _looks_like_code(text: str, match: re.Match[str]) -> bool:
    """A range of bare numbers that reads as a code, a chain or a dimension."""
    if _has_currency(match, "lo") or _has_currency(match, "hi"):
        return False
    following = text[match.end() : match.end() + 2]
    if following[:1] in ("-", "/") and following[1:2].isdigit():
        return True  # "0000-245-586", "2-1/2"
    if any(len(n) > 1 and n.startswith("0") for n in (match.group("lo"), match.group("hi"))):
        return True  # "0000-245"
    before = text[: match.start()].rstrip()
    return bool(_CODE_WORDS.search(before) or before.endswith(("x", "×", "*")))


def _extract_prices(text: str, spans: _Spans) -> tuple[Decimal | None, Decimal | None, str | None]:
    """The price bounds a query states and the currency it names (None: unmarked)."""
    low: Decimal | None = None
    high: Decimal | None = None
    currency: str | None = None
    for kind, pattern in _PRICE_PATTERNS:
        for match in pattern.finditer(text):
            if not spans.free(match.start(), match.end()):
                continue
            groups = match.groupdict()
            if kind == "range":
                if _looks_like_code(text, match):
                    continue
                marked = (
                    _has_currency(match, "lo")
                    or _has_currency(match, "hi")
                    or groups.get("between")
                    or (groups.get("word") or "").strip()
                )
                if not marked and (_is_quantity(text, match, "hi")):
                    continue
                lo_value, hi_value = _decimal(match, "lo"), _decimal(match, "hi")
                if lo_value is None or hi_value is None:
                    continue
                if not marked and lo_value >= hi_value:
                    # "2-1" or "10-10" is not a price range anyone types.
                    continue
                lo_value, hi_value = sorted((lo_value, hi_value))
                low, high = lo_value, hi_value
                currency = _currency(match, "hi") or _currency(match, "lo") or currency
            else:
                name = "hi" if kind == "max" else "lo"
                if not groups.get("strong") and _is_quantity(text, match, name):
                    continue
                value = _decimal(match, name)
                if value is None:
                    continue
                if kind == "max":
                    high = value
                else:
                    low = value
                currency = _currency(match, name) or currency
            spans.claim(match.start(), match.end())
    if low is not None and high is not None and low > high:
        low, high = high, low
    return low, high, currency


def _extract_sort(text: str, spans: _Spans) -> str | None:
    found: list[tuple[int, str]] = []
    for sort, pattern in _SORT_PATTERNS:
        for match in pattern.finditer(text):
            if spans.free(match.start(), match.end()):
                spans.claim(match.start(), match.end())
                found.append((match.start(), sort))
    return min(found)[1] if found else None


def _extract_sizes(
    text: str, spans: _Spans, vocabulary: QueryVocabulary, hits: list[tuple[str, str, int, int]]
) -> None:
    if not vocabulary.sizes:
        return
    for pattern in _SIZE_PATTERNS:
        for match in pattern.finditer(text):
            if not spans.free(match.start(), match.end()):
                continue
            word = match.group("v")
            target = vocabulary.sizes.get(LETTER_SIZE_WORDS.get(word, word))
            if target is None:
                continue
            code, value = target
            hits.append((code, value, match.start(), match.end()))
            spans.claim(match.start(), match.end())
