"""The scripted dialogue suite (data/dialogues.yaml), in English and Chinese.

Each dialogue is a conversation through ``POST /api/chat`` (the widget's endpoint) as a guest,
the signed-in customer Alice (four orders) or a customer with no orders. Every turn checks the
reply's intent, the facts it must state (the return window from settings, an order's status
and dates, shipping prices from the ShippingMethod rows), its exact citations and actions,
whether the conversation went to staff, and how many returns exist.

What is real and what is stubbed: routing, the order tools and their permission checks, the
help articles and their retrieval (MiniLM vectors for English plus keywords), the catalog
search and the return service are the shop's own code. The intent classifier is a stub that
answers the label written in the turn (``label``, else the expected ``intent``): the test
embedder is English-only MiniLM and cannot classify these messages. So ``intent`` checks the
routing of a classified label, and where the dialogue overrides the classifier (a handoff
phrase, a yes or no to a pending return, a conversation waiting for staff, the message limit)
the turn says ``label: null`` and the stub fails the test if it is consulted.
"""

from __future__ import annotations

import re

import pytest

from shop.orders.models import ReturnRequest
from tests.support_chat.scripted import Chat, build_shop, citation_keys, load, stub_classifier

pytestmark = pytest.mark.django_db

DIALOGUES = load("dialogues.yaml")
USERS = {"guest": None, "alice": "alice", "newbie": "newbie"}
# A number written in Chinese numerals next to a unit ("三十天"): replies use digits.
CHINESE_NUMERAL_COUNT = re.compile(r"[零一二三四五六七八九十百千两]+\s*(?:天|个工作日|日|元)")


def test_the_suite_is_large_and_bilingual():
    """At least 100 dialogues, half of them Chinese, with guests and signed-in customers."""
    chinese = [d for d in DIALOGUES if d.get("lang") == "zh"]
    turns = [turn for dialogue in DIALOGUES for turn in dialogue["turns"]]

    assert len(DIALOGUES) >= 100
    assert len({dialogue["id"] for dialogue in DIALOGUES}) == len(DIALOGUES)
    assert len(chinese) * 2 >= len(DIALOGUES)
    assert {dialogue.get("as", "guest") for dialogue in DIALOGUES} == set(USERS)
    assert {turn["intent"] for turn in turns} >= {
        "order_status",
        "return_refund",
        "shipping",
        "payment",
        "product_search",
        "product_question",
        "complaint",
        "human_agent",
        "small_talk",
        "out_of_scope",
        "",
    }


@pytest.mark.parametrize("dialogue", DIALOGUES, ids=[dialogue["id"] for dialogue in DIALOGUES])
def test_dialogue(dialogue, monkeypatch, settings):
    settings.SUPPORT_CHAT_RATE_LIMIT = 10**6
    for name, value in (dialogue.get("settings") or {}).items():
        setattr(settings, name, value)
    shop = build_shop(settings)
    queue = stub_classifier(monkeypatch)
    user = {"guest": None, "alice": shop.alice, "newbie": shop.newbie}[dialogue.get("as", "guest")]
    chat = Chat(user, language="zh-hans" if dialogue.get("lang") == "zh" else "en")

    for number, turn in enumerate(dialogue["turns"], start=1):
        where = f"turn {number}: {turn['say']}"
        label = turn.get("label", turn["intent"])
        queue[:] = [] if label is None else [label]
        body = chat.say(turn["say"])
        reply = body["reply"]

        assert queue == [], f"{where}: the classifier was not asked for {label!r}"
        assert body["intent"] == turn["intent"], where
        for fact in turn.get("facts", []):
            assert shop.fill(fact) in reply, f"{where}: {shop.fill(fact)!r} not in {reply!r}"
        for text in turn.get("absent", []):
            assert shop.fill(text) not in reply, f"{where}: {text!r} in {reply!r}"
        assert citation_keys(body["citations"]) == turn.get("citations", []), where
        assert [action["type"] for action in body["actions"]] == turn.get("actions", []), where
        assert body["handoff"] is turn.get("handoff", False), where
        assert CHINESE_NUMERAL_COUNT.search(reply) is None, f"{where}: {reply!r}"
        if "returns" in turn:
            assert ReturnRequest.objects.count() == turn["returns"], where
