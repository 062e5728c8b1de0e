"""Scrubbing personal data out of training text before it is trained on or logged.

Replaced with placeholders:

- ``[EMAIL]``: e-mail addresses;
- ``[PHONE]``: Chinese mobiles (1[3-9] and nine digits, optionally +86), Chinese landlines
  (010-12345678), North American numbers ((555) 123-4567, 555-123-4567, +1 555 123 4567) and
  international numbers written with a leading + (8 to 15 digits); then whatever the
  ``phonenumbers`` library finds valid for the regions of ``LLM_PII_PHONE_REGIONS`` (default
  US and CN: "400-820-8820", "0044 20 7946 0958"). A bare digit run found that way counts only
  after a phone word ("call 2025550143", "电话…"): SKUs are bare digit runs too;
- ``[CARD]``: payment card numbers, 13 to 19 digits in one run or grouped by spaces or
  dashes the way cards print them (4-4-4-4, Amex 4-6-5), that pass the Luhn check (an order
  number or a mistyped card does not); a bare 13- or 14-digit run with a valid GTIN check
  digit is a barcode and stays;
- ``[ID]``: Chinese resident identity numbers (18 characters, the last a digit or X, with
  the ISO 7064 MOD 11-2 check character);
- ``[SSN]``: US social security numbers written AAA-GG-SSSS, without the ranges never
  issued (area 000, 666 or 9xx, group 00, serial 0000);
- ``[IP]``: IPv4 and IPv6 addresses that the ``ipaddress`` module accepts;
- ``[ADDRESS]``: English street addresses (a house number, capitalised street name words and a
  street type: "221B Baker Street", "12 Analytical Row, Apt 4") and Chinese ones (optional
  省/市/区/县, a road ending in 路/街/大道/巷/胡同 and a 号 number, "北京市朝阳区建国路88号");
  two or more Chinese administrative levels without a road ("广东省深圳市南山区") too;
- ``[NAME]``: the names the caller gives (a training task's ``personal_names``, read by the app
  that owns the customer records): full names in any case, and
  each name part of two or more letters written as stored or capitalised. Chinese names match
  as full names (姓 + 名, either order) and as given names of two or more characters; a lone
  one-character surname is too common a character to remove.

Text is NFKC-normalised first where a character is a full-width or styled form of an ASCII
letter, digit or one of ``@+-._%`` (ｔｅｌ１３８…, 𝟏𝟑𝟖…), so look-alike characters hide
nothing. Chinese punctuation (，：（）) and superscripts (m²) are the text's own and stay.

Precision is chosen over recall where a rule would eat product copy: street words must be
capitalised ("a 10 minute drive" stays), bare digit runs (SKUs, barcodes) are not phones, and
a name part in lower case ("rose gold") stays even if a customer is called Rose. A capitalised
product word that is also a customer's name ("Ruby") is replaced: privacy wins over one word.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import phonenumbers
from django.conf import settings

from common.text import HAN_CHAR, HAN_CLASS, HAN_RUN

EMAIL = "[EMAIL]"
PHONE = "[PHONE]"
ADDRESS = "[ADDRESS]"
NAME = "[NAME]"
CARD = "[CARD]"
ID_NUMBER = "[ID]"
SSN = "[SSN]"
IP = "[IP]"

DEFAULT_PHONE_REGIONS = ("US", "CN")

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9.+_%-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)

# Phones: each pattern is anchored so it never starts or ends inside a longer digit run or a
# Latin word; Chinese text runs straight into numbers (电话13800138000), so CJK is no boundary.
_PHONES = [
    # Chinese mobile: 1[3-9]x xxxx xxxx, optional +86 / 0086.
    re.compile(r"(?<![A-Za-z0-9+])(?:(?:\+|00)86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)"),
    # Chinese landline with area code: 010-12345678, (021) 8765 4321.
    re.compile(r"(?<![A-Za-z0-9+])(?:\(0\d{2,3}\)\s?|0\d{2,3}-)\d{3,4}[\s-]?\d{4}(?!\d)"),
    # North American: (555) 123-4567, 555.123.4567, 1-555-123-4567.
    re.compile(r"(?<![A-Za-z0-9+])(?:1[\s.-]?)?(?:\(\d{3}\)\s?|\d{3}[\s.-])\d{3}[\s.-]\d{4}(?!\d)"),
    # International: a leading + and groups of digits, a group bracketed only as a whole
    # ("+44 (0)20…"), so the closing bracket of "(+44 20 7946 0958)" stays outside.
    re.compile(r"(?<![A-Za-z0-9+])\+\d{1,3}(?:[\s.-]?(?:\(\d{1,5}\)|\d{1,5})){1,5}(?!\d)"),
]
# A bare digit run that phonenumbers calls valid is a phone only after one of these words.
_PHONE_CUE = re.compile(
    r"(?:\b(?:call|phone|tel|telephone|mobile|cell|fax|whatsapp|text|sms|ring)\b"
    r"|电话|手机|联系|致电|拨打|座机|热线|微信)[\s.:：#-]*$",
    re.IGNORECASE,
)

# Card numbers as cards print them: one run of digits, 4-4-4-4 (up to three more) or the
# 4-6-4/5 of Amex and Diners, one separator throughout. Looser grouping would join
# neighbouring numbers ("000-12-3456 666-12-3456") into one Luhn-valid run.
_CARD = re.compile(
    r"(?<![A-Za-z0-9_+.-])"
    r"(?:\d{13,19}"
    r"|\d{4}(?P<sep>[ -])\d{4}(?P=sep)\d{4}(?P=sep)\d{4}(?:(?P=sep)\d{1,3})?"
    r"|\d{4}(?P<amex>[ -])\d{6}(?P=amex)\d{4,5})"
    r"(?![A-Za-z0-9_]|[-.]\d)"
)
_CN_ID = re.compile(r"(?<![A-Za-z0-9_+.-])\d{17}[\dXx](?![A-Za-z0-9_]|[-.]\d)")
_CN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_ID_CHECK = "10X98765432"
_SSN = re.compile(
    r"(?<![A-Za-z0-9_+.-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![A-Za-z0-9_]|[-.]\d)"
)
# Version numbers ("v1.2.3.4") and longer dotted runs are not addresses.
_IPV4 = re.compile(r"(?<![A-Za-z0-9_.:])\d{1,3}(?:\.\d{1,3}){3}(?![A-Za-z0-9_]|\.\d)")
_IPV6 = re.compile(
    r"(?<![A-Za-z0-9_:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:\.\d{1,3}){0,3}"
    r"(?![A-Za-z0-9_:])"
)

# Compatibility forms folded to ASCII: full-width, half-width and mathematical styles.
_FOLDED_FORMS = {"<wide>", "<narrow>", "<font>"}
_FOLDED_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@+-._%")
_PHONE_DIGITS = (8, 15)

_STREET_TYPES = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
    "Terrace|Row|Close|Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Alley|Circle|Cir|Gardens|"
    "Mews|Hill"
)
_EN_ADDRESS = re.compile(
    r"(?<![A-Za-z0-9-])\d{1,5}[A-Za-z]?,?"
    r"(?:\s+(?:[A-Z][A-Za-z'.-]*|\d+(?:st|nd|rd|th))){1,4}"
    rf"\s+(?:{_STREET_TYPES})\b\.?"
    r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b)?"
    # "2 Neutral Road Running Shoe" is a product: a street type is not followed by a word.
    r"(?!\s+(?!Apt|Apartment|Suite|Ste|Unit|Flat|Floor)[A-Z][a-z])"
    r"(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|#)\.?\s*[\w-]+)?"
)
# A character of a Chinese place name: a CJK ideograph that is not a common function word,
# so "我住在北京市…" scrubs from 北京 on instead of swallowing the words before it.
_ZH = r"(?:(?![在住于是的到寄送址为我你他她们请和与及从往收发货至])[" + HAN_CLASS + "])"
_ZH_DIVISIONS = rf"(?:{_ZH}{{2,6}}(?:省|自治区))?(?:{_ZH}{{2,6}}市)?(?:{_ZH}{{1,6}}(?:区|县|镇))?"
_ZH_ADDRESS = re.compile(
    rf"{_ZH_DIVISIONS}{_ZH}{{1,10}}(?:路|街|大道|巷|胡同)\d+号"
    r"(?:\d+(?:号楼|栋|幢|楼|单元|室|层))*"
)
_ZH_REGION = re.compile(
    rf"{_ZH}{{2,6}}(?:省|自治区){_ZH}{{2,6}}市(?:{_ZH}{{1,6}}(?:区|县))?"
    rf"|{_ZH}{{2,6}}市{_ZH}{{1,6}}(?:区|县)"
)

_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")
_NAME_GAP = re.compile(r"[\s'’.-]+")
_PLACEHOLDER_GAP = re.compile(rf"{re.escape(NAME)}(?:[\s'’-]+{re.escape(NAME)})+")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if unicodedata.decomposition(char).split(" ", 1)[0] not in _FOLDED_FORMS:
        return char
    folded = unicodedata.normalize("NFKC", char)
    return folded if folded in _FOLDED_ASCII else char


def fold_lookalikes(text: str) -> str:
    """``text`` with full-width and styled ASCII letters, digits and ``@+-._%`` made ASCII."""
    if text.isascii():
        return text
    return "".join(char if char.isascii() else _fold_char(char) for char in text)


def _is_cjk(text: str) -> bool:
    return bool(text) and all(HAN_CHAR.fullmatch(char) for char in text)


class PIIScrubber:
    """Replaces e-mails, phone numbers, street addresses and known names with placeholders.

    Args:
        names: customer names as stored ("Ada Lovelace", "Ada", "周明轩", ("明轩", "周")...).
            A tuple is one person's name parts (first, last); a string is split on whitespace.
        protected_words: words never replaced *on their own* as a name part, e.g. the words of
            product titles: a customer called Max must not turn every "Air Max" into
            "Air [NAME]". Full names ("Max Morgan") are still replaced.
        phone_regions: regions (ISO 3166 codes) whose national numbers ``phonenumbers``
            looks for; default: settings.LLM_PII_PHONE_REGIONS, else US and CN.

    ``counts`` tallies what was replaced, by placeholder, over the scrubber's lifetime.
    """

    def __init__(
        self,
        names: Iterable[str | tuple[str, ...]] = (),
        *,
        protected_words: Iterable[str] = (),
        phone_regions: Sequence[str] | None = None,
    ) -> None:
        self.counts: Counter[str] = Counter()
        if phone_regions is None:
            phone_regions = getattr(settings, "LLM_PII_PHONE_REGIONS", DEFAULT_PHONE_REGIONS)
        self.phone_regions = tuple(region.upper() for region in phone_regions)
        # Latin full names: first token -> token tuples (case-folded), longest first.
        self._full_names: dict[str, list[tuple[str, ...]]] = {}
        self._name_parts: set[str] = set()
        self._cjk_full: set[str] = set()
        self._cjk_parts: set[str] = set()
        for name in names:
            self._add_name(name)
        protected = set(protected_words)
        self._name_parts -= protected
        protected_cjk = [word for word in protected if HAN_RUN.search(word)]
        self._cjk_names = self._cjk_full | {
            part for part in self._cjk_parts if not any(part in word for word in protected_cjk)
        }
        self._cjk_lengths = sorted({len(n) for n in self._cjk_names}, reverse=True)
        for candidates in self._full_names.values():
            candidates.sort(key=len, reverse=True)

    def _add_name(self, name: str | tuple[str, ...]) -> None:
        parts = [p for p in (name if isinstance(name, tuple) else name.split()) if p and p.strip()]
        parts = [p.strip() for p in parts]
        if not parts:
            return
        if all(_is_cjk(p) for p in parts):
            # Chinese names are written without spaces, surname first or (as stored in
            # first/last fields) given name first.
            self._cjk_full.update({"".join(parts), "".join(reversed(parts))})
            self._cjk_parts.update(p for p in parts if len(p) >= 2)
            return
        tokens = [t for p in parts for t in _LATIN_WORD.findall(p)]
        if len(tokens) >= 2:
            for ordered in (tokens, [*tokens[1:], tokens[0]]):
                key = tuple(t.casefold() for t in ordered)
                bucket = self._full_names.setdefault(key[0], [])
                if key not in bucket:
                    bucket.append(key)
        for token in tokens:
            if len(token) >= 2:
                self._name_parts.update({token, token[:1].upper() + token[1:]})

    # -- public API ----------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """``text`` with every detected piece of personal data replaced by its placeholder."""
        if not text:
            return text
        text = fold_lookalikes(text)
        text = self._sub(_EMAIL, EMAIL, text)
        # Numbers with a checksum or a fixed shape first: a phone pattern must not take a
        # piece of a card or an identity number.
        text = self._sub(_CN_ID, ID_NUMBER, text, check=_cn_id_ok)
        text = self._sub(_CARD, CARD, text, check=_card_ok)
        text = self._sub(_SSN, SSN, text)
        text = self._sub(_IPV4, IP, text, check=_ip_ok)
        text = self._sub(_IPV6, IP, text, check=_ipv6_ok)
        text = self._sub(_EN_ADDRESS, ADDRESS, text)
        text = self._sub(_ZH_ADDRESS, ADDRESS, text)
        text = self._sub(_ZH_REGION, ADDRESS, text)
        for pattern in _PHONES:
            text = self._sub(pattern, PHONE, text, check=_phone_digits_ok)
        text = self._scrub_library_phones(text)
        return self._scrub_names(text)

    def scrub_value(self, value: Any) -> Any:
        """Scrub every string inside ``value`` (dicts, lists and tuples are walked; keys stay)."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, Mapping):
            return {key: self.scrub_value(item) for key, item in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self.scrub_value(item) for item in value)
        return value

    # -- internals -----------------------------------------------------------------------

    def _scrub_library_phones(self, text: str) -> str:
        # The regular expressions above take the common shapes; libphonenumber knows every
        # region's numbering plan for the rest. It is slow, so only text with digits enough
        # for a phone number is handed to it.
        for region in self.phone_regions:
            if sum(char.isdigit() for char in text) < _PHONE_DIGITS[0]:
                break
            spans = []
            for match in phonenumbers.PhoneNumberMatcher(
                text, region, leniency=phonenumbers.Leniency.VALID
            ):
                start, end = match.start, match.end
                raw = text[start:end]
                if raw.startswith("(") and ")" not in raw:
                    start += 1  # "(+44 20 7946 0958)": the bracket is the text's, not the number's
                if raw.isdigit() and not _PHONE_CUE.search(text[max(0, start - 16) : start]):
                    continue
                spans.append((start, end))
            for start, end in reversed(spans):
                text = f"{text[:start]}{PHONE}{text[end:]}"
                self.counts[PHONE] += 1
        return text

    def _sub(
        self,
        pattern: re.Pattern[str],
        placeholder: str,
        text: str,
        check: Callable[[str], bool] | None = None,
    ) -> str:
        def replace(match: re.Match[str]) -> str:
            if check is not None and not check(match.group()):
                return match.group()
            self.counts[placeholder] += 1
            return placeholder

        return pattern.sub(replace, text)

    def _scrub_names(self, text: str) -> str:
        if self._full_names or self._name_parts:
            text = self._scrub_latin_names(text)
        if self._cjk_names:
            text = HAN_RUN.sub(lambda m: self._scrub_cjk_run(m.group()), text)
        return text

    def _scrub_latin_names(self, text: str) -> str:
        words = list(_LATIN_WORD.finditer(text))
        spans: list[tuple[int, int]] = []
        index = 0
        while index < len(words):
            word = words[index]
            matched = self._full_name_at(text, words, index)
            if matched:
                spans.append((word.start(), words[index + matched - 1].end()))
                index += matched
                continue
            if word.group() in self._name_parts:
                spans.append((word.start(), word.end()))
            index += 1
        if not spans:
            return text
        pieces, last = [], 0
        for start, end in spans:
            pieces += [text[last:start], NAME]
            last = end
        pieces.append(text[last:])
        self.counts[NAME] += len(spans)
        # "Ruby Webb" matched part by part is still one name.
        return _PLACEHOLDER_GAP.sub(NAME, "".join(pieces))

    def _full_name_at(self, text: str, words: list[re.Match[str]], index: int) -> int:
        """How many words from ``index`` on spell a known full name (0: none)."""
        for candidate in self._full_names.get(words[index].group().casefold(), ()):
            size = len(candidate)
            if index + size > len(words):
                continue
            window = words[index : index + size]
            same_words = all(
                w.group().casefold() == t for w, t in zip(window, candidate, strict=True)
            )
            gaps = (text[a.end() : b.start()] for a, b in zip(window, window[1:], strict=False))
            if same_words and all(_NAME_GAP.fullmatch(gap) for gap in gaps):
                return size
        return 0

    def _scrub_cjk_run(self, run: str) -> str:
        out: list[str] = []
        index = 0
        while index < len(run):
            for size in self._cjk_lengths:
                if run[index : index + size] in self._cjk_names:
                    if not out or out[-1] != NAME:
                        out.append(NAME)
                    self.counts[NAME] += 1
                    index += size
                    break
            else:
                out.append(run[index])
                index += 1
        return "".join(out)


def _phone_digits_ok(candidate: str) -> bool:
    digits = sum(char.isdigit() for char in candidate)
    return _PHONE_DIGITS[0] <= digits <= _PHONE_DIGITS[1]


def _luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _gtin_ok(digits: str) -> bool:
    weights = (3, 1) if len(digits) % 2 == 0 else (1, 3)
    total = sum(int(char) * weights[index % 2] for index, char in enumerate(digits[:-1]))
    return (10 - total % 10) % 10 == int(digits[-1])


def _card_ok(candidate: str) -> bool:
    digits = candidate.replace(" ", "").replace("-", "")
    if not 13 <= len(digits) <= 19 or not _luhn_ok(digits):
        return False
    # EAN-13 and GTIN-14 barcodes fill product data; one in ten also passes Luhn.
    return not (candidate.isdigit() and len(digits) in (13, 14) and _gtin_ok(digits))


def _cn_id_ok(candidate: str) -> bool:
    total = sum(int(char) * weight for char, weight in zip(candidate, _CN_ID_WEIGHTS, strict=False))
    return _CN_ID_CHECK[total % 11] == candidate[-1].upper()


def _ip_ok(candidate: str) -> bool:
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def _ipv6_ok(candidate: str) -> bool:
    # "::" alone and clock times ("12:30:45") are not worth a placeholder; a real address
    # has a digit and more than a few characters.
    return len(candidate) >= 6 and any(c.isdigit() for c in candidate) and _ip_ok(candidate)


def words_of(texts: Iterable[str]) -> set[str]:
    """The Latin words and CJK runs of ``texts``, as written: protected words for a scrubber."""
    words: set[str] = set()
    for text in texts:
        words.update(_LATIN_WORD.findall(text))
        words.update(HAN_RUN.findall(text))
    return words
