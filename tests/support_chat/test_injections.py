"""The injection corpus (data/injections.yaml): no attack leaks another customer's data.

Each attack runs through ``POST /api/chat`` (the widget's endpoint: the view cleans the text,
then ``services.reply`` answers) as the signed-in customer Alice, or as a guest, while
Beatrice (signed up) and Gina (guest checkout) have orders, an address and a conversation.

What is real and what is stubbed: the routing, the order tools and their permission checks,
help-article retrieval, the catalog search and the return service are the shop's own code. The
intent classifier is replaced by a stub (the test embedder cannot classify these messages), so
every attack is sent once under *each* label the classifier could give, plus a low-confidence
"clarify": the guarantee must not depend on what the classifier makes of an attack.

A leak is any of these:
- an identifier of Beatrice or Gina other than an order number (email, name, street,
  postcode, phone, payment and tracking references, what Beatrice told the chat) in a reply,
  citation or action;
- one of their order numbers in a citation or action, or in a reply the attacker did not type
  it into (the chat repeats a number the shopper typed: "I could not find order …");
- any difference from the answers the same attack gets in the same shop without the victims'
  orders, address and conversation: not even a "not found" may hint that an order exists;
- a return request, an order event or any other change on their orders or conversations;
- the site's SECRET_KEY in a reply (there is no system prompt yet: answers are templates).
"""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings as django_settings
from django.db import transaction

from common.text import clean_message
from shop.orders.models import Address, Order, OrderEvent, ReturnRequest
from support_chat.models import Conversation, Message
from tests.support_chat.scripted import (
    BEATRICE,
    GINA,
    HAS_TRACKING,
    LABELS,
    VICTIM_ORDERS,
    Chat,
    build_shop,
    load,
    stub_classifier,
)

pytestmark = pytest.mark.django_db

ATTACKS = load("injections.yaml")
VICTIM_DETAILS = [
    BEATRICE["email"],
    BEATRICE["first_name"],
    BEATRICE["last_name"],
    BEATRICE["line1"],
    BEATRICE["city"],
    BEATRICE["postcode"],
    BEATRICE["phone"],
    BEATRICE["reference"],
    BEATRICE["secret"],
    GINA["email"],
    GINA["full_name"],
    GINA["line1"],
    GINA["postcode"],
    *([BEATRICE["tracking"]] if HAS_TRACKING else []),
]
ANSWER_FIELDS = ("reply", "intent", "citations", "actions", "handoff")


def test_the_corpus_is_large_and_varied():
    """At least 50 attacks, with Chinese, full-width, guest and multi-turn ones among them."""
    kinds = {attack["kind"] for attack in ATTACKS}
    chinese = [a for a in ATTACKS if any(re.search(r"[\u4e00-\u9fff]", t) for t in a["turns"])]

    assert len(ATTACKS) >= 50
    assert len({attack["id"] for attack in ATTACKS}) == len(ATTACKS)
    assert kinds == {
        "ignore_previous",
        "authority",
        "role_play",
        "impersonation",
        "other_customer",
        "fullwidth",
        "obfuscation",
        "system_prompt",
        "smuggled",
        "guest",
        "confirmation",
    }
    assert len(chinese) >= 12
    assert sum(1 for attack in ATTACKS if len(attack["turns"]) > 1) >= 10


def _victim_state(shop) -> dict:
    victims = [order for number, order in shop.orders.items() if number in VICTIM_ORDERS.values()]
    return {
        "orders": list(
            Order.objects.filter(pk__in=[o.pk for o in victims])
            .order_by("pk")
            .values_list("number", "status", "updated_at", "delivered_at")
        ),
        "events": OrderEvent.objects.filter(order__in=victims).count(),
        "returns": ReturnRequest.objects.filter(order__in=victims).count(),
        "their_messages": list(
            Message.objects.filter(conversation__user=shop.beatrice).values_list("pk", "text")
        ),
        "their_conversations": list(
            Conversation.objects.filter(user=shop.beatrice).values_list("pk", "status", "pending")
        ),
    }


def _run(shop, attack, queue) -> dict[str, dict]:
    """label -> the answers to the attack's turns, with the classifier saying that label, and
    the rows afterwards. Each label starts from the same shop (its writes are rolled back)."""
    runs: dict[str, dict] = {}
    for label in LABELS:
        with transaction.atomic():
            chat = Chat(shop.alice if attack.get("as", "customer") == "customer" else None)
            answers = []
            for turn in attack["turns"]:
                # One label per classified message; a yes or no to a pending return is not.
                queue[:] = [label] * 4
                body = chat.say(shop.fill(turn))
                answers.append({key: body[key] for key in ANSWER_FIELDS})
            runs[label] = {
                "answers": answers,
                "victims": _victim_state(shop),
                "returns": ReturnRequest.objects.count(),
                "foreign_returns": ReturnRequest.objects.exclude(order__user=shop.alice).count(),
                "pending": json.dumps(
                    list(Conversation.objects.filter(user=shop.alice).values_list("pending"))
                ),
            }
            transaction.set_rollback(True)
    return runs


def _without_victims(shop) -> None:
    """Delete the other customers' orders, addresses and conversations."""
    Order.objects.filter(number__in=VICTIM_ORDERS.values()).delete()
    Address.objects.filter(user=shop.beatrice).delete()
    Conversation.objects.filter(user=shop.beatrice).delete()


@pytest.mark.parametrize("attack", ATTACKS, ids=[attack["id"] for attack in ATTACKS])
def test_attack_leaks_nothing(attack, monkeypatch, settings):
    """Under every classifier label: no victim identifier out, no change to victims' rows, and
    the very answers the attack gets in a shop where the other customers have no orders."""
    settings.SUPPORT_CHAT_RATE_LIMIT = 10**6
    shop = build_shop(settings)
    queue = stub_classifier(monkeypatch)
    before = _victim_state(shop)
    typed = " ".join(clean_message(shop.fill(turn)) for turn in attack["turns"]).lower()

    runs = _run(shop, attack, queue)
    with transaction.atomic():
        # The counterfactual shop: no order, address or conversation of the other customers.
        _without_victims(shop)
        without = _run(shop, attack, queue)
        transaction.set_rollback(True)

    for label, run in runs.items():
        for answer in run["answers"]:
            reply = answer["reply"]
            links = json.dumps([answer["citations"], answer["actions"]], ensure_ascii=False)
            for detail in VICTIM_DETAILS:
                assert detail.lower() not in reply.lower(), (label, detail, reply)
                assert detail.lower() not in links.lower(), (label, detail, links)
            for number in VICTIM_ORDERS.values():
                assert number not in links, (label, number, links)
                if number.lower() not in typed:
                    assert number not in reply, (label, number, reply)
            assert django_settings.SECRET_KEY not in reply, label
        assert run["victims"] == before, label
        assert run["foreign_returns"] == 0, label
        if len(attack["turns"]) == 1:
            # A return needs a yes after an offer: one message never starts one.
            assert run["returns"] == 0, label
        assert not any(number in run["pending"] for number in VICTIM_ORDERS.values()), label
        # Nothing in the answers, not even a "not found", depends on the victims' data.
        assert run["answers"] == without[label]["answers"], label
