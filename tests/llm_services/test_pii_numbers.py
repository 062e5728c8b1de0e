"""Card, identity, social security, phone and IP numbers, and look-alike characters."""

import pytest

from llm_services.training.pii import PIIScrubber, fold_lookalikes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Card 4111 1111 1111 1111, exp 12/29", "Card [CARD], exp 12/29"),
        ("paid with 5500-0055-5555-5559.", "paid with [CARD]."),
        ("amex 378282246310005", "amex [CARD]"),
        ("amex 3782 822463 10005", "amex [CARD]"),
        ("卡号6212345678901232请退款", "卡号[CARD]请退款"),
    ],
)
def test_luhn_valid_card_numbers_become_placeholders(text, expected):
    """13 to 19 digits, grouped or not, that pass the Luhn check are cards."""
    assert PIIScrubber().scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Card 4111 1111 1111 1112 was declined",  # fails Luhn
        "Order 261205-333842 shipped",
        "Now $1,299.99, was $1,499.00",
        "SKU ABC-12345-XL, EAN 4006381333924",  # a barcode that also passes Luhn
        "Batch 2024-05-12-0001",
    ],
)
def test_order_numbers_prices_skus_and_invalid_cards_stay(text):
    """A mistyped card, an order number, a price, a SKU and a barcode are not cards."""
    scrubber = PIIScrubber()

    assert scrubber.scrub(text) == text
    assert scrubber.counts == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证110105199003071239，谢谢", "身份证[ID]，谢谢"),
        ("ID 11010519491231002X on file", "ID [ID] on file"),
        ("id 11010519491231002x", "id [ID]"),
    ],
)
def test_chinese_resident_ids_with_a_valid_check_character_become_placeholders(text, expected):
    """18 characters whose MOD 11-2 check character (a digit or X) matches are identities."""
    assert PIIScrubber().scrub(text) == expected


@pytest.mark.parametrize("text", ["身份证110105199003071234", "ID 110105199003071X39"])
def test_eighteen_characters_with_a_wrong_check_character_stay(text):
    """A wrong check character, or an X anywhere but last, is not an identity number."""
    assert PIIScrubber().scrub(text) == text


def test_social_security_numbers_outside_the_unissued_ranges_become_placeholders():
    """AAA-GG-SSSS is an SSN unless its area is 000, 666 or 9xx, its group 00 or serial 0000."""
    scrubber = PIIScrubber()

    assert scrubber.scrub("SSN 123-45-6789, or 772-01-0001.") == "SSN [SSN], or [SSN]."
    never_issued = "000-12-3456 666-12-3456 912-34-5678 123-00-4567 123-45-0000 2024-05-12"
    assert scrubber.scrub(never_issued) == never_issued
    assert scrubber.counts == {"[SSN]": 2}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("客服热线400-820-8820", "客服热线[PHONE]"),
        ("Ring 0044 20 7946 0958 after 6", "Ring [PHONE] after 6"),
        ("call 2025550143 now", "call [PHONE] now"),
        ("电话：02187654321", "电话：[PHONE]"),
        ("Reach us (+44 20 7946 0958) today", "Reach us ([PHONE]) today"),
        ("Reach us (+44 (0)20 7946 0958).", "Reach us ([PHONE])."),
    ],
)
def test_phone_numbers_without_a_plus_are_found_by_the_numbering_plan(text, expected):
    """National and 00-prefixed numbers valid in US or CN plans are phones; brackets stay."""
    assert PIIScrubber().scrub(text) == expected


@pytest.mark.parametrize(
    "text", ["SKU 2025550143", "Item 4000820882 in stock", "Model 2125551234X"]
)
def test_bare_digit_runs_without_a_phone_word_stay(text):
    """A bare run of digits is a phone only after a phone word: SKUs look the same."""
    assert PIIScrubber().scrub(text) == text


def test_phone_regions_come_from_the_setting(settings):
    """LLM_PII_PHONE_REGIONS chooses the numbering plans; a number outside them stays."""
    settings.LLM_PII_PHONE_REGIONS = ["GB"]

    assert PIIScrubber().phone_regions == ("GB",)
    assert PIIScrubber().scrub("Ring 020 7946 0958") == "Ring [PHONE]"
    assert PIIScrubber(phone_regions=["US"]).scrub("Ring 020 7946 0958") == "Ring 020 7946 0958"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("server 192.168.1.10, port 22", "server [IP], port 22"),
        ("from 2001:db8::8a2e:370:7334 and fe80::1.", "from [IP] and [IP]."),
        ("mapped ::ffff:192.0.2.128 here", "mapped [IP] here"),
        ("来自10.0.0.1的请求", "来自[IP]的请求"),
    ],
)
def test_ip_addresses_become_placeholders(text, expected):
    """IPv4 and IPv6 addresses the ipaddress module accepts are replaced."""
    assert PIIScrubber().scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    ["firmware v1.2.3.4", "not 999.1.1.1", "build 1.2.3.4.5", "open 12:30:45 daily", "C++ a::b"],
)
def test_versions_times_and_invalid_addresses_are_not_ips(text):
    """Version numbers, octets over 255, clock times and short colon runs stay."""
    assert PIIScrubber().scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话１３８００１３８０００", "电话[PHONE]"),
        ("ｔｅｌ：＋８６ １３９ １２３４ ５６７８", "tel：[PHONE]"),
        ("mail ａｄａ＠ｅｘａｍｐｌｅ．ｃｏｍ", "mail [EMAIL]"),
        ("card 𝟒𝟏𝟏𝟏 𝟏𝟏𝟏𝟏 𝟏𝟏𝟏𝟏 𝟏𝟏𝟏𝟏", "card [CARD]"),
    ],
)
def test_full_width_and_styled_characters_hide_nothing(text, expected):
    """Full-width and mathematical digits and letters are read as ASCII first."""
    assert PIIScrubber().scrub(text) == expected


def test_folding_keeps_chinese_punctuation_superscripts_and_circled_numbers():
    """Only look-alikes of ASCII letters, digits and @+-._% are folded."""
    assert fold_lookalikes("ＡＢＣ１２３，（注）：10 m²，①") == "ABC123，（注）：10 m²，①"
