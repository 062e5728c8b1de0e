import pytest

from llm_services.training.pii import PIIScrubber, words_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Write to ada.l+shop@mail.example.co.uk today", "Write to [EMAIL] today"),
        ("邮箱ada@example.com，谢谢", "邮箱[EMAIL]，谢谢"),
        ("Call (555) 123-4567 or 555.123.4567.", "Call [PHONE] or [PHONE]."),
        ("US toll free 1-800-555-1234", "US toll free [PHONE]"),
        ("London office +44 20 7946 0958", "London office [PHONE]"),
        ("手机13800138000或+86 139-1234-5678", "手机[PHONE]或[PHONE]"),
        ("电话 138 0013 8000", "电话 [PHONE]"),
        ("座机010-12345678", "座机[PHONE]"),
    ],
)
def test_emails_and_phone_numbers_become_placeholders(text, expected):
    """E-mails and US, Chinese (mobile and landline) and international numbers are replaced."""
    assert PIIScrubber().scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Input 100-240 V, 50/60 Hz, 1920 x 1080",
        "Made on 2024-05-12, model 3000-2000-1000",
        "SKU 12345678901, EAN 4006381333931",
        "Now $1,299.99 (was $1,499.00)",
        "Pack of 12, 3.5 kg, 30 x 20 x 10 cm",
        "+5 dB of bass",
    ],
)
def test_product_numbers_are_not_phone_numbers(text):
    """Voltages, dates, SKUs, barcodes, prices and sizes stay as they are."""
    assert PIIScrubber().scrub(text) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ship to 221B Baker Street, London NW1 6XE", "Ship to [ADDRESS], London NW1 6XE"),
        ("Send it to 12 Analytical Row, Apt 4.", "Send it to [ADDRESS]."),
        ("1600 Pennsylvania Avenue NW, Washington", "[ADDRESS], Washington"),
        ("我住在北京市朝阳区建国路88号3栋1201室。", "我住在[ADDRESS]。"),
        ("收货地址：上海市浦东新区世纪大道100号", "收货地址：[ADDRESS]"),
        ("从广东省深圳市南山区发货", "从[ADDRESS]发货"),
    ],
)
def test_street_addresses_become_placeholders(text, expected):
    """English street addresses and Chinese 省/市/区/路/号 addresses are replaced."""
    assert PIIScrubber().scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "a 10 minute drive from the sea",
        "Harrier 3 Neutral Road Running Shoe",
        "3 Way Switch, 2 Pack",
        "产自云南省，茶香浓郁",
    ],
)
def test_product_copy_is_not_an_address(text):
    """Lower-case distances, product names ending in a street word and one region stay."""
    assert PIIScrubber().scrub(text) == text


def test_customer_names_become_placeholders():
    """Full names in any case and capitalised name parts are replaced; lower-case words stay."""
    scrubber = PIIScrubber([("Ruby", "Webb"), ("Anne-Marie", "O'Brien")])

    assert (
        scrubber.scrub("Ruby Webb loved it; so did RUBY WEBB.") == "[NAME] loved it; so did [NAME]."
    )
    assert (
        scrubber.scrub("Thanks, Ruby! Webb's team agrees.")
        == "Thanks, [NAME]! [NAME]'s team agrees."
    )
    assert scrubber.scrub("ruby red and webbed feet") == "ruby red and webbed feet"
    assert scrubber.scrub("Anne-Marie O'Brien wrote back") == "[NAME] wrote back"
    assert scrubber.counts["[NAME]"] == 5


def test_chinese_names_match_in_either_order_but_not_a_lone_surname():
    """周明轩 and 明轩 are replaced; the one-character surname 周 inside 周末 is not."""
    scrubber = PIIScrubber([("明轩", "周")])

    assert (
        scrubber.scrub("周明轩说很好，明轩推荐，周末愉快") == "[NAME]说很好，[NAME]推荐，周末愉快"
    )


def test_protected_words_are_kept_on_their_own_but_not_in_full_names():
    """A customer named Max does not erase "Air Max"; "Max Morgan" is still a name."""
    scrubber = PIIScrubber(
        [("Max", "Morgan"), ("天佑", "陈")], protected_words=words_of(["Air Max 天佑牌水杯"])
    )

    assert scrubber.scrub("Air Max by Max Morgan, 天佑牌 from 陈天佑") == (
        "Air Max by [NAME], 天佑牌 from [NAME]"
    )


def test_scrub_value_walks_nested_structures_and_keeps_keys():
    """Strings inside dicts and lists are scrubbed; keys and non-strings are untouched."""
    value = {"title": "Call 555-123-4567", "attributes": [["Email", "a@b.io"]], "pages": 440}

    assert PIIScrubber().scrub_value(value) == {
        "title": "Call [PHONE]",
        "attributes": [["Email", "[EMAIL]"]],
        "pages": 440,
    }
