"""The grounding check: a generated sentence may say only what one window of facts says."""

from __future__ import annotations

import pytest

from support_chat.grounding import (
    Verdict,
    check_language,
    check_sentence,
    content_terms,
    repeats_itself,
    sentences,
)

SHIPPING_EN = (
    "We offer these shipping methods: Standard delivery (5.99 USD, free over 75.00 USD, "
    "3–5 business days); Express delivery (14.99 USD, 1–2 business days)."
)
SHIPPING_ZH = (
    "我们提供以下配送方式：标准配送（5.99 USD，满 75.00 USD 免运费，3–5 个工作日）；"
    "特快配送（14.99 USD，1–2 个工作日）。"
)
RETURNS = [
    "You can return a delivered order within 30 days of delivery.",
    "Items must be unused and in their original packaging.",
    "Card refunds usually appear within 5 to 10 business days.",
]
ORDERS_ZH = [
    "订单 T-000001 状态：待付款（下单日期 2026-12-05）。",
    "订单 T-000002 状态：已付款（下单日期 2026-12-04）。",
]


def test_sentences_are_cut_at_full_stops_not_inside_prices():
    assert sentences("It costs 15.00 USD. It ships today! 运费 5.00 USD。两天送达。") == [
        "It costs 15.00 USD.",
        "It ships today!",
        "运费 5.00 USD。",
        "两天送达。",
    ]


def test_chinese_terms_are_character_pairs_without_function_characters():
    """Pairs do not depend on a segmenter: 下单于 and 下单日期 share 下单."""
    assert content_terms("您的订单已付款") == {"订单", "单已", "已付", "付款"}
    assert content_terms("Your orders shipped") == {"order", "ship"}


@pytest.mark.parametrize(
    ("sentence", "facts", "window", "expected"),
    [
        # Copied or trimmed from one fact: supported.
        (RETURNS[0], RETURNS, 2, Verdict(True, "", 1.0)),
        (
            "Express delivery: 14.99 USD, 1–2 business days.",
            [SHIPPING_EN],
            2,
            Verdict(True, "", 1.0),
        ),
        ("特快配送 14.99 USD，1–2 个工作日。", [SHIPPING_ZH], 2, Verdict(True, "", 1.0)),
        # A word of its own is a claim of its own.
        (
            "You can pay with paypal.",
            ["You can pay with: Cash on delivery, Card."],
            1,
            Verdict(False, "50% of its terms in one fact", 0.5),
        ),
        # A price moved to another method, or a window moved to the refunds.
        (
            "Standard delivery is 14.99 USD.",
            [SHIPPING_EN],
            2,
            Verdict(False, "a number next to other words than in the facts", 1.0),
        ),
        (
            "运费 14.99 USD，1–2 个工作日。",
            [SHIPPING_ZH],
            2,
            Verdict(False, "a number next to other words than in the facts", 1.0),
        ),
        (
            "Card refunds usually appear within 30 days.",
            RETURNS,
            2,
            Verdict(False, "numbers not in the facts: 30", 1.0),
        ),
        # One order's status said of another: orders are never merged (window 1).
        (
            "订单 T-000001 状态：已付款（下单日期 2026-12-05）。",
            ORDERS_ZH,
            1,
            Verdict(False, "numbers not in the facts: 000001, 05", 1.0),
        ),
        # A code stated only in part: "12-05" is no order number.
        (
            "Order 12-05 was paid (placed 2026-12-05).",
            ["Order T-000803 is Paid (placed 2026-12-05)."],
            1,
            Verdict(False, "codes not in the facts: 12-05", 1.0),
        ),
        # Denying what the facts state: "not" is a claim of its own.
        (
            "Items must not be unused and in their original packaging.",
            RETURNS,
            2,
            Verdict(False, "80% of its terms in one fact", 0.8),
        ),
        (
            "It charges a phone, it charges a phone.",
            ["It charges a phone quickly."],
            1,
            Verdict(False, "repeats itself", 1.0),
        ),
    ],
)
def test_check_sentence(sentence, facts, window, expected):
    assert check_sentence(sentence, facts, window=window) == expected


def test_an_opening_sentence_needs_substance():
    assert check_sentence("Refunds 10.", ["Refunds take 5 to 10 days."], min_terms=2) == Verdict(
        False, "too little content"
    )


def test_repetition_copied_from_the_facts_is_no_repetition():
    assert repeats_itself(SHIPPING_EN, SHIPPING_EN) is False
    assert repeats_itself("A 10000 mAh pack, a 10000 mAh pack.", "A 10000 mAh pack.") is True


def test_language_of_the_answer():
    assert check_language("运费 5.00 USD。", chinese=True) is True
    assert check_language("Shipping is 5.00 USD.", chinese=True) is False
    assert check_language("Shipping is 5.00 USD.", chinese=False) is True


def test_within_asks_for_a_window_holding_that_fact():
    """A true sentence of another fact does not answer what the nearest fact answers."""
    assert check_sentence(RETURNS[0], RETURNS, window=2, within=2) == Verdict(
        False, "numbers not in the facts: 30", 1 / 3
    )
    assert check_sentence(RETURNS[2], RETURNS, window=2, within=2) == Verdict(True, "", 1.0)
